import { expect } from 'chai';
import { IPC_PRIVATE, IPC_RMID, MPOL_BIND, O_CREAT, O_RDWR, PAGE_SIZE } from '../../src/index.js';
import { expectLastWritesVisible, runStress } from '../stress-run.js';
import { mapAnon, nodesOf, withMachine } from '../helpers.js';
/** Two 1 MiB nodes (256 frames each) and a 16 MiB swap device. */
const TIGHT = { nodes: [{ memory: '1M' }, { memory: '1M' }], limits: { swapSlots: 4096 } };
async function vmstat(m) {
    const out = {};
    for (const line of (await m.readFile('/proc/vmstat')).trim().split('\n')) {
        const [k, v] = line.split(' ');
        out[k] = Number(v);
    }
    return out;
}
/** Write page i with a pattern derived from (seed, i); read back and compare. */
async function fillPages(t, addr, pages, seed) {
    for (let i = 0; i < pages; i++)
        await t.store(addr + i * PAGE_SIZE, pattern(seed, i));
}
function pattern(seed, i) {
    return Uint8Array.from({ length: 64 }, (_, j) => (seed * 7 + i * 13 + j) & 0xff);
}
async function checkPages(t, addr, pages, seed) {
    for (let i = 0; i < pages; i++)
        expect(await t.load(addr + i * PAGE_SIZE, 64), `page ${i}`).to.deep.equal(pattern(seed, i));
}
describe('reclaim and swap', function () {
    this.timeout(120_000);
    it('anonymous memory larger than its node swaps out and comes back intact', () => withMachine(TIGHT, async (m) => {
        const p = await m.spawnProcess({ cpu: 0 });
        const a = await mapAnon(p.main, 600);
        await p.main.mbind(a, 600 * PAGE_SIZE, MPOL_BIND, 1n, 65);
        await fillPages(p.main, a, 600, 1);
        await checkPages(p.main, a, 600, 1);
        const v = await vmstat(m);
        expect(v.pswpout).to.be.above(0);
        expect(v.pswpin).to.be.above(0);
        expect(v.pgsteal_direct + v.pgsteal_kswapd).to.be.above(0);
        expect((await nodesOf(p.main, a, 600)).every((n) => n === 0)).to.equal(true);
    }));
    it('a page swapped in is placed by the policy in force at that moment', () => withMachine(TIGHT, async (m) => {
        const p = await m.spawnProcess({ cpu: 0 });
        const a = await mapAnon(p.main, 400);
        await p.main.mbind(a, 400 * PAGE_SIZE, MPOL_BIND, 1n, 65);
        await fillPages(p.main, a, 400, 2);
        const swappedBefore = (await vmstat(m)).pswpout;
        expect(swappedBefore).to.be.above(0);
        await p.main.mbind(a, 400 * PAGE_SIZE, MPOL_BIND, 2n, 65); // no MOVE: resident pages stay
        await checkPages(p.main, a, 400, 2);
        const nodes = await nodesOf(p.main, a, 400);
        const onNode1 = nodes.filter((n) => n === 1).length;
        expect(onNode1, 'pages brought back after the policy changed').to.be.above(0);
        expect(onNode1).to.be.at.most((await vmstat(m)).pswpin);
    }));
    it('shmem under a shared policy swaps through its object and keeps its bytes for every process', () => withMachine(TIGHT, async (m) => {
        const a = await m.spawnProcess({ cpu: 0 });
        const b = await m.spawnProcess({ cpu: 2 });
        const id = await a.main.shmget(IPC_PRIVATE, 500 * PAGE_SIZE, 0o600);
        const pa = await a.main.shmat(id, null, 0);
        const pb = await b.main.shmat(id, null, 0);
        await a.main.mbind(pa, 500 * PAGE_SIZE, MPOL_BIND, 1n, 65);
        await fillPages(a.main, pa, 500, 3);
        await checkPages(b.main, pb, 500, 3);
        expect((await vmstat(m)).pswpout).to.be.above(0);
        await a.main.shmdt(pa);
        await b.main.shmdt(pb);
        await a.main.shmctl(id, IPC_RMID);
    }));
    it('file pages are reclaimed (dirty ones written back first) and read back from disk intact', () => withMachine(TIGHT, async (m) => {
        const t = (await m.spawnProcess({ cpu: 0 })).main;
        await t.setMempolicy(MPOL_BIND, 1n, 65);
        const fd = await t.open('/big', O_CREAT | O_RDWR);
        for (let i = 0; i < 700; i++)
            await t.pwrite(fd, pattern(4, i), i * PAGE_SIZE);
        for (let i = 0; i < 700; i++)
            expect(await t.pread(fd, 64, i * PAGE_SIZE), `page ${i}`).to.deep.equal(pattern(4, i));
        const v = await vmstat(m);
        expect(v.pswpout, 'file pages never go to swap').to.equal(0);
        expect(v.pgsteal_direct + v.pgsteal_kswapd).to.be.above(0);
        await t.close(fd);
    }));
    it('kswapd in the node workers reclaims while tasks fault, store and change policies at once: no byte lost', () => withMachine({ ...TIGHT, seed: 11 }, async (m) => {
        const PAGES = 300;
        const parent = await m.spawnProcess({ cpu: 0 });
        const priv = await mapAnon(parent.main, PAGES);
        const shared = await mapAnon(parent.main, PAGES, true);
        const child = await parent.fork({ cpu: 2 });
        const tasks = [
            [parent.main, [[priv, PAGES, true], [shared, PAGES, true]]],
            [await parent.spawnThread({ cpu: 3 }), [[priv, PAGES, true], [shared, PAGES, false]]],
            [child.main, [[shared, PAGES, true]]],
        ];
        const results = await runStress(tasks, { iters: 2500, nodes: 2, seedBase: 50 });
        await expectLastWritesVisible(results, (id) => [id < 2 ? parent.main : child.main]);
        expect((await vmstat(m)).pswpout, 'the run was under memory pressure').to.be.above(0);
    }));
    it('/proc/meminfo and node meminfo report swap and swap cache figures', () => withMachine(TIGHT, async (m) => {
        const text = await m.readFile('/proc/meminfo');
        expect(text).to.match(/^SwapTotal:\s+16384 kB$/m);
        expect(text).to.match(/^SwapFree:\s+16384 kB$/m);
        expect(await m.readFile('/sys/devices/system/node/node0/meminfo')).to.match(/^Node 0 SwapCached:\s+0 kB$/m);
    }));
});
//# sourceMappingURL=reclaim.test.js.map