/**
 * set_mempolicy, get_mempolicy and mbind (mm/mempolicy.c, second half), in the kernel's layers:
 * kernel*() sanitises the mode and flags and reads the node mask (get_nodes), do*() holds the
 * semantics and the locks. Errors are returned as negative errno values, in the kernel's order
 * of checks for the running profile.
 *
 * Locking: mbind holds the caller's mmap_sem for write while it replaces VMA policies (nobody can
 * be using the old one without holding it for read); set_mempolicy replaces the task policy under
 * the lock its era takes (none, mmap_sem, task_lock: kn.profile.rc); get_mempolicy with an address
 * holds mmap_sem for read while it looks at the VMA and its policy.
 */
import { downRead, downWrite, upRead, upWrite } from '../shm/rwsem.js';
import { MM, POL, PTE_PFN_MASK, PTE_SWAP, TASK } from '../shm/structs.js';
import {
  BITS_PER_LONG,
  MAX_NUMNODES,
  MPOL_BIND,
  MPOL_DEFAULT,
  MPOL_F_ADDR,
  MPOL_F_MEMS_ALLOWED,
  MPOL_F_MOF,
  MPOL_F_MORON,
  MPOL_F_NODE,
  MPOL_F_NUMA_BALANCING,
  MPOL_F_RELATIVE_NODES,
  MPOL_F_STATIC_NODES,
  MPOL_MF_DISCONTIG_OK,
  MPOL_MF_INVERT,
  MPOL_MF_LAZY,
  MPOL_MF_MOVE,
  MPOL_MF_MOVE_ALL,
  MPOL_MF_STRICT,
  MPOL_MF_VALID,
  MPOL_PREFERRED_MANY,
  PAGE_SIZE,
} from './constants.js';
import { EFAULT, EINVAL, EIO, EPERM } from './errno.js';
import { type Kernel } from './kernel.js';
import { handleMmFault } from './memory.js';
import {
  DEFAULT_POLICY,
  IL_PREV_RESET,
  type UserNodes,
  isInterleave,
  mpolEqual,
  mpolDup,
  mpolGet,
  mpolGetTransient,
  mpolNew,
  mpolPut,
  mpolPutTransient,
  mpolReport,
  mpolUse,
  mpolSetNodemask,
  nextInterleaveNode,
} from './mempolicy.js';
import { type MigrateList, clearList, isolateQueued, mbindMigrate, migrateFolioAdd, newMigrateList, putbackMigrateList, vmaMigratable } from './migrate.js';
import { inodeHasSharedPolicy, mpolSetSharedPolicy } from './shared-policy.js';
import { lookupPut, lookupRef, vmaPolicyAt } from './vma-policy.js';
import { spinLock, spinUnlock } from '../shm/spinlock.js';
import { sitePoint } from '../sched/preempt.js';
import { detector } from '../sched/detect.js';
import { SITE } from './sites.js';
import { isMigrationEntry } from './swap.js';
import { pageAlign } from './mmap.js';
import { Nodemask } from './nodemask.js';
import { PMD_SIZE } from './pgtable.js';
import { findVma, splitVma, vmaCount, vmaGet, vmaLookup, vmaMergeNeighbours, vmaRead, vmaSet } from './vma.js';
import { VMA } from '../shm/structs.js';

const U64_MAX = (1n << 64n) - 1n;
const EMPTY_NODES: UserNodes = { mask: Nodemask.EMPTY, high: 0n };

/** get_nodes: read maxnode - 1 bits of the user's mask; bits past MAX_NUMNODES must be 0. */
export function getNodes(nmask: bigint | null, maxnode: number): UserNodes | number {
  const bits = maxnode === 0 ? 2 ** 64 - 1 : maxnode - 1;
  if (bits === 0 || nmask === null) return EMPTY_NODES;
  if (bits > PAGE_SIZE * 8) return -EINVAL;
  let b = nmask;
  if (bits < BITS_PER_LONG || b > U64_MAX) b &= (1n << BigInt(bits)) - 1n;
  if (b <= U64_MAX) return b === 0n ? EMPTY_NODES : { mask: Nodemask.fromBigint(b), high: 0n };
  if (bits > MAX_NUMNODES && b >> BigInt(MAX_NUMNODES) !== 0n) return -EINVAL;
  return { mask: Nodemask.fromBigint(b), high: b >> 64n };
}

