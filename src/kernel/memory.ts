/**
 * The fault path and user memory access (mm/memory.c).
 *
 * Model. A task touches emulated memory through userLoad/userStore/userTouch, which walk its
 * page table like a TLB would and fault on a missing, read-only or swapped entry. A first read
 * of private anonymous memory maps the shared zero page; a first write allocates a zeroed page by
 * the effective policy (the VMA's, else the task's, else the default); a write to a page shared
 * copy-on-write after fork copies it unless the faulting mm is its last user. Shared mappings
 * map the inode's page (shmem: by the object's shared policy; files: the page cache); private
 * file mappings map the cache page read-only and copy it on the first write. A swap entry brings
 * the page back from the swap cache or the swap device, placed by the policy in force now. A
 * migration entry makes the fault wait until the migration of its page ends (migrate.ts).
 *
 * Locking. Accesses and faults hold the mm's mmap_sem for read, so VMAs and their policies are
 * stable and munmap (write) cannot free a page under a copy. Page-table entries change only by
 * compareExchange (reclaim changes them too, without mmap_sem for anonymous pages): two tasks
 * faulting the same entry agree on one page, the loser frees its page and retries. A page being
 * copied to or from is pinned (tryGetPage, then the entry is checked again), so reclaim cannot
 * take it mid-copy. A page's MAPCOUNT counts the entries mapping it and its REFCOUNT those plus
 * the page cache's, the swap cache's and the pins; both are atomic. An inode page is mapped under
 * its page lock, after checking that it is still in its inode's cache and inside the file's size:
 * truncation shrinks the size first and removes each page under the same lock, so an entry is
 * never installed for a page truncation has taken away (lock order: mmap_sem, then the page lock).
 */
import { BUG } from '../shm/layout.js';
import { downRead, upRead } from '../shm/rwsem.js';
import { spinLock, spinUnlock } from '../shm/spinlock.js';
import { INODE, INODE_FILE, INODE_TMPFS, KHDR, MM, PAGE, PG_ANON, PG_DIRTY, PG_REFERENCED, PG_SWAPBACKED, PG_SWAPCACHE, PTE_DIRTY, PTE_PFN_MASK, PTE_SWAP, PTE_WRITE, TASK, VMA, VM_READ, VM_SHARED, VM_WRITE } from '../shm/structs.js';
import { MAX_PAGE_CLUSTER, PAGE_SIZE } from './constants.js';
import { EACCES, EFAULT, EIO, ENOMEM } from './errno.js';
import { fileMapBlock, filePages, filemapFault, pageInCache } from './filemap.js';
import { type Kernel } from './kernel.js';
import { clearPage, copyPage, frameOffset, lruAdd, lruAddBulk, memalloc, pageFlags, pageWord, prepNewPage, putPage, setPageFlags, tryGetPage } from './page-alloc.js';
import { isMigrationEntry, isSwapEntry, lookupSwapCache, readSwapSlot, swapDuplicate, swapFree, swapFreeBulk, swpSlot, waitOnSwapWriteout } from './swap.js';
import { shmemGetPage, shmemNew } from './shmem.js';
import { allocPageVma, vmaIlx } from './vma-policy.js';
import { lockPage, unlockPage } from './page-lock.js';
import { sitePoint } from '../sched/preempt.js';
import { SITE } from './sites.js';
import { migrationEntryWait } from './migrate.js';
import { migrateOnFault } from './migrate-on-fault.js';
import { newAnonVmaId, vmaLookup } from './vma.js';
import { TASK_SIZE, ptWalk, pteAlloc } from './pgtable.js';

/** A lost compareExchange: look at the entry again. */
const RETRY = -0x10000;
const MAX_FAULT_RETRIES = 1000;

/** page_mapcount */
export function pageMapcount(kn: Kernel, pfn: number): number {
  const nm = kn.pfnNode(pfn);
  return Atomics.load(nm.i32, pageWord(nm, pfn, PAGE.MAPCOUNT));
}

