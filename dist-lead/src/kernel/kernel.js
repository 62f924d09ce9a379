/**
 * The emulated kernel's view of its shared memory, one instance per thread.
 *
 * `Kernel` maps every buffer of a machine (kernel tables, VMAs, page tables, each node's memory)
 * and derives, from the static configuration, what the real kernel computes at boot: node states,
 * zonelists (fallback order), the pfn-to-node table, the zero page. It holds no mutable kernel
 * state of its own: everything that changes lives in the buffers, so any thread holding a
 * `Kernel` for the same buffers sees and changes the same machine.
 */
import { BUG, BUG_ON, LINE_WORDS, RegionPlanner, align, assertLayout } from '../shm/layout.js';
import { DENTRY, FDT, FILE, INODE, KERNEL_MAGIC, KHDR, MAX_FDS, MM, NAME_WORDS, NODE, PAGE, POL, SP, SP_MAX, TASK, VMA, VMA_SLACK, XA_SLOTS } from '../shm/structs.js';
import { bdevMap, bdevSize } from './blockdev.js';
import { SECTION_SHIFT, WINDOW_TOP } from './config.js';
import { PAGE_SIZE } from './constants.js';
import { Nodemask } from './nodemask.js';
import { findProfile } from './profiles.js';
/** Carve the kernel buffer for the given table sizes (slot 0 of each table is NULL). */
export function kernelRegions(l) {
    const p = new RegionPlanner();
    p.take('hdr', KHDR.WORDS);
    const pol = p.take('pol', l.policySlots * POL.WORDS);
    const task = p.take('task', l.maxTasks * TASK.WORDS);
    const mm = p.take('mm', l.maxMms * MM.WORDS);
    const inode = p.take('inode', l.inodes * INODE.WORDS);
    const sp = p.take('sp', l.inodes * SP_MAX * SP.WORDS);
    const xa = p.take('xa', l.xaBlocks * XA_SLOTS);
    const dentry = p.take('dentry', l.files * DENTRY.WORDS);
    const names = p.take('names', l.files * NAME_WORDS);
    const file = p.take('file', l.files * FILE.WORDS);
    const fdt = p.take('fdt', l.maxMms * FDT.WORDS);
    const fds = p.take('fds', l.maxMms * MAX_FDS);
    const swapMap = p.take('swapMap', l.swapSlots);
    const swapCache = p.take('swapCache', l.swapSlots);
    return { words: p.words, pol, task, mm, inode, sp, xa, dentry, names, file, fdt, fds, swapMap, swapCache };
}
export function nodeRegions(pages) {
    const meta = align(NODE.WORDS, LINE_WORDS);
    const free = align(meta + pages * PAGE.WORDS, LINE_WORDS);
    const frameByte = align((free + pages) * 4, PAGE_SIZE);
    return { meta, free, frameByte, size: frameByte + pages * PAGE_SIZE };
}
/** Sizes in bytes of the machine-wide buffers. */
export function bufferSizes(l) {
    return {
        disk: bdevSize(l.diskBlocks),
        swap: bdevSize(l.swapSlots),
        kernel: kernelRegions(l).words * 4,
        vmas: l.maxMms * (l.maxVmas + VMA_SLACK) * VMA.WORDS * 8,
        ptes: l.maxMms * l.windowPages * 4,
    };
}
export class Kernel {
    cfg;
    bufs;
    profile;
    k;
    vmas;
    ptes;
    disk;
    swap;
    regions;
    /** Node memory by node id (sparse). */
    node = [];
    /** Node ids in ascending order. */
    nodeIds;
    /** node_states[N_ONLINE] and node_states[N_MEMORY]. */
    onlineNodes;
    memoryNodes;
    /** Memory nodes in id order (2.6.x BIND's private zonelist). */
    memoryIdOrder;
    /** nr_node_ids: highest possible node id + 1. */
    nrNodeIds;
    /** CPU number -> node id. */
    cpuNode;
    /** Per node id: memory nodes in the kernel's fallback order (its zonelist). */
    zonelist = [];
    /** pfn of the shared zero page (reserved on the first memory node). */
    zeroPfn;
    windowBase;
    windowTop = WINDOW_TOP;
    sectionNid;
    distanceTable = [];
    constructor(cfg, bufs) {
        this.cfg = cfg;
        this.bufs = bufs;
        const profile = findProfile(cfg.profile);
        if (profile === undefined)
            throw new Error(`numa-emu BUG: unknown kernel profile ${cfg.profile}`);
        this.profile = profile;
        this.regions = kernelRegions(cfg.limits);
        this.k = new Int32Array(bufs.kernel);
        this.vmas = new Float64Array(bufs.vmas);
        this.ptes = new Int32Array(bufs.ptes);
        this.disk = bdevMap(bufs.disk, cfg.limits.diskBlocks);
        this.swap = bdevMap(bufs.swap, cfg.limits.swapSlots);
        const sizes = bufferSizes(cfg.limits);
        assertLayout(bufs.kernel.byteLength === sizes.kernel, 'kernel buffer size matches its regions');
        assertLayout(bufs.vmas.byteLength === sizes.vmas && bufs.ptes.byteLength === sizes.ptes, 'vma and pte buffers');
        this.nodeIds = cfg.nodes.map((n) => n.id);
        this.nrNodeIds = Math.max(...this.nodeIds) + 1;
        this.onlineNodes = Nodemask.of(this.nodeIds);
        this.memoryNodes = Nodemask.of(cfg.nodes.filter((n) => n.pages > 0).map((n) => n.id));
        this.memoryIdOrder = this.memoryNodes.nodes();
        this.windowBase = WINDOW_TOP - cfg.limits.windowPages * PAGE_SIZE;
        const cpuNode = [];
        let lastPfn = 0;
        for (const n of cfg.nodes) {
            for (const c of n.cpus)
                cpuNode[c] = n.id;
            this.node[n.id] = this.mapNode(n.id, n.pages, n.basePfn);
            lastPfn = Math.max(lastPfn, n.basePfn + n.pages);
        }
        this.cpuNode = cpuNode;
        this.sectionNid = this.buildSections(lastPfn);
        for (let i = 0; i < cfg.nodes.length; i++) {
            for (let j = 0; j < cfg.nodes.length; j++) {
                this.distanceTable[cfg.nodes[i].id * 64 + cfg.nodes[j].id] = cfg.distance[i][j];
            }
        }
        for (const id of this.nodeIds)
            this.zonelist[id] = this.buildZonelist(id);
        this.zeroPfn = this.node[this.memoryNodes.first].basePfn;
    }
    mapNode(nid, pages, basePfn) {
        const buf = this.bufs.nodes[nid];
        BUG_ON(buf === undefined, `node ${nid} has no buffer`);
        const r = nodeRegions(pages);
        assertLayout(buf.byteLength === r.size, `node ${nid} buffer size`);
        return { nid, pages, basePfn, i32: new Int32Array(buf), bytes: new Uint8Array(buf), meta: r.meta, free: r.free, frameByte: r.frameByte, views: [] };
    }
    buildSections(lastPfn) {
        const sec = new Int8Array((lastPfn >> SECTION_SHIFT) + 1).fill(-1);
        for (const n of this.cfg.nodes) {
            for (let s = n.basePfn >> SECTION_SHIFT; s << SECTION_SHIFT < n.basePfn + n.pages; s++)
                sec[s] = n.id;
        }
        return sec;
    }
    /**
     * build_zonelists: memory nodes by distance from `nid`; among equal distances the kernel
     * penalises nodes below `nid` by one (find_next_best_node), then takes lower ids first.
     */
    buildZonelist(nid) {
        const key = (n) => this.distance(nid, n) + (n < nid ? 1 : 0);
        return this.memoryNodes.nodes().sort((a, b) => key(a) - key(b) || a - b);
    }
    /** node_distance(a, b) from the SLIT. */
    distance(a, b) {
        return this.distanceTable[a * 64 + b];
    }
    /** The node holding page frame `pfn`. */
    pfnNode(pfn) {
        const nid = this.sectionNid[pfn >> SECTION_SHIFT];
        if (nid === undefined || nid < 0)
            BUG(`pfn ${pfn} belongs to no node`);
        return this.node[nid];
    }
    /** page_to_nid */
    pfnToNid(pfn) {
        return this.sectionNid[pfn >> SECTION_SHIFT];
    }
    /** Word index of policy `p`. */
    pol(p) {
        return this.regions.pol + p * POL.WORDS;
    }
    /** Word index of task `t`. */
    task(t) {
        return this.regions.task + t * TASK.WORDS;
    }
    /** Word index of mm `m`. */
    mm(m) {
        return this.regions.mm + m * MM.WORDS;
    }
    /** Word index of shmem object `s`. */
    inode(s) {
        return this.regions.inode + s * INODE.WORDS;
    }
    /** Word index of dentry `d`; its name's first word is at `name(d)`. */
    dentry(d) {
        return this.regions.dentry + d * DENTRY.WORDS;
    }
    name(d) {
        return this.regions.names + d * NAME_WORDS;
    }
    /** Word index of open file `f`. */
    file(f) {
        return this.regions.file + f * FILE.WORDS;
    }
    /** Word index of fd table `d`, and of its fd `fd`. */
    fdt(d) {
        return this.regions.fdt + d * FDT.WORDS;
    }
    fd(d, fd) {
        return this.regions.fds + d * MAX_FDS + fd;
    }
    /** Word index of shared-policy range `i` of shmem object `s`. */
    sp(s, i) {
        return this.regions.sp + (s * SP_MAX + i) * SP.WORDS;
    }
    /** Float64 index of VMA `i` of mm `m`. */
    vma(m, i) {
        return (m * (this.cfg.limits.maxVmas + VMA_SLACK) + i) * VMA.WORDS;
    }
    /** Index in `ptes` of the entry for virtual page `vpn` of mm `m` (vpn inside the window). */
    pteIndex(m, addr) {
        return m * this.cfg.limits.windowPages + (addr - this.windowBase) / PAGE_SIZE;
    }
    /** The node the CPU a task runs on belongs to (numa_node_id()). */
    taskNode(t) {
        return this.cpuNode[Atomics.load(this.k, this.task(t) + TASK.CPU)];
    }
    /** Initialise a fresh kernel buffer (done once, by the machine, before any worker starts). */
    static format(k, regions, l) {
        k[KHDR.MAGIC] = KERNEL_MAGIC;
        k[KHDR.NEXT_PID] = 999;
        // Free lists thread through slots 2.. of the slab (0 is NULL, 1 is default_policy) and
        // 1.. of the xarray pool.
        for (let p = 2; p < l.policySlots; p++)
            k[regions.pol + p * POL.WORDS + POL.NEXT_FREE] = p + 1 < l.policySlots ? p + 1 : 0;
        k[KHDR.SLAB_FREE] = l.policySlots > 2 ? 2 : 0;
        for (let b = 1; b < l.xaBlocks; b++)
            k[regions.xa + b * XA_SLOTS] = b + 1 < l.xaBlocks ? b + 1 : 0;
        k[KHDR.XA_FREE] = l.xaBlocks > 1 ? 1 : 0;
    }
}
//# sourceMappingURL=kernel.js.map