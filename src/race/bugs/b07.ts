/**
 * B07 shmem-swapin-readahead-over-unref (a hazard of 2.6.26's rules): a shmem page comes back from
 * swap with its cluster; shmem passes the looked-up shared policy itself to every readahead
 * allocation, and each drops a reference (mpol_cond_put) that only the lookup took once: the
 * second drop is an over-unref. Fixed: mpol_cond_assign, an unshared copy for the allocations.
 */
import { MAP_ANONYMOUS, MAP_SHARED, MPOL_INTERLEAVE, PROT_READ, PROT_WRITE } from '../../kernel/constants.js';
import { type Sys } from '../../kernel/syscalls.js';
import { shrinkNode } from '../../kernel/vmscan.js';
import { type RaceScenario } from '../scenario.js';
import { BOTH, BUG_MACHINE, MAXNODE } from './common.js';

/** Touch the first page of the swapped-out mapping. */
export function swapIn(sys: Sys, addr: number): number {
  return sys.load(addr, 1)[0];
}

export const race: RaceScenario = {
  name: 'bug:B07',
  machine: BUG_MACHINE,
  module: import.meta.url,
  programs: ['swapIn'],
  depth: 1,
  async setup(m) {
    const p = await m.spawnProcess({ cpu: 0 });
    const addr = await p.main.mmap(0, 8 * 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS);
    await p.main.mbind(addr, 8 * 4096, MPOL_INTERLEAVE, BOTH, MAXNODE, 0);
    await p.main.touch(addr, 8 * 4096, 'write');
    // Swap every page of the object out (the machine's direct reclaim, from here).
    for (const n of m.nodes) shrinkNode(m.kernel, n.id, 1 << 20, true);
    return { tasks: [p.main], args: [addr] };
  },
};
