// The refcount bugs' table (`npm run race:table`, README "The refcount bugs of 2004-2022"): for
// each catalogued bug, measured on its buggy and fixed variants:
//  - buggy: how many of C campaigns (seeds 1..C, the bug's default strategy, at most S schedules
//    each, stopping at the first hit) found it; the median executions and time to the first hit;
//    executions per second; whether the first hit replays bit-exactly; the shrunk schedule's
//    preemptions against the catalogue's;
//  - fixed: hits over F schedules (random and PCT, every site) and over the exhaustive search at
//    preemption bound 2 (every site), with the schedules it explored;
//  - free running: hits per 10,000 recorded free runs, and per 10,000 perturbed ones.
// Options: --campaigns C (100) --schedules S (1000) --fixed F (100000) --free N (10000)
//          --dfs-limit L (200000) --only B01,B08 --write README.md
import { readFileSync, writeFileSync } from 'node:fs';
import { BUGS, type BugEntry } from '../src/race/bugs.js';
import { replaySchedule, runCampaign } from '../src/race/campaign.js';
import { withBugSession } from '../src/race/jobs.js';
import { type RaceSession } from '../src/race/session.js';
import { executionSeed } from '../src/sched/stats.js';

function opt(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
}
const CAMPAIGNS = opt('campaigns', 100);
const SCHEDULES = opt('schedules', 1000);
const FIXED = opt('fixed', 100_000);
const FREE = opt('free', 10_000);
const DFS_LIMIT = opt('dfs-limit', 200_000);
const onlyAt = process.argv.indexOf('--only');
const ONLY = onlyAt > 0 ? process.argv[onlyAt + 1].split(',') : null;
const writeAt = process.argv.indexOf('--write');
const WRITE = writeAt > 0 ? process.argv[writeAt + 1] : null;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s[Math.floor(s.length / 2)];
}


interface Row {
  bug: BugEntry;
  found: number;
  execsToHit: number;
  msToHit: number;
  execPerSec: number;
  replays: boolean;
  shrunk: number;
  fixedHits: number;
  fixedSchedules: number;
  dfsHits: number;
  dfsSchedules: number;
  dfsExhausted: boolean;
  freeHits: number;
  perturbedHits: number;
}

function buggy(b: BugEntry, s: RaceSession): Omit<Row, 'bug' | 'fixedHits' | 'fixedSchedules' | 'dfsHits' | 'dfsSchedules' | 'dfsExhausted' | 'freeHits' | 'perturbedHits'> {
  let found = 0;
  let runs = 0;
  let ms = 0;
  const toHit: number[] = [];
  const msToHit: number[] = [];
  let replays = false;
  let shrunk = NaN;
  for (let c = 1; c <= CAMPAIGNS; c++) {
    const r = runCampaign(s, { strategy: b.strategy ?? 'pct', depth: b.depth, schedules: SCHEDULES, seed: c, stopAtFirst: true, shrink: c === 1 });
    runs += r.schedules;
    ms += r.elapsedMs;
    if (r.firstHit === null) continue;
    found++;
    toHit.push(r.firstHit.index + 1);
    msToHit.push(r.timeToFirstHitMs ?? NaN);
    if (c === 1) {
      replays = replaySchedule(s, r.firstHit.schedule).verified;
      shrunk = r.shrunk?.preemptions ?? NaN;
    }
  }
  return { found, execsToHit: median(toHit), msToHit: median(msToHit), execPerSec: (runs / ms) * 1000, replays, shrunk };
}

function fixed(s: RaceSession): Pick<Row, 'fixedHits' | 'fixedSchedules' | 'dfsHits' | 'dfsSchedules' | 'dfsExhausted'> {
  const half = Math.floor(FIXED / 2);
  const rnd = runCampaign(s, { strategy: 'random', schedules: half, seed: 11, allSites: true, shrink: false });
  const pct = runCampaign(s, { strategy: 'pct', schedules: FIXED - half, seed: 12, allSites: true, shrink: false });
  const dfs = runCampaign(s, { strategy: 'dfs', bound: 2, schedules: DFS_LIMIT, seed: 1, allSites: true, shrink: false });
  return { fixedHits: rnd.hits + pct.hits, fixedSchedules: rnd.schedules + pct.schedules, dfsHits: dfs.hits, dfsSchedules: dfs.schedules, dfsExhausted: dfs.dfs!.exhausted };
}

function free(s: RaceSession, perturb: boolean): number {
  let hits = 0;
  for (let i = 0; i < FREE; i++) {
    const r = s.execute({ mode: perturb ? 'perturbed' : 'recorded', strategy: { kind: 'random' }, seed: executionSeed(21, i), stopOnReport: false });
    if (r.reports.length > 0) hits++;
  }
  return (hits * 10_000) / FREE;
}

function table(rows: Row[]): string {
  const head = ['bug', 'era', 'report', 'found (campaigns)', 'schedules to 1st hit (median)', 'time to 1st hit', 'exec/s', 'replays', 'shrunk pre (catalogue)', 'fixed: random+PCT', 'fixed: DFS bound 2', 'free / 10k', 'perturbed / 10k'];
  const lines = rows.map((r) => [
    `${r.bug.id} \`${r.bug.name}\``,
    r.bug.era,
    r.bug.kind,
    `${r.found}/${CAMPAIGNS}`,
    String(r.execsToHit),
    `${r.msToHit.toFixed(1)} ms`,
    r.execPerSec.toFixed(0),
    r.replays ? 'bit-exact' : 'NO',
    `${r.shrunk} (${r.bug.preemptions})`,
    `${r.fixedHits} hits / ${r.fixedSchedules}`,
    `${r.dfsHits} hits / ${r.dfsSchedules}${r.dfsExhausted ? '' : ' (limit)'}`,
    r.freeHits.toFixed(1),
    r.perturbedHits.toFixed(1),
  ]);
  return [`| ${head.join(' | ')} |`, `|${head.map(() => ' --- ').join('|')}|`, ...lines.map((l) => `| ${l.join(' | ')} |`)].join('\n');
}

const rows: Row[] = [];
for (const b of BUGS) {
  if (ONLY && !ONLY.includes(b.id)) continue;
  const t0 = performance.now();
  const a = await withBugSession(b.id, `bug:${b.id}`, (s) => ({ ...buggy(b, s), freeHits: free(s, false), perturbedHits: free(s, true) }));
  const f = await withBugSession(b.id, `fixed:${b.id}`, fixed);
  rows.push({ bug: b, ...a, ...f });
  process.stderr.write(`${b.id} done in ${((performance.now() - t0) / 1000).toFixed(0)} s\n`);
}
const md = `${table(rows)}\n\n(Produced by \`npm run race:table\` on ${new Date().toISOString().slice(0, 10)}: ${CAMPAIGNS} campaigns of at most ${SCHEDULES} schedules per bug, ${FIXED} fixed-variant schedules, ${FREE} free runs; the machine is a shared 2-core VM, so times are indicative.)`;
console.log(md);
if (WRITE) {
  const text = readFileSync(WRITE, 'utf8');
  const start = '<!-- bug-table:start -->';
  const end = '<!-- bug-table:end -->';
  const block = `${start}\n${md}\n${end}`;
  const out = text.includes(start) ? text.replace(new RegExp(`${start}[\\s\\S]*?${end}`), block) : text.replace('BUG_TABLE_PLACEHOLDER', block);
  writeFileSync(WRITE, out);
}
