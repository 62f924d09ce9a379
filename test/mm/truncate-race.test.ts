import { expect } from 'chai';
import { O_CREAT, O_RDWR, PAGE_SIZE, type Task } from '../../src/index.js';
import { fixture, vmstat, withMachine } from '../helpers.js';


describe('truncation racing with faults and reclaim', function () {
  this.timeout(120_000);

  it('ftruncate shrinking files while tasks read them through MAP_SHARED and kswapd reclaims on a 512 KiB node: every read sees data or zeros, refcounts stay exact, kswapd keeps working', () =>
    withMachine({ nodes: [{ memory: '512K' }], limits: { swapSlots: 1024 }, seed: 3 }, async (m) => {
      const FILES = 3;
      const PAGES = 32;
      const f = fixture('truncate-race');
      const owner = await m.spawnProcess({ cpu: 0 });
      const reader = await m.spawnProcess({ cpu: 1 });
      const hog = await m.spawnProcess({ cpu: 1 });
      const runs: Promise<unknown>[] = [hog.main.run<number>(f, 'hogLoop', 160, 5000, 4)];
      const reads: Promise<[number, number]>[] = [];
      for (let i = 0; i < FILES; i++) {
        const path = `/victim${i}`;
        const fd = await owner.main.open(path, O_CREAT | O_RDWR);
        await owner.main.ftruncate(fd, PAGES * PAGE_SIZE);
        await owner.main.close(fd);
        const truncator: Task = i === 0 ? owner.main : await owner.spawnThread({ cpu: i % 2 });
        const readerTask: Task = i === 0 ? reader.main : await reader.spawnThread({ cpu: (i + 1) % 2 });
        runs.push(truncator.run<number>(f, 'truncateLoop', path, PAGES, 200, 10 + i));
        reads.push(readerTask.run<[number, number]>(f, 'readLoop', path, PAGES, 2500, 20 + i));
      }
      const [, done] = await Promise.all([Promise.all(runs), Promise.all(reads)]);
      expect(done.reduce((s, r) => s + r[0], 0), 'reads that saw data').to.be.above(0);
      expect(done.reduce((s, r) => s + r[1], 0), 'reads that hit a truncated end').to.be.above(0);
      const before = await vmstat(m);
      expect(before.pgscan_kswapd, 'kswapd reclaimed during the run').to.be.above(0);
      expect(m.audit().problems).to.deep.equal([]);
      // kswapd is alive: more pressure, and it reclaims again.
      await hog.main.run<number>(f, 'hogLoop', 160, 400, 5);
      expect((await vmstat(m)).pgscan_kswapd).to.be.above(before.pgscan_kswapd);
    }));
});
