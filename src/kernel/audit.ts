/**
 * A consistency audit of the whole emulated kernel, for tests and stress runs. It must run while
 * no task is inside the kernel (between experiments): it reads every table without locks and
 * recounts what every refcount should be from the references that exist.
 *
 * Checked: every in-use page is referenced exactly by the page-table entries and page-cache
 * slots that name it (REFCOUNT and MAPCOUNT), free + used = total on every node, no entry maps
 * outside a VMA, every page-table page is in use or free (and the zero table is untouched), every swap slot is counted exactly, every policy's refcount equals the tasks, VMAs
 * and shared ranges that hold it, the slab's live
 * count matches, every xarray block is in a tree or free and the reservations add up, and no
 * refcount underflow was recorded. With nothing in the kernel, no page is locked and no
 * migration entry is left.
 */
import { KHDR, MM, NODE, PAGE, POL, INODE, TASK, TASK_RUNNING } from '../shm/structs.js';
import { PG_LOCKED, PG_SWAPCACHE, PTE_MIGRATION, PTE_PFN_MASK, PTE_SWAP } from '../shm/structs.js';
import { bdevFreeBlocks } from './blockdev.js';
import { PAGE_SIZE } from './constants.js';
import { type Kernel } from './kernel.js';
import { DEFAULT_POLICY } from './mempolicy.js';
import { pageWord } from './page-alloc.js';
import { vmaCount, vmaRead } from './vma.js';
import { SPN_SLAB, spNodes, spPolicies } from './shared-policy.js';
import { xaForEach, xaTreeBlocks } from './xarray.js';
import { PTRS_PER_TABLE, TASK_SIZE, ptTablesInUse, ptWalk } from './pgtable.js';
import { POL_SLAB } from './mempolicy.js';
import { SLOT_BITS, SLOT_MASK, type SlabSpec, ptrSlot } from './slab.js';
import { detector } from '../sched/detect.js';

/** What the audit found. `problems` is empty on a consistent kernel. */
export interface AuditReport {
  problems: string[];
  /** Pages in use per node id (the zero page counts). */
  pagesInUse: Record<number, number>;
  /** mempolicy objects allocated (the default policy not counted). */
  policiesLive: number;
  /** Refcount underflows / increments from zero recorded by the kernel. */
  refcountWarnings: number;
  /** Page-table pages (PUD, PMD, PTE tables) the live mms hold; each mm's PGD not counted. */
  pageTablesInUse: number;
}

function bump(m: Map<number, number>, k: number): void {
  m.set(k, (m.get(k) ?? 0) + 1);
}

/** Page-table references per pfn and policy references per slot, from live mms and tasks. */
function countReferences(kn: Kernel, problems: string[], swapRefs: Map<number, number>): { ptes: Map<number, number>; pols: Map<number, number>; tables: number } {
  const ptes = new Map<number, number>();
  const pols = new Map<number, number>();
  const { maxMms, maxTasks } = kn.cfg.limits;
  for (let t = 1; t < maxTasks; t++) {
    if (kn.k[kn.task(t) + TASK.STATE] === TASK_RUNNING && kn.k[kn.task(t) + TASK.POLICY] !== 0) bump(pols, kn.k[kn.task(t) + TASK.POLICY]);
  }
  let tables = 0;
  for (let m = 1; m < maxMms; m++) {
    if (kn.k[kn.mm(m) + MM.STATE] === 0) {
      if (ptTablesInUse(kn, m) !== 0) problems.push(`mm slot ${m} is free but its page tables are not empty`);
      continue;
    }
    for (let i = 0; i < vmaCount(kn, m); i++) {
      const p = vmaRead(kn, m, i).policy;
      if (p !== 0) bump(pols, p);
    }
    tables += ptTablesInUse(kn, m);
    let i = 0; // the VMA the walk is in or before: entries come in address order
    ptWalk(kn, m, 0, TASK_SIZE, (first, addr, n) => {
      for (let j = 0; j < n; j++) {
        const pte = kn.ptes[first + j];
        if (pte === 0) continue;
        const a = addr + j * PAGE_SIZE;
        while (i < vmaCount(kn, m) && vmaRead(kn, m, i).end <= a) i++;
        if (i === vmaCount(kn, m) || vmaRead(kn, m, i).start > a) problems.push(`mm ${m}: entry for 0x${a.toString(16)} outside every VMA`);
        const pfn = (pte & PTE_PFN_MASK) - 1;
        if (pte & PTE_MIGRATION) problems.push(`mm ${m}: a migration entry for pfn ${pfn} left at 0x${a.toString(16)}`);
        else if (pte & PTE_SWAP) bump(swapRefs, pfn);
        else if (pfn !== kn.zeroPfn) bump(ptes, pfn);
      }
    });
  }
  return { ptes, pols, tables };
}

