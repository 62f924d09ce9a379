/**
 * Shared policies (struct shared_policy): the policy of a shmem object (or, under seed 000, a
 * file) by ranges of page index, kept in the object and obeyed by every mm that maps it,
 * remembered while nobody maps it.
 *
 * Model. A range is an sp_node (a slot of the sp_node slab, slab.ts): [START, END) and a policy
 * pointer the node owns one reference on, with MPOL_F_SHARED set. An object's tree is the array of
 * its nodes' pointers, sorted by START and disjoint (the kernel's rb-tree, in order). A lookup
 * (mpol_shared_policy_lookup) returns the policy of one index with a transient reference taken
 * under the lock; the caller drops it (mpol_cond_put, or as its era says). This is the one policy
 * lookup that takes a reference: another mm may replace the range at any moment.
 *
 * Splitting a range that spans a new one needs a second node. How it is had is the history of
 * B08, B14 and B18 (kn.profile.rc.spReplace): 'unlock-alloc' drops the lock to allocate from the
 * spanning node and restarts (before 3.7: the node may be freed meanwhile); 'alloc-locked'
 * allocates under the 3.7 mutex; 'prealloc' allocates a spare node and policy unlocked, restarts,
 * and fills the spare from the spanning node under the lock (3.8 on).
 *
 * Locking: the tree and every node in it are under INODE.SP_SEM, taken as the era's lock
 * (spinlock_t, a mutex, or rwlock_t read for lookups and write for changes). Lock order: the tree
 * lock before the slab lock.
 */
import { mutexLock, mutexUnlock, readLock, readUnlock, writeLock, writeUnlock } from '../shm/rwsem.js';
import { spinLock, spinUnlock } from '../shm/spinlock.js';
import { INODE, INODE_FILE, KHDR, POL, SPN, SP_MAX } from '../shm/structs.js';
import { detector } from '../sched/detect.js';
import { sitePoint } from '../sched/preempt.js';
import { MPOL_F_SHARED } from './constants.js';
import { ENOMEM } from './errno.js';
import { type Kernel } from './kernel.js';
import { POL_SLAB, mpolDup, mpolGet, mpolGetTransient, mpolPut, mpolUse } from './mempolicy.js';
import { OBJ_SP_NODE, SITE } from './sites.js';
import { type SlabSpec, ptrGen, ptrSlot, slabAlloc, slabFree } from './slab.js';

/** The sp_node slab (kmem_cache "shared_policy_node"). */
export const SPN_SLAB: SlabSpec = {
  region: (kn) => kn.regions.spn,
  words: SPN.WORDS,
  slots: (kn) => kn.spNodeSlots,
  freeHead: KHDR.SPN_FREE,
  live: KHDR.SPN_LIVE,
  nextFree: SPN.NEXT_FREE,
  gen: SPN.GEN,
  cls: OBJ_SP_NODE,
  site: SITE['slab:sp_node'],
};

// ------------------------------------------------------------------------------ the tree lock

function lockTree(kn: Kernel, s: number, write: boolean): void {
  const w = kn.inode(s) + INODE.SP_SEM;
  const kind = kn.profile.rc.spLock;
  // Direct calls, not a call through a chosen function: the lookup is on every shmem fault, and
  // V8 inlines only calls whose target it knows.
  if (kind === 'rwlock') {
    if (write) writeLock(kn.k, w);
    else readLock(kn.k, w);
  } else if (kind === 'mutex') mutexLock(kn.k, w);
  else spinLock(kn.k, w);
}

function unlockTree(kn: Kernel, s: number, write: boolean): void {
  const w = kn.inode(s) + INODE.SP_SEM;
  const kind = kn.profile.rc.spLock;
  if (kind === 'rwlock') {
    if (write) writeUnlock(kn.k, w);
    else readUnlock(kn.k, w);
  } else if (kind === 'mutex') mutexUnlock(kn.k, w);
  else spinUnlock(kn.k, w);
}

