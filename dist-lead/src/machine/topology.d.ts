/**
 * Machine descriptions: the options a user gives, their validation, and the default machine.
 *
 * The default is the embedded demo machine: four nodes of two CPUs and 64 MiB each, with the
 * SLIT of a four-socket ring (one hop 21, two hops 31). Validation follows what the firmware
 * tables and the kernel accept: node ids 0..63 here (MAX_NUMNODES stays 1024 for argument
 * checks), distances 10 on the diagonal and 11..254 elsewhere, memory in whole pages.
 */
import { type KernelConfig, type KernelLimits } from '../kernel/config.js';
/** One node of a machine description. */
export interface NodeOptions {
    /** Node id, 0..63; defaults to the node's position. Ids may be sparse. */
    id?: number;
    /** CPUs: a count (numbered after the previous node's) or explicit CPU numbers. Default 2. */
    cpus?: number | number[];
    /** Memory in bytes (a multiple of 4096, at most 2 GiB), or a string like '64M', '1G'. Default 64 MiB. 0 for a memoryless node. */
    memory?: number | string;
}
/** Options of `Machine.create`. Every field is optional; the default is the demo machine. */
export interface MachineOptions {
    /** Kernel profile: '6.12' (default) or '2.6.7'. */
    kernel?: string;
    nodes?: NodeOptions[];
    /** SLIT distances between the nodes, in the order of `nodes`. Default: 10 local, 21 remote (or the demo ring). */
    distance?: number[][];
    /** Seed of every pseudo-random choice (default 1). */
    seed?: number;
    /** Table sizes. */
    limits?: Partial<KernelLimits>;
    /**
     * vm.page-cluster: a fault on a swapped-out anonymous page swaps in the aligned cluster of
     * 2^pageCluster pages around it (0..MAX_PAGE_CLUSTER = 5, default 3, as the kernel's); 0 brings
     * in one page per fault.
     */
    pageCluster?: number;
}
/** The demo machine's SLIT: a ring of four sockets. */
export declare const DEMO_DISTANCE: number[][];
/** Parse '64M', '1G', '512K' or a byte count. */
export declare function parseSize(v: number | string): number;
/** Validate options into the kernel's static configuration. Throws a RangeError on bad input. */
export declare function buildConfig(o?: MachineOptions): KernelConfig;
