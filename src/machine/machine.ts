/**
 * The emulated machine: node workers that own the memory, task workers that run the tasks, and
 * the main-thread handles (Machine, Process, Task) whose methods are promises.
 *
 * Lifecycle: `Machine.create` validates the topology, starts one worker per node (each creates
 * its node's buffer), allocates the machine-wide buffers, formats the kernel tables and attaches
 * every node worker to the whole machine. `spawnProcess` creates a process from the main thread
 * (as init would) and starts its task's worker; fork and thread creation run in the parent
 * task's worker, as system calls of that task, before the child's worker starts. `close` makes
 * every live task exit (freeing its memory and policies in the kernel) and ends every worker.
 *
 * Lifetime rules. Once a machine, a process or a task is ending, calls to it are refused at
 * once, with one code per reason:
 *   ERR_MACHINE_CLOSED  close() has begun (any call made after it);
 *   ERR_TASK_EXITED     the task's process has exited or is exiting (exit(), exec's de_thread);
 *   ERR_TASK_DIED       the task's worker died on its own (its exit code in `exitCode`);
 *   ERR_TASK_KILLED     the call was in flight when its task had to be ended by force.
 * A task exits in the kernel only once none of its calls is in flight: each call in flight gets
 * a grace period (`close({ graceMs })`, 2 s by default) to settle, after which the task's worker
 * is ended, its calls reject with ERR_TASK_KILLED, the task is reaped from the main thread and
 * the loss is reported (`machine.faults`, a process warning). So no call ever runs on a dead
 * task and no promise is left pending. A worker keeps the process alive only while a call to it
 * is in flight: a script that forgets close() still exits; `await using` closes the machine.
 */
import { auditKernel, type AuditReport } from '../kernel/audit.js';
import { type KernelConfig } from '../kernel/config.js';
import { CAP_SYS_NICE, CAP_SYS_PTRACE, CAP_SYS_RAWIO, CAP_SYS_RESOURCE } from '../kernel/constants.js';
import { systemError } from '../kernel/errno.js';
import { Kernel, type MachineBuffers, bufferSizes, kernelRegions, mainOwner } from '../kernel/kernel.js';
import { numaPolicyInit } from '../kernel/mempolicy.js';
import { bdevFormat } from '../kernel/blockdev.js';
import { readKernelFile, writeKernelFile } from '../kernel/procfs.js';
import { createProcess, exitTask, inheritTaskPolicy } from '../kernel/task.js';
import { kswapdDead, markKswapdDead, pauseKswapd, withKswapdPaused } from '../kernel/vmscan.js';
import { KHDR, TASK } from '../shm/structs.js';
import { type Sys } from '../kernel/syscalls.js';
import { type ControlSizes } from '../sched/control.js';
import { LockOwnerDiedError, markOwnerDead } from '../shm/owner.js';
import { deadLockHolds, exclusiveHolds, lockNames } from '../kernel/oops.js';
import { upReadFor } from '../shm/rwsem.js';
import { type Shape, checkOptions, optionValueError } from './options.js';
import { allocShared } from './shared-buffer.js';
import { OUT_ARGS, type ReplyWithOut, type SyscallName, SYSCALL_NAMES } from './task-worker.js';
import { type MachineOptions, buildConfig } from './topology.js';
import { fromWire, lifecycleError } from './wire.js';
import { WorkerHost } from './worker-host.js';

// Node 20.0-20.3 predate Symbol.asyncDispose (20.4 added it); `await using` looks it up.
if (typeof Symbol.asyncDispose !== 'symbol') Object.defineProperty(Symbol, 'asyncDispose', { value: Symbol.for('nodejs.asyncDispose') });

const CAP_NAMES: Record<string, number> = { CAP_SYS_NICE, CAP_SYS_RESOURCE, CAP_SYS_PTRACE, CAP_SYS_RAWIO };

/**
 * The machine whose kernel the main thread is bound to as lock owner (owner.ts keeps one binding
 * per thread, and one main thread may run several machines): a machine binds it again before it
 * runs kernel code there.
 */
let mainThreadKernel: Kernel | null = null;

function bindMainThread(kn: Kernel): Kernel {
  if (mainThreadKernel !== kn) {
    kn.bindThread(mainOwner(kn.cfg.limits));
    mainThreadKernel = kn;
  }
  return kn;
}

