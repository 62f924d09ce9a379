/**
 * B12 shmem-alloc-page-lookup-ref-leak (3.7-rc): after 00442ad04a5e the allocator takes and drops
 * its own reference on a pseudo-VMA's shared policy, but shmem_alloc_page still leaves the drop of
 * its lookup's reference to it: every shmem page allocated under a shared policy leaks one. Fixed
 * (18a2f371f5ed: shmem drops its own).
 */
import { MPOL_BIND } from '../../kernel/constants.js';
import { type Sys } from '../../kernel/syscalls.js';
import { type RaceScenario } from '../scenario.js';
import { BUG_MACHINE, MAXNODE, NODE0, segment } from './common.js';

/** Fault the first page of the segment. */
export function fault(sys: Sys, addr: number): number {
  sys.touch(addr, 4096, 'write');
  return 0;
}

export const race: RaceScenario = {
  name: 'bug:B12',
  machine: BUG_MACHINE,
  module: import.meta.url,
  programs: ['fault'],
  depth: 1,
  async setup(m) {
    const p = await m.spawnProcess({ cpu: 0 });
    const { addrs } = await segment([p.main], 16);
    await p.main.mbind(addrs[0], 16 * 4096, MPOL_BIND, NODE0, MAXNODE, 0);
    return { tasks: [p.main], args: addrs };
  },
};
