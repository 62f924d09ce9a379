import { expect } from 'chai';
import { MPOL_BIND, MPOL_DEFAULT, MPOL_INTERLEAVE, MPOL_MF_MOVE, MPOL_MF_STRICT, MPOL_PREFERRED, PAGE_SIZE } from '../../src/index.js';
import { SMALL, expectErrno, mapAnon, nodesOf, parseNumaMaps, withMachine } from '../helpers.js';
async function maps(m, pid) {
    return parseNumaMaps(await m.readFile(`/proc/${pid}/numa_maps`));
}
describe('mbind: VMA split and merge', () => {
    it('a partial mbind in the middle splits the VMA in three', () => withMachine(SMALL, async (m) => {
        const p = await m.spawnProcess();
        const a = await mapAnon(p.main, 8);
        await p.main.mbind(a + 2 * PAGE_SIZE, 3 * PAGE_SIZE, MPOL_BIND, 2n, 65);
        const lines = await maps(m, p.pid);
        expect(lines.map((l) => [l.start - a, l.policy])).to.deep.equal([
            [0, 'default'],
            [2 * PAGE_SIZE, 'bind:1'],
            [5 * PAGE_SIZE, 'default'],
        ]);
    }));
    it('setting the policy back to default merges the three VMAs again', () => withMachine(SMALL, async (m) => {
        const p = await m.spawnProcess();
        const a = await mapAnon(p.main, 8);
        await p.main.touch(a, 8 * PAGE_SIZE, 'write');
        await p.main.mbind(a + 2 * PAGE_SIZE, 3 * PAGE_SIZE, MPOL_BIND, 2n, 65);
        await p.main.mbind(a + 2 * PAGE_SIZE, 3 * PAGE_SIZE, MPOL_DEFAULT, null, 0);
        const lines = await maps(m, p.pid);
        expect(lines).to.have.length(1);
        expect(lines[0].fields.anon).to.equal('8');
    }));
    it('a prefix mbind with the policy of the previous VMA moves the boundary (merge, no new VMA)', () => withMachine(SMALL, async (m) => {
        const p = await m.spawnProcess();
        const a = await mapAnon(p.main, 8);
        await p.main.mbind(a, 4 * PAGE_SIZE, MPOL_INTERLEAVE, 3n, 65);
        await p.main.mbind(a + 4 * PAGE_SIZE, 2 * PAGE_SIZE, MPOL_INTERLEAVE, 3n, 65);
        const lines = await maps(m, p.pid);
        expect(lines.map((l) => [l.start - a, l.policy])).to.deep.equal([
            [0, 'interleave:0-1'],
            [6 * PAGE_SIZE, 'default'],
        ]);
    }));
    it('mbind across two VMAs with different policies gives each part the new policy and merges them', () => withMachine(SMALL, async (m) => {
        const p = await m.spawnProcess();
        const a = await mapAnon(p.main, 6);
        await p.main.mbind(a, 3 * PAGE_SIZE, MPOL_BIND, 1n, 65);
        await p.main.mbind(a + 3 * PAGE_SIZE, 3 * PAGE_SIZE, MPOL_BIND, 2n, 65);
        expect(await maps(m, p.pid)).to.have.length(2);
        await p.main.mbind(a, 6 * PAGE_SIZE, MPOL_PREFERRED, 4n, 65);
        const lines = await maps(m, p.pid);
        expect(lines.map((l) => l.policy)).to.deep.equal(['prefer:2']);
    }));
    it('mbind on an existing range changes no page already placed (no MOVE)', () => withMachine(SMALL, async (m) => {
        const p = await m.spawnProcess({ cpu: 0 });
        const a = await mapAnon(p.main, 4);
        await p.main.touch(a, 2 * PAGE_SIZE, 'write');
        await p.main.mbind(a, 4 * PAGE_SIZE, MPOL_BIND, 4n, 65);
        await p.main.touch(a, 4 * PAGE_SIZE, 'write');
        expect(await nodesOf(p.main, a, 4)).to.deep.equal([0, 0, 2, 2]);
    }));
    it('mbind: STRICT with a misplaced page gives EIO and leaves the policy unapplied', () => withMachine(SMALL, async (m) => {
        const p = await m.spawnProcess({ cpu: 0 });
        const a = await mapAnon(p.main, 2);
        await p.main.touch(a, PAGE_SIZE, 'write');
        await expectErrno(p.main.mbind(a, 2 * PAGE_SIZE, MPOL_BIND, 2n, 65, MPOL_MF_STRICT), 'EIO', 'mbind');
        expect((await maps(m, p.pid))[0].policy).to.equal('default');
    }));
    it('mbind: MOVE migrates misplaced private pages and keeps their bytes', () => withMachine(SMALL, async (m) => {
        const p = await m.spawnProcess({ cpu: 0 });
        const a = await mapAnon(p.main, 3);
        const data = Uint8Array.from({ length: 3 * PAGE_SIZE }, (_, i) => (i * 7) & 0xff);
        await p.main.store(a, data);
        await p.main.mbind(a, 3 * PAGE_SIZE, MPOL_BIND, 8n, 65, MPOL_MF_MOVE | MPOL_MF_STRICT);
        expect(await nodesOf(p.main, a, 3)).to.deep.equal([3, 3, 3]);
        expect(await p.main.load(a, data.length)).to.deep.equal(data);
    }));
    it('mbind: a VMA count past the limit gives ENOMEM and leaves the mapping usable', () => withMachine({ ...SMALL, limits: { maxVmas: 3 } }, async (m) => {
        const p = await m.spawnProcess();
        const a = await mapAnon(p.main, 8);
        await p.main.mbind(a + PAGE_SIZE, PAGE_SIZE, MPOL_BIND, 1n, 65);
        await expectErrno(p.main.mbind(a + 4 * PAGE_SIZE, PAGE_SIZE, MPOL_BIND, 2n, 65), 'ENOMEM', 'mbind');
        await p.main.touch(a, 8 * PAGE_SIZE, 'write');
        expect(await maps(m, p.pid)).to.have.length(3);
    }));
});
describe('munmap', () => {
    it('unmapping the middle of a VMA splits it and frees the pages there', () => withMachine(SMALL, async (m) => {
        const p = await m.spawnProcess({ cpu: 0 });
        const a = await mapAnon(p.main, 6);
        await p.main.touch(a, 6 * PAGE_SIZE, 'write');
        const used = m.audit().pagesInUse[0];
        await p.main.munmap(a + 2 * PAGE_SIZE, 2 * PAGE_SIZE);
        expect(m.audit().pagesInUse[0]).to.equal(used - 2);
        const lines = await maps(m, p.pid);
        expect(lines.map((l) => [l.start - a, l.fields.anon])).to.deep.equal([
            [0, '2'],
            [4 * PAGE_SIZE, '2'],
        ]);
        await expectErrno(p.main.load(a + 2 * PAGE_SIZE, 1), 'EFAULT', 'load');
    }));
});
//# sourceMappingURL=mbind.test.js.map