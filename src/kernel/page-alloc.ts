/**
 * The page allocator: one free stack per node (order-0 pages only), walked along a zonelist.
 *
 * Locking: a node's LOCK (zone->lock) guards its free stack and FREE count; FREE is also stored
 * atomically so that statistics readers need no lock. The NUMA event counters are atomics,
 * counted as zone_statistics() counts them (Documentation/admin-guide/numastat.rst).
 *
 * Refcounts: a page leaves the allocator with REFCOUNT 1 and returns to it when `putPage` drops
 * the last reference. struct page fields other than the atomics are written by the allocating
 * task before the page is published (compareExchange into a page table or xarray). A lookup
 * that finds a published page pins it with `tryGetPage` (which fails on a page whose count is
 * 0: being freed, or frozen by reclaim); reclaim frees a page only by freezing its count from
 * exactly the references it accounted for to 0 (page_ref_freeze), so no pin can be lost.
 *
 * LRU: every user page is on its node's LRU list (PG_LRU) from its publication (the
 * compareExchange that makes it reachable) to its free, oldest at the head; LRU_LOCK guards the
 * list and PG_LRU. Reclaim therefore never sees a page its allocator still owns alone.
 */
import { BUG } from '../shm/layout.js';
import { spinLock, spinUnlock } from '../shm/spinlock.js';
import { KHDR, NODE, PAGE, PG_ANON, PG_DIRTY, PG_LRU, PG_REFERENCED, PG_RESERVED, PG_SWAPBACKED } from '../shm/structs.js';
import { PAGE_SIZE, SWAP_CLUSTER_MAX } from './constants.js';
import { type Kernel, type NodeMem } from './kernel.js';
import { nmTest } from './nodemask.js';
import { blockView } from './blockdev.js';
import { setWatermarks, shrinkNode, wakeupKswapd } from './vmscan.js';

/** Fill a fresh node buffer: every frame free, LIFO so that low frames go first. */
export function initNodeMemory(nm: NodeMem, reservedPfn: number): void {
  const { i32 } = nm;
  setWatermarks(i32, nm.pages);
  i32[NODE.NID] = nm.nid;
  i32[NODE.NR_PAGES] = nm.pages;
  i32[NODE.BASE_PFN] = nm.basePfn;
  let top = 0;
  for (let i = nm.pages - 1; i >= 0; i--) {
    if (nm.basePfn + i === reservedPfn) {
      i32[nm.meta + i * PAGE.WORDS + PAGE.FLAGS] = PG_RESERVED;
      i32[nm.meta + i * PAGE.WORDS + PAGE.REFCOUNT] = 1;
      continue;
    }
    i32[nm.free + top++] = i;
  }
  Atomics.store(i32, NODE.FREE, top);
}

/** Word index of `field` of the struct page of `pfn` inside `nm.i32`. */
export function pageWord(nm: NodeMem, pfn: number, field: number): number {
  return nm.meta + (pfn - nm.basePfn) * PAGE.WORDS + field;
}

/** Byte offset of frame `pfn` inside `nm.bytes`. */
export function frameOffset(nm: NodeMem, pfn: number): number {
  return nm.frameByte + (pfn - nm.basePfn) * PAGE_SIZE;
}

/**
 * The 4 KiB view of frame `pfn`, made on its first copy and kept: a subarray per page copy is
 * garbage on the paging paths, whose collector competes with the tasks for the cores.
 */
export function frameView(nm: NodeMem, pfn: number): Uint8Array {
  const i = pfn - nm.basePfn;
  return nm.views[i] ?? blockView(nm.views, nm.bytes, nm.pages, nm.frameByte, i);
}

/** The node counter that counts pages like this one: anonymous, shmem (swap-backed) or file cache. */
function kindCounter(flags: number): number {
  return flags & PG_ANON ? NODE.NR_ANON : flags & PG_SWAPBACKED ? NODE.NR_SHMEM : NODE.NR_FILE;
}

