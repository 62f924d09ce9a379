// Every table of the kernel that can run out gives the errno Linux gives in its place, leaves the
// kernel consistent (the audit in withMachine) and the machine usable afterwards.
import { expect } from 'chai';
import {
  IPC_CREAT,
  IPC_PRIVATE,
  MAP_ANONYMOUS,
  MAP_FIXED,
  MAP_PRIVATE,
  MAP_SHARED,
  MPOL_BIND,
  MPOL_DEFAULT,
  MPOL_INTERLEAVE,
  O_CREAT,
  O_RDONLY,
  O_RDWR,
  PAGE_SIZE,
  PROT_READ,
  PROT_WRITE,
  type Machine,
  type Task,
} from '../../src/index.js';
import { NO_SWAP, SMALL, expectErrno, mapAnon, withMachine } from '../helpers.js';

const P = PAGE_SIZE;
const RW = PROT_READ | PROT_WRITE;
const ANON = MAP_PRIVATE | MAP_ANONYMOUS;
const fill = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * 13 + seed) & 0xff);

/** The error a promise rejects with (it must reject). */
async function rejection(p: Promise<unknown>): Promise<Error & { code?: string; signal?: string }> {
  try {
    await p;
  } catch (e) {
    return e as Error & { code?: string; signal?: string };
  }
  throw new Error('expected a rejection');
}

/** Lines of /proc/<pid>/numa_maps: the map count. */
async function mapCount(m: Machine, pid: number): Promise<number> {
  return (await m.readFile(`/proc/${pid}/numa_maps`)).trim().split('\n').length;
}

describe('limits: the map count (vm.max_map_count)', () => {
  /** A process with `n` mappings that cannot merge (alternating protections), the first 4 pages long. */
  async function atCount(m: Machine, n: number): Promise<{ t: Task; pid: number; a: number; b: number }> {
    const p = await m.spawnProcess();
    const a = await p.main.mmap(0, 4 * P, RW, ANON);
    await p.main.store(a, fill(4 * P, 1));
    let b = 0;
    for (let i = 1; i < n; i++) b = await p.main.mmap(0, 4 * P, i % 2 ? PROT_READ : RW, ANON);
    expect(await mapCount(m, p.pid)).to.equal(n);
    return { t: p.main, pid: p.pid, a, b };
  }

  it('munmap across two mappings with the count above the limit trims both and leaks nothing (two splits in one call)', () =>
    withMachine({ ...SMALL, limits: { maxVmas: 3 } }, async (m) => {
      const { t, pid, a } = await atCount(m, 4); // do_mmap lets the count reach max + 1
      const below = a - 4 * P; // the read-only mapping placed just below the first one
      await t.mbind(a, 4 * P, MPOL_BIND, 0b10n, 65);
      await t.munmap(below + 2 * P, 4 * P); // the top half of one VMA, the bottom half of the next
      expect(await mapCount(m, pid)).to.equal(4);
      await expectErrno(t.load(below + 3 * P, 1), 'EFAULT', 'load');
      await expectErrno(t.load(a + P, 1), 'EFAULT', 'load');
      expect(await t.load(a + 2 * P, 2 * P)).to.deep.equal(fill(4 * P, 1).subarray(2 * P));
      expect(await t.load(below, 1)).to.deep.equal(new Uint8Array(1));
    }));

  it('munmap of a hole in one mapping at the limit fails whole with ENOMEM, and succeeds once the count is lower', () =>
    withMachine({ ...SMALL, limits: { maxVmas: 3 } }, async (m) => {
      const { t, pid, a, b } = await atCount(m, 3);
      await expectErrno(t.munmap(a + P, P), 'ENOMEM', 'munmap');
      expect(await mapCount(m, pid)).to.equal(3);
      expect(await t.load(a, 4 * P)).to.deep.equal(fill(4 * P, 1));
      await t.munmap(b, 4 * P);
      await t.munmap(a + P, P);
      expect(await mapCount(m, pid)).to.equal(3);
      await expectErrno(t.load(a + P, 1), 'EFAULT', 'load');
      expect(await t.load(a + 2 * P, P)).to.deep.equal(fill(4 * P, 1).subarray(2 * P, 3 * P));
    }));

  it('MAP_FIXED into the middle of a mapping at the limit gives ENOMEM and leaves the old mapping and its data', () =>
    withMachine({ ...SMALL, limits: { maxVmas: 3 } }, async (m) => {
      const { t, pid, a } = await atCount(m, 3);
      await expectErrno(t.mmap(a + P, P, RW, ANON | MAP_FIXED), 'ENOMEM', 'mmap');
      expect(await mapCount(m, pid)).to.equal(3);
      expect(await t.load(a, 4 * P)).to.deep.equal(fill(4 * P, 1));
    }));

  it('MAP_FIXED of shared memory with the inode table full gives ENOMEM before the old mapping is touched', () =>
    withMachine({ ...SMALL, limits: { inodes: 2 } }, async (m) => {
      const t = (await m.spawnProcess()).main;
      const a = await mapAnon(t, 4);
      await t.store(a, fill(4 * P, 2));
      await t.mmap(0, P, RW, MAP_SHARED | MAP_ANONYMOUS); // the only inode
      await expectErrno(t.mmap(a, 4 * P, RW, MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED), 'ENOMEM', 'mmap');
      expect(await t.load(a, 4 * P)).to.deep.equal(fill(4 * P, 2));
    }));
});

