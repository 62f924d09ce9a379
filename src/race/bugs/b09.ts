/**
 * B09 set-shared-policy-enomem-leak (before 2.6.12 to 3.6): mbind splits a segment's range; the
 * allocation of the split node fails (failure injection at the sp_node slab), and the node
 * prepared for the new range goes back to its slab with its policy reference. Fixed (63f74ca21f1f:
 * sp_free drops the policy with the node).
 */
import { MPOL_BIND } from '../../kernel/constants.js';
import { type Sys } from '../../kernel/syscalls.js';
import { type RaceScenario } from '../scenario.js';
import { BUG_MACHINE, NODE0, NODE1, mbindMayFail, segmentWithPolicy } from './common.js';

const PAGE = 4096;

/** A policy for pages [16, 32) of the segment; ENOMEM is an expected outcome here. */
export function split(sys: Sys, addr: number): string | 0 {
  return mbindMayFail(sys, addr + 16 * PAGE, 16 * PAGE, MPOL_BIND, NODE1);
}

export const race: RaceScenario = {
  name: 'bug:B09',
  machine: BUG_MACHINE,
  module: import.meta.url,
  programs: ['split'],
  depth: 1,
  // Any allocation in the policy and sp_node slabs may fail, a third of the time.
  faults: { ppm: 330_000 },
  setup: (m) => segmentWithPolicy(m, 128, MPOL_BIND, NODE0),
};
