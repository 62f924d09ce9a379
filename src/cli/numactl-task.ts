/**
 * The part of `numa-emu numactl` that runs inside the emulated process's own task worker (started
 * with task.run), so that every system call is made synchronously by that task, in the order
 * numactl and libnuma make them:
 *
 *   libnuma init   set_mempolicy(MPOL_PREFERRED_MANY, {0}) probe, then back to the old policy
 *                  (set_kernel_abi; decides what --preferred binds with)
 *   --shm          shmget(key, size, 0), on ENOENT shmget(key, size, IPC_CREAT|mode); shmat(id, 0, 0)
 *                  (shm.c attach_sysvshm), the region starting `offset` bytes into the segment
 *   --file         open(O_RDWR), on failure open(O_RDWR|O_CREAT, mode); grown with ftruncate when
 *                  shorter than the region; mmap(length, PROT_READ|PROT_WRITE, MAP_SHARED, offset)
 *                  (shm.c attach_shared)
 * and then, in command-line order:
 *   policy         mbind(region, mode, mask, maxnode = 1024 + 1, STRICT if --strict) (libnuma dombind)
 *   --touch        a write to every page (numa_police_memory: an atomic and with 0xff)
 *   --dump         get_mempolicy(&pol, mask, 1024, page, MPOL_F_ADDR) per page (shm.c dump_shm)
 *   --dump-nodes   get_mempolicy(&node, NULL, 0, page, MPOL_F_ADDR|MPOL_F_NODE) per page
 *                  (shm.c dump_shm_nodes)
 */
import {
  IPC_CREAT,
  MAP_SHARED,
  MPOL_BIND,
  MPOL_DEFAULT,
  MPOL_F_ADDR,
  MPOL_F_NODE,
  MPOL_INTERLEAVE,
  MPOL_LOCAL,
  MPOL_MF_STRICT,
  MPOL_PREFERRED,
  MPOL_PREFERRED_MANY,
  O_CREAT,
  O_RDWR,
  PAGE_SIZE,
  PROT_READ,
  PROT_WRITE,
} from '../kernel/constants.js';
import { type Sys } from '../kernel/syscalls.js';
import { cFixed, oct4, strerror } from './cfmt.js';

/** libnuma's nodemask size (bits): a kernel nodemask_t with NODES_SHIFT 10. */
export const LIBNUMA_NODEMASK_BITS = 1024;

/** The policy options of numactl (each maps to a mode in shm mode and in process mode). */
export type PolicyOption = 'interleave' | 'weighted-interleave' | 'membind' | 'preferred' | 'preferred-many' | 'localalloc';

/** What the command line asked for, after parsing and validation (plain data: crosses to the worker). */
export interface NumactlPlan {
  object: { kind: 'sysv'; name: string; key: number; shmid: number } | { kind: 'file'; path: string };
  /** --shmmode: permission bits of a created segment or file. */
  mode: number;
  offset: number;
  length: number;
  policy: { option: PolicyOption; nodes: number[] } | null;
  strict: boolean;
  /** What to do once the object is attached, in command-line order (numactl acts on each option as it meets it). */
  steps: NumactlStep[];
}

export type NumactlStep = 'policy' | 'touch' | 'dump' | 'dump-nodes';

/** A run of pages with one policy mode (--dump); offsets are from the start of the object. */
export interface DumpRange {
  start: number;
  end: number;
  mode: number;
  nodes: number[];
}

/** A run of pages on one node (--dump-nodes). */
export interface NodeRange {
  start: number;
  end: number;
  node: number;
}

export interface NumactlOutcome {
  pid: number;
  /** Lines numactl writes to stderr on the way (creation notices), without the newline. */
  notices: string[];
  created: boolean;
  shmid: number | null;
  fd: number | null;
  /** Address of the region in the process (segment or mapping start plus the offset for SysV). */
  address: number | null;
  /** The mbind made, if any. */
  mbind: { mode: number; nodes: number[]; flags: number } | null;
  touched: boolean;
  dumps: ({ kind: 'dump'; ranges: DumpRange[] } | { kind: 'dump-nodes'; ranges: NodeRange[] })[];
  numaMaps: string | null;
  /** The failure that stopped the run: the lines numactl prints for it (perror style). */
  error: { lines: string[]; code: string | undefined; syscall: string | undefined } | null;
}

