/**
 * Reverse mapping for inode pages (mm/rmap.c, by brute force): find every page-table entry that
 * maps page `index` of an inode, in every live mm, through the VMAs that map that inode. An
 * emulated machine has few mms, so a walk over all of them replaces the kernel's i_mmap tree.
 *
 * Locking: each mm's mmap_sem is taken for read while its VMAs are walked (callers hold no
 * mmap_sem: lock order is I_SEM, then mmap_sem); entries are changed only by compareExchange.
 */
import { downRead, upRead } from '../shm/rwsem.js';
import { MM, PTE_PFN_MASK, VMA } from '../shm/structs.js';
import { PAGE_SIZE } from './constants.js';
import { type Kernel } from './kernel.js';
import { vmaCount } from './vma.js';

/** Call `fn(pteIndex, pte)` for every entry that maps `pfn` as page `index` of inode `ino`. */
export function rmapWalkInode(kn: Kernel, ino: number, index: number, pfn: number, fn: (pi: number, pte: number) => void): void {
  for (let m = 1; m < kn.cfg.limits.maxMms; m++) {
    if (Atomics.load(kn.k, kn.mm(m) + MM.STATE) === 0) continue;
    const sem = kn.mm(m) + MM.SEM;
    downRead(kn.k, sem);
    for (let i = 0; i < vmaCount(kn, m); i++) {
      const b = kn.vma(m, i);
      if (kn.vmas[b + VMA.INODE] !== ino) continue;
      const pgoff = kn.vmas[b + VMA.PGOFF];
      const addr = kn.vmas[b + VMA.START] + (index - pgoff) * PAGE_SIZE;
      if (index < pgoff || addr >= kn.vmas[b + VMA.END]) continue;
      const pi = kn.pteIndex(m, addr);
      const pte = Atomics.load(kn.ptes, pi);
      if (pte !== 0 && (pte & PTE_PFN_MASK) - 1 === pfn) fn(pi, pte);
    }
    upRead(kn.k, sem);
  }
}
