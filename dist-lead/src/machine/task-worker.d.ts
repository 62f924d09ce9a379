import { type KernelConfig } from '../kernel/config.js';
import { type MachineBuffers } from '../kernel/kernel.js';
/** The system calls the main thread may forward to a task. */
export declare const SYSCALL_NAMES: readonly ["getcpu", "setMempolicy", "getMempolicy", "mbind", "mmap", "munmap", "load", "store", "touch", "setAffinity", "readFile", "shmget", "shmat", "shmdt", "shmctl", "open", "close", "read", "pread", "write", "pwrite", "ftruncate", "fsync", "unlink"];
export type SyscallName = (typeof SYSCALL_NAMES)[number];
export interface TaskWorkerData {
    cfg: KernelConfig;
    bufs: MachineBuffers;
    slot: number;
}
export declare function taskWorkerApi(data: TaskWorkerData): {
    call(name: string, args: unknown[]): Promise<import("./wire.js").Reply<unknown>>;
    run(modulePath: string, exportName: string, args: unknown[]): Promise<import("./wire.js").Reply<unknown>>;
    clone(thread: boolean, cpu: number): Promise<import("./wire.js").Reply<number>>;
    exec(): Promise<import("./wire.js").Reply<void>>;
    exit(): Promise<import("./wire.js").Reply<void>>;
};