function mapcountAdd(kn: Kernel, pfn: number, d: number): number {
  const nm = kn.pfnNode(pfn);
  return Atomics.add(nm.i32, pageWord(nm, pfn, PAGE.MAPCOUNT), d) + d;
}

/** anon_vma_prepare: give the VMA an anon_vma id on its first anonymous page. */
function anonVmaPrepare(kn: Kernel, m: number, i: number): number {
  const b = kn.vma(m, i);
  let id = kn.vmas[b + VMA.ANON_VMA];
  if (id !== 0) return id;
  spinLock(kn.k, kn.mm(m) + MM.PTL);
  id = kn.vmas[b + VMA.ANON_VMA];
  if (id === 0) kn.vmas[b + VMA.ANON_VMA] = id = newAnonVmaId(kn);
  spinUnlock(kn.k, kn.mm(m) + MM.PTL);
  return id;
}

/**
 * Allocate and fill a private anonymous page for `addr`, placed by the policy in force now:
 * zeroed (`from` is the zero page), a copy of page `from`, or read from swap slot -from - 1.
 */
function newAnonPage(kn: Kernel, t: number, m: number, i: number, addr: number, from: number): number {
  const pfn = allocPageVma(kn, t, m, i, addr);
  if (pfn < 0) {
    if (!memalloc.noreclaim) Atomics.add(kn.k, KHDR.OOM_KILLS, 1);
    return -ENOMEM;
  }
  prepNewPage(kn, pfn, PG_ANON | PG_SWAPBACKED | PG_DIRTY, anonVmaPrepare(kn, m, i), addr / PAGE_SIZE);
  if (from === kn.zeroPfn) clearPage(kn, pfn);
  else if (from < 0) readSwapSlot(kn, -from - 1, pfn);
  else copyPage(kn, pfn, from);
  mapcountAdd(kn, pfn, 1);
  return pfn;
}

/** Publish `pfn` at entry `pi` in place of `old`, or give it back and ask for a retry. */
function installOrRetry(kn: Kernel, pi: number, old: number, pfn: number, pte: number): number {
  if (Atomics.compareExchange(kn.ptes, pi, old, pte) === old) return pfn;
  mapcountAdd(kn, pfn, -1);
  putPage(kn, pfn);
  return RETRY;
}

/** Publish a new anonymous page at entry `pi`; once reachable it goes on the LRU. */
function installNewAnon(kn: Kernel, pi: number, old: number, pfn: number, pte: number): number {
  const r = installOrRetry(kn, pi, old, pfn, pte);
  if (r >= 0) lruAdd(kn, pfn);
  return r;
}

/** do_anonymous_page */
function doAnonymousPage(kn: Kernel, t: number, m: number, i: number, addr: number, pi: number, write: boolean): number {
  if (!write) {
    return Atomics.compareExchange(kn.ptes, pi, 0, kn.zeroPfn + 1) === 0 ? kn.zeroPfn : RETRY;
  }
  const pfn = newAnonPage(kn, t, m, i, addr, kn.zeroPfn);
  return pfn < 0 ? pfn : installNewAnon(kn, pi, 0, pfn, (pfn + 1) | PTE_WRITE | PTE_DIRTY);
}

/** do_wp_page: write to a read-only entry of a writable private mapping (zero page or COW). */
function doWpPage(kn: Kernel, t: number, m: number, i: number, addr: number, pi: number, pte: number): number {
  const old = (pte & PTE_PFN_MASK) - 1;
  if (old !== kn.zeroPfn && (pageFlags(kn, old) & (PG_ANON | PG_SWAPCACHE)) === PG_ANON && pageMapcount(kn, old) === 1) {
    if (Atomics.compareExchange(kn.ptes, pi, pte, pte | PTE_WRITE | PTE_DIRTY) !== pte) return RETRY;
    setPageFlags(kn, old, PG_DIRTY);
    return old;
  }
  const pfn = newAnonPage(kn, t, m, i, addr, old);
  if (pfn < 0) return pfn;
  const r = installNewAnon(kn, pi, pte, pfn, (pfn + 1) | PTE_WRITE | PTE_DIRTY);
  if (r >= 0 && old !== kn.zeroPfn) {
    mapcountAdd(kn, old, -1);
    putPage(kn, old);
  }
  return r;
}

