/**
 * The emulated kernel's view of its shared memory, one instance per thread.
 *
 * `Kernel` maps every buffer of a machine (kernel tables, VMAs, page tables, each node's memory)
 * and derives, from the static configuration, what the real kernel computes at boot: node states,
 * zonelists (fallback order), the pfn-to-node table, the zero page. It holds no mutable kernel
 * state of its own: everything that changes lives in the buffers, so any thread holding a
 * `Kernel` for the same buffers sees and changes the same machine.
 */
import { BUG, BUG_ON, LINE_WORDS, RegionPlanner, align, assertLayout } from '../shm/layout.js';
import { DENTRY, FDT, FILE, INODE, KERNEL_MAGIC, KHDR, MAX_FDS, MM, NAME_WORDS, NODE, PAGE, POL, SPN, SP_MAX, TASK, VMA, VMA_SLACK, XA_SLOTS } from '../shm/structs.js';
import { bindOwners, ownerTableWords } from '../shm/owner.js';
import { SLOT_MASK } from './slab.js';
import { installKernelNaming } from './sites.js';
import { type BlockDev, bdevMap, bdevSize } from './blockdev.js';
import { type KernelConfig, type KernelLimits, SECTION_SHIFT } from './config.js';
import { PAGE_SIZE } from './constants.js';
import { MACHINE_MAX_NODES, Nodemask } from './nodemask.js';
import { PTRS_PER_TABLE, pgtableFormat, ptesWords } from './pgtable.js';
import { type KernelProfile, findProfile } from './profiles.js';

/** Word offsets of the regions of the kernel buffer. */
export interface KernelRegions {
  readonly words: number;
  readonly pol: number;
  readonly task: number;
  readonly mm: number;
  readonly inode: number;
  readonly sp: number;
  readonly spn: number;
  readonly xa: number;
  readonly dentry: number;
  readonly names: number;
  readonly file: number;
  readonly fdt: number;
  readonly fds: number;
  readonly swapMap: number;
  readonly swapCache: number;
  readonly owners: number;
  /** iw_table: one weighted-interleave weight per node id (weighted-interleave.ts). */
  readonly iw: number;
}

/** Carve the kernel buffer for the given table sizes (slot 0 of each table is NULL). */
export function kernelRegions(l: KernelLimits): KernelRegions {
  const p = new RegionPlanner();
  p.take('hdr', KHDR.WORDS);
  const pol = p.take('pol', l.policySlots * POL.WORDS);
  const task = p.take('task', l.maxTasks * TASK.WORDS);
  const mm = p.take('mm', l.maxMms * MM.WORDS);
  const inode = p.take('inode', l.inodes * INODE.WORDS);
  const sp = p.take('sp', l.inodes * SP_MAX);
  const spn = p.take('spn', spNodeSlots(l) * SPN.WORDS);
  const xa = p.take('xa', l.xaBlocks * XA_SLOTS);
  const dentry = p.take('dentry', l.files * DENTRY.WORDS);
  const names = p.take('names', l.files * NAME_WORDS);
  const file = p.take('file', l.files * FILE.WORDS);
  const fdt = p.take('fdt', l.maxMms * FDT.WORDS);
  const fds = p.take('fds', l.maxMms * MAX_FDS);
  const swapMap = p.take('swapMap', l.swapSlots);
  const swapCache = p.take('swapCache', l.swapSlots);
  const owners = p.take('owners', ownerTableWords(ownerCount(l)));
  const iw = p.take('iw', MACHINE_MAX_NODES);
  return { words: p.words, pol, task, mm, inode, sp, spn, xa, dentry, names, file, fdt, fds, swapMap, swapCache, owners, iw };
}

/** Slots of the sp_node slab: the shared-policy ranges of every object together. */
export function spNodeSlots(l: KernelLimits): number {
  return Math.min(l.inodes * 16 + 64, SLOT_MASK + 1);
}

/**
 * Lock owner ids (owner.ts): a task worker is its task slot, a node worker maxTasks + its node
 * id, the main thread maxTasks + 64, any other thread maxTasks + 65.
 */
export function ownerCount(l: KernelLimits): number {
  return l.maxTasks + 66;
}
/** The owner id of node `nid`'s worker. */
export function nodeOwner(l: KernelLimits, nid: number): number {
  return l.maxTasks + nid;
}
/** The owner id of the machine's main thread. */
export function mainOwner(l: KernelLimits): number {
  return l.maxTasks + 64;
}

