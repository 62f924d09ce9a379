/**
 * mmap and munmap of anonymous memory (mm/mmap.c, mm/vma.c).
 *
 * Private anonymous mappings get vm_pgoff = their first virtual page (0 in the 2.6.7 profile,
 * where interleave counted from the start of the mapping); shared anonymous mappings get a new
 * shmem object and pgoff 0. Every mm has x86-64's user address space, [0, TASK_SIZE): mappings
 * are placed top-down below the mmap base as Linux places them without address-space
 * randomisation, and MAP_FIXED puts one anywhere from mmap_min_addr up. munmap gives back the
 * page tables it empties. Locking: both calls take the mm's mmap_sem for write.
 */
import { downWrite, upWrite } from '../shm/rwsem.js';
import { MM, TASK, VM_EXEC, VM_MAYSHARE, VM_READ, VM_SHARED, VM_WRITE } from '../shm/structs.js';
import {
  CAP_SYS_RAWIO,
  MAP_FIXED,
  MAP_FIXED_NOREPLACE,
  MAP_POPULATE,
  MAP_PRIVATE,
  MAP_SHARED,
  MAP_TYPE,
  PAGE_SIZE,
  PROT_EXEC,
  PROT_READ,
  PROT_WRITE,
} from './constants.js';
import { EEXIST, EINVAL, ENOMEM, EOVERFLOW, EPERM } from './errno.js';
import { PGTABLES_CEILING, TASK_SIZE, freePgtables } from './pgtable.js';
import { type Kernel } from './kernel.js';
import { userTouch, zapPteRange } from './memory.js';
import { BUG } from '../shm/layout.js';
import { unmapVmaResources } from './mm.js';
import { shmemCreate } from './shmem.js';
import { inodePut } from './inode.js';
import { eraseVma, findVma, inodeGetRef, insertVma, splitVma, vmaAdjust, vmaCount, vmaGet, vmaMergeNeighbours } from './vma.js';
import { VMA } from '../shm/structs.js';

/** PAGE_ALIGN on an unsigned long held in a double: wraps to 0 past 2^64, as C does. */
export function pageAlign(len: number): number {
  const a = Math.ceil(len / PAGE_SIZE) * PAGE_SIZE;
  return a >= 2 ** 64 ? a - 2 ** 64 : a;
}

function rangeIsFree(kn: Kernel, m: number, start: number, end: number): boolean {
  const i = findVma(kn, m, start);
  return i < 0 || vmaGet(kn, m, i, VMA.START) >= end;
}

/**
 * The legacy layout's base (TASK_UNMAPPED_BASE): where the bottom-up search starts when no gap
 * below the mmap base is large enough.
 */
const TASK_UNMAPPED_BASE = Math.ceil(TASK_SIZE / 3 / PAGE_SIZE) * PAGE_SIZE;
/**
 * mmap_base without address-space randomisation: TASK_SIZE less the stack gap, which the 8 MiB
 * stack rlimit plus the guard gap leave at its minimum of 128 MiB (arch/x86/mm/mmap.c).
 */
export const MMAP_BASE = TASK_SIZE - 128 * 1024 * 1024;
/** vm.mmap_min_addr: nothing is mapped below it (MAP_FIXED there is EPERM without CAP_SYS_RAWIO). */
export const MMAP_MIN_ADDR = 0x10000;

/** The highest gap of `len` bytes inside [low, high), or -ENOMEM (vm_unmapped_area, top-down). */
function topDownGap(kn: Kernel, m: number, len: number, low: number, high: number): number {
  let gapEnd = high;
  for (let i = vmaCount(kn, m) - 1; i >= -1 && gapEnd - low >= len; i--) {
    const vs = i >= 0 ? vmaGet(kn, m, i, VMA.START) : low;
    if (vs >= gapEnd) continue;
    const gapStart = Math.max(low, i >= 0 ? vmaGet(kn, m, i, VMA.END) : low);
    if (gapEnd - gapStart >= len) return gapEnd - len;
    gapEnd = vs;
  }
  return -ENOMEM;
}

