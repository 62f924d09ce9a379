/**
 * The kernel's names for the race engine: its named preemption sites (one table of stable names,
 * which schedule strings and reports use), its lock and refcount classes with the classifier that
 * tells which word of the machine's buffers is which, and the classes of objects the detectors
 * track. The engine (src/sched) knows none of this; each thread installs it when it binds to a
 * machine (bindKernelThread).
 *
 * Adding a site: append its name to SITE_NAMES (names are what schedules refer to; ids are only
 * this build's numbering) and call `sitePoint(SITE.name)` where the kernel passes it.
 */
import { setLockNamer } from '../shm/owner.js';
import { FDT, INODE, KHDR, MM, NODE, PAGE, POL, TASK } from '../shm/structs.js';
import { type ObjectClassSpec } from '../sched/detect.js';
import { type SiteNaming, setSiteNaming } from '../sched/sites.js';
import { BDEV } from './blockdev.js';
import { type Kernel } from './kernel.js';

/** Named sites, in id order (1-based). Append only; the names are the stable part. */
const SITE_NAMES = [
  'sched_yield',
  'get_task_policy',
  'get_vma_policy:after_task_policy_load',
  'sp_lookup',
  'mpol_to_str',
  'slab:mempolicy',
  'slab:sp_node',
  'do_set_mempolicy:replace',
  'vma_replace_policy',
  'shared_policy_replace:after_unlock_for_alloc',
  'shared_policy_replace:after_sp_alloc',
  'shared_policy_replace:after_prealloc',
  'do_get_mempolicy:after_early_unlock',
  'numa_maps:after_m_start',
  'numa_maps:show',
  'numa_maps:m_stop',
  'exec:switch_mm',
  'exit:task_policy',
  'alloc_page_vma',
  'shmem_alloc_page',
  'shmem_swapin',
  'new_vma_page',
  'mpol_free',
  'sp_free',
  'sp_insert',
  'sp_delete',
  'finish_fault',
] as const;

/** A named site of the kernel. */
export type SiteName = (typeof SITE_NAMES)[number];

/** Site ids by name: `sitePoint(SITE['sp_lookup'])`. */
export const SITE: Readonly<Record<SiteName, number>> = Object.freeze(Object.fromEntries(SITE_NAMES.map((n, i) => [n, i + 1])) as Record<SiteName, number>);

/** Lock and refcount classes, in id order (1-based). */
const CLASSES = [
  'mmap_sem',
  'sp_lock',
  'i_rwsem',
  'slab_lock',
  'table_lock',
  'xa_lock',
  'dir_lock',
  'ipc_lock',
  'ptl',
  'fdt_lock',
  'task_lock',
  'zone_lock',
  'lru_lock',
  'disk_lock',
  'swap_lock',
  'mempolicy',
  'page_lock',
] as const;
const CLASS = Object.fromEntries(CLASSES.map((n, i) => [n, i + 1])) as Record<(typeof CLASSES)[number], number>;

/** How a lock word is read: a spinlock word, or the first of an rw_semaphore's RWSEM_WORDS. */
export type LockWordKind = 'spin' | 'rwsem';

/** A table of slots (`count` slots of `words` words from `base`) and the classed words of a slot, by field offset. */
interface SlotTable {
  base: number;
  words: number;
  count: number;
  fields: Record<number, number>;
  /** What slot `i` is, for messages ('mm 3 (process 1000)'). */
  label(i: number): string;
}

const HEADER_LOCKS: Record<number, number> = { [KHDR.SLAB_LOCK]: CLASS.slab_lock, [KHDR.TABLE_LOCK]: CLASS.table_lock, [KHDR.XA_LOCK]: CLASS.xa_lock, [KHDR.DIR_LOCK]: CLASS.dir_lock, [KHDR.IPC_LOCK]: CLASS.ipc_lock };

/** The kernel buffer's tables whose slots hold lock or refcount words. */
function slotTables(kn: Kernel): SlotTable[] {
  const r = kn.regions;
  const l = kn.cfg.limits;
  const k = kn.k;
  return [
    { base: r.mm, words: MM.WORDS, count: l.maxMms, fields: { [MM.SEM]: CLASS.mmap_sem, [MM.PTL]: CLASS.ptl }, label: (m) => `mm ${m} (process ${k[kn.mm(m) + MM.PID]})` },
    { base: r.inode, words: INODE.WORDS, count: l.inodes, fields: { [INODE.SP_SEM]: CLASS.sp_lock, [INODE.I_SEM]: CLASS.i_rwsem }, label: (i) => `inode ${i}` },
    { base: r.pol, words: POL.WORDS, count: l.policySlots, fields: { [POL.REFCNT]: CLASS.mempolicy }, label: (p) => `policy ${p}` },
    { base: r.task, words: TASK.WORDS, count: l.maxTasks, fields: { [TASK.ALLOC_LOCK]: CLASS.task_lock }, label: (t) => `task ${k[kn.task(t) + TASK.TID]}` },
    { base: r.fdt, words: FDT.WORDS, count: l.maxMms, fields: { [FDT.LOCK]: CLASS.fdt_lock }, label: (d) => `file table ${d}` },
  ];
}