/** Offsets inside a node's buffer: header, struct pages, free stack (words), frames (bytes). */
export interface NodeRegions {
  readonly meta: number;
  readonly free: number;
  readonly frameByte: number;
  readonly size: number;
}

export function nodeRegions(pages: number): NodeRegions {
  const meta = align(NODE.WORDS, LINE_WORDS);
  const free = align(meta + pages * PAGE.WORDS, LINE_WORDS);
  const frameByte = align((free + pages) * 4, PAGE_SIZE);
  return { meta, free, frameByte, size: frameByte + pages * PAGE_SIZE };
}

/** Sizes in bytes of the machine-wide buffers. */
export function bufferSizes(l: KernelLimits): { kernel: number; vmas: number; ptes: number; disk: number; swap: number } {
  return {
    disk: bdevSize(l.diskBlocks),
    swap: bdevSize(l.swapSlots),
    kernel: kernelRegions(l).words * 4,
    vmas: l.maxMms * (l.maxVmas + VMA_SLACK) * VMA.WORDS * 8,
    ptes: ptesWords(l.maxMms, l.pageTables) * 4,
  };
}

/** The buffers of one machine, as passed to every worker. */
export interface MachineBuffers {
  readonly kernel: SharedArrayBuffer;
  readonly vmas: SharedArrayBuffer;
  readonly ptes: SharedArrayBuffer;
  /** The disk under the files. */
  readonly disk: SharedArrayBuffer;
  /** The swap device. */
  readonly swap: SharedArrayBuffer;
  /** Node buffers by node id (memoryless nodes have one too, with no frames). */
  readonly nodes: Readonly<Record<number, SharedArrayBuffer>>;
}

/** One node's memory as mapped in this thread. */
export interface NodeMem {
  readonly nid: number;
  readonly pages: number;
  readonly basePfn: number;
  readonly i32: Int32Array;
  readonly bytes: Uint8Array;
  readonly meta: number;
  readonly free: number;
  readonly frameByte: number;
  /** Per frame, its 4 KiB view once made (frameView); this thread's own. */
  readonly views: (Uint8Array | null)[];
}

export class Kernel {
  readonly profile: KernelProfile;
  readonly k: Int32Array;
  readonly vmas: Float64Array;
  readonly ptes: Int32Array;
  readonly disk: BlockDev;
  readonly swap: BlockDev;
  readonly regions: KernelRegions;
  /** Node memory by node id (sparse). */
  readonly node: (NodeMem | undefined)[] = [];
  /** Node ids in ascending order. */
  readonly nodeIds: readonly number[];
  /** node_states[N_ONLINE] and node_states[N_MEMORY]. */
  readonly onlineNodes: Nodemask;
  readonly memoryNodes: Nodemask;
  /** Memory nodes in id order (2.6.x BIND's private zonelist). */
  readonly memoryIdOrder: readonly number[];
  /** nr_node_ids: highest possible node id + 1. */
  readonly nrNodeIds: number;
  /** CPU number -> node id. */
  readonly cpuNode: readonly number[];
  /** Per node id: memory nodes in the kernel's fallback order (its zonelist). */
  readonly zonelist: (readonly number[])[] = [];
  /** pfn of the shared zero page (reserved on the first memory node). */
  readonly zeroPfn: number;
  private readonly sectionNid: Int8Array;
  private readonly distanceTable: number[] = [];

  constructor(
    readonly cfg: KernelConfig,
    readonly bufs: MachineBuffers,
  ) {
    const profile = findProfile(cfg.profile);
    if (profile === undefined) throw new Error(`numa-emu BUG: unknown kernel profile ${cfg.profile}`);
    this.profile = profile;
    this.regions = kernelRegions(cfg.limits);
    this.k = new Int32Array(bufs.kernel);
    this.vmas = new Float64Array(bufs.vmas);
    this.ptes = new Int32Array(bufs.ptes);
    this.disk = bdevMap(bufs.disk, cfg.limits.diskBlocks);
    this.swap = bdevMap(bufs.swap, cfg.limits.swapSlots);
    const sizes = bufferSizes(cfg.limits);
    assertLayout(bufs.kernel.byteLength === sizes.kernel, 'kernel buffer size matches its regions');
    assertLayout(bufs.vmas.byteLength === sizes.vmas && bufs.ptes.byteLength === sizes.ptes, 'vma and pte buffers');
    this.nodeIds = cfg.nodes.map((n) => n.id);
    this.nrNodeIds = Math.max(...this.nodeIds) + 1;
    this.onlineNodes = Nodemask.of(this.nodeIds);
    this.memoryNodes = Nodemask.of(cfg.nodes.filter((n) => n.pages > 0).map((n) => n.id));
    this.memoryIdOrder = this.memoryNodes.nodes();
    const cpuNode: number[] = [];
    let lastPfn = 0;
    for (const n of cfg.nodes) {
      for (const c of n.cpus) cpuNode[c] = n.id;
      this.node[n.id] = this.mapNode(n.id, n.pages, n.basePfn);
      lastPfn = Math.max(lastPfn, n.basePfn + n.pages);
    }
    this.cpuNode = cpuNode;
    this.sectionNid = this.buildSections(lastPfn);
    for (let i = 0; i < cfg.nodes.length; i++) {
      for (let j = 0; j < cfg.nodes.length; j++) {
        this.distanceTable[cfg.nodes[i].id * 64 + cfg.nodes[j].id] = cfg.distance[i][j];
      }
    }
    for (const id of this.nodeIds) this.zonelist[id] = this.buildZonelist(id);
    this.zeroPfn = this.node[this.memoryNodes.first]!.basePfn;
  }

