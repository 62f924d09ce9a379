// The historical mempolicy refcount and locking bugs (race-catalog.md), each on its buggy kernel
// variant beside its fixed one: the catalogue's directed schedule fails on the buggy variant with
// the expected report and passes on the fixed one; a short campaign of the default strategy finds
// it; the fixed variant passes a short exhaustive search; today's kernel has none of them.
import { expect } from 'chai';
import { BUGS } from '../../src/race/bugs.js';
import { replaySchedule, runCampaign, runDirected } from '../../src/race/campaign.js';
import { withBugSession } from '../../src/race/jobs.js';

describe('the mempolicy refcount bugs of 2004-2022', function () {
  this.timeout(180_000);

  for (const b of BUGS) {
    it(`${b.id} ${b.name}: the directed schedule gives ${b.kind} on the buggy variant, a campaign finds it and its first hit replays`, async () => {
      await withBugSession(b.id, `bug:${b.id}`, (s) => {
        const d = runDirected(s, b.directed);
        expect(d.reports[0]?.kind, `${b.directed}: ${d.reports[0]?.message}`).to.equal(b.kind);
        const r = runCampaign(s, { strategy: b.strategy ?? 'pct', depth: b.depth, schedules: 400, seed: 1, stopAtFirst: true, shrink: false });
        expect(r.firstHit, 'found within 400 schedules').to.not.equal(null);
        expect(r.firstHit!.report.kind).to.equal(b.kind);
        const rep = replaySchedule(s, r.firstHit!.schedule);
        expect(rep.verified, 'bit-exact replay').to.equal(true);
        expect(rep.result.reports[0].kind).to.equal(b.kind);
      });
    });

    it(`${b.id} ${b.name}: the fixed variant passes the directed schedule and an exhaustive search at preemption bound 1`, async () => {
      await withBugSession(b.id, `fixed:${b.id}`, (s) => {
        expect(runDirected(s, b.directed).reports).to.deep.equal([]);
        const r = runCampaign(s, { strategy: 'dfs', bound: 1, schedules: 2_000, seed: 1, allSites: true });
        expect(r.dfs!.exhausted, 'the search completed').to.equal(true);
        expect(r.signatures).to.deep.equal({});
      });
    });
  }

  it("today's kernel (6.12) has none of them: every scenario passes a random campaign", async () => {
    for (const b of BUGS) {
      await withBugSession(b.id, '6.12', (s) => {
        const r = runCampaign(s, { strategy: 'random', schedules: 60, seed: 3, allSites: true });
        expect(r.signatures, b.id).to.deep.equal({});
      });
    }
  });
});
