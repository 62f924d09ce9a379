/**
 * The system calls the fuzzer makes, one entry each: the `Sys` method, how it may be scheduled,
 * how often, and how its arguments are drawn for the calling task from the model (its regions,
 * its fds, the machine's nodes and CPUs).
 *
 * Kinds:
 *   data        runs in data rounds, many tasks at once; it must not change any mapping or fd
 *               table, and writes only the calling task's own slot (see model.ts);
 *   structural  changes its process's mappings or fd table: runs alone in its process that
 *               round (other processes go on at once);
 *   solo        runs alone on the machine (truncation, position-based I/O, and the process
 *               calls fork, clone, exit, exec, which the runner makes through the machine API).
 *
 * A call without effects on the bytes the model tracks needs nothing but its line here: the
 * runner checks that it returns or fails with an errno. Calls that move bytes (store, load,
 * touch, pread, pwrite, read, write) or change mappings and files have their effects in
 * effects.ts. For example, once migration lands:
 *   { name: 'migratePages', kind: 'data', weight: 2, args: (c) => [c.pid(), 65, c.nodemask(), c.nodemask()] },
 *   { name: 'movePages', kind: 'data', weight: 3, args: (c) => [c.pid(), c.pages(4), c.nodes(4), c.moveFlags()] },
 */
import {
  IPC_CREAT,
  IPC_EXCL,
  IPC_PRIVATE,
  IPC_RMID,
  IPC_STAT,
  MAP_ANONYMOUS,
  MAP_FIXED,
  MAP_FIXED_NOREPLACE,
  MAP_POPULATE,
  MAP_PRIVATE,
  MAP_SHARED,
  MPOL_F_ADDR,
  MPOL_F_MEMS_ALLOWED,
  MPOL_F_NODE,
  MPOL_F_RELATIVE_NODES,
  MPOL_F_STATIC_NODES,
  MPOL_MF_MOVE,
  MPOL_MF_MOVE_ALL,
  MPOL_MF_STRICT,
  O_APPEND,
  O_CREAT,
  O_EXCL,
  O_RDONLY,
  O_RDWR,
  O_TRUNC,
  O_WRONLY,
  PROT_READ,
  PROT_WRITE,
  SHM_RDONLY,
} from '../src/index.js';
import { P, SLOT, type ProcModel, type Region, type TaskModel } from './model.js';
import { mulberry32 } from '../src/sched/random.js';

export type CallKind = 'data' | 'structural' | 'solo';

/** A call as it crosses to a task's worker: the `Sys` method and its arguments. */
export type WireCall = [name: string, ...args: unknown[]];

/** What argument drawing needs of the world: the caller, the other processes, the machine. */
export interface World {
  procs: ProcModel[];
  nodes: number[];
  cpus: number[];
  /** Live SysV ids the model knows (and a few it forgot). */
  shmIds: number[];
}

export const FILE_NAMES = ['/f0', '/f1', '/f2', '/dev/shm/t0', '/dev/shm/t1'];
const SHM_KEYS = [IPC_PRIVATE, 0x11, 0x22, 0x33];

/** The argument drawer for one call of task `task`. */
export class Ctx {
  private readonly rnd: () => number;

  constructor(
    seed: number,
    readonly world: World,
    readonly task: TaskModel,
  ) {
    this.rnd = mulberry32(seed); // the random source of one call's arguments, from the call's seed
  }

  get proc(): ProcModel {
    return this.task.proc;
  }

  int(n: number): number {
    return Math.floor(this.rnd() * n);
  }

  chance(p: number): boolean {
    return this.rnd() < p;
  }

  pick<T>(xs: readonly T[]): T | undefined {
    return xs.length === 0 ? undefined : xs[this.int(xs.length)];
  }

  region(filter: (r: Region) => boolean = () => true): Region | undefined {
    return this.pick(this.proc.regions.filter(filter));
  }

  /** A page of one of the caller's regions (and the region), or undefined. */
  page(filter?: (r: Region) => boolean): { r: Region; addr: number } | undefined {
    const r = this.region(filter);
    return r && { r, addr: r.start + this.int((r.end - r.start) / P) * P };
  }

  /** The caller's slot in the page at `page`. */
  slot(page: number): number {
    return page + this.task.actor * SLOT;
  }

  /** A range of whole pages starting in one region, sometimes running past its end. */
  range(): [number, number] | undefined {
    const pg = this.page();
    if (!pg) return undefined;
    const left = (pg.r.end - pg.addr) / P;
    return [pg.addr, (1 + this.int(this.chance(0.2) ? left + 4 : left)) * P];
  }

  /** A page-aligned address anywhere near the caller's mappings (mapped or not). */
  nearAddr(): number {
    const pg = this.page();
    return pg ? pg.addr + (this.int(9) - 4) * P : 0x7f0000000000 - (1 + this.int(64)) * P;
  }

