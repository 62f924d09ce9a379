/**
 * Runs one fuzz program on a fresh machine: rounds of calls from several tasks of several
 * processes at once (each task's batch runs synchronously in its own worker, all batches of a
 * round at the same time), process calls (fork, clone, exit, exec) alone between them, and at
 * checkpoints and at the end a data check (every byte the model knows is read back through each
 * process's mappings and each open file) and the kernel audit. The first departure from the
 * errno contract, the model or the audit throws a FuzzFailure; a round that does not finish in
 * time is a hang.
 */
import { fileURLToPath } from 'node:url';
import { Machine, type Process, type Task } from '../src/index.js';
import { CALLS, Ctx, type World, type WireCall } from './calls.js';
import { BatchApply, type Outcome, RoundFacts, type Segment, type Shared, compareFile, describeError, isSystemError, withBytes } from './effects.js';
import { Obj, P, type ProcModel, type TaskModel, diffBytes, forkModel, objIndex, pageView } from './model.js';
import { type AbstractOp, type Program, type Round } from './program.js';

const BATCH = fileURLToPath(new URL('./batch.js', import.meta.url));
/** Live tasks and processes a program keeps at most (actors have 256 slots per page). */
const MAX_TASKS = 10;
const MAX_PROCS = 6;
const MAX_ACTORS = 256;

export interface RunOptions {
  /** A round (or a check) that takes longer is a hang. */
  roundTimeoutMs: number;
  /** Data check and audit every this many rounds (and after the last). */
  checkEvery: number;
  /** Keep a line per call, for the report of a failure. */
  trace: boolean;
}

export interface RunStats {
  calls: number;
  rounds: number;
  checks: number;
}

/** A departure from the contract, with what the program did up to it. */
export class FuzzFailure extends Error {
  constructor(
    message: string,
    readonly trace: string[],
  ) {
    super(message);
  }
}

interface LiveTask {
  model: TaskModel;
  task: Task;
}

class Run implements Shared {
  readonly procs: ProcModel[] = [];
  readonly names = new Map<string, Obj>();
  readonly segments = new Map<number, Segment>();
  readonly stats: RunStats = { calls: 0, rounds: 0, checks: 0 };
  readonly trace: string[] = [];
  private readonly live: LiveTask[] = [];
  private readonly handles = new Map<ProcModel, Process>();
  private nextObj = 1;
  private nextActor = 0;
  private seq = 0;

  constructor(
    readonly machine: Machine,
    readonly opts: RunOptions,
  ) {}

  newObj(kind: Obj['kind'], size: number): Obj {
    return new Obj(this.nextObj++, kind, size);
  }

  private world(): World {
    const nodes = this.machine.nodes.filter((n) => n.memory > 0).map((n) => n.id);
    const cpus = this.machine.nodes.flatMap((n) => n.cpus);
    return { procs: this.procs, nodes, cpus, shmIds: [...this.segments.keys()] };
  }

  private fail(message: string): never {
    throw new FuzzFailure(message, this.trace);
  }

  private log(line: string): void {
    if (this.opts.trace) this.trace.push(line);
  }

  private who(t: TaskModel): string {
    return `pid ${t.proc.pid} actor ${t.actor}`;
  }