/** Pop a page from one node (rmqueue); -1 when the node is empty. */
function rmqueue(nm: NodeMem): number {
  const { i32 } = nm;
  spinLock(i32, NODE.LOCK);
  const n = i32[NODE.FREE];
  if (n === 0) {
    spinUnlock(i32, NODE.LOCK);
    return -1;
  }
  const idx = i32[nm.free + n - 1];
  Atomics.store(i32, NODE.FREE, n - 1);
  spinUnlock(i32, NODE.LOCK);
  if (n - 1 < i32[NODE.WMARK_LOW]) wakeupKswapd(i32);
  const base = nm.meta + idx * PAGE.WORDS;
  if (i32[base + PAGE.REFCOUNT] !== 0) BUG(`allocating pfn ${nm.basePfn + idx} with refcount ${i32[base + PAGE.REFCOUNT]}`);
  Atomics.store(i32, base + PAGE.REFCOUNT, 1);
  return nm.basePfn + idx;
}

/** Return a page whose last reference is gone to its node's free stack. */
function freePage(nm: NodeMem, pfn: number): void {
  if (Atomics.load(nm.i32, pageWord(nm, pfn, PAGE.FLAGS)) & PG_LRU) lruDel(nm, pfn); // isolated pages (reclaim's) are off the list already: no lock
  ONE_FREE[0] = pfn;
  freePagesBulk(nm, ONE_FREE, 1);
}

const ONE_FREE = new Int32Array(1);

/**
 * free_unref_folios: return pages[0..n) of node `nm`, off the LRU and with their last reference
 * gone (or frozen), to the free stack under one hold of the lock; the counters that mirror their
 * flags drop once for the batch.
 */
export function freePagesBulk(nm: NodeMem, pfns: Int32Array, n: number): void {
  const { i32 } = nm;
  let anon = 0;
  let shmem = 0;
  let file = 0;
  let dirty = 0;
  for (let j = 0; j < n; j++) {
    const base = pageWord(nm, pfns[j], 0);
    const flags = Atomics.load(i32, base + PAGE.FLAGS);
    if (flags & PG_LRU) BUG(`freeing pfn ${pfns[j]} while it is on the LRU`);
    if (flags & PG_ANON) anon++;
    else if (flags & PG_SWAPBACKED) shmem++;
    else file++;
    if (flags & PG_DIRTY) dirty++;
    for (let f = 0; f < PAGE.WORDS; f++) i32[base + f] = 0;
  }
  if (anon) Atomics.sub(i32, NODE.NR_ANON, anon);
  if (shmem) Atomics.sub(i32, NODE.NR_SHMEM, shmem);
  if (file) Atomics.sub(i32, NODE.NR_FILE, file);
  if (dirty) Atomics.sub(i32, NODE.NR_DIRTY, dirty);
  pushFree(nm, pfns, n);
}

/**
 * Give back pages[0..n) of node `nm` that the allocator handed out and nobody prepared or
 * published (flags still 0, count 1): no counter mirrors them yet.
 */
export function freeUnusedPages(nm: NodeMem, pfns: Int32Array, n: number): void {
  for (let j = 0; j < n; j++) Atomics.store(nm.i32, pageWord(nm, pfns[j], PAGE.REFCOUNT), 0);
  pushFree(nm, pfns, n);
}

/** Push pages[0..n) of node `nm` on its free stack under one hold of its lock. */
function pushFree(nm: NodeMem, pfns: Int32Array, n: number): void {
  const { i32 } = nm;
  spinLock(i32, NODE.LOCK);
  const top = i32[NODE.FREE];
  for (let j = 0; j < n; j++) i32[nm.free + top + j] = pfns[j] - nm.basePfn;
  Atomics.store(i32, NODE.FREE, top + n);
  spinUnlock(i32, NODE.LOCK);
}

/** Unlink `pfn` from its node's LRU list, if it is still on it; true if this call unlinked it. */
function lruDel(nm: NodeMem, pfn: number): boolean {
  const { i32 } = nm;
  spinLock(i32, NODE.LRU_LOCK);
  const listed = (i32[pageWord(nm, pfn, PAGE.FLAGS)] & PG_LRU) !== 0;
  if (listed) lruUnlinkLocked(nm, pfn);
  spinUnlock(i32, NODE.LRU_LOCK);
  return listed;
}

/** Unlink a listed page (LRU_LOCK held) and clear its PG_LRU. */
function lruUnlinkLocked(nm: NodeMem, pfn: number): void {
  const { i32 } = nm;
  const prev = i32[pageWord(nm, pfn, PAGE.LRU_PREV)];
  const next = i32[pageWord(nm, pfn, PAGE.LRU_NEXT)];
  if (prev !== 0) i32[pageWord(nm, prev - 1, PAGE.LRU_NEXT)] = next;
  else i32[NODE.LRU_HEAD] = next;
  if (next !== 0) i32[pageWord(nm, next - 1, PAGE.LRU_PREV)] = prev;
  else i32[NODE.LRU_TAIL] = prev;
  Atomics.and(i32, pageWord(nm, pfn, PAGE.FLAGS), ~PG_LRU);
  i32[NODE.NR_LRU]--;
}

