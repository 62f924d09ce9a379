import { expect } from 'chai';
import { PAGE_SIZE, type Task } from '../../src/index.js';
import { fixture, mapAnon, parseNumaMaps, withMachine } from '../helpers.js';
import { type StressArgs, type stress } from '../fixtures/stress.js';

type Result = ReturnType<typeof stress>;

describe('concurrency stress', function () {
  this.timeout(120_000);

  it('tasks on every node fault, store, load and change policies on shared regions at once: no page lost, no byte lost, refcounts exact', () =>
    withMachine({ nodes: [{ memory: '8M' }, { memory: '8M' }, { memory: '8M' }, { memory: '8M' }], seed: 7 }, async (m) => {
      const PAGES = 48;
      const parent = await m.spawnProcess({ cpu: 0 });
      const priv = await mapAnon(parent.main, PAGES);
      const shared = await mapAnon(parent.main, PAGES, true);
      const child = await parent.fork({ cpu: 5 });
      const tasks: [Task, StressArgs['regions']][] = [
        [parent.main, [[priv, PAGES, true], [shared, PAGES, true]]],
        [await parent.spawnThread({ cpu: 2 }), [[priv, PAGES, true], [shared, PAGES, false]]],
        [await parent.spawnThread({ cpu: 6 }), [[priv, PAGES, true], [shared, PAGES, false]]],
        [child.main, [[shared, PAGES, true]]],
        [await child.spawnThread({ cpu: 3 }), [[shared, PAGES, false]]],
      ];
      const results = await Promise.all(
        tasks.map(([t, regions], id) => t.run<Result>(fixture('stress'), 'stress', { id, seed: 1000 + id, iters: 3000, regions, nodes: 4 } satisfies StressArgs)),
      );
      for (const r of results) expect(r.ops.store + r.ops.load + r.ops.mbind + r.ops.set + r.ops.get).to.equal(3000);

      // No byte lost: every slot holds the last value its owner wrote (the private region as the
      // parent's threads see it, the shared one as both processes see it).
      const readBack = async (t: Task, base: number, id: number, page: number) => new DataView((await t.load(base + page * PAGE_SIZE + id * 16, 4)).buffer).getUint32(0, true);
      for (const [id, r] of results.entries()) {
        const viewers = id < 3 ? [parent.main] : [child.main];
        for (const [key, want] of Object.entries(r.last)) {
          const [base, page] = key.split(':').map(Number);
          const seen = [...viewers, ...(base === shared ? [parent.main, child.main] : [])];
          for (const v of seen) expect(await readBack(v, base, id, page), `task ${id} page ${page}`).to.equal(want);
        }
      }

      // Every written page exists exactly once per mapping (numa_maps counts), and the kernel's
      // refcounts match the references (audit in withMachine).
      const written = (base: number) => new Set(results.flatMap((r) => Object.keys(r.last)).filter((k) => Number(k.split(':')[0]) === base)).size;
      const count = (lines: ReturnType<typeof parseNumaMaps>, lo: number) =>
        lines.filter((l) => l.start >= lo && l.start < lo + PAGES * PAGE_SIZE).reduce((s, l) => s + Object.entries(l.fields).filter(([k]) => /^N\d+$/.test(k)).reduce((x, [, v]) => x + Number(v), 0), 0);
      const pmaps = parseNumaMaps(await m.readFile(`/proc/${parent.pid}/numa_maps`));
      expect(count(pmaps, priv)).to.be.at.least(written(priv));
      expect(m.audit().problems).to.deep.equal([]);
    }));
});
