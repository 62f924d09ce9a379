/**
 * The body of a task's worker: it maps the machine, builds the task's synchronous system-call
 * interface and runs what the main thread asks, one call at a time, in this thread. User
 * experiments run here too (`run`), with the same `Sys`.
 *
 * Once the task has exited in the kernel (`exit`), its slot may belong to another task: every
 * later request is refused with ERR_TASK_EXITED, so nothing ever runs on a dead task. (The main
 * thread sends `exit` only when no call of this task is in flight.)
 */
import { pathToFileURL } from 'node:url';
import { parentPort } from 'node:worker_threads';
import { type KernelConfig } from '../kernel/config.js';
import { systemError } from '../kernel/errno.js';
import { Kernel, type MachineBuffers } from '../kernel/kernel.js';
import { Sys } from '../kernel/syscalls.js';
import { copyProcess, execMm, exitTask } from '../kernel/task.js';
import { type WireError, type WorkerFault, guard, lifecycleError, toWire } from './wire.js';
import { enterKernel, resetKernelThread, setOopsReporter } from '../kernel/oops.js';
import { type ControlSizes, mapControl } from '../sched/control.js';
import { raceLoop } from '../sched/race-loop.js';
import { Runtime } from '../sched/runtime.js';
import { detector } from '../sched/detect.js';
import { objectClasses } from '../kernel/sites.js';

/** The system calls the main thread may forward to a task. */
export const SYSCALL_NAMES = ['getcpu', 'setMempolicy', 'getMempolicy', 'mbind', 'mmap', 'munmap', 'load', 'store', 'touch', 'setAffinity', 'readFile', 'writeFile', 'shmget', 'shmat', 'shmdt', 'shmctl', 'open', 'close', 'read', 'pread', 'write', 'pwrite', 'ftruncate', 'fsync', 'unlink', 'migratePages', 'movePages'] as const;
export type SyscallName = (typeof SYSCALL_NAMES)[number];

/**
 * System calls with an array argument they fill (C's output pointers), by the argument's
 * position: the worker sends the filled array back with the result, and the main thread copies
 * it into the caller's array (a copy crossed the thread boundary, unless it was shared).
 */
export const OUT_ARGS: Partial<Record<SyscallName, number>> = { movePages: 4 };

/**
 * What a call with an output array replies: the result or the error, and the array as the call
 * left it (a call that fails may have filled part of it, as in C).
 */
export interface ReplyWithOut {
  value?: unknown;
  error?: WireError;
  out: unknown;
}


export interface TaskWorkerData {
  cfg: KernelConfig;
  bufs: MachineBuffers;
  slot: number;
}

/** The exported function `exportName` of the module at `modulePath` (absolute path or file URL). */
async function loadExport(modulePath: string, exportName: string): Promise<(s: Sys, ...a: unknown[]) => unknown> {
  const mod = (await import(modulePath.startsWith('file:') ? modulePath : pathToFileURL(modulePath).href)) as Record<string, unknown>;
  const fn = mod[exportName];
  if (typeof fn !== 'function') throw new TypeError(`${modulePath} has no exported function ${exportName}`);
  return fn as (s: Sys, ...a: unknown[]) => unknown;
}

/**
 * The Sys a race program gets: every call ends with the detectors' system-call exit check (a
 * transient reference still held is a leak, named by the site that took it).
 */
function tracedSys(sys: Sys): Sys {
  const wrapped = new Map<PropertyKey, unknown>();
  return new Proxy(sys, {
    get(target, prop) {
      const v = Reflect.get(target, prop, target) as unknown;
      if (typeof v !== 'function') return v;
      let w = wrapped.get(prop);
      if (w === undefined) {
        const name = String(prop);
        w = (...args: unknown[]) => {
          try {
            return (v as (...a: unknown[]) => unknown).apply(target, args);
          } finally {
            detector?.syscallExit(name);
          }
        };
        wrapped.set(prop, w);
      }
      return w;
    },
  });
}

export function taskWorkerApi(data: TaskWorkerData) {
  const kn = new Kernel(data.cfg, data.bufs);
  kn.bindThread(data.slot);
  setOopsReporter((message) => parentPort?.postMessage({ type: 'numa-emu:fault', kind: 'task-oops', message } satisfies WorkerFault));
  const sys = new Sys(kn, data.slot);
  const syscalls = new Set<string>(SYSCALL_NAMES);
  let rt: Runtime | null = null;
  let exited = false;
  const live = () => {
    if (exited) throw lifecycleError('ERR_TASK_EXITED', `task slot ${data.slot} has exited`);
  };
  return {
    /** Attach this task to a race session: the scheduler's hooks and detectors, in free mode until an execution starts. */
    raceAttach(ctlBuf: SharedArrayBuffer, sizes: ControlSizes, detBuf: SharedArrayBuffer | null) {
      return guard(() => {
        rt = new Runtime(mapControl(ctlBuf, sizes), -1, detBuf, objectClasses(kn), true);
        rt.install();
      });
    },
    /** Run `exportName(sys, arg)` of `modulePath` once per execution, as task `me`, until the session quits. */
    raceLoop(me: number, modulePath: string, exportName: string, arg: unknown) {
      return guard(async () => {
        if (rt === null) throw new Error('numa-emu BUG: raceLoop before raceAttach');
        const fn = await loadExport(modulePath, exportName);
        rt.me = me;
        const runtime = rt;
        const traced = tracedSys(sys);
        raceLoop(runtime, () => {
          resetKernelThread();
          return fn(traced, arg);
        });
        runtime.me = -1;
      });
    },
    call(name: string, args: unknown[]) {
      return guard(() => {
        live();
        if (!syscalls.has(name)) throw new TypeError(`no system call ${name}`);
        const fn = sys[name as SyscallName] as (...a: unknown[]) => unknown;
        const k = OUT_ARGS[name as SyscallName];
        if (k === undefined) return fn.apply(sys, args);
        try {
          return { value: fn.apply(sys, args), out: args[k] } satisfies ReplyWithOut;
        } catch (e) {
          return { error: toWire(e), out: args[k] } satisfies ReplyWithOut;
        }
      });
    },
    run(modulePath: string, exportName: string, args: unknown[]) {
      return guard(async () => {
        live();
        const fn = await loadExport(modulePath, exportName);
        return await fn(sys, ...args);
      });
    },
    clone(thread: boolean, cpu: number) {
      return guard(() => {
        live();
        const t = enterKernel(kn, thread ? 'clone()' : 'fork()', () => copyProcess(kn, data.slot, thread, cpu));
        if (t < 0) throw systemError(t, thread ? 'clone' : 'fork');
        return t;
      });
    },
    exec() {
      return guard(() => {
        live();
        const err = enterKernel(kn, 'execve()', () => execMm(kn, data.slot));
        if (err < 0) throw systemError(err, 'execve');
      });
    },
    exit() {
      return guard(() => {
        if (exited) return;
        exited = true;
        enterKernel(kn, 'exit()', () => exitTask(kn, data.slot));
      });
    },
  };
}
