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
import { FDT, INODE, KHDR, MM, NODE, POL, TASK } from '../shm/structs.js';
import { type ObjectClassSpec } from '../sched/detect.js';
import { type SiteNaming, className, setSiteNaming } from '../sched/sites.js';
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
] as const;
const CLASS = Object.fromEntries(CLASSES.map((n, i) => [n, i + 1])) as Record<(typeof CLASSES)[number], number>;

/** The class of a word inside a table of `words`-word slots starting at `base`: by field offset. */
function inTable(idx: number, base: number, words: number, count: number, fields: Record<number, number>): number {
  if (idx < base || idx >= base + words * count) return -1;
  return fields[(idx - base) % words] ?? 0;
}

/** Which lock or refcount class the word `arr[idx]` of machine `kn` is. */
function classify(kn: Kernel, arr: Int32Array, idx: number): number {
  if (arr === kn.k) {
    const header: Record<number, number> = { [KHDR.SLAB_LOCK]: CLASS.slab_lock, [KHDR.TABLE_LOCK]: CLASS.table_lock, [KHDR.XA_LOCK]: CLASS.xa_lock, [KHDR.DIR_LOCK]: CLASS.dir_lock, [KHDR.IPC_LOCK]: CLASS.ipc_lock };
    if (header[idx] !== undefined) return header[idx];
    const r = kn.regions;
    const l = kn.cfg.limits;
    const tables: [number, number, number, Record<number, number>][] = [
      [r.mm, MM.WORDS, l.maxMms, { [MM.SEM]: CLASS.mmap_sem, [MM.PTL]: CLASS.ptl }],
      [r.inode, INODE.WORDS, l.inodes, { [INODE.SP_SEM]: CLASS.sp_lock, [INODE.I_SEM]: CLASS.i_rwsem }],
      [r.pol, POL.WORDS, l.policySlots, { [POL.REFCNT]: CLASS.mempolicy }],
      [r.task, TASK.WORDS, l.maxTasks, { [TASK.ALLOC_LOCK]: CLASS.task_lock }],
      [r.fdt, FDT.WORDS, l.maxMms, { [FDT.LOCK]: CLASS.fdt_lock }],
    ];
    for (const [base, words, count, fields] of tables) {
      const c = inTable(idx, base, words, count, fields);
      if (c >= 0) return c;
    }
    return 0;
  }
  if (arr === kn.disk.i32) return idx === BDEV.LOCK ? CLASS.disk_lock : 0;
  if (arr === kn.swap.i32) return idx === BDEV.LOCK ? CLASS.swap_lock : 0;
  if (idx === NODE.LOCK) return CLASS.zone_lock;
  if (idx === NODE.LRU_LOCK) return CLASS.lru_lock;
  return 0;
}

/** The kernel's naming for the race engine. */
export function kernelNaming(kn: Kernel): SiteNaming {
  return { sites: SITE_NAMES, classes: CLASSES, classify: (arr, idx) => classify(kn, arr, idx) };
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
  setLockNamer((arr, idx) => `${className(arr, idx)} (word ${idx})`);
}