/**
 * folio_isolate_lru for a batch: each page of pfns[0..n) still on its LRU list that can be pinned
 * (tryGetPage: not being freed) leaves the list, holding a reference for the isolation; taken[j]
 * says which did. Each node's LRU lock is held once per run of pages of that node.
 */
export function isolateLruPages(kn: Kernel, pfns: readonly number[], n: number, taken: Uint8Array): void {
  for (let j = 0; j < n; ) {
    const nm = kn.pfnNode(pfns[j]);
    spinLock(nm.i32, NODE.LRU_LOCK);
    do {
      const pfn = pfns[j];
      // PG_LRU changes only under this lock. A page still listed may be on its way to the allocator
      // (count 0, its freeing waits for this lock to unlink it): the pin is taken back then.
      let ok = (nm.i32[pageWord(nm, pfn, PAGE.FLAGS)] & PG_LRU) !== 0;
      if (ok && Atomics.add(nm.i32, pageWord(nm, pfn, PAGE.REFCOUNT), 1) <= 0) {
        Atomics.sub(nm.i32, pageWord(nm, pfn, PAGE.REFCOUNT), 1);
        ok = false;
      }
      if (ok) lruUnlinkLocked(nm, pfn);
      taken[j] = ok ? 1 : 0;
    } while (++j < n && kn.pfnNode(pfns[j]) === nm);
    spinUnlock(nm.i32, NODE.LRU_LOCK);
  }
}

/** lru_cache_add: put `pfn` at the tail (newest end) of its node's LRU list. */
export function lruAdd(kn: Kernel, pfn: number): void {
  ONE_LRU[0] = pfn;
  lruAddBulk(kn, ONE_LRU, 1);
}

const ONE_LRU = new Int32Array(1);

/**
 * folio_batch_add + lru_add_fn: put pfns[0..n) at the tails of their nodes' LRU lists in that
 * order, holding each node's lock once per run of pages on that node.
 */
export function lruAddBulk(kn: Kernel, pfns: Int32Array, n: number): void {
  for (let j = 0; j < n; ) {
    const nm = kn.pfnNode(pfns[j]);
    const { i32 } = nm;
    spinLock(i32, NODE.LRU_LOCK);
    do {
      const pfn = pfns[j];
      const tail = i32[NODE.LRU_TAIL];
      i32[pageWord(nm, pfn, PAGE.LRU_PREV)] = tail;
      i32[pageWord(nm, pfn, PAGE.LRU_NEXT)] = 0;
      if (tail !== 0) i32[pageWord(nm, tail - 1, PAGE.LRU_NEXT)] = pfn + 1;
      else i32[NODE.LRU_HEAD] = pfn + 1;
      i32[NODE.LRU_TAIL] = pfn + 1;
      Atomics.or(i32, pageWord(nm, pfn, PAGE.FLAGS), PG_LRU);
      i32[NODE.NR_LRU]++;
    } while (++j < n && kn.pfnNode(pfns[j]) === nm);
    spinUnlock(i32, NODE.LRU_LOCK);
  }
}

/**
 * isolate_lru_folios: take up to `max` of the oldest pages of node `nid` that can be pinned off
 * its LRU list, under one hold of the lock, into `out`; returns how many. Each leaves the list
 * (PG_LRU cleared) with a pin the caller owns. Pages found referenced lose the mark and go to the
 * tail instead (second chance), at most `budget.rotations` times in all.
 */
