/**
 * migrate_pages(2) (mm/mempolicy.c: kernel_migrate_pages, do_migrate_pages, migrate_to_node) and
 * move_pages(2) (mm/migrate.c: kernel_move_pages, do_pages_move, do_pages_stat), in the kernel's
 * layers: kernel*() finds the target mm and checks permissions, do*() holds the semantics and
 * the locks. Errors are negative errno values, in the kernel's order of checks.
 *
 * Locking: the target mm's mmap_sem is held for read while pages are looked up and isolated
 * (migrate_pages per source node, move_pages per page), and released while they migrate, as the
 * kernel does: isolated pages need no mmap_sem. The target mm is held by a reference
 * (get_task_mm), so an exiting target cannot free it under us. Destinations are allocated on the node asked
 * for, with no VMA policy consulted (new_node_page); the VMA policies stay as they were.
 */
import { downRead, upRead } from '../shm/rwsem.js';
import { MM, PTE_PFN_MASK, PTE_SWAP, TASK } from '../shm/structs.js';
import { CAP_SYS_NICE, CAP_SYS_PTRACE, MAX_NUMNODES, MPOL_MF_DISCONTIG_OK, MPOL_MF_MOVE, MPOL_MF_MOVE_ALL, PAGE_SIZE } from './constants.js';
import { TASK_SIZE } from './pgtable.js';
import { EACCES, EBUSY, EFAULT, EINVAL, ENODEV, ENOENT, ENOSYS, EPERM, ESRCH } from './errno.js';
import { type Kernel } from './kernel.js';
import { pageMapcount } from './memory.js';
import { capable, getNodes, queuePagesRange } from './mempolicy-syscalls.js';
import { type MigrateList, isolateQueued, migratePages, newMigrateList, newNodePages, newNodePagesDone, vmaMigratable } from './migrate.js';
import { getTaskMm, mmPut } from './mm.js';
import { Nodemask } from './nodemask.js';
import { findTaskByTid } from './task.js';
import { vmaCount, vmaGet, vmaLookup } from './vma.js';
import { VMA } from '../shm/structs.js';

/**
 * May task `t` migrate the pages of task `x`? Its own process always; otherwise, today,
 * ptrace_may_access(PTRACE_MODE_READ_REALCREDS): the caller's uid is the target's uid, euid and
 * saved uid (numa-emu keeps no saved uid: it is the uid), or CAP_SYS_PTRACE; before 4.13, the
 * caller's uid or euid is the target's uid or saved uid, or the profile's migration capability.
 */
function mayMigrate(kn: Kernel, t: number, x: number): boolean {
  const c = kn.task(t);
  const o = kn.task(x);
  if (kn.k[c + TASK.TGID] === kn.k[o + TASK.TGID]) return true;
  const uid = kn.k[c + TASK.UID];
  if (kn.profile.migratePermission === 'ptrace') return (uid === kn.k[o + TASK.UID] && uid === kn.k[o + TASK.EUID]) || capable(kn, t, CAP_SYS_PTRACE);
  const euid = kn.k[c + TASK.EUID];
  return uid === kn.k[o + TASK.UID] || euid === kn.k[o + TASK.UID] || capable(kn, t, kn.profile.moveAllCap);
}

/** find_mm_struct: the mm of process or thread `pid` (0: the caller's), with a reference; or -errno. */
function findMm(kn: Kernel, t: number, pid: number): number {
  const x = pid === 0 ? t : findTaskByTid(kn, pid);
  if (x === 0) return -ESRCH;
  if (!mayMigrate(kn, t, x)) return -EPERM;
  const m = getTaskMm(kn, x);
  return m === 0 ? -EINVAL : m;
}

// ---------------------------------------------------------------------------------------------
// migrate_pages

/** node_remap: the node `s` (in `from`) goes to: the node of `to` at the same rank, modulo its weight. */
function nodeRemap(s: number, from: Nodemask, to: Nodemask): number {
  if (!from.has(s) || to.empty) return s;
  const rank = from.nodes().indexOf(s);
  return to.nodes()[rank % to.weight];
}

