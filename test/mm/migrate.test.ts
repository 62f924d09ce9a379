import { expect } from 'chai';
import {
  IPC_PRIVATE,
  IPC_RMID,
  MAP_ANONYMOUS,
  MAP_FIXED,
  MAP_PRIVATE,
  MAP_SHARED,
  type Machine,
  MPOL_BIND,
  MPOL_F_ADDR,
  MPOL_INTERLEAVE,
  MPOL_MF_MOVE,
  MPOL_MF_MOVE_ALL,
  MPOL_MF_STRICT,
  O_CREAT,
  O_RDWR,
  PAGE_SIZE,
  PROT_READ,
  PROT_WRITE,
  type Process,
  type Task,
} from '../../src/index.js';
import { SMALL, expectErrno, fixture, mapAnon, nodesOf, parseNumaMaps, vmstat, withMachine } from '../helpers.js';

/** Two 4 MiB nodes. */
const TWO = { nodes: [{ memory: '4M' }, { memory: '4M' }] };


/** Page i of a test region holds these 64 bytes. */
function pattern(seed: number, i: number): Uint8Array {
  return Uint8Array.from({ length: 64 }, (_, j) => (seed * 31 + i * 7 + j) & 0xff);
}

async function fill(t: Task, addr: number, pages: number, seed: number): Promise<void> {
  for (let i = 0; i < pages; i++) await t.store(addr + i * PAGE_SIZE, pattern(seed, i));
}

async function check(t: Task, addr: number, pages: number, seed: number): Promise<void> {
  for (let i = 0; i < pages; i++) expect(await t.load(addr + i * PAGE_SIZE, 64), `page ${i}`).to.deep.equal(pattern(seed, i));
}

/** The numa_maps fields of the VMA of process `p` that starts at `addr`. */
async function mapsAt(m: Machine, p: Process, addr: number): Promise<Record<string, string>> {
  const line = parseNumaMaps(await m.readFile(`/proc/${p.pid}/numa_maps`)).find((l) => l.start === addr);
  expect(line, `a numa_maps line at 0x${addr.toString(16)}`).to.not.equal(undefined);
  return line!.fields;
}

/** A node's meminfo figure in kB. */
async function nodeKb(m: Machine, nid: number, row: string): Promise<number> {
  const line = (await m.readFile(`/sys/devices/system/node/node${nid}/meminfo`)).split('\n').find((l) => l.includes(` ${row}:`))!;
  return Number(/(\d+) kB/.exec(line)![1]);
}

