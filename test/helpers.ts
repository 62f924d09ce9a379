// Shared test helpers: a machine per test that is always closed and audited.
import { expect } from 'chai';
import { fileURLToPath } from 'node:url';
import {
  MAP_ANONYMOUS,
  MAP_PRIVATE,
  MAP_SHARED,
  MPOL_F_ADDR,
  MPOL_F_NODE,
  Machine,
  type MachineOptions,
  PAGE_SIZE,
  PROT_READ,
  PROT_WRITE,
  type Task,
} from '../src/index.js';
import { RaceSession } from '../src/race/session.js';
import { type RaceScenario } from '../src/race/scenario.js';

/** Create a machine, run `fn`, then check the kernel is consistent and close it. */
export async function withMachine(opts: MachineOptions, fn: (m: Machine) => Promise<void>): Promise<void> {
  const m = await Machine.create(opts);
  try {
    await fn(m);
    expect(m.audit().problems, 'kernel audit after the test').to.deep.equal([]);
  } finally {
    await m.close();
  }
  const after = m.audit();
  expect(after.problems, 'kernel audit after close').to.deep.equal([]);
  expect(after.policiesLive, 'policies leaked after close').to.equal(0);
}

/** A small 4-node machine (4 MiB per node) for fast tests. */
export const SMALL: MachineOptions = { nodes: [{ memory: '4M' }, { memory: '4M' }, { memory: '4M' }, { memory: '4M' }] };

/** Limits of a machine without swap (swapoff): anonymous memory cannot be reclaimed, a full node stays full. */
export const NO_SWAP = { swapSlots: 0 };

/** mmap `pages` private (or shared) anonymous read-write pages. */
export function mapAnon(t: Task, pages: number, shared = false): Promise<number> {
  return t.mmap(0, pages * PAGE_SIZE, PROT_READ | PROT_WRITE, (shared ? MAP_SHARED : MAP_PRIVATE) | MAP_ANONYMOUS);
}

/** The node of each page of [addr, addr + pages), by get_mempolicy(MPOL_F_NODE|MPOL_F_ADDR). */
export async function nodesOf(t: Task, addr: number, pages: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < pages; i++) out.push((await t.getMempolicy(null, addr + i * PAGE_SIZE, MPOL_F_NODE | MPOL_F_ADDR)).mode);
  return out;
}

/** Parse /proc/<pid>/numa_maps into one record per line. */
export function parseNumaMaps(text: string): { start: number; policy: string; fields: Record<string, string> }[] {
  return text
    .trim()
    .split('\n')
    .filter((l) => l !== '')
    .map((line) => {
      const [addr, ...rest] = line.split(' ');
      const fields: Record<string, string> = {};
      const policy: string[] = [];
      for (const r of rest) {
        const eq = r.indexOf('=');
        if (eq > 0 && /^(anon|dirty|mapped|mapmax|swapcache|active|writeback|N\d+|kernelpagesize_kB|file)$/.test(r.slice(0, eq))) fields[r.slice(0, eq)] = r.slice(eq + 1);
        else policy.push(r);
      }
      return { start: parseInt(addr, 16), policy: policy.join(' '), fields };
    });
}

/** /proc/vmstat as numbers by name. */
export async function vmstat(m: Machine): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const line of (await m.readFile('/proc/vmstat')).trim().split('\n')) {
    const [k, v] = line.split(' ');
    out[k] = Number(v);
  }
  return out;
}

/** Expect a promise to reject with a system error of `code` from `syscall`. */
export async function expectErrno(p: Promise<unknown>, code: string, syscall?: string): Promise<void> {
  let err: (Error & { code?: string; errno?: number; syscall?: string }) | undefined;
  try {
    await p;
  } catch (e) {
    err = e as typeof err;
  }
  expect(err, `expected ${code}`).to.be.instanceOf(Error);
  expect(err!.code).to.equal(code);
  if (code.startsWith('E') && code !== 'ERR_INVALID_ARG_TYPE') expect(err!.errno).to.be.a('number').and.below(0);
  if (syscall) expect(err!.syscall).to.equal(syscall);
}

/** Absolute path of a compiled fixture module (for task.run). */
export function fixture(name: string): string {
  return fileURLToPath(new URL(`./fixtures/${name}.js`, import.meta.url));
}

/** Open a race session on scenario `sc`, run `fn` with it, and close it whatever happens. */
export async function withSession<T>(sc: RaceScenario, fn: (s: RaceSession) => T | Promise<T>): Promise<T> {
  const s = await RaceSession.open(sc);
  try {
    return await fn(s);
  } finally {
    await s.close();
  }
}
