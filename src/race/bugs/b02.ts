/**
 * B02 numa-maps-shared-ref-leak (up to 2.6.22): numa_maps looks up the shared policy of a SysV
 * segment's mapping (a reference) and never drops it: every read leaks one. Fixed (480eccf9ae10).
 */
import { MPOL_INTERLEAVE } from '../../kernel/constants.js';
import { type Sys } from '../../kernel/syscalls.js';
import { type RaceScenario } from '../scenario.js';
import { BOTH, BUG_MACHINE, readNumaMaps, segmentWithPolicy } from './common.js';

/** Read the task's own numa_maps. */
export function readSelf(sys: Sys): number {
  return readNumaMaps(sys, 'self');
}

export const race: RaceScenario = {
  name: 'bug:B02',
  machine: BUG_MACHINE,
  module: import.meta.url,
  programs: ['readSelf'],
  depth: 1,
  setup: (m) => segmentWithPolicy(m, 16, MPOL_INTERLEAVE, BOTH),
};
