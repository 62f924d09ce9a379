import { type Kernel } from './kernel.js';
/** A page-table entry for swap slot `slot`. */
export declare function swpEntry(slot: number): number;
/** The slot of a swap entry (page-table entry or negated xarray value). */
export declare function swpSlot(pte: number): number;
/**
 * get_swap_pages, as the swap-slots cache refills: up to `n` free slots (each with count 0) into
 * `out` under one hold of the device lock; returns how many (fewer when swap is full).
 */
export declare function getSwapSlots(kn: Kernel, out: Int32Array, n: number): number;
/** Give back slots[from..to) that were taken and never used (count still 0). */
export declare function putUnusedSwapSlots(kn: Kernel, slots: Int32Array, from: number, to: number): void;
/** swap_duplicate: one more reference to `slot`. */
export declare function swapDuplicate(kn: Kernel, slot: number): void;
/**
 * swap_free: drop one reference; the slot goes back when none is left. A page in the swap cache
 * stays there even when no entry names its slot any more: only reclaim, which holds the page
 * isolated, takes a page out of the swap cache (swapWriteoutFrozen), so nobody can drop the
 * cache's reference on a page reclaim has frozen.
 */
export declare function swapFree(kn: Kernel, slot: number): void;
/**
 * swapcache_free_entries: swap_free for slots[0..n), giving the slots that lose their last
 * reference back to the device under one hold of its lock (slots[] is reused as scratch).
 */
export declare function swapFreeBulk(kn: Kernel, slots: Int32Array, n: number): void;
/**
 * add_to_swap_cache: `pfn` (isolated and pinned by reclaim) is the page of `slot`; the cache
 * takes a reference. NR_SWAPCACHE is the caller's to count: a page reclaim writes out at once
 * never shows in it.
 */
export declare function addToSwapCache(kn: Kernel, slot: number, pfn: number): void;
/** The page of `slot` in the swap cache, or -1 (it may be frozen: pin it with tryGetPage). */
export declare function lookupSwapCache(kn: Kernel, slot: number): number;
/** Sleep (a millisecond at most) while reclaim writes frozen swap-cache page `pfn` of `slot` out. */
export declare function waitOnSwapWriteout(kn: Kernel, slot: number, pfn: number): void;
/**
 * After reclaim froze a swap-cache page (count 0, nobody can pin it): its data goes to the slot
 * and it leaves the cache; the caller frees it (which clears its flags), and drops NR_SWAPCACHE
 * if the page was counted there.
 */
export declare function swapWriteoutFrozen(kn: Kernel, slot: number, pfn: number): void;
/** swap_writepage: copy a frame to its slot (reclaim counts PSWPOUT per batch). */
export declare function writeSwapSlot(kn: Kernel, slot: number, pfn: number): void;
/** swap_read_folio: copy a slot into a frame. */
export declare function readSwapSlot(kn: Kernel, slot: number, pfn: number): void;
