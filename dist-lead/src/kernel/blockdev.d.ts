export declare const BDEV: import("../shm/layout.js").Struct<"LOCK" | "LOCK_PAD" | "FREE" | "NR_BLOCKS">;
/** A block device as mapped in one thread. */
export interface BlockDev {
    readonly i32: Int32Array;
    readonly bytes: Uint8Array;
    readonly blocks: number;
    /** Word index of the free stack. */
    readonly stack: number;
    /** Byte offset of block 0. */
    readonly data: number;
    /** Per block, its view once made (bdevBlockView); this thread's own. */
    readonly views: (Uint8Array | null)[];
}
/** Bytes of a device of `blocks` blocks. */
export declare function bdevSize(blocks: number): number;
/** Map a device buffer. */
export declare function bdevMap(buf: SharedArrayBuffer, blocks: number): BlockDev;
/** Put every block on the free stack (once, before use). */
export declare function bdevFormat(d: BlockDev): void;
/** Take a free block; -1 when the device is full. */
export declare function bdevAlloc(d: BlockDev): number;
/** Give a block back. */
export declare function bdevFree(d: BlockDev, b: number): void;
/** Take up to `n` free blocks into `out` under one hold of the lock; returns how many. */
export declare function bdevAllocBulk(d: BlockDev, out: Int32Array, n: number): number;
/** Give blocks[0..n) back under one hold of the lock. */
export declare function bdevFreeBulk(d: BlockDev, blocks: Int32Array, n: number): void;
/**
 * The view of 4 KiB block `i` of the `n` that start at byte `first` of `bytes`, kept in `views`
 * (an array of `n` slots, filled with null on first use so that it stays a fast array).
 */
export declare function blockView(views: (Uint8Array | null)[], bytes: Uint8Array, n: number, first: number, i: number): Uint8Array;
/** The 4 KiB view of block `b`. */
export declare function bdevBlockView(d: BlockDev, b: number): Uint8Array;
/** Byte offset of block `b`. */
export declare function bdevOffset(d: BlockDev, b: number): number;
/** Free blocks (a snapshot). */
export declare function bdevFreeBlocks(d: BlockDev): number;
