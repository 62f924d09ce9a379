import { expect } from 'chai';
import { MAP_SHARED, MPOL_F_ADDR, MPOL_INTERLEAVE, O_CREAT, O_RDWR, PAGE_SIZE, PROT_READ, PROT_WRITE } from '../../src/index.js';
import { SMALL, nodesOf, parseNumaMaps, withMachine } from '../helpers.js';
describe('tmpfs files (/dev/shm)', () => {
    it('mbind on a mapping of a /dev/shm file sets the file\'s shared policy, which places its pages (a regular file\'s pages follow the faulting task)', async () => {
        for (const [path, want] of [['/dev/shm/seg', [2, 3, 2, 3]], ['/data/seg', [3, 3, 3, 3]]]) {
            await withMachine(SMALL, async (m) => {
                const p = await m.spawnProcess({ cpu: 0 });
                const fd = await p.main.open(path, O_CREAT | O_RDWR);
                await p.main.ftruncate(fd, 4 * PAGE_SIZE);
                const a = await p.main.mmap(0, 4 * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
                await p.main.mbind(a, 4 * PAGE_SIZE, MPOL_INTERLEAVE, 12n, 65);
                const q = await m.spawnProcess({ cpu: 6 });
                const qfd = await q.main.open(path, O_RDWR);
                const b = await q.main.mmap(0, 4 * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, qfd, 0);
                await q.main.touch(b, 4 * PAGE_SIZE, 'write'); // another process faults them
                const nodes = await nodesOf(q.main, b, 4);
                if (path.startsWith('/dev/shm/'))
                    expect([...nodes].sort(), path).to.deep.equal([2, 2, 3, 3]);
                else
                    expect(nodes, path).to.deep.equal(want);
                const line = parseNumaMaps(await m.readFile(`/proc/${q.pid}/numa_maps`))[0];
                expect(line.fields.file).to.equal(path);
                await p.main.unlink(path);
            });
        }
    });
    it('write() into a tmpfs file places pages as shmem does and read() sees them; fsync has no disk to write', () => withMachine(SMALL, async (m) => {
        const t = (await m.spawnProcess({ cpu: 0 })).main;
        const fd = await t.open('/dev/shm/w', O_CREAT | O_RDWR);
        const data = Uint8Array.from({ length: 3 * PAGE_SIZE }, (_, i) => (i * 5) & 0xff);
        await t.write(fd, data);
        await t.fsync(fd);
        expect(await t.pread(fd, data.length, 0)).to.deep.equal(data);
        const a = await t.mmap(0, 3 * PAGE_SIZE, PROT_READ, MAP_SHARED, fd, 0);
        expect((await t.getMempolicy(65, a, MPOL_F_ADDR)).mode).to.equal(0);
        expect(await nodesOf(t, a, 3)).to.deep.equal([0, 0, 0]);
        const shmemKb = Number(/Shmem:\s+(\d+)/.exec(await m.readFile('/sys/devices/system/node/node0/meminfo'))[1]);
        expect(shmemKb, 'tmpfs pages count as shmem').to.equal(12);
        await t.close(fd);
        await t.unlink('/dev/shm/w');
    }));
});
//# sourceMappingURL=tmpfs.test.js.map