  /** Wait for `p`, or fail the program as hung. */
  private async bounded<T>(p: Promise<T>, what: string): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const watchdog = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new FuzzFailure(`hang: ${what} did not finish in ${this.opts.roundTimeoutMs} ms`, this.trace)), this.opts.roundTimeoutMs);
    });
    try {
      return await Promise.race([p, watchdog]);
    } finally {
      clearTimeout(timer);
    }
  }

  // ---- processes and tasks ------------------------------------------------------------------

  private adopt(proc: Process, model: ProcModel): void {
    this.procs.push(model);
    this.handles.set(model, proc);
    this.addTask(model, proc.main);
  }

  private addTask(model: ProcModel, task: Task): void {
    const t: TaskModel = { actor: this.nextActor++, proc: model };
    model.tasks.push(t);
    this.live.push({ model: t, task });
  }

  private dropTask(t: TaskModel): void {
    this.live.splice(this.live.findIndex((l) => l.model === t), 1);
    t.proc.tasks.splice(t.proc.tasks.indexOf(t), 1);
    if (t.proc.tasks.length === 0) this.procs.splice(this.procs.indexOf(t.proc), 1);
  }

  private canGrow(procs: number): boolean {
    return this.live.length < MAX_TASKS && this.procs.length + procs <= MAX_PROCS && this.nextActor < MAX_ACTORS;
  }

  async spawn(cpu: number): Promise<void> {
    const proc = await this.machine.spawnProcess({ cpu });
    this.adopt(proc, { pid: proc.pid, tasks: [], regions: [], priv: new Map(), fds: new Map() });
  }

  // ---- rounds ---------------------------------------------------------------------------------

  async round(r: Round): Promise<void> {
    this.stats.rounds++;
    if ('solo' in r) await this.solo(r.solo);
    else await this.par(r.par);
  }

  private taskAt(ref: number): LiveTask | undefined {
    return this.live.length === 0 ? undefined : this.live[ref % this.live.length];
  }

  private resolve(t: TaskModel, op: AbstractOp, world: World): WireCall | null {
    const spec = CALLS[op.call];
    const args = spec.args(new Ctx(op.seed, world, t));
    return args && withBytes([spec.name, ...args], t, () => ++this.seq);
  }

  /** Batches at once: one structural call alone in its process, or data calls of many tasks. */
  private async par(batches: { task: number; ops: AbstractOp[] }[]): Promise<void> {
    const world = this.world();
    const chosen: { lt: LiveTask; calls: WireCall[] }[] = [];
    const busy = new Map<ProcModel, 'data' | 'structural'>();
    for (const b of batches) {
      const lt = this.taskAt(b.task);
      if (!lt || chosen.some((c) => c.lt === lt)) continue;
      const structural = CALLS[b.ops[0].call].kind === 'structural';
      const has = busy.get(lt.model.proc);
      if (has === 'structural' || (has && structural)) continue;
      busy.set(lt.model.proc, structural ? 'structural' : 'data');
      const calls = (structural ? b.ops.slice(0, 1) : b.ops).map((op) => this.resolve(lt.model, op, world)).filter((c): c is WireCall => c !== null);
      if (calls.length > 0) chosen.push({ lt, calls });
    }
    const facts = new RoundFacts(this);
    chosen.forEach((c, i) => c.calls.forEach((call) => facts.note(i, c.lt.model, call)));
    const results = await this.bounded(Promise.all(chosen.map((c) => c.lt.task.run<Outcome[]>(BATCH, 'runBatch', c.calls))), `round ${this.stats.rounds}`);
    chosen.forEach((c, i) => this.applyBatch(new BatchApply(this, facts, i, c.lt.model), c.calls, results[i]));
  }

  private applyBatch(ap: BatchApply, calls: WireCall[], outcomes: Outcome[]): void {
    for (const [j, call] of calls.entries()) {
      const o = outcomes[j];
      this.stats.calls++;
      this.log(`r${this.stats.rounds} ${this.who(ap.t)}: ${showCall(call)} -> ${o === undefined ? '(not run)' : showOutcome(o)}`);
      if (o === undefined) this.fail(`${showCall(call)} was not run: the batch stopped at an earlier failure`);
      if (!o.ok && !isSystemError(o.error)) this.fail(`${showCall(call)} by ${this.who(ap.t)}: ${describeError(o.error)}`);
      const bad = applyCall(ap, call, o);
      if (bad) this.fail(`${showCall(call)} by ${this.who(ap.t)}: ${bad}`);
    }
  }

  /** A call alone on the machine: a process call, or a system call in the chosen task. */
  private async solo(op: AbstractOp & { task: number }): Promise<void> {
    const lt = this.taskAt(op.task);
    const spec = CALLS[op.call];
    if (spec.name === 'spawnProcess') return this.processCall(`spawnProcess`, () => (this.canGrow(1) ? this.spawn(this.world().cpus[op.seed % this.world().cpus.length]) : Promise.resolve()));
    if (!lt) return;
    const call = this.resolve(lt.model, op, this.world());
    if (!call) return;
    const t = lt.model;
    const proc = this.handles.get(t.proc)!;
    const cpu = call[1] as number;
    switch (spec.name) {
      case 'fork':
        return this.processCall(`fork by ${this.who(t)}`, async () => {
          if (!this.canGrow(1)) return;
          const child = await proc.fork({ cpu });
          this.adopt(child, forkModel(t.proc, child.pid));
        });
      case 'spawnThread':
        return this.processCall(`clone by ${this.who(t)}`, async () => {
          if (this.canGrow(0)) this.addTask(t.proc, await proc.spawnThread({ cpu }));
        });
      case 'exit':
        return this.processCall(`exit of ${this.who(t)}`, () => this.exitTask(lt));
      case 'exec':
        return this.processCall(`exec by ${this.who(t)}`, () => this.exec(lt));
      default: {
        const [outcomes] = await this.bounded(Promise.all([lt.task.run<Outcome[]>(BATCH, 'runBatch', [call])]), `round ${this.stats.rounds}`);
        this.applyBatch(new BatchApply(this, new RoundFacts(this), 0, t), [call], outcomes);
      }
    }
  }

  async processCall(what: string, fn: () => Promise<void>): Promise<void> {
    this.stats.calls++;
    this.log(`r${this.stats.rounds} ${what}`);
    try {
      await this.bounded(fn(), what);
    } catch (e) {
      if (e instanceof FuzzFailure) throw e;
      const err = e as Error & { code?: string; errno?: number; syscall?: string };
      if (!isSystemError({ name: err.name, message: err.message, code: err.code, errno: err.errno, syscall: err.syscall })) this.fail(`${what}: ${err.code ?? err.name}: ${err.message}`);
      this.log(`  -> ${err.code}`);
    }
  }

  /** A thread exits; the last task of a process ends it (the last process on the machine stays). */
  private async exitTask(lt: LiveTask): Promise<void> {
    const p = lt.model.proc;
    const proc = this.handles.get(p)!;
    if (p.tasks.length > 1) {
      await proc.exitTask(lt.task);
      this.dropTask(lt.model);
    } else if (this.procs.length > 1) {
      await proc.exit();
      this.dropTask(lt.model);
    }
  }

  /** exec: the other threads go, then (if it succeeds) the address space is a new, empty one. */
  private async exec(lt: LiveTask): Promise<void> {
    const p = lt.model.proc;
    for (const other of [...p.tasks]) if (other !== lt.model) this.dropTask(other);
    await lt.task.exec(); // de_thread happened even if the new mm could not be had
    p.regions = [];
    p.priv.clear();
  }

  // ---- checks -------------------------------------------------------------------------------------

  /** Read back every byte the model knows, through every process's mappings and open files; then audit. */
  async check(): Promise<void> {
    this.stats.checks++;
    const reads = this.procs.map((p) => ({ lt: this.live.find((l) => l.model.proc === p)!, calls: checkReads(p) }));
    const results = await this.bounded(Promise.all(reads.map((r) => r.lt.task.run<Outcome[]>(BATCH, 'runBatch', r.calls))), 'data check');
    reads.forEach((r, i) => r.calls.forEach((call, j) => this.checkRead(r.lt.model.proc, call, results[i][j])));
    const report = this.machine.audit();
    if (report.problems.length > 0) this.fail(`audit: ${report.problems.slice(0, 12).join('; ')}${report.problems.length > 12 ? ` (+${report.problems.length - 12})` : ''}`);
  }

  private checkRead(p: ProcModel, call: WireCall, o: Outcome | undefined): void {
    const what = `data check of pid ${p.pid}: ${showCall(call)}`;
    if (o === undefined) this.fail(`${what} was not run`);
    if (!o.ok) {
      if (o.error.code !== 'ENOMEM' || !isSystemError(o.error)) this.fail(`${what}: ${describeError(o.error)}`);
      return;
    }
    if (call[0] === 'load') {
      const addr = call[1] as number;
      const r = p.regions.find((x) => x.start <= addr && addr < x.end)!;
      const d = diffBytes(pageView(p, r, addr), o.value as Uint8Array, 0);
      if (d) this.fail(`${what}: ${d}`);
    } else {
      const [, fd, count, off] = call as [string, number, number, number];
      const got = o.value as Uint8Array;
      if (got.length !== count) this.fail(`${what}: read ${got.length} bytes`);
      const d = compareFile(p.fds.get(fd)!.obj, off, got);
      if (d) this.fail(`${what}: ${d}`);
    }
  }

  async closeMachine(): Promise<void> {
    await this.bounded(this.machine.close(), 'machine.close()');
  }
}

