/**
 * Race jobs: what one pool worker (or the calling thread) does with one machine under test: a
 * campaign over a range of executions, a replay, a shrink, or free-running runs for the
 * manifestation rate. Each job opens its own session (its own machine and workers), runs, closes.
 * Jobs and their results are plain data, so they cross to and from piscina workers.
 */
import { type Report } from '../sched/detect.js';
import { type Decision, parseSchedule } from '../sched/schedule.js';
import { type LaneRow } from '../sched/lanes.js';
import { findBug } from './bugs.js';
import { type CampaignResult, type CampaignSpec, type DirectedOutcome, type Shrunk, replaySchedule, runCampaign, runDirected, scheduleOfRecord, shrinkSchedule, signature } from './campaign.js';
import { type RaceScenario, loadScenario } from './scenario.js';
import { RaceSession } from './session.js';
import { executionSeed } from '../sched/stats.js';

/** Where a job's scenario comes from: a module path, or a catalogued bug ('bug:B01'). */
export interface ScenarioRef {
  ref: string;
  /** Kernel profile or variant ('bug:B01', 'fixed:B01', '6.12', ...); default: the scenario's. */
  kernel?: string;
  machineSeed?: number;
}

/** The scenario a reference names, and the kernel it runs by default. */
export async function resolveScenario(ref: string): Promise<{ scenario: RaceScenario; kernel?: string }> {
  const m = /^bug:(\w+)$/.exec(ref);
  if (m === null) return { scenario: await loadScenario(ref) };
  const bug = findBug(m[1]);
  if (bug === undefined) throw new Error(`no bug ${m[1]} in the catalogue (numa-emu race --list)`);
  return { scenario: await loadScenario(bug.module), kernel: `bug:${bug.id}` };
}

/** Open a session on catalogued bug `id` under `kernel` ('bug:<id>', 'fixed:<id>', a profile), run `fn`, close it. */
export async function withBugSession<T>(id: string, kernel: string, fn: (s: RaceSession) => T | Promise<T>): Promise<T> {
  const s = await openFor({ ref: `bug:${id}`, kernel });
  try {
    return await fn(s);
  } finally {
    await s.close();
  }
}

/** A campaign over executions [range) — progress (executions done, hits) is published in `progress` if given. */
export interface CampaignJob extends ScenarioRef {
  kind: 'campaign';
  spec: Omit<CampaignSpec, 'onProgress'>;
  progress?: SharedArrayBuffer;
}
export interface ReplayJob {
  kind: 'replay';
  schedule: string;
  /** Stop at the first step that leaves the recorded path. */
  strict?: boolean;
}
export interface ShrinkJob {
  kind: 'shrink';
  schedule: string;
}
/** Free-running executions (optionally perturbed), recorded so that a hit can be replayed. */
export interface FreeJob extends ScenarioRef {
  kind: 'free';
  runs: number;
  seed: number;
  perturb: boolean;
  progress?: SharedArrayBuffer;
}
/** One run of a directed schedule. */
export interface DirectedJob extends ScenarioRef {
  kind: 'directed';
  directed: string;
}
export type RaceJob = CampaignJob | ReplayJob | ShrinkJob | FreeJob | DirectedJob;

/** What a replay job returns. */
export interface ReplayReport {
  schedule: string;
  verified: boolean;
  divergedAt: number | null;
  stateHash: string;
  expectedStateHash: string;
  reports: Report[];
  steps: number;
  tasks: number;
  lanes: LaneRow[];
}

/** What a free-running job returns. */
export interface FreeReport {
  runs: number;
  hits: number;
  signatures: Record<string, number>;
  /** The first hit, as a schedule converted from its record (replayable in controlled mode). */
  firstHit: { index: number; schedule: string; report: Report } | null;
  elapsedMs: number;
}

async function openFor(r: ScenarioRef): Promise<RaceSession> {
  const { scenario, kernel } = await resolveScenario(r.ref);
  return RaceSession.open(scenario, { ref: r.ref, kernel: r.kernel ?? kernel, machineSeed: r.machineSeed, hangMs: scenario.hangMs });
}

function scheduleRef(text: string): ScenarioRef {
  const s = parseSchedule(text);
  return { ref: s.scenario, kernel: s.kernel, machineSeed: s.machineSeed };
}

function publish(progress: SharedArrayBuffer | undefined): ((done: number, hits: number) => void) | undefined {
  if (progress === undefined) return undefined;
  const p = new Int32Array(progress);
  return (done, hits) => {
    Atomics.store(p, 0, done);
    Atomics.store(p, 1, hits);
  };
}

function freeRuns(session: RaceSession, job: FreeJob): FreeReport {
  const onProgress = publish(job.progress);
  const signatures: Record<string, number> = {};
  let hits = 0;
  let firstHit: FreeReport['firstHit'] = null;
  const t0 = performance.now();
  for (let i = 0; i < job.runs; i++) {
    const r = session.execute({ mode: job.perturb ? 'perturbed' : 'recorded', strategy: { kind: 'random' }, seed: executionSeed(job.seed, i), stopOnReport: false });
    const sig = signature(r);
    if (sig !== null) {
      hits++;
      signatures[sig] = (signatures[sig] ?? 0) + 1;
      if (firstHit === null && !job.perturb) firstHit = { index: i, schedule: scheduleOfRecord(session, r, session.executor.record()), report: r.reports[0] };
    }
    onProgress?.(i + 1, hits);
  }
  return { runs: job.runs, hits, signatures, firstHit, elapsedMs: performance.now() - t0 };
}

/** Run one job to its end; the session is always closed. */
export async function runRaceJob(job: RaceJob): Promise<CampaignResult | ReplayReport | Shrunk | FreeReport | DirectedOutcome> {
  const ref = job.kind === 'replay' || job.kind === 'shrink' ? scheduleRef(job.schedule) : job;
  const session = await openFor(ref);
  try {
    switch (job.kind) {
      case 'campaign':
        return runCampaign(session, { ...job.spec, onProgress: publish(job.progress) });
      case 'shrink':
        return shrinkSchedule(session, job.schedule);
      case 'free':
        return freeRuns(session, job);
      case 'directed':
        return runDirected(session, job.directed);
      case 'replay': {
        const o = replaySchedule(session, job.schedule, job.strict);
        return { schedule: job.schedule, verified: o.verified, divergedAt: o.divergedAt, stateHash: o.stateHash, expectedStateHash: o.expectedStateHash, reports: o.result.reports, steps: o.result.steps, tasks: session.executor.ntasks, lanes: o.lanes };
      }
    }
  } finally {
    await session.close();
  }
}

export type { Decision };
