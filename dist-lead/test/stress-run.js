// Running the stress fixture on several tasks at once and checking that no write was lost.
import { expect } from 'chai';
import { PAGE_SIZE } from '../src/index.js';
import { fixture } from './helpers.js';
/** Run the stress fixture on every task at once; task `i` gets id `i` and seed `seedBase + i`. */
export async function runStress(tasks, o) {
    const results = await Promise.all(tasks.map(([t, regions], id) => t.run(fixture('stress'), 'stress', { id, seed: o.seedBase + id, iters: o.iters, regions, nodes: o.nodes })));
    for (const r of results)
        expect(r.ops.store + r.ops.load + r.ops.mbind + r.ops.set + r.ops.get).to.equal(o.iters);
    return results;
}
/**
 * No byte lost: every task's slot of every page it wrote holds the last value it wrote, as seen by
 * each of `viewers(taskId, regionBase)`.
 */
export async function expectLastWritesVisible(results, viewers) {
    for (const [id, r] of results.entries()) {
        for (const [key, want] of Object.entries(r.last)) {
            const [base, page] = key.split(':').map(Number);
            for (const v of viewers(id, base)) {
                const got = new DataView((await v.load(base + page * PAGE_SIZE + id * 16, 4)).buffer).getUint32(0, true);
                expect(got, `task ${id} page ${page}`).to.equal(want);
            }
        }
    }
}
//# sourceMappingURL=stress-run.js.map