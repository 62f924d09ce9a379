/**
 * The scheduler as it runs inside each thread of a machine under test: the hooks the primitives
 * and the kernel call, in the mode of the current execution.
 *
 * - free: nothing but the detectors' bookkeeping (and none of it for threads without them);
 * - controlled: every point is a step; the running task asks the strategy who runs next and, if
 *   it is another task, stores CUR and wakes that task directly (no trip through another thread),
 *   then waits for its own turn: spinning a bounded while (the likely next task is the one that
 *   just ran), then parked on its own wake word. A task that would wait for a lock is marked
 *   blocked on the word and not chosen until the word changes; no runnable task is a deadlock,
 *   reported with who waits where and who holds what;
 * - perturbed: free running, with seeded yields and delays at points (rr's chaos mode, KCSAN's
 *   stalls);
 * - recorded: free running, each point appends (task, site) at a sequence number taken with one
 *   Atomics.add, so the run can be replayed in controlled mode.
 *
 * An aborted execution (a report that stops it, a deadlock, the step limit, a crash) makes every
 * task throw ExecutionAborted at its next point; the coordinator restores the machine anyway.
 */
import { arrayById, arrayId, lockOwner } from '../shm/owner.js';
import { Abort, CTL, type Control, Mode, Status, StepKind, TR, TSK, TState, tr, tsk } from './control.js';
import { type DetectContext, Detector, type ObjectClassSpec, type Report, SETUP_TASK, setDetector, taskLabel } from './detect.js';
import { type LockKind, type SchedHooks, setSchedHooks } from './preempt.js';
import { lockVerb, primitiveSite, refVerb, siteCount, siteName } from './sites.js';
import { choose, chooseFault } from './strategy.js';
import { describeWait } from './waits.js';

/** Thrown at a point of a task whose execution was aborted: unwinds the task's program. */
export class ExecutionAborted extends Error {
  constructor() {
    super('race execution aborted');
  }
}

/** Site id of a task's end (and of the first step). */
export const END_SITE = 0;

/** Polls of a free-running delay loop per unit of perturbation. */
const PERTURB_SPIN = 2000;

/** The hooks of one thread of a machine under test. */
export class Runtime implements SchedHooks, DetectContext {
  /** The current execution's mode, as this thread runs it. */
  private mode: number = Mode.Free;
  private last = END_SITE;
  private nsites: number;
  private rng = 0;
  readonly det: Detector | null;

  constructor(
    readonly ctl: Control,
    /** This thread's task index in executions, or -1 (the coordinator, node workers, a task before its race loop). */
    public me: number,
    detBuf: SharedArrayBuffer | null,
    classes: readonly ObjectClassSpec[],
    /** True in a task worker (its events outside executions are the setup's). */
    private readonly isTask = false,
  ) {
    this.nsites = siteCount();
    this.det = detBuf === null ? null : new Detector(detBuf, classes, this);
  }

  /** Install these hooks (and the detector) in this thread. */
  install(): void {
    setSchedHooks(this);
    setDetector(this.det);
  }

  get controlled(): boolean {
    return this.mode === Mode.Controlled;
  }

  // ------------------------------------------------------------------ DetectContext

  task(): number {
    return this.me >= 0 || !this.isTask ? this.me : SETUP_TASK;
  }

  step(): number {
    return this.mode === Mode.Controlled ? this.ctl.c[CTL.STEP] - 1 : -1;
  }

  lastSite(): number {
    return this.last;
  }

  reported(_r: Report): void {
    const c = this.ctl.c;
    Atomics.store(c, CTL.REPORTED, 1);
    if (this.mode === Mode.Controlled && c[CTL.STOP_ON_REPORT] && c[CTL.STATUS] === Status.Running) this.abort(Abort.Report);
  }

  // ------------------------------------------------------------------ hooks

  lock(arr: Int32Array, idx: number, kind: LockKind): void {
    const site = primitiveSite(lockVerb(kind, false), arr, idx);
    if (this.det !== null) this.det.beforeLock(kind, site);
    if (this.mode !== Mode.Recorded) this.point(site);
  }

  locked(arr: Int32Array, idx: number, kind: LockKind): void {
    const site = primitiveSite(lockVerb(kind, false), arr, idx);
    if (this.det !== null) this.det.afterLock(arr, idx, kind, false, site);
    // Recorded runs log a lock where it was taken, so the record is the order of acquisitions.
    if (this.mode === Mode.Recorded) this.point(site);
  }

  unlock(arr: Int32Array, idx: number, kind: LockKind): void {
    if (this.det !== null) this.det.afterUnlock(arr, idx);
    this.point(primitiveSite(lockVerb(kind, true), arr, idx));
  }

  ref(arr: Int32Array, idx: number, delta: 1 | -1): void {
    this.point(primitiveSite(refVerb(delta), arr, idx));
  }

  site(id: number): void {
    this.point(id);
  }

