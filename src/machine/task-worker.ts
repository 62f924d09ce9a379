/**
 * The body of a task's worker: it maps the machine, builds the task's synchronous system-call
 * interface and runs what the main thread asks, one call at a time, in this thread. User
 * experiments run here too (`run`), with the same `Sys`.
 */
import { pathToFileURL } from 'node:url';
import { type KernelConfig } from '../kernel/config.js';
import { systemError } from '../kernel/errno.js';
import { Kernel, type MachineBuffers } from '../kernel/kernel.js';
import { Sys } from '../kernel/syscalls.js';
import { copyProcess, execMm, exitTask } from '../kernel/task.js';
import { type WireError, guard, toWire } from './wire.js';

/** The system calls the main thread may forward to a task. */
export const SYSCALL_NAMES = ['getcpu', 'setMempolicy', 'getMempolicy', 'mbind', 'mmap', 'munmap', 'load', 'store', 'touch', 'setAffinity', 'readFile', 'shmget', 'shmat', 'shmdt', 'shmctl', 'open', 'close', 'read', 'pread', 'write', 'pwrite', 'ftruncate', 'fsync', 'unlink', 'migratePages', 'movePages'] as const;
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

export function taskWorkerApi(data: TaskWorkerData) {
  const kn = new Kernel(data.cfg, data.bufs);
  const sys = new Sys(kn, data.slot);
  const syscalls = new Set<string>(SYSCALL_NAMES);
  return {
    call(name: string, args: unknown[]) {
      return guard(() => {
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
        const mod = (await import(modulePath.startsWith('file:') ? modulePath : pathToFileURL(modulePath).href)) as Record<string, unknown>;
        const fn = mod[exportName];
        if (typeof fn !== 'function') throw new TypeError(`${modulePath} has no exported function ${exportName}`);
        return await (fn as (s: Sys, ...a: unknown[]) => unknown)(sys, ...args);
      });
    },
    clone(thread: boolean, cpu: number) {
      return guard(() => {
        const t = copyProcess(kn, data.slot, thread, cpu);
        if (t < 0) throw systemError(t, thread ? 'clone' : 'fork');
        return t;
      });
    },
    exec() {
      return guard(() => {
        const err = execMm(kn, data.slot);
        if (err < 0) throw systemError(err, 'execve');
      });
    },
    exit() {
      return guard(() => exitTask(kn, data.slot));
    },
  };
}