  /** A page-aligned address anywhere in the user address space (far from the mmap base, often). */
  farAddr(len: number): number {
    const top = 0x7ffffffff000 - len;
    return this.pick([0x400000, 0x7f0000000000, top, 0x10000 + this.int(Math.floor((top - 0x10000) / P)) * P])!;
  }

  mode(): number {
    const m = this.chance(0.03) ? 7 : this.int(7);
    const flags = this.chance(0.1) ? this.pick([MPOL_F_STATIC_NODES, MPOL_F_RELATIVE_NODES])! : 0;
    return m | flags;
  }

  nodemask(): bigint | null {
    if (this.chance(0.05)) return null;
    if (this.chance(0.05)) return BigInt(1 + this.int(0xffff)) << 4n; // nodes the machine may not have
    let mask = 0n;
    for (const n of this.world.nodes) if (this.chance(0.5)) mask |= 1n << BigInt(n);
    return mask === 0n && this.chance(0.8) ? 1n << BigInt(this.pick(this.world.nodes)!) : mask;
  }

  maxnode(): number {
    return this.chance(0.9) ? 65 : this.pick([0, 1, 2, 64, 1025])!;
  }

  mbindFlags(): number {
    return this.chance(0.5) ? 0 : this.pick([MPOL_MF_STRICT, MPOL_MF_MOVE, MPOL_MF_MOVE | MPOL_MF_STRICT, MPOL_MF_MOVE_ALL, 8])!;
  }

  getFlags(): number {
    return this.pick([0, MPOL_F_ADDR, MPOL_F_NODE | MPOL_F_ADDR, MPOL_F_NODE, MPOL_F_MEMS_ALLOWED, 8])!;
  }

  cpu(): number {
    return this.chance(0.03) ? 4096 : this.pick(this.world.cpus)!;
  }

  pid(): number {
    return this.chance(0.1) ? 0 : (this.pick(this.world.procs)?.pid ?? 0);
  }

  /** One of the caller's fds, or (rarely) a number that is not open. */
  fd(): number {
    const fds = [...this.proc.fds.keys()];
    return fds.length === 0 || this.chance(0.03) ? this.int(70) : this.pick(fds)!;
  }

  openFlags(): number {
    const acc = this.pick([O_RDWR, O_RDWR, O_RDWR, O_RDONLY, O_WRONLY])!;
    return acc | (this.chance(0.7) ? O_CREAT : 0) | (this.chance(0.05) ? O_EXCL : 0) | (this.chance(0.05) ? O_APPEND : 0);
  }

  /** Pages 1..n, sometimes larger. */
  pages(n: number): number {
    return 1 + this.int(this.chance(0.1) ? 4 * n : n);
  }

  shmId(): number {
    return this.pick(this.world.shmIds) ?? this.int(100000);
  }

  shmKey(): number {
    return this.pick(SHM_KEYS)!;
  }
}

/** One system call the fuzzer knows. `args` returns null when the caller has nothing to call it on. */
export interface CallSpec {
  name: string;
  kind: CallKind;
  weight: number;
  args: (c: Ctx) => unknown[] | null;
}

const RW = PROT_READ | PROT_WRITE;

/** mmap of a new region: anonymous or of one of the caller's fds, sometimes MAP_FIXED over what is there. */
function mmapArgs(c: Ctx): unknown[] {
  const shared = c.chance(0.4);
  const file = c.chance(0.35) && c.proc.fds.size > 0;
  const len = c.pages(16) * P;
  const prot = c.chance(0.8) ? RW : PROT_READ;
  let flags = (shared ? MAP_SHARED : MAP_PRIVATE) | (file ? 0 : MAP_ANONYMOUS);
  let addr = 0;
  if (c.chance(0.3)) {
    addr = c.chance(0.8) ? c.nearAddr() : c.farAddr(len);
    flags |= c.chance(0.8) ? MAP_FIXED : MAP_FIXED_NOREPLACE;
  }
  if ((shared || !file) && c.chance(0.1)) flags |= MAP_POPULATE; // not private file: which pages it copies depends on the races
  return [addr, len, prot, flags, file ? c.fd() : -1, file ? c.int(4) * P : 0];
}

