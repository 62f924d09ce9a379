/**
 * The control buffer: everything the tasks of one race execution share with each other and with
 * the coordinator, in one SharedArrayBuffer.
 *
 * Model. The coordinator (the thread that owns the campaign) writes the strategy's parameters,
 * resets the per-execution words and bumps EPOCH; every task worker, parked in its race loop,
 * runs its program. In controlled mode exactly one task runs at a time: CUR names it, and the
 * running task itself decides who runs next at each point (the strategy's state lives here), then
 * hands over by storing CUR and waking the chosen task if it is parked. The trace records every
 * step; the coordinator reads it once all tasks have finished (FINISHED = NTASKS, DONE bumped).
 *
 * Locking. In controlled mode only the task named by CUR writes scheduling state (hand-offs go
 * through Atomics, which orders the plain writes before them). In the free-running modes the
 * tasks only touch their own rows, the counters (atomics) and the record (a slot per sequence
 * number, taken with Atomics.add).
 */
import { RegionPlanner, defineStruct } from '../shm/layout.js';

/** Most tasks one execution can schedule. */
export const MAX_TASKS = 16;
/** Scheduling modes. */
export const Mode = Object.freeze({ Free: 0, Controlled: 1, Perturbed: 2, Recorded: 3 } as const);
/** Execution status. */
export const Status = Object.freeze({ Idle: 0, Running: 1, Done: 2, Aborted: 3 } as const);
/** Why an execution was aborted. */
export const Abort = Object.freeze({ None: 0, Report: 1, Deadlock: 2, Steps: 3, Hang: 4, Diverged: 5, Crash: 6, Quit: 7 } as const);
/** Task states. */
export const TState = Object.freeze({ Idle: 0, Runnable: 1, Blocked: 2, Finished: 3 } as const);
/** Kinds of trace step. */
export const StepKind = Object.freeze({ Start: 0, Point: 1, Block: 2, End: 3, Fault: 4 } as const);
/** Strategies. */
export const Strat = Object.freeze({ Random: 1, Pct: 2, Dfs: 3, Directed: 4, Replay: 5 } as const);

export const CTL = defineStruct([
  'MAGIC',
  'MODE',
  'EPOCH', // bumped by the coordinator to start an execution (task workers wait on it)
  'QUIT', // set to end the race loops
  'NTASKS',
  'CUR', // controlled: the task that may run (-1: none)
  'STEP',
  'STATUS',
  'ABORT', // Abort.*
  'ABORT_STEP',
  'FINISHED', // atomic: tasks done with this execution
  'DONE', // futex word the coordinator waits on
  'MAX_STEPS',
  'STRATEGY',
  'RNG0',
  'RNG1',
  'RNG2',
  'RNG3',
  'PREEMPTIONS',
  'SWITCHES',
  'STOP_ON_REPORT',
  'REPORTED', // atomic: a detector reported in this execution
  'PCT_D',
  'PCT_K',
  'PCT_NEXT', // next priority-change point index
  'PCT_LOW', // the next (lower) priority to hand out
  'BOUND', // dfs: preemption bound
  'PREFIX_LEN', // dfs / replay: forced choices
  'DIR_NSEG',
  'DIR_SEG',
  'REP_NDEC',
  'REP_IDX',
  'REP_STRICT',
  'DIVERGED', // first diverging step + 1, or 0
  'FAULT_PPM', // random fault injection: probability per million at an injectable site
  'NFAULT_SPEC',
  'NFAULTS', // faults injected this execution
  'REC_SEQ', // recorded mode: next sequence number
  'REC_MAX',
  'TRACE_HASH',
  'SPIN_TURN', // polls of CUR before parking
  'READY', // atomic: race loops ready to run executions
  'DSTEP', // decision points so far (points where the strategy may switch)
  'FOCUS_ON', // 1: only sites in the focus set are decision points
]);
export const CTL_MAGIC = 0x52414345; // "RACE"

/** Per task: state, wake word, blocking details, PCT priority, counters. */
export const TSK = defineStruct(['STATE', 'WAKE', 'PARKED', 'BLK_ARR', 'BLK_IDX', 'BLK_SEEN', 'BLK_SITE', 'BLK_KIND', 'PRIO', 'STEPS', 'SLOT', 'LAST_SITE', 'RNG', 'RESULT_LEN', 'RESULT_KIND'], { lineAligned: true });

