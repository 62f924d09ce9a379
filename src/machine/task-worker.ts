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
import { type KernelConfig } from '../kernel/config.js';
import { systemError } from '../kernel/errno.js';
import { Kernel, type MachineBuffers } from '../kernel/kernel.js';
import { Sys } from '../kernel/syscalls.js';
import { copyProcess, execMm, exitTask } from '../kernel/task.js';
import { guard, lifecycleError } from './wire.js';

/** The system calls the main thread may forward to a task. */
export const SYSCALL_NAMES = ['getcpu', 'setMempolicy', 'getMempolicy', 'mbind', 'mmap', 'munmap', 'load', 'store', 'touch', 'setAffinity', 'readFile', 'writeFile', 'shmget', 'shmat', 'shmdt', 'shmctl', 'open', 'close', 'read', 'pread', 'write', 'pwrite', 'ftruncate', 'fsync', 'unlink'] as const;
export type SyscallName = (typeof SYSCALL_NAMES)[number];

export interface TaskWorkerData {
  cfg: KernelConfig;
  bufs: MachineBuffers;
  slot: number;
}

export function taskWorkerApi(data: TaskWorkerData) {
  const kn = new Kernel(data.cfg, data.bufs);
  const sys = new Sys(kn, data.slot);
  const syscalls = new Set<string>(SYSCALL_NAMES);
  let exited = false;
  const live = () => {
    if (exited) throw lifecycleError('ERR_TASK_EXITED', `task slot ${data.slot} has exited`);
  };
  return {
    call(name: string, args: unknown[]) {
      return guard(() => {
        live();
        if (!syscalls.has(name)) throw new TypeError(`no system call ${name}`);
        return (sys[name as SyscallName] as (...a: unknown[]) => unknown)(...args);
      });
    },
    run(modulePath: string, exportName: string, args: unknown[]) {
      return guard(async () => {
        live();
        const mod = (await import(modulePath.startsWith('file:') ? modulePath : pathToFileURL(modulePath).href)) as Record<string, unknown>;
        const fn = mod[exportName];
        if (typeof fn !== 'function') throw new TypeError(`${modulePath} has no exported function ${exportName}`);
        return await (fn as (s: Sys, ...a: unknown[]) => unknown)(sys, ...args);
      });
    },
    clone(thread: boolean, cpu: number) {
      return guard(() => {
        live();
        const t = copyProcess(kn, data.slot, thread, cpu);
        if (t < 0) throw systemError(t, thread ? 'clone' : 'fork');
        return t;
      });
    },
    exec() {
      return guard(() => {
        live();
        const err = execMm(kn, data.slot);
        if (err < 0) throw systemError(err, 'execve');
      });
    },
    exit() {
      return guard(() => {
        if (exited) return;
        exited = true;
        exitTask(kn, data.slot);
      });
    },
  };
}