/** sanitize_mpol_flags: split the mode argument into mode and mode flags. */
function sanitizeMpolFlags(kn: Kernel, arg: number): { mode: number; flags: number } | number {
  const p = kn.profile;
  const known = (p.modeFlags ? MPOL_F_STATIC_NODES | MPOL_F_RELATIVE_NODES : 0) | (p.numaBalancingFlag ? MPOL_F_NUMA_BALANCING : 0);
  let flags = arg & known;
  const mode = arg & ~known;
  if (mode >>> 0 >= p.mpolMax) return -EINVAL;
  if (flags & MPOL_F_STATIC_NODES && flags & MPOL_F_RELATIVE_NODES) return -EINVAL;
  if (flags & MPOL_F_NUMA_BALANCING) {
    if (mode !== MPOL_BIND && mode !== MPOL_PREFERRED_MANY) return -EINVAL;
    flags |= MPOL_F_MOF | MPOL_F_MORON;
  }
  return { mode, flags };
}

/** capable(cap) for task `t`. */
export function capable(kn: Kernel, t: number, cap: number): boolean {
  return ((kn.k[kn.task(t) + TASK.CAPS] >>> cap) & 1) === 1;
}

function taskMm(kn: Kernel, t: number): number {
  return kn.k[kn.task(t) + TASK.MM];
}

// ---------------------------------------------------------------------------------------------
// set_mempolicy

/**
 * Replace task `t`'s policy pointer with `p` under the locks its era takes (none before 2.6.26:
 * B01's writer; mmap_sem for write with task_lock inside, 2.6.26-3.17; task_lock alone, 3.18
 * on); returns the old pointer, whose reference the caller drops after unlocking.
 */
function replaceTaskPolicy(kn: Kernel, t: number, p: number): number {
  const tb = kn.task(t);
  const lock = kn.profile.rc.setMempolicyLock;
  const sem = kn.mm(taskMm(kn, t)) + MM.SEM;
  if (lock === 'mmap_sem') downWrite(kn.k, sem);
  if (lock !== 'none') spinLock(kn.k, tb + TASK.ALLOC_LOCK);
  sitePoint(SITE['do_set_mempolicy:replace']);
  const old = kn.k[tb + TASK.POLICY];
  kn.k[tb + TASK.POLICY] = p;
  if (p !== 0 && isInterleave(kn.k[kn.pol(p) + POL.MODE])) {
    kn.k[tb + TASK.IL_PREV] = IL_PREV_RESET;
    kn.k[tb + TASK.IL_WEIGHT] = 0;
  }
  if (lock !== 'none') spinUnlock(kn.k, tb + TASK.ALLOC_LOCK);
  if (lock === 'mmap_sem') upWrite(kn.k, sem);
  return old;
}

/** do_set_mempolicy: a new policy object, its node mask, then the replace; the old one is dropped. */
function doSetMempolicy(kn: Kernel, t: number, mode: number, flags: number, nodes: UserNodes): number {
  const p = mpolNew(kn, mode, flags, nodes);
  if (p < 0) return p;
  if (p !== 0) {
    const err = mpolSetNodemask(kn, p, nodes);
    if (err < 0) {
      mpolPut(kn, p);
      return err;
    }
  }
  mpolPut(kn, replaceTaskPolicy(kn, t, p), SITE['do_set_mempolicy:replace']);
  return 0;
}