/** The class of a word inside a table, by field offset (0: in the table, not classed; -1: outside it); and its slot. */
function inTable(idx: number, t: SlotTable): number {
  if (idx < t.base || idx >= t.base + t.words * t.count) return -1;
  return t.fields[(idx - t.base) % t.words] ?? 0;
}

/** The class of the word `arr[idx]` of machine `kn`, and what it belongs to ('' for the machine-wide locks). */
function locate(kn: Kernel, arr: Int32Array, idx: number): { cls: number; of: string } {
  if (arr === kn.k) {
    if (HEADER_LOCKS[idx] !== undefined) return { cls: HEADER_LOCKS[idx], of: '' };
    for (const t of slotTables(kn)) {
      const cls = inTable(idx, t);
      if (cls >= 0) return { cls, of: t.label(Math.floor((idx - t.base) / t.words)) };
    }
    return { cls: 0, of: '' };
  }
  if (arr === kn.disk.i32) return { cls: idx === BDEV.LOCK ? CLASS.disk_lock : 0, of: '' };
  if (arr === kn.swap.i32) return { cls: idx === BDEV.LOCK ? CLASS.swap_lock : 0, of: '' };
  const node = kn.nodeIds.find((id) => kn.node[id]!.i32 === arr);
  if (node === undefined) return { cls: 0, of: '' };
  const nm = kn.node[node]!;
  const rel = idx - nm.meta;
  if (rel >= 0 && rel < nm.pages * PAGE.WORDS) {
    const pfn = nm.basePfn + Math.floor(rel / PAGE.WORDS);
    return { cls: rel % PAGE.WORDS === PAGE.FLAGS ? CLASS.page_lock : 0, of: `pfn ${pfn} (node ${node})` };
  }
  const cls = idx === NODE.LOCK ? CLASS.zone_lock : idx === NODE.LRU_LOCK ? CLASS.lru_lock : 0;
  return { cls, of: `node ${node}` };
}

/** Which lock or refcount class the word `arr[idx]` of machine `kn` is. */
function classify(kn: Kernel, arr: Int32Array, idx: number): number {
  return locate(kn, arr, idx).cls;
}

/** A lock word's name for messages: its class and what it belongs to ('mmap_sem of mm 2 (process 1000)'). */
export function lockWordName(kn: Kernel, arr: Int32Array, idx: number): string {
  const { cls, of } = locate(kn, arr, idx);
  const name = cls === 0 ? `lock word ${idx}` : CLASSES[cls - 1];
  return of === '' ? name : `${name} of ${of}`;
}

/** How the words of class `cls` are read (the shared-policy lock is a spinlock or an rwsem-shaped lock, by era). */
function wordKind(kn: Kernel, cls: number): LockWordKind | null {
  if (cls === CLASS.mmap_sem || cls === CLASS.i_rwsem) return 'rwsem';
  if (cls === CLASS.sp_lock) return kn.profile.rc.spLock === 'spinlock' ? 'spin' : 'rwsem';
  return cls === CLASS.mempolicy ? null : 'spin';
}

/** Call `fn` for every lock word of machine `kn` (not the refcounts), with how to read it. */
export function forEachLockWord(kn: Kernel, fn: (arr: Int32Array, idx: number, kind: LockWordKind) => void): void {
  for (const idx of Object.keys(HEADER_LOCKS)) fn(kn.k, Number(idx), 'spin');
  for (const t of slotTables(kn)) {
    for (const [off, cls] of Object.entries(t.fields)) {
      const kind = wordKind(kn, cls);
      if (kind !== null) for (let i = 0; i < t.count; i++) fn(kn.k, t.base + i * t.words + Number(off), kind);
    }
  }
  for (const id of kn.nodeIds) {
    fn(kn.node[id]!.i32, NODE.LOCK, 'spin');
    fn(kn.node[id]!.i32, NODE.LRU_LOCK, 'spin');
  }
  fn(kn.disk.i32, BDEV.LOCK, 'spin');
  fn(kn.swap.i32, BDEV.LOCK, 'spin');
}

/** The kernel's naming for the race engine. */
export function kernelNaming(kn: Kernel): SiteNaming {
  return { sites: SITE_NAMES, classes: CLASSES, classify: (arr, idx) => classify(kn, arr, idx), ownerless: (arr, idx) => classify(kn, arr, idx) === CLASS.page_lock };
}

/** Object classes the detectors track, by id. */
export const OBJ_MEMPOLICY = 0;
export const OBJ_SP_NODE = 1;

/** The object classes of machine `kn` (ids above), with their capacities. */
export function objectClasses(kn: Kernel): ObjectClassSpec[] {
  return [
    { name: 'mempolicy', capacity: kn.cfg.limits.policySlots },
    { name: 'sp_node', capacity: kn.spNodeSlots },
  ];
}

/** Install the kernel's names in this thread (sites, classes, lock names for messages). */
export function installKernelNaming(kn: Kernel): void {
  setSiteNaming(kernelNaming(kn));
  setLockNamer((arr, idx) => lockWordName(kn, arr, idx), (id) => kn.ownerName(id));
}
