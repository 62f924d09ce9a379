/**
 * The coordinator's side of one execution: reset the control buffer for a strategy, start every
 * task's race loop, wait (bounded) until all have finished, and read back what happened: the
 * trace, the decisions that make it replayable, the reports, each task's result.
 *
 * Runs synchronously in the thread that owns the campaign (the main thread or a pool worker):
 * the tasks hand control to each other directly through the control buffer, so the coordinator
 * only waits on the DONE word. Wall-clock time is read for one thing only, the hang watchdog.
 */
import { Abort, CTL, type Control, DEC, FLT, MAX_SEGMENTS, MAX_TASKS, Mode, PCT_MAX_CHANGES, SEG, Status, StepKind, Strat, TR, TSK, TState, tr, tsk } from './control.js';
import { type Detector, type Report } from './detect.js';
import { abortExecution, END_SITE } from './runtime.js';
import { DIGEST_STEPS, type Decision, type Fault, digestChar } from './schedule.js';
import { siteCount, siteId, siteName } from './sites.js';
import { choose, rngBelow, rngNext, rngSeed } from './strategy.js';

/** A directed segment: run `task` until it reaches `site` (its `occ`-th pass), or until it ends (site 'end'). */
export interface Segment {
  task: number;
  site: string;
  occ: number;
}

/** How one execution chooses. */
export type StrategySpec =
  | { kind: 'random' }
  | { kind: 'pct'; depth: number; k: number }
  | { kind: 'dfs'; prefix: readonly number[] }
  | { kind: 'directed'; segments: readonly Segment[] }
  | { kind: 'replay'; decisions: readonly Decision[]; strict?: boolean };

/** One execution's parameters. */
export interface ExecSpec {
  mode: 'controlled' | 'free' | 'perturbed' | 'recorded';
  strategy: StrategySpec;
  /** Seed of the strategy's randomness (and of the perturbations). */
  seed: number;
  /** Listed failures to inject. */
  faults?: readonly Fault[];
  /** Random strategy: probability (per million) that a pass of an injectable site fails. */
  faultPpm?: number;
  /** Stop at the first report (controlled mode). */
  stopOnReport?: boolean;
  /** Return the full trace (for DFS and diagrams). */
  wantTrace?: boolean;
  /**
   * Only these sites are decision points for random, PCT and DFS (names, or prefixes ending in
   * '*': 'numa_maps:*'); elsewhere the running task goes on. A deep bug's few sites make k small.
   */
  focus?: readonly string[];
}

/** A step of the trace. */
export interface TraceStep {
  task: number;
  site: number;
  occ: number;
  kind: number;
  next: number;
  runnable: number;
}

/** What a task's program ended with. */
export type TaskResult = { kind: 'ok'; value: unknown } | { kind: 'error'; message: string } | { kind: 'aborted' };

/** What happened in one execution. */
export interface ExecResult {
  completed: boolean;
  abort: keyof typeof Abort | null;
  abortStep: number;
  steps: number;
  preemptions: number;
  switches: number;
  reports: Report[];
  results: TaskResult[];
  decisions: Decision[];
  faults: Fault[];
  traceHash: number;
  digest: string;
  /** First step (+1) where a replay or a DFS prefix could not be followed; 0 if none. */
  diverged: number;
  /** Points where the strategy could switch (PCT's k counts these). */
  decisionPoints: number;
  trace: TraceStep[] | null;
}

/** The machine could not finish an execution in time: a task never came back to a point. */
export class RaceHangError extends Error {
  readonly code = 'ERR_RACE_HANG';
}

const MODE_OF = { controlled: Mode.Controlled, free: Mode.Free, perturbed: Mode.Perturbed, recorded: Mode.Recorded } as const;
const ABORT_NAMES = Object.fromEntries(Object.entries(Abort).map(([k, v]) => [v, k])) as Record<number, keyof typeof Abort>;

/** What the executor needs from the machine under test. */
export interface ExecHost {
  /** Put the machine back in the state every execution starts from. */
  restore(): void;
  /** Checks made after a completed execution (the ledger, the scenario's own check), reporting through `det`. */
  endCheck(results: TaskResult[]): void;
  /** The detector of the coordinator's thread (reports are read through it). */
  readonly det: Detector | null;
}

/** Runs executions of one machine under test. */
export class Executor {
  private readonly dec = new TextDecoder();

  constructor(
    readonly ctl: Control,
    readonly ntasks: number,
    private readonly host: ExecHost,
    /** Milliseconds an execution may take before it is aborted as hung (a watchdog, not a decision). */
    readonly hangMs = 10_000,
    readonly maxSteps = ctl.l.sizes.maxSteps,
  ) {
    if (ntasks < 1 || ntasks > MAX_TASKS) throw new RangeError(`a race has 1 to ${MAX_TASKS} tasks`);
  }

