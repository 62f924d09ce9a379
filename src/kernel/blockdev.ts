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
  return { i32: new Int32Array(buf), bytes: new Uint8Array(buf), blocks, stack: g.stack, data: g.data };
}

/** Put every block on the free stack (once, before use). */
export function bdevFormat(d: BlockDev): void {
  for (let i = 0; i < d.blocks; i++) d.i32[d.stack + i] = d.blocks - 1 - i;
  d.i32[BDEV.NR_BLOCKS] = d.blocks;
  Atomics.store(d.i32, BDEV.FREE, d.blocks);
}

/** Take a free block; -1 when the device is full. */
export function bdevAlloc(d: BlockDev): number {
  spinLock(d.i32, BDEV.LOCK);
  const n = d.i32[BDEV.FREE];
  const b = n > 0 ? d.i32[d.stack + n - 1] : -1;
  if (n > 0) Atomics.store(d.i32, BDEV.FREE, n - 1);
  spinUnlock(d.i32, BDEV.LOCK);
  return b;
}

/** Give a block back. */
export function bdevFree(d: BlockDev, b: number): void {
  spinLock(d.i32, BDEV.LOCK);
  const n = d.i32[BDEV.FREE];
  d.i32[d.stack + n] = b;
  Atomics.store(d.i32, BDEV.FREE, n + 1);
  spinUnlock(d.i32, BDEV.LOCK);
}

/** Byte offset of block `b`. */
export function bdevOffset(d: BlockDev, b: number): number {
  return d.data + b * PAGE_SIZE;
}

/** Free blocks (a snapshot). */
export function bdevFreeBlocks(d: BlockDev): number {
  return Atomics.load(d.i32, BDEV.FREE);
}
