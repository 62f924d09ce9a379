// Migration as seed 001 first did it (swap migration, profile '2.6.14-rc4-mm1') and seed 004's
// migrate-on-fault with MPOL_MF_LAZY (profile '2.6.16-rc5+migrate-on-fault', never merged in that
// form), against the direct migration of today's kernel.
import { expect } from 'chai';
import {
  IPC_PRIVATE,
  IPC_RMID,
  MAP_SHARED,
  type Machine,
  MPOL_BIND,
  MPOL_F_ADDR,
  MPOL_F_NODE,
  MPOL_INTERLEAVE,
  MPOL_MF_LAZY,
  MPOL_MF_MOVE,
  MPOL_MF_MOVE_ALL,
  MPOL_MF_STRICT,
  O_CREAT,
  O_RDONLY,
  O_RDWR,
  PAGE_SIZE,
  PROT_READ,
  PROT_WRITE,
  type Process,
} from '../../src/index.js';
import { expectErrno, mapAnon, nodesOf, parseNumaMaps, vmstat, withMachine } from '../helpers.js';

const SWAP = '2.6.14-rc4-mm1';
const LAZY = '2.6.16-rc5+migrate-on-fault';
const TWO = { nodes: [{ memory: '4M' }, { memory: '4M' }] };
const FOUR = { nodes: [{ memory: '4M' }, { memory: '4M' }, { memory: '4M' }, { memory: '4M' }] };

function pattern(i: number): Uint8Array {
  return Uint8Array.from({ length: 32 }, (_, j) => (i * 13 + j + 1) & 0xff);
}

/** Pages of the VMA at `addr` that numa_maps counts as resident (mapped). */
async function resident(m: Machine, p: Process, addr: number): Promise<number> {
  const f = parseNumaMaps(await m.readFile(`/proc/${p.pid}/numa_maps`)).find((l) => l.start === addr)!.fields;
  return Object.entries(f).filter(([k]) => /^N\d+$/.test(k)).reduce((s, [, v]) => s + Number(v), 0);
}