/** The reads of a data check of process `p`: every readable page of its regions, every readable file it has open. */
function checkReads(p: ProcModel): WireCall[] {
  const calls: WireCall[] = [];
  for (const r of p.regions) {
    for (let a = r.start; a < r.end; a += P) {
      const beyondEof = r.obj?.isFile && objIndex(r, a) >= r.obj.nrPages && (r.shared || !p.priv.has(a / P));
      if (!beyondEof) calls.push(['load', a, P]);
    }
  }
  const seen = new Set<Obj>();
  for (const [fd, d] of p.fds) {
    if (d.acc === 1 || seen.has(d.obj)) continue;
    seen.add(d.obj);
    // Page by page: a read that meets ENOMEM part way returns what it read, as read(2) does.
    for (let off = 0; off < d.obj.size; off += P) calls.push(['pread', fd, Math.min(P, d.obj.size - off), off]);
  }
  return calls;
}

/** Check and record one call's outcome; an error message, or null. */
function applyCall(ap: BatchApply, call: WireCall, o: Outcome): string | null {
  const [name, a, b, c] = call;
  switch (name) {
    case 'store':
      return ap.store(a as number, b as Uint8Array, o);
    case 'load':
      return ap.load(a as number, o);
    case 'touch':
      return ap.touch(a as number, b as number, c as string, o);
    case 'pread':
      return ap.pread(a as number, b as number, c as number, o);
    case 'pwrite':
      return ap.pwrite(a as number, b as Uint8Array, c as number, o);
    case 'fsync':
      return ap.fsync(a as number, o);
    case 'write':
      return ap.write(a as number, b as Uint8Array, o);
    case 'read':
      return ap.read(a as number, b as number, o);
    case 'open':
      return ap.open(a as string, b as number, o);
    case 'shmget':
      return ap.shmget(a as number, b as number, o);
    case 'shmat':
      return ap.shmat(a as number, c as number, o);
    case 'mmap':
      return ap.mmap(call.slice(1), o), null;
    case 'munmap':
      return ap.munmap(a as number, b as number, o), null;
    case 'close':
      return ap.close(a as number, o), null;
    case 'shmdt':
      return ap.shmdt(a as number, o), null;
    case 'shmctl':
      return ap.shmctl(a as number, b as number, o), null;
    case 'ftruncate':
      return ap.ftruncate(a as number, b as number, o), null;
    case 'unlink':
      return ap.unlink(a as string, o), null;
    default:
      return null; // no effect on the bytes the model tracks; the errno contract was checked
  }
}

