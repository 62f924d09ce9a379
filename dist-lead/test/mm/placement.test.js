import { expect } from 'chai';
import { MPOL_BIND, MPOL_INTERLEAVE, MPOL_LOCAL, MPOL_PREFERRED, PAGE_SIZE } from '../../src/index.js';
import { NO_SWAP, SMALL, mapAnon, nodesOf, parseNumaMaps, withMachine } from '../helpers.js';
describe('placement', () => {
    it('default policy: first-touch pages go to the faulting task\'s node', () => withMachine(SMALL, async (m) => {
        const p = await m.spawnProcess({ cpu: 4 });
        const a = await mapAnon(p.main, 4);
        await p.main.touch(a, 4 * PAGE_SIZE, 'write');
        expect(await nodesOf(p.main, a, 4)).to.deep.equal([2, 2, 2, 2]);
    }));
    it('a first read maps the shared zero page and allocates nothing', () => withMachine(SMALL, async (m) => {
        const p = await m.spawnProcess({ cpu: 2 });
        const a = await mapAnon(p.main, 4);
        const before = m.audit().pagesInUse;
        await p.main.touch(a, 4 * PAGE_SIZE, 'read');
        expect(m.audit().pagesInUse).to.deep.equal(before);
        expect(await p.main.load(a, 8)).to.deep.equal(new Uint8Array(8));
        const line = parseNumaMaps(await m.readFile(`/proc/${p.pid}/numa_maps`))[0];
        expect(line.fields).to.not.have.property('anon');
    }));
    it('interleave: page n of a private mapping goes to node (virtual page number mod weight)', () => withMachine(SMALL, async (m) => {
        const p = await m.spawnProcess({ cpu: 0 });
        const a = await mapAnon(p.main, 8);
        await p.main.mbind(a, 8 * PAGE_SIZE, MPOL_INTERLEAVE, 14n, 65);
        await p.main.touch(a, 8 * PAGE_SIZE, 'write');
        const nodes = [1, 2, 3];
        const want = Array.from({ length: 8 }, (_, i) => nodes[(a / PAGE_SIZE + i) % 3]);
        expect(await nodesOf(p.main, a, 8)).to.deep.equal(want);
    }));
    it('interleave in 2.6.7: the index is the offset in the mapping, not the virtual page', () => withMachine({ ...SMALL, kernel: '2.6.7' }, async (m) => {
        const p = await m.spawnProcess({ cpu: 0 });
        const a = await mapAnon(p.main, 6);
        await p.main.mbind(a, 6 * PAGE_SIZE, MPOL_INTERLEAVE, 6n, 1025);
        await p.main.touch(a, 6 * PAGE_SIZE, 'write');
        expect(await nodesOf(p.main, a, 6)).to.deep.equal([1, 2, 1, 2, 1, 2]);
    }));
    it('preferred: pages go to the preferred node while it has memory', () => withMachine(SMALL, async (m) => {
        const p = await m.spawnProcess({ cpu: 0 });
        const a = await mapAnon(p.main, 4);
        await p.main.mbind(a, 4 * PAGE_SIZE, MPOL_PREFERRED, 8n, 65);
        await p.main.touch(a, 4 * PAGE_SIZE, 'write');
        expect(await nodesOf(p.main, a, 4)).to.deep.equal([3, 3, 3, 3]);
    }));
    it('bind: the nearest allowed node to the CPU on 6.12, the lowest id on 2.6.7', async () => {
        for (const [kernel, want] of [['6.12', 3], ['2.6.7', 1]]) {
            await withMachine({ ...SMALL, kernel }, async (m) => {
                const p = await m.spawnProcess({ cpu: 0 }); // node 0: node 1 and 3 at 21, node 2 at 31
                const a = await mapAnon(p.main, 2);
                await p.main.setAffinity(6); // node 3
                await p.main.mbind(a, 2 * PAGE_SIZE, MPOL_BIND, 10n, 1025);
                await p.main.touch(a, 2 * PAGE_SIZE, 'write');
                expect(await nodesOf(p.main, a, 2), kernel).to.deep.equal([want, want]);
            });
        }
    });
    it('the VMA policy wins over the task policy', () => withMachine(SMALL, async (m) => {
        const p = await m.spawnProcess({ cpu: 0 });
        await p.main.setMempolicy(MPOL_BIND, 4n, 65);
        const a = await mapAnon(p.main, 4);
        await p.main.mbind(a, 2 * PAGE_SIZE, MPOL_PREFERRED, 8n, 65);
        await p.main.touch(a, 4 * PAGE_SIZE, 'write');
        expect(await nodesOf(p.main, a, 4)).to.deep.equal([3, 3, 2, 2]);
    }));
    it('local allocation follows setAffinity', () => withMachine(SMALL, async (m) => {
        const p = await m.spawnProcess({ cpu: 0 });
        const a = await mapAnon(p.main, 2);
        await p.main.mbind(a, 2 * PAGE_SIZE, MPOL_LOCAL, null, 0);
        await p.main.touch(a, PAGE_SIZE, 'write');
        await p.main.setAffinity(5);
        await p.main.touch(a + PAGE_SIZE, PAGE_SIZE, 'write');
        expect(await nodesOf(p.main, a, 2)).to.deep.equal([0, 2]);
    }));
    // Without swap, anonymous pages cannot be reclaimed: a full node stays full.
    it('fallback: a full node spills to the next node in distance order', () => withMachine({ nodes: [{ memory: '64K' }, { memory: '1M' }, { memory: '1M' }], distance: [[10, 30, 20], [30, 10, 20], [20, 20, 10]], limits: NO_SWAP }, async (m) => {
        const p = await m.spawnProcess({ cpu: 0 });
        const a = await mapAnon(p.main, 20);
        await p.main.touch(a, 20 * PAGE_SIZE, 'write');
        const nodes = await nodesOf(p.main, a, 20);
        // node 0 has 16 frames, one of them the zero page: 15 local, then node 2 (distance 20) before node 1 (30)
        expect(nodes.slice(0, 15)).to.deep.equal(Array(15).fill(0));
        expect(nodes.slice(15)).to.deep.equal(Array(5).fill(2));
    }));
    it('bind OOM: a fault with no free page in the mask fails with ENOMEM and corrupts nothing', () => withMachine({ nodes: [{ memory: '1M' }, { memory: '64K' }], limits: NO_SWAP }, async (m) => {
        const p = await m.spawnProcess({ cpu: 0 });
        const a = await mapAnon(p.main, 20);
        await p.main.mbind(a, 20 * PAGE_SIZE, MPOL_BIND, 2n, 65);
        await p.main.store(a, new Uint8Array([7]));
        let err;
        try {
            await p.main.touch(a, 20 * PAGE_SIZE, 'write');
        }
        catch (e) {
            err = e;
        }
        expect(err?.code).to.equal('ENOMEM');
        expect(err?.syscall).to.equal('touch');
        expect((await p.main.load(a, 1))[0]).to.equal(7);
        const maps = parseNumaMaps(await m.readFile(`/proc/${p.pid}/numa_maps`));
        expect(maps[0].fields.N1).to.equal('16');
        expect(maps[0].fields).to.not.have.property('N0');
    }));
});
//# sourceMappingURL=placement.test.js.map