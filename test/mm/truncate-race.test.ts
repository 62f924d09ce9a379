import { expect } from 'chai';
import { MAP_SHARED, O_CREAT, O_RDWR, PAGE_SIZE, PROT_READ, type Task } from '../../src/index.js';
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
      // kswapd is alive: under more pressure it reclaims again (direct reclaim may beat it to a
      // round, so a few rounds are allowed).
      let rounds = 0;
      while ((await vmstat(m)).pgscan_kswapd === before.pgscan_kswapd && rounds < 20) await hog.main.run<number>(f, 'hogLoop', 160, 400, 5 + rounds++);
      expect((await vmstat(m)).pgscan_kswapd, `after ${rounds} rounds of pressure`).to.be.above(before.pgscan_kswapd);
    }));

  it('ftruncate takes no mmap_sem: it shrinks a file mapped by a process whose mmap_sem is held for write, and that process then gets SIGBUS past the end', () =>
    withMachine({ nodes: [{ memory: '4M' }] }, async (m) => {
      const holder = await m.spawnProcess({ cpu: 0 });
      const fd = await holder.main.open('/held', O_CREAT | O_RDWR);
      await holder.main.ftruncate(fd, 4 * PAGE_SIZE);
      const a = await holder.main.mmap(0, 4 * PAGE_SIZE, PROT_READ, MAP_SHARED, fd, 0);
      await holder.main.touch(a, 4 * PAGE_SIZE, 'read');
      const flag = new Int32Array(new SharedArrayBuffer(8));
      const held = holder.main.run<string | null>(fixture('truncate-race'), 'holdMmapSem', flag, a + 3 * PAGE_SIZE);
      while (Atomics.load(flag, 0) === 0) await Atomics.waitAsync(flag, 0, 0).value;
      const other = await m.spawnProcess({ cpu: 1 });
      const ofd = await other.main.open('/held', O_RDWR);
      await other.main.ftruncate(ofd, PAGE_SIZE); // would wait for the holder if it took its mmap_sem
      Atomics.store(flag, 1, 1);
      Atomics.notify(flag, 1);
      expect(await held).to.equal('SIGBUS');
      expect(await holder.main.load(a, 1)).to.have.length(1);
      await other.main.close(ofd);
      await holder.main.close(fd);
    }));
});
