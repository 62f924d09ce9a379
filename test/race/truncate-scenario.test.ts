// Truncation against faults and migration under the race engine (issue 11, item 3): the controlled
// scenario of test/fixtures/race-truncate.ts explored by random walk, PCT and bounded exhaustive
// search; and the kernel audit as a scenario check.
import { expect } from 'chai';
import { withSession } from '../helpers.js';
import { runCampaign } from '../../src/race/campaign.js';
import { race as truncate } from '../fixtures/race-truncate.js';
import { auditScenario } from '../fixtures/race-audit.js';


describe('truncation racing with faults and migration, under the race engine', function () {
  this.timeout(120_000);

  it('the executions reach every outcome: reads of old data, SIGBUS, zeros and new data, and pages moved by move_pages', async () => {
    await withSession(truncate, (s) => {
      const reads = new Set<string>();
      const moved = new Set<number>();
      for (let seed = 0; seed < 60; seed++) {
        const r = s.execute({ mode: 'controlled', strategy: { kind: 'random' }, seed });
        expect(r.reports, `seed ${seed}`).to.deep.equal([]);
        for (const ch of (r.results[0] as { value: string }).value) reads.add(ch);
        (r.results[2] as { value: number[] }).value.forEach((st, i) => st === 1 && moved.add(i));
      }
      expect([...reads].sort().join('')).to.equal('BNOZ|');
      expect(moved.size, 'pages move_pages moved').to.be.above(0);
    });
  });

  it('random walk and PCT (300 executions each) and every schedule with at most 2 preemptions find no stale read, no stale mapping, and a clean audit', async () => {
    await withSession(truncate, (s) => {
      for (const strategy of ['random', 'pct'] as const) {
        const r = runCampaign(s, { strategy, schedules: 300, seed: 11, shrink: false });
        expect(r.schedules, strategy).to.equal(300);
        expect(r.signatures, strategy).to.deep.equal({});
      }
      const dfs = runCampaign(s, { strategy: 'dfs', bound: 2, schedules: 5000, seed: 1, shrink: false });
      expect(dfs.dfs!.exhausted, 'bound 2 explored to the end').to.equal(true);
      expect(dfs.dfs!.explored).to.be.above(100);
      expect(dfs.signatures).to.deep.equal({});
    });
  });

  it('a check sees the kernel audit: a leaked page reference is reported, a clean run is not', async () => {
    for (const leak of [true, false]) {
      await withSession(auditScenario(leak), (s) => {
        const r = s.execute({ mode: 'controlled', strategy: { kind: 'random' }, seed: 1 });
        if (leak) {
          expect(r.reports.map((x) => x.kind)).to.deep.equal(['check']);
          expect(r.reports[0].message).to.match(/pfn \d+ \(node 0\): refcount 2 mapcount 1, references say 1\/1/);
        } else {
          expect(r.reports).to.deep.equal([]);
        }
      });
    }
  });
});
