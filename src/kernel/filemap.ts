/**
 * The page cache of files (mm/filemap.c, mm/readahead.c, mm/page-writeback.c, mm/truncate.c).
 *
 * Model. A file's pages live in its inode's xarray; a page holds one reference for the cache and
 * one per entry mapping it. Placement: today a page-cache page follows the allocating task's own
 * policy, interleaving by the task's counter (there is no address); a VMA policy on a file
 * mapping is recorded but not used. With seed 000's file policy (profile switch `filePolicy`)
 * the inode's shared policy for the index places it, the page is marked PG_MPOL, and a fault
 * that finds a page placed before any policy existed, on a node the policy does not allow and
 * used by nobody, drops it and allocates it again where the policy says.
 *
 * Data lives on the disk (blockdev.ts); a file's DISK xarray maps page index to block + 1.
 * A page gets its block when it is first dirtied (write, or a write fault through a shared
 * mapping: a full disk fails that write with ENOSPC, or the fault with SIGBUS, as on Linux);
 * the data goes to it at writeback (fsync, truncation, reclaim). Running out of page-cache index
 * blocks fails the read, write or fault that needed one with ENOMEM.
 *
 * Locking: the caller holds the inode's I_SEM (read for lookups and reads, write for writes,
 * writeback and truncation), except the fault path, which holds only the faulting mm's
 * mmap_sem: cache slots change by compareExchange, and a page leaves its slot (truncation,
 * migration, reclaim) or is mapped (a fault) only under its page lock, so a fault that checks
 * the slot and the size under the lock never maps a page truncation took away. Truncation takes
 * no mmap_sem: it unmaps through the reverse map (each mm's VMA_LOCK), as unmap_mapping_range
 * walks i_mmap.
 */
import { INODE_FILE, INODE, PAGE, PG_DIRTY, PG_MPOL, PTE_DIRTY } from '../shm/structs.js';
import { bdevAlloc, bdevFree, bdevOffset } from './blockdev.js';
import { PAGE_SIZE } from './constants.js';
import { ENOMEM, ENOSPC } from './errno.js';
import { type Kernel } from './kernel.js';
import { NO_INTERLEAVE_INDEX, allocPagesMpol, getTaskPolicy, mpolCondPut, policyHasNode } from './mempolicy.js';
import { pageMapcount, zapPteRange } from './memory.js';
import { clearPage, clearPageFlags, frameOffset, lruAdd, pageFlags, pageRefcount, pageWord, prepNewPage, putPage, setPageFlags, tryGetPage } from './page-alloc.js';
import { BUG } from '../shm/layout.js';
import { lockPage, unlockPage } from './page-lock.js';
import { rmapWalkInode, rmapWalkInodeRange } from './rmap.js';
import { spLookup } from './shared-policy.js';
import { shmemGetPage } from './shmem.js';
import { swapFree } from './swap.js';
import { XA_BUSY, xaErase, xaForEach, xaInstall, xaLoad, xaReplace, xaSlot } from './xarray.js';

/** Largest file: the page cache indexes 2^18 pages. */
export const MAX_FILE_SIZE = (1 << 18) * PAGE_SIZE;
/** Readahead window: first size and largest size, in pages. */
const RA_INIT = 4;
const RA_MAX = 32;

/** Pages a file of `size` bytes spans. */
export function filePages(size: number): number {
  return Math.ceil(size / PAGE_SIZE);
}

/** Copy page `index` of the file from disk into frame `pfn` (zeros for a hole). */
function readPage(kn: Kernel, ino: number, index: number, pfn: number): void {
  const block = xaLoad(kn, ino, INODE.DISK, index);
  if (block === 0) return clearPage(kn, pfn);
  const nm = kn.pfnNode(pfn);
  const off = bdevOffset(kn.disk, block - 1);
  nm.bytes.set(kn.disk.bytes.subarray(off, off + PAGE_SIZE), frameOffset(nm, pfn));
}

/** page_cache_alloc: a frame for page `index`, placed as the module comment says; pfn or -1. */
function pageCacheAlloc(kn: Kernel, t: number, ino: number, index: number): { pfn: number; flags: number } {
  if (kn.profile.filePolicy) {
    const sp = spLookup(kn, ino, index);
    if (sp !== 0) {
      const pfn = allocPagesMpol(kn, t, sp, index);
      mpolCondPut(kn, sp);
      return { pfn, flags: PG_MPOL };
    }
  }
  return { pfn: allocPagesMpol(kn, t, getTaskPolicy(kn, t), NO_INTERLEAVE_INDEX), flags: 0 };
}

/** installCachePage lost the race: another task's page (or swap entry) is there now. */
export const CACHE_RACE = -1;

