/**
 * The swap device and the swap cache (mm/swapfile.c, mm/swap_state.c).
 *
 * Model. A slot's count (swap_map) is the number of references to it (page-table entries of
 * swapped-out anonymous pages, xarray entries of swapped-out shmem pages) plus SWAP_HAS_CACHE
 * while a page in memory is associated with it (the swap cache: reclaim puts a page there before
 * it unmaps it, so that a fault during the write-out finds the page instead of stale data). The
 * slot returns to the device when its count reaches 0.
 *
 * Locking: counts and swap-cache entries are atomics. A page in the swap cache has PG_SWAPCACHE,
 * PRIVATE = slot + 1, and one reference held by the cache. Only a holder of the page isolated
 * from the LRU adds a page to the swap cache or takes it out: reclaim (which writes it out), and
 * migration and MPOL_MF_LAZY (which move a slot to another page, or put a page in the cache).
 *
 * Page-table entries with PTE_SWAP are swap entries, or, with PTE_MIGRATION too, migration
 * entries (swapops.h): the helpers below tell them apart.
 */
import { BUG } from '../shm/layout.js';
import { KHDR, PAGE, PG_SWAPCACHE, PTE_DIRTY, PTE_MIGRATION, PTE_PFN_MASK, PTE_SWAP, PTE_WRITE } from '../shm/structs.js';
import { bdevAllocBulk, bdevBlockView, bdevFree, bdevFreeBulk, bdevOffset } from './blockdev.js';
import { type Kernel } from './kernel.js';
import { frameOffset, frameView, pageWord } from './page-alloc.js';

/** The swap map's cache bit (SWAP_HAS_CACHE). */
const SWAP_HAS_CACHE = 1 << 24;

/**
 * A swap-cache word is pfn + 1, with this bit set by a fault that sleeps until reclaim has
 * written the page out (PG_waiters): reclaim pays for a notify only when someone waits.
 */
const SWAPCACHE_WAITERS = 1 << 30;

/** A page-table entry for swap slot `slot`. */
export function swpEntry(slot: number): number {
  return PTE_SWAP | (slot + 1);
}

/** is_swap_pte && !is_migration_entry: an entry that names a swap slot. */
export function isSwapEntry(pte: number): boolean {
  return (pte & (PTE_SWAP | PTE_MIGRATION)) === PTE_SWAP;
}

/** is_migration_entry */
export function isMigrationEntry(pte: number): boolean {
  return (pte & (PTE_SWAP | PTE_MIGRATION)) === (PTE_SWAP | PTE_MIGRATION);
}

/** make_migration_entry: the entry that stands for present entry `pte` while its page migrates. */
export function migrationEntry(pte: number): number {
  return PTE_SWAP | PTE_MIGRATION | (pte & (PTE_WRITE | PTE_DIRTY | PTE_PFN_MASK));
}

/** The pfn a migration entry stands for (pfn_swap_entry_to_page). */
export function migrationEntryPfn(pte: number): number {
  return (pte & PTE_PFN_MASK) - 1;
}

/** remove_migration_pte's entry: migration entry `entry` mapping page `pfn` again. */
export function pteFromMigrationEntry(entry: number, pfn: number): number {
  return (entry & (PTE_WRITE | PTE_DIRTY)) | (pfn + 1);
}

/** The slot of a swap entry (page-table entry or negated xarray value). */
export function swpSlot(pte: number): number {
  return (pte & PTE_PFN_MASK) - 1;
}

/**
 * get_swap_pages, as the swap-slots cache refills: up to `n` free slots (each with count 0) into
 * `out` under one hold of the device lock; returns how many (fewer when swap is full).
 */
export function getSwapSlots(kn: Kernel, out: Int32Array, n: number): number {
  return bdevAllocBulk(kn.swap, out, n);
}

/** Give back slots[from..to) that were taken and never used (count still 0). */
export function putUnusedSwapSlots(kn: Kernel, slots: Int32Array, from: number, to: number): void {
  if (to > from) bdevFreeBulk(kn.swap, slots.subarray(from, to), to - from);
}

/** swap_duplicate: one more reference to `slot`. */
export function swapDuplicate(kn: Kernel, slot: number): void {
  Atomics.add(kn.k, kn.regions.swapMap + slot, 1);
}

function swapMapSub(kn: Kernel, slot: number, n: number): void {
  if (Atomics.sub(kn.k, kn.regions.swapMap + slot, n) === n) bdevFree(kn.swap, slot);
}

/**
 * swap_free: drop one reference; the slot goes back when none is left. A page in the swap cache
 * stays there even when no entry names its slot any more: only reclaim, which holds the page
 * isolated, takes a page out of the swap cache (swapWriteoutFrozen), so nobody can drop the
 * cache's reference on a page reclaim has frozen.
 */
