/**
 * shmem objects: the anonymous inode behind every MAP_SHARED|MAP_ANONYMOUS mapping.
 *
 * Model. An object has a size in pages and a page index (xarray). A page in the index holds one
 * reference for the index and one more per page-table entry mapping it (MAPCOUNT counts those).
 * INODE.REFS counts the VMAs that map the object; the last one to go frees every page and the
 * object. Placement: the policy the caller resolved (the VMA's or the task's), interleaved by the
 * page's index in the object, plus the inode number in profiles after 2.6.x so that two objects
 * do not start on the same node.
 *
 * Locking. REFS and NR_PAGES are atomic; index slots are installed with compareExchange (see
 * xarray.ts); the slot itself is allocated under KHDR.TABLE_LOCK.
 */
import { INODE, INODE_SHMEM, KHDR, PG_DIRTY, PG_SWAPBACKED } from '../shm/structs.js';
import { ENOMEM } from './errno.js';
import { type Kernel } from './kernel.js';
import { allocPagesMpol, getTaskPolicy, mpolCondPut } from './mempolicy.js';
import { mpolFreeSharedPolicy, spLookup } from './shared-policy.js';
import { clearPage, prepNewPage, putPage } from './page-alloc.js';
import { allocSlot, freeSlot } from './slots.js';
import { xaAllocBlock, xaDestroy, xaInstall, xaLoad } from './xarray.js';

/** shmem_file_setup: a new object of `pages` pages with one reference; slot or -ENOMEM. */
export function shmemCreate(kn: Kernel, pages: number, kind = INODE_SHMEM): number {
  const s = allocSlot(kn, kn.regions.inode, INODE.WORDS, kn.cfg.limits.inodes);
  if (s === 0) return -ENOMEM;
  const root = xaAllocBlock(kn);
  if (root === 0) {
    freeSlot(kn, kn.regions.inode, INODE.WORDS, s);
    return -ENOMEM;
  }
  const b = kn.inode(s);
  kn.k[b + INODE.KIND] = kind;
  kn.k[b + INODE.PAGES] = pages;
  kn.k[b + INODE.ROOT] = root;
  kn.k[b + INODE.INO] = Atomics.add(kn.k, KHDR.NEXT_INO, 1) + 1;
  Atomics.store(kn.k, b + INODE.REFS, 1);
  return s;
}

/** iput: drop a reference; the last one frees the inode's pages, its shared policy and its slot. */
export function inodePut(kn: Kernel, s: number): void {
  const b = kn.inode(s);
  if (Atomics.sub(kn.k, b + INODE.REFS, 1) !== 1) return;
  xaDestroy(kn, kn.k[b + INODE.ROOT], (_i, v) => putPage(kn, v - 1));
  mpolFreeSharedPolicy(kn, s);
  freeSlot(kn, kn.regions.inode, INODE.WORDS, s);
}

/** The interleave index of page `index` of object `s`. */
export function shmemIlx(kn: Kernel, s: number, index: number): number {
  return kn.profile.anonPgoff === 'zero' ? index : kn.k[kn.inode(s) + INODE.INO] + index;
}

/**
 * shmem_get_folio: the page at `index`, allocated if absent by the object's shared policy for
 * that index, else by the task's policy (shmem_get_pgoff_policy). Returns a pfn (the caller
 * maps it) or -ENOMEM.
 */
export function shmemGetPage(kn: Kernel, t: number, s: number, index: number, write: boolean): number {
  const b = kn.inode(s);
  const root = kn.k[b + INODE.ROOT];
  const have = xaLoad(kn, root, index);
  if (have !== 0) return have - 1;
  const shared = spLookup(kn, s, index);
  const pfn = allocPagesMpol(kn, t, shared !== 0 ? shared : getTaskPolicy(kn, t), shmemIlx(kn, s, index));
  mpolCondPut(kn, shared);
  if (pfn < 0) return -ENOMEM;
  prepNewPage(kn, pfn, PG_SWAPBACKED | (write ? PG_DIRTY : 0), s, index);
  clearPage(kn, pfn);
  const now = xaInstall(kn, root, index, pfn + 1);
  if (now === pfn + 1) {
    Atomics.add(kn.k, b + INODE.NR_PAGES, 1);
    return pfn;
  }
  putPage(kn, pfn);
  return now < 0 ? -ENOMEM : now - 1;
}
