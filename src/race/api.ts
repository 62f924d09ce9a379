/**
 * The race engine's API: campaigns, replay, shrinking, directed runs and free-running rates, each
 * on a piscina pool of workers that build their own machine under test (the scheduler is
 * installed in the thread that coordinates a machine, so that thread is never the caller's). A
 * campaign is split by execution index across the pool (one machine per worker) and merged: the
 * totals are those of a single run. On this machine kind a controlled execution keeps two cores
 * busy (the running task and the next one spinning), so the default pool has one worker per two
 * cores.
 */
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { Piscina } from 'piscina';
import { type CampaignResult, type DirectedOutcome, type Shrunk } from './campaign.js';
import { type CampaignJob, type FreeReport, type RaceJob, type ReplayReport } from './jobs.js';
import { mergeResults, shardRange } from './merge.js';
import { parseSchedule } from '../sched/schedule.js';

/** Options of a campaign. */
export interface RaceOptions {
  /** A scenario module (path) or a catalogued bug ('bug:B01'). */
  scenario: string;
  /** Kernel profile or variant (default: the scenario's; for a bug, its buggy variant). */
  kernel?: string;
  machineSeed?: number;
  strategy?: 'random' | 'pct' | 'dfs';
  /** PCT depth (default: the scenario's, else 2). */
  depth?: number;
  /** DFS preemption bound (default 2). */
  bound?: number;
  /** Executions (default 1000; for dfs, an upper bound). */
  schedules?: number;
  seed?: number;
  /** Run only shard `index` of `count` (by execution index); merge the shards' results with mergeResults. */
  shard?: { index: number; count: number };
  stopAtFirst?: boolean;
  /** Shrink the first hit (default true). */
  shrink?: boolean;
  /** Random fault injection at injectable sites, per million passes (default: the scenario's). */
  faultPpm?: number;
  /** Switch at every site, ignoring the scenario's focus set. */
  allSites?: boolean;
  /** Pool workers (machines); default one per two cores. */
  threads?: number;
  /** Called about five times a second with (executions done, executions in all, hits). */
  onProgress?: (done: number, total: number, hits: number) => void;
}

/** One pool worker per two cores (a controlled execution keeps two busy), at least one. */
export function defaultThreads(): number {
  return Math.max(1, Math.floor(availableParallelism() / 2));
}

function pool(threads: number): Piscina {
  return new Piscina({ filename: fileURLToPath(new URL('../../workers/race.js', import.meta.url)), minThreads: 1, maxThreads: threads, idleTimeout: 1000 });
}

/** A scenario reference as workers can load it: bug ids as they are, module paths made absolute. */
function absoluteRef(ref: string): string {
  return ref.startsWith('bug:') || ref.startsWith('file:') ? ref : resolve(ref);
}

async function withPool<T>(threads: number, fn: (p: Piscina) => Promise<T>): Promise<T> {
  const p = pool(threads);
  try {
    return await fn(p);
  } finally {
    await p.destroy();
  }
}

/** Run a campaign (or one shard of it) and return its merged result. */
export async function race(o: RaceOptions): Promise<CampaignResult> {
  const schedules = o.schedules ?? 1000;
  const strategy = o.strategy ?? 'pct';
  const [from, to] = o.shard ? shardRange(schedules, o.shard.index, o.shard.count) : [0, schedules];
  if (strategy === 'dfs' && o.shard) throw new RangeError('exhaustive (dfs) campaigns are not sharded');
  const threads = strategy === 'dfs' ? 1 : Math.max(1, Math.min(o.threads ?? defaultThreads(), to - from));
  const jobs: CampaignJob[] = Array.from({ length: threads }, (_, i) => {
    const [a, b] = shardRange(to - from, i, threads);
    return {
      kind: 'campaign',
      ref: absoluteRef(o.scenario),
      kernel: o.kernel,
      machineSeed: o.machineSeed,
      spec: { strategy, depth: o.depth, bound: o.bound, schedules, seed: o.seed ?? 1, range: [from + a, from + b], stopAtFirst: o.stopAtFirst, shrink: o.shrink, faultPpm: o.faultPpm, allSites: o.allSites },
      progress: new SharedArrayBuffer(8),
    };
  });
  return withPool(threads, async (p) => {
    const ticker = o.onProgress ? setInterval(() => reportProgress(jobs, to - from, o.onProgress!), 200) : null;
    try {
      const parts = (await Promise.all(jobs.map((j) => p.run(j)))) as CampaignResult[];
      // One job is the whole campaign (always so for dfs, whose results are never merged).
      return parts.length === 1 ? parts[0] : mergeResults(parts);
    } finally {
      if (ticker) clearInterval(ticker);
      if (o.onProgress) reportProgress(jobs, to - from, o.onProgress);
    }
  });
}

function reportProgress(jobs: readonly CampaignJob[], total: number, cb: (done: number, total: number, hits: number) => void): void {
  let done = 0;
  let hits = 0;
  for (const j of jobs) {
    const a = new Int32Array(j.progress!);
    done += Atomics.load(a, 0);
    hits += Atomics.load(a, 1);
  }
  cb(done, total, hits);
}

async function one<T>(job: RaceJob): Promise<T> {
  return withPool(1, (p) => p.run(job) as Promise<T>);
}

/** Replay a schedule string and prove it took the same path to the same state (`strict`: stop where it leaves the path). */
export function replay(schedule: string, o: { strict?: boolean } = {}): Promise<ReplayReport> {
  parseSchedule(schedule);
  return one({ kind: 'replay', schedule, strict: o.strict });
}

/** Shrink a failing schedule string to its fewest preemptions and steps. */
export function shrink(schedule: string): Promise<Shrunk> {
  parseSchedule(schedule);
  return one({ kind: 'shrink', schedule });
}

/** Run a directed schedule ("T1@site > T2 > T1") once on a scenario. */
export function directed(scenario: string, text: string, kernel?: string): Promise<DirectedOutcome> {
  return one({ kind: 'directed', ref: absoluteRef(scenario), kernel, directed: text });
}

/** Free-running executions (recorded; or perturbed): how often the race shows up without control. */
export function freeRuns(scenario: string, o: { runs: number; seed?: number; perturb?: boolean; kernel?: string }): Promise<FreeReport> {
  return one({ kind: 'free', ref: absoluteRef(scenario), kernel: o.kernel, runs: o.runs, seed: o.seed ?? 1, perturb: o.perturb ?? false });
}
