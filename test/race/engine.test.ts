// The race engine on small programs written against the emulated kernel (the historical bugs
// have their own tests): search strategies, deadlock reports, exhaustive counts, determinism,
// record and replay, shrinking, detectors, sharding.
import { expect } from 'chai';
import { withSession } from '../helpers.js';
import { type CampaignSpec, replaySchedule, runCampaign, scheduleOf, scheduleOfRecord, shrinkSchedule } from '../../src/race/campaign.js';
import { race as lostUpdate } from '../fixtures/race-lost-update.js';
import { race as yields } from '../fixtures/race-yields.js';
import { race as abba } from '../fixtures/race-abba.js';
import { race as mbindFlip } from '../fixtures/race-mbind.js';
import { type Misuse, misuseScenario } from '../fixtures/race-misuse.js';
import { formatSchedule, parseSchedule } from '../../src/sched/schedule.js';
import { StepKind } from '../../src/sched/control.js';


/**
 * Schedules of two straight-line tasks of `k` points each with at most `bound` preemptions,
 * counted by brute force over decision sequences, independently of the engine. A task's steps
 * are its k points and its end; at a point the running task goes on or (a preemption) the other,
 * if it has not finished, runs; at its end it hands over for free.
 */
function bruteForceSchedules(k: number, bound: number): number {
  const go = (next: [number, number], cur: number, pre: number): number => {
    const other = 1 - cur;
    const after: [number, number] = [...next] as [number, number];
    after[cur]++;
    if (next[cur] === k) return after[other] > k ? 1 : go(after, other, pre); // cur's end step
    let n = go(after, cur, pre);
    if (after[other] <= k && pre < bound) n += go(after, other, pre + 1);
    return n;
  };
  return go([0, 0], 0, 0) + go([0, 0], 1, 0);
}

