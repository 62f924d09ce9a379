/**
 * Campaigns over a session: many executions under one strategy, their hits counted, the first
 * hit turned into a schedule string that replays bit-exactly, and that schedule shrunk to the
 * fewest preemptions. Also replay (with its proof) and the recorded-run conversion.
 *
 * Every execution is a function of the campaign seed and its index (or, for the exhaustive search,
 * of its position in the enumeration), so a campaign split into index ranges (shards) adds up to
 * exactly the single run: see merge.ts.
 */
import { type Report } from '../sched/detect.js';
import { DfsExplorer } from '../sched/dfs.js';
import { type ExecResult, type ExecSpec, type StrategySpec, type TraceStep } from '../sched/executor.js';
import { recordToDecisions } from '../sched/record.js';
import { type Decision, type Fault, type Schedule, formatSchedule, parseSchedule } from '../sched/schedule.js';
import { executionSeed, pctBound, wilson95 } from '../sched/stats.js';
import { StepKind } from '../sched/control.js';
import { siteName } from '../sched/sites.js';
import { type LaneRow, laneRows } from '../sched/lanes.js';
import { parseDirected } from '../sched/directed.js';
import { type RaceSession } from './session.js';

/** What a campaign explores. */
export interface CampaignSpec {
  strategy: 'random' | 'pct' | 'dfs';
  /** PCT depth (default: the scenario's, else 2). */
  depth?: number;
  /** DFS preemption bound (default 2). */
  bound?: number;
  /** Executions (for dfs: at most this many). */
  schedules: number;
  seed: number;
  /** Only the executions with index in [from, to) (a shard); default all. */
  range?: [number, number];
  /** Stop at the first hit. */
  stopAtFirst?: boolean;
  /** Shrink the first hit (default true). */
  shrink?: boolean;
  /** Random fault injection at injectable sites, per million passes (default: the scenario's). */
  faultPpm?: number;
  /** Switch at every site, ignoring the scenario's focus set. */
  allSites?: boolean;
  /** Called after every execution. */
  onProgress?: (done: number, hits: number) => void;
}

/** A hit: its execution index, schedule string, first report and length. */
export interface Hit {
  index: number;
  schedule: string;
  report: Report;
  steps: number;
}

/** A shrunk failing schedule. */
export interface Shrunk {
  schedule: string;
  preemptions: number;
  steps: number;
  /** The ordering constraints a person reads ("T1 paused at X until T2 passed Y"). */
  constraints: string[];
  /** Replays the shrinker ran. */
  replays: number;
  /** The lane diagram of the shrunk schedule (render with lanesText / lanesHtml). */
  lanes: LaneRow[];
}

/** A campaign's outcome (also a shard's, and what merge combines). */
export interface CampaignResult {
  version: 1;
  scenario: string;
  kernel: string;
  machineSeed: number;
  strategy: string;
  params: { depth?: number; k?: number; bound?: number; faultPpm?: number; focus?: string[] };
  seed: number;
  tasks: number;
  range: [number, number];
  schedules: number;
  hits: number;
  signatures: Record<string, number>;
  firstHit: Hit | null;
  shrunk: Shrunk | null;
  hitRate: number;
  ci95: [number, number];
  pct: { k: number; bound: number } | null;
  dfs: { explored: number; exhausted: boolean } | null;
  steps: number;
  elapsedMs: number;
  timeToFirstHitMs: number | null;
  decisionsPerSec: number;
  executionsPerSec: number;
}

/** A failure's signature: the first report's kind and site. */
export function signature(r: ExecResult): string | null {
  const rep = r.reports[0];
  return rep === undefined ? null : `${rep.kind}@${rep.site}`;
}

function strategyLabel(spec: CampaignSpec, k: number, focused: boolean): string {
  const f = focused ? '/focus' : '';
  if (spec.strategy === 'pct') return `pct/d:${spec.depth}/k:${k}/seed:${spec.seed}${f}`;
  if (spec.strategy === 'dfs') return `dfs/b:${spec.bound}${f}`;
  return `random/seed:${spec.seed}${f}`;
}

/** The schedule string of execution result `r` (call right after it ran, for the state hash). */
export function scheduleOf(session: RaceSession, r: ExecResult, strategy: string): string {
  const s: Schedule = {
    scenario: session.ref,
    kernel: session.kernelName,
    machineSeed: session.machineSeed,
    strategy,
    decisions: r.decisions,
    faults: r.faults,
    steps: r.steps,
    traceHash: r.traceHash,
    digest: r.digest,
    stateHash: session.stateHash(),
  };
  return formatSchedule(s);
}

