/**
 * Inode lifecycle: creation of the objects behind shared mappings, SysV segments and files, and
 * iput. REFS (atomic) counts every holder (see INODE in structs.ts); the last put frees the page
 * cache (each page's cache reference), a file's disk blocks, the shared policy and the slot.
 */
import { INODE, INODE_FILE, INODE_TMPFS, KHDR } from '../shm/structs.js';
import { ENOMEM } from './errno.js';
import { freeDiskBlocks } from './filemap.js';
import { releaseDentry } from './fs.js';
import { putPage } from './page-alloc.js';
import { swapFree } from './swap.js';
import { mpolFreeSharedPolicy } from './shared-policy.js';
import { allocSlot, freeSlot } from './slots.js';
import { xaAllocBlock, xaDestroy } from './xarray.js';
/** A new inode of `kind` with one reference; slot or -ENOMEM. */
export function inodeCreate(kn, kind, pages) {
    const s = allocSlot(kn, kn.regions.inode, INODE.WORDS, kn.cfg.limits.inodes);
    if (s === 0)
        return -ENOMEM;
    const root = xaAllocBlock(kn);
    const disk = kind === INODE_FILE ? xaAllocBlock(kn) : 0;
    if (root === 0 || (kind === INODE_FILE && disk === 0)) {
        if (root !== 0)
            xaDestroy(kn, root, () => { });
        freeSlot(kn, kn.regions.inode, INODE.WORDS, s);
        return -ENOMEM;
    }
    const b = kn.inode(s);
    kn.k[b + INODE.KIND] = kind;
    kn.k[b + INODE.PAGES] = pages;
    kn.k[b + INODE.ROOT] = root;
    kn.k[b + INODE.DISK] = disk;
    kn.k[b + INODE.INO] = Atomics.add(kn.k, KHDR.NEXT_INO, 1) + 1;
    Atomics.store(kn.k, b + INODE.REFS, 1);
    return s;
}
/** iput: drop a reference; the last one frees everything the inode owns. */
export function inodePut(kn, s) {
    const b = kn.inode(s);
    if (Atomics.sub(kn.k, b + INODE.REFS, 1) !== 1)
        return;
    xaDestroy(kn, kn.k[b + INODE.ROOT], (_i, v) => (v > 0 ? putPage(kn, v - 1) : swapFree(kn, -v - 1)));
    const kind = kn.k[b + INODE.KIND];
    if (kind === INODE_FILE || kind === INODE_TMPFS)
        releaseDentry(kn, s);
    if (kn.k[b + INODE.DISK] !== 0) {
        freeDiskBlocks(kn, s);
        xaDestroy(kn, kn.k[b + INODE.DISK], () => { });
    }
    mpolFreeSharedPolicy(kn, s);
    freeSlot(kn, kn.regions.inode, INODE.WORDS, s);
}
//# sourceMappingURL=inode.js.map