/**
 * struct mempolicy: objects, references and placement (mm/mempolicy.c, first half).
 *
 * Model. A policy is a slot in the kernel buffer's slab: mode, mode flags, node mask. A task may
 * hold one (its process policy, TASK.POLICY) and every VMA may hold one (VMA.POLICY); 0 means
 * none, and slot DEFAULT_POLICY is the system default, which is never freed. Each task and VMA
 * owns its own copy (mpolDup on fork and on VMA split), so a task or VMA policy has refcount 1.
 * Shared policies (shmem trees) are the exception: a lookup returns them with an extra reference
 * and MPOL_F_SHARED set, and the caller drops it with mpolCondPut (seed 003's rule: only shared
 * policies are counted on lookup).
 *
 * Locking. A published policy is immutable. TASK.POLICY and VMA.POLICY are replaced only with
 * the mm's mmap_sem held for write and read with it held (for read at least), which is what
 * makes an uncounted lookup safe. The slab free list is under KHDR.SLAB_LOCK.
 *
 * Placement follows alloc_pages_mpol(): interleave by index (the offset of the page in its
 * mapping) or by the task's counter when there is no index; preferred and local fall back along
 * the node's zonelist; bind stays inside its mask (nearest node first, or node-id order in 2.6.x
 * profiles) and fails rather than leave it. Weighted interleave picks its node by the sysfs
 * weights (weighted-interleave.ts).
 */
import { BUG_ON } from '../shm/layout.js';
import { refcountDecAndTestAfter, refcountIncAfter, refcountPoint } from '../shm/refcount.js';
import { KHDR, NODE, POL, TASK } from '../shm/structs.js';
import { sitePoint } from '../sched/preempt.js';
import { detector } from '../sched/detect.js';
import { OBJ_MEMPOLICY, SITE } from './sites.js';
import { type SlabSpec, ptrGen, ptrSlot, slabAlloc, slabFree } from './slab.js';
import { reportLiveHolders } from './mpol-ledger.js';
import {
  MAX_NUMNODES,
  MPOL_BIND,
  MPOL_F_RELATIVE_NODES,
  MPOL_F_SHARED,
  MPOL_F_STATIC_NODES,
  MPOL_INTERLEAVE,
  MPOL_LOCAL,
  MPOL_MODE_FLAGS,
  MPOL_PREFERRED,
  MPOL_PREFERRED_MANY,
  MPOL_WEIGHTED_INTERLEAVE,
  NUMA_NO_NODE,
} from './constants.js';
import { EINVAL, ENOMEM } from './errno.js';
import { type Kernel } from './kernel.js';
import { Nodemask, nmFirst, nmNextIn, nmNth, nmTest, nmWeight } from './nodemask.js';
import { allocPages } from './page-alloc.js';
import { nextWeightedInterleaveNode, weightedInterleaveNid, weightedInterleaveNodes } from './weighted-interleave.js';

/** Slot of the system default policy (slot 0 is NULL). */
export const DEFAULT_POLICY = 1;
/** No interleave index: use the task's counter (NO_INTERLEAVE_INDEX). */
export const NO_INTERLEAVE_INDEX = -1;

/** A node mask as read from user space: the 64 bits a machine can have, and any bits above. */
export interface UserNodes {
  readonly mask: Nodemask;
  /** Bits 64..MAX_NUMNODES-1, shifted down by 64 (0n almost always). */
  readonly high: bigint;
}

export function userNodesEmpty(n: UserNodes): boolean {
  return n.mask.empty && n.high === 0n;
}

/** numa_policy_init: the default policy, local allocation, refcount 1 forever. */
export function numaPolicyInit(kn: Kernel): void {
  const b = kn.pol(DEFAULT_POLICY);
  kn.k[b + POL.MODE] = MPOL_LOCAL;
  kn.k[b + POL.HOME_NODE] = NUMA_NO_NODE;
  Atomics.store(kn.k, b + POL.REFCNT, 1);
}

