/**
 * Page reclaim (mm/vmscan.c): kswapd, run by each node's worker, and direct reclaim, run by a
 * task whose allocation found no free page.
 *
 * Model. Reclaim takes the oldest pages of a node's LRU list (a page touched since it was last
 * looked at goes round once more), and for each:
 *   - a file page: unmapped, written back if dirty, dropped from the page cache;
 *   - a shmem page: unmapped, written to a swap slot whose entry replaces it in the xarray;
 *   - an anonymous page: put in the swap cache, every entry mapping it turned into a swap entry,
 *     then written to its slot.
 * The page is freed only if its count freezes from exactly the references reclaim accounted for
 * (the LRU isolation pin, the cache's reference) to 0: any other holder (a task copying through
 * it, a fault that just mapped it again) makes reclaim give up and put the page back, so nothing
 * written is lost. Writes to the page after it was unmapped fault, and find it again through
 * the page cache or the swap cache.
 *
 * Locking: an isolated page is reclaimed only if its page lock can be had at once (trylock, as
 * shrink_folio_list does): whoever holds it (truncation, a fault mapping it, migration) is
 * changing where the page belongs. Under the lock, an inode page is reclaimed only if its slot
 * still holds it (truncation may have removed it since it was isolated). Anonymous pages are
 * unmapped through the page tables alone, inode pages through each mm's VMA_LOCK (rmap.ts). The
 * inode of a file or shmem page is pinned (a reference taken only while it is alive) for the
 * duration. Counters are the /proc/vmstat events.
 */
import { INODE, KHDR, NODE, PAGE, PG_ANON, PG_DIRTY, PG_SWAPBACKED, PG_SWAPCACHE, PTE_DIRTY } from '../shm/structs.js';
import { pageInCache, writebackPage } from './filemap.js';
import { inodePut, inodeTryGet } from './inode.js';
import { type Kernel } from './kernel.js';
import { freePagesBulk, freezePage, lruIsolate, pageFlags, pageIndex, pageWord, putPage, putbackLruPage, setPageFlags } from './page-alloc.js';
import { rmapWalkAnon, rmapWalkInode } from './rmap.js';
import { trylockPage, unlockPage } from './page-lock.js';
import { pageMapcount } from './memory.js';
import { addToSwapCache, getSwapSlots, putUnusedSwapSlots, swapDuplicate, swapWriteoutFrozen, swpEntry, writeSwapSlot } from './swap.js';
import { SWAP_CLUSTER_MAX } from './constants.js';
import { xaReplace, xaSlot } from './xarray.js';

/**
 * try_to_unmap for an inode page: clear every entry mapping it (shared and private mappings
 * refault), moving an entry's dirty bit to the page as it goes.
 */
export function unmapInodePage(kn: Kernel, pfn: number, ino: number, index: number): void {
  rmapWalkInode(kn, ino, index, pfn, unmapOne, 0);
}

function unmapOne(kn: Kernel, pfn: number, pi: number, pte: number): void {
  if (Atomics.compareExchange(kn.ptes, pi, pte, 0) !== pte) return;
  if (pte & PTE_DIRTY) setPageFlags(kn, pfn, PG_DIRTY);
  const nm = kn.pfnNode(pfn);
  Atomics.sub(nm.i32, pageWord(nm, pfn, PAGE.MAPCOUNT), 1);
  putPage(kn, pfn);
}

/** Replace a frozen page's page-cache slot with `value` (0, or a swap entry); the caller frees it. */
function evictFrozen(kn: Kernel, ino: number, index: number, pfn: number, value: number): void {
  const ok = xaReplace(kn, ino, INODE.ROOT, index, pfn + 1, value);
  if (!ok) throw new Error(`numa-emu BUG: frozen page ${pfn} left its page-cache slot`);
  Atomics.sub(kn.k, kn.inode(ino) + INODE.NR_PAGES, 1);
  Atomics.notify(kn.k, xaSlot(kn, ino, INODE.ROOT, index));
}

/**
 * The swap slots one batch took from the device in a single hold of its lock (the swap-slots
 * cache of one shrinkPageList). Per thread; reclaim does not nest.
 */
const batchSlots = { slots: new Int32Array(SWAP_CLUSTER_MAX), n: 0, next: 0 };

