/**
 * Inode lifecycle: creation of the objects behind shared mappings, SysV segments and files, and
 * iput. REFS (atomic) counts every holder (see INODE in structs.ts); the last put frees the page
 * cache (each page's cache reference), a file's disk blocks, the index blocks and their
 * reservation, the shared policy and the slot.
 */
import { INODE, INODE_FILE, INODE_SHMEM, INODE_SYSV, INODE_TMPFS, KHDR } from '../shm/structs.js';
import { bdevFree } from './blockdev.js';
import { ENOMEM, ENOSPC } from './errno.js';
import { releaseDentry } from './fs.js';
import { type Kernel } from './kernel.js';
import { putPage } from './page-alloc.js';
import { swapFree } from './swap.js';
import { mpolFreeSharedPolicy } from './shared-policy.js';
import { allocSlot, freeSlot } from './slots.js';
import { xaBlocksFor, xaDestroy, xaReserve, xaUnreserve } from './xarray.js';

/**
 * A new inode of `kind` with one reference; slot or -errno: -ENOSPC when the inode table is
 * full, -ENOMEM when an object of fixed size (shmem, SysV: `pages` pages) cannot reserve the
 * index blocks its page cache may need (see xarray.ts). Files and tmpfs files reserve nothing:
 * their trees grow from the pool with their entries.
 */
export function inodeCreate(kn: Kernel, kind: number, pages: number): number {
  const s = allocSlot(kn, kn.regions.inode, INODE.WORDS, kn.cfg.limits.inodes);
  if (s === 0) return -ENOSPC;
  const b = kn.inode(s);
  kn.k[b + INODE.KIND] = kind;
  kn.k[b + INODE.PAGES] = pages;
  if ((kind === INODE_SHMEM || kind === INODE_SYSV) && !xaReserve(kn, s, xaBlocksFor(pages))) {
    freeSlot(kn, kn.regions.inode, INODE.WORDS, s);
    return -ENOMEM;
  }
  kn.k[b + INODE.INO] = Atomics.add(kn.k, KHDR.NEXT_INO, 1) + 1;
  Atomics.store(kn.k, b + INODE.REFS, 1);
  return s;
}

/**
 * igrab: take a reference on a live inode only (its count must not be 0: an inode whose last
 * reference is being dropped is dying, whoever still finds its slot).
 */
export function inodeTryGet(kn: Kernel, ino: number): boolean {
  const w = kn.inode(ino) + INODE.REFS;
  for (let r = Atomics.load(kn.k, w); r > 0; r = Atomics.load(kn.k, w)) if (Atomics.compareExchange(kn.k, w, r, r + 1) === r) return true;
  return false;
}

/** iput: drop a reference; the last one frees everything the inode owns. */
export function inodePut(kn: Kernel, s: number): void {
  const b = kn.inode(s);
  if (Atomics.sub(kn.k, b + INODE.REFS, 1) !== 1) return;
  xaDestroy(kn, s, INODE.ROOT, (_i, v) => (v > 0 ? putPage(kn, v - 1) : swapFree(kn, -v - 1)));
  const kind = kn.k[b + INODE.KIND];
  if (kind === INODE_FILE || kind === INODE_TMPFS) releaseDentry(kn, s);
  if (kind === INODE_FILE) xaDestroy(kn, s, INODE.DISK, (_i, blk) => bdevFree(kn.disk, blk - 1));
  xaUnreserve(kn, s);
  mpolFreeSharedPolicy(kn, s);
  freeSlot(kn, kn.regions.inode, INODE.WORDS, s);
}