/** The mempolicy slab (kmem_cache "numa_policy"). */
export const POL_SLAB: SlabSpec = {
  region: (kn) => kn.regions.pol,
  words: POL.WORDS,
  slots: (kn) => kn.cfg.limits.policySlots,
  freeHead: KHDR.SLAB_FREE,
  live: KHDR.SLAB_LIVE,
  nextFree: POL.NEXT_FREE,
  gen: POL.GEN,
  cls: OBJ_MEMPOLICY,
  site: SITE['slab:mempolicy'],
};

/** Allocate a policy with the given fields and refcount 1; 0 when the slab is exhausted. */
function mpolAlloc(kn: Kernel, mode: number, flags: number): number {
  const p = slabAlloc(kn, POL_SLAB, true);
  if (p === 0) return 0;
  const b = kn.pol(p);
  const { k } = kn;
  k[b + POL.MODE] = mode;
  k[b + POL.FLAGS] = flags;
  k[b + POL.NODES_LO] = k[b + POL.NODES_HI] = k[b + POL.USER_LO] = k[b + POL.USER_HI] = 0;
  k[b + POL.HOME_NODE] = NUMA_NO_NODE;
  Atomics.store(k, b + POL.REFCNT, 1);
  return p;
}

/**
 * A use of policy `p`'s fields at `site`: with the detectors on, a freed policy (or a pointer of
 * a dead generation) is reported as a use after free. The default policy is never freed.
 */
export function mpolUse(_kn: Kernel, p: number, site: number): void {
  const d = detector;
  if (d !== null && p !== DEFAULT_POLICY && p !== 0) d.objCheck(OBJ_MEMPOLICY, ptrSlot(p), ptrGen(p), site);
}

function ledger(p: number, delta: 1 | -1, transient: boolean, site: number): void {
  const d = detector;
  if (d !== null && p !== DEFAULT_POLICY) d.objRef(OBJ_MEMPOLICY, ptrSlot(p), ptrGen(p), delta, transient, site);
}

/**
 * A reference operation: the preemption point, then the ledger's check of the object (so that a
 * free by another task at that point is seen), then the count itself.
 */
function get(kn: Kernel, p: number, transient: boolean, site: number): void {
  const w = kn.pol(p) + POL.REFCNT;
  refcountPoint(kn.k, w, 1);
  ledger(p, 1, transient, site);
  refcountIncAfter(kn.k, w, kn.k, KHDR.WARN_REFCOUNT);
}

/** mpol_get: a holder (task, VMA, tree range) takes a reference. */
export function mpolGet(kn: Kernel, p: number, site = 0): void {
  if (p !== 0) get(kn, p, false, site);
}

/** A reference for the length of one use (a lookup): the same task must drop it before its system call returns. */
export function mpolGetTransient(kn: Kernel, p: number, site: number): void {
  if (p !== 0) get(kn, p, true, site);
}

function put(kn: Kernel, p: number, transient: boolean, site: number): void {
  const w = kn.pol(p) + POL.REFCNT;
  refcountPoint(kn.k, w, -1);
  ledger(p, -1, transient, site);
  if (refcountDecAndTestAfter(kn.k, w, kn.k, KHDR.WARN_REFCOUNT)) {
    BUG_ON(p === DEFAULT_POLICY, 'freeing the default policy');
    if (detector !== null) reportLiveHolders(kn, p, site);
    slabFree(kn, POL_SLAB, p, SITE.mpol_free);
  }
}

/** mpol_put: a holder drops its reference; the last one frees the policy. */
export function mpolPut(kn: Kernel, p: number, site = 0): void {
  if (p !== 0) put(kn, p, false, site);
}

/** Drop a reference taken with mpolGetTransient. */
export function mpolPutTransient(kn: Kernel, p: number, site: number): void {
  if (p !== 0) put(kn, p, true, site);
}

/** mpol_cond_put: drop the extra reference a shared-policy lookup took (the policy says MPOL_F_SHARED). */
export function mpolCondPut(kn: Kernel, p: number, site = 0): void {
  if (p === 0 || p === DEFAULT_POLICY) return;
  mpolUse(kn, p, site);
  if ((kn.k[kn.pol(p) + POL.FLAGS] & MPOL_F_SHARED) !== 0) put(kn, p, true, site);
}