/** Pages an inode spans now: a file's or tmpfs file's size (truncation changes it), or a segment's. */
function inodePages(kn: Kernel, ino: number): number {
  const ib = kn.inode(ino);
  const kind = kn.k[ib + INODE.KIND];
  return kind === INODE_FILE || kind === INODE_TMPFS ? filePages(Atomics.load(kn.k, ib + INODE.SIZE)) : kn.k[ib + INODE.PAGES];
}

/**
 * The page of the mapped inode at this offset, pinned and locked, still in the inode's cache and
 * inside its size (shmem: allocated on first touch; file: from the page cache, read in if
 * needed); the caller installs its entry and unlocks. -EIO (SIGBUS) past the end, -ENOMEM. With
 * migrate-on-fault, a cached page nobody maps that sits where the policy does not want it is
 * migrated first (once per fault).
 */
function inodeFaultPage(kn: Kernel, t: number, m: number, i: number, addr: number, write: boolean): number {
  const ino = kn.vmas[kn.vma(m, i) + VMA.INODE];
  const index = vmaIlx(kn, m, i, addr);
  const kind = kn.k[kn.inode(ino) + INODE.KIND];
  const file = kind === INODE_FILE;
  const resizable = file || kind === INODE_TMPFS; // a segment's size never changes: one check is enough
  for (let tries = 0; tries < MAX_FAULT_RETRIES; tries++) {
    if (index >= inodePages(kn, ino)) return -EIO;
    const pfn = file ? filemapFault(kn, t, ino, index) : shmemGetPage(kn, t, ino, index, write, true);
    if (pfn < 0) return pfn;
    const fresh = shmemNew.lockedPfn === pfn; // placed by the policy in force just now, and locked
    shmemNew.lockedPfn = -1;
    if (!fresh) {
      if (misplacedCheck(kn, pfn) && migrateOnFault(kn, t, m, i, addr, pfn)) continue;
      lockPage(kn, pfn);
    }
    if ((fresh || pageInCache(kn, ino, index, pfn)) && (!resizable || index < inodePages(kn, ino))) {
      // Locked, in its slot, inside i_size: the caller maps it under this lock (finish_fault), and
      // a truncation that begins now waits for the lock before it removes the page.
      sitePoint(SITE.finish_fault);
      return pfn;
    }
    unlockPage(kn, pfn); // truncated or migrated meanwhile: look again
    putPage(kn, pfn);
  }
  BUG(`fault on inode ${ino} index ${index} never found a settled page`);
  return -EIO;
}

/**
 * The state of the fault in progress on this thread (one task per worker): whether migrate-on-fault
 * has been tried for it already, so that a page that cannot move is mapped where it is.
 */
const fault = { misplacedTried: false };

/** Migrate-on-fault (seed 004) looks at a cached page once per fault, when nobody maps it. */
function misplacedCheck(kn: Kernel, pfn: number): boolean {
  if (!kn.profile.migrateOnFault || fault.misplacedTried || pageMapcount(kn, pfn) !== 0) return false;
  fault.misplacedTried = true;
  return true;
}

/** do_read_fault on a private file mapping: map the cache page read-only (a write will copy it). */
function doReadFault(kn: Kernel, t: number, m: number, i: number, addr: number, pi: number): number {
  const pfn = inodeFaultPage(kn, t, m, i, addr, false);
  if (pfn < 0) return pfn;
  mapcountAdd(kn, pfn, 1); // the lookup's pin becomes the mapping's reference
  const r = installOrRetry(kn, pi, 0, pfn, pfn + 1);
  unlockPage(kn, pfn);
  return r;
}