// ------------------------------------------------------------------------------ nodes

/** A field of node `n`, read at `site`: a freed node is a use after free for the detectors. */
function nodeGet(kn: Kernel, n: number, f: number, site: number): number {
  detector?.objCheck(OBJ_SP_NODE, ptrSlot(n), ptrGen(n), site);
  return kn.k[kn.spn(n) + f];
}

function nodeSet(kn: Kernel, n: number, f: number, v: number): void {
  kn.k[kn.spn(n) + f] = v;
}

/**
 * sp_alloc: a node for [start, end) holding a reference on a policy with MPOL_F_SHARED set: a
 * copy of `pol` (3.7 on), or `pol` itself (before: the B11 sharing). 0 when a slab is exhausted.
 */
function spAlloc(kn: Kernel, start: number, end: number, pol: number, site: number): number {
  const n = slabAlloc(kn, SPN_SLAB, true);
  if (n === 0) return 0;
  let np = pol;
  if (kn.profile.rc.copies) {
    np = mpolDup(kn, pol);
    if (np < 0) {
      slabFree(kn, SPN_SLAB, n, site);
      return 0;
    }
  } else {
    mpolGet(kn, pol, site);
  }
  kn.k[kn.pol(np) + POL.FLAGS] |= MPOL_F_SHARED;
  nodeSet(kn, n, SPN.START, start);
  nodeSet(kn, n, SPN.END, end);
  nodeSet(kn, n, SPN.POLICY, np);
  return n;
}

/** sp_free: drop the node's policy reference and free the node. */
function spFree(kn: Kernel, n: number): void {
  mpolPut(kn, kn.k[kn.spn(n) + SPN.POLICY], SITE.sp_free);
  slabFree(kn, SPN_SLAB, n, SITE.sp_free);
}

// ------------------------------------------------------------------------------ the sorted array

function count(kn: Kernel, s: number): number {
  return kn.k[kn.inode(s) + INODE.SP_COUNT];
}

function at(kn: Kernel, s: number, i: number): number {
  return kn.k[kn.sp(s, i)];
}

/** sp_lookup: the index of the first node overlapping [start, end), or -1. */
function spLookupIndex(kn: Kernel, s: number, start: number, end: number, site: number): number {
  const c = count(kn, s);
  for (let i = 0; i < c; i++) {
    const n = at(kn, s, i);
    if (nodeGet(kn, n, SPN.END, site) <= start) continue;
    return nodeGet(kn, n, SPN.START, site) < end ? i : -1;
  }
  return -1;
}

/** sp_insert: put node `n` in START order. An overlap is a corrupted tree (the kernel would BUG or lose an update). */
function spInsert(kn: Kernel, s: number, n: number): void {
  const c = count(kn, s);
  const start = kn.k[kn.spn(n) + SPN.START];
  let i = 0;
  while (i < c && kn.k[kn.spn(at(kn, s, i)) + SPN.START] < start) i++;
  for (let j = c; j > i; j--) kn.k[kn.sp(s, j)] = kn.k[kn.sp(s, j - 1)];
  kn.k[kn.sp(s, i)] = n;
  kn.k[kn.inode(s) + INODE.SP_COUNT] = c + 1;
  sitePoint(SITE.sp_insert);
}

/** sp_delete: take the node at index `i` out of the tree and free it with its policy reference. */
function spDelete(kn: Kernel, s: number, i: number): void {
  const n = at(kn, s, i);
  const c = count(kn, s);
  for (let j = i; j < c - 1; j++) kn.k[kn.sp(s, j)] = kn.k[kn.sp(s, j + 1)];
  kn.k[kn.inode(s) + INODE.SP_COUNT] = c - 1;
  sitePoint(SITE.sp_delete);
  spFree(kn, n);
}

/**
 * No room for the nodes replacing [start, end) adds: `fresh`'s, and a split's when one node spans
 * the range strictly (the array is bounded, unlike an rb-tree). Under the tree lock; the words
 * are read plainly, as this is the array's own bookkeeping, not a use of the nodes.
 */