  /** Run one execution to its end (or its abort). */
  run(spec: ExecSpec): ExecResult {
    this.host.restore();
    this.host.det?.clearReports();
    const c = this.ctl.c;
    this.configure(spec);
    if (spec.mode === 'controlled') this.firstChoice();
    const done = Atomics.load(c, CTL.DONE);
    Atomics.add(c, CTL.EPOCH, 1);
    Atomics.notify(c, CTL.EPOCH);
    this.waitDone(done);
    const results = this.results();
    const completed = c[CTL.STATUS] !== Status.Aborted;
    if (completed) this.host.endCheck(results);
    return this.collect(spec, results, completed);
  }

  /** Put the machine back in its starting state (no execution may be running). */
  restore(): void {
    this.host.restore();
  }

  /** Ask every task's race loop to return. */
  quit(): void {
    Atomics.store(this.ctl.c, CTL.QUIT, 1);
    Atomics.add(this.ctl.c, CTL.EPOCH, 1);
    Atomics.notify(this.ctl.c, CTL.EPOCH);
  }

  private configure(spec: ExecSpec): void {
    const ctl = this.ctl;
    const c = ctl.c;
    const n = this.ntasks;
    c[CTL.MODE] = MODE_OF[spec.mode];
    c[CTL.NTASKS] = n;
    c[CTL.CUR] = -1;
    c[CTL.STEP] = 0;
    c[CTL.ABORT] = Abort.None;
    c[CTL.ABORT_STEP] = -1;
    c[CTL.FINISHED] = 0;
    c[CTL.MAX_STEPS] = this.maxSteps;
    c[CTL.PREEMPTIONS] = c[CTL.SWITCHES] = 0;
    c[CTL.STOP_ON_REPORT] = spec.stopOnReport === false ? 0 : 1;
    c[CTL.REPORTED] = 0;
    c[CTL.DIVERGED] = 0;
    c[CTL.REP_STRICT] = 0;
    c[CTL.NFAULTS] = 0;
    c[CTL.REC_SEQ] = 0;
    c[CTL.REC_MAX] = spec.mode === 'recorded' ? ctl.l.sizes.maxSteps : 0;
    c[CTL.TRACE_HASH] = 0;
    c[CTL.SPIN_TURN] = n <= 2 ? 1 << 14 : 1 << 10;
    c.fill(0, ctl.l.counts, ctl.l.counts + MAX_TASKS * ctl.l.sizes.sites);
    rngSeed(c, spec.seed);
    for (let i = 0; i < MAX_TASKS; i++) {
      c[tsk(ctl, i, TSK.STATE)] = i < n ? TState.Runnable : TState.Idle;
      c[tsk(ctl, i, TSK.STEPS)] = 0;
      c[tsk(ctl, i, TSK.PARKED)] = 0;
      c[tsk(ctl, i, TSK.RESULT_KIND)] = 0;
      c[tsk(ctl, i, TSK.RNG)] = rngNext(c) | 1;
    }
    this.configureFaults(spec);
    this.configureFocus(spec);
    this.configureStrategy(spec.strategy);
    Atomics.store(c, CTL.STATUS, Status.Running);
  }

  private configureFocus(spec: ExecSpec): void {
    const c = this.ctl.c;
    const l = this.ctl.l;
    c[CTL.DSTEP] = 0;
    const on = spec.focus !== undefined && spec.strategy.kind !== 'replay' && spec.strategy.kind !== 'directed';
    c[CTL.FOCUS_ON] = on ? 1 : 0;
    if (!on) return;
    c.fill(0, l.focus, l.focus + Math.ceil(l.sizes.sites / 32));
    const match = (name: string) => spec.focus!.some((f) => (f.endsWith('*') ? name.startsWith(f.slice(0, -1)) : name === f));
    for (let id = 1; id < siteCount(); id++) if (match(siteName(id))) c[l.focus + (id >>> 5)] |= 1 << (id & 31);
  }

  private configureFaults(spec: ExecSpec): void {
    const c = this.ctl.c;
    const faults = spec.faults ?? [];
    if (faults.length > MAX_SEGMENTS) throw new RangeError('too many faults listed');
    faults.forEach((f, i) => {
      const b = this.ctl.l.faultSpec + i * FLT.WORDS;
      c[b + FLT.TASK] = f.task;
      c[b + FLT.SITE] = siteId(f.site);
      c[b + FLT.OCC] = f.occ;
    });
    c[CTL.NFAULT_SPEC] = faults.length;
    c[CTL.FAULT_PPM] = spec.faultPpm ?? 0;
  }

