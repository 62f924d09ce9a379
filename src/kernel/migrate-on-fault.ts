/**
 * Seed 004's migrate-on-fault (Lee Schermerhorn, 2006; never merged in that form), profile switch
 * migrateOnFault: mbind(MPOL_MF_MOVE | MPOL_MF_LAZY) unmaps misplaced pages without moving them,
 * and a fault that finds a cached page nobody maps (swap cache or page cache) asks
 * mpol_misplaced() whether the policy governing the address wants it elsewhere, and migrates it
 * there before mapping it.
 *
 * Locking: as migrate.ts. The lazy unmapping runs under mbind's mmap_sem (write) on isolated
 * pages, each under its page lock; the fault side runs under the faulting mm's mmap_sem (read)
 * with the page pinned, and migrates it as migrate.ts does. Anonymous pages enter the swap cache
 * only here or in reclaim, both holding them isolated.
 */
import { KHDR, NODE, PAGE, PG_ANON, PG_SWAPCACHE } from '../shm/structs.js';
import { inodePut } from './inode.js';
import { type Kernel } from './kernel.js';
import { getTaskPolicy, mpolCondPut, mpolMisplaced } from './mempolicy.js';
import { pageMapcount } from './memory.js';
import { vmaPolicyAt } from './vma-policy.js';
import { type MigrateList, clearList, lockedInode, migratePages, newMigrateList, newNodePages, newNodePagesDone } from './migrate.js';
import { vmaAllocIlx } from './vma-policy.js';
import { isolateLruPage, pageFlags, pageIndex, pageWord, putPage, putbackLruPage } from './page-alloc.js';
import { lockPage, unlockPage } from './page-lock.js';
import { rmapWalkAnon } from './rmap.js';
import { addToSwapCache, getSwapSlots, putUnusedSwapSlots } from './swap.js';
import { unmapInodePage, unmapToSwapEntry } from './vmscan.js';

/** Swap slots for the anonymous pages one lazy unmapping puts in the swap cache (per thread). */
let lazySlots = new Int32Array(0);

/**
 * MPOL_MF_LAZY (seed 004): unmap each queued page without moving it. An anonymous page goes into
 * the swap cache (if it is not there already) and its entries become swap entries; an inode page
 * just loses its entries. Either way the page stays where it is, mapped by nobody, until a fault
 * finds it and migrates it where the policy says (migrateOnFault). Counts numa_pte_updates;
 * returns how many pages could not be unmapped (no swap slot left).
 */
export function lazyUnmap(kn: Kernel, list: MigrateList): number {
  const want = list.pfns.filter((pfn) => !(pageFlags(kn, pfn) & PG_SWAPCACHE) && pageFlags(kn, pfn) & PG_ANON).length;
  if (lazySlots.length < want) lazySlots = new Int32Array(want);
  const got = getSwapSlots(kn, lazySlots, want);
  let used = 0;
  let failed = 0;
  for (const pfn of list.pfns) {
    lockPage(kn, pfn);
    const before = pageMapcount(kn, pfn);
    const flags = pageFlags(kn, pfn);
    const nm = kn.pfnNode(pfn);
    const index = pageIndex(kn, pfn);
    if (flags & PG_ANON) {
      let slot = nm.i32[pageWord(nm, pfn, PAGE.PRIVATE)] - 1;
      if (!(flags & PG_SWAPCACHE)) {
        slot = used < got ? lazySlots[used++] : -1;
        if (slot >= 0) {
          addToSwapCache(kn, slot, pfn);
          Atomics.add(nm.i32, NODE.NR_SWAPCACHE, 1);
        }
      }
      if (slot >= 0) rmapWalkAnon(kn, pfn, index, unmapToSwapEntry, slot);
      else failed++;
    } else {
      const ino = lockedInode(kn, pfn, flags);
      if (ino > 0) {
        unmapInodePage(kn, pfn, ino, index);
        inodePut(kn, ino);
      }
    }
    Atomics.add(kn.k, KHDR.NUMA_PTE_UPDATES, before - pageMapcount(kn, pfn));
    unlockPage(kn, pfn);
    putbackLruPage(kn, pfn);
  }
  putUnusedSwapSlots(kn, lazySlots, used, got);
  clearList(list);
  return failed;
}

/** A one-page list for migrate-on-fault (per thread). */
const faultList = newMigrateList();

/**
 * check_migrate_misplaced_page: a fault on `addr` (VMA `i` of mm `m`, mmap_sem held) found
 * cached page `pfn` (pinned by the fault) mapped by nobody. If the policy governing the address
 * would place it elsewhere (mpol_misplaced), it is migrated there, to exactly that node and
 * without reclaim. Returns true if the fault's pin was used up (the fault then looks again, and
 * finds the page where it is now), false if the page is well placed or busy (the fault maps it).
 * Counts numa_hint_faults, numa_hint_faults_local and numa_pages_migrated.
 */
export function migrateOnFault(kn: Kernel, t: number, m: number, i: number, addr: number, pfn: number): boolean {
  Atomics.add(kn.k, KHDR.NUMA_HINT_FAULTS, 1);
  const own = vmaPolicyAt(kn, m, i, addr);
  const target = mpolMisplaced(kn, t, own !== 0 ? own : getTaskPolicy(kn, t), vmaAllocIlx(kn, m, i, addr), kn.pfnToNid(pfn));
  mpolCondPut(kn, own);
  if (target < 0) {
    Atomics.add(kn.k, KHDR.NUMA_HINT_FAULTS_LOCAL, 1);
    return false;
  }
  if (!isolateLruPage(kn, pfn)) return false;
  putPage(kn, pfn); // the isolation's reference replaces the fault's pin
  faultList.pfns.push(pfn);
  faultList.addrs.push(addr);
  faultList.pis.push(-1);
  const moved = migratePages(kn, faultList, newNodePages(kn, t, target, true)) === 0;
  newNodePagesDone();
  if (moved) Atomics.add(kn.k, KHDR.NUMA_PAGES_MIGRATED, 1);
  return true;
}
