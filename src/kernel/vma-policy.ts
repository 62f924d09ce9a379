/**
 * The policy of a VMA and the allocations that follow it (mm/mempolicy.c: __get_vma_policy,
 * get_vma_policy, alloc_page_vma), with each era's reference rules (kn.profile.rc).
 *
 * References. A lookup that reaches a shared policy (a shmem, SysV or, under seed 000, file VMA)
 * always returns it with a transient reference; in era 1 a VMA's own policy is referenced too. The
 * caller drops what it got: from 2.6.26 by the policy's MPOL_F_SHARED flag (mpol_cond_put), before
 * by knowing where it looked (`lookupRef`). Which callers drop is itself part of the history:
 * numa_maps (B02), get_mempolicy (B04), alloc_page_vma (B03, and its interleave branch, B05).
 *
 * Locking. A VMA's policy is read with its mm's mmap_sem held (read at least); the task's own
 * policy is changed only by the task itself, so reading it needs no lock.
 */
import { INODE, INODE_FILE, MM, POL, VMA } from '../shm/structs.js';
import { shmemIlx } from './shmem.js';
import { detector } from '../sched/detect.js';
import { sitePoint } from '../sched/preempt.js';
import { type Kernel } from './kernel.js';
import { DEFAULT_POLICY, allocPagesMpol, getTaskPolicy, isInterleave, mpolCondPut, mpolGetTransient, mpolPutTransient, mpolUse } from './mempolicy.js';
import { inodeHasSharedPolicy, spLookup } from './shared-policy.js';
import { SITE } from './sites.js';
import { MPOL_F_SHARED, PAGE_SIZE } from './constants.js';

/** Whether the last vmaPolicyAt / getVmaPolicy of this thread took a reference the caller must drop. */
export const lookupRef = { taken: false };

/** The interleave index of `addr` in VMA `i`: its page offset in the mapping. */
export function vmaIlx(kn: Kernel, m: number, i: number, addr: number): number {
  const b = kn.vma(m, i);
  return kn.vmas[b + VMA.PGOFF] + (addr - kn.vmas[b + VMA.START]) / PAGE_SIZE;
}

/**
 * __get_vma_policy: the policy VMA `i` itself gives `addr`, without falling back to the task:
 * where the inode keeps the policy, its shared policy for that page (with a reference); else the
 * VMA's own (with a reference in era 1); 0 for none. Sets lookupRef.
 */
export function vmaPolicyAt(kn: Kernel, m: number, i: number, addr: number): number {
  const b = kn.vma(m, i);
  const s = kn.vmas[b + VMA.INODE];
  if (s !== 0 && inodeHasSharedPolicy(kn, s)) {
    const p = spLookup(kn, s, vmaIlx(kn, m, i, addr));
    lookupRef.taken = p !== 0;
    return p;
  }
  const p = kn.vmas[b + VMA.POLICY];
  lookupRef.taken = p !== 0 && kn.profile.rc.vmaPolicyRefs;
  if (lookupRef.taken) mpolGetTransient(kn, p, SITE.alloc_page_vma);
  return p;
}

/** get_vma_policy for the running task `t`: the VMA's policy, else `t`'s own, else the default. Sets lookupRef. */
export function getVmaPolicy(kn: Kernel, t: number, m: number, i: number, addr: number): number {
  detector?.assertHeld(kn.k, kn.mm(m) + MM.SEM, false, 'a VMA policy is used with mmap_sem held');
  const p = vmaPolicyAt(kn, m, i, addr);
  if (p !== 0) return p;
  lookupRef.taken = false;
  return getTaskPolicy(kn, t);
}

/** Drop what a lookup gave, as the era does: by the shared flag, or by where it looked. */
export function lookupPut(kn: Kernel, p: number, ref: boolean, site: number): void {
  if (kn.profile.rc.sharedFlag) mpolCondPut(kn, p, site);
  else if (ref) mpolPutTransient(kn, p, site);
}

/** Allocate by policy `p` at interleave index `ilx`, then drop per the era (interleave branch: B05). */
function allocAndDrop(kn: Kernel, t: number, p: number, ref: boolean, ilx: number, drops: boolean): number {
  sitePoint(SITE.alloc_page_vma);
  mpolUse(kn, p, SITE.alloc_page_vma);
  const interleave = p !== DEFAULT_POLICY && isInterleave(kn.k[kn.pol(p) + POL.MODE]);
  const pfn = allocPagesMpol(kn, t, p, ilx);
  if (drops && (!interleave || kn.profile.rc.interleaveDrops)) lookupPut(kn, p, ref, SITE.alloc_page_vma);
  return pfn;
}

/**
 * The interleave index allocation uses for `addr` in VMA `i`: a shared-policy object's (shmem,
 * SysV and tmpfs: the page index plus the inode number today; files under seed 000: the page
 * index), else the offset in the mapping.
 */
export function vmaAllocIlx(kn: Kernel, m: number, i: number, addr: number): number {
  const ino = kn.vmas[kn.vma(m, i) + VMA.INODE];
  const index = vmaIlx(kn, m, i, addr);
  if (ino === 0 || !inodeHasSharedPolicy(kn, ino) || kn.k[kn.inode(ino) + INODE.KIND] === INODE_FILE) return index;
  return shmemIlx(kn, ino, index);
}

/** alloc_page_vma: a page for `addr` of VMA `i`, placed by the policy governing it; pfn or -1. */
export function allocPageVma(kn: Kernel, t: number, m: number, i: number, addr: number): number {
  const p = getVmaPolicy(kn, t, m, i, addr);
  return allocAndDrop(kn, t, p, lookupRef.taken, vmaAllocIlx(kn, m, i, addr), kn.profile.rc.allocVmaDropsLookup);
}

/**
 * alloc_page_vma on shmem's pseudo-VMA, whose policy `p` the caller looked up (its own reference,
 * if any, stays the caller's): era 1 references the pseudo-VMA's policy, era 3 a shared one, and
 * the allocator drops per the era. `unshared` is mpol_cond_assign's on-stack copy (no flag, no drop).
 */
export function allocPagePseudo(kn: Kernel, t: number, p: number, ilx: number, unshared: boolean): number {
  const rc = kn.profile.rc;
  let ref = false;
  if (!unshared && p !== DEFAULT_POLICY && p !== getTaskPolicy(kn, t)) {
    ref = rc.vmaPolicyRefs || (rc.pseudoVmaRef && sharedFlagged(kn, p));
    if (ref) mpolGetTransient(kn, p, SITE.shmem_alloc_page);
  }
  if (unshared) {
    sitePoint(SITE.alloc_page_vma);
    mpolUse(kn, p, SITE.alloc_page_vma);
    return allocPagesMpol(kn, t, p, ilx);
  }
  return allocAndDrop(kn, t, p, ref, ilx, true);
}

function sharedFlagged(kn: Kernel, p: number): boolean {
  return (kn.k[kn.pol(p) + POL.FLAGS] & MPOL_F_SHARED) !== 0;
}