export function lruIsolate(kn: Kernel, nid: number, budget: { rotations: number }, out: Int32Array, max: number): number {
  const nm = kn.node[nid]!;
  const { i32 } = nm;
  let taken = 0;
  let unlisted = -1;
  spinLock(i32, NODE.LRU_LOCK);
  // Every page may be looked at twice: once to lose its reference mark, once to be taken.
  for (let scanned = 0, n = 2 * i32[NODE.NR_LRU] + 1; taken < max && scanned < n; scanned++) {
    const head = i32[NODE.LRU_HEAD];
    if (head === 0) break;
    const pfn = head - 1;
    const fw = pageWord(nm, pfn, PAGE.FLAGS);
    if (!(Atomics.load(i32, fw) & PG_LRU)) {
      unlisted = pfn; // the list and the flag change together under this lock: one of them is corrupt
      break;
    }
    const next = i32[pageWord(nm, pfn, PAGE.LRU_NEXT)];
    // Unlink the head; it goes back to the tail unless it is taken.
    i32[NODE.LRU_HEAD] = next;
    if (next !== 0) i32[pageWord(nm, next - 1, PAGE.LRU_PREV)] = 0;
    else i32[NODE.LRU_TAIL] = 0;
    const old = Atomics.load(i32, fw);
    const referenced = (old & PG_REFERENCED) !== 0;
    if (referenced) Atomics.and(i32, fw, ~PG_REFERENCED);
    if ((!referenced || budget.rotations <= 0) && tryGetPage(kn, pfn)) {
      Atomics.and(i32, fw, ~PG_LRU);
      i32[NODE.NR_LRU]--;
      out[taken++] = pfn;
      continue;
    }
    if (referenced) budget.rotations--;
    const tail = i32[NODE.LRU_TAIL];
    i32[pageWord(nm, pfn, PAGE.LRU_PREV)] = tail;
    i32[pageWord(nm, pfn, PAGE.LRU_NEXT)] = 0;
    if (tail !== 0) i32[pageWord(nm, tail - 1, PAGE.LRU_NEXT)] = head;
    else i32[NODE.LRU_HEAD] = head;
    i32[NODE.LRU_TAIL] = head;
  }
  spinUnlock(i32, NODE.LRU_LOCK);
  // Asserted once the lock is given back, so that the rest of the machine can still use the list.
  if (unlisted >= 0) BUG(`pfn ${unlisted} is on the LRU list of node ${nid} without PG_LRU`);
  return taken;
}

/**
 * folio_isolate_lru: take `pfn` (which the caller holds a reference on) off its node's LRU list
 * for migration; the isolation holds a reference of its own. False if the page is not on the
 * list (reclaim or another migration has it, or it is not published yet).
 */
export function isolateLruPage(kn: Kernel, pfn: number): boolean {
  const nm = kn.pfnNode(pfn);
  // PG_LRU is cleared under the lock by whoever takes the page off the list: that one owns it.
  if (!(Atomics.load(nm.i32, pageWord(nm, pfn, PAGE.FLAGS)) & PG_LRU) || !lruDel(nm, pfn)) return false;
  getPage(kn, pfn);
  return true;
}

/** folio_putback_lru: an isolated page goes back on its LRU list and the isolation's reference is dropped. */
export function putbackLruPage(kn: Kernel, pfn: number): void {
  lruAdd(kn, pfn);
  putPage(kn, pfn);
}

/** folio_try_get: pin a published page unless its count is 0 (being freed, or frozen). */
export function tryGetPage(kn: Kernel, pfn: number): boolean {
  const nm = kn.pfnNode(pfn);
  const w = pageWord(nm, pfn, PAGE.REFCOUNT);
  for (let r = Atomics.load(nm.i32, w); r > 0; r = Atomics.load(nm.i32, w)) {
    if (Atomics.compareExchange(nm.i32, w, r, r + 1) === r) return true;
  }
  return false;
}

/** page_ref_freeze: 0 if the count is exactly `expected` (nobody else holds the page), else leave it. */
export function freezePage(kn: Kernel, pfn: number, expected: number): boolean {
  const nm = kn.pfnNode(pfn);
  return Atomics.compareExchange(nm.i32, pageWord(nm, pfn, PAGE.REFCOUNT), expected, 0) === expected;
}

/** get_page */
export function getPage(kn: Kernel, pfn: number): void {
  const nm = kn.pfnNode(pfn);
  const old = Atomics.add(nm.i32, pageWord(nm, pfn, PAGE.REFCOUNT), 1);
  if (old <= 0) BUG(`get_page on free pfn ${pfn}`);
}

/** put_page: drop a reference; the last one frees the page. */
export function putPage(kn: Kernel, pfn: number): void {
  const nm = kn.pfnNode(pfn);
  const old = Atomics.sub(nm.i32, pageWord(nm, pfn, PAGE.REFCOUNT), 1);
  if (old <= 0) BUG(`put_page underflow on pfn ${pfn}`);
  if (old === 1) freePage(nm, pfn);
}

