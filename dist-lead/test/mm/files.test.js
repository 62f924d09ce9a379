import { expect } from 'chai';
import { MAP_PRIVATE, MAP_SHARED, MPOL_BIND, MPOL_F_ADDR, MPOL_INTERLEAVE, MPOL_PREFERRED, O_APPEND, O_CREAT, O_EXCL, O_RDONLY, O_RDWR, O_TRUNC, O_WRONLY, PAGE_SIZE, PROT_READ, PROT_WRITE, } from '../../src/index.js';
import { SMALL, expectErrno, nodesOf, parseNumaMaps, withMachine } from '../helpers.js';
const bytes = (n, seed) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff);
async function filePagesKb(m) {
    let kb = 0;
    for (const n of m.nodes)
        kb += Number(/FilePages:\s+(\d+)/.exec(await m.readFile(`/sys/devices/system/node/node${n.id}/meminfo`))[1]);
    return kb;
}
async function mapFile(t, fd, pages, flags = MAP_SHARED, prot = PROT_READ | PROT_WRITE) {
    return t.mmap(0, pages * PAGE_SIZE, prot, flags, fd, 0);
}
describe('files and the page cache', () => {
    it('write, read, pread, pwrite and O_APPEND move bytes and the file position as POSIX says', () => withMachine(SMALL, async (m) => {
        const t = (await m.spawnProcess()).main;
        const fd = await t.open('/data', O_CREAT | O_RDWR, 0o644);
        const a = bytes(6000, 1);
        expect(await t.write(fd, a)).to.equal(6000);
        expect(await t.read(fd, 10)).to.deep.equal(new Uint8Array(0)); // at the end
        expect(await t.pread(fd, 6000, 0)).to.deep.equal(a);
        expect(await t.pwrite(fd, new Uint8Array([9, 9]), 4095)).to.equal(2);
        const app = await t.open('/data', O_WRONLY | O_APPEND);
        await t.write(app, new Uint8Array([7]));
        const all = await t.pread(fd, 10_000, 0);
        expect(all.length).to.equal(6001);
        expect([all[4094], all[4095], all[4096], all[6000]]).to.deep.equal([a[4094], 9, 9, 7]);
        await t.close(app);
        await t.close(fd);
    }));
    it('page-cache pages follow the writing task\'s own policy, interleaving by its counter', () => withMachine(SMALL, async (m) => {
        const t = (await m.spawnProcess({ cpu: 0 })).main;
        await t.setMempolicy(MPOL_INTERLEAVE, 6n, 65);
        const fd = await t.open('/f', O_CREAT | O_RDWR);
        await t.write(fd, bytes(4 * PAGE_SIZE, 2));
        await t.setMempolicy(0, null, 0);
        const a = await mapFile(t, fd, 4);
        expect(await nodesOf(t, a, 4)).to.deep.equal([1, 2, 1, 2]);
    }));
    it('mbind on a shared file mapping is recorded but does not steer the page cache (upstream)', () => withMachine(SMALL, async (m) => {
        const t = (await m.spawnProcess({ cpu: 0 })).main;
        const fd = await t.open('/f', O_CREAT | O_RDWR);
        await t.ftruncate(fd, 2 * PAGE_SIZE);
        const a = await mapFile(t, fd, 2);
        await t.mbind(a, 2 * PAGE_SIZE, MPOL_BIND, 8n, 65);
        expect(await t.getMempolicy(65, a, MPOL_F_ADDR)).to.deep.equal({ mode: MPOL_BIND, nodemask: 8n });
        await t.touch(a, 2 * PAGE_SIZE, 'write');
        expect(await nodesOf(t, a, 2)).to.deep.equal([0, 0]);
    }));
    it('a private file mapping reads the file and places its written copies by the VMA policy, leaving the file alone', () => withMachine(SMALL, async (m) => {
        const t = (await m.spawnProcess({ cpu: 0 })).main;
        const fd = await t.open('/f', O_CREAT | O_RDWR);
        const data = bytes(2 * PAGE_SIZE, 3);
        await t.write(fd, data);
        await t.fsync(fd); // clean cache pages: mapped= shows when pages differ from anon and from dirty
        const a = await mapFile(t, fd, 2, MAP_PRIVATE);
        await t.mbind(a, 2 * PAGE_SIZE, MPOL_PREFERRED, 4n, 65);
        expect(await t.load(a, 2 * PAGE_SIZE)).to.deep.equal(data);
        await t.store(a + PAGE_SIZE, new Uint8Array([0xee]));
        expect(await nodesOf(t, a, 2)).to.deep.equal([0, 2]); // page 0: the cache page; page 1: a copy on node 2
        expect((await t.pread(fd, 1, PAGE_SIZE))[0]).to.equal(data[PAGE_SIZE]);
        const line = parseNumaMaps(await m.readFile(`/proc/${t.pid}/numa_maps`))[0];
        expect(line.fields.file).to.equal('/f');
        expect(line.fields.anon).to.equal('1');
        expect(line.fields.dirty).to.equal('1');
        expect(line.fields.mapped).to.equal('2');
    }));
    it('stores through a shared mapping reach read() and survive fsync, close and reopen', () => withMachine(SMALL, async (m) => {
        const t = (await m.spawnProcess()).main;
        let fd = await t.open('/f', O_CREAT | O_RDWR);
        await t.ftruncate(fd, 3 * PAGE_SIZE);
        const a = await mapFile(t, fd, 3);
        await t.store(a + 2 * PAGE_SIZE + 5, new Uint8Array([1, 2, 3]));
        expect(await t.pread(fd, 3, 2 * PAGE_SIZE + 5)).to.deep.equal(new Uint8Array([1, 2, 3]));
        const line = parseNumaMaps(await m.readFile(`/proc/${t.pid}/numa_maps`))[0];
        expect(line.fields.dirty).to.equal('1');
        await t.fsync(fd);
        await t.munmap(a, 3 * PAGE_SIZE);
        await t.close(fd);
        fd = await t.open('/f', O_RDONLY);
        expect(await t.pread(fd, 3, 2 * PAGE_SIZE + 5)).to.deep.equal(new Uint8Array([1, 2, 3]));
    }));
    it('ftruncate: pages past the new end go (SIGBUS through a mapping), growing again reads zeros', () => withMachine(SMALL, async (m) => {
        const t = (await m.spawnProcess()).main;
        const fd = await t.open('/f', O_CREAT | O_RDWR);
        await t.write(fd, bytes(3 * PAGE_SIZE, 4));
        await t.fsync(fd);
        const a = await mapFile(t, fd, 3);
        await t.touch(a, 3 * PAGE_SIZE, 'read');
        await t.ftruncate(fd, PAGE_SIZE + 10);
        let err;
        await t.load(a + 2 * PAGE_SIZE, 1).catch((e) => (err = e));
        expect(err?.signal).to.equal('SIGBUS');
        await t.ftruncate(fd, 2 * PAGE_SIZE);
        const back = await t.pread(fd, PAGE_SIZE, PAGE_SIZE);
        expect(back.subarray(0, 10)).to.deep.equal(bytes(3 * PAGE_SIZE, 4).subarray(PAGE_SIZE, PAGE_SIZE + 10));
        expect(back.subarray(10).every((x) => x === 0)).to.equal(true);
    }));
    it('an unlinked file lives on while open or mapped, shown as deleted, and is freed by the last close', () => withMachine(SMALL, async (m) => {
        const t = (await m.spawnProcess()).main;
        const before = await filePagesKb(m);
        const fd = await t.open('/gone', O_CREAT | O_RDWR);
        await t.write(fd, bytes(PAGE_SIZE, 5));
        const a = await mapFile(t, fd, 1);
        await t.unlink('/gone');
        await expectErrno(t.open('/gone', O_RDONLY), 'ENOENT', 'open');
        expect(parseNumaMaps(await m.readFile(`/proc/${t.pid}/numa_maps`))[0].fields.file).to.equal('/gone\\040(deleted)');
        expect((await t.load(a, 1))[0]).to.equal(bytes(1, 5)[0]);
        await t.close(fd);
        await t.munmap(a, PAGE_SIZE);
        expect(await filePagesKb(m)).to.equal(before);
    }));
    it('a sequential read brings a readahead window into the page cache, growing as the reads go on', () => withMachine(SMALL, async (m) => {
        const t = (await m.spawnProcess()).main;
        const fd = await t.open('/big', O_CREAT | O_RDWR);
        await t.ftruncate(fd, 64 * PAGE_SIZE);
        const base = await filePagesKb(m);
        await t.read(fd, PAGE_SIZE);
        expect((await filePagesKb(m)) - base).to.equal(4 * (1 + 4));
        await t.read(fd, PAGE_SIZE);
        expect((await filePagesKb(m)) - base).to.equal(4 * (1 + 4 + 8 - 3));
    }));
    it('file calls give the errno the man pages list', () => withMachine({ ...SMALL, limits: { files: 8 } }, async (m) => {
        const t = (await m.spawnProcess()).main;
        await expectErrno(t.open('/none', O_RDONLY), 'ENOENT', 'open');
        await expectErrno(t.open('', O_RDONLY | O_CREAT), 'ENOENT', 'open');
        await expectErrno(t.open('/' + 'x'.repeat(80), O_CREAT | O_RDWR), 'ENAMETOOLONG', 'open');
        await expectErrno(t.open('/x', 3 | O_CREAT), 'EINVAL', 'open');
        const ro = await t.open('/x', O_CREAT | O_RDONLY);
        await expectErrno(t.open('/x', O_CREAT | O_EXCL | O_RDWR), 'EEXIST', 'open');
        await expectErrno(t.write(ro, new Uint8Array(1)), 'EBADF', 'write');
        await expectErrno(t.ftruncate(ro, 0), 'EINVAL', 'ftruncate');
        await expectErrno(t.mmap(0, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, ro, 0), 'EACCES', 'mmap');
        const wo = await t.open('/x', O_WRONLY | O_TRUNC);
        await expectErrno(t.read(wo, 1), 'EBADF', 'read');
        await expectErrno(t.mmap(0, PAGE_SIZE, PROT_READ, MAP_PRIVATE, wo, 0), 'EACCES', 'mmap');
        await expectErrno(t.ftruncate(wo, -1), 'EINVAL', 'ftruncate');
        await expectErrno(t.ftruncate(wo, 2 ** 31), 'EFBIG', 'ftruncate');
        await expectErrno(t.pread(ro, 1, -1), 'EINVAL', 'pread64');
        await expectErrno(t.read(42, 1), 'EBADF', 'read');
        await expectErrno(t.close(42), 'EBADF', 'close');
        await expectErrno(t.mmap(0, PAGE_SIZE, PROT_READ, MAP_PRIVATE, 42, 0), 'EBADF', 'mmap');
        await expectErrno(t.unlink('/none'), 'ENOENT', 'unlink');
        const fds = [];
        let err;
        try {
            for (let i = 0; i < 10; i++)
                fds.push(await t.open(`/f${i}`, O_CREAT | O_RDWR));
        }
        catch (e) {
            err = e;
        }
        expect(err?.code).to.equal('ENFILE');
        await t.close(ro);
        await t.close(wo);
        for (const fd of fds)
            await t.close(fd);
    }));
});
//# sourceMappingURL=files.test.js.map