function treeFull(kn: Kernel, s: number, start: number, end: number, fresh: number): boolean {
  const c = count(kn, s);
  if (c + 2 <= SP_MAX) return false; // room for the worst case: the common one
  let split = 0;
  for (let i = 0; i < c && split === 0; i++) {
    const b = kn.spn(at(kn, s, i));
    if (kn.k[b + SPN.START] < start && kn.k[b + SPN.END] > end) split = 1;
  }
  return c + (fresh !== 0 ? 1 : 0) + split > SP_MAX;
}

/**
 * Remove the parts of the tree inside [start, end) that need no new node: delete the nodes inside
 * it, trim the ones overlapping one end. Returns the index of a node spanning the whole range (it
 * needs a split), or -1. Under the tree lock.
 */
function clearRange(kn: Kernel, s: number, start: number, end: number): number {
  const site = SITE.sp_delete;
  let i = spLookupIndex(kn, s, start, end, site);
  while (i >= 0 && i < count(kn, s)) {
    const n = at(kn, s, i);
    const ns = nodeGet(kn, n, SPN.START, site);
    const ne = nodeGet(kn, n, SPN.END, site);
    if (ns >= end) break;
    if (ns >= start) {
      if (ne <= end) {
        spDelete(kn, s, i);
        continue;
      }
      nodeSet(kn, n, SPN.START, end);
      break;
    }
    if (ne > end) return i;
    nodeSet(kn, n, SPN.END, start);
    i++;
  }
  return -1;
}

/** Split node `n` at [start, end) with `spare` taking [end, n.end); under the tree lock. */
function splitWith(kn: Kernel, s: number, n: number, start: number, spare: number): void {
  nodeSet(kn, n, SPN.END, start);
  spInsert(kn, s, spare);
}

// ------------------------------------------------------------------------------ shared_policy_replace

/** 3.8 on: pre-allocate a spare node and policy outside the lock, restart, fill under the lock. */
function replacePrealloc(kn: Kernel, s: number, start: number, end: number, fresh: number): number {
  let spareNode = 0;
  let sparePol = 0;
  let err = 0;
  for (let pass = 0; ; pass++) {
    if (pass > 2) throw new Error('numa-emu BUG: shared_policy_replace restarted with its spare unused');
    lockTree(kn, s, true);
    if (treeFull(kn, s, start, end, fresh)) {
      unlockTree(kn, s, true);
      err = -ENOMEM;
      break;
    }
    const span = clearRange(kn, s, start, end);
    if (span >= 0 && spareNode === 0) {
      unlockTree(kn, s, true);
      err = -ENOMEM;
      spareNode = slabAlloc(kn, SPN_SLAB, true);
      if (spareNode === 0) break;
      sparePol = slabAlloc(kn, POL_SLAB, kn.profile.rc.spPreallocInitRef);
      if (sparePol === 0) break;
      if (kn.profile.rc.spPreallocInitRef) Atomics.store(kn.k, kn.pol(sparePol) + POL.REFCNT, 1);
      sitePoint(SITE['shared_policy_replace:after_prealloc']);
      err = 0;
      continue;
    }
    if (span >= 0) {
      const n = at(kn, s, span);
      fillSpare(kn, n, spareNode, sparePol, end);
      splitWith(kn, s, n, start, spareNode);
      spareNode = sparePol = 0;
    }
    if (fresh !== 0) spInsert(kn, s, fresh);
    checkTree(kn, s);
    unlockTree(kn, s, true);
    break;
  }
  if (sparePol !== 0) mpolPut(kn, sparePol, SITE.mpol_free);
  if (spareNode !== 0) slabFree(kn, SPN_SLAB, spareNode, SITE.sp_free);
  return err;
}

