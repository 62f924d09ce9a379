/**
 * shmem: the swap-backed inodes behind MAP_SHARED|MAP_ANONYMOUS mappings and SysV segments.
 *
 * Model. An object (an inode, see inode.ts) has a size in pages and a page index (xarray). A
 * page in the index holds one reference for the index and one more per page-table entry mapping
 * it (MAPCOUNT counts those). Placement: the object's shared policy for the page's index, else
 * the task's policy, interleaved by the page's index in the object, plus the inode number in
 * profiles after 2.6.x so that two objects do not start on the same node.
 *
 * Locking. Index slots are installed with compareExchange (see xarray.ts).
 */
import { INODE, INODE_SHMEM, PG_DIRTY, PG_SWAPBACKED } from '../shm/structs.js';
import { ENOMEM } from './errno.js';
import { type Kernel } from './kernel.js';
import { allocPagesMpol, getTaskPolicy, mpolCondPut } from './mempolicy.js';
import { spLookup } from './shared-policy.js';
import { inodeCreate } from './inode.js';
import { clearPage, prepNewPage } from './page-alloc.js';
import { findGetPage, installCachePage } from './filemap.js';
import { readSwapSlot, swapFree } from './swap.js';
import { BUG } from '../shm/layout.js';

/**
 * shmem_file_setup: a new object of `pages` pages with one reference, its index blocks
 * reserved; slot, -ENOSPC (inode table full) or -ENOMEM (index blocks).
 */
export function shmemCreate(kn: Kernel, pages: number, kind = INODE_SHMEM): number {
  return inodeCreate(kn, kind, pages);
}

/** The interleave index of page `index` of object `s`. */
export function shmemIlx(kn: Kernel, s: number, index: number): number {
  return kn.profile.anonPgoff === 'zero' ? index : kn.k[kn.inode(s) + INODE.INO] + index;
}

/**
 * shmem_get_folio: the page at `index`, allocated if absent by the object's shared policy for
 * that index, else by the task's policy (shmem_get_pgoff_policy). Returns a pfn (the caller
 * maps it) or -ENOMEM (no page the policy allows, or for a tmpfs file no index block).
 */
export function shmemGetPage(kn: Kernel, t: number, s: number, index: number, write: boolean): number {
  for (let tries = 0; tries < MAX_SHMEM_RETRIES; tries++) {
    const v = findGetPage(kn, s, index);
    if (v > 0) return v - 1;
    // Absent (v 0) or swapped out (v = -(slot + 1)): a page placed by the policy in force now.
    const shared = spLookup(kn, s, index);
    const pfn = allocPagesMpol(kn, t, shared !== 0 ? shared : getTaskPolicy(kn, t), shmemIlx(kn, s, index));
    mpolCondPut(kn, shared);
    if (pfn < 0) return -ENOMEM;
    prepNewPage(kn, pfn, PG_SWAPBACKED | (write || v < 0 ? PG_DIRTY : 0), s, index);
    if (v < 0) readSwapSlot(kn, -v - 1, pfn);
    else clearPage(kn, pfn);
    const r = installCachePage(kn, s, index, pfn, v);
    if (r === -ENOMEM) return r; // a tmpfs file found no index block (shmem objects reserve theirs)
    if (r >= 0) {
      if (v < 0) swapFree(kn, -v - 1);
      return pfn;
    }
  }
  BUG(`shmem page ${index} of inode ${s} never settled`);
  return -ENOMEM;
}
const MAX_SHMEM_RETRIES = 1000;
