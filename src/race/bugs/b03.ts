/**
 * B03 migrate-new-vma-page-shared-leak (2.6.16 - 2.6.22): page migration allocates each new page
 * with alloc_page_vma (new_vma_page), whose get_vma_policy looks up a SysV segment's shared
 * policy (a reference) that alloc_page_vma never drops: every migrated page leaks one. Fixed
 * (480eccf9ae10): alloc_page_vma drops the lookup's reference.
 */
import { MPOL_BIND, MPOL_MF_MOVE, PAGE_SIZE } from '../../kernel/constants.js';
import { type Sys } from '../../kernel/syscalls.js';
import { type RaceScenario } from '../scenario.js';
import { BUG_MACHINE, MAXNODE, NODE0, NODE1, segmentWithPolicy } from './common.js';

const PAGES = 4;

/** Bind the segment to node 1 and move its pages there. */
export function moveToNode1(sys: Sys, addr: number): number {
  sys.mbind(addr, PAGES * PAGE_SIZE, MPOL_BIND, NODE1, MAXNODE, MPOL_MF_MOVE);
  return 0;
}

export const race: RaceScenario = {
  name: 'bug:B03',
  machine: BUG_MACHINE,
  module: import.meta.url,
  programs: ['moveToNode1'],
  depth: 1,
  async setup(m) {
    // The segment's pages are placed on node 0 by a shared bind policy, then moved.
    const s = await segmentWithPolicy(m, PAGES, MPOL_BIND, NODE0);
    const [addr] = s.args as [number];
    await s.tasks[0].touch(addr, PAGES * PAGE_SIZE, 'write');
    return s;
  },
};
