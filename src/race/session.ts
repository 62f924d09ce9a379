/**
 * A race session: one machine under test, set up once, then executed as many times as asked.
 *
 * Opening a session builds the scenario's machine, attaches every task worker (and this thread,
 * the coordinator) to a control buffer and a detector buffer, runs the scenario's setup, pauses
 * kswapd for good, snapshots every buffer of the machine, and starts each racing task's race loop.
 * Each execution restores the snapshot (so no execution starts a worker or builds anything), runs
 * the programs under the chosen mode and strategy, then checks the refcount ledger and the
 * scenario's own check. The coordinator's thread gets the scheduler's hooks too, so a session
 * must run in a thread of its own (a pool worker, or a CLI's main thread), one session at a time.
 */
import { auditKernel } from '../kernel/audit.js';
import { type Kernel } from '../kernel/kernel.js';
import { ledgerCheck } from '../kernel/mpol-ledger.js';
import { deadLockHolds } from '../kernel/oops.js';
import { readKernelFile } from '../kernel/procfs.js';
import { objectClasses } from '../kernel/sites.js';
import { pauseKswapd } from '../kernel/vmscan.js';
import { Machine } from '../machine/machine.js';
import { TASK } from '../shm/structs.js';
import { CTL, type Control, type ControlSizes, TSK, createControl, tsk } from '../sched/control.js';
import { Detector, setDetector } from '../sched/detect.js';
import { type ExecResult, type ExecSpec, Executor, type TaskResult } from '../sched/executor.js';
import { setSchedHooks } from '../sched/preempt.js';
import { Runtime } from '../sched/runtime.js';
import { siteCount } from '../sched/sites.js';
import { peekUser, hashBuffers } from './inspect.js';
import { DEFAULT_RACE_MACHINE, type RaceCheckContext, type RaceScenario } from './scenario.js';

/** How a session is built. */
export interface SessionOptions {
  /** How a schedule string names the scenario (a module path, or 'bug:<id>'): default its path. */
  ref?: string;
  /** Kernel profile or variant (default: the scenario's machine's, else '6.12'). */
  kernel?: string;
  /** Machine seed (default 1). */
  machineSeed?: number;
  /** Step limit of one execution. */
  maxSteps?: number;
  /** Milliseconds before an execution is declared hung. */
  hangMs?: number;
}

let open = false;

/** A machine under test and its executor. */
export class RaceSession {
  private constructor(
    readonly scenario: RaceScenario,
    readonly machine: Machine,
    readonly executor: Executor,
    readonly kernelName: string,
    readonly machineSeed: number,
    /** The scenario as schedule strings name it. */
    readonly ref: string,
  ) {}

  /** Build the machine, run the setup, snapshot, start the race loops. */
  static async open(sc: RaceScenario, o: SessionOptions = {}): Promise<RaceSession> {
    if (open) throw new Error('a race session is already open in this thread (sessions install the scheduler in their thread: one at a time)');
    open = true;
    let machine: Machine | null = null;
    try {
      const base = sc.machine ?? DEFAULT_RACE_MACHINE;
      const machineSeed = o.machineSeed ?? base.seed ?? 1;
      machine = await Machine.create({ ...base, ...(o.kernel ? { kernel: o.kernel } : {}), seed: machineSeed });
      return await RaceSession.prepare(sc, machine, machineSeed, o);
    } catch (e) {
      open = false;
      setSchedHooks(null);
      setDetector(null);
      await machine?.close();
      throw e;
    }
  }

  private static async prepare(sc: RaceScenario, machine: Machine, machineSeed: number, o: SessionOptions): Promise<RaceSession> {
    const kn = machine.kernel;
    const sizes: ControlSizes = { sites: siteCount(), maxSteps: o.maxSteps ?? 20_000, maxDecisions: 4096, resultBytes: 4096 };
    const ctl = createControl(sizes);
    const classes = objectClasses(kn);
    const detBuf = Detector.createBuffer(classes);
    const rt = new Runtime(ctl, -1, detBuf, classes);
    rt.install();
    await machine.attachRace({ ctl: ctl.buf, sizes, det: detBuf });
    const setup = await sc.setup(machine);
    const n = setup.tasks.length;
    if (n !== sc.programs.length) throw new Error(`scenario setup gave ${n} tasks for ${sc.programs.length} programs`);
    pauseKswapd(kn, 5_000);
    setup.tasks.forEach((t, i) => (ctl.c[tsk(ctl, i, TSK.SLOT)] = t.slot));
    const restore = snapshot(machine, rt.det!);
    const loops = setup.tasks.map((t, i) => t.host.call('raceLoop', [i, sc.module, sc.programs[i], setup.args?.[i]]));
    await readyOrFailed(ctl, n, loops);
    const slots = setup.tasks.map((t) => t.slot);
    const check = (results: TaskResult[]) => endCheck(sc, machine, rt.det!, slots, results);
    const executor = new Executor(ctl, n, { restore, endCheck: check, det: rt.det }, o.hangMs, sizes.maxSteps);
    return new RaceSession(sc, machine, executor, machine.profile, machineSeed, o.ref ?? sc.module);
  }