describe(`swap migration (profile '${SWAP}', seed 001)`, function () {
  this.timeout(60_000);

  it('mbind MOVE swaps misplaced pages out; the next touch brings each back where the policy says, bytes intact', () =>
    withMachine({ ...TWO, kernel: SWAP }, async (m) => {
      const p = await m.spawnProcess({ cpu: 0 });
      const a = await mapAnon(p.main, 4);
      for (let i = 0; i < 4; i++) await p.main.store(a + i * PAGE_SIZE, pattern(i));
      const before = await vmstat(m);
      await p.main.mbind(a, 4 * PAGE_SIZE, MPOL_BIND, 0b10n, 2048, MPOL_MF_MOVE | MPOL_MF_STRICT);
      const after = await vmstat(m);
      expect(after.pswpout - before.pswpout).to.equal(4);
      expect(after.pgmigrate_success, 'no page was migrated directly').to.equal(before.pgmigrate_success);
      expect(await resident(m, p, a)).to.equal(0);
      for (let i = 0; i < 4; i++) expect(await p.main.load(a + i * PAGE_SIZE, 32)).to.deep.equal(pattern(i));
      expect(await nodesOf(p.main, a, 4)).to.deep.equal([1, 1, 1, 1]);
    }));

  it('seed 001\'s rules: anonymous pages shared after fork leave with MOVE alone; MOVE_ALL needs CAP_SYS_RESOURCE; SysV segments are not migratable; migrate_pages and move_pages do not exist', () =>
    withMachine({ ...TWO, kernel: SWAP }, async (m) => {
      const p = await m.spawnProcess({ cpu: 0 });
      const a = await mapAnon(p.main, 2);
      await p.main.touch(a, 2 * PAGE_SIZE, 'write');
      const child = await p.fork({ cpu: 0 });
      await p.main.mbind(a, 2 * PAGE_SIZE, MPOL_BIND, 0b10n, 2048, MPOL_MF_MOVE);
      expect(await resident(m, child, a), 'the child\'s mappings were swapped out too').to.equal(0);
      // Each process brings its pages back by its own policy: the parent's VMA has the new one.
      expect(await nodesOf(p.main, a, 2)).to.deep.equal([1, 1]);
      expect(await nodesOf(child.main, a, 2)).to.deep.equal([0, 0]);
      const nice = await m.spawnProcess({ cpu: 0, caps: ['CAP_SYS_NICE'] });
      const b = await mapAnon(nice.main, 1);
      await nice.main.touch(b, PAGE_SIZE, 'write');
      await expectErrno(nice.main.mbind(b, PAGE_SIZE, MPOL_BIND, 0b10n, 2048, MPOL_MF_MOVE_ALL), 'EPERM', 'mbind');
      const id = await p.main.shmget(IPC_PRIVATE, PAGE_SIZE, 0o600);
      const s = await p.main.shmat(id, null, 0);
      await p.main.touch(s, PAGE_SIZE, 'write');
      await p.main.mbind(s, PAGE_SIZE, MPOL_BIND, 0b10n, 2048, MPOL_MF_MOVE);
      expect(await nodesOf(p.main, s, 1)).to.deep.equal([0]);
      await expectErrno(p.main.mbind(s, PAGE_SIZE, MPOL_BIND, 0b10n, 2048, MPOL_MF_MOVE | MPOL_MF_STRICT), 'EIO', 'mbind');
      await p.main.shmdt(s);
      await p.main.shmctl(id, IPC_RMID);
      await expectErrno(p.main.migratePages(0, 2048, 0b1n, 0b10n), 'ENOSYS', 'migrate_pages');
      await expectErrno(p.main.movePages(0, 1, [a], null, new Int32Array(1), 0), 'ENOSYS', 'move_pages');
    }));

  it('seed 001\'s rules for files: a page of a file only read-mapped by two processes stays with MOVE and leaves with MOVE_ALL; a writably shared one leaves with MOVE', () =>
    withMachine({ ...TWO, kernel: SWAP }, async (m) => {
      const p = await m.spawnProcess({ cpu: 0 });
      const fd = await p.main.open('/lib', O_CREAT | O_RDWR);
      await p.main.pwrite(fd, pattern(1), 0);
      const ro = await p.main.open('/lib', O_RDONLY);
      const a = await p.main.mmap(0, PAGE_SIZE, PROT_READ, MAP_SHARED, ro, 0);
      await p.main.touch(a, PAGE_SIZE, 'read');
      const other = await m.spawnProcess({ cpu: 0 });
      const ofd = await other.main.open('/lib', O_RDONLY);
      const oa = await other.main.mmap(0, PAGE_SIZE, PROT_READ, MAP_SHARED, ofd, 0);
      await other.main.touch(oa, PAGE_SIZE, 'read');
      await p.main.mbind(a, PAGE_SIZE, MPOL_BIND, 0b10n, 2048, MPOL_MF_MOVE);
      expect(await resident(m, p, a)).to.equal(1);
      await p.main.mbind(a, PAGE_SIZE, MPOL_BIND, 0b10n, 2048, MPOL_MF_MOVE_ALL);
      expect(await resident(m, p, a), 'dropped from the page cache').to.equal(0);
      expect(await p.main.load(a, 32)).to.deep.equal(pattern(1));
      const w = await p.main.mmap(0, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
      await p.main.touch(w, PAGE_SIZE, 'read');
      await p.main.mbind(w, PAGE_SIZE, MPOL_BIND, 0b10n, 2048, MPOL_MF_MOVE);
      expect(await resident(m, p, w), 'writably mapped: it moves').to.equal(0);
      for (const fdx of [fd, ro]) await p.main.close(fdx);
      await other.main.close(ofd);
    }));

  it('pages end where direct migration would put them (interleave by offset in both kernels)', async () => {
    const place = async (kernel: string) => {
      let nodes: number[] = [];
      await withMachine({ ...FOUR, kernel }, async (m) => {
        const p = await m.spawnProcess({ cpu: 0 });
        const a = await mapAnon(p.main, 8);
        await p.main.touch(a, 8 * PAGE_SIZE, 'write');
        await p.main.mbind(a, 8 * PAGE_SIZE, MPOL_INTERLEAVE, 0b1110n, 2048, MPOL_MF_MOVE);
        nodes = await nodesOf(p.main, a, 8);
      });
      return nodes;
    };
    const swapped = await place(SWAP);
    expect(swapped).to.deep.equal([1, 2, 3, 1, 2, 3, 1, 2]);
    expect(await place(LAZY), 'direct migration in 2.6.16').to.deep.equal(swapped);
  });
});

describe(`migrate-on-fault and MPOL_MF_LAZY (profile '${LAZY}', seed 004, never merged in that form)`, function () {
  this.timeout(60_000);

  it('mbind(MOVE | LAZY) unmaps misplaced pages without moving them; the next touch, or get_mempolicy(MPOL_F_NODE | MPOL_F_ADDR), migrates each where the policy says', () =>
    withMachine({ ...FOUR, kernel: LAZY }, async (m) => {
      const p = await m.spawnProcess({ cpu: 0 });
      const a = await mapAnon(p.main, 4);
      for (let i = 0; i < 4; i++) await p.main.store(a + i * PAGE_SIZE, pattern(i));
      const before = await vmstat(m);
      await p.main.mbind(a, 4 * PAGE_SIZE, MPOL_INTERLEAVE, 0b0110n, 2048, MPOL_MF_MOVE | MPOL_MF_LAZY);
      let v = await vmstat(m);
      expect(v.numa_pte_updates - before.numa_pte_updates).to.equal(4);
      expect(v.pswpout, 'nothing was written to swap').to.equal(before.pswpout);
      expect(v.nr_swapcached, 'the anonymous pages wait in the swap cache').to.equal(4);
      expect(await resident(m, p, a)).to.equal(0);
      expect(await m.readFile('/sys/devices/system/node/node0/meminfo')).to.match(/Node 0 AnonPages:\s+16 kB/);
      expect(await p.main.load(a, 32)).to.deep.equal(pattern(0));
      expect((await p.main.getMempolicy(null, a + PAGE_SIZE, MPOL_F_NODE | MPOL_F_ADDR)).mode).to.equal(2);
      v = await vmstat(m);
      expect(v.numa_pages_migrated - before.numa_pages_migrated).to.equal(2);
      expect(v.pswpin, 'nothing was read from swap').to.equal(before.pswpin);
      for (let i = 0; i < 4; i++) expect(await p.main.load(a + i * PAGE_SIZE, 32)).to.deep.equal(pattern(i));
      // Interleave by offset in the mapping (2.6.16): pages 0-3 go to nodes 1, 2, 1, 2.
      expect(await nodesOf(p.main, a, 4)).to.deep.equal([1, 2, 1, 2]);
      expect((await vmstat(m)).numa_hint_faults).to.equal(4);
    }));

  it('a page-cache page nobody maps migrates to the node a fault\'s policy wants (first touch); today\'s kernel leaves it', async () => {
    for (const kernel of [LAZY, '6.12']) {
      await withMachine({ ...TWO, kernel }, async (m) => {
        const writer = await m.spawnProcess({ cpu: 0 });
        const fd = await writer.main.open('/cache', O_CREAT | O_RDWR);
        await writer.main.pwrite(fd, pattern(5), 0); // cached on node 0
        const reader = await m.spawnProcess({ cpu: 2 }); // node 1, default (local) policy
        const rfd = await reader.main.open('/cache', O_RDONLY);
        const a = await reader.main.mmap(0, PAGE_SIZE, PROT_READ, MAP_SHARED, rfd, 0);
        expect(await reader.main.load(a, 32)).to.deep.equal(pattern(5));
        expect(await nodesOf(reader.main, a, 1), kernel).to.deep.equal([kernel === LAZY ? 1 : 0]);
        expect((await vmstat(m)).numa_pages_migrated).to.equal(kernel === LAZY ? 1 : 0);
        await reader.main.close(rfd);
        await writer.main.close(fd);
      });
    }
  });

  it('shmem under a shared policy: lazily unmapped pages migrate on the next fault by that policy', () =>
    withMachine({ ...TWO, kernel: LAZY }, async (m) => {
      const p = await m.spawnProcess({ cpu: 0 });
      const a = await mapAnon(p.main, 2, true);
      await p.main.store(a, pattern(7));
      await p.main.store(a + PAGE_SIZE, pattern(8));
      await p.main.mbind(a, 2 * PAGE_SIZE, MPOL_BIND, 0b10n, 2048, MPOL_MF_MOVE | MPOL_MF_LAZY);
      expect(await resident(m, p, a)).to.equal(0);
      expect(await p.main.load(a + PAGE_SIZE, 32)).to.deep.equal(pattern(8));
      expect(await nodesOf(p.main, a, 2)).to.deep.equal([1, 1]);
      expect(await p.main.load(a, 32)).to.deep.equal(pattern(7));
      expect((await vmstat(m)).numa_pages_migrated).to.equal(2);
    }));

  it('MPOL_MF_LAZY is EINVAL without MOVE, and in today\'s kernel; a page another process maps is left mapped without MOVE_ALL', async () => {
    await withMachine({ ...TWO, kernel: '6.12' }, async (m) => {
      const p = await m.spawnProcess({ cpu: 0 });
      const a = await mapAnon(p.main, 1);
      await expectErrno(p.main.mbind(a, PAGE_SIZE, MPOL_BIND, 0b10n, 65, MPOL_MF_MOVE | MPOL_MF_LAZY), 'EINVAL', 'mbind');
    });
    await withMachine({ ...TWO, kernel: LAZY }, async (m) => {
      const p = await m.spawnProcess({ cpu: 0 });
      const a = await mapAnon(p.main, 1);
      await p.main.touch(a, PAGE_SIZE, 'write');
      await expectErrno(p.main.mbind(a, PAGE_SIZE, MPOL_BIND, 0b10n, 2048, MPOL_MF_LAZY), 'EINVAL', 'mbind');
      const child = await p.fork({ cpu: 0 });
      await p.main.mbind(a, PAGE_SIZE, MPOL_BIND, 0b10n, 2048, MPOL_MF_MOVE | MPOL_MF_LAZY);
      expect(await resident(m, child, a)).to.equal(1);
      expect(await p.main.getMempolicy(2048, a, MPOL_F_ADDR)).to.deep.equal({ mode: MPOL_BIND, nodemask: 0b10n });
    });
  });
});
