import { type Sys } from '../kernel/syscalls.js';
/** libnuma's nodemask size (bits): a kernel nodemask_t with NODES_SHIFT 10. */
export declare const LIBNUMA_NODEMASK_BITS = 1024;
export type PolicyOption = 'interleave' | 'membind' | 'preferred' | 'localalloc';
/** What the command line asked for, after parsing and validation (plain data: crosses to the worker). */
export interface NumactlPlan {
    object: {
        kind: 'sysv';
        name: string;
        key: number;
        shmid: number;
    } | {
        kind: 'file';
        path: string;
    };
    /** --shmmode: permission bits of a created segment or file. */
    mode: number;
    offset: number;
    length: number;
    policy: {
        option: PolicyOption;
        nodes: number[];
    } | null;
    strict: boolean;
    /** What to do once the object is attached, in command-line order (numactl acts on each option as it meets it). */
    steps: NumactlStep[];
}
export type NumactlStep = 'policy' | 'touch' | 'dump' | 'dump-nodes';
/** A run of pages with one policy mode (--dump); offsets are from the start of the object. */
export interface DumpRange {
    start: number;
    end: number;
    mode: number;
    nodes: number[];
}
/** A run of pages on one node (--dump-nodes). */
export interface NodeRange {
    start: number;
    end: number;
    node: number;
}
export interface NumactlOutcome {
    pid: number;
    /** Lines numactl writes to stderr on the way (creation notices), without the newline. */
    notices: string[];
    created: boolean;
    shmid: number | null;
    fd: number | null;
    /** Address of the region in the process (segment or mapping start plus the offset for SysV). */
    address: number | null;
    /** The mbind made, if any. */
    mbind: {
        mode: number;
        nodes: number[];
        flags: number;
    } | null;
    touched: boolean;
    dumps: ({
        kind: 'dump';
        ranges: DumpRange[];
    } | {
        kind: 'dump-nodes';
        ranges: NodeRange[];
    })[];
    numaMaps: string | null;
    /** The failure that stopped the run: the lines numactl prints for it (perror style). */
    error: {
        lines: string[];
        code: string | undefined;
        syscall: string | undefined;
    } | null;
}
/** Run the plan as the task `sys` belongs to. */
export declare function numactlInTask(sys: Sys, plan: NumactlPlan): NumactlOutcome;
