/**
 * /proc/<pid>/numa_maps (fs/proc/task_mmu.c show_numa_map, mpol_to_str).
 *
 * One line per VMA: start address, policy token, backing file, then page counts gathered from
 * the page table (the zero page is not counted, as vm_normal_page() skips it). A read is the
 * kernel's seq_file: m_start pins the mm and takes its mmap_sem for read, show formats each VMA,
 * m_stop releases; how show reaches the task's policy, and which references it takes and drops,
 * is each era's (kn.profile.rc), since this file was where several of the refcount bugs lived.
 */
import { downRead, upRead } from '../shm/rwsem.js';
import { INODE, INODE_FILE, INODE_SYSV, INODE_TMPFS, MM, TASK, PAGE, PG_ACTIVE, PG_ANON, PG_DIRTY, PG_SWAPCACHE, POL, PTE_DIRTY, PTE_PFN_MASK, PTE_SWAP } from '../shm/structs.js';
import {
  MPOL_BIND,
  MPOL_F_NUMA_BALANCING,
  MPOL_F_RELATIVE_NODES,
  MPOL_F_STATIC_NODES,
  MPOL_INTERLEAVE,
  MPOL_LOCAL,
  MPOL_PREFERRED,
  MPOL_PREFERRED_MANY,
  MPOL_WEIGHTED_INTERLEAVE,
  PAGE_SIZE,
} from './constants.js';
import { type Kernel } from './kernel.js';
import { DEFAULT_POLICY, mpolGetTransient, mpolPutTransient, mpolUse, polNodes } from './mempolicy.js';
import { lookupPut, lookupRef } from './vma-policy.js';
import { mmGet, mmPut } from './mm.js';
import { spinLock, spinUnlock } from '../shm/spinlock.js';
import { sitePoint } from '../sched/preempt.js';
import { detector } from '../sched/detect.js';
import { SITE } from './sites.js';
import { vmaPolicyAt } from './vma-policy.js';
import { inodePathname } from './fs.js';
import { pageWord } from './page-alloc.js';
import { vmaCount, vmaRead } from './vma.js';
import { ptWalk } from './pgtable.js';

const MODE_NAMES: Record<number, string> = {
  0: 'default',
  [MPOL_PREFERRED]: 'prefer',
  [MPOL_BIND]: 'bind',
  [MPOL_INTERLEAVE]: 'interleave',
  [MPOL_LOCAL]: 'local',
  [MPOL_PREFERRED_MANY]: 'prefer (many)',
  [MPOL_WEIGHTED_INTERLEAVE]: 'weighted interleave',
};

/** mpol_to_str: "interleave:0-3", "bind=static:1", "default". */
export function mpolToStr(kn: Kernel, p: number, sep: string): string {
  if (p === 0 || p === DEFAULT_POLICY) return 'default';
  sitePoint(SITE.mpol_to_str);
  mpolUse(kn, p, SITE.mpol_to_str);
  const mode = kn.k[kn.pol(p) + POL.MODE];
  const flags = kn.k[kn.pol(p) + POL.FLAGS];
  let s = MODE_NAMES[mode] ?? 'unknown';
  const flagWords: string[] = [];
  if (flags & MPOL_F_STATIC_NODES) flagWords.push('static');
  else if (flags & MPOL_F_RELATIVE_NODES) flagWords.push('relative');
  if (flags & MPOL_F_NUMA_BALANCING) flagWords.push('balancing');
  if (flagWords.length > 0) s += `=${flagWords.join('|')}`;
  const nodes = mode === MPOL_LOCAL ? '' : polNodes(kn, p).toString();
  return nodes === '' ? s : `${s}${sep}${nodes}`;
}

/** seq_file_path(m, file, "\n\t= "): those four characters as \ooo octal. */
function mangle(path: string): string {
  return path.replace(/[ \t\n=]/g, (c) => `\\${c.charCodeAt(0).toString(8).padStart(3, '0')}`);
}

