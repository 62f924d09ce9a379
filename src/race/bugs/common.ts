/**
 * What the bug scenarios share: their machine (two small nodes, as the catalogue's harness wants),
 * the setups they build (an anonymous region, a SysV segment attached by one or two processes),
 * and the programs several of them run. Every scenario runs under the kernel variant its session
 * was opened with (`bug:<id>` or `fixed:<id>`), so none of them names a profile.
 */
import { IPC_CREAT, IPC_PRIVATE, MAP_ANONYMOUS, MAP_PRIVATE, MPOL_INTERLEAVE, PAGE_SIZE, PROT_READ, PROT_WRITE } from '../../kernel/constants.js';
import { type Sys } from '../../kernel/syscalls.js';
import { type Machine, type Task } from '../../machine/machine.js';
import { type RaceSetup } from '../scenario.js';
import { DEFAULT_RACE_MACHINE } from '../scenario.js';

/** The machine of every bug scenario: 2 nodes x 2 CPUs, 256 KiB each, small tables. */
export const BUG_MACHINE = DEFAULT_RACE_MACHINE;

/** Node masks. */
export const NODE0 = 0b01n;
export const NODE1 = 0b10n;
export const BOTH = 0b11n;
/** maxnode for the masks above (every profile reads maxnode - 1 bits). */
export const MAXNODE = 3;

/** mmap `pages` private anonymous pages. */
export function anon(t: Task, pages: number): Promise<number> {
  return t.mmap(0, pages * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS);
}

/** A SysV segment of `pages` pages, attached by each task in `tasks`; its id and each attach address. */
export async function segment(tasks: readonly Task[], pages: number): Promise<{ id: number; addrs: number[] }> {
  const id = await tasks[0].shmget(IPC_PRIVATE, pages * PAGE_SIZE, IPC_CREAT | 0o600);
  const addrs: number[] = [];
  for (const t of tasks) addrs.push(await t.shmat(id, null, 0));
  return { id, addrs };
}

/** Read `/proc/<pid>/numa_maps` (0 if the process is gone meanwhile); returns its length. */
export function readNumaMaps(sys: Sys, pid: number | 'self'): number {
  try {
    return sys.readFile(`/proc/${pid}/numa_maps`).length;
  } catch (e) {
    if ((e as { code?: string }).code === 'ENOENT') return 0;
    throw e;
  }
}

/** mbind that may fail with ENOMEM (failure injection): the errno, or 0. */
export function mbindMayFail(sys: Sys, addr: number, len: number, mode: number, mask: bigint | null): string | 0 {
  try {
    sys.mbind(addr, len, mode, mask, MAXNODE, 0);
    return 0;
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'ENOMEM') return code;
    throw e;
  }
}

/**
 * The numa_maps races' setup: P1 (T1, node 0) will read P2's numa_maps; P2 (T2, node 1) has 8
 * touched anonymous pages without a VMA policy (so the reader falls back to the task policy) and
 * task policy X = interleave {0,1}. T1's argument is P2's pid.
 */
export async function taskPolicyTarget(m: Machine): Promise<RaceSetup> {
  const p1 = await m.spawnProcess({ cpu: 0 });
  const p2 = await m.spawnProcess({ cpu: 2 });
  const a = await anon(p2.main, 8);
  await p2.main.touch(a, 8 * PAGE_SIZE, 'write');
  await p2.main.setMempolicy(MPOL_INTERLEAVE, BOTH, MAXNODE);
  return { tasks: [p1.main, p2.main], args: [p2.pid, null] };
}

/** One process whose single task has a SysV segment of `pages` pages with shared policy (mode, mask); T1's argument is its address. */
export async function segmentWithPolicy(m: Machine, pages: number, mode: number, mask: bigint): Promise<RaceSetup> {
  const p = await m.spawnProcess({ cpu: 0 });
  const { addrs } = await segment([p.main], pages);
  await p.main.mbind(addrs[0], pages * PAGE_SIZE, mode, mask, MAXNODE, 0);
  return { tasks: [p.main], args: addrs };
}

/**
 * Two processes (T1 on node 0, T2 on node 1) attaching one SysV segment of `pages` pages, whose
 * shared policy T1 sets to (mode, mask), through its VMA (and T2's too when `both`: mbind skips a
 * VMA whose policy already equals the new one, so a VMA without one would ignore a default). Each
 * task's argument is its own address of the segment.
 */
export async function sharedSegment(m: Machine, pages: number, mode: number, mask: bigint, both: boolean): Promise<RaceSetup> {
  const p1 = await m.spawnProcess({ cpu: 0 });
  const p2 = await m.spawnProcess({ cpu: 2 });
  const { addrs } = await segment([p1.main, p2.main], pages);
  await p1.main.mbind(addrs[0], pages * PAGE_SIZE, mode, mask, MAXNODE, 0);
  if (both) await p2.main.mbind(addrs[1], pages * PAGE_SIZE, mode, mask, MAXNODE, 0);
  return { tasks: [p1.main, p2.main], args: addrs };
}
