/**
 * shmem: the swap-backed inodes behind MAP_SHARED|MAP_ANONYMOUS mappings and SysV segments.
 *
 * Model. An object (an inode, see inode.ts) has a size in pages and a page index (xarray). A
 * page in the index holds one reference for the index and one more per page-table entry mapping
 * it (MAPCOUNT counts those). Placement: the object's shared policy for the page's index, else
 * the task's policy, interleaved by the page's index in the object, plus the inode number in
 * profiles after 2.6.x so that two objects do not start on the same node. The allocation goes
 * through alloc_page_vma on a pseudo-VMA carrying the looked-up policy (vma-policy.ts), so each
 * era's reference rules apply to it; a swapped-out page comes back with the aligned cluster of
 * 2^page-cluster swapped-out pages around it (shmem swap-in readahead), all placed by the
 * faulting page's policy, each at its own interleave index. Readahead pages only take free memory.
 *
 * Locking. Index slots are installed with compareExchange (see xarray.ts).
 */
import { INODE, INODE_SHMEM, PAGE, PG_DIRTY, PG_LOCKED, PG_SWAPBACKED } from '../shm/structs.js';
import { sitePoint } from '../sched/preempt.js';
import { ENOMEM } from './errno.js';
import { type Kernel } from './kernel.js';
import { getTaskPolicy } from './mempolicy.js';
import { spLookup } from './shared-policy.js';
import { inodeCreate } from './inode.js';
import { clearPage, lruAdd, memalloc, pageWord, prepNewPage, putPage } from './page-alloc.js';
import { findGetPage, installCachePage } from './filemap.js';
import { readSwapSlot, swapFree } from './swap.js';
import { BUG } from '../shm/layout.js';
import { SITE } from './sites.js';
import { allocPagePseudo, lookupPut } from './vma-policy.js';
import { xaLoad, xaReplace } from './xarray.js';

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

/** shmem_alloc_page: a page for `index` by the object's shared policy (else the task's); pfn or -1. */
function shmemAllocPage(kn: Kernel, t: number, s: number, index: number): number {
  const shared = spLookup(kn, s, index);
  sitePoint(SITE.shmem_alloc_page);
  const pfn = allocPagePseudo(kn, t, shared !== 0 ? shared : getTaskPolicy(kn, t), shmemIlx(kn, s, index), false);
  // The allocator drops the lookup's reference in era 2; otherwise shmem drops its own (B12 when it forgets).
  if (kn.profile.rc.shmemAllocDropsLookup) lookupPut(kn, shared, shared !== 0, SITE.shmem_alloc_page);
  return pfn;
}

/**
 * shmem_swapin: page `index` (its slot value `v` < 0) and the swapped-out pages of its cluster,
 * read back and put in the index; returns the faulting page's pfn (pinned), -ENOMEM, or 0 when
 * its slot changed meanwhile (retry). With the policy's shared flag the allocations would each drop
 * a reference (B07); mpol_cond_assign (from 2.6.26) allocates with an unshared copy instead and
 * drops the lookup's reference once.
 */
function shmemSwapin(kn: Kernel, t: number, s: number, index: number, v: number): number {
  const rc = kn.profile.rc;
  const shared = spLookup(kn, s, index);
  sitePoint(SITE.shmem_swapin);
  const pol = shared !== 0 ? shared : getTaskPolicy(kn, t);
  const unshared = shared !== 0 && rc.sharedFlag && rc.shmemSwapinCopy;
  const span = 1 << kn.cfg.pageCluster;
  const first = index - (index % span);
  const last = Math.min(first + span, kn.k[kn.inode(s) + INODE.PAGES]);
  let mine = -ENOMEM;
  for (let j = first; j < last; j++) {
    const self = j === index;
    const old = self ? v : xaLoad(kn, s, INODE.ROOT, j);
    if (old >= 0) continue;
    memalloc.noreclaim = !self;
    let pfn: number;
    try {
      pfn = allocPagePseudo(kn, t, pol, shmemIlx(kn, s, j), unshared);
    } finally {
      memalloc.noreclaim = false;
    }
    if (pfn < 0) {
      if (self) break;
      continue;
    }
    prepNewPage(kn, pfn, PG_SWAPBACKED | PG_DIRTY, s, j);
    readSwapSlot(kn, -old - 1, pfn);
    const installed = installSwapped(kn, s, j, pfn, old, self);
    if (self) mine = installed ? pfn : 0;
  }
  if (unshared || !rc.sharedFlag) lookupPut(kn, shared, shared !== 0, SITE.shmem_swapin);
  return mine;
}

/**
 * Put a page read back from swap in the index in place of its swap entry (with a pin for the
 * caller when `pin`); false, and the page freed, if the slot changed meanwhile.
 */
function installSwapped(kn: Kernel, s: number, j: number, pfn: number, old: number, pin: boolean): boolean {
  const nm = kn.pfnNode(pfn);
  Atomics.store(nm.i32, pageWord(nm, pfn, PAGE.REFCOUNT), pin ? 2 : 1);
  if (!xaReplace(kn, s, INODE.ROOT, j, old, pfn + 1)) {
    if (pin) putPage(kn, pfn);
    putPage(kn, pfn);
    return false;
  }
  Atomics.add(kn.k, kn.inode(s) + INODE.NR_PAGES, 1);
  lruAdd(kn, pfn);
  swapFree(kn, -old - 1);
  return true;
}

/**
 * The page the last shmemGetPage(lockNew) of this thread created and returned locked, or -1
 * (one task per worker thread: this is the fault in progress).
 */
export const shmemNew = { lockedPfn: -1 };

/**
 * shmem_get_folio: the page at `index`, allocated if absent by the object's shared policy for
 * that index, else by the task's policy, or read back from swap. Returns a pfn (pinned: the
 * caller maps it) or -ENOMEM (no page the policy allows, or for a tmpfs file no index block).
 * With `lockNew` (a fault), a page it creates goes into the cache locked, as the kernel adds new
 * folios, and is named in shmemNew: nobody can truncate, migrate or reclaim it before the caller
 * has mapped it and unlocks it, so the caller need not lock it and look it up again.
 */
export function shmemGetPage(kn: Kernel, t: number, s: number, index: number, write: boolean, lockNew = false): number {
  for (let tries = 0; tries < MAX_SHMEM_RETRIES; tries++) {
    const v = findGetPage(kn, s, index);
    if (v > 0) return v - 1;
    if (v < 0) {
      const pfn = shmemSwapin(kn, t, s, index, v);
      if (pfn !== 0) return pfn;
      continue;
    }
    const pfn = shmemAllocPage(kn, t, s, index);
    if (pfn < 0) return -ENOMEM;
    prepNewPage(kn, pfn, PG_SWAPBACKED | (write ? PG_DIRTY : 0) | (lockNew ? PG_LOCKED : 0), s, index);
    clearPage(kn, pfn);
    const r = installCachePage(kn, s, index, pfn, 0);
    if (r >= 0 && lockNew) shmemNew.lockedPfn = r;
    if (r >= 0 || r === -ENOMEM) return r; // -ENOMEM: a tmpfs file found no index block (shmem objects reserve theirs)
  }
  BUG(`shmem page ${index} of inode ${s} never settled`);
  return -ENOMEM;
}
const MAX_SHMEM_RETRIES = 1000;
