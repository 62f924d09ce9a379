/**
 * A block device in its own SharedArrayBuffer (the disk under the files; swap will be another):
 * a header, a free stack of block numbers, then the 4 KiB blocks.
 *
 * Locking: the header's LOCK guards the free stack; a block's contents belong to whoever
 * allocated the block (the inode's writeback under its page lock discipline).
 */
import { align, defineStruct } from '../shm/layout.js';
import { spinLock, spinUnlock } from '../shm/spinlock.js';
import { PAGE_SIZE } from './constants.js';

export const BDEV = defineStruct(['LOCK', 'LOCK_PAD', 'FREE', 'NR_BLOCKS']);

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

function geometry(blocks: number): { stack: number; data: number; size: number } {
  const stack = align(BDEV.WORDS, 16);
  const data = align((stack + blocks) * 4, PAGE_SIZE);
  return { stack, data, size: data + blocks * PAGE_SIZE };
}

/** Bytes of a device of `blocks` blocks. */
export function bdevSize(blocks: number): number {
  return geometry(blocks).size;
}

/** Map a device buffer. */
export function bdevMap(buf: SharedArrayBuffer, blocks: number): BlockDev {
  const g = geometry(blocks);
  return { i32: new Int32Array(buf), bytes: new Uint8Array(buf), blocks, stack: g.stack, data: g.data, views: [] };
}

/** Put every block on the free stack (once, before use). */
export function bdevFormat(d: BlockDev): void {
  for (let i = 0; i < d.blocks; i++) d.i32[d.stack + i] = d.blocks - 1 - i;
  d.i32[BDEV.NR_BLOCKS] = d.blocks;
  Atomics.store(d.i32, BDEV.FREE, d.blocks);
}

/** Take a free block; -1 when the device is full. */
export function bdevAlloc(d: BlockDev): number {
  return bdevAllocBulk(d, ONE, 1) === 1 ? ONE[0] : -1;
}

/** Give a block back. */
export function bdevFree(d: BlockDev, b: number): void {
  ONE[0] = b;
  bdevFreeBulk(d, ONE, 1);
}

const ONE = new Int32Array(1);

/** Take up to `n` free blocks into `out` under one hold of the lock; returns how many. */
export function bdevAllocBulk(d: BlockDev, out: Int32Array, n: number): number {
  spinLock(d.i32, BDEV.LOCK);
  const free = d.i32[BDEV.FREE];
  const got = Math.min(n, free);
  for (let j = 0; j < got; j++) out[j] = d.i32[d.stack + free - 1 - j];
  Atomics.store(d.i32, BDEV.FREE, free - got);
  spinUnlock(d.i32, BDEV.LOCK);
  return got;
}

/** Give blocks[0..n) back under one hold of the lock. */
export function bdevFreeBulk(d: BlockDev, blocks: Int32Array, n: number): void {
  spinLock(d.i32, BDEV.LOCK);
  const free = d.i32[BDEV.FREE];
  for (let j = 0; j < n; j++) d.i32[d.stack + free + j] = blocks[j];
  Atomics.store(d.i32, BDEV.FREE, free + n);
  spinUnlock(d.i32, BDEV.LOCK);
}

/**
 * The view of 4 KiB block `i` of the `n` that start at byte `first` of `bytes`, kept in `views`
 * (an array of `n` slots, filled with null on first use so that it stays a fast array).
 */
export function blockView(views: (Uint8Array | null)[], bytes: Uint8Array, n: number, first: number, i: number): Uint8Array {
  if (views.length === 0) for (let j = 0; j < n; j++) views.push(null);
  return (views[i] ??= bytes.subarray(first + i * PAGE_SIZE, first + (i + 1) * PAGE_SIZE));
}

/** The 4 KiB view of block `b`. */
export function bdevBlockView(d: BlockDev, b: number): Uint8Array {
  return d.views[b] ?? blockView(d.views, d.bytes, d.blocks, d.data, b);
}

/** Byte offset of block `b`. */
export function bdevOffset(d: BlockDev, b: number): number {
  return d.data + b * PAGE_SIZE;
}

/** Free blocks (a snapshot). */
export function bdevFreeBlocks(d: BlockDev): number {
  return Atomics.load(d.i32, BDEV.FREE);
}