/**
 * PCT's k: the decision points of the default schedule and of three fixed random ones (the same
 * in every shard, so that shards add up).
 */
function calibrateK(session: RaceSession, focus: readonly string[] | undefined): number {
  let k = session.execute({ mode: 'controlled', strategy: { kind: 'dfs', prefix: [] }, seed: 0, focus }).decisionPoints;
  for (let i = 0; i < 3; i++) k = Math.max(k, session.execute({ mode: 'controlled', strategy: { kind: 'random' }, seed: 0x5eed + i, focus }).decisionPoints);
  return Math.max(1, k);
}

/** Run a campaign on an open session. */
export function runCampaign(session: RaceSession, spec: CampaignSpec): CampaignResult {
  const depth = spec.depth ?? session.scenario.depth ?? 2;
  const bound = spec.bound ?? 2;
  const faultPpm = spec.faultPpm ?? session.scenario.faults?.ppm ?? 0;
  const full = { ...spec, depth, bound };
  const focus = spec.allSites ? undefined : session.scenario.focus;
  const k = spec.strategy === 'pct' ? calibrateK(session, focus) : 0;
  const [from, to] = spec.range ?? [0, spec.schedules];
  const dfs = spec.strategy === 'dfs' ? new DfsExplorer(bound) : null;
  const label = strategyLabel(full, k, focus !== undefined);
  const signatures: Record<string, number> = {};
  let hits = 0;
  let firstHit: Hit | null = null;
  let steps = 0;
  let runs = 0;
  let firstMs: number | null = null;
  const t0 = performance.now();
  for (let i = from; i < to; i++) {
    let strategy: StrategySpec;
    if (dfs !== null) {
      const prefix = dfs.next();
      if (prefix === null) break;
      strategy = { kind: 'dfs', prefix };
    } else strategy = spec.strategy === 'pct' ? { kind: 'pct', depth, k } : { kind: 'random' };
    const r = session.execute({ mode: 'controlled', strategy, seed: executionSeed(spec.seed, i), faultPpm, focus, wantTrace: dfs !== null });
    runs++;
    steps += r.steps;
    if (dfs !== null) dfs.feed(r.trace!);
    const sig = signature(r);
    if (sig !== null) {
      hits++;
      signatures[sig] = (signatures[sig] ?? 0) + 1;
      if (firstHit === null) {
        firstHit = { index: i, schedule: scheduleOf(session, r, label), report: r.reports[0], steps: r.steps };
        firstMs = performance.now() - t0;
      }
    }
    spec.onProgress?.(runs, hits);
    if (firstHit !== null && spec.stopAtFirst) break;
  }
  const elapsedMs = performance.now() - t0;
  const shrunk = firstHit !== null && spec.shrink !== false ? shrinkSchedule(session, firstHit.schedule) : null;
  return {
    version: 1,
    scenario: session.ref,
    kernel: session.kernelName,
    machineSeed: session.machineSeed,
    strategy: spec.strategy,
    params: { ...(spec.strategy === 'pct' ? { depth, k } : {}), ...(spec.strategy === 'dfs' ? { bound } : {}), ...(faultPpm ? { faultPpm } : {}), ...(focus ? { focus: [...focus] } : {}) },
    seed: spec.seed,
    tasks: session.executor.ntasks,
    range: [from, dfs !== null ? from + runs : to],
    schedules: runs,
    hits,
    signatures,
    firstHit,
    shrunk,
    hitRate: runs > 0 ? hits / runs : 0,
    ci95: wilson95(hits, runs),
    pct: spec.strategy === 'pct' ? { k, bound: pctBound(session.executor.ntasks, k, depth) } : null,
    dfs: dfs !== null ? { explored: runs, exhausted: dfs.exhausted } : null,
    steps,
    elapsedMs,
    timeToFirstHitMs: firstMs,
    decisionsPerSec: elapsedMs > 0 ? (steps / elapsedMs) * 1000 : 0,
    executionsPerSec: elapsedMs > 0 ? (runs / elapsedMs) * 1000 : 0,
  };
}

// ---------------------------------------------------------------------------------------------- replay

/** A replay and its proof. */
export interface ReplayOutcome {
  result: ExecResult;
  /** Same path (trace digest and hash) and same end state (buffer hash): bit-exact. */
  verified: boolean;
  /** The first step whose task or site differs from the recorded one, or null. */
  divergedAt: number | null;
  stateHash: string;
  expectedStateHash: string;
  /** The replay's lane diagram. */
  lanes: LaneRow[];
}

function replaySpec(decisions: readonly Decision[], faults: readonly Fault[], wantTrace: boolean, strict = false): ExecSpec {
  return { mode: 'controlled', strategy: { kind: 'replay', decisions, strict }, faults, seed: 0, wantTrace };
}