  private configureStrategy(st: StrategySpec): void {
    const ctl = this.ctl;
    const c = ctl.c;
    switch (st.kind) {
      case 'random':
        c[CTL.STRATEGY] = Strat.Random;
        return;
      case 'pct':
        return this.configurePct(st.depth, st.k);
      case 'dfs':
        c[CTL.STRATEGY] = Strat.Dfs;
        if (st.prefix.length > ctl.l.sizes.maxSteps) throw new RangeError('dfs prefix longer than the step limit');
        st.prefix.forEach((t, i) => (c[ctl.l.prefix + i] = t));
        c[CTL.PREFIX_LEN] = st.prefix.length;
        return;
      case 'directed':
        c[CTL.STRATEGY] = Strat.Directed;
        if (st.segments.length > MAX_SEGMENTS) throw new RangeError(`a directed schedule has at most ${MAX_SEGMENTS} segments`);
        st.segments.forEach((s, i) => {
          const b = ctl.l.segs + i * SEG.WORDS;
          c[b + SEG.TASK] = s.task;
          c[b + SEG.SITE] = s.site === 'end' ? 0 : siteId(s.site);
          c[b + SEG.OCC] = s.occ;
        });
        c[CTL.DIR_NSEG] = st.segments.length;
        c[CTL.DIR_SEG] = 0;
        return;
      case 'replay':
        c[CTL.STRATEGY] = Strat.Replay;
        if (st.decisions.length > ctl.l.sizes.maxDecisions) throw new RangeError('schedule has more decisions than the control buffer holds');
        st.decisions.forEach((d, i) => {
          const b = ctl.l.decisions + i * DEC.WORDS;
          c[b + DEC.STEP] = d.step;
          c[b + DEC.TASK] = d.task;
          c[b + DEC.SITE] = d.kind === StepKind.End || d.kind === StepKind.Start ? END_SITE : siteId(d.site);
          c[b + DEC.OCC] = d.occ;
          c[b + DEC.KIND] = d.kind;
          c[b + DEC.NEXT] = d.next;
        });
        c[CTL.REP_NDEC] = st.decisions.length;
        c[CTL.REP_IDX] = 0;
        c[CTL.REP_STRICT] = st.strict ? 1 : 0;
        return;
    }
  }

  /** PCT: distinct random priorities above depth, d - 1 distinct change points among the first k steps. */
  private configurePct(depth: number, k: number): void {
    const ctl = this.ctl;
    const c = ctl.c;
    if (!Number.isInteger(depth) || depth < 1 || depth > PCT_MAX_CHANGES + 1) throw new RangeError(`pct depth is 1..${PCT_MAX_CHANGES + 1}`);
    c[CTL.STRATEGY] = Strat.Pct;
    c[CTL.PCT_D] = depth;
    c[CTL.PCT_K] = k;
    const order = Array.from({ length: this.ntasks }, (_, i) => i);
    for (let i = order.length - 1; i > 0; i--) {
      const j = rngBelow(c, i + 1);
      [order[i], order[j]] = [order[j], order[i]];
    }
    order.forEach((t, rank) => (c[tsk(ctl, t, TSK.PRIO)] = depth + rank));
    const chosen = new Set<number>();
    for (let i = 0; i < depth - 1; i++) {
      let step = 1 + rngBelow(c, Math.max(1, k));
      while (chosen.has(step) && chosen.size < k) step = 1 + (step % Math.max(1, k));
      chosen.add(step);
      c[ctl.l.pctChange + i] = step;
    }
  }

  /** Step 0: the strategy picks the first task to run. */
  private firstChoice(): void {
    const ctl = this.ctl;
    const c = ctl.c;
    const all = (1 << this.ntasks) - 1;
    const first = choose(ctl, { step: 0, cur: -1, site: END_SITE, occ: 0, kind: StepKind.Start, runnable: all });
    const t = tr(ctl, 0, 0);
    c[t + TR.TASK] = -1;
    c[t + TR.SITE] = END_SITE;
    c[t + TR.OCC] = 0;
    c[t + TR.KIND] = StepKind.Start;
    c[t + TR.NEXT] = first;
    c[t + TR.RUNNABLE] = all;
    c[CTL.STEP] = 1;
    c[CTL.SWITCHES] = 1;
    c[CTL.CUR] = first;
  }

