import { Machine, type MachineOptions, type Task } from '../src/index.js';
/** Create a machine, run `fn`, then check the kernel is consistent and close it. */
export declare function withMachine(opts: MachineOptions, fn: (m: Machine) => Promise<void>): Promise<void>;
/** A small 4-node machine (4 MiB per node) for fast tests. */
export declare const SMALL: MachineOptions;
/** Limits of a machine without swap (swapoff): anonymous memory cannot be reclaimed, a full node stays full. */
export declare const NO_SWAP: {
    swapSlots: number;
};
/** mmap `pages` private (or shared) anonymous read-write pages. */
export declare function mapAnon(t: Task, pages: number, shared?: boolean): Promise<number>;
/** The node of each page of [addr, addr + pages), by get_mempolicy(MPOL_F_NODE|MPOL_F_ADDR). */
export declare function nodesOf(t: Task, addr: number, pages: number): Promise<number[]>;
/** Parse /proc/<pid>/numa_maps into one record per line. */
export declare function parseNumaMaps(text: string): {
    start: number;
    policy: string;
    fields: Record<string, string>;
}[];
/** Expect a promise to reject with a system error of `code` from `syscall`. */
export declare function expectErrno(p: Promise<unknown>, code: string, syscall?: string): Promise<void>;
/** Absolute path of a compiled fixture module (for task.run). */
export declare function fixture(name: string): string;
