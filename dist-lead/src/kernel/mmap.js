/**
 * mmap and munmap of anonymous memory (mm/mmap.c, mm/vma.c).
 *
 * Private anonymous mappings get vm_pgoff = their first virtual page (0 in the 2.6.7 profile,
 * where interleave counted from the start of the mapping); shared anonymous mappings get a new
 * shmem object and pgoff 0. Addresses are handed out top-down from the mm's window, like
 * x86-64's mmap base. Locking: both calls take the mm's mmap_sem for write.
 */
import { downWrite, upWrite } from '../shm/rwsem.js';
import { MM, VM_EXEC, VM_MAYSHARE, VM_READ, VM_SHARED, VM_WRITE } from '../shm/structs.js';
import { MAP_FIXED, MAP_FIXED_NOREPLACE, MAP_POPULATE, MAP_PRIVATE, MAP_SHARED, MAP_TYPE, PAGE_SIZE, PROT_EXEC, PROT_READ, PROT_WRITE, } from './constants.js';
import { EEXIST, EINVAL, ENOMEM, EOVERFLOW } from './errno.js';
import { userTouch } from './memory.js';
import { unmapVmaResources } from './mm.js';
import { shmemCreate } from './shmem.js';
import { inodePut } from './inode.js';
import { eraseVma, findVma, inodeGetRef, insertVma, splitVma, vmaCount, vmaGet, vmaMergeNeighbours } from './vma.js';
import { VMA } from '../shm/structs.js';
/** PAGE_ALIGN on an unsigned long held in a double: wraps to 0 past 2^64, as C does. */
export function pageAlign(len) {
    const a = Math.ceil(len / PAGE_SIZE) * PAGE_SIZE;
    return a >= 2 ** 64 ? a - 2 ** 64 : a;
}
function rangeIsFree(kn, m, start, end) {
    const i = findVma(kn, m, start);
    return i < 0 || vmaGet(kn, m, i, VMA.START) >= end;
}
/** get_unmapped_area, top-down: the highest gap of `len` bytes in the window, or -ENOMEM. */
function unmappedArea(kn, m, hint, len) {
    if (hint !== 0) {
        const h = Math.ceil(hint / PAGE_SIZE) * PAGE_SIZE;
        if (h >= kn.windowBase && h + len <= kn.windowTop && rangeIsFree(kn, m, h, h + len))
            return h;
    }
    let gapEnd = kn.windowTop;
    for (let i = vmaCount(kn, m) - 1; i >= -1; i--) {
        const gapStart = i >= 0 ? vmaGet(kn, m, i, VMA.END) : kn.windowBase;
        if (gapEnd - gapStart >= len)
            return gapEnd - len;
        if (i >= 0)
            gapEnd = vmaGet(kn, m, i, VMA.START);
    }
    return -ENOMEM;
}
function vmFlags(prot, shared) {
    let f = 0;
    if (prot & PROT_READ)
        f |= VM_READ;
    if (prot & PROT_WRITE)
        f |= VM_WRITE;
    if (prot & PROT_EXEC)
        f |= VM_EXEC;
    return shared ? f | VM_SHARED | VM_MAYSHARE : f;
}
/** Choose the address of a new mapping: MAP_FIXED as given, else the hint or a free gap. */
function mmapAddress(kn, m, addr, len, flags) {
    if (len > kn.windowTop - kn.windowBase)
        return -ENOMEM;
    if (!(flags & MAP_FIXED))
        return unmappedArea(kn, m, addr, len);
    if (addr < kn.windowBase || addr > kn.windowTop - len)
        return -ENOMEM;
    if (addr % PAGE_SIZE !== 0)
        return -EINVAL;
    if (flags & MAP_FIXED_NOREPLACE && !rangeIsFree(kn, m, addr, addr + len))
        return -EEXIST;
    return addr;
}
/**
 * mmap_region, with mmap_sem held for write: the address of the new mapping or -errno. `inode`
 * 0 maps anonymous memory (a new shmem object if shared); otherwise the VMA maps that inode
 * from page `pgoff` and takes a reference on it.
 */