/**
 * do_cow_fault: a first write to a private file mapping copies the cache page to an anonymous
 * page. The cache page stays locked until the copy is mapped, so that truncation, which locks it
 * before it zaps private copies the second time, finds this one too.
 */
function doCowFault(kn: Kernel, t: number, m: number, i: number, addr: number, pi: number): number {
  const src = inodeFaultPage(kn, t, m, i, addr, false);
  if (src < 0) return src;
  const pfn = newAnonPage(kn, t, m, i, addr, src);
  const r = pfn < 0 ? pfn : installNewAnon(kn, pi, 0, pfn, (pfn + 1) | PTE_WRITE | PTE_DIRTY);
  unlockPage(kn, src);
  putPage(kn, src);
  return r;
}

/**
 * page_mkwrite of a regular file: a page written through a shared mapping gets its disk block
 * now (0), or the write fails with -ENOSPC (SIGBUS) when the disk is full.
 */
function pageMkwrite(kn: Kernel, m: number, i: number, addr: number): number {
  const ino = kn.vmas[kn.vma(m, i) + VMA.INODE];
  if (ino === 0 || kn.k[kn.inode(ino) + INODE.KIND] !== INODE_FILE) return 0;
  const block = fileMapBlock(kn, ino, vmaIlx(kn, m, i, addr));
  return block < 0 ? block : 0;
}

/** do_shared_fault: map the inode's page at this offset into a shared mapping. */
function doSharedFault(kn: Kernel, t: number, m: number, i: number, addr: number, pi: number, write: boolean): number {
  const b = kn.vma(m, i);
  const err = write ? pageMkwrite(kn, m, i, addr) : 0;
  if (err < 0) return err;
  const pfn = inodeFaultPage(kn, t, m, i, addr, write);
  if (pfn < 0) return pfn;
  mapcountAdd(kn, pfn, 1); // the lookup's pin becomes the mapping's reference
  const writable = kn.vmas[b + VMA.FLAGS] & VM_WRITE ? PTE_WRITE : 0;
  const r = installOrRetry(kn, pi, 0, pfn, (pfn + 1) | writable | (write ? PTE_DIRTY : 0));
  if (r >= 0 && write) setPageFlags(kn, pfn, PG_DIRTY);
  unlockPage(kn, pfn);
  return r;
}

/**
 * do_swap_page: a swapped-out anonymous page. If reclaim has not finished with it, it is still
 * in the swap cache and is mapped again (read-only: a write copies it, since other entries may
 * still name the slot); otherwise it comes back from its slot with its cluster (swapinCluster).
 */
function doSwapPage(kn: Kernel, t: number, m: number, i: number, addr: number, pi: number, pte: number): number {
  const slot = swpSlot(pte);
  const cached = lookupSwapCache(kn, slot);
  if (cached < 0) return swapinCluster(kn, t, m, i, addr, pi, pte);
  if (!tryGetPage(kn, cached)) {
    waitOnSwapWriteout(kn, slot, cached); // frozen: reclaim is writing it to the slot
    return RETRY;
  }
  if (lookupSwapCache(kn, slot) !== cached) {
    putPage(kn, cached);
    return RETRY;
  }
  if (misplacedCheck(kn, cached) && migrateOnFault(kn, t, m, i, addr, cached)) return RETRY;
  mapcountAdd(kn, cached, 1);
  const r = installOrRetry(kn, pi, pte, cached, cached + 1);
  if (r >= 0) swapFree(kn, slot);
  return r;
}

/** Pages one swap fault brought in, put on the LRU together once mapped, and their slots. Per thread. */
const swapinPages = new Int32Array(1 << MAX_PAGE_CLUSTER);
const swapinSlots = new Int32Array(1 << MAX_PAGE_CLUSTER);

