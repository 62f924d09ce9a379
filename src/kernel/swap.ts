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
 * PRIVATE = slot + 1, and one reference held by the cache. Only reclaim, holding the page
 * isolated from the LRU, adds a page to the swap cache or takes it out.
 */
import { KHDR, NODE, PAGE, PG_SWAPCACHE, PTE_PFN_MASK, PTE_SWAP } from '../shm/structs.js';
import { bdevAlloc, bdevFree, bdevOffset } from './blockdev.js';
import { PAGE_SIZE } from './constants.js';
import { type Kernel } from './kernel.js';
import { frameOffset, pageWord } from './page-alloc.js';

/** The swap map's cache bit (SWAP_HAS_CACHE). */
const SWAP_HAS_CACHE = 1 << 24;

/** A page-table entry for swap slot `slot`. */
export function swpEntry(slot: number): number {
  return PTE_SWAP | (slot + 1);
}

/** The slot of a swap entry (page-table entry or negated xarray value). */
export function swpSlot(pte: number): number {
  return (pte & PTE_PFN_MASK) - 1;
}

/** get_swap_page: a free slot with count 0, or -1 when swap is full. */
export function getSwapSlot(kn: Kernel): number {
  const s = bdevAlloc(kn.swap);
  if (s >= 0) Atomics.store(kn.k, kn.regions.swapMap + s, 0);
  return s;
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

/** add_to_swap_cache: `pfn` (pinned by the caller) is the page of `slot`; the cache takes a reference. */
export function addToSwapCache(kn: Kernel, slot: number, pfn: number): void {
  const nm = kn.pfnNode(pfn);
  Atomics.add(kn.k, kn.regions.swapMap + slot, SWAP_HAS_CACHE);
  Atomics.store(nm.i32, pageWord(nm, pfn, PAGE.PRIVATE), slot + 1);
  Atomics.or(nm.i32, pageWord(nm, pfn, PAGE.FLAGS), PG_SWAPCACHE);
  Atomics.add(nm.i32, pageWord(nm, pfn, PAGE.REFCOUNT), 1);
  Atomics.add(nm.i32, NODE.NR_SWAPCACHE, 1);
  Atomics.store(kn.k, kn.regions.swapCache + slot, pfn + 1);
}

/** The page of `slot` in the swap cache, or -1 (it may be frozen: pin it with tryGetPage). */
export function lookupSwapCache(kn: Kernel, slot: number): number {
  return Atomics.load(kn.k, kn.regions.swapCache + slot) - 1;
}

/**
 * After reclaim froze a swap-cache page (count 0, nobody can pin it): its data goes to the slot,
 * it leaves the cache and the caller frees it.
 */
export function swapWriteoutFrozen(kn: Kernel, slot: number, pfn: number): void {
  writeSwapSlot(kn, slot, pfn);
  Atomics.store(kn.k, kn.regions.swapCache + slot, 0);
  const nm = kn.pfnNode(pfn);
  Atomics.and(nm.i32, pageWord(nm, pfn, PAGE.FLAGS), ~PG_SWAPCACHE);
  Atomics.sub(nm.i32, NODE.NR_SWAPCACHE, 1);
  swapMapSub(kn, slot, SWAP_HAS_CACHE);
}

/** swap_writepage: copy a frame to its slot. */
export function writeSwapSlot(kn: Kernel, slot: number, pfn: number): void {
  const nm = kn.pfnNode(pfn);
  const off = frameOffset(nm, pfn);
  kn.swap.bytes.set(nm.bytes.subarray(off, off + PAGE_SIZE), bdevOffset(kn.swap, slot));
  Atomics.add(kn.k, KHDR.PSWPOUT, 1);
}

/** swap_read_folio: copy a slot into a frame. */
export function readSwapSlot(kn: Kernel, slot: number, pfn: number): void {
  const nm = kn.pfnNode(pfn);
  const off = bdevOffset(kn.swap, slot);
  nm.bytes.set(kn.swap.bytes.subarray(off, off + PAGE_SIZE), frameOffset(nm, pfn));
  Atomics.add(kn.k, KHDR.PSWPIN, 1);
}
