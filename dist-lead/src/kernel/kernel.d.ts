import { type BlockDev } from './blockdev.js';
import { type KernelConfig, type KernelLimits } from './config.js';
import { Nodemask } from './nodemask.js';
import { type KernelProfile } from './profiles.js';
/** Word offsets of the regions of the kernel buffer. */
export interface KernelRegions {
    readonly words: number;
    readonly pol: number;
    readonly task: number;
    readonly mm: number;
    readonly inode: number;
    readonly sp: number;
    readonly xa: number;
    readonly dentry: number;
    readonly names: number;
    readonly file: number;
    readonly fdt: number;
    readonly fds: number;
    readonly swapMap: number;
    readonly swapCache: number;
}
/** Carve the kernel buffer for the given table sizes (slot 0 of each table is NULL). */
export declare function kernelRegions(l: KernelLimits): KernelRegions;
/** Offsets inside a node's buffer: header, struct pages, free stack (words), frames (bytes). */
export interface NodeRegions {
    readonly meta: number;
    readonly free: number;
    readonly frameByte: number;
    readonly size: number;
}
export declare function nodeRegions(pages: number): NodeRegions;
/** Sizes in bytes of the machine-wide buffers. */
export declare function bufferSizes(l: KernelLimits): {
    kernel: number;
    vmas: number;
    ptes: number;
    disk: number;
    swap: number;
};
/** The buffers of one machine, as passed to every worker. */
export interface MachineBuffers {
    readonly kernel: SharedArrayBuffer;
    readonly vmas: SharedArrayBuffer;
    readonly ptes: SharedArrayBuffer;
    /** The disk under the files. */
    readonly disk: SharedArrayBuffer;
    /** The swap device. */
    readonly swap: SharedArrayBuffer;
    /** Node buffers by node id (memoryless nodes have one too, with no frames). */
    readonly nodes: Readonly<Record<number, SharedArrayBuffer>>;
}
/** One node's memory as mapped in this thread. */
export interface NodeMem {
    readonly nid: number;
    readonly pages: number;
    readonly basePfn: number;
    readonly i32: Int32Array;
    readonly bytes: Uint8Array;
    readonly meta: number;
    readonly free: number;
    readonly frameByte: number;
    /** Per frame, its 4 KiB view once made (frameView); this thread's own. */
    readonly views: (Uint8Array | null)[];
}
export declare class Kernel {
    readonly cfg: KernelConfig;
    readonly bufs: MachineBuffers;
    readonly profile: KernelProfile;
    readonly k: Int32Array;
    readonly vmas: Float64Array;
    readonly ptes: Int32Array;
    readonly disk: BlockDev;
    readonly swap: BlockDev;
    readonly regions: KernelRegions;
    /** Node memory by node id (sparse). */
    readonly node: (NodeMem | undefined)[];
    /** Node ids in ascending order. */
    readonly nodeIds: readonly number[];
    /** node_states[N_ONLINE] and node_states[N_MEMORY]. */
    readonly onlineNodes: Nodemask;
    readonly memoryNodes: Nodemask;
    /** Memory nodes in id order (2.6.x BIND's private zonelist). */
    readonly memoryIdOrder: readonly number[];
    /** nr_node_ids: highest possible node id + 1. */
    readonly nrNodeIds: number;
    /** CPU number -> node id. */
    readonly cpuNode: readonly number[];
    /** Per node id: memory nodes in the kernel's fallback order (its zonelist). */
    readonly zonelist: (readonly number[])[];
    /** pfn of the shared zero page (reserved on the first memory node). */
    readonly zeroPfn: number;
    readonly windowBase: number;
    readonly windowTop: number;
    private readonly sectionNid;
    private readonly distanceTable;
    constructor(cfg: KernelConfig, bufs: MachineBuffers);
    private mapNode;
    private buildSections;
    /**
     * build_zonelists: memory nodes by distance from `nid`; among equal distances the kernel
     * penalises nodes below `nid` by one (find_next_best_node), then takes lower ids first.
     */
    private buildZonelist;
    /** node_distance(a, b) from the SLIT. */
    distance(a: number, b: number): number;
    /** The node holding page frame `pfn`. */
    pfnNode(pfn: number): NodeMem;
    /** page_to_nid */
    pfnToNid(pfn: number): number;
    /** Word index of policy `p`. */
    pol(p: number): number;
    /** Word index of task `t`. */
    task(t: number): number;
    /** Word index of mm `m`. */
    mm(m: number): number;
    /** Word index of shmem object `s`. */
    inode(s: number): number;
    /** Word index of dentry `d`; its name's first word is at `name(d)`. */
    dentry(d: number): number;
    name(d: number): number;
    /** Word index of open file `f`. */
    file(f: number): number;
    /** Word index of fd table `d`, and of its fd `fd`. */
    fdt(d: number): number;
    fd(d: number, fd: number): number;
    /** Word index of shared-policy range `i` of shmem object `s`. */
    sp(s: number, i: number): number;
    /** Float64 index of VMA `i` of mm `m`. */
    vma(m: number, i: number): number;
    /** Index in `ptes` of the entry for virtual page `vpn` of mm `m` (vpn inside the window). */
    pteIndex(m: number, addr: number): number;
    /** The node the CPU a task runs on belongs to (numa_node_id()). */
    taskNode(t: number): number;
    /** Initialise a fresh kernel buffer (done once, by the machine, before any worker starts). */
    static format(k: Int32Array, regions: KernelRegions, l: KernelLimits): void;
}