/**
 * swapin_readahead for a synchronous swap device: the faulting entry and every other swap entry
 * of the aligned cluster of 2^page-cluster pages around it, inside the VMA and with a slot not
 * in the swap cache, are read back together, each into a page placed by the policy in force now
 * for its own address (the task's policy at swap-out is not remembered). The kernel leaves the
 * others in the swap cache until touched; here they are mapped at once, as fault-around maps
 * cached file pages: the same pages on the same nodes, minus the faults. A neighbour is only
 * taken from free memory (no reclaim for readahead); one that finds none, or whose entry changed
 * meanwhile, stays swapped out. Returns the faulting entry's page, RETRY or -ENOMEM.
 */
function swapinCluster(kn: Kernel, t: number, m: number, i: number, addr: number, pi: number, pte: number): number {
  const b = kn.vma(m, i);
  const span = PAGE_SIZE << kn.cfg.pageCluster;
  const start = Math.max(kn.vmas[b + VMA.START], addr - (addr % span));
  const end = Math.min(kn.vmas[b + VMA.END], start + span);
  const prot = (kn.vmas[b + VMA.FLAGS] & VM_WRITE ? PTE_WRITE : 0) | PTE_DIRTY;
  let n = 0;
  let r = RETRY;
  for (let a = start; a < end; a += PAGE_SIZE) {
    const self = a === addr;
    const pj = pi + (a - addr) / PAGE_SIZE; // an aligned cluster (at most 32 pages) lies in one PTE table
    const e = self ? pte : Atomics.load(kn.ptes, pj);
    if (!self && (!isSwapEntry(e) || lookupSwapCache(kn, swpSlot(e)) >= 0)) continue;
    memalloc.noreclaim = !self;
    let pfn: number;
    try {
      pfn = newAnonPage(kn, t, m, i, a, -swpSlot(e) - 1);
    } finally {
      memalloc.noreclaim = false;
    }
    const mapped = pfn >= 0 && installOrRetry(kn, pj, e, pfn, (pfn + 1) | prot) >= 0;
    if (mapped) {
      swapinPages[n] = pfn;
      swapinSlots[n++] = swpSlot(e);
    }
    if (self) r = mapped || pfn < 0 ? pfn : RETRY;
  }
  lruAddBulk(kn, swapinPages, n);
  swapFreeBulk(kn, swapinSlots, n);
  return r;
}

/** do_pte_missing: the first touch of a page, by kind of mapping. */
function faultMissing(kn: Kernel, t: number, m: number, i: number, addr: number, pi: number, flags: number, write: boolean): number {
  if (flags & VM_SHARED) return doSharedFault(kn, t, m, i, addr, pi, write);
  if (kn.vmas[kn.vma(m, i) + VMA.INODE] === 0) return doAnonymousPage(kn, t, m, i, addr, pi, write);
  return write ? doCowFault(kn, t, m, i, addr, pi) : doReadFault(kn, t, m, i, addr, pi);
}

/**
 * A write through a writable entry that is not yet dirty: the hardware's dirty bit (and, for a
 * shared file mapping, write-notify's page_mkwrite, which may fail with -ENOSPC).
 */
function markDirty(kn: Kernel, m: number, i: number, addr: number, pi: number, pte: number): number {
  const err = pageMkwrite(kn, m, i, addr);
  if (err < 0) return err;
  const pfn = (pte & PTE_PFN_MASK) - 1;
  if (Atomics.compareExchange(kn.ptes, pi, pte, pte | PTE_DIRTY) !== pte) return RETRY;
  setPageFlags(kn, pfn, PG_DIRTY);
  return pfn;
}

/**
 * handle_mm_fault for the page at `addr` (page aligned). mmap_sem must be held for read.
 * `knownPi`, when not 0, is the entry the caller's own lookup found (its tables exist).
 * Returns the pfn now mapped, -EFAULT (no mapping: SIGSEGV), -EACCES (protection: SIGSEGV)
 * -EIO (past the end of the mapped object: SIGBUS), -ENOSPC (a write to a file page with no
 * room for it on the disk: SIGBUS) or -ENOMEM (no memory the policy allows, no page-cache index
 * block, or no page-table page: the emulated OOM).
 */
