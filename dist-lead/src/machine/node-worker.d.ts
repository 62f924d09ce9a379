/**
 * The body of a node's worker: it creates the node's memory (frames, struct pages, free stack,
 * counters in one SharedArrayBuffer), then runs the node's kswapd (reclaim below the low
 * watermark, on Atomics.waitAsync so the worker stays responsive) and serves node-level requests
 * (the node's sysfs files) from its own view of the machine.
 */
import { type KernelConfig } from '../kernel/config.js';
import { type MachineBuffers } from '../kernel/kernel.js';
export declare function nodeWorkerApi(): {
    /** Create and initialise this node's memory; `reservedPfn` is the zero page if it lives here. */
    create(id: number, pages: number, basePfn: number, reservedPfn: number): Promise<import("./wire.js").Reply<SharedArrayBuffer>>;
    /** Map the whole machine, once every node exists, and start the node's kswapd. */
    attach(cfg: KernelConfig, bufs: MachineBuffers): Promise<import("./wire.js").Reply<boolean>>;
    /** Serve a sysfs file of the node. */
    readFile(path: string): Promise<import("./wire.js").Reply<string>>;
};
