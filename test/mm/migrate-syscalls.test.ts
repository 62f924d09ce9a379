// migrate_pages(2) and move_pages(2): LTP's migrate_pages01-02 and move_pages01-11 where the
// emulator can express them (no bad user pointers: arguments are JavaScript values), and the
// kernel's node remapping, batching and status rules.
import { expect } from 'chai';
import { MPOL_F_ADDR, MPOL_INTERLEAVE, MPOL_MF_MOVE, MPOL_MF_MOVE_ALL, MPOL_MF_STRICT, PAGE_SIZE, type Task } from '../../src/index.js';
import { SMALL, expectErrno, fixture, mapAnon, nodesOf, vmstat, withMachine } from '../helpers.js';

const TWO = { nodes: [{ memory: '4M' }, { memory: '4M' }] };
const ENOENT = -2;
const EFAULT = -14;
const EACCES = -13;
const EBUSY = -16;

/** `pages` pages at `addr`, faulted on the task's node (write). */
async function touched(t: Task, pages: number, shared = false): Promise<number> {
  const a = await mapAnon(t, pages, shared);
  await t.touch(a, pages * PAGE_SIZE, 'write');
  return a;
}

function addrs(a: number, pages: number): number[] {
  return Array.from({ length: pages }, (_, i) => a + i * PAGE_SIZE);
}

