// The race engine's command line: campaigns on a scenario module and on a catalogued bug, replay,
// shrink, shards merged, the HTML report, and bad input (exit 2 for a bad command line or schedule
// string, 1 for a scenario that fails or hangs).
import { expect } from 'chai';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixture } from '../helpers.js';
import { cli, cliFails } from './run-cli.js';

const LOST = fixture('race-lost-update');

interface Json {
  hits: number;
  schedules: number;
  signatures: Record<string, number>;
  firstHit: { index: number; schedule: string; report: { kind: string } } | null;
  shrunk: { schedule: string; preemptions: number; constraints: string[] } | null;
  bug?: string;
  variant?: string;
  strategy?: string;
}

describe('numa-emu race, replay, shrink, merge', function () {
  this.timeout(300_000);

  it('race --strategy dfs on a scenario module explores every schedule within the bound and prints their count', async () => {
    const { stdout } = await cli('race', fixture('race-truncate'), '--strategy', 'dfs', '--bound', '1');
    expect(stdout).to.match(/executions \d+ \(exhaustive: all schedules within the bound explored\), hits 0 /);
  });

  it('race --list prints the catalogue: id, versions, fix, kind, tasks, depth', async () => {
    const { stdout } = await cli('race', '--list');
    expect(stdout).to.match(/^id\s+name\s+versions\s+kind\s+tasks\s+d\/pre\s+era\s+fix/);
    expect(stdout).to.match(/B16\s+get-mempolicy-early-unlock-uaf\s+2\.6\.24 - 4\.12\.8\s+use-after-free\s+2\s+2\/1\s+3\.17\s+73223e4e2e38/);
    expect(stdout.trim().split('\n')).to.have.length(17);
  });

  it('race on a scenario module finds the lost update, shrinks it, and replay proves the schedule bit-exact', async () => {
    const { stdout } = await cli('race', LOST, '--strategy', 'random', '--schedules', '80', '--json');
    const r = JSON.parse(stdout) as Json;
    expect(r.hits).to.be.greaterThan(0);
    expect(r.firstHit!.report.kind).to.equal('check');
    expect(r.shrunk!.preemptions).to.equal(1);
    const text = await cli('race', LOST, '--strategy', 'random', '--schedules', '80');
    expect(text.stdout).to.match(/hits \d+ \(\d+\.\d%, 95% CI/);
    expect(text.stdout).to.match(/shrunk to 1 preemption/);
    expect(text.stdout).to.match(/decisions\/s, [\d,]+ executions\/s/);
    expect(text.stdout).to.match(/step\s+T1\s+T2/);
    const rep = await cli('replay', r.firstHit!.schedule);
    expect(rep.stdout).to.match(/^replayed bit-exactly/);
    expect(rep.stdout).to.match(/check at \(end of execution\)/);
    const sh = await cli('shrink', r.firstHit!.schedule, '--json');
    expect((JSON.parse(sh.stdout) as { preemptions: number }).preemptions).to.equal(1);
  });

  it('race --bug B16 gives the JSON the catalogue asks for, and replays of its first hit and shrunk schedule give the same report', async () => {
    const { stdout } = await cli('race', '--bug', 'B16', '--schedules', '300', '--stop-at-first', '--json');
    const r = JSON.parse(stdout) as Json;
    expect(r.bug).to.equal('B16');
    expect(r.variant).to.equal('buggy');
    expect(r.strategy).to.equal('pct');
    expect(r.firstHit!.report.kind).to.equal('use-after-free');
    expect(r.shrunk!.preemptions).to.be.at.most(1);
    for (const sch of [r.firstHit!.schedule, r.shrunk!.schedule]) {
      const rep = JSON.parse((await cli('replay', sch, '--json')).stdout) as { verified: boolean; reports: { kind: string }[] };
      expect(rep.verified).to.equal(true);
      expect(rep.reports[0].kind).to.equal('use-after-free');
    }
    const fixed = JSON.parse((await cli('race', '--bug', 'B16', '--variant', 'fixed', '--schedules', '150', '--json')).stdout) as Json;
    expect(fixed.hits).to.equal(0);
  });

  it('four shards merged give what the single run gives', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'numa-emu-shards-'));
    const args = ['race', LOST, '--strategy', 'random', '--schedules', '120', '--seed', '4', '--json', '--threads', '1'];
    const single = JSON.parse((await cli(...args)).stdout) as Json;
    const files: string[] = [];
    for (let i = 0; i < 4; i++) {
      const f = join(dir, `shard-${i}.json`);
      writeFileSync(f, (await cli(...args, '--shard', `${i}/4`)).stdout);
      files.push(f);
    }
    const merged = JSON.parse((await cli('merge', ...files, '--json')).stdout) as Json;
    expect(merged.schedules).to.equal(single.schedules);
    expect(merged.hits).to.equal(single.hits);
    expect(merged.signatures).to.deep.equal(single.signatures);
    expect(merged.firstHit).to.deep.equal(single.firstHit);
    expect(merged.shrunk!.schedule).to.equal(single.shrunk!.schedule);
  });

  it('--html writes one page with the result and the lane diagram', async () => {
    const f = join(mkdtempSync(join(tmpdir(), 'numa-emu-html-')), 'race.html');
    await cli('race', LOST, '--strategy', 'random', '--schedules', '40', '--html', f);
    const html = readFileSync(f, 'utf8');
    expect(html).to.match(/^<!doctype html>/);
    expect(html).to.include('<table class="lanes">');
    expect(html).to.match(/paused at/);
  });

  it('refuses bad input: a damaged, truncated or foreign schedule, a bad shard or strategy (exit 2); a failing or hanging scenario (exit 1)', async () => {
    const { stdout } = await cli('race', LOST, '--strategy', 'random', '--schedules', '30', '--json');
    const sch = (JSON.parse(stdout) as Json).firstHit!.schedule;
    for (const [bad, msg] of [
      [sch.slice(0, sch.length - 20), /truncated|damaged/],
      [sch.replace('ms=1', 'ms=2'), /damaged/],
      [sch.replace(/^ne1;/, 'ne9;'), /format ne9 is not one this version reads/],
      ['hello', /not a numa-emu schedule string/],
    ] as const) {
      const r = await cliFails('replay', bad);
      expect(r.code, bad).to.equal(2);
      expect(r.stderr).to.match(msg);
    }
    for (const args of [
      ['race', LOST, '--shard', '3/2'],
      ['race', LOST, '--strategy', 'bfs'],
      ['race', '--bug', 'B99'],
      ['race'],
    ]) {
      const r = await cliFails(...args);
      expect(r.code, args.join(' ')).to.equal(2);
    }
    const throws = await cliFails('race', fixture('race-throws'), '--schedules', '5');
    expect(throws.code).to.equal(1);
    expect(throws.stderr).to.match(/the setup of this scenario fails on purpose/);
    const hangs = await cliFails('race', fixture('race-forever'), '--schedules', '5');
    expect(hangs.code).to.equal(1);
    expect(hangs.stderr).to.match(/did not finish within 300 ms: T1 last passed sched_yield/);
  });
});
