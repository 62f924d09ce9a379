import { type Kernel } from './kernel.js';
/**
 * shrink_node: try to free `want` pages of node `nid`, a batch of at most SWAP_CLUSTER_MAX
 * isolated pages at a time; returns how many were freed. `direct` says whose counters to bump
 * (a task's direct reclaim, or kswapd).
 */
export declare function shrinkNode(kn: Kernel, nid: number, want: number, direct: boolean): number;
/** Pages below which kswapd wakes, and up to which it reclaims. */
export declare function setWatermarks(i32: Int32Array, pages: number): void;
/** wakeup_kswapd, from an allocation that left the node under its low watermark. */
export declare function wakeupKswapd(i32: Int32Array): void;
/** One round of kswapd for node `nid`: reclaim up to the high watermark; pages freed. */
export declare function kswapdBalance(kn: Kernel, nid: number): number;
/**
 * kswapd's loop, for a node worker: sleep until an allocation wakes it (or a 100 ms slice
 * passes), then balance. It runs for the worker's life: the machine pauses it (pauseKswapd)
 * before it ends the worker.
 */
export declare function kswapd(kn: Kernel, nid: number): Promise<void>;
/**
 * Hold every node's kswapd idle while `fn` runs (an audit reads the kernel without locks): each
 * kswapd finishes the round it is in, and starts no other until `fn` returns.
 */
export declare function withKswapdPaused<T>(kn: Kernel, fn: () => T): T;
/** Stop every node's kswapd at the end of its current round (before an audit, or for good before its worker ends). */
export declare function pauseKswapd(kn: Kernel): void;