/** The spare takes [end, n.end) and a copy of n's policy with its count set to 1. */
function fillSpare(kn: Kernel, n: number, spareNode: number, sparePol: number, end: number): void {
  const site = SITE['shared_policy_replace:after_prealloc'];
  const from = nodeGet(kn, n, SPN.POLICY, site);
  mpolUse(kn, from, site);
  const src = kn.pol(from);
  const dst = kn.pol(sparePol);
  for (let f = 0; f < POL.WORDS; f++) if (f !== POL.NEXT_FREE && f !== POL.GEN) kn.k[dst + f] = kn.k[src + f];
  Atomics.store(kn.k, dst + POL.REFCNT, 1);
  detector?.objRefInit(POL_SLAB.cls, ptrSlot(sparePol));
  nodeSet(kn, spareNode, SPN.START, end);
  nodeSet(kn, spareNode, SPN.END, nodeGet(kn, n, SPN.END, site));
  nodeSet(kn, spareNode, SPN.POLICY, sparePol);
}

/** Before 3.7: drop the lock, allocate the split node from the spanning node, restart (B08). */
function replaceUnlockAlloc(kn: Kernel, s: number, start: number, end: number, fresh: number): number {
  let split = 0;
  for (let pass = 0; ; pass++) {
    if (pass > 2) throw new Error('numa-emu BUG: shared_policy_replace restarted with its split node unused');
    lockTree(kn, s, true);
    if (treeFull(kn, s, start, end, fresh)) {
      unlockTree(kn, s, true);
      if (split !== 0) spFree(kn, split);
      return -ENOMEM;
    }
    const span = clearRange(kn, s, start, end);
    if (span >= 0 && split === 0) {
      const n = at(kn, s, span);
      unlockTree(kn, s, true);
      sitePoint(SITE['shared_policy_replace:after_unlock_for_alloc']);
      const site = SITE['shared_policy_replace:after_sp_alloc'];
      split = spAlloc(kn, end, nodeGet(kn, n, SPN.END, site), nodeGet(kn, n, SPN.POLICY, site), site);
      sitePoint(site);
      if (split === 0) return -ENOMEM;
      continue;
    }
    if (span >= 0) {
      splitWith(kn, s, at(kn, s, span), start, split);
      split = 0;
    }
    if (fresh !== 0) spInsert(kn, s, fresh);
    checkTree(kn, s);
    unlockTree(kn, s, true);
    if (split !== 0) spFree(kn, split);
    return 0;
  }
}

/** 3.7: allocate the split node under the tree mutex (B14's mutex). */
function replaceAllocLocked(kn: Kernel, s: number, start: number, end: number, fresh: number): number {
  lockTree(kn, s, true);
  let err = treeFull(kn, s, start, end, fresh) ? -ENOMEM : 0;
  const span = err === 0 ? clearRange(kn, s, start, end) : -1;
  if (span >= 0) {
    const n = at(kn, s, span);
    const site = SITE['shared_policy_replace:after_sp_alloc'];
    const split = spAlloc(kn, end, nodeGet(kn, n, SPN.END, site), nodeGet(kn, n, SPN.POLICY, site), site);
    if (split === 0) err = -ENOMEM;
    else splitWith(kn, s, n, start, split);
  }
  if (err === 0 && fresh !== 0) spInsert(kn, s, fresh);
  checkTree(kn, s);
  unlockTree(kn, s, true);
  return err;
}

function sharedPolicyReplace(kn: Kernel, s: number, start: number, end: number, fresh: number): number {
  switch (kn.profile.rc.spReplace) {
    case 'unlock-alloc':
      return replaceUnlockAlloc(kn, s, start, end, fresh);
    case 'alloc-locked':
      return replaceAllocLocked(kn, s, start, end, fresh);
    default:
      return replacePrealloc(kn, s, start, end, fresh);
  }
}

// ------------------------------------------------------------------------------ the interface

/**
 * Whether mappings of inode `ino` keep their policy in the inode (vm_ops->set_policy): shmem and
 * SysV segments always; files only under seed 000's file policy.
 */
