import { expect } from 'chai';
import { MPOL_BIND, MPOL_INTERLEAVE, PAGE_SIZE } from '../../src/index.js';
import { SMALL, mapAnon, nodesOf, parseNumaMaps, withMachine } from '../helpers.js';
describe('fork, exec and copy-on-write', () => {
    it('fork shares private pages copy-on-write (mapmax=2) until a write breaks the sharing', () => withMachine(SMALL, async (m) => {
        const parent = await m.spawnProcess({ cpu: 0 });
        const a = await mapAnon(parent.main, 2);
        await parent.main.store(a, new Uint8Array([1, 2]));
        await parent.main.store(a + PAGE_SIZE, new Uint8Array([3]));
        const child = await parent.fork({ cpu: 2 });
        expect(parseNumaMaps(await m.readFile(`/proc/${child.pid}/numa_maps`))[0].fields.mapmax).to.equal('2');
        await child.main.store(a, new Uint8Array([9]));
        expect(await child.main.load(a, 2)).to.deep.equal(new Uint8Array([9, 2]));
        expect(await parent.main.load(a, 2)).to.deep.equal(new Uint8Array([1, 2]));
        // The child's copy is placed by the child's policy (local to its CPU on node 1).
        expect(await nodesOf(child.main, a, 2)).to.deep.equal([1, 0]);
        const used = m.audit().pagesInUse;
        await child.exit();
        expect(m.audit().pagesInUse[1]).to.equal(used[1] - 1);
    }));
    it('the last mm to write a COW page reuses it instead of copying', () => withMachine(SMALL, async (m) => {
        const parent = await m.spawnProcess({ cpu: 0 });
        const a = await mapAnon(parent.main, 1);
        await parent.main.store(a, new Uint8Array([5]));
        const child = await parent.fork();
        await child.exit();
        const before = m.audit().pagesInUse[0];
        await parent.main.store(a, new Uint8Array([6]));
        expect(m.audit().pagesInUse[0]).to.equal(before);
    }));
    it('fork inherits the task policy and the VMA policies', () => withMachine(SMALL, async (m) => {
        const parent = await m.spawnProcess({ cpu: 0 });
        await parent.main.setMempolicy(MPOL_INTERLEAVE, 6n, 65);
        const a = await mapAnon(parent.main, 2);
        await parent.main.mbind(a, PAGE_SIZE, MPOL_BIND, 8n, 65);
        const child = await parent.fork();
        expect(await child.main.getMempolicy(65)).to.deep.equal({ mode: MPOL_INTERLEAVE, nodemask: 6n });
        expect(parseNumaMaps(await m.readFile(`/proc/${child.pid}/numa_maps`)).map((l) => l.policy)).to.deep.equal(['bind:3', 'interleave:1-2']);
        expect(m.audit().policiesLive).to.equal(4);
    }));
    it('exec drops the VMA policies and the mappings, keeps the task policy', () => withMachine(SMALL, async (m) => {
        const p = await m.spawnProcess({ cpu: 0 });
        await p.main.setMempolicy(MPOL_BIND, 2n, 65);
        const a = await mapAnon(p.main, 2);
        await p.main.mbind(a, PAGE_SIZE, MPOL_BIND, 8n, 65);
        await p.spawnThread({ cpu: 1 });
        await p.main.exec();
        expect(p.tasks).to.have.length(1);
        expect(await m.readFile(`/proc/${p.pid}/numa_maps`)).to.equal('');
        expect(await p.main.getMempolicy(65)).to.deep.equal({ mode: MPOL_BIND, nodemask: 2n });
        expect(m.audit().policiesLive).to.equal(1);
    }));
    it('threads share the address space: a page one thread writes, another reads', () => withMachine(SMALL, async (m) => {
        const p = await m.spawnProcess({ cpu: 0 });
        const t2 = await p.spawnThread({ cpu: 7 });
        const a = await mapAnon(p.main, 1);
        await t2.store(a, new Uint8Array([42]));
        expect((await p.main.load(a, 1))[0]).to.equal(42);
        expect(await nodesOf(p.main, a, 1)).to.deep.equal([3]);
        expect(t2.pid).to.equal(p.pid);
        expect(t2.tid).to.not.equal(p.main.tid);
    }));
});
//# sourceMappingURL=fork.test.js.map