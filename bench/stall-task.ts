// The task side of bench/stall.ts: one task's share of a many-task workload, each call timed.
// Runs inside a task's worker (task.run), on its synchronous system calls.
import { IPC_CREAT, MAP_ANONYMOUS, MAP_PRIVATE, MPOL_BIND, MPOL_DEFAULT, MPOL_F_ADDR, MPOL_F_NODE, MPOL_INTERLEAVE, MPOL_PREFERRED, PAGE_SIZE, PROT_READ, PROT_WRITE, type Sys } from '../src/index.js';
import { mulberry32 } from '../src/sched/random.js';

/** Pages of the SysV segment every process attaches. */
export const SHARED_PAGES = 512;
/** Pages of each process's private area, which its threads fault in and re-map. */
const PRIVATE_PAGES = 64;

/** What one task measured: milliseconds per call, by operation. */
export interface TaskTimes {
  ms: number[];
  ops: string[];
}


const MODES = [MPOL_INTERLEAVE, MPOL_BIND, MPOL_PREFERRED];

/** Attach the shared segment (created by the first caller) and map the process's private area; returns both addresses. */
export function setUp(sys: Sys, key: number): { shared: number; priv: number } {
  const id = sys.shmget(key, SHARED_PAGES * PAGE_SIZE, IPC_CREAT | 0o600);
  const shared = sys.shmat(id, null, 0);
  const priv = sys.mmap(0, PRIVATE_PAGES * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS);
  return { shared, priv };
}

/**
 * `ops` calls, chosen by `seed`: faults on the shared segment and on the process's private area,
 * mmap + touch + munmap of a fresh area, mbind of part of the shared segment, set_mempolicy,
 * get_mempolicy of a shared page. Returns each call's duration.
 */
export function hammer(sys: Sys, seed: number, ops: number, shared: number, priv: number): TaskTimes {
  const r = mulberry32(seed); // the workload is a function of the seed
  const ms: number[] = [];
  const names: string[] = [];
  const page = (base: number, n: number) => base + Math.floor(r() * n) * PAGE_SIZE;
  const mask = () => BigInt(1 + Math.floor(r() * 15));
  for (let i = 0; i < ops; i++) {
    const x = r();
    let name: string;
    const t0 = performance.now();
    if (x < 0.3) {
      name = 'touch shared';
      sys.touch(page(shared, SHARED_PAGES), PAGE_SIZE, 'write');
    } else if (x < 0.4) {
      name = 'touch private';
      sys.touch(page(priv, PRIVATE_PAGES), PAGE_SIZE, 'write');
    } else if (x < 0.55) {
      name = 'mmap+touch+munmap';
      const a = sys.mmap(0, 8 * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS);
      sys.touch(a, 8 * PAGE_SIZE, 'write');
      sys.munmap(a, 8 * PAGE_SIZE);
    } else if (x < 0.75) {
      name = 'mbind shared';
      const n = 1 + Math.floor(r() * 16);
      const at = Math.floor(r() * (SHARED_PAGES - n));
      sys.mbind(shared + at * PAGE_SIZE, n * PAGE_SIZE, MODES[Math.floor(r() * MODES.length)], mask(), 65, 0);
    } else if (x < 0.9) {
      name = 'set_mempolicy';
      if (r() < 0.2) sys.setMempolicy(MPOL_DEFAULT, null, 0);
      else sys.setMempolicy(MODES[Math.floor(r() * MODES.length)], mask(), 65);
    } else {
      name = 'get_mempolicy';
      sys.getMempolicy(null, page(shared, SHARED_PAGES), MPOL_F_NODE | MPOL_F_ADDR);
    }
    ms.push(performance.now() - t0);
    names.push(name);
  }
  return { ms, ops: names };
}
