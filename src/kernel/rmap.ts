/**
 * Reverse mapping for inode pages (mm/rmap.c, by brute force): find every page-table entry that
 * maps page `index` of an inode, in every live mm, through the VMAs that map that inode. An
 * emulated machine has few mms, so a walk over all of them replaces the kernel's i_mmap tree.
 *
 * Locking: for inode pages each mm's mmap_sem is taken for read while its VMAs are walked (lock
 * order: I_SEM, then mmap_sem; reclaim only tries); anonymous pages need no VMA and so no lock.
 * Entries are changed only by compareExchange.
 */
import { downRead, downReadTrylock, upRead } from '../shm/rwsem.js';
import { KHDR, MM, PTE_PFN_MASK, PTE_SWAP, VMA } from '../shm/structs.js';
import { PAGE_SIZE } from './constants.js';
import { type Kernel } from './kernel.js';
import { vmaCount } from './vma.js';

/**
 * The mm whose mmap_sem this thread holds for read while it runs kernel code that may reclaim
 * (a fault, a user access): an rmap walk must not take that semaphore again, since a writer
 * queued behind our own hold would block the second read forever. One task per worker thread,
 * so this is the task's `current->mm` under mmap_lock.
 */
export const heldMmap = { mm: 0 };

/**
 * Call `fn(pteIndex, pte)` for every entry that maps `pfn` as page `index` of inode `ino`.
 * With `tryOnly` (reclaim), an mm whose mmap_sem cannot be had at once is skipped; returns
 * false if any was.
 */
export function rmapWalkInode(kn: Kernel, ino: number, index: number, pfn: number, fn: (pi: number, pte: number) => void, tryOnly = false): boolean {
  let all = true;
  for (let m = 1, high = Atomics.load(kn.k, KHDR.MM_HIGH); m < high; m++) {
    if (Atomics.load(kn.k, kn.mm(m) + MM.STATE) === 0) continue;
    const sem = kn.mm(m) + MM.SEM;
    const held = m === heldMmap.mm;
    if (!held) {
      if (!tryOnly) downRead(kn.k, sem);
      else if (!downReadTrylock(kn.k, sem)) {
        all = false;
        continue;
      }
    }
    try {
      for (let i = 0; i < vmaCount(kn, m); i++) {
        const b = kn.vma(m, i);
        if (kn.vmas[b + VMA.INODE] !== ino) continue;
        const pgoff = kn.vmas[b + VMA.PGOFF];
        const addr = kn.vmas[b + VMA.START] + (index - pgoff) * PAGE_SIZE;
        if (index < pgoff || addr >= kn.vmas[b + VMA.END]) continue;
        const pi = kn.pteIndex(m, addr);
        const pte = Atomics.load(kn.ptes, pi);
        if (pte !== 0 && !(pte & PTE_SWAP) && (pte & PTE_PFN_MASK) - 1 === pfn) fn(pi, pte);
      }
    } finally {
      if (!held) upRead(kn.k, sem); // a BUG in `fn` must not leave the mm locked for ever
    }
  }
  return all;
}

/**
 * Call `fn(kn, pfn, pteIndex, pte, arg)` for every entry that maps anonymous page `pfn`: it sits
 * at the same address (virtual page `index`) in every mm that shares it (fork keeps addresses),
 * so the walk reads page tables only, with no mmap_sem; callers change entries by
 * compareExchange. (`fn` is a plain function and `arg` its datum, so that a walk per page
 * reclaimed allocates nothing.)
 */
export function rmapWalkAnon(kn: Kernel, pfn: number, index: number, fn: (kn: Kernel, pfn: number, pi: number, pte: number, arg: number) => void, arg: number): void {
  const addr = index * PAGE_SIZE;
  for (let m = 1, high = Atomics.load(kn.k, KHDR.MM_HIGH); m < high; m++) {
    if (Atomics.load(kn.k, kn.mm(m) + MM.STATE) === 0) continue;
    const pi = kn.pteIndex(m, addr);
    const pte = Atomics.load(kn.ptes, pi);
    if (pte !== 0 && !(pte & PTE_SWAP) && (pte & PTE_PFN_MASK) - 1 === pfn) fn(kn, pfn, pi, pte, arg);
  }
}
