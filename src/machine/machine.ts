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
 */
import { auditKernel, type AuditReport } from '../kernel/audit.js';
import { type KernelConfig } from '../kernel/config.js';
import { CAP_SYS_NICE, CAP_SYS_RAWIO, CAP_SYS_RESOURCE } from '../kernel/constants.js';
import { systemError } from '../kernel/errno.js';
import { Kernel, type MachineBuffers, bufferSizes, kernelRegions } from '../kernel/kernel.js';
import { numaPolicyInit } from '../kernel/mempolicy.js';
import { bdevFormat } from '../kernel/blockdev.js';
import { readKernelFile } from '../kernel/procfs.js';
import { createProcess, exitTask } from '../kernel/task.js';
import { pauseKswapd, withKswapdPaused } from '../kernel/vmscan.js';
import { TASK } from '../shm/structs.js';
import { type GetMempolicyResult, type Sys } from '../kernel/syscalls.js';
import { type SyscallName, SYSCALL_NAMES } from './task-worker.js';
import { type MachineOptions, buildConfig } from './topology.js';
import { WorkerHost } from './worker-host.js';

const CAP_NAMES: Record<string, number> = { CAP_SYS_NICE, CAP_SYS_RESOURCE, CAP_SYS_RAWIO };

/** Credentials and placement of a new process. */
export interface SpawnOptions {
  /** CPU the main task runs on (default 0). */
  cpu?: number;
  /** uid (default 0). */
  uid?: number;
  /** Effective uid (default: uid). */
  euid?: number;
  /** Capabilities by name ('CAP_SYS_NICE', 'CAP_SYS_RESOURCE', 'CAP_SYS_RAWIO') or number. Default: all three when uid is 0, none otherwise. */
  caps?: (string | number)[];
}

/** A node as the machine describes it. */
export interface NodeInfo {
  id: number;
  cpus: readonly number[];
  /** Memory in bytes. */
  memory: number;
}

function capMask(caps: (string | number)[]): number {
  let mask = 0;
  for (const c of caps) {
    const bit = typeof c === 'number' ? c : CAP_NAMES[c];
    if (bit === undefined || !Number.isInteger(bit) || bit < 0 || bit > 30) throw new RangeError(`unknown capability ${String(c)}`);
    mask |= 1 << bit;
  }
  return mask;
}

type AsyncSyscalls = { [K in SyscallName]: (...args: Parameters<Sys[K]>) => Promise<ReturnType<Sys[K]>> };

/** A task (a thread of a process) on its own worker. System-call methods mirror `Sys`, as promises. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export interface Task extends AsyncSyscalls {}
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class Task {
  /** @internal */
  constructor(
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

  /** Set if the task's worker died on its own. */
  get died(): Error | null {
    return this.host.died;
  }

  /**
   * Run `exportName` of the module at `modulePath` (absolute path or file URL) on this task's
   * worker, as `fn(sys, ...args)`, where `sys` offers every system call synchronously.
   */
  run<T = unknown>(modulePath: string, exportName: string, ...args: unknown[]): Promise<T> {
    return this.host.call<T>('run', modulePath, exportName, args);
  }

  /** execve: the process's other threads exit, the address space is replaced by an empty one (VMA policies go), the task policy stays. */
  async exec(): Promise<void> {
    await this.process.deThread(this);
    await this.host.call('exec');
  }
}
for (const name of SYSCALL_NAMES) {
  Object.defineProperty(Task.prototype, name, {
    value: function (this: Task, ...args: unknown[]) {
      return this.host.call('call', name, args);
    },
  });
}

/** A process: an address space and its tasks. */
export class Process {
  private readonly live: Task[] = [];

  /** @internal */
  constructor(
    readonly machine: Machine,
    /** Process id. */
    readonly pid: number,
  ) {}

  /** The main task (the first one). */
  get main(): Task {
    return this.live[0];
  }

  /** The process's live tasks, main first. */
  get tasks(): readonly Task[] {
    return this.live;
  }

  /** @internal */
  adopt(t: Task): Task {
    this.live.push(t);
    return t;
  }

  /** clone(CLONE_VM|CLONE_THREAD): a new task in this process, on `cpu` (default: the main task's). */
  async spawnThread(opts: { cpu?: number } = {}): Promise<Task> {
    const cpu = opts.cpu ?? (await this.main.getcpu()).cpu;
    const slot = await this.main.host.call<number>('clone', true, cpu);
    return this.adopt(await this.machine.startTask(this, slot));
  }

  /** fork(): a child process with a copy-on-write copy of the address space, the task policy and the VMA policies. */
  async fork(opts: { cpu?: number } = {}): Promise<Process> {
    const cpu = opts.cpu ?? (await this.main.getcpu()).cpu;
    const slot = await this.main.host.call<number>('clone', false, cpu);
    return this.machine.adoptProcess(slot);
  }

  /** @internal make every task but `keep` exit (exec's de_thread). */
  async deThread(keep: Task): Promise<void> {
    for (const t of [...this.live]) if (t !== keep) await this.exitTask(t);
  }