/** mpol_dup: a private copy with refcount 1 (0 for NULL); -ENOMEM when the slab is full. */
export function mpolDup(kn: Kernel, p: number): number {
  if (p === 0) return 0;
  const { k } = kn;
  mpolUse(kn, p, SITE['slab:mempolicy']);
  const q = slabAlloc(kn, POL_SLAB, true);
  if (q === 0) return -ENOMEM;
  const src = kn.pol(p);
  const dst = kn.pol(q);
  for (let f = 0; f < POL.WORDS; f++) {
    if (f !== POL.REFCNT && f !== POL.NEXT_FREE && f !== POL.GEN) k[dst + f] = k[src + f];
  }
  k[dst + POL.FLAGS] &= ~MPOL_F_SHARED;
  Atomics.store(k, dst + POL.REFCNT, 1);
  return q;
}

/** mpol_store_user_nodemask: any mode flag (numa balancing too, since 5.12) keeps the mask as given. */
function storesUserNodemask(flags: number): boolean {
  return (flags & MPOL_MODE_FLAGS) !== 0;
}

/** mpol_equal: same mode, flags and nodes (NULL equals only NULL). */
export function mpolEqual(kn: Kernel, a: number, b: number): boolean {
  if (a === b) return true;
  if (a === 0 || b === 0) return false;
  const { k } = kn;
  const pa = kn.pol(a);
  const pb = kn.pol(b);
  const userFlags = ~MPOL_F_SHARED;
  if (k[pa + POL.MODE] !== k[pb + POL.MODE] || (k[pa + POL.FLAGS] & userFlags) !== (k[pb + POL.FLAGS] & userFlags)) return false;
  if (k[pa + POL.HOME_NODE] !== k[pb + POL.HOME_NODE]) return false;
  if (storesUserNodemask(k[pa + POL.FLAGS]) && (k[pa + POL.USER_LO] !== k[pb + POL.USER_LO] || k[pa + POL.USER_HI] !== k[pb + POL.USER_HI])) return false;
  if (k[pa + POL.MODE] === MPOL_LOCAL) return true;
  return k[pa + POL.NODES_LO] === k[pb + POL.NODES_LO] && k[pa + POL.NODES_HI] === k[pb + POL.NODES_HI];
}

/**
 * mpol_new: check the mode against the mask and allocate. Returns a slot, 0 for MPOL_DEFAULT
 * (no policy object: "use the next level"), or a negative errno.
 */
export function mpolNew(kn: Kernel, mode: number, flags: number, nodes: UserNodes): number {
  const empty = userNodesEmpty(nodes);
  if (mode === 0) return empty ? 0 : -EINVAL;
  const relOrStatic = (flags & (MPOL_F_STATIC_NODES | MPOL_F_RELATIVE_NODES)) !== 0;
  if (mode === MPOL_PREFERRED) {
    if (empty) {
      if (relOrStatic) return -EINVAL;
      mode = MPOL_LOCAL;
    }
  } else if (mode === MPOL_LOCAL) {
    if (!empty || relOrStatic) return -EINVAL;
  } else if (empty) {
    return -EINVAL;
  }
  const p = mpolAlloc(kn, mode, flags);
  return p === 0 ? -ENOMEM : p;
}

/** mpol_relative_nodemask: fold the user mask onto the allowed nodes, by position. */
function relativeNodemask(user: UserNodes, allowed: Nodemask): Nodemask {
  const w = allowed.weight;
  if (w === 0) return Nodemask.EMPTY;
  const onto = allowed.nodes();
  const picked = new Set<number>();
  for (const n of user.mask.nodes()) picked.add(onto[n % w]);
  for (let h = user.high, n = 64; h !== 0n; h >>= 1n, n++) if (h & 1n) picked.add(onto[n % w]);
  return Nodemask.of(picked);
}

/**
 * mpol_set_nodemask: restrict the user mask to the allowed memory nodes (the cpuset of every
 * task is the whole machine here) and store it. 2.6.x profiles refuse a mask naming a node that
 * is not a memory node instead of trimming it.
 */