/**
 * Publish a fresh page (count 2: the cache's reference and the caller's pin) at `index` in
 * place of `old` (0, or a swap entry); the page, CACHE_RACE if another task's page got there
 * first, or -ENOMEM if no index block is left for it (in both cases ours is freed).
 */
export function installCachePage(kn: Kernel, ino: number, index: number, pfn: number, old: number): number {
  const b = kn.inode(ino);
  Atomics.store(kn.pfnNode(pfn).i32, pageWord(kn.pfnNode(pfn), pfn, PAGE.REFCOUNT), 2);
  const r = old === 0 ? xaInstall(kn, ino, INODE.ROOT, index, pfn + 1) : xaReplace(kn, ino, INODE.ROOT, index, old, pfn + 1) ? 0 : XA_BUSY;
  if (r === 0) {
    Atomics.add(kn.k, b + INODE.NR_PAGES, 1);
    lruAdd(kn, pfn);
    return pfn;
  }
  putPage(kn, pfn);
  putPage(kn, pfn);
  return r < 0 ? r : CACHE_RACE;
}

/** Add a fresh page for `index` to the cache; CACHE_RACE if another task added one first, -ENOMEM. */
function addToPageCache(kn: Kernel, t: number, ino: number, index: number): number {
  const { pfn, flags } = pageCacheAlloc(kn, t, ino, index);
  if (pfn < 0) return -ENOMEM;
  prepNewPage(kn, pfn, flags, ino, index);
  readPage(kn, ino, index, pfn);
  return installCachePage(kn, ino, index, pfn, 0);
}

/**
 * filemap_get_entry + folio_try_get: the cached page at `index`, pinned; 0 when the slot is
 * empty, or the slot's (negative) swap value for shmem. A page reclaim is freeing is waited out.
 */
export function findGetPage(kn: Kernel, ino: number, index: number): number {
  for (let tries = 0; tries < MAX_LOOKUP_RETRIES; tries++) {
    // Index blocks go only with their inode, whose reference the caller holds: the slot's word
    // stays this slot, so it is found once and read again.
    const slot = xaSlot(kn, ino, INODE.ROOT, index);
    if (slot < 0) return 0;
    const v = Atomics.load(kn.k, slot);
    if (v <= 0) return v;
    if (tryGetPage(kn, v - 1)) {
      if (Atomics.load(kn.k, slot) === v) return v;
      putPage(kn, v - 1);
    } else {
      Atomics.wait(kn.k, slot, v, 1); // frozen by reclaim: it is leaving the cache
    }
  }
  BUG(`page cache lookup of inode ${ino} index ${index} never settled`);
  return 0;
}
const MAX_LOOKUP_RETRIES = 1000;

/**
 * Is `pfn` still page `index` of inode `ino`? (folio->mapping == mapping, checked by whoever
 * holds the page lock: the slot is the authority, since a page leaves it only under that lock.)
 */
export function pageInCache(kn: Kernel, ino: number, index: number, pfn: number): boolean {
  return xaLoad(kn, ino, INODE.ROOT, index) === pfn + 1;
}

/** filemap_get_folio(FGP_CREAT): the cached page at `index`, pinned, read in if absent; pfn or -ENOMEM. */
export function filemapGetPage(kn: Kernel, t: number, ino: number, index: number): number {
  if (kn.k[kn.inode(ino) + INODE.KIND] !== INODE_FILE) return shmemGetPage(kn, t, ino, index, false); // tmpfs
  for (let tries = 0; tries < MAX_LOOKUP_RETRIES; tries++) {
    const v = findGetPage(kn, ino, index);
    if (v > 0) return v - 1;
    const pfn = addToPageCache(kn, t, ino, index);
    if (pfn !== CACHE_RACE) return pfn;
  }
  BUG(`page cache fill of inode ${ino} index ${index} never settled`);
  return -ENOMEM;
}

/**
 * The fault-time lookup: like filemapGetPage, and with seed 000's file policy, a page that was
 * cached before a policy existed and sits where the policy does not allow is replaced, if
 * nobody maps or holds it.
 */
export function filemapFault(kn: Kernel, t: number, ino: number, index: number): number {
  const pfn = filemapGetPage(kn, t, ino, index);
  if (pfn < 0 || !kn.profile.filePolicy || pageFlags(kn, pfn) & PG_MPOL) return pfn;
  const sp = spLookup(kn, ino, index);
  const misplaced = sp !== 0 && !policyHasNode(kn, sp, kn.pfnToNid(pfn));
  mpolCondPut(kn, sp);
  // Used by nobody else: only the cache's reference and our pin.
  if (!misplaced || pageRefcount(kn, pfn) !== 2 || writebackPage(kn, ino, index, pfn) < 0) return pfn;
  lockPage(kn, pfn);
  if (pageRefcount(kn, pfn) === 2 && !(pageFlags(kn, pfn) & PG_DIRTY)) deleteFromPageCache(kn, ino, index, pfn);
  unlockPage(kn, pfn);
  putPage(kn, pfn);
  return filemapGetPage(kn, t, ino, index);
}