/** How long calls in flight may take to settle when their task must exit (close, exit), by default. */
export const DEFAULT_GRACE_MS = 2000;
/** How long the main thread waits for a kswapd round to end before an audit or close goes on without it. */
const KSWAPD_PAUSE_LIMIT_MS = 5000;

/** Credentials and placement of a new process. */
export interface SpawnOptions {
  /** CPU the main task runs on (default 0, or the CPU of the process that starts the workload under `numa-emu numactl`). */
  cpu?: number;
  /** uid (default 0). */
  uid?: number;
  /** Effective uid (default: uid). */
  euid?: number;
  /** Capabilities by name ('CAP_SYS_NICE', 'CAP_SYS_RESOURCE', 'CAP_SYS_PTRACE', 'CAP_SYS_RAWIO') or number. Default: all four when uid is 0, none otherwise. */
  caps?: (string | number)[];
}

/** Placement of a new thread or forked child. */
export interface CloneOptions {
  /** CPU the new task runs on (default: the CPU of the task that clones: the main task while it lives). */
  cpu?: number;
}

/** Options of `machine.close()`. */
export interface CloseOptions {
  /**
   * Milliseconds each task's calls in flight get to settle before its worker is ended by force
   * (default 2000). A `task.run` function that never returns is ended after this.
   */
  graceMs?: number;
}

/**
 * Something that went wrong outside any call: a kswapd or a worker that died, a task ended by
 * force, or a task oops (a system call cut short by an exception while it held locks, which now
 * fail their waiters; or a task whose exit could not release what it held, because a lock it
 * needs belongs to a task that died).
 */
export interface MachineFault {
  /** What happened. */
  kind: 'kswapd-died' | 'node-worker-died' | 'kswapd-stuck' | 'task-worker-died' | 'task-killed' | 'task-oops';
  /** The node it concerns (kswapd and node faults). */
  node?: number;
  /** The task it concerns (task faults). */
  pid?: number;
  tid?: number;
  message: string;
}

/** What `machine.close()` resolves with. */
export interface CloseReport {
  /** Every fault of the machine's life, those of the close (tasks ended by force) included. */
  faults: readonly MachineFault[];
}

/** A node as the machine describes it. */
export interface NodeInfo {
  /** Node id (0..63). */
  id: number;
  /** The node's CPU numbers. */
  cpus: readonly number[];
  /** Memory in bytes. */
  memory: number;
}

const SPAWN_SHAPE: Shape = { cpu: 'number', uid: 'number', euid: 'number', caps: '(string|number)[]' };
const CLONE_SHAPE: Shape = { cpu: 'number' };
const CLOSE_SHAPE: Shape = { graceMs: 'number' };

function capMask(caps: (string | number)[]): number {
  let mask = 0;
  for (const c of caps) {
    const bit = typeof c === 'number' ? c : CAP_NAMES[c];
    if (bit === undefined || !Number.isInteger(bit) || bit < 0 || bit > 30) throw optionValueError('spawnProcess', `unknown capability ${String(c)} (known: ${Object.keys(CAP_NAMES).join(', ')})`);
    mask |= 1 << bit;
  }
  return mask;
}

function closedError(): Error {
  return lifecycleError('ERR_MACHINE_CLOSED', 'the machine is closed (close() was called)');
}

function exitedError(t: Task): Error {
  return lifecycleError('ERR_TASK_EXITED', `task ${t.tid} of process ${t.pid} has exited`, { pid: t.pid, tid: t.tid });
}

/** Each system call of `Sys`, as a promise: same name, same arguments, same documentation. */
type Promised<T> = { [K in keyof T]: T[K] extends (...args: infer A) => infer R ? (...args: A) => Promise<R> : never };

