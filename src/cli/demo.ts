/**
 * The demo: on the default machine, tasks on different nodes place memory under each policy,
 * then the demo shows where every page went (get_mempolicy(MPOL_F_NODE|MPOL_F_ADDR)), the
 * process's numa_maps and numastat.
 */
import {
  MAP_ANONYMOUS,
  MAP_PRIVATE,
  MPOL_BIND,
  MPOL_F_ADDR,
  MPOL_F_NODE,
  MPOL_INTERLEAVE,
  MPOL_LOCAL,
  MPOL_PREFERRED,
  PROT_READ,
  PROT_WRITE,
  PAGE_SIZE,
} from '../kernel/constants.js';
import { findProfile } from '../kernel/profiles.js';
import { type Machine, type Task } from '../machine/machine.js';
import { type NumastatTable, numastatTable } from './format.js';

const PAGES = 8;

/** One placement of the demo. */
export interface DemoRegion {
  policy: string;
  cpu: number;
  addr: string;
  /** Node of each page, in address order. */
  pages: number[];
}

export interface DemoResult {
  kernel: string;
  pid: number;
  regions: DemoRegion[];
  numaMaps: string | null;
  numastat: NumastatTable;
}

async function place(t: Task, label: string, setup: (addr: number) => Promise<void>): Promise<DemoRegion> {
  const addr = await t.mmap(0, PAGES * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS);
  await setup(addr);
  await t.touch(addr, PAGES * PAGE_SIZE, 'write');
  const pages: number[] = [];
  for (let i = 0; i < PAGES; i++) pages.push((await t.getMempolicy(null, addr + i * PAGE_SIZE, MPOL_F_NODE | MPOL_F_ADDR)).mode);
  return { policy: label, cpu: (await t.getcpu()).cpu, addr: `0x${addr.toString(16)}`, pages };
}

/** Run the demo workload on `m` and collect what it shows. */
export async function runDemo(m: Machine): Promise<DemoResult> {
  const lastCpu = m.nodes.flatMap((n) => n.cpus).at(-1)!;
  const p = await m.spawnProcess({ cpu: 0 });
  const far = await p.spawnThread({ cpu: lastCpu });
  const ids = m.nodes.filter((n) => n.memory > 0).map((n) => n.id);
  const all = ids.reduce((s, id) => s | (1n << BigInt(id)), 0n);
  const second = 1n << BigInt(ids[1 % ids.length]);
  const remote = ids.length > 1 ? ids.slice(1) : ids;
  const remoteMask = remote.reduce((s, id) => s | (1n << BigInt(id)), 0n);
  // MPOL_LOCAL exists where the profile's MPOL_MAX is above it (not in 2.6.x).
  const hasLocal = findProfile(m.profile)!.mpolMax > MPOL_LOCAL;
  const regions = [
    await place(p.main, 'default (task on first node)', async () => {}),
    await place(far, 'default (thread on last node)', async () => {}),
    await place(p.main, `preferred node ${ids[1 % ids.length]}`, (a) => p.main.mbind(a, PAGES * PAGE_SIZE, MPOL_PREFERRED, second, 65)),
    await place(p.main, `bind ${remote.join(',')}`, (a) => p.main.mbind(a, PAGES * PAGE_SIZE, MPOL_BIND, remoteMask, 65)),
    await place(p.main, `interleave ${ids.join(',')}`, (a) => p.main.mbind(a, PAGES * PAGE_SIZE, MPOL_INTERLEAVE, all, 65)),
  ];
  if (hasLocal) regions.push(await place(far, 'local (thread on last node)', (a) => far.mbind(a, PAGES * PAGE_SIZE, MPOL_LOCAL, null, 0)));
  const numaMaps = await m.readFile(`/proc/${p.pid}/numa_maps`).catch(() => null);
  return { kernel: m.profile, pid: p.pid, regions, numaMaps, numastat: await numastatTable(m) };
}
