import { type Kernel } from './kernel.js';
/** Credentials and placement of a new task. */
export interface TaskInit {
    cpu: number;
    uid: number;
    euid: number;
    caps: number;
}
/** A CPU number the machine has, else -EINVAL. */
export declare function checkCpu(kn: Kernel, cpu: number): number;
/** A new process with an empty mm and no policy (what init's children start from). Task slot or -errno. */
export declare function createProcess(kn: Kernel, init: TaskInit): number;
/**
 * copy_process: a new thread of `parent`'s process (thread true) or a forked child process.
 * The child runs on `cpu`. Task slot or -errno.
 */
export declare function copyProcess(kn: Kernel, parent: number, thread: boolean, cpu: number): number;
/** exec: a new empty mm (VMA policies go with the old one); the task policy stays. 0 or -errno. */
export declare function execMm(kn: Kernel, t: number): number;
/** sched_setaffinity to one CPU: local allocation follows the task. 0 or -EINVAL. */
export declare function setAffinity(kn: Kernel, t: number, cpu: number): number;
/** do_exit: drop the task's policy and mm, and free its slot. */
export declare function exitTask(kn: Kernel, t: number): void;
/** The task slot whose thread id is `tid`, or 0. */
export declare function findTaskByTid(kn: Kernel, tid: number): number;
