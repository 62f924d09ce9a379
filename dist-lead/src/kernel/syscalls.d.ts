import { type Kernel } from './kernel.js';
import { type ShmidDs } from './ipc-shm.js';
/** get_mempolicy's results: `*mode` (a node number with MPOL_F_NODE) and the mask (null if none was asked for). */
export interface GetMempolicyResult {
    mode: number;
    nodemask: bigint | null;
}
/**
 * Internal, for benchmarks and white-box tests running inside a task worker: the kernel view and
 * task slot behind a `Sys`. Not part of the public interface (not exported by index.ts).
 */
export declare function kernelOf(sys: Sys): {
    kn: Kernel;
    slot: number;
};
/**
 * The synchronous system-call interface of one task. Obtained inside a task worker as the first
 * argument of a function started with `task.run()`.
 */
export declare class Sys {
    private readonly kn;
    /** The task's slot in the kernel's task table. */
    readonly slot: number;
    private lastMaskLo;
    private lastMaskHi;
    private lastMask;
    constructor(kn: Kernel, 
    /** The task's slot in the kernel's task table. */
    slot: number);
    /** getpid(): the process id (thread group id). */
    getpid(): number;
    /** gettid(): this task's id. */
    gettid(): number;
    /** getcpu(): the CPU this task runs on and its node. */
    getcpu(): {
        cpu: number;
        node: number;
    };
    /** set_mempolicy(mode, nodemask, maxnode). */
    setMempolicy(mode: number, nodemask?: bigint | number | null, maxnode?: number | bigint): void;
    /**
     * get_mempolicy(&mode, nodemask, maxnode, addr, flags). `maxnode` null (or omitted) passes a
     * NULL mask pointer; then `nodemask` in the result is null.
     */
    getMempolicy(maxnode?: number | bigint | null, addr?: number | bigint, flags?: number | bigint): GetMempolicyResult;
    /** mbind(addr, len, mode, nodemask, maxnode, flags). */
    mbind(addr: number | bigint, len: number | bigint, mode: number | bigint, nodemask: bigint | number | null | undefined, maxnode: number | bigint, flags?: number | bigint): void;
    /** mmap(addr, length, prot, flags, fd, offset): anonymous mappings; returns the address. */
    mmap(addr: number | bigint, length: number | bigint, prot: number, flags: number, fd?: number, offset?: number | bigint): number;
    /** munmap(addr, length). */
    munmap(addr: number | bigint, length: number | bigint): void;
    /** Read `length` bytes of emulated memory at `addr`. */
    load(addr: number | bigint, length: number): Uint8Array;
    /** Write `bytes` into emulated memory at `addr`. */
    store(addr: number | bigint, bytes: ArrayBufferView): void;
    /** Fault every page of [addr, addr + len) for reading or writing, leaving the bytes as they are. */
    touch(addr: number | bigint, len: number | bigint, kind?: 'read' | 'write'): void;
    /** shmget(key, size, shmflg): a SysV segment id. */
    shmget(key: number, size: number | bigint, shmflg: number): number;
    /** shmat(shmid, shmaddr, shmflg): the address the segment is attached at. */
    shmat(shmid: number, shmaddr: number | bigint | null, shmflg?: number): number;
    /** shmdt(shmaddr). */
    shmdt(shmaddr: number | bigint): void;
    /** shmctl(shmid, cmd): IPC_RMID (returns null) or IPC_STAT (returns the shmid_ds fields). */
    shmctl(shmid: number, cmd: number): ShmidDs | null;
    /** open(path, flags, mode): a file descriptor. The namespace is flat: a path is a name. */
    open(path: string, flags: number, mode?: number): number;
    /** close(fd). */
    close(fd: number): void;
    /** read(fd, count): the bytes read (fewer at the end of the file). */
    read(fd: number, count: number): Uint8Array;
    /** pread(fd, count, offset). */
    pread(fd: number, count: number, offset: number | bigint): Uint8Array;
    /** write(fd, bytes): the number of bytes written. */
    write(fd: number, bytes: ArrayBufferView): number;
    /** pwrite(fd, bytes, offset). */
    pwrite(fd: number, bytes: ArrayBufferView, offset: number | bigint): number;
    /** ftruncate(fd, length). */
    ftruncate(fd: number, length: number | bigint): void;
    /** fsync(fd): write the file's dirty pages to disk. */
    fsync(fd: number): void;
    /** unlink(path). */
    unlink(path: string): void;
    private readAt;
    private writeAt;
    /** sched_setaffinity to a single CPU. */
    setAffinity(cpu: number): void;
    /** Read a kernel file (/proc/<pid>/numa_maps, /proc/self/numa_maps, /sys/devices/system/node/...). */
    readFile(path: string): string;
    private mm;
    /** True when [addr, addr + len) lies inside mappings (checked before allocating a result buffer). */
    private covered;
    /** The mask as a bigint, reusing the last one when the bits are the same (bigints cost). */
    private maskBigint;
}