export function handleMmFault(kn: Kernel, t: number, m: number, addr: number, write: boolean, knownPi = 0): number {
  const i = vmaLookup(kn, m, addr);
  if (i < 0) return -EFAULT;
  const flags = kn.vmas[kn.vma(m, i) + VMA.FLAGS];
  if (write ? !(flags & VM_WRITE) : !(flags & (VM_READ | VM_WRITE))) return -EACCES;
  // The caller's lookup already found the entry when its tables exist (mmap_sem keeps them).
  const pi = knownPi !== 0 ? knownPi : pteAlloc(kn, m, addr);
  if (pi < 0) return pi; // no page-table page left: the emulated OOM
  faulted.pi = pi;
  fault.misplacedTried = false;
  for (let tries = 0; tries < MAX_FAULT_RETRIES; tries++) {
    const pte = Atomics.load(kn.ptes, pi);
    let r: number;
    if (pte === 0) r = faultMissing(kn, t, m, i, addr, pi, flags, write);
    else if (isMigrationEntry(pte)) {
      migrationEntryWait(kn, pi, pte);
      r = RETRY;
    }
    else if (pte & PTE_SWAP) r = doSwapPage(kn, t, m, i, addr, pi, pte);
    else if (write && !(pte & PTE_WRITE)) r = doWpPage(kn, t, m, i, addr, pi, pte);
    else if (write && !(pte & PTE_DIRTY)) r = markDirty(kn, m, i, addr, pi, pte);
    else return (pte & PTE_PFN_MASK) - 1;
    if (r !== RETRY) return r;
  }
  BUG(`fault at ${addr.toString(16)} retried ${MAX_FAULT_RETRIES} times`);
  return -EFAULT;
}

/** The entry the last handleMmFault of this thread worked on (so that its caller need not walk the tables again). */
const faulted = { pi: 0 };

/** The pfn an entry maps for this kind of access, or -1 (absent, swapped, or not writable and dirty). */
function usablePte(pte: number, write: boolean): number {
  const ok = write ? PTE_WRITE | PTE_DIRTY : 0;
  return pte !== 0 && !(pte & PTE_SWAP) && (pte & ok) === ok ? (pte & PTE_PFN_MASK) - 1 : -1;
}

/** follow_page: the pfn mapped at `addr` for this kind of access, faulting if needed (not pinned). */
function followPage(kn: Kernel, t: number, m: number, addr: number, write: boolean): number {
  const pi = addr < TASK_SIZE ? kn.pteIndex(m, addr) : 0;
  const pfn = usablePte(Atomics.load(kn.ptes, pi), write);
  return pfn >= 0 ? pfn : handleMmFault(kn, t, m, addr, write, pi);
}

/**
 * followPage + pin: the page is pinned (except the zero page, which is never freed) so that
 * reclaim cannot take it while the caller copies; the caller unpins with unpinUserPage.
 * mmap_sem held for read.
 */
function pinUserPage(kn: Kernel, t: number, m: number, addr: number, write: boolean): number {
  for (let tries = 0; tries < MAX_FAULT_RETRIES; tries++) {
    let pi = addr < TASK_SIZE ? kn.pteIndex(m, addr) : 0;
    let pfn = usablePte(Atomics.load(kn.ptes, pi), write);
    if (pfn < 0) {
      pfn = handleMmFault(kn, t, m, addr, write, pi);
      pi = faulted.pi;
    }
    if (pfn < 0 || pfn === kn.zeroPfn) return pfn;
    if (tryGetPage(kn, pfn)) {
      if (usablePte(Atomics.load(kn.ptes, pi), write) === pfn) {
        markReferenced(kn, pfn);
        return pfn;
      }
      putPage(kn, pfn);
    }
  }
  BUG(`could not pin the page at ${addr.toString(16)}`);
  return -EFAULT;
}