interface SysError {
  code?: string;
  syscall?: string;
  message: string;
}

/** Thrown inside the run to stop it with numactl's messages. */
class Stop extends Error {
  constructor(
    readonly lines: string[],
    readonly err: SysError,
  ) {
    super(lines.join('; '));
  }
}

/** A node list as a mask. */
export const mask = (nodes: number[]): bigint => nodes.reduce((m, n) => m | (1n << BigInt(n)), 0n);

/** A mask as a node list. */
export function nodesOf(m: bigint | null): number[] {
  const out: number[] = [];
  if (m === null) return out;
  for (let i = 0; m >> BigInt(i) !== 0n; i++) if ((m >> BigInt(i)) & 1n) out.push(i);
  return out;
}

/**
 * libnuma's set_preferred_many probe (set_kernel_abi): can the kernel do MPOL_PREFERRED_MANY?
 * It sets it, then restores the default policy the probing process had.
 */
export function hasPreferredMany(sys: Sys): boolean {
  try {
    sys.setMempolicy(MPOL_PREFERRED_MANY, 1n, LIBNUMA_NODEMASK_BITS);
  } catch {
    return false; // EINVAL on kernels before 5.15
  }
  sys.setMempolicy(MPOL_DEFAULT, 0n, LIBNUMA_NODEMASK_BITS + 1);
  return true;
}

/** Run the plan as the task `sys` belongs to. */
export function numactlInTask(sys: Sys, plan: NumactlPlan): NumactlOutcome {
  const out: NumactlOutcome = {
    pid: sys.getpid(),
    notices: [],
    created: false,
    shmid: null,
    fd: null,
    address: null,
    mbind: null,
    touched: false,
    dumps: [],
    numaMaps: null,
    error: null,
  };
  const text = (e: SysError) => (e.code?.startsWith('E') ? strerror(e.code) : e.message);
  /** Call `fn`; on a system error stop with numactl's message lines built from the error text. */
  const attempt = <T>(fn: () => T, lines: (err: string) => string[]): T => {
    try {
      return fn();
    } catch (e) {
      const err = e as SysError;
      throw new Stop(lines(text(err)), err);
    }
  };
  try {
    // libnuma's set_kernel_abi: with MPOL_PREFERRED_MANY, --preferred binds with it (numa_set_bind_policy(0)).
    const preferredMode = hasPreferredMany(sys) ? MPOL_PREFERRED_MANY : MPOL_PREFERRED;

    const size = plan.offset + plan.length;
    let base: number;
    if (plan.object.kind === 'sysv') {
      const { name, key, shmid } = plan.object;
      let id: number;
      try {
        id = sys.shmget(key, size, 0);
      } catch (e) {
        const err = e as SysError;
        if (err.code !== 'ENOENT') throw new Stop([`numactl: shmget: ${text(err)}`], err);
        out.notices.push(`numactl: Creating shared memory segment ${name} id ${shmid} mode ${oct4(plan.mode)} length ${cFixed(size / (1024 * 1024), 0)}MB`);
        id = attempt(
          () => sys.shmget(key, size, IPC_CREAT | plan.mode),
          (t) => [`numactl: cannot create shared memory segment: ${t}`],
        );
        out.created = true;
      }
      out.shmid = id;
      base = attempt(
        () => sys.shmat(id, null, 0),
        (t) => [`numactl: shmat: ${t}`],
      ) + plan.offset;
    } else {
      const { path } = plan.object;
      let fd: number;
      try {
        fd = sys.open(path, O_RDWR);
      } catch {
        fd = attempt(
          () => sys.open(path, O_RDWR | O_CREAT, plan.mode),
          (t) => [`numactl: cannot create file ${path}: ${t}`],
        );
        out.created = true;
      }
      out.fd = fd;
      // numactl grows the file with ftruncate when it is shorter than the region (it compares
      // with fstat's st_size; numa-emu has no fstat, so an existing file is probed with a
      // one-byte pread at the region's last byte).
      const shorter = out.created || sys.pread(fd, 1, size - 1).length === 0;
      if (shorter) attempt(() => sys.ftruncate(fd, size), (t) => [`ftruncate: ${t}`]);
      base = attempt(
        () => sys.mmap(0, plan.length, PROT_READ | PROT_WRITE, MAP_SHARED, fd, plan.offset),
        (t) => [`numactl: shm mmap: ${t}`],
      );
    }
    out.address = base;

    for (const step of plan.steps) {
      if (step === 'policy' && plan.policy) {
        const flags = plan.strict ? MPOL_MF_STRICT : 0;
        const { option, nodes } = plan.policy;
        // numa_interleave_memory serves --weighted-interleave too (numactl has no weighted mbind);
        // numa_tonode_memory(find_first(mask)) --preferred and --preferred-many, with bind_policy
        // as numa_set_bind_policy(0) left it.
        const interleave = { mode: MPOL_INTERLEAVE, m: nodes, context: 'setting interleave mask' };
        const preferred = { mode: preferredMode, m: nodes.slice(0, 1), context: 'setting preferred node' };
        const call: Record<PolicyOption, { mode: number; m: number[] | null; context: string }> = {
          interleave,
          'weighted-interleave': interleave,
          membind: { mode: MPOL_BIND, m: nodes, context: 'setting membind' },
          preferred,
          'preferred-many': preferred,
          localalloc: { mode: MPOL_LOCAL, m: null, context: 'local allocation' },
        };
        const c = call[option];
        attempt(
          () => sys.mbind(base, plan.length, c.mode, c.m === null ? null : mask(c.m), c.m === null ? 0 : LIBNUMA_NODEMASK_BITS + 1, flags),
          (t) => [`mbind: ${t}`, `${c.context}: ${t}`],
        );
        out.mbind = { mode: c.mode, nodes: c.m ?? [], flags };
      } else if (step === 'touch') {
        attempt(
          () => sys.touch(base, plan.length, 'write'),
          (t) => [`numactl: --touch: ${t}`],
        );
        out.touched = true;
      } else if (step === 'dump') out.dumps.push({ kind: step, ranges: dumpPolicies(sys, base, plan.length, plan.offset, attempt) });
      else if (step === 'dump-nodes') out.dumps.push({ kind: step, ranges: dumpNodes(sys, base, plan.length, plan.offset, attempt) });
    }
  } catch (e) {
    if (!(e instanceof Stop)) throw e;
    out.error = { lines: e.lines, code: e.err.code, syscall: e.err.syscall };
  }
  try {
    out.numaMaps = sys.readFile('/proc/self/numa_maps');
  } catch {
    out.numaMaps = null;
  }
  return out;
}