  block(arr: Int32Array, idx: number, seen: number, kind: LockKind): boolean {
    if (this.mode !== Mode.Controlled) return false;
    const c = this.ctl.c;
    const me = this.me;
    c[tsk(this.ctl, me, TSK.BLK_ARR)] = arrayId(arr);
    c[tsk(this.ctl, me, TSK.BLK_IDX)] = idx;
    c[tsk(this.ctl, me, TSK.BLK_SEEN)] = seen;
    c[tsk(this.ctl, me, TSK.BLK_SITE)] = this.last;
    c[tsk(this.ctl, me, TSK.BLK_KIND)] = kind;
    c[tsk(this.ctl, me, TSK.STATE)] = TState.Blocked;
    this.schedule(this.last, StepKind.Block);
    return true;
  }

  /** Should this pass of the injectable site `site` fail (an allocation in a named slab)? */
  fault(site: number): boolean {
    this.point(site);
    if (this.mode !== Mode.Controlled) return false;
    const occ = this.ctl.c[this.ctl.l.counts + this.me * this.nsites + site];
    return chooseFault(this.ctl, this.me, site, occ);
  }

  private point(site: number): void {
    this.last = site;
    switch (this.mode) {
      case Mode.Controlled:
        this.schedule(site, StepKind.Point);
        return;
      case Mode.Recorded:
        this.record(site);
        return;
      case Mode.Perturbed:
        this.perturb();
        return;
      default:
        return;
    }
  }

  // ------------------------------------------------------------------ controlled mode

  /** A step of the controlled execution: count, trace, choose, hand over. */
  private schedule(site: number, kind: number): void {
    const ctl = this.ctl;
    const c = ctl.c;
    const me = this.me;
    if (c[CTL.STATUS] !== Status.Running) throw new ExecutionAborted();
    const s = c[CTL.STEP];
    if (s >= c[CTL.MAX_STEPS]) this.abort(Abort.Steps);
    c[CTL.STEP] = s + 1;
    const ci = ctl.l.counts + me * this.nsites + site;
    const occ = kind === StepKind.Point ? ++c[ci] : c[ci];
    if (kind === StepKind.End) c[tsk(ctl, me, TSK.STATE)] = TState.Finished;
    c[tsk(ctl, me, TSK.STEPS)]++;
    c[tsk(ctl, me, TSK.LAST_SITE)] = site;
    let runnable = runnableMask(ctl);
    const mine = 1 << me;
    // Outside the focus set a point is not a decision: the running task goes on.
    if (kind === StepKind.Point && runnable & mine) {
      if (c[CTL.FOCUS_ON] && ((c[ctl.l.focus + (site >>> 5)] >>> (site & 31)) & 1) === 0) runnable = mine;
      else c[CTL.DSTEP]++;
    }
    const t = tr(ctl, s, 0);
    c[t + TR.TASK] = me;
    c[t + TR.SITE] = site;
    c[t + TR.OCC] = occ;
    c[t + TR.KIND] = kind;
    c[t + TR.RUNNABLE] = runnable;
    c[CTL.TRACE_HASH] = (Math.imul(c[CTL.TRACE_HASH], 31) + ((me + 1) << 16) + site) | 0;
    if (runnable === 0) {
      c[t + TR.NEXT] = -1;
      if (allFinished(ctl)) c[CTL.STATUS] = Status.Done;
      else this.deadlock(s);
      return;
    }
    const next = choose(ctl, { step: s, cur: me, site, occ, kind, runnable });
    c[t + TR.NEXT] = next;
    if (c[CTL.DIVERGED] !== 0 && c[CTL.REP_STRICT] !== 0) this.abort(Abort.Diverged);
    if (next === me) return;
    c[CTL.SWITCHES]++;
    if (runnable & (1 << me)) c[CTL.PREEMPTIONS]++;
    handOff(ctl, next);
    if (kind !== StepKind.End) waitTurn(ctl, me);
  }

  /** Stop the execution: every task throws at its next point; this one throws now. */
  abort(why: number): never {
    abortExecution(this.ctl, why, this.ctl.c[CTL.STEP] - 1);
    throw new ExecutionAborted();
  }

  private deadlock(step: number): never {
    const msg = describeWait(this.ctl);
    this.det?.report('deadlock', msg, undefined, this.last);
    abortExecution(this.ctl, Abort.Deadlock, step);
    throw new ExecutionAborted();
  }

  // ------------------------------------------------------------------ free-running modes

  private record(site: number): void {
    const c = this.ctl.c;
    const i = Atomics.add(c, CTL.REC_SEQ, 1);
    if (i >= c[CTL.REC_MAX]) return;
    c[this.ctl.l.record + 2 * i] = this.me;
    c[this.ctl.l.record + 2 * i + 1] = site;
  }

  /** A seeded stall at one point in twenty: a spin of one to eight units. */
  private perturb(): void {
    this.rng = (Math.imul(this.rng ^ (this.rng >>> 15), 0x2c1b3c6d) + 0x9e3779b9) | 0;
    if ((this.rng >>> 0) % 20 !== 0) return;
    const units = 1 + ((this.rng >>> 8) & 7);
    for (let i = 0, x = 0; i < units * PERTURB_SPIN; i++) x += Atomics.load(this.ctl.c, CTL.EPOCH);
  }

