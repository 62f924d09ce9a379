/**
 * Machine descriptions: the options a user gives, their validation, and the default machine.
 *
 * The default is the embedded demo machine: four nodes of two CPUs and 64 MiB each, with the
 * SLIT of a four-socket ring (one hop 21, two hops 31). Validation follows what the firmware
 * tables and the kernel accept: node ids 0..63 here (MAX_NUMNODES stays 1024 for argument
 * checks), distances 10 on the diagonal and 11..254 elsewhere, memory in whole pages.
 */
import { bdevSize } from '../kernel/blockdev.js';
import { type KernelConfig, type KernelLimits, type NodeConfig, SECTION_SHIFT } from '../kernel/config.js';
import { MAX_PAGE_CLUSTER, PAGE_SIZE } from '../kernel/constants.js';
import { bufferSizes, nodeRegions } from '../kernel/kernel.js';
import { MACHINE_MAX_NODES } from '../kernel/nodemask.js';
import { DEFAULT_PROFILE, PROFILE_NAMES, findProfile } from '../kernel/profiles.js';
import { XA_SLOTS } from '../shm/structs.js';
import { type Shape, checkOptions, optionValueError } from './options.js';

/** One node of a machine description. */
export interface NodeOptions {
  /** Node id, 0..63; defaults to the node's position. Ids may be sparse. */
  id?: number;
  /** CPUs: a count (numbered after the previous node's) or explicit CPU numbers. Default 2. */
  cpus?: number | number[];
  /**
   * Memory in bytes (a multiple of 4096, at most MAX_NODE_MEMORY: about 3.9 GiB), or a string
   * like '64M', '1G'. Default 64 MiB. 0 for a memoryless node.
   */
  memory?: number | string;
}

/**
 * Options of `Machine.create`. Every field is optional; the default is the demo machine. Every
 * key is checked: an unknown one (at any level) is a RangeError naming it and the nearest known
 * name, a value of the wrong type a TypeError with code 'ERR_INVALID_ARG_TYPE'.
 */
export interface MachineOptions {
  /** Kernel profile, one of PROFILE_NAMES: '6.12' (default), '2.6.7', ... */
  kernel?: string;
  /** The nodes (1 to 64); default four nodes of two CPUs and 64 MiB. */
  nodes?: NodeOptions[];
  /** SLIT distances between the nodes, in the order of `nodes`. Default: 10 local, 21 remote (or the demo ring). */
  distance?: number[][];
  /** Seed of every pseudo-random choice (default 1). */
  seed?: number;
  /**
   * Table sizes. Devices are capped by what one buffer can hold: `diskBlocks` and `swapSlots`
   * default to the machine's pages, at most MAX_DEVICE_BLOCKS (about 4 GiB) each.
   */
  limits?: Partial<KernelLimits>;
  /**
   * vm.page-cluster: a fault on a swapped-out anonymous page swaps in the aligned cluster of
   * 2^pageCluster pages around it (0..MAX_PAGE_CLUSTER = 5, default 3, as the kernel's); 0 brings
   * in one page per fault.
   */
  pageCluster?: number;
}

/** The demo machine's SLIT: a ring of four sockets. */
export const DEMO_DISTANCE = [
  [10, 21, 31, 21],
  [21, 10, 21, 31],
  [31, 21, 10, 21],
  [21, 31, 21, 10],
];

const LIMIT_NAMES: readonly (keyof KernelLimits)[] = ['maxMms', 'maxTasks', 'maxVmas', 'pageTables', 'policySlots', 'inodes', 'xaBlocks', 'files', 'diskBlocks', 'swapSlots'];

/** The shape of MachineOptions, for checkOptions. */
const MACHINE_SHAPE: Shape = {
  kernel: 'string',
  nodes: { array: { id: 'number', cpus: 'number|number[]', memory: 'string|number' } },
  distance: 'number[][]',
  seed: 'number',
  limits: { object: Object.fromEntries(LIMIT_NAMES.map((k) => [k, 'number'])) },
  pageCluster: 'number',
};

/**
 * V8 views at most 2^32 elements of a buffer with one typed array, and node memory and block
 * devices are viewed byte by byte: each must stay within 4 GiB.
 */
const MAX_VIEW_BYTES = 2 ** 32;