/** The calls, by kind. Weights are relative within a kind. */
export const CALLS: readonly CallSpec[] = [
  // Data: bytes through mappings and files (effects.ts checks and records them).
  { name: 'store', kind: 'data', weight: 30, args: (c) => slotArgs(c, (a) => [a, c.int(SLOT) + 1]) },
  { name: 'load', kind: 'data', weight: 20, args: (c) => slotArgs(c, (a) => [a, SLOT]) },
  { name: 'touch', kind: 'data', weight: 6, args: touchArgs },
  { name: 'pread', kind: 'data', weight: 5, args: (c) => (c.proc.fds.size ? [c.fd(), SLOT, c.int(24) * P + c.task.actor * SLOT] : null) },
  { name: 'pwrite', kind: 'data', weight: 6, args: (c) => (c.proc.fds.size ? [c.fd(), c.int(SLOT) + 1, c.int(24) * P + c.task.actor * SLOT] : null) },
  // Data: policies and placement (no effect on bytes; the runner checks the errno contract).
  { name: 'mbind', kind: 'data', weight: 8, args: (c) => mbindArgs(c) },
  { name: 'setMempolicy', kind: 'data', weight: 5, args: (c) => [c.mode(), c.nodemask(), c.maxnode()] },
  { name: 'getMempolicy', kind: 'data', weight: 5, args: (c) => [c.chance(0.3) ? null : c.maxnode(), c.chance(0.7) ? c.nearAddr() : 0, c.getFlags()] },
  { name: 'fsync', kind: 'data', weight: 2, args: (c) => (c.proc.fds.size ? [c.fd()] : null) },
  { name: 'setAffinity', kind: 'data', weight: 1, args: (c) => [c.cpu()] },
  { name: 'getcpu', kind: 'data', weight: 1, args: () => [] },
  { name: 'readFile', kind: 'data', weight: 2, args: (c) => [c.pick(['/proc/self/numa_maps', '/proc/vmstat', '/proc/meminfo', `/proc/${c.pid()}/numa_maps`])] },
  // Structural: the caller's mappings, fds and SysV attachments.
  { name: 'mmap', kind: 'structural', weight: 10, args: mmapArgs },
  { name: 'munmap', kind: 'structural', weight: 5, args: (c) => c.range() ?? [c.nearAddr(), P] },
  { name: 'open', kind: 'structural', weight: 4, args: (c) => [c.pick(FILE_NAMES), c.openFlags(), 0o644] },
  { name: 'close', kind: 'structural', weight: 2, args: (c) => [c.fd()] },
  { name: 'shmget', kind: 'structural', weight: 2, args: (c) => [c.shmKey(), c.pages(8) * P, IPC_CREAT | (c.chance(0.2) ? IPC_EXCL : 0) | 0o600] },
  { name: 'shmat', kind: 'structural', weight: 2, args: (c) => [c.shmId(), null, c.chance(0.2) ? SHM_RDONLY : 0] },
  { name: 'shmdt', kind: 'structural', weight: 1, args: (c) => [c.region((r) => r.obj?.kind === 'sysv')?.start ?? c.nearAddr()] },
  { name: 'shmctl', kind: 'structural', weight: 1, args: (c) => [c.shmId(), c.chance(0.7) ? IPC_RMID : IPC_STAT] },
  // Solo: calls whose effects reach other processes' mappings, or that use the shared file position.
  { name: 'ftruncate', kind: 'solo', weight: 3, args: (c) => (c.proc.fds.size ? [c.fd(), c.int(24 * P)] : null) },
  { name: 'unlink', kind: 'solo', weight: 1, args: (c) => [c.pick(FILE_NAMES)] },
  { name: 'write', kind: 'solo', weight: 3, args: (c) => (c.proc.fds.size ? [c.fd(), 1 + c.int(3 * P)] : null) },
  { name: 'read', kind: 'solo', weight: 2, args: (c) => (c.proc.fds.size ? [c.fd(), 1 + c.int(3 * P)] : null) },
  { name: 'open', kind: 'solo', weight: 1, args: (c) => [c.pick(FILE_NAMES), c.openFlags() | O_TRUNC, 0o644] },
  // Solo: processes and tasks (made through the machine API by the runner; args: a CPU).
  { name: 'fork', kind: 'solo', weight: 2, args: (c) => [c.cpu()] },
  { name: 'spawnThread', kind: 'solo', weight: 2, args: (c) => [c.cpu()] },
  { name: 'exit', kind: 'solo', weight: 3, args: () => [] },
  { name: 'exec', kind: 'solo', weight: 1, args: () => [] },
  { name: 'spawnProcess', kind: 'solo', weight: 1, args: (c) => [c.cpu()] },
];

/** store and load: the caller's slot of a page of its regions (or, rarely, a page nowhere). */
function slotArgs(c: Ctx, f: (addr: number) => unknown[]): unknown[] | null {
  const pg = c.chance(0.97) ? c.page() : undefined;
  if (!pg && c.proc.regions.length === 0 && c.chance(0.9)) return null;
  return f(c.slot(pg ? pg.addr : c.nearAddr()));
}

/** touch a range of one region; writes to a private file mapping one page at a time (each copies). */
function touchArgs(c: Ctx): unknown[] | null {
  const pg = c.page();
  if (!pg) return null;
  const write = c.chance(0.5);
  const single = write && !pg.r.shared && pg.r.obj !== null;
  const left = (pg.r.end - pg.addr) / P;
  return [pg.addr, (single ? 1 : 1 + c.int(left)) * P, write ? 'write' : 'read'];
}

function mbindArgs(c: Ctx): unknown[] {
  const [addr, len] = c.range() ?? [c.nearAddr(), P];
  return [addr, len, c.mode(), c.nodemask(), c.maxnode(), c.mbindFlags()];
}
