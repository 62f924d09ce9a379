/**
 * B12 shmem-alloc-page-lookup-ref-leak (3.7-rc): after 00442ad04a5e the allocator takes and drops
 * its own reference on a pseudo-VMA's shared policy, but shmem_alloc_page still leaves the drop of
 * its lookup's reference to it: every shmem page allocated under a shared policy leaks one. Fixed
 * (18a2f371f5ed: shmem drops its own).
 */
import { MPOL_BIND } from '../../kernel/constants.js';
import { type Sys } from '../../kernel/syscalls.js';
import { type RaceScenario } from '../scenario.js';
import { BUG_MACHINE, NODE0, segmentWithPolicy } from './common.js';

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
  setup: (m) => segmentWithPolicy(m, 16, MPOL_BIND, NODE0),
};
