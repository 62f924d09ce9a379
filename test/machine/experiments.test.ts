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
      const v = r.value as { cpu: number; nodes: number[] };
      expect(v.cpu).to.equal(r.seed % 8);
      expect([...v.nodes].sort()).to.deep.equal([0, 1, 2, 3]);
    }
  });

  it('reports a failing scenario as an error result, keeping its class and message', async () => {
    const [r] = await runExperiments({ module: fixture('scenario'), exportName: 'fails', seeds: [1] });
    expect(r.error?.name).to.equal('RangeError');
    expect(r.error?.message).to.equal('scenario failed on purpose');
  });

  it('a misspelled spec or machine option is refused by name before any pool worker starts', async () => {
    const refusal = (spec: unknown) => runExperiments(spec as Parameters<typeof runExperiments>[0]).then(() => null, (e: Error & { code?: string }) => e);
    const spec = await refusal({ module: fixture('scenario'), exportName: 'fails', seed: [1] });
    expect(spec?.message).to.contain('unknown option seed (did you mean seeds?)');
    const machine = await refusal({ module: fixture('scenario'), exportName: 'fails', seeds: [1], machine: { nodes: [{ memroy: '1M' }] } });
    expect(machine?.message).to.contain('unknown option nodes[0].memroy (did you mean memory?)');
    expect(machine?.code).to.equal('ERR_INVALID_ARG_VALUE');
  });
});
