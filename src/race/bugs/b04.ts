/**
 * B04 get-mempolicy-addr-shared-leak (up to 2.6.25): get_mempolicy(MPOL_F_ADDR) on an address of
 * a SysV segment looks up its shared policy (a reference) and never drops it. Fixed (52cd3b074050).
 */
import { MPOL_F_ADDR, MPOL_INTERLEAVE } from '../../kernel/constants.js';
import { type Sys } from '../../kernel/syscalls.js';
import { type RaceScenario } from '../scenario.js';
import { BOTH, BUG_MACHINE, segmentWithPolicy } from './common.js';

/** get_mempolicy of the segment's first page; returns the mode. */
export function query(sys: Sys, addr: number): number {
  return sys.getMempolicy(null, addr, MPOL_F_ADDR).mode;
}

export const race: RaceScenario = {
  name: 'bug:B04',
  machine: BUG_MACHINE,
  module: import.meta.url,
  programs: ['query'],
  depth: 1,
  setup: (m) => segmentWithPolicy(m, 16, MPOL_INTERLEAVE, BOTH),
};