  /** Run one execution. */
  execute(spec: ExecSpec): ExecResult {
    return this.executor.run(spec);
  }

  /** Hash of every kernel buffer now (after an execution: the state it ended in). */
  stateHash(): string {
    return hashBuffers(this.machine.buffers);
  }

  /**
   * End the race loops, close the machine, take the scheduler out of this thread. The machine is
   * restored first: an aborted execution may have left locks held and objects half-built.
   */
  async close(): Promise<void> {
    try {
      this.executor.restore();
      this.executor.quit();
      // The loops return at once, unless a task never came back from its program (a hung
      // execution): the machine's close gives each call a grace period, then ends its worker.
      await this.machine.close();
    } finally {
      setSchedHooks(null);
      setDetector(null);
      open = false;
    }
  }
}

/** Wait until every race loop is ready, or one of them failed (its error is thrown). */
async function readyOrFailed(ctl: Control, n: number, loops: Promise<unknown>[]): Promise<void> {
  const failed = Promise.race(loops.map((p) => p.then(() => Promise.reject(new Error('a race loop ended before the session started')))));
  failed.catch(() => undefined); // the loops end for good at close(): only a failure before the start matters

  for (;;) {
    const seen = Atomics.load(ctl.c, CTL.READY);
    if (seen >= n) return;
    const w = Atomics.waitAsync(ctl.c, CTL.READY, seen, 1000);
    await Promise.race([w.async ? w.value : Promise.resolve(), failed]);
  }
}

/** Snapshot every buffer of the machine and the detector's objects; returns the restorer. */
function snapshot(machine: Machine, det: Detector): () => void {
  const b = machine.buffers;
  const bufs: SharedArrayBuffer[] = [b.kernel, b.vmas, b.ptes, b.disk, b.swap, ...Object.values(b.nodes)];
  const views = bufs.map((x) => new Uint8Array(x));
  const saved = views.map((v) => v.slice());
  const detSaved = det.save();
  return () => {
    for (let i = 0; i < views.length; i++) views[i].set(saved[i]);
    det.restore(detSaved);
  };
}

/**
 * The kernel audit of an execution's end state, for a check. Not Machine.audit: that pauses kswapd
 * for the audit and resumes it after, and a session keeps kswapd paused for good (it would run
 * between executions, outside every schedule).
 */
function kernelAudit(kn: Kernel): readonly string[] {
  try {
    return [...deadLockHolds(kn), ...auditKernel(kn).problems];
  } catch (e) {
    return [`the audit could not finish: ${(e as Error).message}`];
  }
}

/** After a completed execution: the refcount ledger, then the scenario's check. */
function endCheck(sc: RaceScenario, machine: Machine, det: Detector, slots: readonly number[], results: TaskResult[]): void {
  const kn = machine.kernel;
  ledgerCheck(kn);
  if (sc.check === undefined) return;
  const ctx: RaceCheckContext = {
    results,
    readFile: (path) => {
      const r = readKernelFile(kn, path, 0);
      if (typeof r === 'number') throw new Error(`${path}: errno ${r}`);
      return r;
    },
    load: (task, addr, len) => peekUser(kn, kn.k[kn.task(slots[task]) + TASK.MM], addr, len),
    audit: () => kernelAudit(kn),
  };
  let msg: string | null;
  try {
    msg = sc.check(ctx);
  } catch (e) {
    msg = `the check threw: ${(e as Error).message}`;
  }
  if (msg !== null) det.report('check', msg, undefined, 0);
}