/** The most pages whose node buffer (header, 36 bytes of metadata per frame, frames) fits one view. */
function maxNodePages(): number {
  let pages = Math.floor(MAX_VIEW_BYTES / (PAGE_SIZE + 36));
  while (nodeRegions(pages).size > MAX_VIEW_BYTES) pages -= 1 << SECTION_SHIFT;
  return pages - (pages % (1 << SECTION_SHIFT));
}

/** Largest memory of one node, in bytes (a little under 4 GiB): what one buffer's byte view reaches. */
export const MAX_NODE_MEMORY = maxNodePages() * PAGE_SIZE;

/** Largest disk or swap device, in 4 KiB blocks (a little under 4 GiB), for the same reason. */
export const MAX_DEVICE_BLOCKS = (() => {
  let blocks = MAX_VIEW_BYTES / PAGE_SIZE;
  while (bdevSize(blocks) > MAX_VIEW_BYTES) blocks--;
  return blocks;
})();

function invalid(what: string): RangeError {
  return optionValueError('Machine.create', what);
}

/** Parse '64M', '1G', '512K' or a byte count. */
export function parseSize(v: number | string): number {
  if (typeof v === 'number') return v;
  const m = /^(\d+)\s*([KMG]?)i?B?$/i.exec(v.trim());
  if (!m) throw invalid(`memory size '${v}' is not a size like 64M`);
  const mult = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 }[m[2].toUpperCase() as '' | 'K' | 'M' | 'G'];
  return Number(m[1]) * mult;
}

function buildNodes(opts: NodeOptions[]): NodeConfig[] {
  if (opts.length === 0 || opts.length > MACHINE_MAX_NODES) throw invalid(`a machine has 1 to ${MACHINE_MAX_NODES} nodes`);
  const seenCpus = new Set<number>();
  const seenIds = new Set<number>();
  let nextCpu = 0;
  let nextPfn = 1 << SECTION_SHIFT;
  const nodes = opts.map((o, i) => {
    const id = o.id ?? i;
    if (!Number.isInteger(id) || id < 0 || id >= MACHINE_MAX_NODES) throw invalid(`node id ${id} is not in 0..${MACHINE_MAX_NODES - 1}`);
    if (seenIds.has(id)) throw invalid(`node id ${id} appears twice`);
    seenIds.add(id);
    const c = o.cpus ?? 2;
    const cpus = typeof c === 'number' ? Array.from({ length: c }, (_, k) => nextCpu + k) : [...c];
    for (const cpu of cpus) {
      if (!Number.isInteger(cpu) || cpu < 0 || cpu > 4095 || seenCpus.has(cpu)) throw invalid(`node ${id}: cpu ${cpu} is invalid or taken`);
      seenCpus.add(cpu);
      nextCpu = Math.max(nextCpu, cpu + 1);
    }
    const bytes = parseSize(o.memory ?? 64 * 1024 ** 2);
    if (!Number.isInteger(bytes) || bytes < 0 || bytes % PAGE_SIZE !== 0) throw invalid(`node ${id}: memory ${bytes} is not a whole number of 4 KiB pages`);
    if (bytes > MAX_NODE_MEMORY) {
      throw invalid(`node ${id}: memory ${bytes} is more than ${MAX_NODE_MEMORY} bytes (${MAX_NODE_MEMORY >> 20} MiB), the most one node holds: a node's frames and struct pages are one SharedArrayBuffer, and V8 views at most 4 GiB of a buffer`);
    }
    const pages = bytes / PAGE_SIZE;
    const node: NodeConfig = { id, cpus, pages, basePfn: nextPfn };
    nextPfn += Math.ceil(pages / (1 << SECTION_SHIFT)) * (1 << SECTION_SHIFT) || 1 << SECTION_SHIFT;
    return node;
  });
  if (seenCpus.size === 0) throw invalid('the machine has no CPU');
  if (!nodes.some((n) => n.pages > 0)) throw invalid('the machine has no memory');
  if (nextPfn >= 1 << 28) throw invalid('more memory than the page-table encoding addresses');
  return nodes;
}

function defaultDistance(n: number): number[][] {
  if (n === 4) return DEMO_DISTANCE.map((r) => [...r]);
  return Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 10 : 21)));
}