export function inodeHasSharedPolicy(kn: Kernel, ino: number): boolean {
  return kn.k[kn.inode(ino) + INODE.KIND] !== INODE_FILE || kn.profile.filePolicy;
}

/** mpol_shared_policy_lookup: the policy of page `index`, with a transient reference; 0 if none. */
export function spLookup(kn: Kernel, s: number, index: number): number {
  sitePoint(SITE.sp_lookup);
  if (count(kn, s) === 0) return 0; // an unlocked peek: a tree that was empty may as well be empty now
  lockTree(kn, s, false);
  let p = 0;
  const i = spLookupIndex(kn, s, index, index + 1, SITE.sp_lookup);
  if (i >= 0) {
    p = nodeGet(kn, at(kn, s, i), SPN.POLICY, SITE.sp_lookup);
    mpolGetTransient(kn, p, SITE.sp_lookup);
  }
  unlockTree(kn, s, false);
  return p;
}

/**
 * mpol_set_shared_policy: pages [start, end) of object `s` get policy `pol` (0 removes any
 * policy there). 0 or -ENOMEM.
 */
export function mpolSetSharedPolicy(kn: Kernel, s: number, start: number, end: number, pol: number): number {
  const fresh = pol !== 0 ? spAlloc(kn, start, end, pol, SITE.vma_replace_policy) : 0;
  if (pol !== 0 && fresh === 0) return -ENOMEM;
  const err = sharedPolicyReplace(kn, s, start, end, fresh);
  if (err !== 0 && fresh !== 0) {
    // Before 63f74ca21f1f the node went back to its slab with its policy reference (B09).
    if (kn.profile.rc.spFreeOnError) spFree(kn, fresh);
    else slabFree(kn, SPN_SLAB, fresh, SITE.sp_free);
  }
  return err;
}

/** mpol_free_shared_policy: drop every range (the object is dying; nobody can look it up). */
export function mpolFreeSharedPolicy(kn: Kernel, s: number): void {
  while (count(kn, s) > 0) spDelete(kn, s, count(kn, s) - 1);
}

/** The policy pointers the ranges of object `s` hold (for the audit and the ledger). */
export function spPolicies(kn: Kernel, s: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < count(kn, s); i++) out.push(kn.k[kn.spn(at(kn, s, i)) + SPN.POLICY]);
  return out;
}

/** The node pointers of object `s`'s tree (for the audit). */
export function spNodes(kn: Kernel, s: number): number[] {
  return Array.from({ length: count(kn, s) }, (_, i) => at(kn, s, i));
}

/** With the detectors on: the tree is sorted and disjoint, its nodes and their policies live and shared. */
function checkTree(kn: Kernel, s: number): void {
  const d = detector;
  if (d === null) return;
  let prevEnd = -1;
  for (let i = 0; i < count(kn, s); i++) {
    const n = at(kn, s, i);
    const b = kn.spn(n);
    const [ns, ne, p] = [kn.k[b + SPN.START], kn.k[b + SPN.END], kn.k[b + SPN.POLICY]];
    let what = '';
    if (!d.objLive(OBJ_SP_NODE, ptrSlot(n))) what = `range ${i} is a freed sp_node`;
    else if (ns < prevEnd) what = `range [${ns}, ${ne}) overlaps the range before it (ending at ${prevEnd})`;
    else if (ns >= ne) what = `range [${ns}, ${ne}) is empty`;
    else if (!d.objLive(POL_SLAB.cls, ptrSlot(p))) what = `range [${ns}, ${ne}) holds a freed policy`;
    else if ((kn.k[kn.pol(p) + POL.FLAGS] & MPOL_F_SHARED) === 0) what = `range [${ns}, ${ne}) holds a policy without MPOL_F_SHARED`;
    if (what !== '') {
      d.report('tree', `shared-policy tree of inode ${s}: ${what}`, `sp tree of inode ${s}`);
      return;
    }
    prevEnd = ne;
  }
}
