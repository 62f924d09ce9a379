import { expect } from 'chai';
import { MAP_SHARED, MPOL_F_NODE, MPOL_INTERLEAVE, MPOL_WEIGHTED_INTERLEAVE, O_CREAT, O_RDWR, PAGE_SIZE, PROT_READ } from '../../src/index.js';
import { SMALL, expectErrno, mapAnon, nodesOf, withMachine } from '../helpers.js';

const IW = '/sys/kernel/mm/mempolicy/weighted_interleave';

/** The node weighted_interleave_nid gives index `ilx` over nodes 0..3 with `weights`. */
function byIndex(weights: number[], ilx: number): number {
  let target = ilx % weights.reduce((s, w) => s + w, 0);
  let nid = 0;
  while (target >= weights[nid]) target -= weights[nid++];
  return nid;
}

describe('weighted interleave', () => {
  it('the sysfs weights read 1 by default; writes of 1..255 (decimal, 0x, 0 octal) set them, 0 or an empty write restores the default', () =>
    withMachine(SMALL, async (m) => {
      for (const n of [0, 1, 2, 3]) expect(await m.readFile(`${IW}/node${n}`)).to.equal('1\n');
      await m.writeFile(`${IW}/node0`, '3');
      await m.writeFile(`${IW}/node1`, '0x10\n');
      await m.writeFile(`${IW}/node2`, '010');
      await m.writeFile(`${IW}/node3`, '255');
      expect(await Promise.all([0, 1, 2, 3].map((n) => m.readFile(`${IW}/node${n}`)))).to.deep.equal(['3\n', '16\n', '8\n', '255\n']);
      await m.writeFile(`${IW}/node1`, '0');
      await m.writeFile(`${IW}/node2`, '');
      expect(await Promise.all([1, 2].map((n) => m.readFile(`${IW}/node${n}`)))).to.deep.equal(['1\n', '1\n']);
    }));

  it('bad weights are EINVAL, files of nodes the machine lacks ENOENT, other kernel files EACCES; a task needs root to write', () =>
    withMachine(SMALL, async (m) => {
      for (const bad of ['256', '-1', 'three', '1.5', '3 4']) await expectErrno(m.writeFile(`${IW}/node0`, bad), 'EINVAL', 'write');
      await expectErrno(m.readFile(`${IW}/node4`), 'ENOENT', 'open');
      await expectErrno(m.writeFile(`${IW}/node4`, '2'), 'ENOENT', 'write');
      await expectErrno(m.writeFile('/proc/vmstat', '2'), 'EACCES', 'write');
      expect(await m.readFile(`${IW}/node0`)).to.equal('1\n');
      const user = await m.spawnProcess({ cpu: 0, uid: 1000 });
      await expectErrno(user.main.writeFile(`${IW}/node0`, '2'), 'EACCES', 'write');
      expect(await user.main.readFile(`${IW}/node0`)).to.equal('1\n');
      const root = await m.spawnProcess({ cpu: 0 });
      await root.main.writeFile(`${IW}/node0`, '2');
      expect(await m.readFile(`${IW}/node0`)).to.equal('2\n');
    }));

  it('kernels without weighted interleave (2.6.7) have no weight files', () =>
    withMachine({ ...SMALL, kernel: '2.6.7' }, async (m) => {
      await expectErrno(m.readFile(`${IW}/node0`), 'ENOENT', 'open');
      await expectErrno(m.writeFile(`${IW}/node0`, '2'), 'ENOENT', 'write');
    }));

  it('mbind(MPOL_WEIGHTED_INTERLEAVE): page n goes where the virtual page number falls in the rounds of the weights', () =>
    withMachine(SMALL, async (m) => {
      const weights = [3, 1, 2, 1];
      await Promise.all(weights.map((w, n) => m.writeFile(`${IW}/node${n}`, String(w))));
      const p = await m.spawnProcess({ cpu: 0 });
      const a = await mapAnon(p.main, 21);
      await p.main.mbind(a, 21 * PAGE_SIZE, MPOL_WEIGHTED_INTERLEAVE, 0b1111n, 65);
      await p.main.touch(a, 21 * PAGE_SIZE, 'write');
      const got = await nodesOf(p.main, a, 21);
      expect(got).to.deep.equal(Array.from({ length: 21 }, (_, i) => byIndex(weights, a / PAGE_SIZE + i)));
      expect([0, 1, 2, 3].map((n) => got.filter((x) => x === n).length)).to.deep.equal([9, 3, 6, 3]);
      // Plain interleave on the same machine ignores the weights.
      const b = await mapAnon(p.main, 8);
      await p.main.mbind(b, 8 * PAGE_SIZE, MPOL_INTERLEAVE, 0b1111n, 65);
      await p.main.touch(b, 8 * PAGE_SIZE, 'write');
      expect(await nodesOf(p.main, b, 8)).to.deep.equal(Array.from({ length: 8 }, (_, i) => (b / PAGE_SIZE + i) % 4));
    }));

  it("a weighted-interleave task policy places page cache by the task's counter: weight[n] pages on node n, then the next node; MPOL_F_NODE tells the next", () =>
    withMachine(SMALL, async (m) => {
      await m.writeFile(`${IW}/node0`, '3');
      await m.writeFile(`${IW}/node2`, '2');
      const p = await m.spawnProcess({ cpu: 6 });
      const t = p.main;
      await t.setMempolicy(MPOL_WEIGHTED_INTERLEAVE, 0b1111n, 65);
      expect((await t.getMempolicy(null, 0, MPOL_F_NODE)).mode).to.equal(0);
      const fd = await t.open('/weighted', O_CREAT | O_RDWR);
      await t.pwrite(fd, new Uint8Array(PAGE_SIZE), 0);
      expect((await t.getMempolicy(null, 0, MPOL_F_NODE)).mode, 'two more allocations on node 0').to.equal(0);
      await t.pwrite(fd, new Uint8Array(2 * PAGE_SIZE), PAGE_SIZE);
      expect((await t.getMempolicy(null, 0, MPOL_F_NODE)).mode, 'node 0 used up its weight').to.equal(1);
      await t.pwrite(fd, new Uint8Array(11 * PAGE_SIZE), 3 * PAGE_SIZE);
      const f = await t.mmap(0, 14 * PAGE_SIZE, PROT_READ, MAP_SHARED, fd, 0);
      await t.touch(f, 14 * PAGE_SIZE, 'read');
      expect(await nodesOf(t, f, 14)).to.deep.equal([0, 0, 0, 1, 2, 2, 3, 0, 0, 0, 1, 2, 2, 3]);
      await t.munmap(f, 14 * PAGE_SIZE);
      await t.close(fd);
    }));

  it('processes started from a weighted-interleave task inherit the policy and its position (fork)', () =>
    withMachine(SMALL, async (m) => {
      await m.writeFile(`${IW}/node1`, '4');
      const p = await m.spawnProcess({ cpu: 0 });
      await p.main.setMempolicy(MPOL_WEIGHTED_INTERLEAVE, 0b0110n, 65);
      const fd = await p.main.open('/w', O_CREAT | O_RDWR);
      await p.main.pwrite(fd, new Uint8Array(2 * PAGE_SIZE), 0); // two of node 1's four
      const child = await p.fork();
      expect(await child.main.getMempolicy(65)).to.deep.equal({ mode: MPOL_WEIGHTED_INTERLEAVE, nodemask: 0b0110n });
      expect((await child.main.getMempolicy(null, 0, MPOL_F_NODE)).mode).to.equal(1);
      const cfd = await child.main.open('/c', O_CREAT | O_RDWR);
      await child.main.pwrite(cfd, new Uint8Array(4 * PAGE_SIZE), 0);
      const f = await child.main.mmap(0, 4 * PAGE_SIZE, PROT_READ, MAP_SHARED, cfd, 0);
      await child.main.touch(f, 4 * PAGE_SIZE, 'read');
      expect(await nodesOf(child.main, f, 4)).to.deep.equal([1, 1, 2, 1]);
    }));
});
