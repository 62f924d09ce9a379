// numastat counters as Documentation/admin-guide/numastat.rst defines them, read from
// /sys/devices/system/node/node<N>/numastat before and after each allocation.
import { expect } from 'chai';
import { MPOL_BIND, MPOL_INTERLEAVE, MPOL_PREFERRED, PAGE_SIZE } from '../../src/index.js';
import { NO_SWAP, SMALL, mapAnon, nodesOf, withMachine } from '../helpers.js';
const ROWS = ['numa_hit', 'numa_miss', 'numa_foreign', 'interleave_hit', 'local_node', 'other_node'];
const zero = () => ({ numa_hit: 0, numa_miss: 0, numa_foreign: 0, interleave_hit: 0, local_node: 0, other_node: 0 });
/** Parse one node's numastat file, checking its six lines and their order. */
function parseNumastat(text) {
    const lines = text.split('\n');
    expect(lines.pop(), 'the file ends in a newline').to.equal('');
    expect(lines.map((l) => l.split(' ')[0])).to.deep.equal([...ROWS]);
    const s = zero();
    for (const l of lines) {
        expect(l).to.match(/^[a-z_]+ \d+$/);
        const [k, v] = l.split(' ');
        s[k] = Number(v);
    }
    return s;
}
async function snapshot(m) {
    const out = {};
    for (const n of m.nodes)
        out[n.id] = parseNumastat(await m.readFile(`/sys/devices/system/node/node${n.id}/numastat`));
    return out;
}
function delta(before, after) {
    const out = {};
    for (const id of Object.keys(after).map(Number)) {
        out[id] = zero();
        for (const r of ROWS)
            out[id][r] = after[id][r] - before[id][r];
    }
    return out;
}
/** The expected deltas: zero everywhere except what `changes` names. */
function expected(ids, changes) {
    const out = {};
    for (const id of ids)
        out[id] = { ...zero(), ...(changes[id] ?? {}) };
    return out;
}
const count = (nodes, id) => nodes.filter((n) => n === id).length;
describe('numastat', () => {
    it('the file has the six counters, in the kernel order, all 0 on a fresh machine', () => withMachine(SMALL, async (m) => {
        for (const n of m.nodes) {
            const text = await m.readFile(`/sys/devices/system/node/node${n.id}/numastat`);
            expect(text).to.equal('numa_hit 0\nnuma_miss 0\nnuma_foreign 0\ninterleave_hit 0\nlocal_node 0\nother_node 0\n');
        }
    }));
    it('local allocation counts numa_hit and local_node on the local node only', () => withMachine(SMALL, async (m) => {
        const p = await m.spawnProcess({ cpu: 2 }); // node 1
        const a = await mapAnon(p.main, 5);
        const before = await snapshot(m);
        await p.main.touch(a, 5 * PAGE_SIZE, 'write');
        expect(await nodesOf(p.main, a, 5)).to.deep.equal([1, 1, 1, 1, 1]);
        expect(delta(before, await snapshot(m))).to.deep.equal(expected([0, 1, 2, 3], { 1: { numa_hit: 5, local_node: 5 } }));
    }));
    it('a read fault that maps the zero page counts nothing', () => withMachine(SMALL, async (m) => {
        const p = await m.spawnProcess({ cpu: 0 });
        const a = await mapAnon(p.main, 3);
        const before = await snapshot(m);
        await p.main.touch(a, 3 * PAGE_SIZE, 'read');
        expect(delta(before, await snapshot(m))).to.deep.equal(expected([0, 1, 2, 3], {}));
    }));
    it('preferred remote node with free memory counts numa_hit and other_node on that node', () => withMachine(SMALL, async (m) => {
        const p = await m.spawnProcess({ cpu: 0 }); // node 0
        const a = await mapAnon(p.main, 4);
        await p.main.mbind(a, 4 * PAGE_SIZE, MPOL_PREFERRED, 8n, 65);
        const before = await snapshot(m);
        await p.main.touch(a, 4 * PAGE_SIZE, 'write');
        expect(await nodesOf(p.main, a, 4)).to.deep.equal([3, 3, 3, 3]);
        expect(delta(before, await snapshot(m))).to.deep.equal(expected([0, 1, 2, 3], { 3: { numa_hit: 4, other_node: 4 } }));
    }));
    it('a full preferred node: numa_miss (and local_node) on the supplying node, numa_foreign on the preferred one', () => 
    // node 1 has 64 KiB: 16 frames
    withMachine({ nodes: [{ memory: '4M' }, { memory: '64K' }], limits: NO_SWAP }, async (m) => {
        const p = await m.spawnProcess({ cpu: 0 }); // node 0
        const a = await mapAnon(p.main, 20);
        await p.main.mbind(a, 20 * PAGE_SIZE, MPOL_PREFERRED, 2n, 65);
        const before = await snapshot(m);
        await p.main.touch(a, 20 * PAGE_SIZE, 'write');
        const nodes = await nodesOf(p.main, a, 20);
        expect(count(nodes, 1), 'pages node 1 could supply').to.equal(16);
        expect(count(nodes, 0), 'pages that fell back to node 0').to.equal(4);
        expect(delta(before, await snapshot(m))).to.deep.equal(expected([0, 1], {
            0: { numa_miss: 4, local_node: 4 },
            1: { numa_hit: 16, numa_foreign: 4, other_node: 16 },
        }));
    }));
    it('a full local node under the default policy: numa_miss and other_node on the fallback node, numa_foreign locally', () => withMachine({ nodes: [{ memory: '4M' }, { memory: '64K' }], limits: NO_SWAP }, async (m) => {
        const p = await m.spawnProcess({ cpu: 2 }); // node 1, 64 KiB
        const a = await mapAnon(p.main, 20);
        const before = await snapshot(m);
        await p.main.touch(a, 20 * PAGE_SIZE, 'write');
        const nodes = await nodesOf(p.main, a, 20);
        expect(count(nodes, 1)).to.equal(16);
        expect(count(nodes, 0)).to.equal(4);
        expect(delta(before, await snapshot(m))).to.deep.equal(expected([0, 1], {
            0: { numa_miss: 4, other_node: 4 },
            1: { numa_hit: 16, numa_foreign: 4, local_node: 16 },
        }));
    }));
    it('interleave counts interleave_hit and numa_hit on each target node', () => withMachine(SMALL, async (m) => {
        const p = await m.spawnProcess({ cpu: 0 }); // node 0
        const a = await mapAnon(p.main, 8);
        await p.main.mbind(a, 8 * PAGE_SIZE, MPOL_INTERLEAVE, 15n, 65);
        const before = await snapshot(m);
        await p.main.touch(a, 8 * PAGE_SIZE, 'write');
        const nodes = await nodesOf(p.main, a, 8);
        expect([0, 1, 2, 3].map((id) => count(nodes, id))).to.deep.equal([2, 2, 2, 2]);
        expect(delta(before, await snapshot(m))).to.deep.equal(expected([0, 1, 2, 3], {
            0: { numa_hit: 2, interleave_hit: 2, local_node: 2 },
            1: { numa_hit: 2, interleave_hit: 2, other_node: 2 },
            2: { numa_hit: 2, interleave_hit: 2, other_node: 2 },
            3: { numa_hit: 2, interleave_hit: 2, other_node: 2 },
        }));
    }));
    it('interleave onto a full target counts no interleave_hit there: numa_miss on the supplier, numa_foreign on the target', () => withMachine({ nodes: [{ memory: '4M' }, { memory: '64K' }, { memory: '4M' }], limits: NO_SWAP }, async (m) => {
        const p = await m.spawnProcess({ cpu: 4 }); // node 2
        // Fill node 1 first.
        const fill = await mapAnon(p.main, 16);
        await p.main.mbind(fill, 16 * PAGE_SIZE, MPOL_BIND, 2n, 65);
        await p.main.touch(fill, 16 * PAGE_SIZE, 'write');
        const a = await mapAnon(p.main, 4);
        await p.main.mbind(a, 4 * PAGE_SIZE, MPOL_INTERLEAVE, 3n, 65);
        const before = await snapshot(m);
        await p.main.touch(a, 4 * PAGE_SIZE, 'write');
        const nodes = await nodesOf(p.main, a, 4);
        const targets = Array.from({ length: 4 }, (_, i) => [0, 1][(a / PAGE_SIZE + i) % 2]);
        const toNode0 = count(targets, 0);
        const toNode1 = count(targets, 1);
        expect(count(nodes, 1), 'node 1 is full').to.equal(0);
        // Pages aimed at node 1 come from another node: the target stays the preferred node.
        const d = delta(before, await snapshot(m));
        expect(d[0].interleave_hit, 'interleave_hit on node 0').to.equal(toNode0);
        expect(d[1].interleave_hit, 'interleave_hit on the full node').to.equal(0);
        expect(d[1].numa_foreign, 'numa_foreign on the full target').to.equal(toNode1);
        expect(d[1].numa_hit).to.equal(0);
        expect(d[0].numa_miss + d[2].numa_miss, 'numa_miss on the suppliers').to.equal(toNode1);
        expect(d[0].numa_hit).to.equal(toNode0);
    }));
    it('bind from a CPU outside the mask counts numa_hit and other_node on the nearest allowed node', () => withMachine(SMALL, async (m) => {
        const p = await m.spawnProcess({ cpu: 0 }); // node 0: node 3 at 21, node 2 at 31
        const a = await mapAnon(p.main, 3);
        await p.main.mbind(a, 3 * PAGE_SIZE, MPOL_BIND, 12n, 65);
        const before = await snapshot(m);
        await p.main.touch(a, 3 * PAGE_SIZE, 'write');
        expect(await nodesOf(p.main, a, 3)).to.deep.equal([3, 3, 3]);
        expect(delta(before, await snapshot(m))).to.deep.equal(expected([0, 1, 2, 3], { 3: { numa_hit: 3, other_node: 3 } }));
    }));
    it('bind whose nearest allowed node is full: numa_miss on the next allowed node, numa_foreign on the nearest', () => {
        const opts = { nodes: [{ memory: '4M' }, { memory: '4M' }, { memory: '4M' }, { memory: '64K' }], limits: NO_SWAP };
        return withMachine(opts, async (m) => {
            const p = await m.spawnProcess({ cpu: 0 }); // node 0: node 3 at 21 (16 frames), node 2 at 31
            const a = await mapAnon(p.main, 20);
            await p.main.mbind(a, 20 * PAGE_SIZE, MPOL_BIND, 12n, 65);
            const before = await snapshot(m);
            await p.main.touch(a, 20 * PAGE_SIZE, 'write');
            const nodes = await nodesOf(p.main, a, 20);
            expect(count(nodes, 3)).to.equal(16);
            expect(count(nodes, 2)).to.equal(4);
            expect(delta(before, await snapshot(m))).to.deep.equal(expected([0, 1, 2, 3], {
                2: { numa_miss: 4, other_node: 4 },
                3: { numa_hit: 16, numa_foreign: 4, other_node: 16 },
            }));
        });
    });
    it('counters are per allocating CPU: a thread on another node counts local_node on its own node', () => withMachine(SMALL, async (m) => {
        const p = await m.spawnProcess({ cpu: 0 });
        const t = await p.spawnThread({ cpu: 7 }); // node 3
        const a = await mapAnon(p.main, 4);
        const before = await snapshot(m);
        await p.main.touch(a, 2 * PAGE_SIZE, 'write');
        await t.touch(a + 2 * PAGE_SIZE, 2 * PAGE_SIZE, 'write');
        expect(await nodesOf(p.main, a, 4)).to.deep.equal([0, 0, 3, 3]);
        expect(delta(before, await snapshot(m))).to.deep.equal(expected([0, 1, 2, 3], { 0: { numa_hit: 2, local_node: 2 }, 3: { numa_hit: 2, local_node: 2 } }));
    }));
});
//# sourceMappingURL=numastat.test.js.map