  private mapNode(nid: number, pages: number, basePfn: number): NodeMem {
    const buf = this.bufs.nodes[nid];
    BUG_ON(buf === undefined, `node ${nid} has no buffer`);
    const r = nodeRegions(pages);
    assertLayout(buf.byteLength === r.size, `node ${nid} buffer size`);
    return { nid, pages, basePfn, i32: new Int32Array(buf), bytes: new Uint8Array(buf), meta: r.meta, free: r.free, frameByte: r.frameByte, views: [] };
  }

  private buildSections(lastPfn: number): Int8Array {
    const sec = new Int8Array((lastPfn >> SECTION_SHIFT) + 1).fill(-1);
    for (const n of this.cfg.nodes) {
      for (let s = n.basePfn >> SECTION_SHIFT; s << SECTION_SHIFT < n.basePfn + n.pages; s++) sec[s] = n.id;
    }
    return sec;
  }

  /**
   * build_zonelists: memory nodes by distance from `nid`; among equal distances the kernel
   * penalises nodes below `nid` by one (find_next_best_node), then takes lower ids first.
   */
  private buildZonelist(nid: number): number[] {
    const key = (n: number) => this.distance(nid, n) + (n < nid ? 1 : 0);
    return this.memoryNodes.nodes().sort((a, b) => key(a) - key(b) || a - b);
  }

  /** node_distance(a, b) from the SLIT. */
  distance(a: number, b: number): number {
    return this.distanceTable[a * 64 + b];
  }

  /** The node holding page frame `pfn`. */
  pfnNode(pfn: number): NodeMem {
    const nid = this.sectionNid[pfn >> SECTION_SHIFT];
    if (nid === undefined || nid < 0) BUG(`pfn ${pfn} belongs to no node`);
    return this.node[nid]!;
  }

  /** page_to_nid */
  pfnToNid(pfn: number): number {
    return this.sectionNid[pfn >> SECTION_SHIFT];
  }