/** zone_statistics: count one allocation that wanted `preferred`, got `got`, ran on `local`. */
function zoneStatistics(kn: Kernel, preferred: number, got: number, local: number): void {
  const g = kn.node[got]!.i32;
  if (got === preferred) Atomics.add(g, NODE.NUMA_HIT, 1);
  else {
    Atomics.add(g, NODE.NUMA_MISS, 1);
    Atomics.add(kn.node[preferred]!.i32, NODE.NUMA_FOREIGN, 1);
  }
  Atomics.add(g, got === local ? NODE.LOCAL_NODE : NODE.OTHER_NODE, 1);
}

/**
 * __alloc_pages: the first node of `zonelist` that the mask allows and that has a free page.
 * With `restrict` false the mask is ignored. The first allowed node is the preferred zone for
 * the statistics. Returns a pfn with REFCOUNT 1, or -1.
 */
export function allocPages(kn: Kernel, zonelist: readonly number[], restrict: boolean, lo: number, hi: number, local: number): number {
  const pfn = getPageFromFreelist(kn, zonelist, restrict, lo, hi, local);
  return pfn >= 0 || memalloc.noreclaim ? pfn : allocPagesSlowpath(kn, zonelist, restrict, lo, hi, local);
}

/**
 * This thread's allocation context (memalloc_noreclaim_save): while `noreclaim` is set an
 * allocation that finds every allowed node empty fails at once instead of reclaiming, as the
 * kernel's opportunistic (readahead) allocations do.
 */
export const memalloc = { noreclaim: false };

function getPageFromFreelist(kn: Kernel, zonelist: readonly number[], restrict: boolean, lo: number, hi: number, local: number): number {
  let preferred = -1;
  for (let i = 0; i < zonelist.length; i++) {
    const nid = zonelist[i];
    if (restrict && !nmTest(lo, hi, nid)) continue;
    if (preferred < 0) preferred = nid;
    const pfn = rmqueue(kn.node[nid]!);
    if (pfn >= 0) {
      zoneStatistics(kn, preferred, nid, local);
      return pfn;
    }
  }
  return -1;
}

/**
 * alloc_pages_bulk on exactly node `nid`: up to `n` pages from its free stack into `out` under one
 * hold of its lock, each with count 1. No reclaim: returns how many it got (fewer when the node
 * runs short). The caller counts those it uses with countBulkAllocs and gives back the others
 * with freeUnusedPages.
 */
export function allocPagesBulkNode(kn: Kernel, nid: number, out: Int32Array, n: number): number {
  const nm = kn.node[nid]!;
  const { i32 } = nm;
  spinLock(i32, NODE.LOCK);
  const free = i32[NODE.FREE];
  const got = Math.min(n, free);
  for (let j = 0; j < got; j++) out[j] = nm.basePfn + i32[nm.free + free - 1 - j];
  Atomics.store(i32, NODE.FREE, free - got);
  spinUnlock(i32, NODE.LOCK);
  if (got === 0) return 0;
  if (free - got < i32[NODE.WMARK_LOW]) wakeupKswapd(i32);
  for (let j = 0; j < got; j++) {
    const w = pageWord(nm, out[j], PAGE.REFCOUNT);
    if (i32[w] !== 0) BUG(`allocating pfn ${out[j]} with refcount ${i32[w]}`);
    Atomics.store(i32, w, 1);
  }
  return got;
}

/** zone_statistics for `n` pages of a bulk allocation on node `nid` that wanted it, by a task on `local`. */
export function countBulkAllocs(kn: Kernel, nid: number, n: number, local: number): void {
  if (n === 0) return;
  const { i32 } = kn.node[nid]!;
  Atomics.add(i32, NODE.NUMA_HIT, n);
  Atomics.add(i32, nid === local ? NODE.LOCAL_NODE : NODE.OTHER_NODE, n);
}

/** Direct reclaim attempts (of SWAP_CLUSTER_MAX pages per node) before giving up (the OOM). */
const MAX_RECLAIM_RETRIES = 16;

/**
 * __alloc_pages_slowpath: every allowed node is empty, so the allocating task reclaims on them
 * itself (direct reclaim), in zonelist order, and tries again. Other tasks may take what it
 * frees, and pages they pin cannot be taken, so it retries, throttled by a millisecond between
 * rounds (reclaim_throttle), up to MAX_RECLAIM_RETRIES rounds: then -1, the OOM.
 */