/** kernel_set_mempolicy */
export function kernelSetMempolicy(kn: Kernel, t: number, modeArg: number, nmask: bigint | null, maxnode: number): number {
  const s = sanitizeMpolFlags(kn, modeArg);
  if (typeof s === 'number') return s;
  const nodes = getNodes(nmask, maxnode);
  if (typeof nodes === 'number') return nodes;
  return doSetMempolicy(kn, t, s.mode, s.flags, nodes);
}

// ---------------------------------------------------------------------------------------------
// get_mempolicy

/** What get_mempolicy writes: `*mode` (or a node number) and the mask. */
export interface MempolicyInfo {
  mode: number;
  mask: Nodemask;
}

/** lookup_node: fault the page at `addr` in (for reading) and say which node holds it. */
function lookupNode(kn: Kernel, t: number, addr: number): number {
  const m = taskMm(kn, t);
  const sem = kn.mm(m) + MM.SEM;
  downRead(kn.k, sem);
  const pfn = handleMmFault(kn, t, m, addr - (addr % PAGE_SIZE), false);
  upRead(kn.k, sem);
  return pfn < 0 ? -EFAULT : kn.pfnToNid(pfn);
}

/**
 * do_get_mempolicy. With MPOL_F_ADDR the policy is the VMA's (a shared one with a transient
 * reference), looked up under mmap_sem; the lock is held until the policy has been read (before
 * 4.13 it was dropped first: B16, CVE-2018-10675). With MPOL_F_NODE as well, the page's node is
 * found by faulting it in, with the lock dropped and the policy pinned meanwhile (pol_refcount).
 */
function doGetMempolicy(kn: Kernel, t: number, addr: number, flags: number): MempolicyInfo | number {
  const valid = MPOL_F_NODE | MPOL_F_ADDR | (kn.profile.memsAllowedFlag ? MPOL_F_MEMS_ALLOWED : 0);
  if (flags > 0xffffffff || (flags & ~valid) !== 0) return -EINVAL;
  if (flags & MPOL_F_MEMS_ALLOWED) {
    if (flags & (MPOL_F_NODE | MPOL_F_ADDR)) return -EINVAL;
    return { mode: 0, mask: kn.memoryNodes };
  }
  if (!(flags & MPOL_F_ADDR)) return addr !== 0 ? -EINVAL : taskPolicyInfo(kn, t, flags);
  const sem = kn.mm(taskMm(kn, t)) + MM.SEM;
  downRead(kn.k, sem);
  const i = vmaLookup(kn, taskMm(kn, t), addr);
  if (i < 0) {
    upRead(kn.k, sem);
    return -EFAULT;
  }
  // __get_vma_policy: NULL means default here, never the task policy.
  let pol = vmaPolicyAt(kn, taskMm(kn, t), i, addr);
  const ref = lookupRef.taken;
  if (pol === 0) pol = DEFAULT_POLICY;
  let locked = true;
  if (kn.profile.rc.getMempolicyEarlyUnlock) {
    upRead(kn.k, sem);
    locked = false;
    sitePoint(SITE['do_get_mempolicy:after_early_unlock']);
  }
  mpolUse(kn, pol, SITE['do_get_mempolicy:after_early_unlock']);
  const report = mpolReport(kn, pol);
  let mode = report.mode;
  // With MPOL_F_NODE the lock goes while the page is faulted in: the policy is pinned meanwhile.
  const pinned = (flags & MPOL_F_NODE) !== 0;
  if (pinned) {
    mpolGetTransient(kn, pol, SITE['do_get_mempolicy:after_early_unlock']);
    if (locked) upRead(kn.k, sem);
    locked = false;
    mode = lookupNode(kn, t, addr);
  }
  if (kn.profile.rc.getMempolicyDropsLookup) lookupPut(kn, pol, ref, SITE['do_get_mempolicy:after_early_unlock']);
  if (locked) upRead(kn.k, sem);
  if (pinned) mpolPutTransient(kn, pol, SITE['do_get_mempolicy:after_early_unlock']);
  return mode < 0 ? mode : { mode, mask: report.mask };
}