/** The path the kernel prints for a mapped inode. */
function inodePath(kn: Kernel, ino: number): string {
  const b = kn.inode(ino);
  const kind = kn.k[b + INODE.KIND];
  if (kind === INODE_SYSV) return `/SYSV${(kn.k[b + INODE.KEY] >>> 0).toString(16).padStart(8, '0')} (deleted)`;
  return kind === INODE_FILE || kind === INODE_TMPFS ? inodePathname(kn, ino) : '/dev/zero (deleted)';
}

interface NumaMapsStats {
  pages: number;
  anon: number;
  dirty: number;
  active: number;
  mapmax: number;
  swapcache: number;
  node: Map<number, number>;
}

function gatherStats(kn: Kernel, m: number, start: number, end: number): NumaMapsStats {
  const md: NumaMapsStats = { pages: 0, anon: 0, dirty: 0, active: 0, mapmax: 0, swapcache: 0, node: new Map() };
  ptWalk(kn, m, start, end, (first, _addr, n) => {
    for (let pi = first; pi < first + n; pi++) gatherPte(kn, Atomics.load(kn.ptes, pi), md);
  });
  return md;
}

/** Count one entry (the page tables are walked present table by present table). */
function gatherPte(kn: Kernel, pte: number, md: NumaMapsStats): void {
  const pfn = (pte & PTE_PFN_MASK) - 1;
  if (pte === 0 || pte & PTE_SWAP || pfn === kn.zeroPfn) return;
  const nm = kn.pfnNode(pfn);
  const flags = Atomics.load(nm.i32, pageWord(nm, pfn, PAGE.FLAGS));
  md.pages++;
  if (flags & PG_ANON) md.anon++;
  if (pte & PTE_DIRTY || flags & PG_DIRTY) md.dirty++;
  if (flags & PG_ACTIVE) md.active++;
  if (flags & PG_SWAPCACHE) md.swapcache++;
  md.mapmax = Math.max(md.mapmax, Atomics.load(nm.i32, pageWord(nm, pfn, PAGE.MAPCOUNT)));
  md.node.set(nm.nid, (md.node.get(nm.nid) ?? 0) + 1);
}

function statsText(kn: Kernel, md: NumaMapsStats): string {
  let s = '';
  if (md.anon) s += ` anon=${md.anon}`;
  if (md.dirty) s += ` dirty=${md.dirty}`;
  if (md.pages !== md.anon && md.pages !== md.dirty) s += ` mapped=${md.pages}`;
  if (md.mapmax > 1) s += ` mapmax=${md.mapmax}`;
  if (md.swapcache) s += ` swapcache=${md.swapcache}`;
  if (md.active < md.pages) s += ` active=${md.active}`;
  for (const nid of kn.memoryIdOrder) {
    const n = md.node.get(nid);
    if (n) s += ` N${nid}=${n}`;
  }
  return s;
}

/** What m_start took for the read: the mm (with a reference) and, if the era pins one, a snapshot of the task's policy. */
interface NumaMapsPriv {
  t: number;
  m: number;
  snapshot: number;
}

/**
 * m_start: pin the mm and take its mmap_sem for read; from 3.7 also pin a snapshot of the task's
 * policy, taken under task_lock (9e7814404b77).
 */
function mStart(kn: Kernel, t: number, m: number): NumaMapsPriv {
  mmGet(kn, m);
  let snapshot = 0;
  const rule = kn.profile.rc.numaMapsTaskPolicy;
  if (rule === 'pin-fallback' || rule === 'snapshot') {
    const lock = kn.task(t) + TASK.ALLOC_LOCK;
    spinLock(kn.k, lock);
    snapshot = kn.k[kn.task(t) + TASK.POLICY];
    mpolGetTransient(kn, snapshot, SITE['numa_maps:after_m_start']);
    spinUnlock(kn.k, lock);
  }
  downRead(kn.k, kn.mm(m) + MM.SEM);
  sitePoint(SITE['numa_maps:after_m_start']);
  return { t, m, snapshot };
}

