import { type Sys } from '../src/index.js';
export interface Row {
    name: string;
    /** Median nanoseconds per operation. */
    ns: number;
    samples: number;
}
/** The in-task benchmarks, with their same-run baselines. */
export declare function syscallBench(sys: Sys, timeMs: number): Row[];
/** Fault `pages` fresh pages and unmap them; used for the parallel-throughput measurement. */
export declare function faultPages(sys: Sys, pages: number): void;
/**
 * Issue 3's figures: a shmem first-write fault under a shared policy against a private anonymous
 * one, and swap-out / swap-in of 4 KiB anonymous pages against a raw 4 KiB SAB-to-SAB copy.
 */
export declare function pagingBench(sys: Sys, timeMs: number): Row[];