/** get_mempolicy without an address: the task's own policy (MPOL_F_NODE: the next interleave node). */
function taskPolicyInfo(kn: Kernel, t: number, flags: number): MempolicyInfo | number {
  const taskPol = kn.k[kn.task(t) + TASK.POLICY];
  const pol = taskPol === 0 ? DEFAULT_POLICY : taskPol;
  const report = mpolReport(kn, pol);
  if (!(flags & MPOL_F_NODE)) return { mode: report.mode, mask: report.mask };
  if (pol === taskPol && isInterleave(kn.k[kn.pol(pol) + POL.MODE])) return { mode: nextInterleaveNode(kn, t, pol), mask: report.mask };
  return -EINVAL;
}

/**
 * kernel_get_mempolicy. `maxnode` null means a NULL mask pointer (no mask wanted, maxnode
 * ignored); the result's mask is then null.
 */
export function kernelGetMempolicy(kn: Kernel, t: number, maxnode: number | null, addr: number, flags: number): { mode: number; mask: Nodemask | null } | number {
  if (maxnode !== null) {
    const least = kn.profile.getMaxnodeMin === 'MAX_NUMNODES' ? MAX_NUMNODES : kn.nrNodeIds;
    if (maxnode < least) return -EINVAL;
  }
  const r = doGetMempolicy(kn, t, addr, flags);
  if (typeof r === 'number') return r;
  if (maxnode === null) return { mode: r.mode, mask: null };
  // copy_nodes_to_user: ALIGN(maxnode - 1, 64) / 8 bytes, refused past a page; the ALIGN wraps to
  // 0 for maxnode > ULONG_MAX - 63, and then nothing at all is copied. (Unsigned longs in the top
  // 2 KiB of the range are one double apart at the entry; all of them count as wrapping.)
  if (maxnode >= 2 ** 64 - 2048) return { mode: r.mode, mask: Nodemask.EMPTY };
  if (Math.ceil((maxnode - 1) / BITS_PER_LONG) * 8 > PAGE_SIZE) return -EINVAL;
  return r;
}

// ---------------------------------------------------------------------------------------------
// mbind

/** The range checks of do_mbind: the end address, 0 for an empty range, or -errno. */
function mbindCheckRange(kn: Kernel, t: number, start: number, len: number, flags: number): number {
  if (flags & ~kn.profile.mbindFlags) return -EINVAL;
  if (flags & MPOL_MF_LAZY && !(flags & (MPOL_MF_MOVE | MPOL_MF_MOVE_ALL))) return -EINVAL; // seed 004: LAZY qualifies a move
  if (flags & MPOL_MF_MOVE_ALL && !capable(kn, t, kn.profile.moveAllCap)) return -EPERM;
  if (start % PAGE_SIZE !== 0) return -EINVAL;
  const end = start + pageAlign(len);
  if (end >= 2 ** 64) return -EINVAL;
  return end === start ? 0 : end;
}

/**
 * queue_pages_range: check that [start, end) is mapped without holes (unless DISCONTIG_OK) and,
 * with STRICT or MOVE, look at the pages there: with MPOL_MF_INVERT those outside `nodes`, else
 * those on `nodes` (migrate_pages). With MOVE, each is queued on `list` (migrate_folio_add) and
 * then isolated, in batches; pages mapped by others are left alone without MOVE_ALL. Returns how many pages should move
 * and cannot (not movable, busy, or under migration already), -EIO (STRICT alone and such a
 * page; nothing is queued then) or -EFAULT (a hole). The caller holds mmap_sem.
 */
export function queuePagesRange(kn: Kernel, m: number, start: number, end: number, nodes: Nodemask, flags: number, list: MigrateList): number {
  const failed = scanRange(kn, m, start, end, nodes, flags, list);
  if (failed >= 0) return failed + isolateQueued(kn, list);
  clearList(list); // candidates hold no reference until they are isolated: an error just forgets them
  return failed;
}