function showArg(v: unknown): string {
  if (typeof v === 'number') return Number.isInteger(v) && v >= 0x10000 ? `0x${v.toString(16)}` : String(v);
  if (typeof v === 'bigint') return `0b${v.toString(2)}n`;
  if (v instanceof Uint8Array) return `<${v.length} bytes>`;
  return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? `0b${x.toString(2)}n` : x));
}

export function showCall([name, ...args]: WireCall): string {
  return `${name}(${args.map(showArg).join(', ')})`;
}

function showOutcome(o: Outcome): string {
  if (!o.ok) return o.error.code ?? o.error.name;
  if (o.value instanceof Uint8Array) return `<${o.value.length} bytes>`;
  return o.value === undefined ? 'ok' : showArg(o.value).slice(0, 60);
}

/** Run `prog` on a fresh machine; the figures of the run, or a thrown FuzzFailure. */
export async function runProgram(prog: Program, opts: RunOptions): Promise<RunStats> {
  const machine = await Machine.create(prog.machine);
  const run = new Run(machine, opts);
  let failed = true;
  try {
    const cpus = machine.nodes.flatMap((n) => n.cpus);
    for (let i = 0; i < prog.processes; i++) await run.processCall('spawnProcess', () => run.spawn(cpus[i % cpus.length]));
    for (const [i, r] of prog.rounds.entries()) {
      await run.round(r);
      if ((i + 1) % opts.checkEvery === 0) await run.check();
    }
    await run.check();
    failed = false;
  } finally {
    // After a failure the machine may be wedged: give close() its bound and move on.
    await run.closeMachine().catch((e: unknown) => {
      if (!failed) throw e;
    });
  }
  return run.stats;
}