describe('race engine', function () {
  this.timeout(120_000);

  it('finds a lost update between two points with random walk, PCT and exhaustive search, and replays it bit-exactly', async () => {
    await withSession(lostUpdate, (s) => {
      for (const strategy of ['random', 'pct', 'dfs'] as const) {
        const r = runCampaign(s, { strategy, schedules: 200, seed: 5, shrink: false });
        expect(r.hits, strategy).to.be.greaterThan(0);
        expect(r.firstHit!.report.kind).to.equal('check');
        expect(r.firstHit!.report.message).to.match(/lost update/);
        const rep = replaySchedule(s, r.firstHit!.schedule);
        expect(rep.verified, `${strategy} replay`).to.equal(true);
        expect(rep.stateHash).to.equal(parseSchedule(r.firstHit!.schedule).stateHash);
        expect(rep.result.reports[0].kind).to.equal('check');
      }
      const dfs = runCampaign(s, { strategy: 'dfs', bound: 1, schedules: 10_000, seed: 1, shrink: false });
      expect(dfs.dfs!.exhausted).to.equal(true);
      expect(dfs.hits, 'one preemption suffices').to.be.greaterThan(0);
    });
  });

  it('reports an ABBA deadlock with its wait-for cycle, who holds each lock and who waits where', async () => {
    await withSession(abba, (s) => {
      const r = runCampaign(s, { strategy: 'dfs', bound: 1, schedules: 100, seed: 1, stopAtFirst: true });
      expect(r.firstHit, 'deadlock found').to.not.equal(null);
      const rep = r.firstHit!.report;
      expect(rep.kind).to.equal('deadlock');
      expect(rep.message).to.match(/wait-for cycle T(\d) -> T(\d) -> T\1/);
      expect(rep.message).to.match(/T1 waits at spin_lock:ptl, held by T2/);
      expect(rep.message).to.match(/T2 waits at spin_lock:ptl, held by T1/);
      expect(r.shrunk!.preemptions).to.equal(1);
      expect(replaySchedule(s, r.shrunk!.schedule).result.reports[0].kind).to.equal('deadlock');
    });
  });

  it('enumerates exactly 2, 8 and 26 schedules of two tasks of three points at preemption bounds 0, 1 and 2', async () => {
    const expected = [0, 1, 2].map((b) => bruteForceSchedules(3, b));
    expect(expected).to.deep.equal([2, 8, 26]);
    await withSession(yields, (s) => {
      for (const bound of [0, 1, 2]) {
        const r = runCampaign(s, { strategy: 'dfs', bound, schedules: 100_000, seed: 1 });
        expect(r.dfs, `bound ${bound}`).to.deep.equal({ explored: expected[bound], exhausted: true });
        expect(r.hits).to.equal(0);
      }
    });
  });

  it('gives the same schedules for the same seed, five times over', async () => {
    await withSession(lostUpdate, (s) => {
      for (const strategy of ['random', 'pct'] as const) {
        const spec: CampaignSpec = { strategy, schedules: 30, seed: 42, shrink: false };
        const runs = Array.from({ length: 5 }, () => {
          const out: string[] = [];
          for (let i = 0; i < 3; i++) out.push(runCampaign(s, { ...spec, range: [i * 7, i * 7 + 1] }).firstHit?.schedule ?? '');
          return JSON.stringify([runCampaign(s, spec).signatures, out]);
        });
        expect(new Set(runs).size, strategy).to.equal(1);
      }
    });
  });

  it('replays a recorded free run in controlled mode with the same observations', async () => {
    await withSession(mbindFlip, (s) => {
      let distinct = new Set<string>();
      for (let i = 0; i < 12; i++) {
        const free = s.execute({ mode: 'recorded', strategy: { kind: 'random' }, seed: i, stopOnReport: false });
        expect(free.reports).to.deep.equal([]);
        const seen = JSON.stringify(free.results);
        distinct.add(seen);
        const schedule = scheduleOfRecord(s, free, s.executor.record());
        const rep = replaySchedule(s, schedule);
        expect(rep.verified, `run ${i} replayed as recorded`).to.equal(true);
        expect(JSON.stringify(rep.result.results), `run ${i}`).to.equal(seen);
      }
      distinct = new Set([...distinct]);
      expect(distinct.size, 'the free runs differ').to.be.greaterThan(0);
    });
  });

  it('shrinks a failing schedule padded with needless switches back to one preemption', async () => {
    await withSession(lostUpdate, (s) => {
      const minimal = 'T1@up_read:mmap_sem#2';
      const direct = s.execute({ mode: 'controlled', strategy: { kind: 'directed', segments: [{ task: 0, site: 'up_read:mmap_sem', occ: 2 }, { task: 1, site: 'end', occ: 1 }, { task: 0, site: 'end', occ: 1 }] }, seed: 0 });
      expect(direct.reports[0]?.kind, minimal).to.equal('check');
      // Pad it: switch back and forth at T1's and T2's first points before the real preemption.
      const pad = [
        { step: 0, task: -1, site: 'start', occ: 0, kind: StepKind.Start, next: 0 },
        { step: 1, task: 0, site: 'down_read:mmap_sem', occ: 1, kind: StepKind.Point, next: 1 },
        { step: 2, task: 1, site: 'down_read:mmap_sem', occ: 1, kind: StepKind.Point, next: 0 },
        ...direct.decisions.filter((d) => d.kind === StepKind.Point),
      ];
      const padded = s.execute({ mode: 'controlled', strategy: { kind: 'replay', decisions: pad }, seed: 0 });
      expect(padded.reports[0]?.kind, 'padded still fails').to.equal('check');
      expect(padded.preemptions).to.be.greaterThan(1);
      const shrunk = shrinkSchedule(s, scheduleOf(s, padded, 'padded'));
      expect(shrunk.preemptions).to.equal(1);
      expect(shrunk.steps).to.be.at.most(padded.steps);
      expect(shrunk.constraints).to.have.length(1);
      expect(shrunk.constraints[0]).to.match(/^T\d paused at `[^`]+`( \(pass \d+\))? until T\d (ended|passed)/);
      expect(replaySchedule(s, shrunk.schedule).result.reports[0].kind).to.equal('check');
    });
  });

  const cases: [Misuse['what'], string][] = [
    ['use-after-free', 'use-after-free'],
    ['leak', 'leak'],
    ['over-unref', 'over-unref'],
    ['uninitialised', 'uninitialised'],
    ['lock-context', 'lock-context'],
    ['lock-order', 'lock-order'],
    ['lock-rule', 'lock-rule'],
    ['ledger', 'leak'],
  ];
  for (const [what, kind] of cases) {
    it(`detector: ${kind} fires on a scripted misuse (${what}) and stays silent on the correct code`, async () => {
      for (const doMisuse of [true, false]) {
        await withSession(misuseScenario(what, doMisuse), (s) => {
          const r = s.execute({ mode: 'controlled', strategy: { kind: 'random' }, seed: 1 });
          if (doMisuse) {
            expect(r.reports.length, `${what} misuse reported`).to.be.greaterThan(0);
            expect(r.reports[0].kind).to.equal(kind);
            expect(r.reports[0].task === 'T1' || r.reports[0].task === 'kernel').to.equal(true);
          } else {
            expect(r.reports, `${what} correct code`).to.deep.equal([]);
          }
        });
      }
    });
  }

  it('names the first step where a replay left the recorded path, stops there when strict, and refuses a tampered end state', async () => {
    await withSession(lostUpdate, (s) => {
      const r = runCampaign(s, { strategy: 'random', schedules: 50, seed: 9, shrink: false });
      const sch = parseSchedule(r.firstHit!.schedule);
      const digest = sch.digest.slice(0, 5) + (sch.digest[5] === 'A' ? 'B' : 'A') + sch.digest.slice(6);
      const bent = replaySchedule(s, formatSchedule({ ...sch, digest }));
      expect(bent.verified).to.equal(false);
      expect(bent.divergedAt).to.equal(5);
      const wrongState = replaySchedule(s, formatSchedule({ ...sch, stateHash: '00000000' }));
      expect(wrongState.divergedAt).to.equal(null);
      expect(wrongState.verified).to.equal(false);
      // A switch recorded for a pass the task never makes: a lenient replay carries on, a strict one stops there.
      const last = sch.decisions.length - 1;
      const lost = formatSchedule({ ...sch, decisions: sch.decisions.map((d, i) => (i === 1 ? { ...d, occ: d.occ + 50 } : d)) });
      expect(replaySchedule(s, lost).result.completed).to.equal(true);
      const strict = replaySchedule(s, lost, true);
      expect(strict.result.abort).to.equal('Diverged');
      expect(strict.divergedAt).to.be.a('number');
      expect(last).to.be.greaterThan(1);
    });
  });
});
