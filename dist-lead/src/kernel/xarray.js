/**
 * A two-level radix tree of page slots (the page cache's xarray), built from 512-word blocks in
 * the kernel buffer's pool.
 *
 * Locking: lookups take no lock. A slot or a leaf block is installed with compareExchange, so two
 * tasks faulting the same index agree on one page; the loser gives its page or block back.
 * Slots are cleared only when the owning object dies (no other reference left). The pool's
 * free list is under KHDR.XA_LOCK.
 */
import { spinLock, spinUnlock } from '../shm/spinlock.js';
import { KHDR, XA_SHIFT, XA_SLOTS } from '../shm/structs.js';
/** Allocate a zeroed block; 0 when the pool is exhausted. */
export function xaAllocBlock(kn) {
    const { k } = kn;
    spinLock(k, KHDR.XA_LOCK);
    const b = k[KHDR.XA_FREE];
    if (b !== 0)
        k[KHDR.XA_FREE] = k[kn.regions.xa + b * XA_SLOTS];
    spinUnlock(k, KHDR.XA_LOCK);
    if (b !== 0)
        k.fill(0, kn.regions.xa + b * XA_SLOTS, kn.regions.xa + (b + 1) * XA_SLOTS);
    return b;
}
function xaFreeBlock(kn, b) {
    const { k } = kn;
    spinLock(k, KHDR.XA_LOCK);
    k[kn.regions.xa + b * XA_SLOTS] = k[KHDR.XA_FREE];
    k[KHDR.XA_FREE] = b;
    spinUnlock(k, KHDR.XA_LOCK);
}
/** Word index of the leaf slot for `index`, or -1 if its leaf block is absent and `create` is false (or no block is left). */
function leafSlot(kn, root, index, create) {
    const { k } = kn;
    const rootSlot = kn.regions.xa + root * XA_SLOTS + (index >>> XA_SHIFT);
    let leaf = Atomics.load(k, rootSlot);
    if (leaf === 0) {
        if (!create)
            return -1;
        const fresh = xaAllocBlock(kn);
        if (fresh === 0)
            return -1;
        leaf = Atomics.compareExchange(k, rootSlot, 0, fresh);
        if (leaf === 0)
            leaf = fresh;
        else
            xaFreeBlock(kn, fresh);
    }
    return kn.regions.xa + leaf * XA_SLOTS + (index & (XA_SLOTS - 1));
}
/** Word index of the slot for `index` in the kernel buffer, or -1 if its block is absent. */
export function xaSlot(kn, root, index) {
    return leafSlot(kn, root, index, false);
}
/** xa_load: the value at `index` (0 if none). */
export function xaLoad(kn, root, index) {
    const s = leafSlot(kn, root, index, false);
    return s < 0 ? 0 : Atomics.load(kn.k, s);
}
/**
 * xa_cmpxchg: store `value` at `index` if it holds 0. Returns the value now there (ours or the
 * winner's), or -1 if no block could be allocated.
 */
export function xaInstall(kn, root, index, value) {
    const s = leafSlot(kn, root, index, true);
    if (s < 0)
        return -1;
    const old = Atomics.compareExchange(kn.k, s, 0, value);
    return old === 0 ? value : old;
}
/** xa_cmpxchg: replace the value at `index` if it is still `old`; true if replaced. */
export function xaReplace(kn, root, index, old, value) {
    const s = leafSlot(kn, root, index, false);
    return s >= 0 && Atomics.compareExchange(kn.k, s, old, value) === old;
}
/** Remove the value at `index` if it is still `old`; true if removed. */
export function xaErase(kn, root, index, old) {
    return xaReplace(kn, root, index, old, 0);
}
/** Visit every non-zero value at index >= `from`, in index order (a snapshot per slot). */
export function xaForEach(kn, root, from, visit) {
    const { k } = kn;
    const rb = kn.regions.xa + root * XA_SLOTS;
    for (let i = from >>> XA_SHIFT; i < XA_SLOTS; i++) {
        const leaf = Atomics.load(k, rb + i);
        if (leaf === 0)
            continue;
        const lb = kn.regions.xa + leaf * XA_SLOTS;
        for (let j = 0; j < XA_SLOTS; j++) {
            const index = (i << XA_SHIFT) | j;
            const v = Atomics.load(k, lb + j);
            if (v !== 0 && index >= from)
                visit(index, v);
        }
    }
}
/** Visit every non-zero value, then give all blocks of the tree back (the tree must be dead). */
export function xaDestroy(kn, root, visit) {
    const { k } = kn;
    const rb = kn.regions.xa + root * XA_SLOTS;
    for (let i = 0; i < XA_SLOTS; i++) {
        const leaf = k[rb + i];
        if (leaf === 0)
            continue;
        const lb = kn.regions.xa + leaf * XA_SLOTS;
        for (let j = 0; j < XA_SLOTS; j++)
            if (k[lb + j] !== 0)
                visit((i << XA_SHIFT) | j, k[lb + j]);
        xaFreeBlock(kn, leaf);
    }
    xaFreeBlock(kn, root);
}
//# sourceMappingURL=xarray.js.map