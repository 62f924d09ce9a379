/**
 * VMAs of one mm: a sorted array of records in the `vmas` buffer (mm/vma.c, mm/mmap.c).
 *
 * Locking: every function here requires the mm's mmap_sem; those that change the array require
 * it for write, and take the mm's VMA_LOCK while they move records, because reverse-map walks
 * (rmap.ts) read the array holding only that spinlock. Splits duplicate the VMA's policy (each VMA owns its copy); merges drop the
 * absorbed VMA's policy and shmem reference. Merging follows is_mergeable_vma(): same flags,
 * same backing object, equal policies, compatible anon_vma, contiguous page offsets.
 */
import { spinLock, spinUnlock } from '../shm/spinlock.js';
import { INODE, KHDR, MM, VMA, VMA_SLACK } from '../shm/structs.js';
import { PAGE_SIZE } from './constants.js';
import { ENOMEM } from './errno.js';
import { type Kernel } from './kernel.js';
import { mpolDup, mpolEqual, mpolPut } from './mempolicy.js';

/** A VMA's fields, for creating one. */
export interface VmaInit {
  start: number;
  end: number;
  pgoff: number;
  flags: number;
  policy: number;
  anonVma: number;
  inode: number;
}

/** Room in each mm's VMA array: the map count may pass its limit by one (do_mmap, munmap trims). */
export function vmaCapacity(kn: Kernel): number {
  return kn.cfg.limits.maxVmas + VMA_SLACK;
}

export function vmaCount(kn: Kernel, m: number): number {
  return kn.k[kn.mm(m) + MM.NR_VMAS];
}

/** Read field `f` (a VMA.* offset) of VMA `i`. */
export function vmaGet(kn: Kernel, m: number, i: number, f: number): number {
  return kn.vmas[kn.vma(m, i) + f];
}

export function vmaSet(kn: Kernel, m: number, i: number, f: number, v: number): void {
  kn.vmas[kn.vma(m, i) + f] = v;
}

/** find_vma: index of the first VMA ending above `addr`, or -1. */
export function findVma(kn: Kernel, m: number, addr: number): number {
  let lo = 0;
  let hi = vmaCount(kn, m);
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (kn.vmas[kn.vma(m, mid) + VMA.END] <= addr) lo = mid + 1;
    else hi = mid;
  }
  return lo < vmaCount(kn, m) ? lo : -1;
}

/** vma_lookup: index of the VMA containing `addr`, or -1. */
export function vmaLookup(kn: Kernel, m: number, addr: number): number {
  const i = findVma(kn, m, addr);
  return i >= 0 && vmaGet(kn, m, i, VMA.START) <= addr ? i : -1;
}

function moveVmas(kn: Kernel, m: number, from: number, to: number, count: number): void {
  const v = kn.vmas;
  v.copyWithin(kn.vma(m, to), kn.vma(m, from), kn.vma(m, from + count));
}

/** Hold the layout of mm `m`'s VMA array still (a reverse-map walk, or a writer moving records). */
export function vmaLayoutLock(kn: Kernel, m: number): void {
  spinLock(kn.k, kn.mm(m) + MM.VMA_LOCK);
}

/** Let go of vmaLayoutLock. */
export function vmaLayoutUnlock(kn: Kernel, m: number): void {
  spinUnlock(kn.k, kn.mm(m) + MM.VMA_LOCK);
}

/**
 * vma_adjust: VMA `i` now covers [start, end) of its old range, its pgoff moved with its start;
 * under VMA_LOCK, so that a reverse-map walk never reads a start and a pgoff that disagree.
 */
export function vmaAdjust(kn: Kernel, m: number, i: number, start: number, end: number): void {
  const b = kn.vma(m, i);
  vmaLayoutLock(kn, m);
  kn.vmas[b + VMA.PGOFF] += (start - kn.vmas[b + VMA.START]) / PAGE_SIZE;
  kn.vmas[b + VMA.START] = start;
  kn.vmas[b + VMA.END] = end;
  vmaLayoutUnlock(kn, m);
}

/** Insert a VMA at index `i`; -ENOMEM when the mm's VMA array is full (callers check the map count limit). */
export function insertVma(kn: Kernel, m: number, i: number, init: VmaInit): number {
  const n = vmaCount(kn, m);
  if (n >= vmaCapacity(kn)) return -ENOMEM;
  vmaLayoutLock(kn, m);
  moveVmas(kn, m, i, i + 1, n - i);
  const b = kn.vma(m, i);
  const v = kn.vmas;
  v[b + VMA.START] = init.start;
  v[b + VMA.END] = init.end;
  v[b + VMA.PGOFF] = init.pgoff;
  v[b + VMA.FLAGS] = init.flags;
  v[b + VMA.POLICY] = init.policy;
  v[b + VMA.ANON_VMA] = init.anonVma;
  v[b + VMA.INODE] = init.inode;
  kn.k[kn.mm(m) + MM.NR_VMAS] = n + 1;
  vmaLayoutUnlock(kn, m);
  return 0;
}

