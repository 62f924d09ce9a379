/**
 * The index trees of an inode (its page cache, and a file's map of disk blocks): two-level
 * radix trees of 512-slot blocks from the kernel buffer's pool (the xarray, with its nodes from
 * one slab).
 *
 * A tree is named by its inode and the inode field holding its root (INODE.ROOT or INODE.DISK);
 * a root of 0 is an empty tree, which gets its root block with its first entry.
 *
 * Pool and reservations. Running out of blocks is an errno (-ENOMEM), never an assertion. An
 * object of fixed size (shmem, SysV) reserves every block its tree can need when it is created
 * (xaReserve), so that its faults never find the pool empty and no other object can take what
 * it will need; an object that grows (a file, a tmpfs file) takes blocks from the unreserved
 * rest of the pool as entries arrive. KHDR.XA_NR_FREE counts the free blocks and XA_RESERVED
 * the promised ones (XA_RESERVED <= XA_NR_FREE); INODE.XA_RESV is what one inode still holds.
 *
 * Locking: lookups take no lock. A slot is installed with compareExchange, so two tasks faulting
 * the same index agree on one page (the loser gives its page back); a leaf or root block is
 * installed under XA_LOCK after checking its word is still empty. Slots are cleared
 * by truncation and reclaim; blocks return to the pool only when the owning inode dies (no
 * lockless reader can then hold one). The pool's free list and both counters are under
 * KHDR.XA_LOCK.
 */
import { spinLock, spinUnlock } from '../shm/spinlock.js';
import { INODE, KHDR, XA_SHIFT, XA_SLOTS } from '../shm/structs.js';
import { ENOMEM } from './errno.js';
import { type Kernel } from './kernel.js';

/** xaInstall found the slot taken: another value got there first. */
export const XA_BUSY = 1;

/** Blocks a tree of `pages` entries at most needs: its root and one leaf per 512 indexes. */
export function xaBlocksFor(pages: number): number {
  return 1 + Math.ceil(pages / XA_SLOTS);
}

/**
 * Reserve `blocks` blocks of the pool for inode `ino`'s trees; false (nothing reserved) when the
 * unreserved pool is smaller.
 */
export function xaReserve(kn: Kernel, ino: number, blocks: number): boolean {
  const { k } = kn;
  spinLock(k, KHDR.XA_LOCK);
  const ok = k[KHDR.XA_NR_FREE] - k[KHDR.XA_RESERVED] >= blocks;
  if (ok) {
    k[KHDR.XA_RESERVED] += blocks;
    k[kn.inode(ino) + INODE.XA_RESV] += blocks;
  }
  spinUnlock(k, KHDR.XA_LOCK);
  return ok;
}

/** Give back what inode `ino` still has reserved (it is dying, its trees destroyed). */
export function xaUnreserve(kn: Kernel, ino: number): void {
  const { k } = kn;
  spinLock(k, KHDR.XA_LOCK);
  k[KHDR.XA_RESERVED] -= k[kn.inode(ino) + INODE.XA_RESV];
  k[kn.inode(ino) + INODE.XA_RESV] = 0;
  spinUnlock(k, KHDR.XA_LOCK);
}

/** Return a block of a dying inode's tree to the pool (its reservation goes with xaUnreserve). */
function xaFreeBlock(kn: Kernel, b: number): void {
  const { k } = kn;
  spinLock(k, KHDR.XA_LOCK);
  k[kn.regions.xa + b * XA_SLOTS] = k[KHDR.XA_FREE];
  k[KHDR.XA_FREE] = b;
  k[KHDR.XA_NR_FREE]++;
  spinUnlock(k, KHDR.XA_LOCK);
}

/** The block in word `w` (a root field or a root slot), installed if absent; 0 if none could be. */
function childBlock(kn: Kernel, ino: number, w: number): number {
  const b = Atomics.load(kn.k, w);
  return b !== 0 ? b : installBlock(kn, ino, w);
}

/**
 * Install a zeroed block in word `w` if it is still empty, from inode `ino`'s reservation if it
 * keeps one; the block there (ours or the one another task installed first), or 0 when none is
 * left. Check and install are one step under XA_LOCK: there is never a loser holding a block it
 * took from a reservation while the winner finds that reservation empty (once per 512 pages).
 */
function installBlock(kn: Kernel, ino: number, w: number): number {
  const { k } = kn;
  const resv = kn.inode(ino) + INODE.XA_RESV;
  spinLock(k, KHDR.XA_LOCK);
  let b = Atomics.load(k, w);
  if (b === 0 && (k[resv] > 0 || k[KHDR.XA_NR_FREE] > k[KHDR.XA_RESERVED])) {
    b = k[KHDR.XA_FREE];
    k[KHDR.XA_FREE] = k[kn.regions.xa + b * XA_SLOTS];
    k[KHDR.XA_NR_FREE]--;
    if (k[resv] > 0) {
      k[resv]--;
      k[KHDR.XA_RESERVED]--;
    }
    k.fill(0, kn.regions.xa + b * XA_SLOTS, kn.regions.xa + (b + 1) * XA_SLOTS);
    Atomics.store(k, w, b); // published zeroed: lockless lookups may follow it at once
  }
  spinUnlock(k, KHDR.XA_LOCK);
  return b;
}

