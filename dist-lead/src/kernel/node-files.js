/**
 * Per-node sysfs files (drivers/base/node.c): numastat, meminfo, distance, cpulist, and the
 * node state lists under /sys/devices/system/node. Counters are read without locks, as sysfs
 * reads per-cpu counters: a snapshot.
 */
import { NODE } from '../shm/structs.js';
import { PAGE_SIZE } from './constants.js';
import { Nodemask, rangeList } from './nodemask.js';
const NUMASTAT_ROWS = [
    ['numa_hit', NODE.NUMA_HIT],
    ['numa_miss', NODE.NUMA_MISS],
    ['numa_foreign', NODE.NUMA_FOREIGN],
    ['interleave_hit', NODE.INTERLEAVE_HIT],
    ['local_node', NODE.LOCAL_NODE],
    ['other_node', NODE.OTHER_NODE],
];
/** The six numastat counters of node `nid`, in the file's order. */
export function nodeNumastat(kn, nid) {
    const i32 = kn.node[nid].i32;
    return NUMASTAT_ROWS.map(([name, f]) => ({ name, value: Atomics.load(i32, f) }));
}
function numastatText(kn, nid) {
    return nodeNumastat(kn, nid).map((r) => `${r.name} ${r.value}\n`).join('');
}
/** Node memory figures in pages. */
export function nodeMemPages(kn, nid) {
    const nm = kn.node[nid];
    return {
        total: nm.pages,
        free: Atomics.load(nm.i32, NODE.FREE),
        anon: Atomics.load(nm.i32, NODE.NR_ANON),
        shmem: Atomics.load(nm.i32, NODE.NR_SHMEM),
        file: Atomics.load(nm.i32, NODE.NR_FILE),
        dirty: Atomics.load(nm.i32, NODE.NR_DIRTY),
        swapcache: Atomics.load(nm.i32, NODE.NR_SWAPCACHE),
    };
}
function meminfoText(kn, nid) {
    const p = nodeMemPages(kn, nid);
    const kb = (pages) => pages * (PAGE_SIZE / 1024);
    // Every page sits on an inactive list here: numa-emu does not age pages onto the active lists.
    const rows = [
        ['MemTotal', p.total],
        ['MemFree', p.free],
        ['MemUsed', p.total - p.free],
        ['SwapCached', p.swapcache],
        ['Active', 0],
        ['Inactive', p.anon + p.shmem + p.file],
        ['Active(anon)', 0],
        ['Inactive(anon)', p.anon + p.shmem],
        ['Active(file)', 0],
        ['Inactive(file)', p.file],
        ['Unevictable', 0],
        ['Mlocked', 0],
        ['Dirty', p.dirty],
        ['Writeback', 0],
        ['FilePages', p.file + p.shmem],
        ['AnonPages', p.anon],
        ['Shmem', p.shmem],
    ];
    return rows.map(([k, v]) => `Node ${nid} ${`${k}:`.padEnd(16)}${String(kb(v)).padStart(8)} kB\n`).join('');
}
function distanceText(kn, nid) {
    return `${kn.nodeIds.map((j) => kn.distance(nid, j)).join(' ')}\n`;
}
/** Node ids that have CPUs (N_CPU). */
export function cpuNodes(kn) {
    return Nodemask.of(kn.cfg.nodes.filter((n) => n.cpus.length > 0).map((n) => n.id));
}
/** The text of a file under /sys/devices/system/node, or null if there is no such file. */
export function readNodeFile(kn, path) {
    const base = '/sys/devices/system/node/';
    if (!path.startsWith(base))
        return null;
    const rest = path.slice(base.length);
    const lists = { online: kn.onlineNodes, possible: kn.onlineNodes, has_memory: kn.memoryNodes, has_normal_memory: kn.memoryNodes, has_cpu: cpuNodes(kn) };
    if (Object.hasOwn(lists, rest))
        return `${lists[rest].toString()}\n`;
    const m = /^node(\d+)\/(numastat|meminfo|distance|cpulist)$/.exec(rest);
    const nid = m ? Number(m[1]) : -1;
    if (!m || !kn.onlineNodes.has(nid) || String(nid) !== m[1])
        return null;
    switch (m[2]) {
        case 'numastat':
            return numastatText(kn, nid);
        case 'meminfo':
            return meminfoText(kn, nid);
        case 'distance':
            return distanceText(kn, nid);
        default:
            return `${rangeList(kn.cfg.nodes.find((n) => n.id === nid).cpus)}\n`;
    }
}
//# sourceMappingURL=node-files.js.map