/** Every page-table page is in some mm's tree or free, and the zero table reads zero. */
function auditPgtables(kn: Kernel, inUse: number, problems: string[]): void {
  const free = kn.k[KHDR.PT_NR_FREE];
  if (inUse + free !== kn.cfg.limits.pageTables) problems.push(`page tables: ${inUse} in use + ${free} free != ${kn.cfg.limits.pageTables}`);
  for (let w = 0; w < PTRS_PER_TABLE; w++) if (kn.ptes[w] !== 0) problems.push(`the zero page table was written at entry ${w}`);
}

function countCacheRefs(kn: Kernel, pols: Map<number, number>, swapRefs: Map<number, number>, problems: string[]): Map<number, number> {
  const cache = new Map<number, number>();
  let blocks = 0;
  let reserved = 0;
  for (let s = 1; s < kn.cfg.limits.inodes; s++) {
    if (kn.k[kn.inode(s) + INODE.STATE] === 0) continue;
    for (const p of spPolicies(kn, s)) bump(pols, p);
    xaForEach(kn, s, INODE.ROOT, 0, (_i, v) => (v > 0 ? bump(cache, v - 1) : bump(swapRefs, -v - 1)));
    blocks += xaTreeBlocks(kn, s, INODE.ROOT) + xaTreeBlocks(kn, s, INODE.DISK);
    reserved += kn.k[kn.inode(s) + INODE.XA_RESV];
  }
  auditXaPool(kn, blocks, reserved, problems);
  return cache;
}

/** Every index block is in one tree or on the free list; the reservations add up and fit in it. */
function auditXaPool(kn: Kernel, inTrees: number, reserved: number, problems: string[]): void {
  const free = kn.k[KHDR.XA_NR_FREE];
  if (inTrees + free !== kn.cfg.limits.xaBlocks - 1) problems.push(`xarray pool: ${inTrees} blocks in trees + ${free} free != ${kn.cfg.limits.xaBlocks - 1}`);
  if (reserved !== kn.k[KHDR.XA_RESERVED] || reserved > free) problems.push(`xarray pool: inodes hold ${reserved} reserved blocks, pool says ${kn.k[KHDR.XA_RESERVED]}, ${free} free`);
}

function auditPages(kn: Kernel, ptes: Map<number, number>, cache: Map<number, number>, problems: string[]): Record<number, number> {
  const inUse: Record<number, number> = {};
  for (const nid of kn.nodeIds) {
    const nm = kn.node[nid]!;
    let used = 0;
    for (let i = 0; i < nm.pages; i++) {
      const pfn = nm.basePfn + i;
      const ref = nm.i32[pageWord(nm, pfn, PAGE.REFCOUNT)];
      const map = nm.i32[pageWord(nm, pfn, PAGE.MAPCOUNT)];
      if (ref > 0) used++;
      if (pfn === kn.zeroPfn) continue;
      const wantMap = ptes.get(pfn) ?? 0;
      const inSwapCache = nm.i32[pageWord(nm, pfn, PAGE.FLAGS)] & PG_SWAPCACHE ? 1 : 0;
      const wantRef = wantMap + (cache.get(pfn) ?? 0) + inSwapCache;
      if (ref !== wantRef || map !== wantMap) problems.push(`pfn ${pfn} (node ${nid}): refcount ${ref} mapcount ${map}, references say ${wantRef}/${wantMap}`);
      if (nm.i32[pageWord(nm, pfn, PAGE.FLAGS)] & PG_LOCKED) problems.push(`pfn ${pfn} (node ${nid}) is still locked`);
    }
    const free = Atomics.load(nm.i32, NODE.FREE);
    if (used + free !== nm.pages) problems.push(`node ${nid}: ${used} used + ${free} free != ${nm.pages} total`);
    inUse[nid] = used;
  }
  return inUse;
}

/** Every swap slot's count is the entries naming it, plus the cache bit while a page is cached for it. */
function auditSwap(kn: Kernel, refs: Map<number, number>, problems: string[]): void {
  let used = 0;
  for (let s = 0; s < kn.cfg.limits.swapSlots; s++) {
    const cached = kn.k[kn.regions.swapCache + s] !== 0 ? 1 << 24 : 0;
    const want = (refs.get(s) ?? 0) + cached;
    const have = kn.k[kn.regions.swapMap + s];
    if (want !== 0) used++;
    if (want !== 0 && have !== want) problems.push(`swap slot ${s}: count ${have}, references say ${want}`);
  }
  if (used + bdevFreeBlocks(kn.swap) !== kn.cfg.limits.swapSlots) problems.push(`swap: ${used} used + ${bdevFreeBlocks(kn.swap)} free != ${kn.cfg.limits.swapSlots}`);
}