/**
 * Replay schedule `s` on the session and prove it took the same path to the same state. A
 * `strict` replay stops at the first step where the path leaves the record (the rest of the
 * record no longer means what it meant); otherwise it carries on, matching later switches by
 * task, site and pass where it can, and says where it left.
 */
export function replaySchedule(session: RaceSession, text: string, strict = false): ReplayOutcome {
  const s = parseSchedule(text);
  const result = session.execute(replaySpec(s.decisions, s.faults, true, strict));
  const stateHash = session.stateHash();
  let divergedAt: number | null = null;
  if (s.digest === '') {
    // A schedule converted from a recorded run carries no trace: the strategy's own check says whether it was followed.
    divergedAt = result.diverged > 0 ? result.diverged - 1 : null;
    return { result, verified: divergedAt === null, divergedAt, stateHash, expectedStateHash: s.stateHash, lanes: lanesOf(session, result) };
  }
  const n = Math.max(result.digest.length, s.digest.length);
  for (let i = 0; i < n && divergedAt === null; i++) if (result.digest[i] !== s.digest[i]) divergedAt = i;
  if (divergedAt === null && (result.steps !== s.steps || result.traceHash !== s.traceHash)) divergedAt = Math.min(result.steps, s.steps);
  const verified = divergedAt === null && (s.stateHash === '' || s.stateHash === stateHash);
  return { result, verified, divergedAt, stateHash, expectedStateHash: s.stateHash, lanes: lanesOf(session, result) };
}

function lanesOf(session: RaceSession, r: ExecResult): LaneRow[] {
  return r.trace === null ? [] : laneRows(r.trace, session.executor.ntasks, r.reports);
}

// ---------------------------------------------------------------------------------------------- shrinking

const SHRINK_BUDGET = 400;

/** The ordering constraints of an execution: where each preempted task waited and until what. */
export function constraintsOf(trace: readonly TraceStep[]): string[] {
  const out: string[] = [];
  for (let s = 0; s < trace.length; s++) {
    const st = trace[s];
    if (st.kind !== StepKind.Point || st.task < 0 || st.next < 0 || st.next === st.task) continue;
    const from = `T${st.task + 1} paused at \`${siteName(st.site)}\`${st.occ > 1 ? ` (pass ${st.occ})` : ''}`;
    let until = `; T${st.next + 1} then ran into the failure`;
    for (let j = s + 1; j < trace.length; j++) {
      const b = trace[j];
      if (b.next !== st.task || b.task === st.task) continue;
      until = b.kind === StepKind.End ? ` until T${b.task + 1} ended` : b.kind === StepKind.Block ? ` until T${b.task + 1} blocked at \`${siteName(b.site)}\`` : ` until T${b.task + 1} passed \`${siteName(b.site)}\``;
      break;
    }
    out.push(`${from}${until}`);
  }
  return out;
}

/** Subsets of `items` of size `k`, in lexicographic order of positions. */
function* subsets<T>(items: readonly T[], k: number): Generator<T[]> {
  const idx = Array.from({ length: k }, (_, i) => i);
  if (k > items.length) return;
  for (;;) {
    yield idx.map((i) => items[i]);
    let i = k - 1;
    while (i >= 0 && idx[i] === items.length - k + i) i--;
    if (i < 0) return;
    idx[i]++;
    for (let j = i + 1; j < k; j++) idx[j] = idx[j - 1] + 1;
  }
}

/** Preemptions the shrinker searches exhaustively (more than the catalogue's deepest bug needs). */
const SUBSET_MAX = 3;

/**
 * Shrink a failing schedule to the fewest preemptions, then the fewest steps, keeping its failure
 * signature (kind and site of the first report), with the default choices everywhere else (stay;
 * on a block or an end, the lowest runnable task): for each first task (the failing run's first),
 * no preemption at all, then one at any point of the failing run; then every pair and triple of
 * the failing run's own preemptions; if
 * none reproduces the failure, switches are removed one at a time while it still fails. Then each
 * remaining preemption is moved to an earlier point of its task while the failure comes sooner.
 */