describe('migrate_pages', function () {
  this.timeout(60_000);

  it('errnos of LTP migrate_pages01: a sane call is 0; pid -1 and past pid_max ESRCH; maxnode -1 EINVAL; a node that does not exist EINVAL; another user\'s process EPERM', () =>
    withMachine(TWO, async (m) => {
      const root = await m.spawnProcess({ cpu: 0 });
      expect(await root.main.migratePages(0, 64, 0b1n, 0b1n)).to.equal(0);
      await expectErrno(root.main.migratePages(-1, 64, 0b1n, 0b1n), 'ESRCH', 'migrate_pages');
      await expectErrno(root.main.migratePages(4194305, 64, 0b1n, 0b1n), 'ESRCH', 'migrate_pages');
      await expectErrno(root.main.migratePages(0, -1, 0b1n, 0b1n), 'EINVAL', 'migrate_pages');
      await expectErrno(root.main.migratePages(0, 64, 0b1n, 0b100n), 'EINVAL', 'migrate_pages');
      await expectErrno(root.main.migratePages(0, 0, null, null), 'EINVAL', 'migrate_pages');
      const nobody = await m.spawnProcess({ cpu: 0, uid: 65534 });
      await expectErrno(nobody.main.migratePages(root.pid, 64, 0b1n, 0b1n), 'EPERM', 'migrate_pages');
      // Without CAP_SYS_NICE, a target set outside the memory nodes is EPERM (not EINVAL).
      await expectErrno(nobody.main.migratePages(0, 64, 0b1n, 0b100n), 'EPERM', 'migrate_pages');
      await expectErrno(root.main.migratePages(0, 64, 'x' as unknown as bigint, 0b1n), 'ERR_INVALID_ARG_TYPE');
    }));

  it('LTP migrate_pages02: a process moves its private memory with or without CAP_SYS_NICE, and memory shared with its child only with it', () =>
    withMachine(TWO, async (m) => {
      for (const uid of [0, 1000]) {
        const p = await m.spawnProcess({ cpu: 0, uid }); // uid 1000: no capabilities
        const priv = await touched(p.main, 1);
        expect(await p.main.migratePages(0, 64, 0b11n, 0b10n)).to.equal(0);
        expect(await nodesOf(p.main, priv, 1)).to.deep.equal([1]);
        expect(await p.main.migratePages(0, 64, 0b11n, 0b01n)).to.equal(0);
        expect(await nodesOf(p.main, priv, 1)).to.deep.equal([0]);
        const shared = await touched(p.main, 1, true);
        await p.main.migratePages(0, 64, 0b11n, 0b10n); // mapped by this process alone: it moves
        expect(await nodesOf(p.main, shared, 1)).to.deep.equal([1]);
        const child = await p.fork({ cpu: 2 });
        const own = await touched(child.main, 1);
        await child.main.touch(shared, PAGE_SIZE, 'write');
        expect(await nodesOf(child.main, own, 1)).to.deep.equal([1]);
        await child.main.migratePages(0, 64, 0b11n, 0b01n);
        expect(await nodesOf(child.main, own, 1), `uid ${uid}: the child's own page`).to.deep.equal([0]);
        expect(await nodesOf(p.main, shared, 1), `uid ${uid}: the shared page`).to.deep.equal([uid === 0 ? 0 : 1]);
        await child.exit();
        await p.exit();
      }
    }));

  it('LTP migrate_pages02, other processes: the same uid may migrate a process, another uid may with CAP_SYS_NICE and CAP_SYS_PTRACE, not without', () =>
    withMachine(TWO, async (m) => {
      const target = await m.spawnProcess({ cpu: 0, uid: 1000 });
      const a = await touched(target.main, 2);
      const same = await m.spawnProcess({ cpu: 0, uid: 1000 });
      expect(await same.main.migratePages(target.pid, 64, 0b1n, 0b10n)).to.equal(0);
      expect(await nodesOf(target.main, a, 2)).to.deep.equal([1, 1]);
      const root = await m.spawnProcess({ cpu: 0 });
      expect(await root.main.migratePages(target.pid, 64, 0b10n, 0b1n)).to.equal(0);
      expect(await nodesOf(target.main, a, 2)).to.deep.equal([0, 0]);
      const other = await m.spawnProcess({ cpu: 0, uid: 2000 });
      await expectErrno(other.main.migratePages(target.pid, 64, 0b1n, 0b10n), 'EPERM', 'migrate_pages');
      expect(await nodesOf(target.main, a, 2)).to.deep.equal([0, 0]);
    }));

  it('unequal and overlapping sets: [0-3] to [1,2] moves node 0 to 1 and node 3 to 2 and leaves 1 and 2; [0,1] to [1,2] moves each page once; the range policy stays', () =>
    withMachine(SMALL, async (m) => {
      const p = await m.spawnProcess({ cpu: 0 });
      const a = await mapAnon(p.main, 8);
      await p.main.mbind(a, 8 * PAGE_SIZE, MPOL_INTERLEAVE, 0b1111n, 65);
      await p.main.touch(a, 8 * PAGE_SIZE, 'write');
      const start = await nodesOf(p.main, a, 8);
      expect(new Set(start).size).to.equal(4);
      expect(await p.main.migratePages(0, 65, 0b1111n, 0b0110n)).to.equal(0);
      const remap = [1, 1, 2, 2];
      expect(await nodesOf(p.main, a, 8)).to.deep.equal(start.map((n) => remap[n]));
      const before = (await vmstat(m)).pgmigrate_success;
      expect(await p.main.migratePages(0, 65, 0b0011n, 0b0110n)).to.equal(0);
      const onOne = start.map((n) => remap[n]).filter((n) => n === 1).length;
      expect(await nodesOf(p.main, a, 8)).to.deep.equal(start.map((n) => (remap[n] === 1 ? 2 : remap[n])));
      expect((await vmstat(m)).pgmigrate_success - before, 'pages from node 1 moved once, to 2').to.equal(onOne);
      expect(await p.main.getMempolicy(65, a, MPOL_F_ADDR)).to.deep.equal({ mode: MPOL_INTERLEAVE, nodemask: 0b1111n });
    }));

  it('a node set with a node without memory: EPERM without CAP_SYS_NICE, trimmed with it', () =>
    withMachine({ nodes: [{ memory: '4M' }, { memory: '4M' }, { memory: 0 }] }, async (m) => {
      const p = await m.spawnProcess({ cpu: 0 });
      const a = await touched(p.main, 2);
      expect(await p.main.migratePages(0, 65, 0b1n, 0b110n)).to.equal(0);
      expect(await nodesOf(p.main, a, 2)).to.deep.equal([1, 1]);
      const user = await m.spawnProcess({ cpu: 0, uid: 1000 });
      await expectErrno(user.main.migratePages(0, 65, 0b1n, 0b110n), 'EPERM', 'migrate_pages');
    }));
});