describe('limits: page-cache index blocks (the xarray pool)', () => {
  it('a fault, a read and a write that find no index block give ENOMEM with mmap_sem released; a segment made earlier keeps its reserved blocks', () =>
    withMachine({ ...SMALL, limits: { xaBlocks: 12 } }, async (m) => {
      const a = (await m.spawnProcess({ cpu: 0 })).main;
      const b = (await m.spawnProcess({ cpu: 2 })).main;
      const seg = await b.shmget(IPC_PRIVATE, 8 * P, IPC_CREAT | 0o600); // reserves its root and leaf
      const fd = await a.open('/sparse', O_CREAT | O_RDWR);
      await a.ftruncate(fd, 4096 * P);
      // Each page 512 apart needs a leaf in the page cache and one in the block map (two roots first).
      const data = fill(64, 3);
      let k = 0;
      for (; k < 8; k++) {
        const e = await a.pwrite(fd, data, k * 512 * P).then(() => null, (err: Error & { code?: string }) => err);
        if (e) {
          expect(e.code).to.equal('ENOMEM');
          break;
        }
      }
      expect(k).to.equal(3);
      await expectErrno(a.pread(fd, 1, 6 * 512 * P), 'ENOMEM', 'pread64');
      const map = await a.mmap(0, 4096 * P, PROT_READ, MAP_SHARED, fd, 0);
      await expectErrno(a.load(map + 7 * 512 * P, 1), 'ENOMEM', 'load');
      await a.munmap(map, 4096 * P); // mmap_sem is free: the write lock is had at once
      expect(await a.pread(fd, 64, 512 * P)).to.deep.equal(data);
      // The segment's faults never run out; a new object cannot reserve anything.
      const at = await b.shmat(seg, null, 0);
      await b.store(at, fill(8 * P, 4));
      expect(await b.load(at, 8 * P)).to.deep.equal(fill(8 * P, 4));
      await expectErrno(b.shmget(IPC_PRIVATE, P, 0o600), 'ENOMEM', 'shmget');
      await expectErrno(b.mmap(0, P, RW, MAP_SHARED | MAP_ANONYMOUS), 'ENOMEM', 'mmap');
      const tmp = await a.open('/dev/shm/t', O_CREAT | O_RDWR);
      await expectErrno(a.write(tmp, data), 'ENOMEM', 'write');
      // Blocks come back with the file.
      await a.close(fd);
      await a.unlink('/sparse');
      const shared = await b.mmap(0, P, RW, MAP_SHARED | MAP_ANONYMOUS);
      await b.store(shared, data);
      expect(await a.write(tmp, data)).to.equal(64);
      await a.close(tmp);
      await a.unlink('/dev/shm/t');
    }));

  it('shared memory larger than the pool can index is refused when it is created', () =>
    withMachine({ ...SMALL, limits: { xaBlocks: 8 } }, async (m) => {
      const t = (await m.spawnProcess()).main;
      await expectErrno(t.shmget(IPC_PRIVATE, 8 * 512 * P, 0o600), 'ENOMEM', 'shmget');
      await expectErrno(t.mmap(0, 8 * 512 * P, RW, MAP_SHARED | MAP_ANONYMOUS), 'ENOMEM', 'mmap');
      const a = await t.mmap(0, 4 * 512 * P, RW, MAP_SHARED | MAP_ANONYMOUS); // 5 of the 7 blocks
      await t.touch(a, P, 'write');
      await t.touch(a + 4 * 512 * P - P, P, 'write');
    }));
});