/**
 * A task (a thread of a process) on its own worker. Its system-call methods mirror `Sys` (same
 * names, C argument order, errors), as promises; `run` executes your own function on the task's
 * worker, with the synchronous `Sys`.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export interface Task extends Promised<Pick<Sys, SyscallName>> {}
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class Task {
  /** @internal live: calls go through; exiting/exited: refused with ERR_TASK_EXITED. */
  state: 'live' | 'exiting' | 'exited' = 'live';

  /** @internal */
  constructor(
    /** The process this task belongs to. */
    readonly process: Process,
    /** Thread id. */
    readonly tid: number,
    /** @internal slot in the kernel's task table */
    readonly slot: number,
    /** @internal */
    readonly host: WorkerHost,
  ) {}

  /** Process id of the task's process. */
  get pid(): number {
    return this.process.pid;
  }

  /** Set (an Error with code ERR_TASK_DIED) if the task's worker died on its own. */
  get died(): Error | null {
    return this.host.died;
  }

  /**
   * Run `exportName` of the module at `modulePath` (absolute path or file URL) on this task's
   * worker, as `fn(sys, ...args)`, where `sys` offers every system call synchronously. Resolves
   * with the function's value; an exception it throws rejects with the worker-side stack (your
   * file and line). `args` and the value must be structured-cloneable (an argument that is not
   * is a TypeError with code ERR_INVALID_ARG_TYPE, a value ERR_INVALID_RETURN_VALUE).
   */
  run<T = unknown>(modulePath: string, exportName: string, ...args: unknown[]): Promise<T> {
    return this.request<T>('run', [modulePath, exportName, args], 'task.run()', [modulePath, exportName, ...args]);
  }

  /**
   * execve: the process's other threads exit, the address space is replaced by an empty one
   * (VMA policies go), the task policy stays. @throws ENOMEM (no free mm slot); ERR_TASK_EXITED,
   * ERR_MACHINE_CLOSED once they end.
   */
  async exec(): Promise<void> {
    const refused = this.refusal();
    if (refused) throw refused;
    await this.process.deThread(this);
    await this.request('exec', [], 'exec()');
  }

  /** @internal a call to the task's worker, unless the task or the machine refuses calls. */
  request<T>(method: string, args: readonly unknown[], what: string, userArgs: readonly unknown[] = args): Promise<T> {
    const refused = this.refusal();
    return refused ? Promise.reject(refused) : this.host.call<T>(method, args, what, userArgs);
  }

  /** @internal why calls are refused now, or null. */
  refusal(): Error | null {
    return this.process.machine.refusal() ?? (this.state === 'live' ? null : exitedError(this));
  }
}
for (const name of SYSCALL_NAMES) {
  const k = OUT_ARGS[name];
  Object.defineProperty(Task.prototype, name, {
    value:
      k === undefined
        ? function (this: Task, ...args: unknown[]) {
            return this.request('call', [name, args], `${name}()`, args);
          }
        : async function (this: Task, ...args: unknown[]) {
            const r = await this.request<ReplyWithOut>('call', [name, args], `${name}()`, args);
            copyOut(args[k], r.out);
            if (r.error) throw fromWire(r.error);
            return r.value;
          },
  });
}

/** Copy an output array the worker filled back into the caller's array (the same one, if it was shared). */
function copyOut(mine: unknown, theirs: unknown): void {
  if (mine === theirs || !(Array.isArray(mine) || mine instanceof Int32Array)) return;
  const from = theirs as ArrayLike<number>;
  for (let i = 0; i < Math.min(mine.length, from.length); i++) mine[i] = from[i];
}

/** A process: an address space and its tasks. */
export class Process {
  readonly #live: Task[] = [];
  #first: Task | undefined;
  #exiting: Promise<void> | null = null;
  readonly #starting = new Set<Promise<unknown>>();

  /** @internal */
  constructor(
    /** The machine the process runs on. */
    readonly machine: Machine,
    /** Process id. */
    readonly pid: number,
  ) {}

  /** The main task (the first one). It stays this process's main task after exit (its calls then reject with ERR_TASK_EXITED). */
  get main(): Task {
    return this.#first!;
  }

  /** The process's live tasks, main first. */
  get tasks(): readonly Task[] {
    return this.#live;
  }

  /** @internal */
  adopt(t: Task): Task {
    this.#first ??= t;
    this.#live.push(t);
    return t;
  }

