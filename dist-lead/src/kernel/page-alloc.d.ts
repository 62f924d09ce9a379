import { type Kernel, type NodeMem } from './kernel.js';
/** Fill a fresh node buffer: every frame free, LIFO so that low frames go first. */
export declare function initNodeMemory(nm: NodeMem, reservedPfn: number): void;
/** Word index of `field` of the struct page of `pfn` inside `nm.i32`. */
export declare function pageWord(nm: NodeMem, pfn: number, field: number): number;
/** Byte offset of frame `pfn` inside `nm.bytes`. */
export declare function frameOffset(nm: NodeMem, pfn: number): number;
/**
 * The 4 KiB view of frame `pfn`, made on its first copy and kept: a subarray per page copy is
 * garbage on the paging paths, whose collector competes with the tasks for the cores.
 */
export declare function frameView(nm: NodeMem, pfn: number): Uint8Array;
/**
 * free_unref_folios: return pages[0..n) of node `nm`, off the LRU and with their last reference
 * gone (or frozen), to the free stack under one hold of the lock; the counters that mirror their
 * flags drop once for the batch.
 */
export declare function freePagesBulk(nm: NodeMem, pfns: Int32Array, n: number): void;
/** lru_cache_add: put `pfn` at the tail (newest end) of its node's LRU list. */
export declare function lruAdd(kn: Kernel, pfn: number): void;
/**
 * folio_batch_add + lru_add_fn: put pfns[0..n) at the tails of their nodes' LRU lists in that
 * order, holding each node's lock once per run of pages on that node.
 */
export declare function lruAddBulk(kn: Kernel, pfns: Int32Array, n: number): void;
/**
 * isolate_lru_folios: take up to `max` of the oldest pages of node `nid` that can be pinned off
 * its LRU list, under one hold of the lock, into `out`; returns how many. Each leaves the list
 * (PG_LRU cleared) with a pin the caller owns. Pages found referenced lose the mark and go to the
 * tail instead (second chance), at most `budget.rotations` times in all.
 */
export declare function lruIsolate(kn: Kernel, nid: number, budget: {
    rotations: number;
}, out: Int32Array, max: number): number;
/** folio_try_get: pin a published page unless its count is 0 (being freed, or frozen). */
export declare function tryGetPage(kn: Kernel, pfn: number): boolean;
/** page_ref_freeze: 0 if the count is exactly `expected` (nobody else holds the page), else leave it. */
export declare function freezePage(kn: Kernel, pfn: number, expected: number): boolean;
/** get_page */
export declare function getPage(kn: Kernel, pfn: number): void;
/** put_page: drop a reference; the last one frees the page. */
export declare function putPage(kn: Kernel, pfn: number): void;
/**
 * __alloc_pages: the first node of `zonelist` that the mask allows and that has a free page.
 * With `restrict` false the mask is ignored. The first allowed node is the preferred zone for
 * the statistics. Returns a pfn with REFCOUNT 1, or -1.
 */
export declare function allocPages(kn: Kernel, zonelist: readonly number[], restrict: boolean, lo: number, hi: number, local: number): number;
/**
 * This thread's allocation context (memalloc_noreclaim_save): while `noreclaim` is set an
 * allocation that finds every allowed node empty fails at once instead of reclaiming, as the
 * kernel's opportunistic (readahead) allocations do.
 */
export declare const memalloc: {
    noreclaim: boolean;
};
/** Zero a frame (clear_page). */
export declare function clearPage(kn: Kernel, pfn: number): void;
/** Copy a frame (copy_user_highpage). */
export declare function copyPage(kn: Kernel, to: number, from: number): void;
/** Clear bits in a page's flags (and the counters that mirror them); returns the old flags. */
export declare function clearPageFlags(kn: Kernel, pfn: number, bits: number): number;
/** A page's flags. */
export declare function pageFlags(kn: Kernel, pfn: number): number;
/** A page's refcount. */
export declare function pageRefcount(kn: Kernel, pfn: number): number;
/** Set bits in a page's flags and keep the per-node counters that mirror them. */
export declare function setPageFlags(kn: Kernel, pfn: number, bits: number): void;
/** Initialise a freshly allocated page for its owner before it is published. */
export declare function prepNewPage(kn: Kernel, pfn: number, flags: number, mapping: number, index: number): void;