describe('limits: a full disk', () => {
  it('write() stops at the last free block and then fails with ENOSPC; a write fault through a shared mapping is SIGBUS', () =>
    withMachine({ ...SMALL, limits: { diskBlocks: 4 } }, async (m) => {
      const t = (await m.spawnProcess()).main;
      const fd = await t.open('/f', O_CREAT | O_RDWR);
      const data = fill(6 * P, 5);
      expect(await t.write(fd, data)).to.equal(4 * P);
      await expectErrno(t.write(fd, data.subarray(4 * P)), 'ENOSPC', 'write');
      await expectErrno(t.pwrite(fd, data.subarray(0, 1), 5 * P), 'ENOSPC', 'pwrite64');
      expect(await t.pwrite(fd, new Uint8Array([9]), 3 * P)).to.equal(1); // its block exists
      await t.fsync(fd);
      await t.ftruncate(fd, 8 * P);
      const a = await t.mmap(0, 8 * P, RW, MAP_SHARED, fd, 0);
      const e = await rejection(t.store(a + 6 * P, new Uint8Array([1])));
      expect([e.code, e.signal]).to.deep.equal(['EFAULT', 'SIGBUS']);
      await t.store(a + P, new Uint8Array([7]));
      await t.fsync(fd);
      const other = await t.open('/g', O_CREAT | O_RDWR);
      await expectErrno(t.write(other, data), 'ENOSPC', 'write');
      expect((await t.pread(fd, 4 * P, 0)).subarray(P, P + 1)).to.deep.equal(new Uint8Array([7]));
      // Space comes back with truncation.
      await t.munmap(a, 8 * P);
      await t.ftruncate(fd, P);
      expect(await t.write(other, data.subarray(0, 3 * P))).to.equal(3 * P);
      await t.close(fd);
      await t.close(other);
    }));
});

describe('disk blocks given at write time', () => {
  it('a block freed by truncation and given to a page of a hole reads as zeros around the new bytes', () =>
    withMachine({ ...SMALL, limits: { diskBlocks: 2 } }, async (m) => {
      const t = (await m.spawnProcess()).main;
      const fd = await t.open('/f', O_CREAT | O_RDWR);
      expect(await t.write(fd, new Uint8Array(2 * P).fill(0xff))).to.equal(2 * P);
      await t.fsync(fd);
      await t.ftruncate(fd, 0);
      await t.pwrite(fd, new Uint8Array([7]), 5 * P + 100);
      const want = new Uint8Array(P);
      want[100] = 7;
      expect(await t.pread(fd, P, 5 * P)).to.deep.equal(want.subarray(0, 101)); // up to the end of the file
      await t.close(fd);
    }));
});

