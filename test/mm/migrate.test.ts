import { expect } from 'chai';
import { MPOL_BIND, MPOL_MF_MOVE, MPOL_MF_MOVE_ALL, PAGE_SIZE } from '../../src/index.js';
import { mapAnon, nodesOf, withMachine, SMALL } from '../helpers.js';

describe('page migration (smoke)', function () {
  this.timeout(60_000);
  it('move_pages moves and reports', () =>
    withMachine(SMALL, async (m) => {
      const p = await m.spawnProcess({ cpu: 0 });
      const a = await mapAnon(p.main, 4);
      await p.main.store(a, new Uint8Array([1, 2, 3]));
      await p.main.touch(a, 4 * PAGE_SIZE, 'write');
      const st = new Int32Array(4);
      const pages = [0, 1, 2, 3].map((i) => a + i * PAGE_SIZE);
      expect(await p.main.movePages(0, 4, pages, null, st, 0)).to.equal(0);
      expect([...st]).to.deep.equal([0, 0, 0, 0]);
      expect(await p.main.movePages(0, 4, pages, [1, 1, 2, 2], st, MPOL_MF_MOVE)).to.equal(0);
      expect([...st]).to.deep.equal([1, 1, 2, 2]);
      expect(await nodesOf(p.main, a, 4)).to.deep.equal([1, 1, 2, 2]);
      expect([...(await p.main.load(a, 3))]).to.deep.equal([1, 2, 3]);
      expect(await p.main.migratePages(0, 65, 0b110n, 0b1000n)).to.equal(0);
      expect(await nodesOf(p.main, a, 4)).to.deep.equal([3, 3, 3, 3]);
      const child = await p.fork({ cpu: 2 });
      await p.main.mbind(a, 4 * PAGE_SIZE, MPOL_BIND, 0b1n, 65, MPOL_MF_MOVE);
      expect(await nodesOf(p.main, a, 4)).to.deep.equal([3, 3, 3, 3]);
      await p.main.mbind(a, 4 * PAGE_SIZE, MPOL_BIND, 0b1n, 65, MPOL_MF_MOVE_ALL);
      expect(await nodesOf(p.main, a, 4)).to.deep.equal([0, 0, 0, 0]);
      expect(await nodesOf(child.main, a, 4)).to.deep.equal([0, 0, 0, 0]);
      expect([...(await child.main.load(a, 3))]).to.deep.equal([1, 2, 3]);
      console.log(await m.readFile('/proc/vmstat'));
    }));
});