function takeSlot(): number {
  return batchSlots.next < batchSlots.n ? batchSlots.slots[batchSlots.next++] : -1;
}

/** Give back the slot taken last, unused. */
function untakeSlot(slot: number): void {
  batchSlots.slots[--batchSlots.next] = slot;
}

/**
 * Reclaim a locked file or shmem page (pinned once by the caller, plus the cache's reference);
 * true if frozen and evicted. A page no longer in its slot was truncated: the caller's pin is its
 * last reference, and putting it back frees it.
 */
function reclaimInodePage(kn: Kernel, pfn: number, flags: number): boolean {
  const nm = kn.pfnNode(pfn);
  const ino = nm.i32[pageWord(nm, pfn, PAGE.MAPPING)];
  const index = nm.i32[pageWord(nm, pfn, PAGE.INDEX)];
  if (!inodeTryGet(kn, ino)) return false;
  try {
    if (!pageInCache(kn, ino, index, pfn)) return false;
    unmapInodePage(kn, pfn, ino, index);
    if (pageMapcount(kn, pfn) !== 0) return false;
    if (!(flags & PG_SWAPBACKED)) {
      if (writebackPage(kn, ino, index, pfn) < 0 || pageFlags(kn, pfn) & PG_DIRTY || !freezePage(kn, pfn, 2)) return false;
      evictFrozen(kn, ino, index, pfn, 0);
      return true;
    }
    const slot = takeSlot();
    if (slot < 0) return false;
    if (!freezePage(kn, pfn, 2)) {
      untakeSlot(slot);
      return false;
    }
    writeSwapSlot(kn, slot, pfn);
    swapDuplicate(kn, slot); // the xarray entry's reference
    evictFrozen(kn, ino, index, pfn, -(slot + 1));
    return true;
  } finally {
    inodePut(kn, ino);
  }
}

/** try_to_unmap_one for an anonymous page in the swap cache: its entry becomes one for `slot`. */
export function unmapToSwapEntry(kn: Kernel, pfn: number, pi: number, pte: number, slot: number): void {
  // The entry's reference on the slot exists before the entry does: a fault on it may swap in at once.
  swapDuplicate(kn, slot);
  if (Atomics.compareExchange(kn.ptes, pi, pte, swpEntry(slot)) !== pte) return void Atomics.sub(kn.k, kn.regions.swapMap + slot, 1);
  const nm = kn.pfnNode(pfn);
  Atomics.sub(nm.i32, pageWord(nm, pfn, PAGE.MAPCOUNT), 1);
  putPage(kn, pfn);
}

/**
 * Reclaim an anonymous page: swap cache, swap entries for every mapping, write-out; true if
 * frozen and out of the cache. A page that stays in the cache is counted in NR_SWAPCACHE.
 */
function reclaimAnonPage(kn: Kernel, pfn: number, flags: number): boolean {
  const nm = kn.pfnNode(pfn);
  const cached = (flags & PG_SWAPCACHE) !== 0;
  const slot = cached ? nm.i32[pageWord(nm, pfn, PAGE.PRIVATE)] - 1 : takeSlot();
  if (slot < 0) return false;
  if (!cached) addToSwapCache(kn, slot, pfn);
  rmapWalkAnon(kn, pfn, pageIndex(kn, pfn), unmapToSwapEntry, slot);
  if (pageMapcount(kn, pfn) !== 0 || !freezePage(kn, pfn, 2)) {
    if (!cached) Atomics.add(nm.i32, NODE.NR_SWAPCACHE, 1);
    return false;
  }
  swapWriteoutFrozen(kn, slot, pfn);
  if (cached) Atomics.sub(nm.i32, NODE.NR_SWAPCACHE, 1);
  return true;
}

/** How many pages of isolated[0..n) need a new swap slot if they are reclaimed. */
function slotsWanted(kn: Kernel, n: number): number {
  let want = 0;
  for (let j = 0; j < n; j++) {
    const flags = pageFlags(kn, isolated[j]);
    if (flags & PG_ANON ? !(flags & PG_SWAPCACHE) : flags & PG_SWAPBACKED) want++;
  }
  return want;
}

/** Pages isolated by one batch, and those of them reclaim froze, to be freed together. Per thread. */
const isolated = new Int32Array(SWAP_CLUSTER_MAX);
const frozen = new Int32Array(SWAP_CLUSTER_MAX);