export function mpolSetNodemask(kn: Kernel, p: number, nodes: UserNodes): number {
  const { k } = kn;
  const b = kn.pol(p);
  const mode = k[b + POL.MODE];
  const flags = k[b + POL.FLAGS];
  const allowed = kn.memoryNodes;
  if (kn.profile.nodemaskCheck === 'strict' && (nodes.high !== 0n || !nodes.mask.subsetOf(allowed))) return -EINVAL;
  if (mode === MPOL_LOCAL) return 0;
  const eff = flags & MPOL_F_RELATIVE_NODES ? relativeNodemask(nodes, allowed) : nodes.mask.and(allowed);
  if (storesUserNodemask(flags)) {
    k[b + POL.USER_LO] = nodes.mask.lo;
    k[b + POL.USER_HI] = nodes.mask.hi;
  }
  if (eff.empty) return -EINVAL;
  const set = mode === MPOL_PREFERRED ? Nodemask.of([eff.first]) : eff;
  k[b + POL.NODES_LO] = set.lo;
  k[b + POL.NODES_HI] = set.hi;
  return 0;
}

/** What get_mempolicy reports for a policy: mode (with mode flags) and mask. */
export function mpolReport(kn: Kernel, p: number): { mode: number; mask: Nodemask } {
  const { k } = kn;
  if (p === 0 || p === DEFAULT_POLICY) return { mode: 0, mask: Nodemask.EMPTY };
  const b = kn.pol(p);
  const flags = k[b + POL.FLAGS];
  let mode = k[b + POL.MODE];
  let mask = new Nodemask(k[b + POL.NODES_LO], k[b + POL.NODES_HI]);
  if (mode === MPOL_LOCAL) {
    const how = kn.profile.localReport;
    mode = how === 'local' ? MPOL_LOCAL : MPOL_PREFERRED;
    mask = how === 'preferred-all' ? kn.memoryNodes : Nodemask.EMPTY;
  }
  if (storesUserNodemask(flags)) mask = new Nodemask(k[b + POL.USER_LO], k[b + POL.USER_HI]);
  return { mode: mode | (flags & MPOL_MODE_FLAGS), mask };
}

/** Nodes of a policy as a value. */
export function polNodes(kn: Kernel, p: number): Nodemask {
  const b = kn.pol(p);
  return new Nodemask(kn.k[b + POL.NODES_LO], kn.k[b + POL.NODES_HI]);
}

/** get_task_policy: the task's own policy or the default one (no reference taken). */
export function getTaskPolicy(kn: Kernel, t: number): number {
  sitePoint(SITE.get_task_policy);
  const p = kn.k[kn.task(t) + TASK.POLICY];
  return p !== 0 ? p : DEFAULT_POLICY;
}

/** True for the interleaving modes (the ones that use an index). */
export function isInterleave(mode: number): boolean {
  return mode === MPOL_INTERLEAVE || mode === MPOL_WEIGHTED_INTERLEAVE;
}

/** offset_il_node: the (ilx mod weight)-th node of the mask. */
function offsetIlNode(lo: number, hi: number, ilx: number, local: number): number {
  const n = nmWeight(lo, hi);
  return n === 0 ? local : nmNth(lo, hi, ilx % n);
}

/** interleave_nodes: advance the task's counter (only the task itself does). */
export function interleaveNodes(kn: Kernel, t: number, lo: number, hi: number): number {
  const ti = kn.task(t) + TASK.IL_PREV;
  const nid = nmNextIn(lo, hi, kn.k[ti]);
  if (nid >= 0) kn.k[ti] = nid;
  return nid;
}

/** The next node the process policy's counter will give (get_mempolicy MPOL_F_NODE). */
export function nextInterleaveNode(kn: Kernel, t: number, p: number): number {
  const b = kn.pol(p);
  const lo = kn.k[b + POL.NODES_LO];
  const hi = kn.k[b + POL.NODES_HI];
  if (kn.k[b + POL.MODE] === MPOL_WEIGHTED_INTERLEAVE) return nextWeightedInterleaveNode(kn, t, lo, hi);
  return nmNextIn(lo, hi, kn.k[kn.task(t) + TASK.IL_PREV]);
}

