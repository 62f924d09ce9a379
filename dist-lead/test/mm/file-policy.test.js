import { expect } from 'chai';
import { MAP_SHARED, MPOL_F_ADDR, MPOL_INTERLEAVE, O_CREAT, O_RDWR, PAGE_SIZE, PROT_READ, PROT_WRITE } from '../../src/index.js';
import { SMALL, nodesOf, withMachine } from '../helpers.js';
const SEED_000 = '2.6.8-rc3+file-policy';
describe('file-mapping shared policies (seed 000, never merged upstream)', () => {
    it('a fault replaces a page cached before the policy, on a node the policy forbids and used by nobody; upstream keeps it', async () => {
        for (const [kernel, want] of [[SEED_000, [2, 3, 2, 3]], ['6.12', [0, 0, 0, 0]]]) {
            await withMachine({ ...SMALL, kernel }, async (m) => {
                const t = (await m.spawnProcess({ cpu: 0 })).main;
                const fd = await t.open('/f', O_CREAT | O_RDWR);
                const data = Uint8Array.from({ length: 4 * PAGE_SIZE }, (_, i) => i & 0xff);
                await t.write(fd, data); // cached on node 0, before any policy
                await t.fsync(fd);
                const a = await t.mmap(0, 4 * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
                await t.mbind(a, 4 * PAGE_SIZE, MPOL_INTERLEAVE, 12n, 1025);
                await t.touch(a, 4 * PAGE_SIZE, 'read');
                expect(await nodesOf(t, a, 4), kernel).to.deep.equal(want);
                expect(await t.load(a, data.length), 'the bytes survive the move').to.deep.equal(data);
                await t.unlink('/f'); // the file's policy lives as long as the file
            });
        }
    });
    it('all mappings obey the file\'s policy, and page-cache allocation by read() and readahead use it too', () => withMachine({ ...SMALL, kernel: SEED_000 }, async (m) => {
        const p = await m.spawnProcess({ cpu: 0 });
        const q = await m.spawnProcess({ cpu: 2 });
        const fd = await p.main.open('/f', O_CREAT | O_RDWR);
        await p.main.ftruncate(fd, 8 * PAGE_SIZE);
        const a = await p.main.mmap(0, 8 * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        await p.main.mbind(a, 8 * PAGE_SIZE, MPOL_INTERLEAVE, 6n, 1025);
        const qfd = await q.main.open('/f', O_RDWR);
        await q.main.read(qfd, PAGE_SIZE); // page 0 and a readahead window, by the file's policy
        const b = await q.main.mmap(0, 8 * PAGE_SIZE, PROT_READ, MAP_SHARED, qfd, 0);
        expect(await nodesOf(q.main, b, 5)).to.deep.equal([1, 2, 1, 2, 1]);
        expect((await q.main.getMempolicy(1025, b, MPOL_F_ADDR)).mode, 'the policy is the file\'s, seen from any mapping').to.equal(MPOL_INTERLEAVE);
        await p.main.unlink('/f');
    }));
    it('setting the same policy on the same range again changes nothing', () => withMachine({ ...SMALL, kernel: SEED_000 }, async (m) => {
        const t = (await m.spawnProcess({ cpu: 0 })).main;
        const fd = await t.open('/f', O_CREAT | O_RDWR);
        await t.ftruncate(fd, 2 * PAGE_SIZE);
        const a = await t.mmap(0, 2 * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        await t.mbind(a, 2 * PAGE_SIZE, MPOL_INTERLEAVE, 3n, 1025);
        const before = m.audit().policiesLive;
        await t.mbind(a, 2 * PAGE_SIZE, MPOL_INTERLEAVE, 3n, 1025);
        expect(m.audit().policiesLive).to.equal(before);
        await t.unlink('/f');
    }));
});
//# sourceMappingURL=file-policy.test.js.map