/** m_stop: drop what m_start took. */
function mStop(kn: Kernel, p: NumaMapsPriv): void {
  upRead(kn.k, kn.mm(p.m) + MM.SEM);
  sitePoint(SITE['numa_maps:m_stop']);
  mpolPutTransient(kn, p.snapshot, SITE['numa_maps:m_stop']);
  mmPut(kn, p.m);
}

/**
 * The task policy a VMA without its own falls back to, as the era reads it: the live pointer
 * with no lock and no reference (before 2.6.23: B01), with a reference taken after the load
 * (2.6.23-25: B01 form b), under the mm's mmap_sem (2.6.26-3.6: B13), the live pointer although a
 * snapshot is pinned (3.7-3.17: B15), or the snapshot (3.18 on). Returns the policy and whether a
 * reference must be dropped.
 */
function fallbackPolicy(kn: Kernel, p: NumaMapsPriv): { pol: number; ref: boolean } {
  const rule = kn.profile.rc.numaMapsTaskPolicy;
  if (rule === 'snapshot') return { pol: p.snapshot, ref: false };
  if (rule === 'mmap_sem') detector?.assertHeld(kn.k, kn.mm(p.m) + MM.SEM, false, 'another task\'s policy is read with its mm\'s mmap_sem held');
  const pol = kn.k[kn.task(p.t) + TASK.POLICY];
  sitePoint(SITE['get_vma_policy:after_task_policy_load']);
  if (rule !== 'unlocked-ref') return { pol, ref: false };
  mpolGetTransient(kn, pol, SITE['get_vma_policy:after_task_policy_load']);
  return { pol, ref: true };
}

/** The policy token of VMA `i` (show_numa_map's first field). */
function vmaPolicyText(kn: Kernel, p: NumaMapsPriv, i: number, start: number, sep: string): string {
  const rc = kn.profile.rc;
  const lock = kn.task(p.t) + TASK.ALLOC_LOCK;
  // Rientjes' interim 3.7 fix looked the policy up under task_lock: a sleeping tree lock below it is B14.
  if (rc.numaMapsTaskLock) spinLock(kn.k, lock);
  const own = vmaPolicyAt(kn, p.m, i, start);
  const ownRef = lookupRef.taken;
  const fb = own === 0 ? fallbackPolicy(kn, p) : { pol: 0, ref: false };
  if (rc.numaMapsTaskLock) spinUnlock(kn.k, lock);
  const text = mpolToStr(kn, own !== 0 ? own : fb.pol, sep);
  if (rc.numaMapsDropsLookup) lookupPut(kn, own, ownRef, SITE['numa_maps:show']);
  if (fb.ref) mpolPutTransient(kn, fb.pol, SITE['numa_maps:show']);
  return text;
}

/** The text of /proc/<pid>/numa_maps for task `t` (null when the profile has no such file). */
export function showNumaMaps(kn: Kernel, t: number, m: number): string | null {
  const fmt = kn.profile.numaMaps;
  if (fmt === null) return null;
  const priv = mStart(kn, t, m);
  try {
    let out = '';
    for (let i = 0; i < vmaCount(kn, m); i++) {
      sitePoint(SITE['numa_maps:show']);
      const v = vmaRead(kn, m, i);
      let line = `${v.start.toString(16).padStart(8, '0')} ${vmaPolicyText(kn, priv, i, v.start, fmt.sep)}`;
      if (v.inode !== 0) line += ` file=${mangle(inodePath(kn, v.inode))}`;
      const md = gatherStats(kn, m, v.start, v.end);
      if (md.pages > 0) {
        line += statsText(kn, md);
        if (fmt.kernelPageSize) line += ` kernelpagesize_kB=${PAGE_SIZE >> 10}`;
      }
      out += `${line}\n`;
    }
    return out;
  } finally {
    mStop(kn, priv);
  }
}