export function shrinkSchedule(session: RaceSession, text: string): Shrunk {
  const s = parseSchedule(text);
  let replays = 0;
  const run = (decisions: readonly Decision[]) => {
    replays++;
    return session.execute(replaySpec(decisions, s.faults, true));
  };
  let best = run(s.decisions);
  const sig = signature(best);
  if (sig === null) throw new Error('the schedule to shrink does not fail when replayed');
  const keeps = (r: ExecResult) => signature(r) === sig;
  const preemptive = (d: Decision) => d.kind === StepKind.Point && d.task >= 0;
  const count = (r: ExecResult) => r.decisions.filter(preemptive).length;
  const first = best.decisions.find((d) => d.kind === StepKind.Start)!;
  let start = [first];
  const found = startsSearch(best.trace!) ?? subsetSearch(best.decisions.filter(preemptive));
  if (found !== null) best = found;
  else greedy();
  while (replays < SHRINK_BUDGET && moveEarlier());

  /** Each first task in turn (the failing run's first), with no preemption or a single one. */
  function startsSearch(trace: readonly TraceStep[]): ExecResult | null {
    for (let t = -1; t < session.executor.ntasks; t++) {
      if (t === first.next) continue;
      start = [t < 0 ? first : { ...first, next: t }];
      const r = singleSearch(trace);
      if (r !== null) return r;
    }
    start = [first];
    return null;
  }
  /** No preemption, then one preemption at any point of the failing run (to any other runnable task). */
  function singleSearch(trace: readonly TraceStep[]): ExecResult | null {
    const none = run(start);
    if (keeps(none)) return none;
    for (const [step, t] of trace.entries()) {
      if (t.kind !== StepKind.Point || t.task < 0) continue;
      for (let next = 0; next < session.executor.ntasks && replays < SHRINK_BUDGET; next++) {
        if (next === t.task || !(t.runnable & (1 << next))) continue;
        const r = run([...start, { step, task: t.task, site: siteName(t.site), occ: t.occ, kind: StepKind.Point, next }]);
        if (keeps(r)) return r;
      }
    }
    return null;
  }
  function subsetSearch(pre: Decision[]): ExecResult | null {
    for (let k = 2; k <= Math.min(SUBSET_MAX, pre.length); k++) {
      for (const sub of subsets(pre, k)) {
        if (replays >= SHRINK_BUDGET) return null;
        const r = run([...start, ...sub]);
        if (keeps(r)) return r;
      }
    }
    return null;
  }
  function greedy(): void {
    for (let changed = true; changed && replays < SHRINK_BUDGET; ) {
      changed = false;
      for (let i = best.decisions.length - 1; i >= 0 && replays < SHRINK_BUDGET; i--) {
        const r = run(best.decisions.filter((_, j) => j !== i));
        if (keeps(r) && count(r) <= count(best)) {
          best = r;
          changed = true;
          break;
        }
      }
    }
  }
  function moveEarlier(): boolean {
    const trace = best.trace!;
    for (const [i, d] of best.decisions.entries()) {
      if (!preemptive(d) || replays >= SHRINK_BUDGET) continue;
      const before = trace.slice(0, d.step).reverse().find((t) => t.task === d.task && t.kind === StepKind.Point);
      if (before === undefined) continue;
      const moved = { ...d, step: trace.indexOf(before), site: siteName(before.site), occ: before.occ };
      const r = run(best.decisions.map((x, j) => (j === i ? moved : x)));
      if (keeps(r) && r.steps < best.steps && count(r) <= count(best)) {
        best = r;
        return true;
      }
    }
    return false;
  }
  // Run the winner once more for its end state and a clean trace.
  const final = run(best.decisions);
  const schedule = scheduleOf(session, final, 'shrunk');
  return { schedule, preemptions: count(final), steps: final.steps, constraints: constraintsOf(final.trace!), replays, lanes: laneRows(final.trace!, session.executor.ntasks, final.reports) };
}

/** What a directed run gives: its reports, its schedule string (replayable), its lane diagram. */
export interface DirectedOutcome {
  schedule: string;
  reports: Report[];
  steps: number;
  lanes: LaneRow[];
}

/** Run the directed schedule `text` ("T1@site > T2 > T1", see directed.ts) once. */
export function runDirected(session: RaceSession, text: string): DirectedOutcome {
  const d = parseDirected(text);
  const r = session.execute({ mode: 'controlled', strategy: { kind: 'directed', segments: d.segments }, faults: d.faults, seed: 0, wantTrace: true });
  return { schedule: scheduleOf(session, r, `directed/${text}`), reports: r.reports, steps: r.steps, lanes: lanesOf(session, r) };
}

/** Convert a recorded free run into a schedule string (replayable in controlled mode). */
export function scheduleOfRecord(session: RaceSession, r: ExecResult, record: readonly (readonly [number, number])[]): string {
  const decisions = recordToDecisions(record, session.executor.ntasks);
  return formatSchedule({
    scenario: session.ref,
    kernel: session.kernelName,
    machineSeed: session.machineSeed,
    strategy: 'recorded',
    decisions,
    faults: r.faults,
    steps: 0,
    traceHash: 0,
    digest: '',
    stateHash: '',
  });
}