/** The free slots of a slab: its free list, and (detectors on) its quarantine. */
function slabFreeSlots(kn: Kernel, spec: SlabSpec, problems: string[]): Set<number> {
  const free = new Set<number>(detector?.quarantined(spec.cls) ?? []);
  const limit = spec.slots(kn);
  for (let s = kn.k[spec.freeHead]; s !== 0; s = kn.k[spec.region(kn) + s * spec.words + spec.nextFree]) {
    if (free.has(s) || s >= limit) {
      problems.push(`slab ${spec.cls}: free list loops or leaves the table at slot ${s}`);
      break;
    }
    free.add(s);
  }
  return free;
}

/** The tagged pointer to a live slot's current generation. */
function livePtr(kn: Kernel, spec: SlabSpec, slot: number): number {
  return slot | ((kn.k[spec.region(kn) + slot * spec.words + spec.gen] & SLOT_MASK) << SLOT_BITS);
}

function auditPolicies(kn: Kernel, pols: Map<number, number>, problems: string[]): number {
  const free = slabFreeSlots(kn, POL_SLAB, problems);
  let live = 0;
  for (let p = 2; p < kn.cfg.limits.policySlots; p++) {
    if (free.has(p)) continue;
    live++;
    const ref = kn.k[kn.pol(p) + POL.REFCNT];
    const want = pols.get(livePtr(kn, POL_SLAB, p)) ?? 0;
    if (ref !== want) problems.push(`policy ${p}: refcount ${ref}, held by ${want}`);
  }
  for (const ptr of pols.keys()) if (ptr !== DEFAULT_POLICY && (free.has(ptrSlot(ptr)) || livePtr(kn, POL_SLAB, ptrSlot(ptr)) !== ptr)) problems.push(`policy pointer ${ptr} (slot ${ptrSlot(ptr)}) is held but names a freed policy`);
  if (kn.k[kn.pol(DEFAULT_POLICY) + POL.REFCNT] !== 1) problems.push(`default policy refcount ${kn.k[kn.pol(DEFAULT_POLICY) + POL.REFCNT]}`);
  if (kn.k[KHDR.SLAB_LIVE] !== live) problems.push(`slab says ${kn.k[KHDR.SLAB_LIVE]} live policies, ${live} found`);
  return live;
}

/** Every live sp_node is in exactly one tree, and the live count matches. */
function auditSpNodes(kn: Kernel, problems: string[]): void {
  const free = slabFreeSlots(kn, SPN_SLAB, problems);
  const seen = new Map<number, number>();
  for (let s = 1; s < kn.cfg.limits.inodes; s++) {
    if (kn.k[kn.inode(s) + INODE.STATE] === 0) continue;
    for (const n of spNodes(kn, s)) seen.set(ptrSlot(n), (seen.get(ptrSlot(n)) ?? 0) + 1);
  }
  let live = 0;
  for (let n = 1; n < kn.spNodeSlots; n++) {
    if (free.has(n)) continue;
    live++;
    if (seen.get(n) !== 1) problems.push(`sp_node ${n}: in ${seen.get(n) ?? 0} trees`);
  }
  if (kn.k[KHDR.SPN_LIVE] !== live) problems.push(`slab says ${kn.k[KHDR.SPN_LIVE]} live sp_nodes, ${live} found`);
}

/** Audit the kernel (see the module comment for what is checked). */
export function auditKernel(kn: Kernel): AuditReport {
  const problems: string[] = [];
  const swapRefs = new Map<number, number>();
  const { ptes, pols, tables } = countReferences(kn, problems, swapRefs);
  auditPgtables(kn, tables, problems);
  const pagesInUse = auditPages(kn, ptes, countCacheRefs(kn, pols, swapRefs, problems), problems);
  auditSwap(kn, swapRefs, problems);
  const policiesLive = auditPolicies(kn, pols, problems);
  auditSpNodes(kn, problems);
  const refcountWarnings = kn.k[KHDR.WARN_REFCOUNT];
  if (refcountWarnings !== 0) problems.push(`${refcountWarnings} refcount warnings (use-after-free or over-put)`);
  return { problems, pagesInUse, policiesLive, refcountWarnings, pageTablesInUse: tables };
}