/**
 * migrate_to_node: isolate every page of mm `m` that sits on `source` (in migratable VMAs; pages
 * mapped by others only with MOVE_ALL) and move it to `dest`. Returns how many did not move.
 */
function migrateToNode(kn: Kernel, t: number, m: number, source: number, dest: number, flags: number): number {
  const sem = kn.mm(m) + MM.SEM;
  const list = newMigrateList();
  downRead(kn.k, sem);
  // The whole address space with DISCONTIG_OK: this cannot fail, it counts pages it could not isolate.
  const failed = vmaCount(kn, m) === 0 ? 0 : queuePagesRange(kn, m, vmaGet(kn, m, 0, VMA.START), TASK_SIZE, Nodemask.of([source]), flags | MPOL_MF_DISCONTIG_OK, list);
  upRead(kn.k, sem);
  const busy = migratePages(kn, list, newNodePages(kn, t, dest));
  newNodePagesDone();
  return failed + busy;
}

/**
 * do_migrate_pages: move the pages of mm `m` from the nodes of `from` to those of `to`, node by
 * node at the same rank (node_remap), choosing each step so that a destination is, when it can
 * be, not a source still to be emptied: no page moves twice. With sets of unequal weight, a
 * source that is also a destination keeps its pages. Returns how many pages did not move.
 */
function doMigratePages(kn: Kernel, t: number, m: number, from: Nodemask, to: Nodemask, flags: number): number {
  let busy = 0;
  for (let tmp = from; !tmp.empty; ) {
    let source = -1;
    let dest = 0;
    for (const s of tmp.nodes()) {
      if (from.weight !== to.weight && to.has(s)) continue;
      const d = nodeRemap(s, from, to);
      if (s === d) continue;
      source = s;
      dest = d;
      if (!tmp.has(d)) break; // a destination no source still to empty: the best pair
    }
    if (source < 0) break;
    tmp = Nodemask.of(tmp.nodes().filter((n) => n !== source));
    busy += migrateToNode(kn, t, m, source, dest, flags);
  }
  return busy;
}

/**
 * kernel_migrate_pages: both masks read (maxnode - 1 bits), the target found and checked, the new
 * set limited to the memory nodes (today an empty result is EINVAL; before 4.13 there is nothing
 * to do), then do_migrate_pages with MOVE_ALL if the caller has the migration capability.
 * Returns how many pages did not move, or -errno.
 */
export function kernelMigratePages(kn: Kernel, t: number, pid: number, maxnode: number, oldNodes: bigint | null, newNodes: bigint | null): number {
  if (!kn.profile.migratePagesSyscall) return -ENOSYS;
  const from = getNodes(oldNodes, maxnode);
  if (typeof from === 'number') return from;
  const to = getNodes(newNodes, maxnode);
  if (typeof to === 'number') return to;
  const x = pid === 0 ? t : findTaskByTid(kn, pid);
  if (x === 0) return -ESRCH;
  if (!mayMigrate(kn, t, x)) return -EPERM;
  const nice = capable(kn, t, kn.profile.moveAllCap);
  if ((to.high !== 0n || !to.mask.subsetOf(kn.memoryNodes)) && !nice) return -EPERM;
  const dest = to.mask.and(kn.memoryNodes);
  if (dest.empty) return kn.profile.migratePermission === 'ptrace' ? -EINVAL : 0;
  const m = getTaskMm(kn, x);
  if (m === 0) return -EINVAL;
  try {
    return doMigratePages(kn, t, m, from.mask, dest, nice ? MPOL_MF_MOVE_ALL : MPOL_MF_MOVE);
  } finally {
    mmPut(kn, m);
  }
}

// ---------------------------------------------------------------------------------------------
// move_pages

/** The arrays of a move_pages call, as the entry decoded them (the C arrays' lengths are theirs). */
export interface MovePagesArgs {
  /** Page addresses (pages[0..count)). */
  pages: Float64Array;
  /** Target nodes, or null for query mode. */
  nodes: Int32Array | null;
  /** Where each page's status goes; null is a NULL pointer. */
  status: Int32Array | number[] | null;
}

