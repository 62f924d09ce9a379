/**
 * The files numa-emu serves: /proc/<pid>/numa_maps, /proc/vmstat, /proc/meminfo, the node
 * files of sysfs and the weighted-interleave weights (the one kind of file that can be written).
 * Reads return the text or -ENOENT, as open(2) would for a path that does not exist.
 */
import { KHDR, TASK } from '../shm/structs.js';
import { EACCES, ENOENT } from './errno.js';
import { type Kernel } from './kernel.js';
import { nodeMemPages, nodeNumastat, readNodeFile } from './node-files.js';
import { bdevFreeBlocks } from './blockdev.js';
import { showNumaMaps } from './numa-maps.js';
import { findTaskByTid } from './task.js';
import { readIwFile, writeIwFile } from './weighted-interleave.js';

/** Sum a node figure over the memory nodes. */
function sumNodes(kn: Kernel, f: (p: ReturnType<typeof nodeMemPages>) => number): number {
  return kn.memoryIdOrder.reduce((s, nid) => s + f(nodeMemPages(kn, nid)), 0);
}

/** /proc/vmstat: page counts and reclaim, swap, NUMA and migration events (a subset, in the kernel's order). */
function vmstatText(kn: Kernel): string {
  const numa = (row: string) => kn.memoryIdOrder.reduce((s, nid) => s + nodeNumastat(kn, nid).find((r) => r.name === row)!.value, 0);
  const rows: [string, number][] = [
    ['nr_free_pages', sumNodes(kn, (p) => p.free)],
    ['nr_inactive_anon', sumNodes(kn, (p) => p.anon + p.shmem)],
    ['nr_active_anon', 0],
    ['nr_inactive_file', sumNodes(kn, (p) => p.file)],
    ['nr_active_file', 0],
    ['nr_anon_pages', sumNodes(kn, (p) => p.anon)],
    ['nr_file_pages', sumNodes(kn, (p) => p.file + p.shmem)],
    ['nr_dirty', sumNodes(kn, (p) => p.dirty)],
    ['nr_shmem', sumNodes(kn, (p) => p.shmem)],
    ['nr_swapcached', sumNodes(kn, (p) => p.swapcache)],
    ['numa_hit', numa('numa_hit')],
    ['numa_miss', numa('numa_miss')],
    ['numa_foreign', numa('numa_foreign')],
    ['numa_interleave', numa('interleave_hit')],
    ['numa_local', numa('local_node')],
    ['numa_other', numa('other_node')],
    ['pswpin', kn.k[KHDR.PSWPIN]],
    ['pswpout', kn.k[KHDR.PSWPOUT]],
    ['allocstall_normal', kn.k[KHDR.ALLOCSTALL]],
    ['pgsteal_kswapd', kn.k[KHDR.PGSTEAL_KSWAPD]],
    ['pgsteal_direct', kn.k[KHDR.PGSTEAL_DIRECT]],
    ['pgscan_kswapd', kn.k[KHDR.PGSCAN_KSWAPD]],
    ['pgscan_direct', kn.k[KHDR.PGSCAN_DIRECT]],
    ['numa_pte_updates', kn.k[KHDR.NUMA_PTE_UPDATES]],
    ['numa_hint_faults', kn.k[KHDR.NUMA_HINT_FAULTS]],
    ['numa_hint_faults_local', kn.k[KHDR.NUMA_HINT_FAULTS_LOCAL]],
    ['numa_pages_migrated', kn.k[KHDR.NUMA_PAGES_MIGRATED]],
    ['pgmigrate_success', kn.k[KHDR.PGMIGRATE_SUCCESS]],
    ['pgmigrate_fail', kn.k[KHDR.PGMIGRATE_FAIL]],
  ];
  return rows.map(([k, v]) => `${k} ${v}\n`).join('');
}

/** /proc/meminfo: the machine's memory and swap (a subset). */
function meminfoText(kn: Kernel): string {
  const kb = (pages: number) => pages * 4;
  const rows: [string, number][] = [
    ['MemTotal', sumNodes(kn, (p) => p.total)],
    ['MemFree', sumNodes(kn, (p) => p.free)],
    ['SwapCached', sumNodes(kn, (p) => p.swapcache)],
    ['SwapTotal', kn.cfg.limits.swapSlots],
    ['SwapFree', bdevFreeBlocks(kn.swap)],
    ['Dirty', sumNodes(kn, (p) => p.dirty)],
    ['AnonPages', sumNodes(kn, (p) => p.anon)],
    ['Shmem', sumNodes(kn, (p) => p.shmem)],
  ];
  return rows.map(([k, v]) => `${`${k}:`.padEnd(16)}${String(kb(v)).padStart(8)} kB\n`).join('');
}

/** Read a kernel file; `self` is the tid /proc/self names (0 when there is no calling task). */
export function readKernelFile(kn: Kernel, path: string, self: number): string | number {
  if (path === '/proc/vmstat') return vmstatText(kn);
  if (path === '/proc/meminfo') return meminfoText(kn);
  const proc = /^\/proc\/(\d+|self)\/numa_maps$/.exec(path);
  if (proc) {
    const tid = proc[1] === 'self' ? self : Number(proc[1]);
    const t = tid > 0 && String(tid) === (proc[1] === 'self' ? String(self) : proc[1]) ? findTaskByTid(kn, tid) : 0;
    if (t === 0) return -ENOENT;
    const text = showNumaMaps(kn, t, kn.k[kn.task(t) + TASK.MM]);
    return text ?? -ENOENT;
  }
  return readNodeFile(kn, path) ?? readIwFile(kn, path) ?? -ENOENT;
}

/**
 * Write `data` to a kernel file as a task with effective uid `euid` would (open O_WRONLY, write,
 * close): 0, or -ENOENT (no such writable file), -EACCES (not root), -EINVAL (refused value).
 */
export function writeKernelFile(kn: Kernel, path: string, data: string, euid: number): number {
  const r = writeIwFile(kn, path, data, euid);
  if (r <= 0) return r;
  // Every other file numa-emu serves is read-only (0444): opening it for writing is EACCES, as for an unprivileged writer of a root file.
  return typeof readKernelFile(kn, path, 0) === 'string' ? -EACCES : -ENOENT;
}