/**
 * One trace step: who was running, at which site (and its occurrence), what happened, who runs
 * next, and the tasks the strategy could choose from (at a point outside the focus set: only the
 * running one).
 */
export const TR = defineStruct(['TASK', 'SITE', 'OCC', 'KIND', 'NEXT', 'RUNNABLE']);
/** One replay decision: at `TASK`'s `OCC`-th pass of `SITE` (step STEP), run NEXT; KIND as TR.KIND. */
export const DEC = defineStruct(['STEP', 'TASK', 'SITE', 'OCC', 'KIND', 'NEXT']);
/** A directed segment: run TASK until it reaches the OCC-th pass of SITE (0: until it ends). */
export const SEG = defineStruct(['TASK', 'SITE', 'OCC']);
/** A fault to inject: TASK's OCC-th pass of the injectable SITE fails. */
export const FLT = defineStruct(['TASK', 'SITE', 'OCC']);

/** Sizes of a control buffer. */
export interface ControlSizes {
  readonly sites: number;
  readonly maxSteps: number;
  readonly maxDecisions: number;
  readonly resultBytes: number;
}

/** Word offsets of a control buffer's regions. */
export interface ControlLayout {
  readonly words: number;
  readonly sizes: ControlSizes;
  readonly tasks: number;
  readonly counts: number;
  readonly trace: number;
  readonly prefix: number;
  readonly decisions: number;
  readonly segs: number;
  readonly pctChange: number;
  readonly faultSpec: number;
  readonly faults: number;
  readonly record: number;
  readonly results: number;
  readonly focus: number;
}

/** Priority-change points PCT can have (depth - 1 of them). */
export const PCT_MAX_CHANGES = 8;
export const MAX_SEGMENTS = 32;
export const MAX_FAULTS = 16;

export function controlLayout(s: ControlSizes): ControlLayout {
  const p = new RegionPlanner();
  p.take('hdr', CTL.WORDS);
  const tasks = p.take('tasks', MAX_TASKS * TSK.WORDS);
  const counts = p.take('counts', MAX_TASKS * s.sites);
  const trace = p.take('trace', s.maxSteps * TR.WORDS);
  const prefix = p.take('prefix', s.maxSteps);
  const decisions = p.take('decisions', s.maxDecisions * DEC.WORDS);
  const segs = p.take('segs', MAX_SEGMENTS * SEG.WORDS);
  const pctChange = p.take('pct', PCT_MAX_CHANGES);
  const faultSpec = p.take('faultSpec', MAX_FAULTS * FLT.WORDS);
  const faults = p.take('faults', MAX_FAULTS * FLT.WORDS);
  const record = p.take('record', s.maxSteps * 2);
  const results = p.take('results', (MAX_TASKS * s.resultBytes) / 4);
  const focus = p.take('focus', Math.ceil(s.sites / 32));
  return { words: p.words, sizes: s, tasks, counts, trace, prefix, decisions, segs, pctChange, faultSpec, faults, record, results, focus };
}

/** A control buffer as mapped in one thread. */
export interface Control {
  readonly buf: SharedArrayBuffer;
  readonly c: Int32Array;
  readonly bytes: Uint8Array;
  readonly l: ControlLayout;
}

export function mapControl(buf: SharedArrayBuffer, sizes: ControlSizes): Control {
  const l = controlLayout(sizes);
  if (buf.byteLength !== l.words * 4) throw new Error('numa-emu BUG: control buffer size does not match its layout');
  return { buf, c: new Int32Array(buf), bytes: new Uint8Array(buf), l };
}

export function createControl(sizes: ControlSizes): Control {
  const l = controlLayout(sizes);
  const ctl = mapControl(new SharedArrayBuffer(l.words * 4), sizes);
  ctl.c[CTL.MAGIC] = CTL_MAGIC;
  return ctl;
}

/** Word index of field `f` of task `i`. */
export function tsk(ctl: Control, i: number, f: number): number {
  return ctl.l.tasks + i * TSK.WORDS + f;
}

/** Word index of field `f` of trace step `s`. */
export function tr(ctl: Control, s: number, f: number): number {
  return ctl.l.trace + s * TR.WORDS + f;
}
