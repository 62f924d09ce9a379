import { expect } from 'chai';
import { once } from 'node:events';
import { Machine } from '../../src/index.js';
import { fixture } from '../helpers.js';

describe('faults inside the machine fail fast', () => {
  it('a kswapd that dies of an assertion in reclaim is reported at once; audit() and close() neither wait for it nor throw', async function () {
    this.timeout(30_000); // far below the 60 s a wait for a dead kswapd used to take
    const m = await Machine.create({ nodes: [{ memory: '512K' }, { memory: '1M' }] });
    try {
      const warned = once(process, 'warning');
      const p = await m.spawnProcess({ cpu: 0 });
      await p.main.run(fixture('kswapd-fault'), 'breakKswapd');
      const [warning] = (await warned) as [Error & { code?: string }];
      expect(warning.code).to.equal('NUMA_EMU_FAULT');
      expect(warning.message).to.match(/^numa-emu: kswapd of node 0 died: .*pfn \d+ is on the LRU list of node 0 without PG_LRU/);
      expect(m.faults.map((f) => [f.kind, f.node])).to.deep.equal([['kswapd-died', 0]]);
      const report = m.audit();
      expect(report.problems[0]).to.match(/^kswapd of node 0 died: /);
      // The machine goes on: other nodes allocate, and the process exits.
      expect((await p.main.getcpu()).node).to.equal(0);
      await p.exit();
    } finally {
      const closed = await m.close();
      expect(closed.faults.map((f) => f.kind)).to.deep.equal(['kswapd-died']);
    }
    expect(() => m.audit()).to.not.throw();
  });
});
