import { expect } from 'chai';
import { MPOL_BIND, MPOL_DEFAULT, MPOL_F_ADDR, MPOL_INTERLEAVE, MPOL_PREFERRED, PAGE_SIZE } from '../../src/index.js';
import { SMALL, mapAnon, nodesOf, parseNumaMaps, withMachine } from '../helpers.js';
describe('shared policies on shmem', () => {
    it('mbind by one process on a shared mapping steers the pages another process faults', () => withMachine(SMALL, async (m) => {
        const parent = await m.spawnProcess({ cpu: 0 });
        const a = await mapAnon(parent.main, 4, true);
        const child = await parent.fork({ cpu: 6 });
        await parent.main.mbind(a, 4 * PAGE_SIZE, MPOL_BIND, 4n, 65);
        await child.main.touch(a, 4 * PAGE_SIZE, 'write');
        expect(await nodesOf(child.main, a, 4)).to.deep.equal([2, 2, 2, 2]);
        // The child's VMA has no policy of its own, yet get_mempolicy and numa_maps report the shared one.
        expect(await child.main.getMempolicy(65, a, MPOL_F_ADDR)).to.deep.equal({ mode: MPOL_BIND, nodemask: 4n });
        const line = parseNumaMaps(await m.readFile(`/proc/${child.pid}/numa_maps`))[0];
        expect(line.policy).to.equal('bind:2');
        expect(line.fields.file).to.equal('/dev/zero\\040(deleted)');
        expect(line.fields.N2).to.equal('4');
        expect(line.fields.dirty).to.equal('4');
        expect(line.fields, 'mapped is shown only when it differs from anon and dirty').to.not.have.property('mapped');
    }));
    it('interleave on shmem counts from the page index plus the inode number (6.12), from the index alone (2.6.7)', async () => {
        for (const kernel of ['6.12', '2.6.7']) {
            await withMachine({ ...SMALL, kernel }, async (m) => {
                const p = await m.spawnProcess({ cpu: 0 });
                const a = await mapAnon(p.main, 4, true);
                const b = await mapAnon(p.main, 4, true);
                for (const x of [a, b])
                    await p.main.mbind(x, 4 * PAGE_SIZE, MPOL_INTERLEAVE, 3n, 1025);
                await p.main.touch(a, 4 * PAGE_SIZE, 'write');
                await p.main.touch(b, 4 * PAGE_SIZE, 'write');
                const na = await nodesOf(p.main, a, 4);
                const nb = await nodesOf(p.main, b, 4);
                if (kernel === '2.6.7')
                    expect(na, kernel).to.deep.equal(nb);
                else
                    expect(na, kernel).to.not.deep.equal(nb); // consecutive inode numbers start on different nodes
                expect([...na].sort()).to.deep.equal([0, 0, 1, 1]);
            });
        }
    });
    it('a partial mbind splits the shared ranges; default removes them', () => withMachine(SMALL, async (m) => {
        const p = await m.spawnProcess({ cpu: 0 });
        const a = await mapAnon(p.main, 6, true);
        await p.main.mbind(a, 6 * PAGE_SIZE, MPOL_PREFERRED, 2n, 65);
        await p.main.mbind(a + 2 * PAGE_SIZE, 2 * PAGE_SIZE, MPOL_PREFERRED, 8n, 65);
        await p.main.mbind(a + 5 * PAGE_SIZE, PAGE_SIZE, MPOL_DEFAULT, null, 0);
        await p.main.touch(a, 6 * PAGE_SIZE, 'write');
        expect(await nodesOf(p.main, a, 6)).to.deep.equal([1, 1, 3, 3, 1, 0]);
        expect(m.audit().policiesLive, '3 VMA copies + 3 shared ranges').to.equal(6);
    }));
});
//# sourceMappingURL=shared-policy.test.js.map