function mmapRegion(kn, m, addr, len, prot, flags, inode, pgoff) {
    if (vmaCount(kn, m) > kn.cfg.limits.maxVmas)
        return -ENOMEM; // do_mmap lets the count reach max + 1
    if (flags & MAP_FIXED_NOREPLACE)
        flags |= MAP_FIXED;
    const start = mmapAddress(kn, m, addr, len, flags);
    if (start < 0)
        return start;
    const type = flags & MAP_TYPE;
    if (type !== MAP_SHARED && type !== MAP_PRIVATE)
        return -EINVAL;
    if (flags & MAP_FIXED) {
        const err = munmapLocked(kn, m, start, start + len);
        if (err < 0)
            return err;
    }
    const shared = type === MAP_SHARED;
    let ino = inode;
    if (inode === 0) {
        ino = shared ? shmemCreate(kn, len / PAGE_SIZE) : 0;
        if (ino < 0)
            return ino;
        pgoff = shared || kn.profile.anonPgoff === 'zero' ? 0 : start / PAGE_SIZE;
    }
    const i = findVma(kn, m, start);
    const err = insertVma(kn, m, i < 0 ? vmaCount(kn, m) : i, { start, end: start + len, pgoff, flags: vmFlags(prot, shared), policy: 0, anonVma: 0, inode: ino });
    if (err < 0) {
        if (inode === 0 && ino !== 0)
            inodePut(kn, ino);
        return err;
    }
    if (inode !== 0)
        inodeGetRef(kn, inode);
    vmaMergeNeighbours(kn, m, i < 0 ? vmaCount(kn, m) - 1 : i);
    return start;
}
/**
 * do_mmap: `len` in bytes (unaligned allowed), `pgoff` from the offset argument, `inode` the
 * mapped object (0 for anonymous memory). Returns the address or -errno.
 */
export function doMmap(kn, t, m, addr, len, prot, flags, pgoff, inode = 0) {
    if (len === 0)
        return -EINVAL;
    len = pageAlign(len);
    if (len === 0)
        return -ENOMEM;
    if (pgoff + len / PAGE_SIZE >= 2 ** 64)
        return -EOVERFLOW;
    const sem = kn.mm(m) + MM.SEM;
    downWrite(kn.k, sem);
    const start = mmapRegion(kn, m, addr, len, prot, flags, inode, pgoff);
    upWrite(kn.k, sem);
    if (start >= 0 && flags & MAP_POPULATE) {
        const writeFault = (prot & PROT_WRITE) !== 0 && (flags & MAP_TYPE) === MAP_PRIVATE;
        userTouch(kn, t, start, len, writeFault);
    }
    return start;
}
/** Unmap [start, end), splitting VMAs that straddle its ends (mmap_sem held for write). */
export function munmapLocked(kn, m, start, end) {
    let i = findVma(kn, m, start);
    if (i < 0 || vmaGet(kn, m, i, VMA.START) >= end)
        return 0;
    if (vmaGet(kn, m, i, VMA.START) < start) {
        // Only a hole in the middle of one VMA is refused at the limit (do_vmi_align_munmap);
        // trimming an end uses __split_vma, which lets the count pass it for a moment.
        const middle = vmaGet(kn, m, i, VMA.END) > end;
        if (middle && vmaCount(kn, m) >= kn.cfg.limits.maxVmas)
            return -ENOMEM;
        const err = splitVma(kn, m, i, start, false);
        if (err < 0)
            return err;
        i++;
    }
    let j = i;
    while (j < vmaCount(kn, m) && vmaGet(kn, m, j, VMA.START) < end)
        j++;
    if (vmaGet(kn, m, j - 1, VMA.END) > end) {
        const err = splitVma(kn, m, j - 1, end, false);
        if (err < 0)
            return err;
    }
    for (let x = j - 1; x >= i; x--) {
        unmapVmaResources(kn, m, x);
        eraseVma(kn, m, x);
    }
    return 0;
}
/** do_munmap: 0 or -errno. */
export function doMunmap(kn, m, start, len) {
    if (start % PAGE_SIZE !== 0 || start > kn.windowTop || len > kn.windowTop - start)
        return -EINVAL;
    len = pageAlign(len);
    if (len === 0)
        return -EINVAL;
    const sem = kn.mm(m) + MM.SEM;
    downWrite(kn.k, sem);
    const err = munmapLocked(kn, m, start, start + len);
    upWrite(kn.k, sem);
    return err;
}
//# sourceMappingURL=mmap.js.map