/** Remove VMA `i` from the array (its references must already be dropped or moved). */
export function eraseVma(kn: Kernel, m: number, i: number): void {
  const n = vmaCount(kn, m);
  vmaLayoutLock(kn, m);
  moveVmas(kn, m, i + 1, i, n - i - 1);
  kn.k[kn.mm(m) + MM.NR_VMAS] = n - 1;
  vmaLayoutUnlock(kn, m);
}

/** Read a VMA's fields. */
export function vmaRead(kn: Kernel, m: number, i: number): VmaInit {
  const b = kn.vma(m, i);
  const v = kn.vmas;
  return {
    start: v[b + VMA.START],
    end: v[b + VMA.END],
    pgoff: v[b + VMA.PGOFF],
    flags: v[b + VMA.FLAGS],
    policy: v[b + VMA.POLICY],
    anonVma: v[b + VMA.ANON_VMA],
    inode: v[b + VMA.INODE],
  };
}

/** Take a reference on an inode for a new VMA that maps it. */
export function inodeGetRef(kn: Kernel, s: number): void {
  if (s !== 0) Atomics.add(kn.k, kn.inode(s) + INODE.REFS, 1);
}

/**
 * split_vma: cut VMA `i` at `addr`, strictly inside it. The new upper part gets a copy of the
 * policy and a reference on the mapped inode. 0, or -ENOMEM with nothing changed: at the map
 * count limit, or when no policy copy can be made.
 */
export function splitVma(kn: Kernel, m: number, i: number, addr: number): number {
  if (vmaCount(kn, m) >= kn.cfg.limits.maxVmas) return -ENOMEM;
  const lower = vmaRead(kn, m, i);
  const pol = mpolDup(kn, lower.policy);
  if (pol < 0) return pol;
  const upper: VmaInit = { ...lower, start: addr, pgoff: lower.pgoff + (addr - lower.start) / PAGE_SIZE, policy: pol };
  insertVma(kn, m, i + 1, upper); // below the limit, the array has room
  vmaAdjust(kn, m, i, lower.start, addr);
  inodeGetRef(kn, lower.inode);
  return 0;
}

/** anon_vma ids for new anonymous VMAs that fault their first page. */
export function newAnonVmaId(kn: Kernel): number {
  return Atomics.add(kn.k, KHDR.NEXT_ANON_VMA, 1) + 1;
}

/**
 * is_mergeable_vma + can_vma_merge_after: may `a` (ending where `b` starts) merge with `b`,
 * taking `bPolicy` as b's policy? 2.6.7 merged anonymous private VMAs without looking at offsets.
 */
export function canMerge(kn: Kernel, a: VmaInit, b: VmaInit, bPolicy: number): boolean {
  if (a.end !== b.start || a.flags !== b.flags || a.inode !== b.inode) return false;
  if (!mpolEqual(kn, a.policy, bPolicy)) return false;
  if (a.anonVma !== 0 && b.anonVma !== 0 && a.anonVma !== b.anonVma) return false;
  const anonPrivate = a.inode === 0;
  if (anonPrivate && kn.profile.anonPgoff === 'zero') return true;
  return a.pgoff + (a.end - a.start) / PAGE_SIZE === b.pgoff;
}

/** Merge VMA `i + 1` into VMA `i` (they must be mergeable); drops the absorbed VMA's references. */
export function mergeWithNext(kn: Kernel, m: number, i: number): void {
  const next = vmaRead(kn, m, i + 1);
  vmaAdjust(kn, m, i, vmaGet(kn, m, i, VMA.START), next.end);
  if (vmaGet(kn, m, i, VMA.ANON_VMA) === 0) vmaSet(kn, m, i, VMA.ANON_VMA, next.anonVma);
  vmaSet(kn, m, i + 1, VMA.POLICY, 0); // unlinked before its reference goes
  mpolPut(kn, next.policy);
  if (next.inode !== 0) Atomics.sub(kn.k, kn.inode(next.inode) + INODE.REFS, 1);
  eraseVma(kn, m, i + 1);
}

/** Try to merge VMA `i` with its neighbours (after its policy or extent changed). Returns i's new index. */
export function vmaMergeNeighbours(kn: Kernel, m: number, i: number): number {
  if (i + 1 < vmaCount(kn, m)) {
    const next = vmaRead(kn, m, i + 1);
    if (canMerge(kn, vmaRead(kn, m, i), next, next.policy)) mergeWithNext(kn, m, i);
  }
  if (i > 0) {
    const cur = vmaRead(kn, m, i);
    if (canMerge(kn, vmaRead(kn, m, i - 1), cur, cur.policy)) {
      mergeWithNext(kn, m, i - 1);
      return i - 1;
    }
  }
  return i;
}