/** queuePagesRange's walk: candidates queued on `list` (not isolated yet); failures, -EIO or -EFAULT. */
function scanRange(kn: Kernel, m: number, start: number, end: number, nodes: Nodemask, flags: number, list: MigrateList): number {
  let i = findVma(kn, m, start);
  if (i < 0 || vmaGet(kn, m, i, VMA.START) >= end) return -EFAULT;
  const strictOnly = (flags & MPOL_MF_VALID) === MPOL_MF_STRICT;
  const move = (flags & (MPOL_MF_MOVE | MPOL_MF_MOVE_ALL)) !== 0;
  const invert = (flags & MPOL_MF_INVERT) !== 0;
  let failed = 0;
  let covered = start;
  for (; i < vmaCount(kn, m) && vmaGet(kn, m, i, VMA.START) < end; i++) {
    const vs = vmaGet(kn, m, i, VMA.START);
    const ve = vmaGet(kn, m, i, VMA.END);
    if (!(flags & MPOL_MF_DISCONTIG_OK)) {
      // queue_pages_test_walk: a hole before this VMA, or right after it, fails before its pages are looked at.
      const next = i + 1 < vmaCount(kn, m) ? vmaGet(kn, m, i + 1, VMA.START) : Infinity;
      if (vs > covered || (ve < end && next > ve)) return -EFAULT;
    }
    covered = ve;
    if (!(flags & MPOL_MF_VALID)) continue;
    const movable = move && vmaMigratable(kn, m, i);
    if (!movable && move && !(flags & MPOL_MF_STRICT)) continue; // a VMA that cannot migrate is skipped, unless STRICT wants it reported
    for (let a = Math.max(start, vs); a < Math.min(end, ve); a += PAGE_SIZE) {
      const pi = kn.pteIndex(m, a);
      if (pi === 0) {
        a += PMD_SIZE - (a % PMD_SIZE) - PAGE_SIZE; // no PTE table: nothing mapped in its 2 MiB
        continue;
      }
      const pte = Atomics.load(kn.ptes, pi);
      if (pte === 0) continue;
      if (pte & PTE_SWAP) {
        if (isMigrationEntry(pte)) failed++; // migrating already, for someone else
        continue;
      }
      const pfn = (pte & PTE_PFN_MASK) - 1;
      if (pfn === kn.zeroPfn || nodes.has(kn.pfnToNid(pfn)) === invert) continue;
      if (movable) {
        migrateFolioAdd(kn, m, pi, pfn, a, flags, list);
        continue;
      }
      failed++;
      if (strictOnly) return -EIO;
    }
  }
  if (!(flags & MPOL_MF_DISCONTIG_OK) && covered < end) return -EFAULT;
  return failed;
}

/**
 * vma_replace_policy: VMA `i` gets policy `pol` (from 3.7 its own copy; before, `pol` itself,
 * shared with every VMA of the range and the tree: B11), and a shmem VMA also sets the shared
 * policy of its pages in the object (vm_ops->set_policy), which is what allocation obeys.
 */
function vmaReplacePolicy(kn: Kernel, m: number, i: number, pol: number): number {
  detector?.assertHeld(kn.k, kn.mm(m) + MM.SEM, true, 'a VMA policy is replaced with mmap_sem held for write');
  sitePoint(SITE.vma_replace_policy);
  let nw = pol;
  if (kn.profile.rc.copies) {
    nw = mpolDup(kn, pol);
    if (nw < 0) return nw;
  } else {
    mpolGet(kn, pol, SITE.vma_replace_policy);
  }
  const ino = vmaGet(kn, m, i, VMA.INODE);
  if (ino !== 0 && inodeHasSharedPolicy(kn, ino)) {
    const pgoff = vmaGet(kn, m, i, VMA.PGOFF);
    const err = mpolSetSharedPolicy(kn, ino, pgoff, pgoff + (vmaGet(kn, m, i, VMA.END) - vmaGet(kn, m, i, VMA.START)) / PAGE_SIZE, nw);
    if (err < 0) {
      mpolPut(kn, nw);
      return err;
    }
  }
  const old = vmaGet(kn, m, i, VMA.POLICY);
  vmaSet(kn, m, i, VMA.POLICY, nw);
  mpolPut(kn, old, SITE.vma_replace_policy);
  return 0;
}