function unpinUserPage(kn: Kernel, pfn: number): void {
  if (pfn !== kn.zeroPfn) putPage(kn, pfn);
}

/** folio_mark_accessed, reduced to the reference bit reclaim reads. */
function markReferenced(kn: Kernel, pfn: number): void {
  const nm = kn.pfnNode(pfn);
  const w = pageWord(nm, pfn, PAGE.FLAGS);
  if (!(Atomics.load(nm.i32, w) & PG_REFERENCED)) Atomics.or(nm.i32, w, PG_REFERENCED);
}

/** What an access did: 0, or the errno of the fault that stopped it and where. */
export interface AccessFault {
  err: number;
  addr: number;
}

/** Take the task's mmap_sem for read; returns its mm. */
function mmapReadLock(kn: Kernel, t: number): number {
  const m = kn.k[kn.task(t) + TASK.MM];
  downRead(kn.k, kn.mm(m) + MM.SEM);
  return m;
}

function mmapReadUnlock(kn: Kernel, m: number): void {
  upRead(kn.k, kn.mm(m) + MM.SEM);
}

/**
 * Copy between user memory [addr, addr + buf.length) and `buf` (into memory when `write`), page by
 * page under mmap_sem (read), each page pinned while it is copied. Stops at the first failing
 * fault. No closure and no views are made per call: a store of a few bytes is the fault bench.
 */
function accessVm(kn: Kernel, t: number, addr: number, buf: Uint8Array, write: boolean): AccessFault | null {
  const len = buf.length;
  const m = mmapReadLock(kn, t);
  try {
    for (let done = 0; done < len; ) {
      const a = addr + done;
      const off = a % PAGE_SIZE;
      const n = Math.min(PAGE_SIZE - off, len - done);
      const pfn = pinUserPage(kn, t, m, a - off, write);
      if (pfn < 0) return { err: pfn, addr: a };
      copyUserChunk(kn, pfn, off, buf, done, n, write);
      unpinUserPage(kn, pfn);
      done += n;
    }
    return null;
  } finally {
    mmapReadUnlock(kn, m);
  }
}

/** Bytes [done, done + n) of `buf` to (or from) offset `off` of page `pfn`. */
function copyUserChunk(kn: Kernel, pfn: number, off: number, buf: Uint8Array, done: number, n: number, toPage: boolean): void {
  const nm = kn.pfnNode(pfn);
  const at = frameOffset(nm, pfn) + off;
  if (toPage) nm.bytes.set(done === 0 && n === buf.length ? buf : buf.subarray(done, done + n), at);
  else if (n <= SMALL_COPY) for (let j = 0; j < n; j++) buf[done + j] = nm.bytes[at + j];
  else buf.set(nm.bytes.subarray(at, at + n), done);
}
/** Up to this many bytes a byte loop copies faster than a view and a set. */
const SMALL_COPY = 64;

/** Read `out.length` bytes at `addr` into `out`. */
export function userLoad(kn: Kernel, t: number, addr: number, out: Uint8Array): AccessFault | null {
  return accessVm(kn, t, addr, out, false);
}

/** Write `bytes` at `addr`. */
export function userStore(kn: Kernel, t: number, addr: number, bytes: Uint8Array): AccessFault | null {
  return accessVm(kn, t, addr, bytes, true);
}

/**
 * Fault every page of [addr, addr + len) for reading or writing without changing its bytes.
 * Nothing is copied, so no page needs a pin: each is only marked accessed.
 */
export function userTouch(kn: Kernel, t: number, addr: number, len: number, write: boolean): AccessFault | null {
  const m = mmapReadLock(kn, t);
  try {
    for (let a = addr - (addr % PAGE_SIZE); a < addr + len; a += PAGE_SIZE) {
      const pfn = followPage(kn, t, m, a, write);
      if (pfn < 0) return { err: pfn, addr: Math.max(a, addr) };
      if (pfn !== kn.zeroPfn) markReferenced(kn, pfn);
    }
    return null;
  } finally {
    mmapReadUnlock(kn, m);
  }
}

