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
import { type AuditReport } from '../kernel/audit.js';
import { type KernelConfig } from '../kernel/config.js';
import { type GetMempolicyResult, type Sys } from '../kernel/syscalls.js';
import { type SyscallName } from './task-worker.js';
import { type MachineOptions } from './topology.js';
import { WorkerHost } from './worker-host.js';
/** Credentials and placement of a new process. */
export interface SpawnOptions {
    /** CPU the main task runs on (default 0). */
    cpu?: number;
    /** uid (default 0). */
    uid?: number;
    /** Effective uid (default: uid). */
    euid?: number;
    /** Capabilities by name ('CAP_SYS_NICE', 'CAP_SYS_RESOURCE') or number. Default: both when uid is 0, none otherwise. */
    caps?: (string | number)[];
}
/** A node as the machine describes it. */
export interface NodeInfo {
    id: number;
    cpus: readonly number[];
    /** Memory in bytes. */
    memory: number;
}
type AsyncSyscalls = {
    [K in SyscallName]: (...args: Parameters<Sys[K]>) => Promise<ReturnType<Sys[K]>>;
};
/** A task (a thread of a process) on its own worker. System-call methods mirror `Sys`, as promises. */
export interface Task extends AsyncSyscalls {
}
export declare class Task {
    readonly process: Process;
    /** Thread id. */
    readonly tid: number;
    /** @internal slot in the kernel's task table */
    readonly slot: number;
    /** @internal */
    readonly host: WorkerHost;
    /** @internal */
    constructor(process: Process, 
    /** Thread id. */
    tid: number, 
    /** @internal slot in the kernel's task table */
    slot: number, 
    /** @internal */
    host: WorkerHost);
    /** Process id of the task's process. */
    get pid(): number;
    /** Set if the task's worker died on its own. */
    get died(): Error | null;
    /**
     * Run `exportName` of the module at `modulePath` (absolute path or file URL) on this task's
     * worker, as `fn(sys, ...args)`, where `sys` offers every system call synchronously.
     */
    run<T = unknown>(modulePath: string, exportName: string, ...args: unknown[]): Promise<T>;
    /** execve: the process's other threads exit, the address space is replaced by an empty one (VMA policies go), the task policy stays. */
    exec(): Promise<void>;
}
/** A process: an address space and its tasks. */
export declare class Process {
    readonly machine: Machine;
    /** Process id. */
    readonly pid: number;
    private readonly live;
    /** @internal */
    constructor(machine: Machine, 
    /** Process id. */
    pid: number);
    /** The main task (the first one). */
    get main(): Task;
    /** The process's live tasks, main first. */
    get tasks(): readonly Task[];
    /** @internal */
    adopt(t: Task): Task;
    /** clone(CLONE_VM|CLONE_THREAD): a new task in this process, on `cpu` (default: the main task's). */
    spawnThread(opts?: {
        cpu?: number;
    }): Promise<Task>;
    /** fork(): a child process with a copy-on-write copy of the address space, the task policy and the VMA policies. */
    fork(opts?: {
        cpu?: number;
    }): Promise<Process>;
    /** @internal make every task but `keep` exit (exec's de_thread). */
    deThread(keep: Task): Promise<void>;
    /** @internal a task exits in its own worker; a task whose worker died is reaped from here. */
    exitTask(t: Task): Promise<void>;
    /** exit(): every task exits; the address space and the policies are freed. */
    exit(): Promise<void>;
}
/** An emulated NUMA machine. */
export declare class Machine {
    /** The validated description. */
    readonly config: KernelConfig;
    private readonly kn;
    private readonly bufs;
    private readonly nodeHosts;
    private readonly processes;
    private closed;
    private constructor();
    /** Build a machine (the demo machine by default) and start its node workers. */
    static create(options?: MachineOptions): Promise<Machine>;
    /** The kernel profile this machine runs. */
    get profile(): string;
    /** The nodes, in id order. */
    get nodes(): NodeInfo[];
    /** SLIT distance between two node ids. */
    distance(a: number, b: number): number;
    /** Create a process whose main task runs on `opts.cpu`. */
    spawnProcess(opts?: SpawnOptions): Promise<Process>;
    /** @internal start the worker of a process whose first task is `slot`. */
    adoptProcess(slot: number): Promise<Process>;
    /** @internal start the worker of task `slot`. */
    startTask(p: Process, slot: number): Promise<Task>;
    /**
     * @internal do_exit for a task whose worker is gone: its policy, mm and slot are released from
     * this thread. A worker dies between system calls (user code in `run`), so it holds no lock.
     */
    reap(slot: number): void;
    /** @internal */
    forget(p: Process): void;
    /**
     * Read a kernel file: `/proc/<pid>/numa_maps`, `/sys/devices/system/node/node<N>/numastat`,
     * `.../meminfo`, `.../distance`, `.../cpulist`, and `/sys/devices/system/node/{online,possible,has_memory,has_cpu}`.
     * Node files are served by the node's worker.
     */
    readFile(path: string): Promise<string>;
    /** Check every refcount and counter of the kernel against the references that exist (call when no task is in the kernel). */
    audit(): AuditReport;
    /** Make every task exit and end every worker. Safe to call twice. */
    close(): Promise<void>;
}
export type { GetMempolicyResult };