  // ------------------------------------------------------------------ executions

  /** Enter an execution (called by the task's race loop when EPOCH moves). */
  begin(): void {
    this.mode = this.ctl.c[CTL.MODE];
    this.last = END_SITE;
    this.rng = this.ctl.c[tsk(this.ctl, this.me, TSK.RNG)];
    this.det?.resetThread();
  }

  /** This task's turn comes (controlled), or it may start (free). */
  waitStart(): void {
    if (this.mode === Mode.Controlled) waitTurn(this.ctl, this.me);
    else if (Atomics.load(this.ctl.c, CTL.STATUS) !== Status.Running) throw new ExecutionAborted();
  }

  /** The program returned. */
  end(): void {
    if (this.mode === Mode.Controlled) this.schedule(END_SITE, StepKind.End);
  }

  /** Leave the execution: back to free mode. */
  finish(): void {
    this.mode = Mode.Free;
    this.det?.resetThread();
  }

  /** The program crashed: record it and stop the execution. */
  crashed(e: unknown): void {
    const msg = e instanceof Error ? `${e.message}` : String(e);
    this.det?.report('crash', `${taskLabel(this.me)} threw at ${siteName(this.last)}: ${msg}`, undefined, this.last);
    if (this.mode === Mode.Controlled && this.ctl.c[CTL.STATUS] === Status.Running) abortExecution(this.ctl, Abort.Crash, this.ctl.c[CTL.STEP] - 1);
  }
}

/** Tasks that may run now: runnable ones, and blocked ones whose word changed. */
export function runnableMask(ctl: Control): number {
  const c = ctl.c;
  let mask = 0;
  for (let i = 0; i < c[CTL.NTASKS]; i++) {
    const st = c[tsk(ctl, i, TSK.STATE)];
    if (st === TState.Runnable) mask |= 1 << i;
    else if (st === TState.Blocked) {
      const arr = arrayById(c[tsk(ctl, i, TSK.BLK_ARR)]);
      if (arr !== undefined && Atomics.load(arr, c[tsk(ctl, i, TSK.BLK_IDX)]) !== c[tsk(ctl, i, TSK.BLK_SEEN)]) {
        c[tsk(ctl, i, TSK.STATE)] = TState.Runnable;
        mask |= 1 << i;
      }
    }
  }
  return mask;
}

function allFinished(ctl: Control): boolean {
  for (let i = 0; i < ctl.c[CTL.NTASKS]; i++) if (ctl.c[tsk(ctl, i, TSK.STATE)] !== TState.Finished) return false;
  return true;
}

/** Let task `next` run: publish it, and wake it if it parked. */
export function handOff(ctl: Control, next: number): void {
  const c = ctl.c;
  Atomics.store(c, CTL.CUR, next);
  if (Atomics.load(c, tsk(ctl, next, TSK.PARKED)) !== 0) {
    Atomics.add(c, tsk(ctl, next, TSK.WAKE), 1);
    Atomics.notify(c, tsk(ctl, next, TSK.WAKE));
  }
}

/** Wait until CUR names task `me` (spin a bounded while, then park); throws if aborted. */
export function waitTurn(ctl: Control, me: number): void {
  const c = ctl.c;
  for (let i = c[CTL.SPIN_TURN]; i > 0; i--) {
    if (Atomics.load(c, CTL.CUR) === me) return;
    if (Atomics.load(c, CTL.STATUS) !== Status.Running) throw new ExecutionAborted();
  }
  const parked = tsk(ctl, me, TSK.PARKED);
  const wake = tsk(ctl, me, TSK.WAKE);
  Atomics.store(c, parked, 1);
  try {
    for (;;) {
      const w = Atomics.load(c, wake);
      if (Atomics.load(c, CTL.CUR) === me) return;
      if (Atomics.load(c, CTL.STATUS) !== Status.Running) throw new ExecutionAborted();
      // Bounded slices: the coordinator watches the whole execution and aborts a hung one.
      Atomics.wait(c, wake, w, 100);
    }
  } finally {
    Atomics.store(c, parked, 0);
  }
}

/** Abort the execution (from any thread) and wake every task so that it unwinds. */
export function abortExecution(ctl: Control, why: number, step: number): void {
  const c = ctl.c;
  if (Atomics.compareExchange(c, CTL.STATUS, Status.Running, Status.Aborted) !== Status.Running) return;
  c[CTL.ABORT] = why;
  c[CTL.ABORT_STEP] = step;
  for (let i = 0; i < c[CTL.NTASKS]; i++) {
    Atomics.add(c, tsk(ctl, i, TSK.WAKE), 1);
    Atomics.notify(c, tsk(ctl, i, TSK.WAKE));
  }
}

/** The owner id of this thread (for messages about who holds what). */
export function selfOwner(): number {
  return lockOwner();
}