/**
 * zap_pte_range: unmap [start, end) of mm `m` (mmap_sem held for write, or, for truncation, the
 * mm's VMA_LOCK), dropping the mapping references of every page. A migration entry holds no
 * reference: clearing it is enough (the migration's restore then finds it gone). Absent tables
 * are skipped; the tables stay (see freePgtables).
 */
export function zapPteRange(kn: Kernel, m: number, start: number, end: number): void {
  ptWalk(kn, m, start, end, (first, _addr, n) => {
    for (let pi = first; pi < first + n; pi++) {
      if (kn.ptes[pi] === 0) continue;
      const pte = Atomics.exchange(kn.ptes, pi, 0); // reclaim and migration change entries under a read-held mmap_sem
      if (pte === 0) continue;
      if (pte & PTE_SWAP) {
        if (isSwapEntry(pte)) swapFree(kn, swpSlot(pte));
        continue;
      }
      const pfn = (pte & PTE_PFN_MASK) - 1;
      if (pfn === kn.zeroPfn) continue;
      mapcountAdd(kn, pfn, -1);
      putPage(kn, pfn);
    }
  });
}

/**
 * The entry at `pi` as fork copies it, with the reference the copy needs: write-protected
 * (`cow`) by compareExchange, since reclaim and migration change entries without mmap_sem; the
 * page it maps pinned and the entry checked again (reclaim and migration freeze a page only after
 * they replaced its entries, so a pin taken on a page still mapped here stops them); a migration
 * entry waited out, not copied (the migration would not find the copy to restore it).
 */
function cowPte(kn: Kernel, pi: number, cow: boolean): number {
  for (let tries = 0; tries < MAX_FAULT_RETRIES; tries++) {
    let pte = Atomics.load(kn.ptes, pi);
    if (isMigrationEntry(pte)) {
      migrationEntryWait(kn, pi, pte);
      continue;
    }
    if (pte === 0 || pte & PTE_SWAP) return pte;
    if (cow && pte & PTE_WRITE) {
      if (Atomics.compareExchange(kn.ptes, pi, pte, pte & ~PTE_WRITE) !== pte) continue;
      pte &= ~PTE_WRITE;
    }
    const pfn = (pte & PTE_PFN_MASK) - 1;
    if (pfn === kn.zeroPfn) return pte;
    if (!tryGetPage(kn, pfn)) continue; // frozen: its entries changed already
    if (Atomics.load(kn.ptes, pi) === pte) return pte;
    putPage(kn, pfn);
  }
  BUG(`fork: the entry at ${pi} never settled`);
  return 0;
}

/**
 * copy_pte_range for fork: share every private page copy-on-write (both mms' mmap_sem held for
 * write). The child's tables are allocated as the parent's present ones are met: 0, or -ENOMEM
 * when the pool has none left (the entries copied so far hold their references, and the child's
 * teardown drops them).
 */
export function copyPteRange(kn: Kernel, parent: number, child: number, start: number, end: number, cow: boolean): number {
  let err = 0;
  ptWalk(kn, parent, start, end, (from, addr, n) => {
    const to = err === 0 ? pteAlloc(kn, child, addr) : err;
    if (to < 0) {
      err = to;
      return;
    }
    for (let j = 0; j < n; j++) copyPte(kn, from + j, to + j, cow);
  });
  return err;
}

/** Copy one entry into the child's table, with the reference its page needs. */
function copyPte(kn: Kernel, from: number, to: number, cow: boolean): void {
  const pte = cowPte(kn, from, cow);
  if (pte === 0) return;
  const pfn = (pte & PTE_PFN_MASK) - 1;
  if (pte & PTE_SWAP) swapDuplicate(kn, pfn);
  else if (pfn !== kn.zeroPfn) mapcountAdd(kn, pfn, 1); // cowPte's pin is the child's reference
  Atomics.store(kn.ptes, to, pte);
}
