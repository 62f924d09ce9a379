/**
 * B02 numa-maps-shared-ref-leak (up to 2.6.22): numa_maps looks up the shared policy of a SysV
 * segment's mapping (a reference) and never drops it: every read leaks one. Fixed (480eccf9ae10).
 */
import { MPOL_INTERLEAVE } from '../../kernel/constants.js';
import { type Sys } from '../../kernel/syscalls.js';
import { type RaceScenario } from '../scenario.js';
import { BOTH, BUG_MACHINE, MAXNODE, readNumaMaps, segment } from './common.js';

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
  async setup(m) {
    const p = await m.spawnProcess({ cpu: 0 });
    const { addrs } = await segment([p.main], 16);
    await p.main.mbind(addrs[0], 16 * 4096, MPOL_INTERLEAVE, BOTH, MAXNODE, 0);
    return { tasks: [p.main] };
  },
};