/** put_user into status[i]; false (EFAULT) past its end. */
function storeStatus(a: MovePagesArgs, i: number, v: number): boolean {
  if (a.status === null || i >= a.status.length) return false;
  a.status[i] = v;
  return true;
}

/** What page `addr` of mm `m` is for do_pages_stat: its node, -EFAULT (no VMA, the zero page), -ENOENT (not present). */
function pageStat(kn: Kernel, m: number, addr: number): number {
  const i = vmaLookup(kn, m, addr);
  if (i < 0) return -EFAULT;
  const pte = Atomics.load(kn.ptes, kn.pteIndex(m, addr - (addr % PAGE_SIZE)));
  if (pte === 0 || pte & PTE_SWAP) return -ENOENT;
  const pfn = (pte & PTE_PFN_MASK) - 1;
  return pfn === kn.zeroPfn ? -EFAULT : kn.pfnToNid(pfn);
}

/** do_pages_stat: the node of each page, DO_PAGES_STAT_CHUNK_NR at a time under mmap_sem (read). */
function doPagesStat(kn: Kernel, m: number, count: number, a: MovePagesArgs): number {
  const sem = kn.mm(m) + MM.SEM;
  for (let i = 0; i < count; i += DO_PAGES_STAT_CHUNK_NR) {
    const n = Math.min(DO_PAGES_STAT_CHUNK_NR, count - i);
    if (i + n > a.pages.length) return -EFAULT; // copy_from_user of the chunk
    downRead(kn.k, sem);
    for (let j = 0; j < n; j++) chunkStatus[j] = pageStat(kn, m, a.pages[i + j]);
    upRead(kn.k, sem);
    for (let j = 0; j < n; j++) if (!storeStatus(a, i + j, chunkStatus[j])) return -EFAULT;
  }
  return 0;
}
const DO_PAGES_STAT_CHUNK_NR = 16;
const chunkStatus = new Int32Array(DO_PAGES_STAT_CHUNK_NR);

/**
 * add_page_for_migration, under mmap_sem (read): 1 if page `addr` was queued for `node` (it is
 * isolated with its batch: -EBUSY then if it cannot be), 0 if it is there already, else its
 * status: -EFAULT (no migratable VMA, the zero page), -ENOENT (not present), -EACCES (mapped by
 * others, without MOVE_ALL).
 */
function addPageForMigration(kn: Kernel, m: number, addr: number, node: number, list: MigrateList, all: boolean): number {
  if (!(addr >= vmacache.start && addr < vmacache.end)) {
    const i = vmaLookup(kn, m, addr);
    if (i < 0 || !vmaMigratable(kn, m, i)) return -EFAULT;
    vmacache.start = vmaGet(kn, m, i, VMA.START);
    vmacache.end = vmaGet(kn, m, i, VMA.END);
  }
  const page = addr - (addr % PAGE_SIZE);
  const pi = kn.pteIndex(m, page);
  const pte = Atomics.load(kn.ptes, pi);
  if (pte === 0 || pte & PTE_SWAP) return -ENOENT;
  const pfn = (pte & PTE_PFN_MASK) - 1;
  if (pfn === kn.zeroPfn) return -EFAULT;
  if (kn.pfnToNid(pfn) === node) return 0;
  if (!all && pageMapcount(kn, pfn) > 1) return -EACCES;
  list.pfns.push(pfn);
  list.addrs.push(page);
  list.pis.push(pi);
  return 1;
}

/**
 * One batch of do_pages_move: the pages [start, start + queued) went to `list` for `node`, under
 * mmap_sem (read), which the caller still holds: they are isolated, the lock is dropped, and they
 * move. Their status is the node, -EBUSY if they could not be isolated, or why they did not move
 * (Linux leaves the status of a batch that failed untouched: numa-emu says -ENOMEM or -EBUSY per
 * page). Returns 0, the count of pages not moved (the failures plus the `left` not yet tried), or
 * -EFAULT.
 */