/** The lowest gap of `len` bytes inside [low, high), or -ENOMEM (vm_unmapped_area, bottom-up). */
function bottomUpGap(kn: Kernel, m: number, len: number, low: number, high: number): number {
  let gapStart = low;
  for (let i = Math.max(0, findVma(kn, m, low)); i <= vmaCount(kn, m) && high - gapStart >= len; i++) {
    const vs = i < vmaCount(kn, m) ? Math.min(high, vmaGet(kn, m, i, VMA.START)) : high;
    if (vs - gapStart >= len) return gapStart;
    if (i < vmaCount(kn, m)) gapStart = Math.max(gapStart, vmaGet(kn, m, i, VMA.END));
  }
  return -ENOMEM;
}

/**
 * arch_get_unmapped_area_topdown: a hint that is free is taken as it is; otherwise the highest
 * gap below the mmap base, and failing that the lowest one above TASK_UNMAPPED_BASE.
 */
function unmappedArea(kn: Kernel, m: number, hint: number, len: number): number {
  if (hint !== 0) {
    const h = Math.ceil(hint / PAGE_SIZE) * PAGE_SIZE;
    if (h >= MMAP_MIN_ADDR && h <= TASK_SIZE - len && rangeIsFree(kn, m, h, h + len)) return h;
  }
  const addr = topDownGap(kn, m, len, MMAP_MIN_ADDR, MMAP_BASE);
  return addr >= 0 ? addr : bottomUpGap(kn, m, len, TASK_UNMAPPED_BASE, TASK_SIZE);
}

function vmFlags(prot: number, shared: boolean): number {
  let f = 0;
  if (prot & PROT_READ) f |= VM_READ;
  if (prot & PROT_WRITE) f |= VM_WRITE;
  if (prot & PROT_EXEC) f |= VM_EXEC;
  return shared ? f | VM_SHARED | VM_MAYSHARE : f;
}

/**
 * Choose the address of a new mapping: MAP_FIXED as given (in the kernel's order of checks: the
 * range, the alignment, then mmap_min_addr's capability check), else the hint or a free gap.
 */
function mmapAddress(kn: Kernel, t: number, m: number, addr: number, len: number, flags: number): number {
  if (len > TASK_SIZE) return -ENOMEM;
  if (!(flags & MAP_FIXED)) return unmappedArea(kn, m, addr, len);
  if (addr > TASK_SIZE - len) return -ENOMEM;
  if (addr % PAGE_SIZE !== 0) return -EINVAL;
  if (addr < MMAP_MIN_ADDR && !((kn.k[kn.task(t) + TASK.CAPS] >>> CAP_SYS_RAWIO) & 1)) return -EPERM;
  if (flags & MAP_FIXED_NOREPLACE && !rangeIsFree(kn, m, addr, addr + len)) return -EEXIST;
  return addr;
}

/**
 * mmap_region, with mmap_sem held for write: the address of the new mapping or -errno. `inode`
 * 0 maps anonymous memory (a new shmem object if shared); otherwise the VMA maps that inode
 * from page `pgoff` and takes a reference on it. Everything that can fail is done before a
 * MAP_FIXED mapping's old contents are unmapped, so that a failure leaves them in place.
 */
function mmapRegion(kn: Kernel, t: number, m: number, addr: number, len: number, prot: number, flags: number, inode: number, pgoff: number): number {
  if (vmaCount(kn, m) > kn.cfg.limits.maxVmas) return -ENOMEM; // do_mmap lets the count reach max + 1
  if (flags & MAP_FIXED_NOREPLACE) flags |= MAP_FIXED;
  const start = mmapAddress(kn, t, m, addr, len, flags);
  if (start < 0) return start;
  const type = flags & MAP_TYPE;
  if (type !== MAP_SHARED && type !== MAP_PRIVATE) return -EINVAL;
  const shared = type === MAP_SHARED;
  let ino = inode;
  if (inode === 0) {
    ino = shared ? shmemCreate(kn, len / PAGE_SIZE) : 0;
    if (ino < 0) return -ENOMEM; // shmem_zero_setup: a full inode table too is only memory here
    pgoff = shared || kn.profile.anonPgoff === 'zero' ? 0 : start / PAGE_SIZE;
  } else {
    inodeGetRef(kn, inode);
  }
  const err = flags & MAP_FIXED ? munmapLocked(kn, m, start, start + len) : 0;
  if (err < 0) {
    if (ino !== 0) inodePut(kn, ino);
    return err;
  }
  // The unmap left at most max + 1 VMAs (only a hole in one VMA adds one, and it needs the count
  // below the limit), so the array has room for this one.
  const i = findVma(kn, m, start);
  const at = i < 0 ? vmaCount(kn, m) : i;
  if (insertVma(kn, m, at, { start, end: start + len, pgoff, flags: vmFlags(prot, shared), policy: 0, anonVma: 0, inode: ino }) < 0) BUG('no room for a new VMA');
  vmaMergeNeighbours(kn, m, at);
  return start;
}