type Attempt = <T>(fn: () => T, lines: (err: string) => string[]) => T;

/** dump_shm: runs of equal policy mode; ranges whose mode is MPOL_DEFAULT are not reported. */
function dumpPolicies(sys: Sys, base: number, length: number, offset: number, attempt: Attempt): DumpRange[] {
  const out: DumpRange[] = [];
  let cur: DumpRange | null = null;
  for (let c = 0; c < length; c += PAGE_SIZE) {
    const r = attempt(
      () => sys.getMempolicy(LIBNUMA_NODEMASK_BITS, base + c, MPOL_F_ADDR),
      (t) => [`numactl: get_mempolicy on shm: ${t}`],
    );
    if (cur && r.mode === cur.mode) {
      cur.end = offset + c + PAGE_SIZE;
      continue;
    }
    cur = { start: offset + c, end: offset + c + PAGE_SIZE, mode: r.mode, nodes: nodesOf(r.nodemask) };
    out.push(cur);
  }
  return out.filter((d) => d.mode !== MPOL_DEFAULT);
}

/** dump_shm_nodes: runs of pages on the same node. */
function dumpNodes(sys: Sys, base: number, length: number, offset: number, attempt: Attempt): NodeRange[] {
  const out: NodeRange[] = [];
  let cur: NodeRange | null = null;
  for (let c = 0; c < length; c += PAGE_SIZE) {
    const node = attempt(
      () => sys.getMempolicy(null, base + c, MPOL_F_ADDR | MPOL_F_NODE).mode,
      (t) => [`numactl: get_mempolicy on shm: ${t}`],
    );
    if (cur && node === cur.node) {
      cur.end = offset + c + PAGE_SIZE;
      continue;
    }
    cur = { start: offset + c, end: offset + c + PAGE_SIZE, node };
    out.push(cur);
  }
  return out;
}