  /** @internal a task exits in its own worker; a task whose worker died is reaped from here. */
  async exitTask(t: Task): Promise<void> {
    this.live.splice(this.live.indexOf(t), 1);
    if (t.died) this.machine.reap(t.slot);
    else await t.host.call('exit').catch(() => this.machine.reap(t.slot));
    await t.host.terminate();
  }

  /** exit(): every task exits; the address space and the policies are freed. */
  async exit(): Promise<void> {
    for (const t of [...this.live].reverse()) await this.exitTask(t);
    this.machine.forget(this);
  }
}

/** An emulated NUMA machine. */
export class Machine {
  private readonly processes = new Set<Process>();
  private closed = false;

  private constructor(
    /** The validated description. */
    readonly config: KernelConfig,
    private readonly kn: Kernel,
    private readonly bufs: MachineBuffers,
    private readonly nodeHosts: Map<number, WorkerHost>,
  ) {}

  /** Build a machine (the demo machine by default) and start its node workers. */
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
          nodeBufs[n.id] = await h.call<SharedArrayBuffer>('create', n.id, n.pages, n.basePfn, n === firstMem ? n.basePfn : -1);
        }),
      );
      const bufs: MachineBuffers = {
        kernel: new SharedArrayBuffer(sizes.kernel),
        vmas: new SharedArrayBuffer(sizes.vmas),
        ptes: new SharedArrayBuffer(sizes.ptes),
        disk: new SharedArrayBuffer(sizes.disk),
        swap: new SharedArrayBuffer(sizes.swap),
        nodes: nodeBufs,
      };
      Kernel.format(new Int32Array(bufs.kernel), kernelRegions(cfg.limits), cfg.limits);
      const kn = new Kernel(cfg, bufs);
      numaPolicyInit(kn);
      bdevFormat(kn.disk);
      bdevFormat(kn.swap);
      await Promise.all([...hosts.values()].map((h) => h.call('attach', cfg, bufs)));
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

  /** SLIT distance between two node ids. */
  distance(a: number, b: number): number {
    return this.kn.distance(a, b);
  }

  /** Create a process whose main task runs on `opts.cpu`. */
  async spawnProcess(opts: SpawnOptions = {}): Promise<Process> {
    if (this.closed) throw new Error('machine is closed');
    const uid = opts.uid ?? 0;
    const caps = capMask(opts.caps ?? (uid === 0 ? ['CAP_SYS_NICE', 'CAP_SYS_RESOURCE', 'CAP_SYS_RAWIO'] : []));
    const slot = createProcess(this.kn, { cpu: opts.cpu ?? 0, uid, euid: opts.euid ?? uid, caps });
    if (slot < 0) throw systemError(slot, 'fork');
    return this.adoptProcess(slot);
  }

  /** @internal start the worker of a process whose first task is `slot`. */
  async adoptProcess(slot: number): Promise<Process> {
    const p = new Process(this, this.kn.k[this.kn.task(slot) + TASK.TGID]);
    this.processes.add(p);
    p.adopt(await this.startTask(p, slot));
    return p;
  }

  /** @internal start the worker of task `slot`. */
  async startTask(p: Process, slot: number): Promise<Task> {
    const tid = this.kn.k[this.kn.task(slot) + TASK.TID];
    const host = await WorkerHost.start('task', { cfg: this.config, bufs: this.bufs, slot }, `task ${tid}`);
    return new Task(p, tid, slot, host);
  }

  /**
   * @internal do_exit for a task whose worker is gone: its policy, mm and slot are released from
   * this thread. A worker dies between system calls (user code in `run`), so it holds no lock.
   */
  reap(slot: number): void {
    exitTask(this.kn, slot);
  }

  /** @internal */
  forget(p: Process): void {
    this.processes.delete(p);
  }

  /**
   * Read a kernel file: `/proc/<pid>/numa_maps`, `/sys/devices/system/node/node<N>/numastat`,
   * `.../meminfo`, `.../distance`, `.../cpulist`, and `/sys/devices/system/node/{online,possible,has_memory,has_cpu}`.
   * Node files are served by the node's worker.
   */
  async readFile(path: string): Promise<string> {
    const node = /^\/sys\/devices\/system\/node\/node(\d+)\//.exec(path);
    const host = node ? this.nodeHosts.get(Number(node[1])) : undefined;
    if (host) return host.call<string>('readFile', path);
    const r = readKernelFile(this.kn, path, 0);
    if (typeof r === 'number') throw systemError(r, 'open', { detail: path });
    return r;
  }

  /** Check every refcount and counter of the kernel against the references that exist (call when no task is in the kernel). */
  audit(): AuditReport {
    // After close the node workers are gone (possibly ended mid-round, their busy flag left set):
    // nothing runs any more, so there is no kswapd to pause.
    if (this.closed) return auditKernel(this.kn);
    return withKswapdPaused(this.kn, () => auditKernel(this.kn));
  }

  /** Make every task exit and end every worker. Safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const p of [...this.processes]) await p.exit();
    pauseKswapd(this.kn); // no node worker may end in the middle of a reclaim round
    await Promise.all([...this.nodeHosts.values()].map((h) => h.terminate()));
  }
}

export type { GetMempolicyResult };