/**
 * do_mmap: `len` in bytes (unaligned allowed), `pgoff` from the offset argument, `inode` the
 * mapped object (0 for anonymous memory). Returns the address or -errno.
 */
export function doMmap(kn: Kernel, t: number, m: number, addr: number, len: number, prot: number, flags: number, pgoff: number, inode = 0): number {
  if (len === 0) return -EINVAL;
  len = pageAlign(len);
  if (len === 0) return -ENOMEM;
  if (pgoff + len / PAGE_SIZE >= 2 ** 64) return -EOVERFLOW;
  const sem = kn.mm(m) + MM.SEM;
  downWrite(kn.k, sem);
  const start = mmapRegion(kn, t, m, addr, len, prot, flags, inode, pgoff);
  upWrite(kn.k, sem);
  if (start >= 0 && flags & MAP_POPULATE) {
    const writeFault = (prot & PROT_WRITE) !== 0 && (flags & MAP_TYPE) === MAP_PRIVATE;
    userTouch(kn, t, start, len, writeFault);
  }
  return start;
}

/**
 * Unmap [start, end) (mmap_sem held for write): a VMA that straddles an end of the range is
 * trimmed, the VMAs inside are removed. Only a hole in the middle of one VMA needs a new VMA (and
 * a copy of its policy): that split comes first and is refused at the map count limit, as
 * do_vmi_align_munmap refuses it, or when no policy copy can be made. Nothing else can fail, so
 * the call fails whole (0 or -ENOMEM).
 */
export function munmapLocked(kn: Kernel, m: number, start: number, end: number): number {
  let i = findVma(kn, m, start);
  if (i < 0 || vmaGet(kn, m, i, VMA.START) >= end) return 0;
  if (vmaGet(kn, m, i, VMA.START) < start && vmaGet(kn, m, i, VMA.END) > end) {
    const err = splitVma(kn, m, i, end);
    if (err < 0) return err;
  }
  if (vmaGet(kn, m, i, VMA.START) < start) {
    zapPteRange(kn, m, start, vmaGet(kn, m, i, VMA.END));
    vmaAdjust(kn, m, i, vmaGet(kn, m, i, VMA.START), start);
    i++;
  }
  let j = i;
  while (j < vmaCount(kn, m) && vmaGet(kn, m, j, VMA.START) < end) j++;
  if (j > i && vmaGet(kn, m, j - 1, VMA.END) > end) {
    const vs = vmaGet(kn, m, j - 1, VMA.START);
    zapPteRange(kn, m, vs, end);
    vmaAdjust(kn, m, j - 1, end, vmaGet(kn, m, j - 1, VMA.END));
    j--;
  }
  for (let x = j - 1; x >= i; x--) {
    unmapVmaResources(kn, m, x);
    eraseVma(kn, m, x);
  }
  // The tables of the gap left between the neighbours go (free_pgtables' floor and ceiling).
  freePgtables(kn, m, i > 0 ? vmaGet(kn, m, i - 1, VMA.END) : 0, i < vmaCount(kn, m) ? vmaGet(kn, m, i, VMA.START) : PGTABLES_CEILING);
  return 0;
}

/** do_munmap: 0 or -errno. */
export function doMunmap(kn: Kernel, m: number, start: number, len: number): number {
  if (start % PAGE_SIZE !== 0 || start > TASK_SIZE || len > TASK_SIZE - start) return -EINVAL;
  len = pageAlign(len);
  if (len === 0) return -EINVAL;
  const sem = kn.mm(m) + MM.SEM;
  downWrite(kn.k, sem);
  const err = munmapLocked(kn, m, start, start + len);
  upWrite(kn.k, sem);
  return err;
}