function checkDistance(d: unknown, n: number): number[][] {
  if (!Array.isArray(d) || d.length !== n || !d.every((r) => Array.isArray(r) && r.length === n)) throw invalid(`distance must be a ${n}x${n} matrix`);
  d.forEach((row: number[], i) =>
    row.forEach((v, j) => {
      const ok = Number.isInteger(v) && (i === j ? v === 10 : v >= 11 && v <= 254);
      if (!ok) throw invalid(`distance[${i}][${j}] = ${v}: the SLIT wants 10 on the diagonal and 11..254 elsewhere`);
    }),
  );
  return d as number[][];
}

function buildLimits(nodes: NodeConfig[], l: Partial<KernelLimits> = {}): KernelLimits {
  const totalPages = nodes.reduce((s, n) => s + n.pages, 0);
  const inodes = l.inodes ?? 256;
  const out: KernelLimits = {
    maxMms: l.maxMms ?? 64,
    maxTasks: l.maxTasks ?? 256,
    maxVmas: l.maxVmas ?? 1024,
    pageTables: l.pageTables ?? 16 * (l.maxMms ?? 64) + 4 * Math.ceil(totalPages / 512) + 64,
    policySlots: l.policySlots ?? 8192,
    inodes,
    xaBlocks: l.xaBlocks ?? 2 * inodes + 4 * Math.ceil(totalPages / XA_SLOTS) + 64,
    files: l.files ?? 256,
    diskBlocks: l.diskBlocks ?? Math.min(MAX_DEVICE_BLOCKS, Math.max(1024, totalPages)),
    swapSlots: l.swapSlots ?? Math.min(MAX_DEVICE_BLOCKS, Math.max(1024, totalPages)),
  };
  for (const [k, v] of Object.entries(out)) {
    const least = k === 'swapSlots' ? 0 : 2; // no swap at all is a valid machine (swapoff)
    if (!Number.isSafeInteger(v) || v < least) throw invalid(`limits.${k} = ${v} is not an integer of at least ${least}`);
  }
  for (const k of ['diskBlocks', 'swapSlots'] as const) {
    if (out[k] > MAX_DEVICE_BLOCKS) throw invalid(`limits.${k} = ${out[k]} is more than ${MAX_DEVICE_BLOCKS} blocks: a device is one SharedArrayBuffer, and V8 views at most 4 GiB of a buffer`);
  }
  checkBufferSizes(out);
  return out;
}

/** The machine-wide tables must each fit the elements one typed array can view (2^32). */
function checkBufferSizes(l: KernelLimits): void {
  const sizes = bufferSizes(l);
  const views: [string, number, string][] = [
    ['kernel', sizes.kernel / 4, 'policySlots, maxTasks, inodes, xaBlocks, files, swapSlots'],
    ['VMA', sizes.vmas / 8, 'maxMms x maxVmas'],
    ['page-table', sizes.ptes / 4, 'maxMms, pageTables'],
  ];
  for (const [name, elements, by] of views) {
    if (elements > MAX_VIEW_BYTES) throw invalid(`the ${name} buffer would have ${elements} entries, more than the 2^32 one typed array views: lower limits.{${by}}`);
  }
}

/**
 * Validate options into the kernel's static configuration. Throws a TypeError (wrong type) or a
 * RangeError (unknown option, bad value) on bad input, before anything is allocated.
 */
export function buildConfig(o: MachineOptions = {}): KernelConfig {
  checkOptions('Machine.create', 'options', o, MACHINE_SHAPE);
  const profile = o.kernel ?? DEFAULT_PROFILE;
  if (!findProfile(profile)) throw invalid(`unknown kernel profile '${profile}' (known: ${PROFILE_NAMES.join(', ')})`);
  const nodes = buildNodes(o.nodes ?? [{}, {}, {}, {}]);
  const order = nodes.map((n, i) => [n, i] as const).sort((a, b) => a[0].id - b[0].id);
  const d = checkDistance(o.distance ?? defaultDistance(nodes.length), nodes.length);
  const seed = o.seed ?? 1;
  if (!Number.isSafeInteger(seed)) throw invalid(`seed ${seed} is not an integer`);
  const pageCluster = o.pageCluster ?? 3;
  if (!Number.isInteger(pageCluster) || pageCluster < 0 || pageCluster > MAX_PAGE_CLUSTER) throw invalid(`pageCluster ${pageCluster} is not an integer in 0..${MAX_PAGE_CLUSTER}`);
  return {
    profile,
    nodes: order.map(([n]) => n),
    distance: order.map(([, i]) => order.map(([, j]) => d[i][j])),
    limits: buildLimits(nodes, o.limits),
    seed,
    pageCluster,
  };
}