/**
 * shrink_folio_list: reclaim the n isolated pages of node `nid`; the frozen ones go back to the
 * allocator in one batch, the others back to the LRU. Returns how many were freed.
 */
function shrinkPageList(kn: Kernel, nid: number, n: number): number {
  batchSlots.n = getSwapSlots(kn, batchSlots.slots, slotsWanted(kn, n));
  batchSlots.next = 0;
  let freed = 0;
  let swapped = 0;
  for (let j = 0; j < n; j++) {
    const pfn = isolated[j];
    if (!trylockPage(kn, pfn)) {
      putbackLruPage(kn, pfn);
      continue;
    }
    const flags = pageFlags(kn, pfn);
    const done = flags & PG_ANON ? reclaimAnonPage(kn, pfn, flags) : reclaimInodePage(kn, pfn, flags);
    unlockPage(kn, pfn);
    if (!done) {
      putbackLruPage(kn, pfn);
      continue;
    }
    frozen[freed++] = pfn;
    if (flags & PG_SWAPBACKED) swapped++;
  }
  if (swapped) Atomics.add(kn.k, KHDR.PSWPOUT, swapped);
  putUnusedSwapSlots(kn, batchSlots.slots, batchSlots.next, batchSlots.n);
  freePagesBulk(kn.node[nid]!, frozen, freed);
  return freed;
}

/**
 * swapout_pages (seed 001's swap migration): reclaim exactly the isolated pages given, whatever
 * their node, a batch of at most SWAP_CLUSTER_MAX pages of one node at a time. Each page that
 * stays (busy, no swap slot, written to meanwhile) goes back to the LRU. Returns how many stayed.
 */
export function swapoutPages(kn: Kernel, pfns: readonly number[]): number {
  let stayed = 0;
  for (let j = 0; j < pfns.length; ) {
    const nid = kn.pfnToNid(pfns[j]);
    let n = 0;
    while (j < pfns.length && n < SWAP_CLUSTER_MAX && kn.pfnToNid(pfns[j]) === nid) isolated[n++] = pfns[j++];
    stayed += n - shrinkPageList(kn, nid, n);
  }
  return stayed;
}

/**
 * shrink_node: try to free `want` pages of node `nid`, a batch of at most SWAP_CLUSTER_MAX
 * isolated pages at a time; returns how many were freed. `direct` says whose counters to bump
 * (a task's direct reclaim, or kswapd).
 */
export function shrinkNode(kn: Kernel, nid: number, want: number, direct: boolean): number {
  const i32 = kn.node[nid]!.i32;
  const budget = { rotations: i32[NODE.NR_LRU] };
  let freed = 0;
  for (let scanned = 0, limit = 2 * i32[NODE.NR_LRU] + 1; freed < want && scanned < limit; ) {
    const n = lruIsolate(kn, nid, budget, isolated, Math.min(SWAP_CLUSTER_MAX, want - freed));
    if (n === 0) break;
    scanned += n;
    Atomics.add(kn.k, direct ? KHDR.PGSCAN_DIRECT : KHDR.PGSCAN_KSWAPD, n);
    freed += shrinkPageList(kn, nid, n);
  }
  Atomics.add(kn.k, direct ? KHDR.PGSTEAL_DIRECT : KHDR.PGSTEAL_KSWAPD, freed);
  return freed;
}

/** Pages below which kswapd wakes, and up to which it reclaims. */
export function setWatermarks(i32: Int32Array, pages: number): void {
  const low = Math.max(4, pages >> 5);
  Atomics.store(i32, NODE.WMARK_LOW, low);
  Atomics.store(i32, NODE.WMARK_HIGH, 2 * low);
}

/** wakeup_kswapd, from an allocation that left the node under its low watermark. */
export function wakeupKswapd(i32: Int32Array): void {
  Atomics.add(i32, NODE.KSWAPD_WAKE, 1);
  Atomics.notify(i32, NODE.KSWAPD_WAKE);
}