describe('move_pages', function () {
  this.timeout(60_000);

  it('LTP move_pages01, 02, 09: query mode gives each page\'s node; move mode moves and reports; pages already there stay and count as moved', () =>
    withMachine(TWO, async (m) => {
      const p = await m.spawnProcess({ cpu: 0 });
      const a = await touched(p.main, 4);
      const status = new Int32Array(4);
      expect(await p.main.movePages(0, 4, addrs(a, 4), null, status, 0)).to.equal(0);
      expect([...status]).to.deep.equal([0, 0, 0, 0]);
      expect(await p.main.movePages(0, 4, addrs(a, 4), [1, 1, 1, 1], status, MPOL_MF_MOVE)).to.equal(0);
      expect([...status]).to.deep.equal([1, 1, 1, 1]);
      expect(await nodesOf(p.main, a, 4)).to.deep.equal([1, 1, 1, 1]);
      const before = (await vmstat(m)).pgmigrate_success;
      expect(await p.main.movePages(0, 4, addrs(a, 4), [1, 1, 1, 1], status, MPOL_MF_MOVE)).to.equal(0);
      expect([...status]).to.deep.equal([1, 1, 1, 1]);
      expect((await vmstat(m)).pgmigrate_success).to.equal(before);
      // A plain array is filled too, and bigint addresses are read as C reads pointers.
      const plain = [9, 9];
      expect(await p.main.movePages(0, 2, [BigInt(a), BigInt(a + PAGE_SIZE)], [0, 1], plain, MPOL_MF_MOVE)).to.equal(0);
      expect(plain).to.deep.equal([0, 1]);
    }));

  it('LTP move_pages03, 05: a page shared with another process is -EACCES without MOVE_ALL and moves with it', () =>
    withMachine(TWO, async (m) => {
      const p = await m.spawnProcess({ cpu: 0 });
      const shared = await touched(p.main, 1, true);
      const child = await p.fork({ cpu: 0 });
      await child.main.touch(shared, PAGE_SIZE, 'read');
      const mine = await touched(p.main, 1);
      const status = new Int32Array(2);
      expect(await p.main.movePages(0, 2, [shared, mine], [1, 1], status, MPOL_MF_MOVE)).to.equal(0);
      expect([...status]).to.deep.equal([EACCES, 1]);
      expect(await p.main.movePages(0, 2, [shared, mine], [1, 1], status, MPOL_MF_MOVE_ALL)).to.equal(0);
      expect([...status]).to.deep.equal([1, 1]);
      expect(await nodesOf(child.main, shared, 1)).to.deep.equal([1]);
    }));

  it('LTP move_pages04 and the rest of the status values: a never-touched page is -ENOENT (6.12), the zero page and an unmapped address -EFAULT, a swapped-out page -ENOENT', () =>
    withMachine({ ...TWO, pageCluster: 0 }, async (m) => {
      const p = await m.spawnProcess({ cpu: 0 });
      const a = await mapAnon(p.main, 4);
      await p.main.touch(a, PAGE_SIZE, 'write');
      await p.main.touch(a + PAGE_SIZE, PAGE_SIZE, 'read'); // the zero page
      const gone = a + 64 * 1024 * 1024 * 1024;
      const list = [a, a + PAGE_SIZE, a + 2 * PAGE_SIZE, gone];
      const status = new Int32Array(4);
      await p.main.movePages(0, 4, list, null, status, 0);
      expect([...status]).to.deep.equal([0, EFAULT, ENOENT, EFAULT]);
      expect(await p.main.movePages(0, 4, list, [1, 1, 1, 1], status, MPOL_MF_MOVE)).to.equal(0);
      expect([...status]).to.deep.equal([1, EFAULT, ENOENT, EFAULT]);
      await p.main.setAffinity(2);
      expect(await p.main.run(fixture('reclaim'), 'reclaimOwnNode', 1)).to.equal(1); // node 1: the moved page
      await p.main.movePages(0, 1, [a], null, status, 0);
      expect(status[0], 'swapped out').to.equal(ENOENT);
    }));

  it('LTP move_pages06: a target node that does not exist is ENODEV, after the pages queued before it have moved and have their status', () =>
    withMachine(TWO, async (m) => {
      const p = await m.spawnProcess({ cpu: 0 });
      const a = await touched(p.main, 4);
      const status = new Int32Array([7, 7, 7, 7]);
      await expectErrno(p.main.movePages(0, 4, addrs(a, 4), [1, 1, 5, 1], status, MPOL_MF_MOVE), 'ENODEV', 'move_pages');
      expect([...status]).to.deep.equal([1, 1, 7, 7]);
      expect(await nodesOf(p.main, a, 4)).to.deep.equal([1, 1, 0, 0]);
      await expectErrno(p.main.movePages(0, 1, [a], [-1], status, MPOL_MF_MOVE), 'ENODEV', 'move_pages');
      await expectErrno(p.main.movePages(0, 1, [a], [1024], status, MPOL_MF_MOVE), 'ENODEV', 'move_pages');
    }));

  it('LTP move_pages07, 10, 11: pid without a process ESRCH, flags other than MOVE and MOVE_ALL EINVAL, MOVE_ALL without CAP_SYS_NICE EPERM', () =>
    withMachine(TWO, async (m) => {
      const p = await m.spawnProcess({ cpu: 0 });
      const a = await touched(p.main, 1);
      const st = new Int32Array(1);
      await expectErrno(p.main.movePages(4194305, 1, [a], [1], st, MPOL_MF_MOVE), 'ESRCH', 'move_pages');
      await expectErrno(p.main.movePages(0, 1, [a], [1], st, MPOL_MF_STRICT), 'EINVAL', 'move_pages');
      await expectErrno(p.main.movePages(0, 1, [a], [1], st, 0x10), 'EINVAL', 'move_pages');
      const user = await m.spawnProcess({ cpu: 0, uid: 1000 });
      const b = await touched(user.main, 1);
      await expectErrno(user.main.movePages(0, 1, [b], [1], st, MPOL_MF_MOVE_ALL), 'EPERM', 'move_pages');
      await expectErrno(user.main.movePages(p.pid, 1, [a], null, st, 0), 'EPERM', 'move_pages');
      expect(await p.main.movePages(user.pid, 1, [b], [1], st, MPOL_MF_MOVE)).to.equal(0);
      expect(await nodesOf(user.main, b, 1)).to.deep.equal([1]);
    }));

  it('short arrays and a NULL status are EFAULT; bad argument types are TypeErrors before the kernel runs', () =>
    withMachine(TWO, async (m) => {
      const p = await m.spawnProcess({ cpu: 0 });
      const a = await touched(p.main, 2);
      await expectErrno(p.main.movePages(0, 2, [a], null, new Int32Array(2), 0), 'EFAULT', 'move_pages');
      await expectErrno(p.main.movePages(0, 2, addrs(a, 2), null, null, 0), 'EFAULT', 'move_pages');
      await expectErrno(p.main.movePages(0, 2, addrs(a, 2), null, new Int32Array(1), 0), 'EFAULT', 'move_pages');
      const st = new Int32Array(2);
      await expectErrno(p.main.movePages(0, 2, addrs(a, 2), [1], st, MPOL_MF_MOVE), 'EFAULT', 'move_pages');
      expect(st[0], 'the first page moved before the short nodes array ran out').to.equal(1);
      expect(await p.main.movePages(0, 0, null, null, null, 0)).to.equal(0);
      await expectErrno(p.main.movePages(0, 1, ['x'] as unknown as number[], null, st, 0), 'ERR_INVALID_ARG_TYPE');
      await expectErrno(p.main.movePages(0, 1, [a], [1.5], st, MPOL_MF_MOVE), 'ERR_INVALID_ARG_TYPE');
      await expectErrno(p.main.movePages(0, 1, [a], null, {} as unknown as Int32Array, 0), 'ERR_INVALID_ARG_TYPE');
    }));

  it('a page held by a copy in progress: the batch reports it -EBUSY and the call returns the pages not moved, counting those never tried', () =>
    withMachine(TWO, async (m) => {
      const p = await m.spawnProcess({ cpu: 0 });
      const a = await touched(p.main, 4);
      // Pages 0-1 go to node 1 (page 1 is pinned), pages 2-3 would follow in a later batch.
      const r = await p.main.run<{ ret: number; status: number[] }>(fixture('migrate-probe'), 'moveWhilePinned', a, 2, 1, a + PAGE_SIZE);
      expect(r).to.deep.equal({ ret: 1, status: [1, EBUSY] });
      const st = new Int32Array(4);
      await p.main.movePages(0, 4, addrs(a, 4), null, st, 0);
      expect([...st]).to.deep.equal([1, 0, 0, 0]);
      expect((await vmstat(m)).pgmigrate_fail).to.equal(1);
    }));
});

/** The move_pages query of `pages` pages at `a`, through the main-thread API. */
export async function whereAre(t: Task, a: number, pages: number): Promise<number[]> {
  const st = new Int32Array(pages);
  await t.movePages(0, pages, addrs(a, pages), null, st, 0);
  return [...st];
}