/**
 * alloc_pages_mpol: allocate one page by policy `p` for task `t`. `ilx` is the interleave index
 * (offset of the page in its mapping) or NO_INTERLEAVE_INDEX. Returns a pfn or -1 (out of memory
 * the policy allows).
 */
export function allocPagesMpol(kn: Kernel, t: number, p: number, ilx: number): number {
  const { k } = kn;
  const b = kn.pol(p);
  const mode = k[b + POL.MODE];
  const lo = k[b + POL.NODES_LO];
  const hi = k[b + POL.NODES_HI];
  const local = kn.taskNode(t);
  switch (mode) {
    case MPOL_INTERLEAVE:
    case MPOL_WEIGHTED_INTERLEAVE: {
      const weighted = mode === MPOL_WEIGHTED_INTERLEAVE;
      const nid =
        ilx === NO_INTERLEAVE_INDEX
          ? (weighted ? weightedInterleaveNodes : interleaveNodes)(kn, t, lo, hi)
          : (weighted ? weightedInterleaveNid(kn, lo, hi, ilx, local) : offsetIlNode(lo, hi, ilx, local));
      const pfn = allocPages(kn, kn.zonelist[nid], false, 0, 0, local);
      if (pfn >= 0 && kn.pfnToNid(pfn) === nid) Atomics.add(kn.node[nid]!.i32, NODE.INTERLEAVE_HIT, 1);
      return pfn;
    }
    case MPOL_PREFERRED:
      return allocPages(kn, kn.zonelist[nmFirst(lo, hi)], false, 0, 0, local);
    case MPOL_PREFERRED_MANY: {
      const pfn = allocPages(kn, kn.zonelist[local], true, lo, hi, local);
      return pfn >= 0 ? pfn : allocPages(kn, kn.zonelist[local], false, 0, 0, local);
    }
    case MPOL_BIND:
      return allocPages(kn, kn.profile.bindOrder === 'node-id' ? kn.memoryIdOrder : kn.zonelist[local], true, lo, hi, local);
    default:
      return allocPages(kn, kn.zonelist[local], false, 0, 0, local);
  }
}

/** True when `nid` is a node policy `p` allows (for MPOL_MF_STRICT's misplaced-page test). */
export function policyHasNode(kn: Kernel, p: number, nid: number): boolean {
  const b = kn.pol(p);
  return nmTest(kn.k[b + POL.NODES_LO], kn.k[b + POL.NODES_HI], nid);
}

/** MAX_NUMNODES - 1: what set_mempolicy puts in il_prev so that the first node comes next. */
export const IL_PREV_RESET = MAX_NUMNODES - 1;

/**
 * mpol_misplaced (seed 004): the node allocation by policy `p` would choose for a page at
 * interleave index `ilx`, by the allocator's own arithmetic (interleave by index, the preferred
 * node, the first allowed node of the task's zonelist for bind), when a page on `nid` is not
 * where that policy wants it; -1 when it is (a node the mask allows, or the node it would pick).
 */
export function mpolMisplaced(kn: Kernel, t: number, p: number, ilx: number, nid: number): number {
  const b = kn.pol(p);
  const lo = kn.k[b + POL.NODES_LO];
  const hi = kn.k[b + POL.NODES_HI];
  const local = kn.taskNode(t);
  let target: number;
  switch (kn.k[b + POL.MODE]) {
    case MPOL_INTERLEAVE:
    case MPOL_WEIGHTED_INTERLEAVE:
      target = offsetIlNode(lo, hi, ilx, local);
      break;
    case MPOL_PREFERRED:
      target = nmTest(lo, hi, nid) ? nid : nmFirst(lo, hi);
      break;
    case MPOL_BIND:
    case MPOL_PREFERRED_MANY: {
      const order = kn.profile.bindOrder === 'node-id' ? kn.memoryIdOrder : kn.zonelist[local];
      target = nmTest(lo, hi, nid) ? nid : order.find((n) => nmTest(lo, hi, n)) ?? nid;
      break;
    }
    default:
      target = local;
  }
  return target === nid ? -1 : target;
}