/**
 * mbind_range: apply `pol` to the part of every VMA inside [start, end), splitting VMAs at the
 * range's ends and merging the result with neighbours that now have an equal policy.
 */
function mbindRange(kn: Kernel, m: number, start: number, end: number, pol: number): number {
  for (let i = findVma(kn, m, start); i >= 0 && i < vmaCount(kn, m) && vmaGet(kn, m, i, VMA.START) < end; i++) {
    const v = vmaRead(kn, m, i);
    if (mpolEqual(kn, v.policy, pol)) continue;
    if (v.start < start) {
      const err = splitVma(kn, m, i, start);
      if (err < 0) return err;
      i++;
    }
    if (vmaGet(kn, m, i, VMA.END) > end) {
      const err = splitVma(kn, m, i, end);
      if (err < 0) return err;
    }
    const err = vmaReplacePolicy(kn, m, i, pol);
    if (err < 0) return err;
    i = vmaMergeNeighbours(kn, m, i);
  }
  return 0;
}

/** The list of an mbind without MOVE, which queues nothing (one per thread: no allocation per call). */
const NO_MOVES = newMigrateList();

/** do_mbind, after the range checks: [start, end) is non-empty and page aligned. */
function doMbind(kn: Kernel, t: number, start: number, end: number, mode: number, modeFlags: number, nodes: UserNodes, flags: number): number {
  if (mode === MPOL_DEFAULT) flags &= ~MPOL_MF_STRICT;
  const pol = mpolNew(kn, mode, modeFlags, nodes);
  if (pol < 0) return pol;
  if (pol === 0 && kn.profile.defaultSkipsHoles) flags |= MPOL_MF_DISCONTIG_OK;
  const m = taskMm(kn, t);
  const sem = kn.mm(m) + MM.SEM;
  downWrite(kn.k, sem);
  let err = pol !== 0 ? mpolSetNodemask(kn, pol, nodes) : 0;
  if (err < 0) {
    upWrite(kn.k, sem);
    mpolPut(kn, pol);
    return err;
  }
  const list = flags & (MPOL_MF_MOVE | MPOL_MF_MOVE_ALL) ? newMigrateList() : NO_MOVES;
  let failed = queuePagesRange(kn, m, start, end, nodes.mask, flags | MPOL_MF_INVERT, list);
  if (failed < 0) {
    err = failed;
    failed = 0;
  } else {
    err = mbindRange(kn, m, start, end, pol);
    if (err === 0 && list.pfns.length > 0) failed += mbindMigrate(kn, t, m, list, (flags & MPOL_MF_LAZY) !== 0);
  }
  putbackMigrateList(kn, list); // whatever an error left queued
  upWrite(kn.k, sem);
  mpolPut(kn, pol);
  if (err === 0 && failed > 0 && flags & MPOL_MF_STRICT) err = -EIO;
  return err;
}

/** kernel_mbind: the checks in the profile's order, then do_mbind. */
export function kernelMbind(kn: Kernel, t: number, start: number, len: number, modeArg: number, nmask: bigint | null, maxnode: number, flags: number): number {
  const s = sanitizeMpolFlags(kn, modeArg);
  if (typeof s === 'number') return s;
  let nodes: UserNodes | number = EMPTY_NODES;
  if (kn.profile.mbindNodesFirst) {
    nodes = getNodes(nmask, maxnode);
    if (typeof nodes === 'number') return nodes;
  }
  const end = mbindCheckRange(kn, t, start, len, flags);
  if (end <= 0) return end;
  if (!kn.profile.mbindNodesFirst) {
    nodes = getNodes(nmask, maxnode);
    if (typeof nodes === 'number') return nodes;
  }
  return doMbind(kn, t, start, end, s.mode, s.flags, nodes, flags);
}
