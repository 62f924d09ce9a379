import { type Kernel } from './kernel.js';
import { Nodemask } from './nodemask.js';
/** The six numastat counters of node `nid`, in the file's order. */
export declare function nodeNumastat(kn: Kernel, nid: number): {
    name: string;
    value: number;
}[];
/** Node memory figures in pages. */
export declare function nodeMemPages(kn: Kernel, nid: number): {
    total: number;
    free: number;
    anon: number;
    shmem: number;
    file: number;
    dirty: number;
    swapcache: number;
};
/** Node ids that have CPUs (N_CPU). */
export declare function cpuNodes(kn: Kernel): Nodemask;
/** The text of a file under /sys/devices/system/node, or null if there is no such file. */
export declare function readNodeFile(kn: Kernel, path: string): string | null;
