import { expect } from 'chai';
import { PAGE_SIZE } from '../../src/index.js';
import { mapAnon, parseNumaMaps, withMachine } from '../helpers.js';
import { expectLastWritesVisible, runStress } from '../stress-run.js';
describe('concurrency stress', function () {
    this.timeout(120_000);
    it('tasks on every node fault, store, load and change policies on shared regions at once: no page lost, no byte lost, refcounts exact', () => withMachine({ nodes: [{ memory: '8M' }, { memory: '8M' }, { memory: '8M' }, { memory: '8M' }], seed: 7 }, async (m) => {
        const PAGES = 48;
        const parent = await m.spawnProcess({ cpu: 0 });
        const priv = await mapAnon(parent.main, PAGES);
        const shared = await mapAnon(parent.main, PAGES, true);
        const child = await parent.fork({ cpu: 5 });
        const tasks = [
            [parent.main, [[priv, PAGES, true], [shared, PAGES, true]]],
            [await parent.spawnThread({ cpu: 2 }), [[priv, PAGES, true], [shared, PAGES, false]]],
            [await parent.spawnThread({ cpu: 6 }), [[priv, PAGES, true], [shared, PAGES, false]]],
            [child.main, [[shared, PAGES, true]]],
            [await child.spawnThread({ cpu: 3 }), [[shared, PAGES, false]]],
        ];
        const results = await runStress(tasks, { iters: 3000, nodes: 4, seedBase: 1000 });
        // The private region as the parent's threads see it, the shared one as both processes see it.
        await expectLastWritesVisible(results, (id, base) => (base === shared ? [parent.main, child.main] : id < 3 ? [parent.main] : [child.main]));
        // Every written page exists exactly once per mapping (numa_maps counts), and the kernel's
        // refcounts match the references (audit in withMachine).
        const written = (base) => new Set(results.flatMap((r) => Object.keys(r.last)).filter((k) => Number(k.split(':')[0]) === base)).size;
        const count = (lines, lo) => lines.filter((l) => l.start >= lo && l.start < lo + PAGES * PAGE_SIZE).reduce((s, l) => s + Object.entries(l.fields).filter(([k]) => /^N\d+$/.test(k)).reduce((x, [, v]) => x + Number(v), 0), 0);
        const pmaps = parseNumaMaps(await m.readFile(`/proc/${parent.pid}/numa_maps`));
        expect(count(pmaps, priv)).to.be.at.least(written(priv));
        expect(m.audit().problems).to.deep.equal([]);
    }));
});
//# sourceMappingURL=stress.test.js.map