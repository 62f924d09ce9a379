/**
 * Reverse mapping (mm/rmap.c, by brute force): find every page-table entry that maps a page, in
 * every live mm. An emulated machine has few mms, so a walk over all of them replaces the
 * kernel's anon_vma chains and i_mmap trees.
 *
 * Locking: no mmap_sem is taken, so a walk can run under any of them (a fault, mbind holding its
 * own for write, truncation under i_rwsem) without ordering problems. Anonymous pages sit at the
 * same address in every mm that shares them (fork keeps addresses), so their walk reads page
 * tables only. Inode pages are found through the VMAs that map the inode, read under each mm's
 * VMA_LOCK (the emulator's i_mmap_rwsem: a leaf spinlock that VMA insertion and removal take).
 * Entries are changed only by compareExchange (or exchange, when they are zapped), so a walk
 * that races with a fault, an munmap or another walk loses its compareExchange and looks again.
 */
import { KHDR, MM, PTE_PFN_MASK, PTE_SWAP, VMA } from '../shm/structs.js';
import { PAGE_SIZE } from './constants.js';
import { type Kernel } from './kernel.js';
import { vmaCount, vmaLayoutLock, vmaLayoutUnlock } from './vma.js';

/**
 * What a walk calls for each entry it finds: `pi` indexes `kn.ptes`, `pte` is the entry as read.
 * A plain function and a datum (`arg`), so that a walk per page allocates nothing.
 */
export type RmapOne = (kn: Kernel, pfn: number, pi: number, pte: number, arg: number) => void;

/** True if `pte` maps `pfn` (present, not a swap or migration entry). */
export function pteMaps(pte: number, pfn: number): boolean {
  return pte !== 0 && !(pte & PTE_SWAP) && (pte & PTE_PFN_MASK) - 1 === pfn;
}

/**
 * Call `fn` for every entry that maps `pfn` as page `index` of inode `ino` (the caller holds a
 * reference on the inode, so every VMA naming it names this inode).
 */
export function rmapWalkInode(kn: Kernel, ino: number, index: number, pfn: number, fn: RmapOne, arg: number): void {
  for (let m = 1, high = Atomics.load(kn.k, KHDR.MM_HIGH); m < high; m++) {
    if (Atomics.load(kn.k, kn.mm(m) + MM.STATE) === 0) continue;
    vmaLayoutLock(kn, m);
    try {
      for (let i = 0; i < vmaCount(kn, m); i++) {
        const b = kn.vma(m, i);
        if (kn.vmas[b + VMA.INODE] !== ino) continue;
        const pgoff = kn.vmas[b + VMA.PGOFF];
        const addr = kn.vmas[b + VMA.START] + (index - pgoff) * PAGE_SIZE;
        if (index < pgoff || addr >= kn.vmas[b + VMA.END]) continue;
        const pi = kn.pteIndex(m, addr);
        const pte = Atomics.load(kn.ptes, pi);
        if (pteMaps(pte, pfn)) fn(kn, pfn, pi, pte, arg);
      }
    } finally {
      vmaLayoutUnlock(kn, m); // a BUG in `fn` must not leave the mm's layout locked for ever
    }
  }
}

/**
 * Call `fn` for every entry that maps anonymous page `pfn`: it sits at the same address (virtual
 * page `index`) in every mm that shares it (fork keeps addresses).
 */
export function rmapWalkAnon(kn: Kernel, pfn: number, index: number, fn: RmapOne, arg: number): void {
  const addr = index * PAGE_SIZE;
  for (let m = 1, high = Atomics.load(kn.k, KHDR.MM_HIGH); m < high; m++) {
    if (Atomics.load(kn.k, kn.mm(m) + MM.STATE) === 0) continue;
    const pi = kn.pteIndex(m, addr);
    const pte = Atomics.load(kn.ptes, pi);
    if (pteMaps(pte, pfn)) fn(kn, pfn, pi, pte, arg);
  }
}

/**
 * Call `zap(kn, m, start, end)` for the part at page `from` or beyond of every VMA that maps
 * inode `ino` (unmap_mapping_range's walk of the i_mmap tree), under each mm's VMA_LOCK.
 */
export function rmapWalkInodeRange(kn: Kernel, ino: number, from: number, zap: (kn: Kernel, m: number, start: number, end: number) => void): void {
  for (let m = 1, high = Atomics.load(kn.k, KHDR.MM_HIGH); m < high; m++) {
    if (Atomics.load(kn.k, kn.mm(m) + MM.STATE) === 0) continue;
    vmaLayoutLock(kn, m);
    try {
      for (let i = 0; i < vmaCount(kn, m); i++) {
        const b = kn.vma(m, i);
        if (kn.vmas[b + VMA.INODE] !== ino) continue;
        const start = Math.max(kn.vmas[b + VMA.START], kn.vmas[b + VMA.START] + (from - kn.vmas[b + VMA.PGOFF]) * PAGE_SIZE);
        if (start < kn.vmas[b + VMA.END]) zap(kn, m, start, kn.vmas[b + VMA.END]);
      }
    } finally {
      vmaLayoutUnlock(kn, m);
    }
  }
}