/**
 * Sequential readahead for a read() at page `index` through open file `f`: when the read
 * continues where the last one ended, the next window of pages is brought into the cache (it
 * grows from RA_INIT to RA_MAX pages). Returns nothing: readahead is best effort.
 */
export function pageCacheReadahead(kn: Kernel, t: number, ino: number, index: number, lastIndex: number, ra: { next: number; size: number }): void {
  const eof = filePages(kn.k[kn.inode(ino) + INODE.SIZE]);
  if (kn.k[kn.inode(ino) + INODE.KIND] !== INODE_FILE) {
    ra.size = 0; // tmpfs has nothing to read ahead from
  } else if (index !== ra.next) {
    ra.size = 0;
  } else {
    ra.size = ra.size === 0 ? RA_INIT : Math.min(ra.size * 2, RA_MAX);
    for (let i = lastIndex + 1; i <= lastIndex + ra.size && i < eof; i++) {
      const pfn = filemapGetPage(kn, t, ino, i);
      if (pfn < 0) break;
      putPage(kn, pfn);
    }
  }
  ra.next = lastIndex + 1;
}

/** Clear the dirty bit of every entry mapping the page, so the next write through one re-dirties it (page_mkclean). */
function pageMkclean(kn: Kernel, ino: number, index: number, pfn: number): void {
  rmapWalkInode(kn, ino, index, pfn, mkcleanOne, 0);
}

function mkcleanOne(kn: Kernel, _pfn: number, pi: number, pte: number): void {
  if (pte & PTE_DIRTY) Atomics.compareExchange(kn.ptes, pi, pte, pte & ~PTE_DIRTY);
}

/**
 * The disk block (+ 1) of page `index` of regular file `ino`, allocated if the page has none
 * yet, or -ENOSPC when the disk (or the index of its blocks) is full. Blocks are allocated when
 * a page is first dirtied (write, a write fault through a shared mapping), as file systems
 * reserve space at write time, so that a full disk fails the write and not a later writeback.
 * Concurrent callers agree on one block by compareExchange in the file's block index.
 */
export function fileMapBlock(kn: Kernel, ino: number, index: number): number {
  const have = xaLoad(kn, ino, INODE.DISK, index);
  if (have !== 0) return have;
  const b = bdevAlloc(kn.disk);
  if (b < 0) return -ENOSPC;
  // A block that was a hole reads as zeros: a fault may read the page in from it at once.
  kn.disk.bytes.fill(0, bdevOffset(kn.disk, b), bdevOffset(kn.disk, b) + PAGE_SIZE);
  const r = xaInstall(kn, ino, INODE.DISK, index, b + 1);
  if (r === 0) return b + 1;
  bdevFree(kn.disk, b);
  return r < 0 ? -ENOSPC : xaLoad(kn, ino, INODE.DISK, index);
}

/**
 * Write a dirty page (pinned by the caller) to its disk block. A write that races with the copy
 * re-dirties the page (through a fault on the cleaned entry, or its own dirty bit), so nothing
 * written is lost. 0 or -ENOSPC (a page dirtied before it had a block, with the disk full).
 */
export function writebackPage(kn: Kernel, ino: number, index: number, pfn: number): number {
  if (!(pageFlags(kn, pfn) & PG_DIRTY)) return 0;
  const block = fileMapBlock(kn, ino, index);
  if (block < 0) return block;
  if (pageMapcount(kn, pfn) > 0) pageMkclean(kn, ino, index, pfn);
  clearPageFlags(kn, pfn, PG_DIRTY);
  const nm = kn.pfnNode(pfn);
  const off = frameOffset(nm, pfn);
  kn.disk.bytes.set(nm.bytes.subarray(off, off + PAGE_SIZE), bdevOffset(kn.disk, block - 1));
  return 0;
}

/** Write back every dirty page of the inode (fsync); the first error, or 0. tmpfs has no disk. */
export function filemapWriteAndWait(kn: Kernel, ino: number): number {
  if (kn.k[kn.inode(ino) + INODE.KIND] !== INODE_FILE) return 0;
  let err = 0;
  xaForEach(kn, ino, INODE.ROOT, 0, (index) => {
    const v = findGetPage(kn, ino, index);
    if (v <= 0) return;
    const r = writebackPage(kn, ino, index, v - 1);
    putPage(kn, v - 1);
    if (err === 0) err = r;
  });
  return err;
}

