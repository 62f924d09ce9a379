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
import { auditKernel } from '../kernel/audit.js';
import { CAP_SYS_NICE, CAP_SYS_RESOURCE } from '../kernel/constants.js';
import { systemError } from '../kernel/errno.js';
import { Kernel, bufferSizes, kernelRegions } from '../kernel/kernel.js';
import { numaPolicyInit } from '../kernel/mempolicy.js';
import { bdevFormat } from '../kernel/blockdev.js';
import { readKernelFile } from '../kernel/procfs.js';
import { createProcess, exitTask } from '../kernel/task.js';
import { pauseKswapd, withKswapdPaused } from '../kernel/vmscan.js';
import { TASK } from '../shm/structs.js';
import { SYSCALL_NAMES } from './task-worker.js';
import { buildConfig } from './topology.js';
import { WorkerHost } from './worker-host.js';
const CAP_NAMES = { CAP_SYS_NICE, CAP_SYS_RESOURCE };
function capMask(caps) {
    let mask = 0;
    for (const c of caps) {
        const bit = typeof c === 'number' ? c : CAP_NAMES[c];
        if (bit === undefined || !Number.isInteger(bit) || bit < 0 || bit > 30)
            throw new RangeError(`unknown capability ${String(c)}`);
        mask |= 1 << bit;
    }
    return mask;
}
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class Task {
    process;
    tid;
    slot;
    host;
    /** @internal */
    constructor(process, 
    /** Thread id. */
    tid, 
    /** @internal slot in the kernel's task table */
    slot, 
    /** @internal */
    host) {
        this.process = process;
        this.tid = tid;
        this.slot = slot;
        this.host = host;
    }
    /** Process id of the task's process. */
    get pid() {
        return this.process.pid;
    }
    /** Set if the task's worker died on its own. */
    get died() {
        return this.host.died;
    }
    /**
     * Run `exportName` of the module at `modulePath` (absolute path or file URL) on this task's
     * worker, as `fn(sys, ...args)`, where `sys` offers every system call synchronously.
     */
    run(modulePath, exportName, ...args) {
        return this.host.call('run', modulePath, exportName, args);
    }
    /** execve: the process's other threads exit, the address space is replaced by an empty one (VMA policies go), the task policy stays. */
    async exec() {
        await this.process.deThread(this);
        await this.host.call('exec');
    }
}
for (const name of SYSCALL_NAMES) {
    Object.defineProperty(Task.prototype, name, {
        value: function (...args) {
            return this.host.call('call', name, args);
        },
    });
}
/** A process: an address space and its tasks. */
export class Process {
    machine;
    pid;
    live = [];
    /** @internal */
    constructor(machine, 
    /** Process id. */
    pid) {
        this.machine = machine;
        this.pid = pid;
    }
    /** The main task (the first one). */
    get main() {
        return this.live[0];
    }
    /** The process's live tasks, main first. */
    get tasks() {
        return this.live;
    }
    /** @internal */
    adopt(t) {
        this.live.push(t);
        return t;
    }
    /** clone(CLONE_VM|CLONE_THREAD): a new task in this process, on `cpu` (default: the main task's). */
    async spawnThread(opts = {}) {
        const cpu = opts.cpu ?? (await this.main.getcpu()).cpu;
        const slot = await this.main.host.call('clone', true, cpu);
        return this.adopt(await this.machine.startTask(this, slot));
    }
    /** fork(): a child process with a copy-on-write copy of the address space, the task policy and the VMA policies. */
    async fork(opts = {}) {
        const cpu = opts.cpu ?? (await this.main.getcpu()).cpu;
        const slot = await this.main.host.call('clone', false, cpu);
        return this.machine.adoptProcess(slot);
    }
    /** @internal make every task but `keep` exit (exec's de_thread). */
    async deThread(keep) {
        for (const t of [...this.live])
            if (t !== keep)
                await this.exitTask(t);
    }
    /** @internal a task exits in its own worker; a task whose worker died is reaped from here. */
    async exitTask(t) {
        this.live.splice(this.live.indexOf(t), 1);
        if (t.died)
            this.machine.reap(t.slot);
        else
            await t.host.call('exit').catch(() => this.machine.reap(t.slot));
        await t.host.terminate();
    }
    /** exit(): every task exits; the address space and the policies are freed. */
    async exit() {
        for (const t of [...this.live].reverse())
            await this.exitTask(t);
        this.machine.forget(this);
    }
}
/** An emulated NUMA machine. */
export class Machine {
    config;
    kn;
    bufs;
    nodeHosts;
    processes = new Set();
    closed = false;
    constructor(
    /** The validated description. */
    config, kn, bufs, nodeHosts) {
        this.config = config;
        this.kn = kn;
        this.bufs = bufs;
        this.nodeHosts = nodeHosts;
    }
    /** Build a machine (the demo machine by default) and start its node workers. */
    static async create(options = {}) {
        const cfg = buildConfig(options);
        const sizes = bufferSizes(cfg.limits);
        const firstMem = cfg.nodes.find((n) => n.pages > 0);
        const hosts = new Map();
        try {
            const nodeBufs = {};
            await Promise.all(cfg.nodes.map(async (n) => {
                const h = await WorkerHost.start('node', null, `node ${n.id}`);
                hosts.set(n.id, h);
                nodeBufs[n.id] = await h.call('create', n.id, n.pages, n.basePfn, n === firstMem ? n.basePfn : -1);
            }));
            const bufs = {
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
        }
        catch (e) {
            await Promise.all([...hosts.values()].map((h) => h.terminate()));
            throw e;
        }
    }
    /** The kernel profile this machine runs. */
    get profile() {
        return this.config.profile;
    }
    /** The nodes, in id order. */
    get nodes() {
        return this.config.nodes.map((n) => ({ id: n.id, cpus: n.cpus, memory: n.pages * 4096 }));
    }
    /** SLIT distance between two node ids. */
    distance(a, b) {
        return this.kn.distance(a, b);
    }
    /** Create a process whose main task runs on `opts.cpu`. */
    async spawnProcess(opts = {}) {
        if (this.closed)
            throw new Error('machine is closed');
        const uid = opts.uid ?? 0;
        const caps = capMask(opts.caps ?? (uid === 0 ? ['CAP_SYS_NICE', 'CAP_SYS_RESOURCE'] : []));
        const slot = createProcess(this.kn, { cpu: opts.cpu ?? 0, uid, euid: opts.euid ?? uid, caps });
        if (slot < 0)
            throw systemError(slot, 'fork');
        return this.adoptProcess(slot);
    }
    /** @internal start the worker of a process whose first task is `slot`. */
    async adoptProcess(slot) {
        const p = new Process(this, this.kn.k[this.kn.task(slot) + TASK.TGID]);
        this.processes.add(p);
        p.adopt(await this.startTask(p, slot));
        return p;
    }
    /** @internal start the worker of task `slot`. */
    async startTask(p, slot) {
        const tid = this.kn.k[this.kn.task(slot) + TASK.TID];
        const host = await WorkerHost.start('task', { cfg: this.config, bufs: this.bufs, slot }, `task ${tid}`);
        return new Task(p, tid, slot, host);
    }
    /**
     * @internal do_exit for a task whose worker is gone: its policy, mm and slot are released from
     * this thread. A worker dies between system calls (user code in `run`), so it holds no lock.
     */
    reap(slot) {
        exitTask(this.kn, slot);
    }
    /** @internal */
    forget(p) {
        this.processes.delete(p);
    }
    /**
     * Read a kernel file: `/proc/<pid>/numa_maps`, `/sys/devices/system/node/node<N>/numastat`,
     * `.../meminfo`, `.../distance`, `.../cpulist`, and `/sys/devices/system/node/{online,possible,has_memory,has_cpu}`.
     * Node files are served by the node's worker.
     */
    async readFile(path) {
        const node = /^\/sys\/devices\/system\/node\/node(\d+)\//.exec(path);
        const host = node ? this.nodeHosts.get(Number(node[1])) : undefined;
        if (host)
            return host.call('readFile', path);
        const r = readKernelFile(this.kn, path, 0);
        if (typeof r === 'number')
            throw systemError(r, 'open', { detail: path });
        return r;
    }
    /** Check every refcount and counter of the kernel against the references that exist (call when no task is in the kernel). */
    audit() {
        // After close the node workers are gone (possibly ended mid-round, their busy flag left set):
        // nothing runs any more, so there is no kswapd to pause.
        if (this.closed)
            return auditKernel(this.kn);
        return withKswapdPaused(this.kn, () => auditKernel(this.kn));
    }
    /** Make every task exit and end every worker. Safe to call twice. */
    async close() {
        if (this.closed)
            return;
        this.closed = true;
        for (const p of [...this.processes])
            await p.exit();
        pauseKswapd(this.kn); // no node worker may end in the middle of a reclaim round
        await Promise.all([...this.nodeHosts.values()].map((h) => h.terminate()));
    }
}
//# sourceMappingURL=machine.js.map