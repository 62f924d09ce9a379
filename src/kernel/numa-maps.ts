/**
 * /proc/<pid>/numa_maps (fs/proc/task_mmu.c show_numa_map, mpol_to_str).
 *
 * One line per VMA: start address, policy token, backing file, then page counts gathered from
 * the page table (the zero page is not counted, as vm_normal_page() skips it). Runs under the
 * mm's mmap_sem held for read.
 */
import { downRead, upRead } from '../shm/rwsem.js';
import { INODE, INODE_FILE, INODE_SYSV, INODE_TMPFS, MM, PAGE, PG_ACTIVE, PG_ANON, PG_DIRTY, PG_SWAPCACHE, POL, PTE_DIRTY, PTE_PFN_MASK, PTE_SWAP } from '../shm/structs.js';
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
import { DEFAULT_POLICY, getTaskPolicy, mpolCondPut, polNodes } from './mempolicy.js';
import { vmaPolicyAt } from './memory.js';
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

/** The text of /proc/<pid>/numa_maps for task `t` (null when the profile has no such file). */
export function showNumaMaps(kn: Kernel, t: number, m: number): string | null {
  const fmt = kn.profile.numaMaps;
  if (fmt === null) return null;
  const sem = kn.mm(m) + MM.SEM;
  downRead(kn.k, sem);
  try {
    const taskPol = getTaskPolicy(kn, t);
    let out = '';
    for (let i = 0; i < vmaCount(kn, m); i++) {
      const v = vmaRead(kn, m, i);
      const own = vmaPolicyAt(kn, m, i, v.start);
      let line = `${v.start.toString(16).padStart(8, '0')} ${mpolToStr(kn, own !== 0 ? own : taskPol, fmt.sep)}`;
      mpolCondPut(kn, own);
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
    upRead(kn.k, sem);
  }
}
