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
 * mmap_sem: cache slots change by compareExchange, and truncation takes every mapping mm's
 * mmap_sem for write before it removes pages.
 */
import { downWrite, upWrite } from '../shm/rwsem.js';
import { INODE_FILE, KHDR, INODE, MM, PAGE, PG_DIRTY, PG_MPOL, PTE_DIRTY, VMA } from '../shm/structs.js';
import { bdevAlloc, bdevFree, bdevOffset } from './blockdev.js';
import { PAGE_SIZE } from './constants.js';
import { ENOMEM, ENOSPC } from './errno.js';
import { type Kernel } from './kernel.js';
import { NO_INTERLEAVE_INDEX, allocPagesMpol, getTaskPolicy, mpolCondPut, policyHasNode } from './mempolicy.js';
import { pageMapcount, zapPteRange } from './memory.js';
import { clearPage, clearPageFlags, frameOffset, lruAdd, pageFlags, pageRefcount, pageWord, prepNewPage, putPage, setPageFlags, tryGetPage } from './page-alloc.js';
import { BUG } from '../shm/layout.js';
import { rmapWalkInode } from './rmap.js';
import { spLookup } from './shared-policy.js';
import { shmemGetPage } from './shmem.js';
import { swapFree } from './swap.js';
import { vmaCount } from './vma.js';
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
    const v = xaLoad(kn, ino, INODE.ROOT, index);
    if (v <= 0) return v;
    if (tryGetPage(kn, v - 1)) {
      if (xaLoad(kn, ino, INODE.ROOT, index) === v) return v;
      putPage(kn, v - 1);
    } else {
      Atomics.wait(kn.k, xaSlot(kn, ino, INODE.ROOT, index), v, 1); // frozen by reclaim: it is leaving the cache
    }
  }
  BUG(`page cache lookup of inode ${ino} index ${index} never settled`);
  return 0;
}
const MAX_LOOKUP_RETRIES = 1000;

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
  if (xaErase(kn, ino, INODE.ROOT, index, pfn + 1)) {
    Atomics.sub(kn.k, kn.inode(ino) + INODE.NR_PAGES, 1);
    putPage(kn, pfn);
  }
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
  rmapWalkInode(kn, ino, index, pfn, (pi, pte) => {
    if (pte & PTE_DIRTY) Atomics.compareExchange(kn.ptes, pi, pte, pte & ~PTE_DIRTY);
  });
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
 * truncate_pagecache + the file system's block truncation: the file becomes `size` bytes. Every
 * mapping of the pages past the new end is zapped (each mm's mmap_sem held for write), those
 * pages leave the cache, their blocks are freed, and the tail of the last page is zeroed, so
 * that growing the file again reads zeros there. The caller holds I_SEM for write.
 */
export function truncateInodePages(kn: Kernel, ino: number, size: number): void {
  const b = kn.inode(ino);
  const keep = filePages(size);
  unmapMappingRange(kn, ino, keep);
  xaForEach(kn, ino, INODE.ROOT, keep, (index) => {
    const v = findGetPage(kn, ino, index); // pinned: reclaim cannot free it under us
    if (v < 0 && xaErase(kn, ino, INODE.ROOT, index, v)) swapFree(kn, -v - 1); // a swapped-out tmpfs page
    if (v > 0 && xaErase(kn, ino, INODE.ROOT, index, v)) {
      Atomics.sub(kn.k, b + INODE.NR_PAGES, 1);
      clearPageFlags(kn, v - 1, PG_DIRTY);
      putPage(kn, v - 1);
    }
    if (v > 0) putPage(kn, v - 1);
  });
  xaForEach(kn, ino, INODE.DISK, keep, (index, blk) => {
    if (xaErase(kn, ino, INODE.DISK, index, blk)) bdevFree(kn.disk, blk - 1);
  });
  const tail = size % PAGE_SIZE;
  if (tail !== 0) zeroTail(kn, ino, keep - 1, tail);
  kn.k[b + INODE.SIZE] = size;
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

/** unmap_mapping_range(even_cows): zap every entry of every VMA of the inode at page `from` or beyond. */
function unmapMappingRange(kn: Kernel, ino: number, from: number): void {
  for (let m = 1, high = Atomics.load(kn.k, KHDR.MM_HIGH); m < high; m++) {
    if (Atomics.load(kn.k, kn.mm(m) + MM.STATE) === 0) continue;
    const sem = kn.mm(m) + MM.SEM;
    downWrite(kn.k, sem);
    for (let i = 0; i < vmaCount(kn, m); i++) {
      const v = kn.vma(m, i);
      if (kn.vmas[v + VMA.INODE] !== ino) continue;
      const start = Math.max(kn.vmas[v + VMA.START], kn.vmas[v + VMA.START] + (from - kn.vmas[v + VMA.PGOFF]) * PAGE_SIZE);
      if (start < kn.vmas[v + VMA.END]) zapPteRange(kn, m, start, kn.vmas[v + VMA.END]);
    }
    upWrite(kn.k, sem);
  }
}