/** One round of kswapd for node `nid`: reclaim up to the high watermark; pages freed. */
export function kswapdBalance(kn: Kernel, nid: number): number {
  const i32 = kn.node[nid]!.i32;
  let freed = 0;
  while (Atomics.load(i32, NODE.FREE) < Atomics.load(i32, NODE.WMARK_HIGH)) {
    if (Atomics.load(i32, NODE.KSWAPD_PAUSE)) break;
    const got = shrinkNode(kn, nid, Atomics.load(i32, NODE.WMARK_HIGH) - Atomics.load(i32, NODE.FREE), false);
    if (got === 0) break;
    freed += got;
  }
  return freed;
}

/**
 * kswapd's loop, for a node worker: sleep until an allocation wakes it (or a 100 ms slice
 * passes), then balance. It runs for the worker's life: the machine pauses it (pauseKswapd)
 * before it ends the worker. If a round throws (a broken invariant in reclaim), kswapd is dead:
 * the node is marked so (nobody waits for its rounds any more) and the promise rejects.
 */
export async function kswapd(kn: Kernel, nid: number): Promise<void> {
  const i32 = kn.node[nid]!.i32;
  try {
    for (;;) {
      const seq = Atomics.load(i32, NODE.KSWAPD_WAKE);
      Atomics.store(i32, NODE.KSWAPD_BUSY, 1);
      if (!Atomics.load(i32, NODE.KSWAPD_PAUSE) && Atomics.load(i32, NODE.FREE) < Atomics.load(i32, NODE.WMARK_LOW)) kswapdBalance(kn, nid);
      Atomics.store(i32, NODE.KSWAPD_BUSY, 0);
      Atomics.notify(i32, NODE.KSWAPD_BUSY);
      const w = Atomics.waitAsync(i32, NODE.KSWAPD_WAKE, seq, 100);
      if (w.async) await w.value;
    }
  } catch (e) {
    markKswapdDead(i32);
    throw e;
  }
}

/** A node's kswapd is gone (it died, or its worker ended): clear its busy word and wake whoever waits on it. */
export function markKswapdDead(i32: Int32Array): void {
  Atomics.store(i32, NODE.KSWAPD_DEAD, 1);
  Atomics.store(i32, NODE.KSWAPD_BUSY, 0);
  Atomics.notify(i32, NODE.KSWAPD_BUSY);
}

/** True once node `nid`'s kswapd is dead. */
export function kswapdDead(kn: Kernel, nid: number): boolean {
  return Atomics.load(kn.node[nid]!.i32, NODE.KSWAPD_DEAD) !== 0;
}

/**
 * Hold every node's kswapd idle while `fn` runs (an audit reads the kernel without locks): each
 * kswapd finishes the round it is in, and starts no other until `fn` returns. `fn` receives the
 * nodes whose kswapd did not stop within `limitMs` (see pauseKswapd).
 */
export function withKswapdPaused<T>(kn: Kernel, limitMs: number, fn: (stillBusy: number[]) => T): T {
  const busy = pauseKswapd(kn, limitMs);
  try {
    return fn(busy);
  } finally {
    for (const nid of kn.memoryIdOrder) {
      const i32 = kn.node[nid]!.i32;
      Atomics.store(i32, NODE.KSWAPD_PAUSE, 0);
      wakeupKswapd(i32);
    }
  }
}

/**
 * Stop every node's kswapd at the end of its current round (before an audit, or for good before
 * its worker ends). A dead kswapd is not waited for; a live one for at most `limitMs` (the
 * machine's main thread must not block on a round that never ends). Returns the nodes whose
 * kswapd was still in a round when the time ran out.
 */
export function pauseKswapd(kn: Kernel, limitMs: number): number[] {
  const nodes = kn.memoryIdOrder;
  for (const nid of nodes) Atomics.store(kn.node[nid]!.i32, NODE.KSWAPD_PAUSE, 1);
  // The bound is a watchdog on the caller's thread; it decides nothing inside the emulated kernel.
  const deadline = performance.now() + limitMs;
  const busy: number[] = [];
  for (const nid of nodes) {
    const i32 = kn.node[nid]!.i32;
    for (;;) {
      if (!Atomics.load(i32, NODE.KSWAPD_BUSY) || Atomics.load(i32, NODE.KSWAPD_DEAD)) break;
      const left = deadline - performance.now();
      if (left <= 0) {
        busy.push(nid);
        break;
      }
      Atomics.wait(i32, NODE.KSWAPD_BUSY, 1, Math.min(left, 50));
    }
  }
  return busy;
}