export function swapFree(kn: Kernel, slot: number): void {
  swapMapSub(kn, slot, 1);
}

/**
 * swapcache_free_entries: swap_free for slots[0..n), giving the slots that lose their last
 * reference back to the device under one hold of its lock (slots[] is reused as scratch).
 */
export function swapFreeBulk(kn: Kernel, slots: Int32Array, n: number): void {
  let back = 0;
  for (let j = 0; j < n; j++) if (Atomics.sub(kn.k, kn.regions.swapMap + slots[j], 1) === 1) slots[back++] = slots[j];
  if (back > 0) bdevFreeBulk(kn.swap, slots, back);
}

/**
 * add_to_swap_cache: `pfn` (isolated and pinned by reclaim) is the page of `slot`; the cache
 * takes a reference. NR_SWAPCACHE is the caller's to count: a page reclaim writes out at once
 * never shows in it.
 */
export function addToSwapCache(kn: Kernel, slot: number, pfn: number): void {
  const nm = kn.pfnNode(pfn);
  Atomics.add(kn.k, kn.regions.swapMap + slot, SWAP_HAS_CACHE);
  nm.i32[pageWord(nm, pfn, PAGE.PRIVATE)] = slot + 1; // published by the flag below
  Atomics.or(nm.i32, pageWord(nm, pfn, PAGE.FLAGS), PG_SWAPCACHE);
  Atomics.add(nm.i32, pageWord(nm, pfn, PAGE.REFCOUNT), 1);
  Atomics.store(kn.k, kn.regions.swapCache + slot, pfn + 1);
}

/** The page of `slot` in the swap cache, or -1 (it may be frozen: pin it with tryGetPage). */
export function lookupSwapCache(kn: Kernel, slot: number): number {
  return (Atomics.load(kn.k, kn.regions.swapCache + slot) & ~SWAPCACHE_WAITERS) - 1;
}

/** Sleep (a millisecond at most) while reclaim writes frozen swap-cache page `pfn` of `slot` out. */
export function waitOnSwapWriteout(kn: Kernel, slot: number, pfn: number): void {
  const w = kn.regions.swapCache + slot;
  const v = Atomics.compareExchange(kn.k, w, pfn + 1, pfn + 1 + SWAPCACHE_WAITERS);
  if (v === pfn + 1 || v === pfn + 1 + SWAPCACHE_WAITERS) Atomics.wait(kn.k, w, pfn + 1 + SWAPCACHE_WAITERS, 1);
}

/**
 * After reclaim froze a swap-cache page (count 0, nobody can pin it): its data goes to the slot
 * and it leaves the cache; the caller frees it (which clears its flags), and drops NR_SWAPCACHE
 * if the page was counted there.
 */
export function swapWriteoutFrozen(kn: Kernel, slot: number, pfn: number): void {
  writeSwapSlot(kn, slot, pfn);
  if (Atomics.exchange(kn.k, kn.regions.swapCache + slot, 0) & SWAPCACHE_WAITERS) Atomics.notify(kn.k, kn.regions.swapCache + slot);
  swapMapSub(kn, slot, SWAP_HAS_CACHE);
}

/**
 * Migration's switch of the swap cache (the xas_store of __folio_migrate_mapping): `slot`'s page
 * becomes `to` in place of frozen page `from`; a fault sleeping on the frozen page is woken to
 * look again.
 */
export function swapCacheReplace(kn: Kernel, slot: number, from: number, to: number): void {
  const w = kn.regions.swapCache + slot;
  const v = Atomics.exchange(kn.k, w, to + 1);
  if ((v & ~SWAPCACHE_WAITERS) !== from + 1) BUG(`swap slot ${slot} held ${(v & ~SWAPCACHE_WAITERS) - 1}, not migrating page ${from}`);
  if (v & SWAPCACHE_WAITERS) Atomics.notify(kn.k, w);
}

/** swap_writepage: copy a frame to its slot (reclaim counts PSWPOUT per batch). */
export function writeSwapSlot(kn: Kernel, slot: number, pfn: number): void {
  kn.swap.bytes.set(frameView(kn.pfnNode(pfn), pfn), bdevOffset(kn.swap, slot));
}

/** swap_read_folio: copy a slot into a frame. */
export function readSwapSlot(kn: Kernel, slot: number, pfn: number): void {
  const nm = kn.pfnNode(pfn);
  nm.bytes.set(bdevBlockView(kn.swap, slot), frameOffset(nm, pfn));
  Atomics.add(kn.k, KHDR.PSWPIN, 1);
}
