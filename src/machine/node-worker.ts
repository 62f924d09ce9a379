/**
 * The body of a node's worker: it creates the node's memory (frames, struct pages, free stack,
 * counters in one SharedArrayBuffer), then runs the node's kswapd (reclaim below the low
 * watermark, on Atomics.waitAsync so the worker stays responsive) and serves node-level requests
 * (the node's sysfs files) from its own view of the machine. A kswapd that dies (a broken
 * invariant in reclaim) is reported to the main thread at once, as a fault message, and marks
 * its node so that nobody waits for it; the worker itself goes on serving.
 */
import { parentPort } from 'node:worker_threads';
import { type KernelConfig } from '../kernel/config.js';
import { Kernel, type MachineBuffers, type NodeMem, nodeOwner, nodeRegions } from '../kernel/kernel.js';
import { initNodeMemory } from '../kernel/page-alloc.js';
import { kswapd } from '../kernel/vmscan.js';
import { readKernelFile } from '../kernel/procfs.js';
import { kernelOops } from '../kernel/oops.js';
import { systemError } from '../kernel/errno.js';
import { allocShared } from './shared-buffer.js';
import { type WorkerFault, guard } from './wire.js';

function reportKswapdDeath(nid: number, e: unknown): void {
  const why = e instanceof Error ? (e.stack ?? e.message) : String(e);
  const fault: WorkerFault = { type: 'numa-emu:fault', message: `kswapd of node ${nid} died: ${why}` };
  parentPort?.postMessage(fault);
}

export function nodeWorkerApi() {
  let kn: Kernel | null = null;
  let nid = -1;
  return {
    /** Create and initialise this node's memory; `reservedPfn` is the zero page if it lives here. */
    create(id: number, pages: number, basePfn: number, reservedPfn: number) {
      return guard(() => {
        const r = nodeRegions(pages);
        const buf = allocShared(r.size, `node ${id}`);
        const nm: NodeMem = { nid: id, pages, basePfn, i32: new Int32Array(buf), bytes: new Uint8Array(buf), meta: r.meta, free: r.free, frameByte: r.frameByte, views: [] };
        nid = id;
        initNodeMemory(nm, reservedPfn);
        return buf;
      });
    },
    /** Map the whole machine, once every node exists, and start the node's kswapd. */
    attach(cfg: KernelConfig, bufs: MachineBuffers) {
      return guard(() => {
        kn = new Kernel(cfg, bufs);
        kn.bindThread(nodeOwner(cfg.limits, nid));
        const k = kn;
        if (k.node[nid]!.pages > 0) kswapd(k, nid).catch((e: unknown) => reportKswapdDeath(nid, kernelOops(k, `kswapd of node ${nid}`, e)));
        return true;
      });
    },
    /** Serve a sysfs file of the node. */
    readFile(path: string) {
      return guard(() => {
        const r = readKernelFile(kn!, path, 0);
        if (typeof r === 'number') throw systemError(r, 'open', { detail: path });
        return r;
      });
    },
  };
}