function allocPagesSlowpath(kn: Kernel, zonelist: readonly number[], restrict: boolean, lo: number, hi: number, local: number): number {
  Atomics.add(kn.k, KHDR.ALLOCSTALL, 1);
  for (let round = 0; round < MAX_RECLAIM_RETRIES; round++) {
    for (const nid of zonelist) if (!restrict || nmTest(lo, hi, nid)) shrinkNode(kn, nid, SWAP_CLUSTER_MAX, true);
    const pfn = getPageFromFreelist(kn, zonelist, restrict, lo, hi, local);
    if (pfn >= 0) return pfn;
    Atomics.wait(kn.k, KHDR.RECLAIM_THROTTLE, 0, 1);
  }
  return -1;
}

/** A page of zeros outside shared memory: copying it is 6x faster than fill() on a SAB here. */
const ZERO_FRAME = new Uint8Array(PAGE_SIZE);

/** Zero a frame (clear_page). */
export function clearPage(kn: Kernel, pfn: number): void {
  const nm = kn.pfnNode(pfn);
  nm.bytes.set(ZERO_FRAME, frameOffset(nm, pfn));
}

/** Copy a frame (copy_user_highpage). */
export function copyPage(kn: Kernel, to: number, from: number): void {
  const dst = kn.pfnNode(to);
  dst.bytes.set(frameView(kn.pfnNode(from), from), frameOffset(dst, to));
}

/** Clear bits in a page's flags (and the counters that mirror them); returns the old flags. */
export function clearPageFlags(kn: Kernel, pfn: number, bits: number): number {
  const nm = kn.pfnNode(pfn);
  const old = Atomics.and(nm.i32, pageWord(nm, pfn, PAGE.FLAGS), ~bits);
  if (bits & PG_DIRTY && old & PG_DIRTY) Atomics.sub(nm.i32, NODE.NR_DIRTY, 1);
  return old;
}

/** Store a page's index at its struct page `base`: the low 32 bits (ToInt32) and, for an anonymous page past 2^31, the rest. */
export function setPageIndex(nm: NodeMem, base: number, index: number): void {
  nm.i32[base + PAGE.INDEX] = index;
  nm.i32[base + PAGE.INDEX_HI] = index < 2 ** 31 ? 0 : Math.floor(index / 2 ** 32);
}

/** A page's index (for an anonymous page: its virtual page number, which can pass 2^32). */
export function pageIndex(kn: Kernel, pfn: number): number {
  const nm = kn.pfnNode(pfn);
  return nm.i32[pageWord(nm, pfn, PAGE.INDEX_HI)] * 2 ** 32 + (nm.i32[pageWord(nm, pfn, PAGE.INDEX)] >>> 0);
}

/** A page's flags. */
export function pageFlags(kn: Kernel, pfn: number): number {
  const nm = kn.pfnNode(pfn);
  return Atomics.load(nm.i32, pageWord(nm, pfn, PAGE.FLAGS));
}

/** A page's refcount. */
export function pageRefcount(kn: Kernel, pfn: number): number {
  const nm = kn.pfnNode(pfn);
  return Atomics.load(nm.i32, pageWord(nm, pfn, PAGE.REFCOUNT));
}

/** Set bits in a page's flags and keep the per-node counters that mirror them. */
export function setPageFlags(kn: Kernel, pfn: number, bits: number): void {
  const nm = kn.pfnNode(pfn);
  const old = Atomics.or(nm.i32, pageWord(nm, pfn, PAGE.FLAGS), bits);
  if (bits & PG_DIRTY && !(old & PG_DIRTY)) Atomics.add(nm.i32, NODE.NR_DIRTY, 1);
}

/** Initialise a freshly allocated page for its owner before it is published. */
export function prepNewPage(kn: Kernel, pfn: number, flags: number, mapping: number, index: number): void {
  const nm = kn.pfnNode(pfn);
  const base = pageWord(nm, pfn, 0);
  nm.i32[base + PAGE.FLAGS] = flags;
  nm.i32[base + PAGE.MAPPING] = mapping;
  setPageIndex(nm, base, index);
  Atomics.add(nm.i32, kindCounter(flags), 1);
  if (flags & PG_DIRTY) Atomics.add(nm.i32, NODE.NR_DIRTY, 1);
}