/** Mark a cache page dirty after a write() into it. */
export function markPageDirty(kn: Kernel, pfn: number): void {
  setPageFlags(kn, pfn, PG_DIRTY);
}

/**
 * truncate_pagecache + the file system's block truncation: the file becomes `size` bytes. The
 * size changes first (a fault past it gets SIGBUS from now on); then every mapping of the pages
 * past the new end is zapped, each of those pages leaves the cache under its page lock (unmapped
 * again if a fault mapped it meanwhile), private copies made meanwhile are zapped once more, the
 * blocks are freed and the tail of the last page is zeroed, so that growing the file again reads
 * zeros there. The caller holds I_SEM for write; no mmap_sem is taken.
 */
export function truncateInodePages(kn: Kernel, ino: number, size: number): void {
  const b = kn.inode(ino);
  const keep = filePages(size);
  Atomics.store(kn.k, b + INODE.SIZE, size);
  unmapMappingRange(kn, ino, keep);
  xaForEach(kn, ino, INODE.ROOT, keep, (index) => truncateCachePage(kn, ino, index));
  unmapMappingRange(kn, ino, keep);
  xaForEach(kn, ino, INODE.DISK, keep, (index, blk) => {
    if (xaErase(kn, ino, INODE.DISK, index, blk)) bdevFree(kn.disk, blk - 1);
  });
  const tail = size % PAGE_SIZE;
  if (tail !== 0) zeroTail(kn, ino, keep - 1, tail);
}

/**
 * truncate_inode_folio for page `index`: a swapped-out tmpfs page gives its slot back; a cached
 * page, pinned and locked, is unmapped if a fault mapped it after the zap, then removed. A page
 * that left the slot before we locked it (migrated) is looked up again.
 */
function truncateCachePage(kn: Kernel, ino: number, index: number): void {
  for (let tries = 0; tries < MAX_LOOKUP_RETRIES; tries++) {
    const v = findGetPage(kn, ino, index);
    if (v === 0) return;
    if (v < 0) {
      if (xaErase(kn, ino, INODE.ROOT, index, v)) return swapFree(kn, -v - 1);
      continue;
    }
    const pfn = v - 1;
    lockPage(kn, pfn);
    const here = pageInCache(kn, ino, index, pfn);
    if (here) {
      if (pageMapcount(kn, pfn) > 0) rmapWalkInode(kn, ino, index, pfn, zapOne, 0);
      clearPageFlags(kn, pfn, PG_DIRTY);
      deleteFromPageCache(kn, ino, index, pfn);
    }
    unlockPage(kn, pfn);
    putPage(kn, pfn);
    if (here) return;
  }
  BUG(`truncation of inode ${ino} index ${index} never settled`);
}

/** Unmap one entry of a page being truncated (its pin and the cache keep it alive meanwhile). */
function zapOne(kn: Kernel, pfn: number, pi: number, pte: number): void {
  if (Atomics.compareExchange(kn.ptes, pi, pte, 0) !== pte) return;
  const nm = kn.pfnNode(pfn);
  Atomics.sub(nm.i32, pageWord(nm, pfn, PAGE.MAPCOUNT), 1);
  putPage(kn, pfn);
}

/** __filemap_remove_folio for a locked page in its slot: the slot empties and the cache's reference goes. */
function deleteFromPageCache(kn: Kernel, ino: number, index: number, pfn: number): void {
  const b = kn.inode(ino);
  if (!xaErase(kn, ino, INODE.ROOT, index, pfn + 1)) BUG(`locked page ${pfn} left its page-cache slot`);
  Atomics.sub(kn.k, b + INODE.NR_PAGES, 1);
  putPage(kn, pfn);
}

/** Zero bytes [from, PAGE_SIZE) of page `index`, in the cache and on disk. */
function zeroTail(kn: Kernel, ino: number, index: number, from: number): void {
  const cached = findGetPage(kn, ino, index);
  if (cached > 0) {
    const nm = kn.pfnNode(cached - 1);
    const off = frameOffset(nm, cached - 1);
    nm.bytes.fill(0, off + from, off + PAGE_SIZE);
    putPage(kn, cached - 1);
  }
  const blk = xaLoad(kn, ino, INODE.DISK, index);
  if (blk !== 0) kn.disk.bytes.fill(0, bdevOffset(kn.disk, blk - 1) + from, bdevOffset(kn.disk, blk - 1) + PAGE_SIZE);
}

/**
 * unmap_mapping_range(even_cows): zap every entry of every VMA of the inode at page `from` or
 * beyond, private copies included, through the reverse map.
 */
function unmapMappingRange(kn: Kernel, ino: number, from: number): void {
  rmapWalkInodeRange(kn, ino, from, zapPteRange);
}
