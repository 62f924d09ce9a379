/**
 * The part of `numa-emu migspeed` that runs inside the emulated process's task worker (started
 * with task.run), making numactl's migspeed.c system calls in its order: mbind the region to the
 * source nodes (MPOL_BIND), write one byte in every page, read the bind lines of
 * /proc/self/numa_maps, then time mbind(MPOL_BIND, destination nodes, MPOL_MF_MOVE) and read the
 * lines again. The clock measures the emulated machine's migration; it decides nothing.
 */
import { MAP_ANONYMOUS, MAP_PRIVATE, MPOL_BIND, MPOL_MF_MOVE, PAGE_SIZE, PROT_READ, PROT_WRITE } from '../kernel/constants.js';
import { type Sys } from '../kernel/syscalls.js';
import { strerror } from './cfmt.js';
import { LIBNUMA_NODEMASK_BITS } from './numactl-task.js';

/** What the command line asked for, parsed (plain data: crosses to the worker). */
export interface MigspeedPlan {
  pages: number;
  from: number[];
  to: number[];
}

/** What the task did: the numa_maps bind lines before and after, the time of the move, or the failing call. */
export interface MigspeedOutcome {
  before: string[];
  after: string[];
  seconds: number;
  error: string | null;
}

function mask(nodes: number[]): bigint {
  return nodes.reduce((m, n) => m | (1n << BigInt(n)), 0n);
}

/** displaymap(): the lines of /proc/self/numa_maps that mention a bind policy. */
function bindLines(sys: Sys): string[] {
  return sys
    .readFile('/proc/self/numa_maps')
    .split('\n')
    .filter((l) => l.includes('bind'))
    .map((l) => `${l}\n`);
}

/**
 * Migrate a scratch region between the two node sets a few times, untimed: a fresh worker runs
 * its first calls in the interpreter, tens of times slower than once compiled, which would be
 * measured as the machine's rate (a real kernel has no such warm-up).
 */
function warmUp(sys: Sys, plan: MigspeedPlan): void {
  const pages = 64;
  const a = sys.mmap(0, pages * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS);
  sys.touch(a, pages * PAGE_SIZE, 'write');
  for (let i = 0; i < 40; i++) sys.mbind(a, pages * PAGE_SIZE, MPOL_BIND, mask(i % 2 ? plan.from : plan.to), LIBNUMA_NODEMASK_BITS + 1, MPOL_MF_MOVE);
  sys.munmap(a, pages * PAGE_SIZE);
}

/** migspeed.c's main, from the allocation to the second displaymap(), as the task's system calls. */
export function migspeedInTask(sys: Sys, plan: MigspeedPlan): MigspeedOutcome {
  const bytes = plan.pages * PAGE_SIZE;
  warmUp(sys, plan);
  const out: MigspeedOutcome = { before: [], after: [], seconds: 0, error: null };
  const memory = sys.mmap(0, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS);
  const fail = (where: string, e: unknown): MigspeedOutcome => ({ ...out, error: `${where}: ${strerror((e as { code?: string }).code)}` });
  try {
    sys.mbind(memory, bytes, MPOL_BIND, mask(plan.from), LIBNUMA_NODEMASK_BITS + 1, 0);
  } catch (e) {
    return fail('mbind', e);
  }
  sys.touch(memory, bytes, 'write');
  out.before = bindLines(sys);
  const start = performance.now();
  try {
    sys.mbind(memory, bytes, MPOL_BIND, mask(plan.to), LIBNUMA_NODEMASK_BITS + 1, MPOL_MF_MOVE);
  } catch (e) {
    return fail('memory move', e);
  }
  out.seconds = (performance.now() - start) / 1000;
  out.after = bindLines(sys);
  sys.munmap(memory, bytes);
  return out;
}