describe('limits: the mempolicy slab', () => {
  it('set_mempolicy, mbind, a munmap that splits a policy and fork give ENOMEM when no policy is left, and work once one is freed', () =>
    withMachine({ ...SMALL, limits: { policySlots: 8 } }, async (m) => {
      const p = await m.spawnProcess();
      const t = p.main;
      const a = await mapAnon(t, 16);
      await t.store(a, fill(16 * P, 6));
      await t.mbind(a + P, 3 * P, MPOL_BIND, 0b1n, 65);
      for (const page of [5, 7, 9, 11]) await t.mbind(a + page * P, P, MPOL_BIND, 0b1n, 65);
      await expectErrno(t.mbind(a + 13 * P, P, MPOL_BIND, 0b1n, 65), 'ENOMEM', 'mbind'); // mpol_new fits, its copy does not
      await t.setMempolicy(MPOL_BIND, 0b1n, 65); // the last slot
      await expectErrno(t.setMempolicy(MPOL_INTERLEAVE, 0b11n, 65), 'ENOMEM', 'set_mempolicy');
      await expectErrno(t.munmap(a + 2 * P, P), 'ENOMEM', 'munmap');
      expect(await t.load(a, 16 * P)).to.deep.equal(fill(16 * P, 6));
      await expectErrno(p.fork(), 'ENOMEM', 'fork');
      await t.setMempolicy(MPOL_DEFAULT, null, 0);
      await t.munmap(a + 2 * P, P);
      await expectErrno(p.fork(), 'ENOMEM', 'fork'); // six VMA policies, no slot left
      await t.munmap(a + 5 * P, 8 * P);
      const child = await p.fork();
      expect(await child.main.load(a + 3 * P, P)).to.deep.equal(fill(16 * P, 6).subarray(3 * P, 4 * P));
    }));
});

describe('limits: shared-policy ranges', () => {
  it('the 513th range of one object gives ENOMEM; the object and its other ranges stay as they were', () =>
    withMachine(SMALL, async (m) => {
      const t = (await m.spawnProcess()).main;
      const a = await mapAnon(t, 520, true);
      for (let i = 0; i < 512; i++) await t.mbind(a + i * P, P, MPOL_BIND, i % 2 ? 0b10n : 0b1n, 65);
      await expectErrno(t.mbind(a + 512 * P, P, MPOL_BIND, 0b1n, 65), 'ENOMEM', 'mbind');
      expect((await t.getMempolicy(65, a + 511 * P, 2)).nodemask).to.equal(0b10n);
      expect((await t.getMempolicy(65, a + 512 * P, 2)).mode).to.equal(MPOL_DEFAULT);
      await t.store(a + 512 * P, new Uint8Array([1]));
      await t.mbind(a, 520 * P, MPOL_DEFAULT, null, 0);
      await t.mbind(a + 512 * P, P, MPOL_BIND, 0b1n, 65);
    }));
});

describe('limits: inodes, open files, fds and directory entries', () => {
  it('a full inode table: open(O_CREAT) and shmget give ENOSPC, shared anonymous mmap ENOMEM; nothing is half created', () =>
    withMachine({ ...SMALL, limits: { inodes: 4 } }, async (m) => {
      const t = (await m.spawnProcess()).main;
      const fd = await t.open('/a', O_CREAT | O_RDWR);
      await t.shmget(IPC_PRIVATE, P, 0o600);
      await mapAnon(t, 1, true);
      await expectErrno(t.open('/b', O_CREAT | O_RDWR), 'ENOSPC', 'open');
      await expectErrno(t.open('/b', O_RDONLY), 'ENOENT', 'open');
      await expectErrno(t.shmget(IPC_PRIVATE, P, 0o600), 'ENOSPC', 'shmget');
      await expectErrno(t.mmap(0, P, RW, MAP_SHARED | MAP_ANONYMOUS), 'ENOMEM', 'mmap');
      await t.unlink('/a');
      await t.close(fd);
      await t.close(await t.open('/b', O_CREAT | O_RDWR));
    }));

  it('ENFILE and the full directory (ENOSPC) are found before the name is created; EMFILE at 64 fds', () =>
    withMachine({ ...SMALL, limits: { files: 4 } }, async (m) => {
      const t = (await m.spawnProcess()).main;
      const fds = [await t.open('/a', O_CREAT | O_RDWR), await t.open('/b', O_CREAT | O_RDWR), await t.open('/c', O_CREAT | O_RDWR)];
      await expectErrno(t.open('/d', O_CREAT | O_RDWR), 'ENFILE', 'open');
      await t.close(fds[0]);
      await expectErrno(t.open('/d', O_CREAT | O_RDWR), 'ENOSPC', 'open');
      await expectErrno(t.open('/d', O_RDONLY), 'ENOENT', 'open');
      await t.unlink('/b'); // still open: its entry stays until the file dies
      await expectErrno(t.open('/d', O_CREAT | O_RDWR), 'ENOSPC', 'open');
      await t.close(fds[1]);
      await t.close(await t.open('/d', O_CREAT | O_RDWR));
      await t.close(fds[2]);
    }));

  it('the 65th fd of a process is EMFILE and creates nothing', () =>
    withMachine(SMALL, async (m) => {
      const t = (await m.spawnProcess()).main;
      const fds: number[] = [];
      for (let i = 0; i < 64; i++) fds.push(await t.open('/x', O_CREAT | O_RDWR));
      expect(fds).to.deep.equal(Array.from({ length: 64 }, (_, i) => i));
      await expectErrno(t.open('/y', O_CREAT | O_RDWR), 'EMFILE', 'open');
      await t.close(17);
      expect(await t.open('/x', O_RDONLY)).to.equal(17);
      await expectErrno(t.open('/y', O_RDONLY), 'EMFILE', 'open');
      for (const fd of fds) await t.close(fd);
      await expectErrno(t.open('/y', O_RDONLY), 'ENOENT', 'open');
    }));
});

