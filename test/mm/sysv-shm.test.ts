import { expect } from 'chai';
import { IPC_CREAT, IPC_EXCL, IPC_PRIVATE, IPC_RMID, IPC_STAT, MAP_ANONYMOUS, MAP_FIXED, MAP_PRIVATE, MPOL_INTERLEAVE, MPOL_BIND, PAGE_SIZE, PROT_READ, PROT_WRITE, SHM_DEST, SHM_RDONLY, SHM_RND } from '../../src/index.js';
import { SMALL, expectErrno, fixture, nodesOf, parseNumaMaps, withMachine } from '../helpers.js';

describe('SysV shared memory', () => {
  it('two processes attach the same segment by key and see each other\'s bytes', () =>
    withMachine(SMALL, async (m) => {
      const a = await m.spawnProcess({ cpu: 0 });
      const b = await m.spawnProcess({ cpu: 4 });
      const id = await a.main.shmget(0x1234, 3 * PAGE_SIZE, IPC_CREAT | 0o600);
      expect(await b.main.shmget(0x1234, 0, 0)).to.equal(id);
      const pa = await a.main.shmat(id, null, 0);
      const pb = await b.main.shmat(id, null, 0);
      await a.main.store(pa + PAGE_SIZE, new Uint8Array([1, 2, 3]));
      expect(await b.main.load(pb + PAGE_SIZE, 3)).to.deep.equal(new Uint8Array([1, 2, 3]));
      expect((await a.main.shmctl(id, IPC_STAT))!.shm_nattch).to.equal(2);
      const line = parseNumaMaps(await m.readFile(`/proc/${b.pid}/numa_maps`))[0];
      expect(line.fields.file).to.equal('/SYSV00001234\\040(deleted)');
      await a.main.shmdt(pa);
      await b.main.shmdt(pb);
      await a.main.shmctl(id, IPC_RMID);
    }));

  it('the shared policy set through one attachment is remembered while nobody has the segment attached', () =>
    withMachine(SMALL, async (m) => {
      const a = await m.spawnProcess({ cpu: 0 });
      const id = await a.main.shmget(IPC_PRIVATE, 4 * PAGE_SIZE, 0o600);
      const pa = await a.main.shmat(id, null, 0);
      await a.main.mbind(pa, 4 * PAGE_SIZE, MPOL_INTERLEAVE, 0b1100n, 65);
      await a.main.shmdt(pa);
      expect((await a.main.shmctl(id, IPC_STAT))!.shm_nattch).to.equal(0);
      const b = await m.spawnProcess({ cpu: 2 });
      const pb = await b.main.shmat(id, null, 0);
      await b.main.touch(pb, 4 * PAGE_SIZE, 'write');
      const nodes = await nodesOf(b.main, pb, 4);
      expect(nodes.every((n) => n === 2 || n === 3)).to.equal(true);
      expect(new Set(nodes).size).to.equal(2);
      expect(parseNumaMaps(await m.readFile(`/proc/${b.pid}/numa_maps`))[0].policy).to.equal('interleave:2-3');
      await b.main.shmctl(id, IPC_RMID);
      const policies = m.audit().policiesLive;
      await b.main.shmdt(pb);
      expect(m.audit().policiesLive, 'the shared policy dies with the segment').to.equal(policies - 1);
    }));

  it('a partial mbind splits the attachment, and shm_nattch counts the VMAs as Linux does', () =>
    withMachine(SMALL, async (m) => {
      const a = await m.spawnProcess();
      const id = await a.main.shmget(IPC_PRIVATE, 4 * PAGE_SIZE, 0o600);
      const pa = await a.main.shmat(id, null, 0);
      await a.main.mbind(pa + PAGE_SIZE, PAGE_SIZE, MPOL_BIND, 0b1n, 65);
      expect((await a.main.shmctl(id, IPC_STAT))!.shm_nattch).to.equal(3);
      await a.main.shmdt(pa);
      expect((await a.main.shmctl(id, IPC_STAT))!.shm_nattch).to.equal(0);
      await a.main.shmctl(id, IPC_RMID);
    }));

  it('shmdt detaches every fragment of the segment at its own offset, and not a mapping placed between them', () =>
    withMachine(SMALL, async (m) => {
      const t = (await m.spawnProcess()).main;
      const id = await t.shmget(IPC_PRIVATE, 4 * PAGE_SIZE, 0o600);
      const pa = await t.shmat(id, null, 0);
      await t.mmap(pa + PAGE_SIZE, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED);
      await t.store(pa + PAGE_SIZE, new Uint8Array([5]));
      await t.shmdt(pa);
      for (const page of [0, 2, 3]) await expectErrno(t.load(pa + page * PAGE_SIZE, 1), 'EFAULT', 'load');
      expect(await t.load(pa + PAGE_SIZE, 1)).to.deep.equal(new Uint8Array([5]));
      expect((await t.shmctl(id, IPC_STAT))!.shm_nattch).to.equal(0);
      await t.shmctl(id, IPC_RMID);
    }));

  it('a shmat racing with the IPC_RMID that destroys the segment finds it gone (EINVAL), never a dying segment', () =>
    withMachine(SMALL, async (m) => {
      const a = (await m.spawnProcess({ cpu: 0 })).main;
      const b = (await m.spawnProcess({ cpu: 2 })).main;
      const id = await a.shmget(0x51, 4 * PAGE_SIZE, IPC_CREAT | 0o600);
      const flags = new SharedArrayBuffer(8);
      const [, got] = await Promise.all([
        a.run(fixture('ipc-race'), 'removeStoppingInDestroy', id, flags),
        b.run<string>(fixture('ipc-race'), 'attachWhileDestroyed', id, flags),
      ]);
      expect(got).to.equal('EINVAL');
    }));

  it('IPC_RMID marks an attached segment SHM_DEST, frees the key, and the last detach destroys it', () =>
    withMachine(SMALL, async (m) => {
      const a = await m.spawnProcess();
      const id = await a.main.shmget(77, PAGE_SIZE, IPC_CREAT | 0o600);
      const pa = await a.main.shmat(id, null, 0);
      await a.main.touch(pa, PAGE_SIZE, 'write');
      await a.main.shmctl(id, IPC_RMID);
      const st = (await a.main.shmctl(id, IPC_STAT))!;
      expect(st.shm_perm.mode & SHM_DEST).to.equal(SHM_DEST);
      expect(st.shm_perm.key).to.equal(IPC_PRIVATE);
      expect(await a.main.shmget(77, PAGE_SIZE, IPC_CREAT | 0o600)).to.not.equal(id);
      await a.main.shmdt(pa);
      await expectErrno(a.main.shmctl(id, IPC_STAT), 'EINVAL', 'shmctl');
    }));

  it('shmget, shmat, shmdt and shmctl give the errno the man pages list', () =>
    withMachine(SMALL, async (m) => {
      const a = await m.spawnProcess();
      const user = await m.spawnProcess({ uid: 1000, caps: [] });
      await expectErrno(a.main.shmget(5, PAGE_SIZE, 0), 'ENOENT', 'shmget');
      await expectErrno(a.main.shmget(IPC_PRIVATE, 0, 0o600), 'EINVAL', 'shmget');
      const id = await a.main.shmget(5, PAGE_SIZE, IPC_CREAT | 0o600);
      await expectErrno(a.main.shmget(5, PAGE_SIZE, IPC_CREAT | IPC_EXCL | 0o600), 'EEXIST', 'shmget');
      await expectErrno(a.main.shmget(5, 2 * PAGE_SIZE, 0), 'EINVAL', 'shmget');
      await expectErrno(user.main.shmget(5, PAGE_SIZE, 0o600), 'EACCES', 'shmget');
      await expectErrno(user.main.shmat(id, null, 0), 'EACCES', 'shmat');
      await expectErrno(a.main.shmat(-1, null, 0), 'EINVAL', 'shmat');
      await expectErrno(a.main.shmat(id + 1, null, 0), 'EINVAL', 'shmat');
      await expectErrno(a.main.shmat(id, 0x7effd0000123, 0), 'EINVAL', 'shmat');
      const pa = await a.main.shmat(id, 0x7effd0000123, SHM_RND);
      expect(pa).to.equal(0x7effd0000000);
      await expectErrno(a.main.shmat(id, pa, 0), 'EINVAL', 'shmat');
      const ro = await a.main.shmat(id, null, SHM_RDONLY);
      await expectErrno(a.main.store(ro, new Uint8Array([1])), 'EFAULT', 'store');
      await expectErrno(a.main.shmdt(pa + 1), 'EINVAL', 'shmdt');
      await expectErrno(a.main.shmdt(pa + PAGE_SIZE), 'EINVAL', 'shmdt');
      await expectErrno(user.main.shmctl(id, IPC_RMID), 'EPERM', 'shmctl');
      await expectErrno(a.main.shmctl(id, 99), 'EINVAL', 'shmctl');
      await a.main.shmdt(pa);
      await a.main.shmdt(ro);
      await a.main.shmctl(id, IPC_RMID);
    }));
});