  /**
   * clone(CLONE_VM|CLONE_THREAD): a new task in this process, on `opts.cpu` (default: the cloning
   * task's, the main task while it lives). @throws EINVAL (a CPU the machine lacks), EAGAIN (the task table is full), ENOMEM.
   */
  async spawnThread(opts: CloneOptions = {}): Promise<Task> {
    checkOptions('spawnThread', 'options', opts, CLONE_SHAPE);
    const caller = this.#caller();
    const cpu = opts.cpu ?? (await caller.getcpu()).cpu;
    const slot = await caller.request<number>('clone', [true, cpu], 'spawnThread()');
    return this.adopt(await this.#track(this.machine.startTask(this, slot)));
  }

  /**
   * fork(): a child process with a copy-on-write copy of the address space, the task policy and
   * the VMA policies, on `opts.cpu` (default: the cloning task's, the main task while it lives). @throws EINVAL (a CPU the machine
   * lacks), EAGAIN (the task table is full), ENOMEM (no mm slot, or the policy slab is full).
   */
  async fork(opts: CloneOptions = {}): Promise<Process> {
    checkOptions('fork', 'options', opts, CLONE_SHAPE);
    const caller = this.#caller();
    const cpu = opts.cpu ?? (await caller.getcpu()).cpu;
    const slot = await caller.request<number>('clone', [false, cpu], 'fork()');
    return this.machine.adoptProcess(slot);
  }

  /** exit(): every task exits; the address space and the policies are freed. Calls made from now on reject with ERR_TASK_EXITED. Idempotent. */
  exit(): Promise<void> {
    return this.exitWithin(this.machine.graceMs);
  }

  /**
   * One thread of this process exits (pthread_exit); the last one ends the process, as exit()
   * does. Idempotent. @throws ERR_INVALID_ARG_VALUE for a task of another process.
   */
  async exitTask(t: Task): Promise<void> {
    if (t.pid !== this.pid) throw optionValueError('exitTask', `task ${t.tid} belongs to process ${t.pid}, not ${this.pid}`);
    if (!this.#live.includes(t)) return;
    if (this.#live.length === 1) return this.exit();
    await this.endTask(t, this.machine.graceMs);
  }

  /** @internal exit, giving calls in flight `graceMs` to settle. */
  exitWithin(graceMs: number): Promise<void> {
    this.#exiting ??= this.#exitAll(graceMs);
    return this.#exiting;
  }

  /** @internal why calls to this process's tasks are refused, or null. */
  refusal(): Error | null {
    return this.#exiting ? lifecycleError('ERR_TASK_EXITED', `process ${this.pid} has exited`, { pid: this.pid }) : null;
  }

  /** @internal make every task but `keep` exit (exec's de_thread). */
  async deThread(keep: Task): Promise<void> {
    await Promise.all(this.#live.filter((t) => t !== keep).map((t) => this.endTask(t, this.machine.graceMs)));
  }

  /**
   * @internal end task `t`. It exits in its own worker once its calls in flight have settled;
   * one whose worker died, or whose calls do not settle within `graceMs` (its worker is then
   * ended, and the loss reported), is reaped from the main thread.
   */
  async endTask(t: Task, graceMs: number): Promise<void> {
    if (t.state === 'exited') return;
    t.state = 'exiting';
    const i = this.#live.indexOf(t);
    if (i >= 0) this.#live.splice(i, 1);
    const m = this.machine;
    const settled = await t.host.idle(graceMs);
    if (t.died) m.reap(t.slot);
    else if (!settled) {
      const message = `task ${t.tid} of process ${t.pid} was ended by force: its calls in flight did not settle within ${graceMs} ms`;
      await t.host.terminate(lifecycleError('ERR_TASK_KILLED', message, { pid: t.pid, tid: t.tid }));
      const held = m.reap(t.slot);
      m.fault({ kind: 'task-killed', pid: t.pid, tid: t.tid, message: held ? `${message}; it was ended holding ${held}, whose waiters now fail (ERR_LOCK_OWNER_DIED)` : message });
    } else await t.host.call('exit', []).catch((e: Error & { code?: string }) => this.#exitFailed(t, e));
    t.state = 'exited';
    await t.host.terminate();
  }

  /**
   * The task's exit failed in its worker: its worker died meanwhile, it oopsed earlier (both
   * reported already), or the exit itself was cut short (a lock it needs belongs to a dead task).
   * It is reaped from the main thread, which releases what can be released.
   */
  #exitFailed(t: Task, e: Error & { code?: string }): void {
    const m = this.machine;
    if (e.code !== 'ERR_TASK_DIED') m.fault({ kind: 'task-oops', pid: t.pid, tid: t.tid, message: `task ${t.tid} of process ${t.pid} could not exit cleanly: ${e.message}` });
    m.reap(t.slot);
  }

  async #exitAll(graceMs: number): Promise<void> {
    for (const t of this.#live) t.state = 'exiting';
    await Promise.allSettled([...this.#starting]);
    await Promise.all([...this.#live].map((t) => this.endTask(t, graceMs)));
    this.machine.forget(this);
  }

  /**
   * The task that clones for the process: the main task while it lives, else another live one
   * (any thread may call clone; the main task may have exited alone, by exitTask).
   */
  #caller(): Task {
    return this.#live.includes(this.main) ? this.main : (this.#live[0] ?? this.main);
  }

  /** Keep `work` (a task being started) in the set an exit waits for. */
  #track<T>(work: Promise<T>): Promise<T> {
    this.#starting.add(work);
    const done = () => this.#starting.delete(work);
    work.then(done, done);
    return work;
  }
}

/**
 * An emulated NUMA machine. Create it with `Machine.create(options)`; end it with `close()`, or
 * let `await using m = await Machine.create()` end it.
 */
/** What a race session gives every task worker of the machine (see src/race/session.ts). */
interface RaceAttachment {
  ctl: SharedArrayBuffer;
  sizes: ControlSizes;
  det: SharedArrayBuffer | null;
}

export class Machine {
  readonly #processes = new Set<Process>();
  #race: RaceAttachment | null = null;
  readonly #starting = new Set<Promise<unknown>>();
  readonly #faultLog: MachineFault[] = [];
  #closing: Promise<CloseReport> | null = null;
  #closed = false;
  /** Process whose task policy and CPU new processes inherit (set by `numa-emu numactl` for a workload). */
  #spawnParent: Process | null = null;
  /** @internal grace period of exit() and of close() without options. */
  readonly graceMs = DEFAULT_GRACE_MS;

  private constructor(
    /** The validated description. */
    readonly config: KernelConfig,
    /** @internal */
    private readonly kn: Kernel,
    /** @internal */
    private readonly bufs: MachineBuffers,
    /** @internal */
    private readonly nodeHosts: Map<number, WorkerHost>,
  ) {
    for (const [nid, h] of nodeHosts) h.onFault = (message) => this.#nodeFault(nid, h, message);
  }

  /**
   * Build a machine (the demo machine by default) and start its node workers. Options are
   * checked by name and type first: an unknown key is a RangeError naming it and the nearest
   * known one, a value of the wrong type a TypeError with code ERR_INVALID_ARG_TYPE, a value out
   * of range a RangeError with code ERR_INVALID_ARG_VALUE saying which limit and why.
   */
  static async create(options: MachineOptions = {}): Promise<Machine> {
    const cfg = buildConfig(options);
    const sizes = bufferSizes(cfg.limits);
    const firstMem = cfg.nodes.find((n) => n.pages > 0)!;
    const hosts = new Map<number, WorkerHost>();
    try {
      const nodeBufs: Record<number, SharedArrayBuffer> = {};
      await Promise.all(
        cfg.nodes.map(async (n) => {
          const h = await WorkerHost.start('node', null, `node ${n.id}`);
          hosts.set(n.id, h);
          nodeBufs[n.id] = await h.call<SharedArrayBuffer>('create', [n.id, n.pages, n.basePfn, n === firstMem ? n.basePfn : -1]);
        }),
      );
      const bufs: MachineBuffers = {
        kernel: allocShared(sizes.kernel, 'the kernel tables'),
        vmas: allocShared(sizes.vmas, 'the VMA tables'),
        ptes: allocShared(sizes.ptes, 'the page tables'),
        disk: allocShared(sizes.disk, 'the disk'),
        swap: allocShared(sizes.swap, 'the swap device'),
        nodes: nodeBufs,
      };
      Kernel.format(new Int32Array(bufs.kernel), kernelRegions(cfg.limits), cfg.limits);
      const kn = bindMainThread(new Kernel(cfg, bufs));
      numaPolicyInit(kn);
      bdevFormat(kn.disk);
      bdevFormat(kn.swap);
      await Promise.all([...hosts.values()].map((h) => h.call('attach', [cfg, bufs])));
      return new Machine(cfg, kn, bufs, hosts);
    } catch (e) {
      await Promise.all([...hosts.values()].map((h) => h.terminate()));
      throw e;
    }
  }

  /** The kernel profile this machine runs. */
  get profile(): string {
    return this.config.profile;
  }

  /** The nodes, in id order. */
  get nodes(): NodeInfo[] {
    return this.config.nodes.map((n) => ({ id: n.id, cpus: n.cpus, memory: n.pages * 4096 }));
  }

  /** Faults so far: kswapds or workers that died, tasks ended by force (see MachineFault). */
  get faults(): readonly MachineFault[] {
    return this.#faultLog;
  }

  /** SLIT distance between two node ids. */
  distance(a: number, b: number): number {
    return this.kn.distance(a, b);
  }

  /**
   * Create a process whose main task runs on `opts.cpu`, as init's child (uid 0 with
   * CAP_SYS_NICE, CAP_SYS_RESOURCE, CAP_SYS_PTRACE and CAP_SYS_RAWIO unless told otherwise). @throws EINVAL (a CPU the machine
   * lacks), EAGAIN (the task table is full), ENOMEM; ERR_MACHINE_CLOSED once close() began.
   */
  async spawnProcess(opts: SpawnOptions = {}): Promise<Process> {
    const refused = this.refusal();
    if (refused) throw refused;
    checkOptions('spawnProcess', 'options', opts, SPAWN_SHAPE);
    // A parent that is exiting passes nothing on (its policy may be going).
    const parent = this.#spawnParent && !this.#spawnParent.refusal() ? this.#spawnParent.main : undefined;
    const uid = opts.uid ?? 0;
    const caps = capMask(opts.caps ?? (uid === 0 ? ['CAP_SYS_NICE', 'CAP_SYS_RESOURCE', 'CAP_SYS_PTRACE', 'CAP_SYS_RAWIO'] : []));
    const cpu = opts.cpu ?? (parent ? Atomics.load(this.kn.k, this.kn.task(parent.slot) + TASK.CPU) : 0);
    const kn = bindMainThread(this.kn);
    const slot = createProcess(kn, { cpu, uid, euid: opts.euid ?? uid, caps });
    if (slot < 0) throw systemError(slot, 'fork');
    const err = parent ? inheritTaskPolicy(kn, slot, parent.slot) : 0;
    if (err < 0) {
      exitTask(kn, slot);
      throw systemError(err, 'fork');
    }
    return this.adoptProcess(slot);
  }

  /** @internal start the worker of a process whose first task is `slot`. */
  async adoptProcess(slot: number): Promise<Process> {
    const p = new Process(this, this.kn.k[this.kn.task(slot) + TASK.TGID]);
    this.#processes.add(p);
    p.adopt(await this.startTask(p, slot));
    return p;
  }

  /**
   * @internal start the worker of task `slot`. A task whose start completes after its process
   * or the machine began to end is ended at once, and the start rejects with their reason.
   */
  startTask(p: Process, slot: number): Promise<Task> {
    const work = (async () => {
      const tid = this.kn.k[this.kn.task(slot) + TASK.TID];
      let host: WorkerHost;
      try {
        host = await WorkerHost.start('task', { cfg: this.config, bufs: this.bufs, slot }, `task ${tid}`);
      } catch (e) {
        this.reap(slot);
        throw e;
      }
      if (this.#race) await host.call('raceAttach', [this.#race.ctl, this.#race.sizes, this.#race.det]);
      const t = new Task(p, tid, slot, host);
      host.onFault = (message, kind) => {
        // Its locks fail their waiters from now on, before anyone hears of the death.
        const held = host.died ? this.#ownerDied(slot) : '';
        this.fault({ kind: kind ?? 'task-worker-died', pid: p.pid, tid, message: held ? `${message}; it died holding ${held}, whose waiters now fail (ERR_LOCK_OWNER_DIED)` : message });
      };
      const refused = this.refusal() ?? p.refusal();
      if (refused) {
        await p.endTask(t, this.graceMs);
        throw refused;
      }
      return t;
    })();
    this.#starting.add(work);
    const done = () => this.#starting.delete(work);
    work.then(done, done);
    return work;
  }

  /**
   * @internal do_exit for a task whose thread is gone, or dead in the kernel: its policy, mm and
   * slot are released from this thread. Its lock owner id is marked dead first: the read holds it
   * listed are given back, and a lock it held exclusively fails its waiters at once
   * (ERR_LOCK_OWNER_DIED) instead of letting them wait for ever. A task that died holding such a
   * lock is not released at all (fail closed): what it held may be half changed, and its slot,
   * which is its owner id, must never be handed to a live task while the lock names it. Returns
   * the locks it died holding ('' when none). Releasing may also fail on a lock another dead
   * task holds; that is reported.
   */
  reap(slot: number): string {
    const held = this.#ownerDied(slot);
    if (held !== '') return held;
    try {
      exitTask(bindMainThread(this.kn), slot);
    } catch (e) {
      if (!(e instanceof LockOwnerDiedError)) throw e;
      this.fault({ kind: 'task-oops', pid: this.kn.k[this.kn.task(slot) + TASK.TGID], tid: this.kn.k[this.kn.task(slot) + TASK.TID], message: `could not release task slot ${slot}: ${e.message}` });
    }
    return '';
  }

  /**
   * The thread of task `slot` is gone: its lock owner id is marked dead, so that a lock it held
   * exclusively fails its waiters at their next wait slice, and the read holds it listed are
   * given back (a reader changed nothing). Idempotent; returns the names of the locks it still
   * holds exclusively ('' when none).
   */
  #ownerDied(slot: number): string {
    const kn = bindMainThread(this.kn);
    for (const [arr, idx] of markOwnerDead(slot)) upReadFor(arr, idx);
    return lockNames(kn, exclusiveHolds(kn, slot));
  }

  /** @internal the machine's shared buffers (a race session snapshots and restores them). */
  get buffers(): MachineBuffers {
    return this.bufs;
  }

  /** @internal the main thread's view of the kernel (bound to it as lock owner). */
  get kernel(): Kernel {
    return bindMainThread(this.kn);
  }

  /** @internal attach every task worker, now and to come, to a race session's control and detector buffers. */
  async attachRace(a: RaceAttachment): Promise<void> {
    this.#race = a;
    for (const p of this.#processes) for (const t of p.tasks) await t.host.call('raceAttach', [a.ctl, a.sizes, a.det]);
  }

  /** @internal */
  forget(p: Process): void {
    this.#processes.delete(p);
  }

  /** @internal new processes inherit `p`'s task policy and (by default) its CPU, as a workload numactl started. */
  setSpawnParent(p: Process | null): void {
    this.#spawnParent = p;
  }

  /** @internal why calls are refused now (the machine is closing), or null. */
  refusal(): Error | null {
    return this.#closing ? closedError() : null;
  }

  /** @internal record a fault; those that lose work or reclaim are also a process warning. */
  fault(f: MachineFault): void {
    this.#faultLog.push(f);
    if (f.kind === 'task-worker-died') return;
    const [first, ...rest] = f.message.split('\n');
    process.emitWarning(`numa-emu: ${first}`, { code: 'NUMA_EMU_FAULT', detail: rest.length > 0 ? rest.join('\n') : undefined });
  }

  #nodeFault(nid: number, h: WorkerHost, message: string): void {
    // A node worker that ended took its kswapd with it: nobody may wait for that kswapd again.
    if (h.died) markKswapdDead(this.kn.node[nid]!.i32);
    this.fault({ kind: h.died ? 'node-worker-died' : 'kswapd-died', node: nid, message });
  }

  /**
   * Read a kernel file: `/proc/<pid>/numa_maps`, `/proc/vmstat`, `/proc/meminfo`,
   * `/sys/devices/system/node/node<N>/{numastat,meminfo,distance,cpulist}`,
   * `/sys/devices/system/node/{online,possible,has_memory,has_cpu}`,
   * `/sys/kernel/mm/mempolicy/weighted_interleave/node<N>`. Node files are served by the node's
   * worker. Rejects with ENOENT for a file that does not exist, ERR_MACHINE_CLOSED after close().
   */
  async readFile(path: string): Promise<string> {
    const refused = this.refusal();
    if (refused) throw refused;
    const node = /^\/sys\/devices\/system\/node\/node(\d+)\//.exec(path);
    const host = node ? this.nodeHosts.get(Number(node[1])) : undefined;
    if (host) return host.call<string>('readFile', [path]);
    const r = readKernelFile(bindMainThread(this.kn), path, 0);
    if (typeof r === 'number') throw systemError(r, 'open', { detail: path });
    return r;
  }

  /**
   * Write a kernel file as root would (`echo 3 > /sys/kernel/mm/mempolicy/weighted_interleave/node0`):
   * today the weighted-interleave weights, `node<N>` of that directory (1..255; 0 or '' restores
   * the default, 1). Rejects with ENOENT (no such file), EINVAL (a value the file refuses).
   */
  async writeFile(path: string, data: string): Promise<void> {
    const refused = this.refusal();
    if (refused) throw refused;
    const r = writeKernelFile(bindMainThread(this.kn), path, data, 0);
    if (r < 0) throw systemError(r, 'write', { detail: path });
  }

  /**
   * Check every refcount and counter of the kernel against the references that exist (call when
   * no task is in the kernel). Never throws: faults of the machine (a kswapd that died) and an
   * audit that cannot finish (state too broken to walk) are reported as problems.
   */
  audit(): AuditReport {
    const faults = this.#faultLog.filter((f) => f.kind === 'kswapd-died' || f.kind === 'node-worker-died').map((f) => f.message.split('\n')[0]);
    try {
      const kn = bindMainThread(this.kn);
      // After close the node workers are gone: nothing runs any more, so there is no kswapd to pause.
      const r = this.#closed ? auditKernel(kn) : withKswapdPaused(kn, KSWAPD_PAUSE_LIMIT_MS, (busy) => this.#auditWhilePaused(busy));
      r.problems.unshift(...faults, ...deadLockHolds(kn));
      return r;
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      return { problems: [...faults, `the audit could not finish: ${why}`], pagesInUse: {}, policiesLive: NaN, refcountWarnings: this.kn.k[KHDR.WARN_REFCOUNT], pageTablesInUse: NaN };
    }
  }

  #auditWhilePaused(busy: number[]): AuditReport {
    const r = auditKernel(this.kn);
    for (const nid of busy) r.problems.push(`kswapd of node ${nid} did not finish its round within ${KSWAPD_PAUSE_LIMIT_MS} ms: this audit may have seen reclaim half done`);
    return r;
  }

  /**
   * Make every task exit and end every worker; resolves with the machine's faults. Calls made
   * from now on reject with ERR_MACHINE_CLOSED; calls in flight get `graceMs` (default 2000) to
   * settle, then their task's worker is ended (they reject with ERR_TASK_KILLED, and the loss is
   * reported). Returns within about that bound even while a `task.run` function loops forever.
   * Safe to call twice.
   */
  close(options: CloseOptions = {}): Promise<CloseReport> {
    checkOptions('Machine.close', 'options', options, CLOSE_SHAPE);
    const grace = options.graceMs ?? this.graceMs;
    if (!(grace >= 0 && grace <= 2 ** 31 - 1)) throw optionValueError('Machine.close', `graceMs ${grace} is not a number of milliseconds in 0..2^31-1`);
    this.#closing ??= this.#shutdown(grace);
    return this.#closing;
  }

  /** `await using m = await Machine.create()`: close the machine at the end of the scope. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  async #shutdown(graceMs: number): Promise<CloseReport> {
    await Promise.allSettled([...this.#starting]);
    await Promise.all([...this.#processes].map((p) => p.exitWithin(graceMs)));
    // No node worker may end in the middle of a reclaim round (an audit after close would see it half done).
    for (const nid of pauseKswapd(this.kn, KSWAPD_PAUSE_LIMIT_MS)) {
      if (!kswapdDead(this.kn, nid)) this.fault({ kind: 'kswapd-stuck', node: nid, message: `kswapd of node ${nid} was still reclaiming ${KSWAPD_PAUSE_LIMIT_MS} ms after close() asked it to stop; its worker was ended in the round` });
    }
    await Promise.all([...this.nodeHosts.values()].map(async (h) => (await h.idle(graceMs), h.terminate(closedError()))));
    this.#closed = true;
    return { faults: [...this.#faultLog] };
  }
}