describe('migration of every kind of page (mbind MPOL_MF_MOVE)', function () {
  this.timeout(60_000);

  it('private anonymous pages move with their bytes; numa_maps, node meminfo and pgmigrate_success follow them', () =>
    withMachine(TWO, async (m) => {
      const p = await m.spawnProcess({ cpu: 0 });
      const a = await mapAnon(p.main, 6);
      await fill(p.main, a, 6, 1);
      const anon0 = await nodeKb(m, 0, 'AnonPages');
      const before = await vmstat(m);
      await p.main.mbind(a, 6 * PAGE_SIZE, MPOL_BIND, 0b10n, 65, MPOL_MF_MOVE | MPOL_MF_STRICT);
      expect(await nodesOf(p.main, a, 6)).to.deep.equal([1, 1, 1, 1, 1, 1]);
      await check(p.main, a, 6, 1);
      const f = await mapsAt(m, p, a);
      expect(f).to.include({ anon: '6', dirty: '6', N1: '6' });
      expect(f.N0).to.equal(undefined);
      expect(await nodeKb(m, 0, 'AnonPages')).to.equal(anon0 - 24);
      expect(await nodeKb(m, 1, 'AnonPages')).to.equal(24);
      expect((await vmstat(m)).pgmigrate_success - before.pgmigrate_success).to.equal(6);
    }));

  it('pages shared copy-on-write after fork: MOVE leaves them (no failure, even with STRICT), MOVE_ALL moves them for both processes, still shared', () =>
    withMachine(TWO, async (m) => {
      const p = await m.spawnProcess({ cpu: 0 });
      const a = await mapAnon(p.main, 4);
      await fill(p.main, a, 4, 2);
      const child = await p.fork({ cpu: 0 });
      await p.main.mbind(a, 4 * PAGE_SIZE, MPOL_BIND, 0b10n, 65, MPOL_MF_MOVE | MPOL_MF_STRICT);
      expect(await nodesOf(p.main, a, 4)).to.deep.equal([0, 0, 0, 0]);
      await p.main.mbind(a, 4 * PAGE_SIZE, MPOL_BIND, 0b10n, 65, MPOL_MF_MOVE_ALL);
      expect(await nodesOf(p.main, a, 4)).to.deep.equal([1, 1, 1, 1]);
      expect(await nodesOf(child.main, a, 4)).to.deep.equal([1, 1, 1, 1]);
      expect((await mapsAt(m, child, a)).mapmax, 'one page, two mappings').to.equal('2');
      await check(child.main, a, 4, 2);
      // Copy-on-write still works on the migrated pages: the child's write is its own.
      await child.main.store(a, new Uint8Array([0xee]));
      expect((await p.main.load(a, 1))[0]).to.equal(pattern(2, 0)[0]);
    }));

  it('shmem mapped by two processes: MOVE from one leaves the pages, MOVE_ALL moves them; both see the bytes, and the shared policy steers new pages', () =>
    withMachine(TWO, async (m) => {
      const p = await m.spawnProcess({ cpu: 0 });
      const a = await mapAnon(p.main, 4, true);
      const child = await p.fork({ cpu: 1 });
      await fill(p.main, a, 2, 3);
      await check(child.main, a, 2, 3); // child maps the two pages too
      await p.main.mbind(a, 4 * PAGE_SIZE, MPOL_BIND, 0b10n, 65, MPOL_MF_MOVE);
      expect((await nodesOf(p.main, a, 2))).to.deep.equal([0, 0]);
      await p.main.mbind(a, 4 * PAGE_SIZE, MPOL_BIND, 0b10n, 65, MPOL_MF_MOVE_ALL);
      expect(await nodesOf(p.main, a, 4)).to.deep.equal([1, 1, 1, 1]);
      await check(child.main, a, 2, 3);
      await child.main.store(a + PAGE_SIZE, pattern(4, 1));
      expect(await p.main.load(a + PAGE_SIZE, 64)).to.deep.equal(pattern(4, 1));
    }));

  it('a SysV segment and a tmpfs file move, and keep their bytes', () =>
    withMachine(SMALL, async (m) => {
      const p = await m.spawnProcess({ cpu: 0 });
      const id = await p.main.shmget(IPC_PRIVATE, 4 * PAGE_SIZE, 0o600);
      const s = await p.main.shmat(id, null, 0);
      await fill(p.main, s, 4, 5);
      await p.main.mbind(s, 4 * PAGE_SIZE, MPOL_INTERLEAVE, 0b1100n, 65, MPOL_MF_MOVE | MPOL_MF_STRICT);
      const nodes = await nodesOf(p.main, s, 4);
      expect(nodes[0]).to.be.oneOf([2, 3]);
      expect(nodes).to.deep.equal([nodes[0], 5 - nodes[0], nodes[0], 5 - nodes[0]]); // interleaved by page index (plus the inode number)
      await check(p.main, s, 4, 5);
      const fd = await p.main.open('/dev/shm/mig', O_CREAT | O_RDWR);
      await p.main.ftruncate(fd, 4 * PAGE_SIZE);
      const t = await p.main.mmap(0, 4 * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
      await fill(p.main, t, 4, 6);
      await p.main.mbind(t, 4 * PAGE_SIZE, MPOL_BIND, 0b10n, 65, MPOL_MF_MOVE | MPOL_MF_STRICT);
      expect(await nodesOf(p.main, t, 4)).to.deep.equal([1, 1, 1, 1]);
      expect(await p.main.pread(fd, 64, 2 * PAGE_SIZE)).to.deep.equal(pattern(6, 2));
      await p.main.munmap(t, 4 * PAGE_SIZE);
      await p.main.close(fd);
      await p.main.unlink('/dev/shm/mig');
      await p.main.shmdt(s);
      await p.main.shmctl(id, IPC_RMID);
    }));

  it('page-cache pages of a file move with their dirty state: fsync writes the moved page, read() sees it', () =>
    withMachine(TWO, async (m) => {
      const p = await m.spawnProcess({ cpu: 0 });
      const fd = await p.main.open('/data', O_CREAT | O_RDWR);
      await p.main.ftruncate(fd, 3 * PAGE_SIZE);
      const a = await p.main.mmap(0, 3 * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
      await fill(p.main, a, 3, 7);
      expect((await mapsAt(m, p, a)).dirty).to.equal('3');
      const file0 = await nodeKb(m, 0, 'FilePages');
      await p.main.mbind(a, 3 * PAGE_SIZE, MPOL_BIND, 0b10n, 65, MPOL_MF_MOVE | MPOL_MF_STRICT);
      expect(await nodesOf(p.main, a, 3)).to.deep.equal([1, 1, 1]);
      expect(await nodeKb(m, 1, 'FilePages')).to.equal(12);
      expect(await nodeKb(m, 0, 'FilePages')).to.equal(file0 - 12);
      const f = await mapsAt(m, p, a);
      expect(f).to.include({ dirty: '3', N1: '3' });
      await p.main.fsync(fd);
      await p.main.munmap(a, 3 * PAGE_SIZE);
      for (let i = 0; i < 3; i++) expect(await p.main.pread(fd, 64, i * PAGE_SIZE)).to.deep.equal(pattern(7, i));
      await p.main.close(fd);
    }));

  it('a page in the swap cache moves with its swap slot: numa_maps counts it as swapcache on the new node, and it swaps out and in intact', () =>
    withMachine(TWO, async (m) => {
      const p = await m.spawnProcess({ cpu: 0 });
      const a = await mapAnon(p.main, 2);
      await fill(p.main, a, 2, 8);
      expect(await p.main.run(fixture('migrate-probe'), 'leaveInSwapCache', a, 2)).to.equal(0);
      await p.main.touch(a, 2 * PAGE_SIZE, 'read'); // maps the swap-cache pages again
      expect((await mapsAt(m, p, a)).swapcache).to.equal('2');
      await p.main.mbind(a, 2 * PAGE_SIZE, MPOL_BIND, 0b10n, 65, MPOL_MF_MOVE | MPOL_MF_STRICT);
      const f = await mapsAt(m, p, a);
      expect(f).to.include({ swapcache: '2', N1: '2' });
      await check(p.main, a, 2, 8);
      expect(await m.readFile('/sys/devices/system/node/node1/meminfo')).to.match(/Node 1 SwapCached:\s+8 kB/);
      expect(await m.readFile('/sys/devices/system/node/node0/meminfo')).to.match(/Node 0 SwapCached:\s+0 kB/);
      await p.main.setAffinity(2); // node 1's CPU: reclaim there writes the moved pages to their slots
      expect(await p.main.run(fixture('reclaim'), 'reclaimOwnNode', 2)).to.equal(2);
      expect((await mapsAt(m, p, a)).anon, 'both swapped out').to.equal(undefined);
      await check(p.main, a, 2, 8);
      expect(await nodesOf(p.main, a, 2)).to.deep.equal([1, 1]);
    }));

  it('the destination follows the policy of the VMA and address: interleave by page, as a fault would place it', () =>
    withMachine(SMALL, async (m) => {
      const p = await m.spawnProcess({ cpu: 0 });
      const a = await mapAnon(p.main, 8);
      await p.main.touch(a, 8 * PAGE_SIZE, 'write');
      await p.main.mbind(a, 8 * PAGE_SIZE, MPOL_INTERLEAVE, 0b1110n, 65, MPOL_MF_MOVE);
      const moved = await nodesOf(p.main, a, 8);
      const fresh = await mapAnon(p.main, 8);
      // The same offsets in a fresh mapping under the same policy: interleave by virtual page number.
      await p.main.mbind(fresh, 8 * PAGE_SIZE, MPOL_INTERLEAVE, 0b1110n, 65);
      await p.main.touch(fresh, 8 * PAGE_SIZE, 'write');
      const placed = await nodesOf(p.main, fresh, 8);
      const ring = [1, 2, 3];
      expect(moved).to.deep.equal(Array.from({ length: 8 }, (_, i) => ring[(a / PAGE_SIZE + i) % 3]));
      expect(placed).to.deep.equal(Array.from({ length: 8 }, (_, i) => ring[(fresh / PAGE_SIZE + i) % 3]));
    }));
});

describe('mbind MOVE rules', function () {
  this.timeout(60_000);

  it('a page held by a copy in progress is retried, then reported: STRICT gives EIO, the policy is installed anyway, pgmigrate_fail counts it', () =>
    withMachine(TWO, async (m) => {
      const p = await m.spawnProcess({ cpu: 0 });
      const a = await mapAnon(p.main, 3);
      await fill(p.main, a, 3, 10);
      const before = await vmstat(m);
      const code = await p.main.run(fixture('migrate-probe'), 'mbindWhilePinned', a, 3 * PAGE_SIZE, MPOL_BIND, 0b10n, MPOL_MF_MOVE | MPOL_MF_STRICT, a + PAGE_SIZE);
      expect(code).to.equal('EIO');
      expect(await nodesOf(p.main, a, 3)).to.deep.equal([1, 0, 1]);
      expect(await p.main.getMempolicy(65, a + PAGE_SIZE, MPOL_F_ADDR)).to.deep.equal({ mode: MPOL_BIND, nodemask: 0b10n });
      const v = await vmstat(m);
      expect(v.pgmigrate_fail - before.pgmigrate_fail).to.equal(1);
      expect(v.pgmigrate_success - before.pgmigrate_success).to.equal(2);
      await check(p.main, a, 3, 10);
      // Without STRICT the same failure is silent.
      expect(await p.main.run(fixture('migrate-probe'), 'mbindWhilePinned', a, 3 * PAGE_SIZE, MPOL_BIND, 0b1n, MPOL_MF_MOVE, a)).to.equal(null);
    }));

  it('a hole found after pages were queued: EFAULT, and the queued pages keep their references and bytes (the put-back of pages never isolated, found by the fuzzer)', () =>
    withMachine(TWO, async (m) => {
      const t = (await m.spawnProcess({ cpu: 0 })).main;
      const a = await mapAnon(t, 4);
      await fill(t, a, 4, 9);
      // [a, a+2p) read-write, [a+2p, a+3p) read-only (its own VMA), then a hole at a+3p.
      await t.mmap(a + 2 * PAGE_SIZE, PAGE_SIZE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED);
      await t.munmap(a + 3 * PAGE_SIZE, PAGE_SIZE);
      await expectErrno(t.mbind(a, 4 * PAGE_SIZE, MPOL_BIND, 0b10n, 65, MPOL_MF_MOVE | MPOL_MF_STRICT), 'EFAULT', 'mbind');
      expect(m.audit().problems).to.deep.equal([]);
      await check(t, a, 2, 9);
      expect(await nodesOf(t, a, 2)).to.deep.equal([0, 0]);
    }));

  it('MOVE_ALL needs CAP_SYS_NICE: EPERM, and nothing changes', () =>
    withMachine(TWO, async (m) => {
      const p = await m.spawnProcess({ cpu: 0, uid: 1000 });
      const a = await mapAnon(p.main, 2);
      await p.main.touch(a, 2 * PAGE_SIZE, 'write');
      await expectErrno(p.main.mbind(a, 2 * PAGE_SIZE, MPOL_BIND, 0b10n, 65, MPOL_MF_MOVE_ALL), 'EPERM', 'mbind');
      expect(await nodesOf(p.main, a, 2)).to.deep.equal([0, 0]);
      expect(await p.main.getMempolicy(65, a, MPOL_F_ADDR)).to.deep.equal({ mode: 0, nodemask: 0n });
      await p.main.mbind(a, 2 * PAGE_SIZE, MPOL_BIND, 0b10n, 65, MPOL_MF_MOVE);
      expect(await nodesOf(p.main, a, 2)).to.deep.equal([1, 1]);
    }));

  it('swapped-out pages are not resident: MOVE leaves them and counts no failure; they come back by the new policy', () =>
    withMachine({ ...TWO, pageCluster: 0 }, async (m) => {
      const p = await m.spawnProcess({ cpu: 0 });
      const a = await mapAnon(p.main, 4);
      await fill(p.main, a, 4, 11);
      expect(await p.main.run(fixture('reclaim'), 'reclaimOwnNode', 4)).to.equal(4);
      const before = await vmstat(m);
      await p.main.mbind(a, 4 * PAGE_SIZE, MPOL_BIND, 0b10n, 65, MPOL_MF_MOVE | MPOL_MF_STRICT);
      expect((await vmstat(m)).pgmigrate_fail).to.equal(before.pgmigrate_fail);
      await check(p.main, a, 4, 11);
      expect(await nodesOf(p.main, a, 4)).to.deep.equal([1, 1, 1, 1]);
    }));
});