describe('limits: tasks, address spaces and swap', () => {
  it('a full task table: clone, fork and a new process give EAGAIN until a task exits', () =>
    withMachine({ ...SMALL, limits: { maxTasks: 4 } }, async (m) => {
      const p = await m.spawnProcess();
      const thread = await p.spawnThread();
      const child = await p.fork();
      await expectErrno(p.spawnThread(), 'EAGAIN', 'clone');
      await expectErrno(p.fork(), 'EAGAIN', 'fork');
      await expectErrno(m.spawnProcess(), 'EAGAIN', 'fork');
      await p.exitTask(thread);
      await p.spawnThread();
      await child.exit();
      await (await p.fork()).main.getcpu();
    }));

  it('a full mm table: fork, a new process and exec give ENOMEM; the processes go on', () =>
    withMachine({ ...SMALL, limits: { maxMms: 3 } }, async (m) => {
      const p = await m.spawnProcess();
      const a = await mapAnon(p.main, 2);
      await p.main.store(a, fill(2 * P, 7));
      const child = await p.fork();
      await expectErrno(p.fork(), 'ENOMEM', 'fork');
      await expectErrno(m.spawnProcess(), 'ENOMEM', 'fork');
      await expectErrno(child.main.exec(), 'ENOMEM', 'execve');
      expect(await child.main.load(a, 2 * P)).to.deep.equal(fill(2 * P, 7));
      await child.exit();
      await child.exit();
      const again = await p.fork();
      expect(await again.main.load(a, 2 * P)).to.deep.equal(fill(2 * P, 7));
    }));

  it('memory and swap full: a fault gives ENOMEM, and after an unmap the same task faults again', () =>
    withMachine({ nodes: [{ memory: '256K' }], limits: { swapSlots: 16 } }, async (m) => {
      const t = (await m.spawnProcess()).main;
      const big = await mapAnon(t, 128);
      await expectErrno(t.touch(big, 128 * P, 'write'), 'ENOMEM', 'touch');
      await t.munmap(big, 128 * P);
      const small = await mapAnon(t, 16);
      await t.store(small, fill(16 * P, 8));
      expect(await t.load(small, 16 * P)).to.deep.equal(fill(16 * P, 8));
    }));

  it('without swap, a node bound full gives ENOMEM and leaves the other nodes usable', () =>
    withMachine({ nodes: [{ memory: '256K' }, { memory: '256K' }], limits: NO_SWAP }, async (m) => {
      const t = (await m.spawnProcess()).main;
      const a = await mapAnon(t, 128);
      await t.mbind(a, 128 * P, MPOL_BIND, 0b1n, 65);
      await expectErrno(t.touch(a, 128 * P, 'write'), 'ENOMEM', 'touch');
      const b = await mapAnon(t, 8);
      await t.mbind(b, 8 * P, MPOL_BIND, 0b10n, 65);
      await t.store(b, fill(8 * P, 9));
      expect(await t.load(b, 8 * P)).to.deep.equal(fill(8 * P, 9));
    }));
});
