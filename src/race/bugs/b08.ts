/**
 * B08 shared-policy-replace-unlocked-node (before 2.6.12 to 3.6): splitting a range of a
 * segment's shared policy, shared_policy_replace drops the tree lock to allocate the new node and
 * then reads the spanning node and its policy; meanwhile another process's mbind over the whole
 * range freed them. Fixed (b22d127a39dd; then 42288fe366c4's pre-allocation).
 */
import { MPOL_BIND, MPOL_INTERLEAVE } from '../../kernel/constants.js';
import { type Sys } from '../../kernel/syscalls.js';
import { type RaceScenario } from '../scenario.js';
import { BOTH, BUG_MACHINE, MAXNODE, NODE0, NODE1, sharedSegment } from './common.js';

const PAGE = 4096;

/** T1: a policy for pages [16, 32) of the segment (a split of [0, 128)). */
export function split(sys: Sys, addr: number): number {
  sys.mbind(addr + 16 * PAGE, 16 * PAGE, MPOL_BIND, NODE1, MAXNODE, 0);
  return 0;
}

/** T2: a policy for the whole segment (deletes the range T1 splits). */
export function whole(sys: Sys, addr: number): number {
  sys.mbind(addr, 128 * PAGE, MPOL_INTERLEAVE, BOTH, MAXNODE, 0);
  return 0;
}

export const race: RaceScenario = {
  name: 'bug:B08',
  machine: BUG_MACHINE,
  module: import.meta.url,
  programs: ['split', 'whole'],
  depth: 2,
  setup: (m) => sharedSegment(m, 128, MPOL_BIND, NODE0, false),
};