  /** Wait (bounded) until every task has finished; a hung execution is aborted, then given up. */
  private waitDone(seen: number): void {
    const c = this.ctl.c;
    const t0 = performance.now();
    let aborted = false;
    while (Atomics.load(c, CTL.FINISHED) < this.ntasks) {
      Atomics.wait(c, CTL.DONE, seen, 20);
      seen = Atomics.load(c, CTL.DONE);
      const waited = performance.now() - t0;
      if (!aborted && waited > this.hangMs) {
        aborted = true;
        abortExecution(this.ctl, Abort.Hang, c[CTL.STEP] - 1);
      } else if (aborted && waited > 2 * this.hangMs) {
        throw new RaceHangError(`an execution did not finish within ${this.hangMs} ms: ${this.whereTasksAre()}`);
      }
    }
  }

  /** Each unfinished task and the last site it passed. */
  whereTasksAre(): string {
    const ctl = this.ctl;
    const out: string[] = [];
    for (let i = 0; i < this.ntasks; i++) {
      if (ctl.c[tsk(ctl, i, TSK.RESULT_KIND)] !== 0) continue;
      out.push(`T${i + 1} last passed ${siteName(ctl.c[tsk(ctl, i, TSK.LAST_SITE)])} and has not come back to a preemption point`);
    }
    return out.join('; ') || 'every task finished late';
  }

  private results(): TaskResult[] {
    const ctl = this.ctl;
    const out: TaskResult[] = [];
    const per = ctl.l.sizes.resultBytes;
    for (let i = 0; i < this.ntasks; i++) {
      const kind = ctl.c[tsk(ctl, i, TSK.RESULT_KIND)];
      const len = ctl.c[tsk(ctl, i, TSK.RESULT_LEN)];
      const text = len > 0 ? this.dec.decode(ctl.bytes.slice(ctl.l.results * 4 + i * per, ctl.l.results * 4 + i * per + len)) : '';
      if (kind === 1) out.push({ kind: 'ok', value: text === '' ? undefined : JSON.parse(text) });
      else if (kind === 2) out.push({ kind: 'error', message: text });
      else out.push({ kind: 'aborted' });
    }
    return out;
  }

  private collect(spec: ExecSpec, results: TaskResult[], completed: boolean): ExecResult {
    const ctl = this.ctl;
    const c = ctl.c;
    const steps = Math.min(c[CTL.STEP], ctl.l.sizes.maxSteps);
    const decisions: Decision[] = [];
    const trace: TraceStep[] | null = spec.wantTrace ? [] : null;
    let digest = '';
    for (let s = 0; s < steps; s++) {
      const t = tr(ctl, s, 0);
      const step: TraceStep = { task: c[t + TR.TASK], site: c[t + TR.SITE], occ: c[t + TR.OCC], kind: c[t + TR.KIND], next: c[t + TR.NEXT], runnable: c[t + TR.RUNNABLE] };
      if (step.next >= 0 && step.next !== step.task) decisions.push({ step: s, task: step.task, site: step.kind === StepKind.End ? 'end' : step.kind === StepKind.Start ? 'start' : siteName(step.site), occ: step.occ, kind: step.kind, next: step.next });
      if (s < DIGEST_STEPS) digest += digestChar(step.task, step.site);
      trace?.push(step);
    }
    const faults: Fault[] = [];
    for (let i = 0; i < c[CTL.NFAULTS]; i++) {
      const b = ctl.l.faults + i * FLT.WORDS;
      faults.push({ task: c[b + FLT.TASK], site: siteName(c[b + FLT.SITE]), occ: c[b + FLT.OCC] });
    }
    return {
      completed,
      abort: completed ? null : ABORT_NAMES[c[CTL.ABORT]] ?? null,
      abortStep: c[CTL.ABORT_STEP],
      steps,
      preemptions: c[CTL.PREEMPTIONS],
      switches: c[CTL.SWITCHES],
      reports: this.host.det?.reports() ?? [],
      results,
      decisions: spec.mode === 'controlled' ? decisions : [],
      faults,
      traceHash: c[CTL.TRACE_HASH],
      digest: spec.mode === 'controlled' ? digest : '',
      diverged: c[CTL.DIVERGED],
      decisionPoints: c[CTL.DSTEP],
      trace,
    };
  }

  /** The record of a recorded run: (task, site id) in the order the points were passed. */
  record(): [number, number][] {
    const ctl = this.ctl;
    const n = Math.min(ctl.c[CTL.REC_SEQ], ctl.c[CTL.REC_MAX]);
    return Array.from({ length: n }, (_, i) => [ctl.c[ctl.l.record + 2 * i], ctl.c[ctl.l.record + 2 * i + 1]] as [number, number]);
  }

  /** Number of site ids this build has (the control buffer was sized for it). */
  static sites(): number {
    return siteCount();
  }
}
