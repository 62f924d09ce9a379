/**
 * Weighted interleave (MPOL_WEIGHTED_INTERLEAVE, Linux 6.9): interleave in which node N takes
 * `weight[N]` consecutive allocations per round instead of one, with the weights an
 * administrator sets in /sys/kernel/mm/mempolicy/weighted_interleave/node<N> (mm/mempolicy.c:
 * iw_table, get_il_weight, weighted_interleave_nid, weighted_interleave_nodes, node_show,
 * node_store).
 *
 * Model. The table (iw_table) is one word per node id in the kernel buffer (region `iw`): 0 is
 * "the system default" (weight 1), 1..255 a weight set through sysfs. Placement by index
 * (faults in a mapping) divides the index by the total weight of the policy's nodes and walks
 * the nodes to the one whose share holds the remainder; placement by the task's counter (no
 * index: the page cache of files) stays on `il_prev` for `il_weight` more allocations before
 * moving to the next node.
 *
 * Locking. The kernel publishes a whole new table under RCU on each write; here each node's
 * weight is a word written by one atomic store (a sysfs write changes one node). An allocation
 * loads each weight once (the kernel's read-once copy) and uses that snapshot for the whole
 * placement, so a concurrent write gives it each node's weight before or after, never a total
 * that disagrees with the walk. TASK.IL_PREV and TASK.IL_WEIGHT belong to the task itself (only
 * it allocates by its counter; set_mempolicy resets them under its mmap_sem).
 */
import { TASK } from '../shm/structs.js';
import { MPOL_WEIGHTED_INTERLEAVE } from './constants.js';
import { EACCES, EINVAL, ENOENT } from './errno.js';
import { type Kernel } from './kernel.js';
import { MACHINE_MAX_NODES, nmFirst, nmNext, nmNextIn, nmTest, nmWeight } from './nodemask.js';

/** The sysfs directory of the weights. */
export const IW_DIR = '/sys/kernel/mm/mempolicy/weighted_interleave/';
/** Largest weight (a u8). */
export const IW_MAX = 255;

/** Per-thread snapshot of the weights of one placement (nodes of the mask, in order). */
const snapshot = new Int32Array(MACHINE_MAX_NODES);

/** get_il_weight: node `nid`'s weight, the default 1 unless sysfs set one. */
export function ilWeight(kn: Kernel, nid: number): number {
  const w = Atomics.load(kn.k, kn.regions.iw + nid);
  return w === 0 ? 1 : w;
}

/** weighted_interleave_nid: the node for interleave index `ilx` over the mask (lo, hi); `local` if the mask is empty. */
export function weightedInterleaveNid(kn: Kernel, lo: number, hi: number, ilx: number, local: number): number {
  if (nmWeight(lo, hi) === 0) return local;
  let total = 0;
  let n = 0;
  for (let nid = nmFirst(lo, hi); nid >= 0; nid = nmNext(lo, hi, nid)) total += snapshot[n++] = ilWeight(kn, nid);
  let target = ilx % total;
  n = 0;
  let nid = nmFirst(lo, hi);
  while (target >= snapshot[n]) {
    target -= snapshot[n++];
    nid = nmNext(lo, hi, nid);
  }
  return nid;
}

/** weighted_interleave_nodes: the next node by task `t`'s counter (only the task itself calls this). */
export function weightedInterleaveNodes(kn: Kernel, t: number, lo: number, hi: number): number {
  const b = kn.task(t);
  const { k } = kn;
  let nid = k[b + TASK.IL_PREV];
  // il_prev starts at MAX_NUMNODES - 1 (no node yet), which no mask of this machine holds.
  if (k[b + TASK.IL_WEIGHT] === 0 || nid >= MACHINE_MAX_NODES || !nmTest(lo, hi, nid)) {
    nid = nmNextIn(lo, hi, nid);
    if (nid < 0) return nid;
    k[b + TASK.IL_PREV] = nid;
    k[b + TASK.IL_WEIGHT] = ilWeight(kn, nid);
  }
  k[b + TASK.IL_WEIGHT]--;
  return nid;
}

/** The node the task's counter gives next (get_mempolicy MPOL_F_NODE of a weighted-interleave task policy). */
export function nextWeightedInterleaveNode(kn: Kernel, t: number, lo: number, hi: number): number {
  const b = kn.task(t);
  return kn.k[b + TASK.IL_WEIGHT] !== 0 ? kn.k[b + TASK.IL_PREV] : nmNextIn(lo, hi, kn.k[b + TASK.IL_PREV]);
}

/** The node id a sysfs path names, or -1 when it is not a weight file of this machine's kernel. */
function iwNode(kn: Kernel, path: string): number {
  if (kn.profile.mpolMax <= MPOL_WEIGHTED_INTERLEAVE || !path.startsWith(IW_DIR)) return -1;
  const m = /^node(\d+)$/.exec(path.slice(IW_DIR.length));
  const nid = m && String(Number(m[1])) === m[1] ? Number(m[1]) : -1;
  return kn.onlineNodes.has(nid) ? nid : -1;
}

/** node_show: "<weight>\n", or null when `path` is not a weight file. */
export function readIwFile(kn: Kernel, path: string): string | null {
  const nid = iwNode(kn, path);
  return nid < 0 ? null : `${ilWeight(kn, nid)}\n`;
}

/**
 * kstrtou8(buf, 0): a C integer (decimal, 0x hex, 0 octal) with an optional '+' and one
 * trailing newline; null unless it is 0..255.
 */
function parseU8(s: string): number | null {
  const m = /^\+?(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)\n?$/.exec(s);
  if (!m) return null;
  const t = m[1];
  const v = /^0[xX]/.test(t) ? parseInt(t.slice(2), 16) : t.length > 1 && t[0] === '0' ? parseInt(t, 8) : parseInt(t, 10);
  return v <= IW_MAX ? v : null;
}

/**
 * node_store, as a write by a task with effective uid `euid`: '' (or a lone newline) and '0'
 * restore the default; 1..255 set the weight. 0, or -ENOENT / -EACCES / -EINVAL. Returns 1 when
 * `path` is not a weight file (the caller looks elsewhere).
 */
export function writeIwFile(kn: Kernel, path: string, data: string, euid: number): number {
  const nid = iwNode(kn, path);
  if (nid < 0) return path.startsWith(IW_DIR) ? -ENOENT : 1;
  if (euid !== 0) return -EACCES; // the files are 0644, root's
  const w = data === '' || data === '\n' ? 0 : parseU8(data);
  if (w === null) return -EINVAL;
  Atomics.store(kn.k, kn.regions.iw + nid, w);
  return 0;
}
