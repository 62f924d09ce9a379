/**
 * Page migration for mbind(MPOL_MF_MOVE) (mm/migrate.c), in its simplest correct form: a
 * private anonymous page mapped by this mm alone is copied to a page allocated by the VMA's new
 * policy and the entry is switched over. Pages mapped by other mms (shared after fork, shmem)
 * are reported as not migrated; moving those needs reverse mapping, which comes with the
 * migration work.
 *
 * Locking: the caller holds the mm's mmap_sem for write, so no fault of this mm races with the
 * switch, and a page with MAPCOUNT 1 is reachable from no other mm; reclaim still may change
 * the entry (it needs no mmap_sem for anonymous pages), so the switch is a compareExchange.
 */
import { PAGE, PG_ANON, PG_DIRTY, PG_SWAPBACKED, PTE_PFN_MASK, PTE_SWAP } from '../shm/structs.js';
import { PAGE_SIZE } from './constants.js';
import { type Kernel } from './kernel.js';
import { allocPagesMpol } from './mempolicy.js';
import { getVmaPolicy, vmaIlx } from './memory.js';
import { vmaLookup } from './vma.js';
import { copyPage, lruAdd, pageWord, prepNewPage, putPage } from './page-alloc.js';

/** True if `pfn` can be migrated by switching one entry of this mm. */
export function migratableAlone(kn: Kernel, pfn: number): boolean {
  const nm = kn.pfnNode(pfn);
  const flags = nm.i32[pageWord(nm, pfn, PAGE.FLAGS)];
  return (flags & PG_ANON) !== 0 && Atomics.load(nm.i32, pageWord(nm, pfn, PAGE.MAPCOUNT)) === 1;
}

/** migrate_pages for one mm, pages given by address: returns how many could not be moved. */
export function migrateQueued(kn: Kernel, t: number, m: number, addrs: readonly number[]): number {
  let failed = 0;
  for (const addr of addrs) {
    const vma = vmaLookup(kn, m, addr);
    const pi = kn.pteIndex(m, addr);
    const pte = Atomics.load(kn.ptes, pi);
    const old = (pte & PTE_PFN_MASK) - 1;
    // Reclaim may have swapped the page out since it was queued (it needs no mmap_sem for that).
    const pfn = pte === 0 || pte & PTE_SWAP ? -1 : allocPagesMpol(kn, t, getVmaPolicy(kn, t, m, vma), vmaIlx(kn, m, vma, addr));
    if (pfn < 0) {
      failed++;
      continue;
    }
    const nm = kn.pfnNode(old);
    prepNewPage(kn, pfn, PG_ANON | PG_SWAPBACKED | PG_DIRTY, nm.i32[pageWord(nm, old, PAGE.MAPPING)], addr / PAGE_SIZE);
    copyPage(kn, pfn, old);
    const nn = kn.pfnNode(pfn);
    Atomics.store(nn.i32, pageWord(nn, pfn, PAGE.MAPCOUNT), 1);
    if (Atomics.compareExchange(kn.ptes, pi, pte, (pte & ~PTE_PFN_MASK) | (pfn + 1)) !== pte) {
      Atomics.store(nn.i32, pageWord(nn, pfn, PAGE.MAPCOUNT), 0);
      putPage(kn, pfn);
      failed++;
      continue;
    }
    lruAdd(kn, pfn);
    Atomics.sub(nm.i32, pageWord(nm, old, PAGE.MAPCOUNT), 1);
    putPage(kn, old);
  }
  return failed;
}
