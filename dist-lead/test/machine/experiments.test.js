import { expect } from 'chai';
import { runExperiments } from '../../src/index.js';
import { fixture } from '../helpers.js';
describe('runExperiments (piscina pool of machines)', function () {
    this.timeout(120_000);
    it('runs one independent, audited machine per seed and returns results in seed order', async () => {
        const results = await runExperiments({ module: fixture('scenario'), exportName: 'interleaveFromSeededCpu', seeds: [3, 4, 5], args: [4], machine: { nodes: [{ memory: '2M' }, { memory: '2M' }, { memory: '2M' }, { memory: '2M' }] } });
        expect(results.map((r) => r.seed)).to.deep.equal([3, 4, 5]);
        for (const r of results) {
            expect(r.error).to.equal(undefined);
            expect(r.audit?.problems).to.deep.equal([]);
            const v = r.value;
            expect(v.cpu).to.equal(r.seed % 8);
            expect([...v.nodes].sort()).to.deep.equal([0, 1, 2, 3]);
        }
    });
    it('reports a failing scenario as an error result, keeping its class and message', async () => {
        const [r] = await runExperiments({ module: fixture('scenario'), exportName: 'fails', seeds: [1] });
        expect(r.error?.name).to.equal('RangeError');
        expect(r.error?.message).to.equal('scenario failed on purpose');
    });
});
//# sourceMappingURL=experiments.test.js.map