  /** Word index of policy `p` (a tagged pointer or a slot). */
  pol(p: number): number {
    return this.regions.pol + (p & SLOT_MASK) * POL.WORDS;
  }
  /** Word index of task `t`. */
  task(t: number): number {
    return this.regions.task + t * TASK.WORDS;
  }
  /** Word index of mm `m`. */
  mm(m: number): number {
    return this.regions.mm + m * MM.WORDS;
  }
  /** Word index of shmem object `s`. */
  inode(s: number): number {
    return this.regions.inode + s * INODE.WORDS;
  }
  /** Word index of dentry `d`; its name's first word is at `name(d)`. */
  dentry(d: number): number {
    return this.regions.dentry + d * DENTRY.WORDS;
  }
  name(d: number): number {
    return this.regions.names + d * NAME_WORDS;
  }
  /** Word index of open file `f`. */
  file(f: number): number {
    return this.regions.file + f * FILE.WORDS;
  }
  /** Word index of fd table `d`, and of its fd `fd`. */
  fdt(d: number): number {
    return this.regions.fdt + d * FDT.WORDS;
  }
  fd(d: number, fd: number): number {
    return this.regions.fds + d * MAX_FDS + fd;
  }
  /** Word index of the `i`-th node pointer of object `s`'s shared-policy tree. */
  sp(s: number, i: number): number {
    return this.regions.sp + s * SP_MAX + i;
  }
  /** Word index of sp_node `n` (a tagged pointer or a slot). */
  spn(n: number): number {
    return this.regions.spn + (n & SLOT_MASK) * SPN.WORDS;
  }
  /** Slots of the sp_node slab. */
  get spNodeSlots(): number {
    return spNodeSlots(this.cfg.limits);
  }
  /** Bind this thread to the machine as lock owner `owner` (its lock words, its dead-owner table). */
  bindThread(owner: number): void {
    bindOwners(this.k, this.regions.owners, ownerCount(this.cfg.limits), owner, this.lockArrays());
    installKernelNaming(this);
  }
  /** Who lock owner `id` is, for messages: 'task 1002 of process 1000', 'node 1's worker (kswapd)'. */
  ownerName(id: number): string {
    const l = this.cfg.limits;
    if (id > 0 && id < l.maxTasks) {
      const b = this.task(id);
      return this.k[b + TASK.TID] === 0 ? `task slot ${id}` : `task ${this.k[b + TASK.TID]} of process ${this.k[b + TASK.TGID]}`;
    }
    if (id === mainOwner(l)) return "the machine's main thread";
    if (id >= nodeOwner(l, 0) && id < mainOwner(l)) return `node ${id - nodeOwner(l, 0)}'s worker (kswapd)`;
    return `lock owner ${id}`;
  }
  /** The machine's arrays that hold lock words, in the same order in every thread. */
  lockArrays(): Int32Array[] {
    return [this.k, ...this.nodeIds.map((id) => this.node[id]!.i32), this.disk.i32, this.swap.i32];
  }
  /** Float64 index of VMA `i` of mm `m`. */
  vma(m: number, i: number): number {
    return (m * (this.cfg.limits.maxVmas + VMA_SLACK) + i) * VMA.WORDS;
  }
  /**
   * Index in `ptes` of the page-table entry for `addr` (below TASK_SIZE) in mm `m`: a walk of
   * the four levels (pgtable.ts). Through an absent table it is 0, the zero table's entry, which
   * reads 0 and must never be written: code that installs an entry uses pteAlloc.
   */
  pteIndex(m: number, addr: number): number {
    // Below 2^47 both parts fit in 31 bits, so `| 0` truncates them (faster than Math.floor);
    // scaling by a power of two is exact.
    const top = (addr * 2 ** -39) | 0; // 2^39 bytes under each PGD entry
    const low = ((addr - top * 2 ** 39) * 2 ** -12) | 0;
    if (top >= PTRS_PER_TABLE) return 0;
    const p = this.ptes;
    const pud = p[m * PTRS_PER_TABLE + top];
    const pmd = pud === 0 ? 0 : p[pud * PTRS_PER_TABLE + (low >>> 18)];
    const pt = pmd === 0 ? 0 : p[pmd * PTRS_PER_TABLE + ((low >>> 9) & 511)];
    return pt === 0 ? 0 : pt * PTRS_PER_TABLE + (low & 511);
  }

  /** The node the CPU a task runs on belongs to (numa_node_id()). */
  taskNode(t: number): number {
    return this.cpuNode[Atomics.load(this.k, this.task(t) + TASK.CPU)];
  }

  /** Initialise a fresh kernel buffer (done once, by the machine, before any worker starts). */
  static format(k: Int32Array, regions: KernelRegions, l: KernelLimits): void {
    k[KHDR.MAGIC] = KERNEL_MAGIC;
    k[KHDR.NEXT_PID] = 999;
    // Free lists thread through slots 2.. of the slab (0 is NULL, 1 is default_policy) and
    // 1.. of the xarray pool.
    for (let p = 2; p < l.policySlots; p++) k[regions.pol + p * POL.WORDS + POL.NEXT_FREE] = p + 1 < l.policySlots ? p + 1 : 0;
    k[KHDR.SLAB_FREE] = l.policySlots > 2 ? 2 : 0;
    for (let b = 1; b < l.xaBlocks; b++) k[regions.xa + b * XA_SLOTS] = b + 1 < l.xaBlocks ? b + 1 : 0;
    k[KHDR.XA_FREE] = l.xaBlocks > 1 ? 1 : 0;
    const spn = spNodeSlots(l);
    for (let n = 1; n < spn; n++) k[regions.spn + n * SPN.WORDS + SPN.NEXT_FREE] = n + 1 < spn ? n + 1 : 0;
    k[KHDR.SPN_FREE] = spn > 1 ? 1 : 0;
    k[KHDR.XA_NR_FREE] = l.xaBlocks - 1;
    pgtableFormat(k, l.maxMms, l.pageTables);
  }
}