/**
 * Word index of the leaf slot for `index` in tree `field` of inode `ino`, the blocks on the way
 * installed if absent: -1 if no block is left to create one.
 */
function leafSlot(kn: Kernel, ino: number, field: number, index: number): number {
  const root = childBlock(kn, ino, kn.inode(ino) + field);
  if (root === 0) return -1;
  const leaf = childBlock(kn, ino, kn.regions.xa + root * XA_SLOTS + (index >>> XA_SHIFT));
  return leaf === 0 ? -1 : kn.regions.xa + leaf * XA_SLOTS + (index & (XA_SLOTS - 1));
}

/**
 * Word index of the slot for `index`, or -1 if its block is absent: leafSlot without the creating
 * path, small enough for V8 to inline into every lookup (a page-cache lookup is on every fault).
 */
export function xaSlot(kn: Kernel, ino: number, field: number, index: number): number {
  const { k } = kn;
  const root = Atomics.load(k, kn.inode(ino) + field);
  if (root === 0) return -1;
  const leaf = Atomics.load(k, kn.regions.xa + root * XA_SLOTS + (index >>> XA_SHIFT));
  return leaf === 0 ? -1 : kn.regions.xa + leaf * XA_SLOTS + (index & (XA_SLOTS - 1));
}

/** xa_load: the value at `index` (0 if none). */
export function xaLoad(kn: Kernel, ino: number, field: number, index: number): number {
  const s = xaSlot(kn, ino, field, index);
  return s < 0 ? 0 : Atomics.load(kn.k, s);
}

/**
 * xa_cmpxchg(0 -> value): store `value` at `index` if the slot holds 0. Returns 0 when stored,
 * XA_BUSY when another value is there, -ENOMEM when no block is left for the way to it.
 */
export function xaInstall(kn: Kernel, ino: number, field: number, index: number, value: number): number {
  const s = leafSlot(kn, ino, field, index);
  if (s < 0) return -ENOMEM;
  return Atomics.compareExchange(kn.k, s, 0, value) === 0 ? 0 : XA_BUSY;
}

/** xa_cmpxchg: replace the value at `index` if it is still `old`; true if replaced. */
export function xaReplace(kn: Kernel, ino: number, field: number, index: number, old: number, value: number): boolean {
  const s = xaSlot(kn, ino, field, index);
  return s >= 0 && Atomics.compareExchange(kn.k, s, old, value) === old;
}

/** Remove the value at `index` if it is still `old`; true if removed. */
export function xaErase(kn: Kernel, ino: number, field: number, index: number, old: number): boolean {
  return xaReplace(kn, ino, field, index, old, 0);
}

/** Visit the leaves of a tree whose root block is `root`: visit(leafWordBase, firstIndex). */
function forEachLeaf(kn: Kernel, root: number, from: number, visit: (base: number, first: number) => void): void {
  const rb = kn.regions.xa + root * XA_SLOTS;
  for (let i = from >>> XA_SHIFT; i < XA_SLOTS; i++) {
    const leaf = Atomics.load(kn.k, rb + i);
    if (leaf !== 0) visit(kn.regions.xa + leaf * XA_SLOTS, i << XA_SHIFT);
  }
}

/** Visit every non-zero value at index >= `from`, in index order (a snapshot per slot). */
export function xaForEach(kn: Kernel, ino: number, field: number, from: number, visit: (index: number, value: number) => void): void {
  const root = Atomics.load(kn.k, kn.inode(ino) + field);
  if (root === 0) return;
  forEachLeaf(kn, root, from, (lb, first) => {
    for (let j = 0; j < XA_SLOTS; j++) {
      const v = Atomics.load(kn.k, lb + j);
      if (v !== 0 && first + j >= from) visit(first + j, v);
    }
  });
}

/** Blocks of tree `field` of inode `ino` (for the audit of the pool). */
export function xaTreeBlocks(kn: Kernel, ino: number, field: number): number {
  const root = kn.k[kn.inode(ino) + field];
  let n = root === 0 ? 0 : 1;
  if (root !== 0) forEachLeaf(kn, root, 0, () => n++);
  return n;
}

/**
 * Visit every non-zero value of tree `field`, then give all its blocks back; the inode is dying
 * (no other reference is left), so no lockless reader can be inside the tree.
 */
export function xaDestroy(kn: Kernel, ino: number, field: number, visit: (index: number, value: number) => void): void {
  const w = kn.inode(ino) + field;
  const root = kn.k[w];
  if (root === 0) return;
  forEachLeaf(kn, root, 0, (lb, first) => {
    for (let j = 0; j < XA_SLOTS; j++) if (kn.k[lb + j] !== 0) visit(first + j, kn.k[lb + j]);
    xaFreeBlock(kn, (lb - kn.regions.xa) / XA_SLOTS);
  });
  xaFreeBlock(kn, root);
  kn.k[w] = 0;
}