function moveBatch(kn: Kernel, t: number, m: number, node: number, list: MigrateList, start: number, a: MovePagesArgs, left: number): number {
  const n = list.pfns.length;
  if (n === 0) {
    upRead(kn.k, kn.mm(m) + MM.SEM);
    return 0;
  }
  isolateQueued(kn, list, origin);
  upRead(kn.k, kn.mm(m) + MM.SEM);
  const kept = list.pfns.length;
  const failed = migratePages(kn, list, newNodePages(kn, t, node));
  newNodePagesDone();
  for (let j = 0, k = 0; j < n; j++) {
    const moved = k < kept && origin[k] === j ? list.result[k++] : -EBUSY;
    if (!storeStatus(a, start + j, moved === 0 ? node : moved)) return -EFAULT;
  }
  return failed > 0 ? failed + left : 0;
}

/**
 * The last migratable VMA add_page_for_migration found (vmacache): consecutive pages mostly share
 * one. Valid while the batch's mmap_sem is held; emptied when it is taken.
 */
const vmacache = { start: 0, end: 0 };

/** Where each page isolateQueued kept came from in its batch (per thread). */
const origin: number[] = [];

/**
 * do_pages_move: pages go in batches of consecutive entries with the same target node. A page
 * that is not queued gets its status at once and ends the batch. A bad node (-ENODEV) or an
 * unreadable entry (-EFAULT) ends the call after the pages queued before it have moved. A batch
 * with failures ends the call too: the result is the pages not moved plus those not tried.
 */
function doPagesMove(kn: Kernel, t: number, m: number, count: number, a: MovePagesArgs, all: boolean): number {
  const list = newMigrateList();
  let node = -1; // the batch's node; mmap_sem is held for read while a batch is open
  let start = 0;
  let err = 0;
  let i = 0;
  for (; i < count; i++) {
    if (i >= a.pages.length || i >= a.nodes!.length) {
      err = -EFAULT;
      break;
    }
    const want = a.nodes![i];
    if (want < 0 || want >= MAX_NUMNODES || !kn.memoryNodes.has(want)) {
      err = -ENODEV;
      break;
    }
    if (want !== node && node >= 0) {
      const r = moveBatch(kn, t, m, node, list, start, a, count - i);
      node = -1;
      if (r !== 0) return r;
    }
    if (node < 0) {
      downRead(kn.k, kn.mm(m) + MM.SEM);
      vmacache.start = vmacache.end = 0;
      node = want;
      start = i;
    }
    const q = addPageForMigration(kn, m, a.pages[i], node, list, all);
    if (q > 0) continue;
    const stored = storeStatus(a, i, q === 0 ? node : q);
    const r = moveBatch(kn, t, m, node, list, start, a, count - i - 1);
    node = -1;
    if (!stored) {
      err = -EFAULT;
      break;
    }
    if (r !== 0) return r;
  }
  const r = node >= 0 ? moveBatch(kn, t, m, node, list, start, a, count - i) : 0;
  return err < 0 ? err : r;
}

/**
 * kernel_move_pages: flags (MOVE, MOVE_ALL; MOVE_ALL needs CAP_SYS_NICE), the target mm, then
 * query mode (nodes null) or move mode. Returns 0, the number of pages not moved, or -errno.
 */
export function kernelMovePages(kn: Kernel, t: number, pid: number, count: number, a: MovePagesArgs, flags: number): number {
  if (!kn.profile.movePagesSyscall) return -ENOSYS;
  if (flags & ~(MPOL_MF_MOVE | MPOL_MF_MOVE_ALL)) return -EINVAL;
  if (flags & MPOL_MF_MOVE_ALL && !capable(kn, t, CAP_SYS_NICE)) return -EPERM;
  const m = findMm(kn, t, pid);
  if (m < 0) return m;
  try {
    return a.nodes === null ? doPagesStat(kn, m, count, a) : doPagesMove(kn, t, m, count, a, (flags & MPOL_MF_MOVE_ALL) !== 0);
  } finally {
    mmPut(kn, m);
  }
}
