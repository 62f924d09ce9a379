/**
 * The race engine's commands: `race` (a campaign on a scenario module or a catalogued bug, its
 * directed schedule, or free-running runs), `replay`, `shrink` and `merge`. Text for people (with a
 * progress bar on stderr when it is a terminal, and lane diagrams), --json for machines, --html for
 * a page. Exit codes: 0 done (hits are results, unless --fail-on-hit), 1 a failure while running (a
 * scenario that throws or hangs, a replay that diverged), 2 a bad command line or schedule string.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { type CampaignResult, type DirectedOutcome, type Shrunk } from '../race/campaign.js';
import { type FreeReport, type ReplayReport } from '../race/jobs.js';
import { directed, freeRuns, race, replay, shrink } from '../race/api.js';
import { BUGS, type BugEntry, findBug } from '../race/bugs.js';
import { MergeError, mergeResults } from '../race/merge.js';
import { lanesHtml, lanesText, htmlPage, escapeHtml } from '../sched/lanes.js';
import { ScheduleError, parseSchedule } from '../sched/schedule.js';
import { type OptSpec, type ParsedOpt, UsageError } from './args.js';

export const RACE_USAGE = `usage: numa-emu race <scenario module> [options]
       numa-emu race --bug <id>|all [--variant buggy|fixed] [options]
       numa-emu race --list
options:
  --strategy random|pct|dfs   how schedules are chosen (default pct)
  --depth <d>                 PCT depth (default: the scenario's, else 2)
  --bound <b>                 DFS preemption bound (default 2)
  --schedules <N>             executions (default 1000; for dfs an upper bound)
  --seed <S>                  campaign seed (default 1)
  --shard <i>/<n>             run shard i of n (by execution index); combine with numa-emu merge
  --stop-at-first             stop at the first hit
  --all-sites                 switch at every site (ignore the scenario's focus sites)
  --no-shrink                 do not shrink the first hit
  --threads <n>               machines run at once (default: one per two cores)
  --directed '<schedule>'     run one directed schedule ("T1@site > T2 > T1") instead
  --free <N>                  N free-running (recorded) executions; with --perturb, perturbed
  --fail-on-hit               exit 1 when a campaign found a hit
  --json | --html <file>      machine-readable result; a self-contained HTML report
  --kernel <profile>          kernel profile or variant (bug:<id>, fixed:<id>)
`;
export const REPLAY_USAGE = "usage: numa-emu replay '<schedule>' [--strict] [--json]   (exit 1 if it diverged; --strict stops where it leaves the path)\n";
export const SHRINK_USAGE = "usage: numa-emu shrink '<schedule>' [--json]\n";
export const MERGE_USAGE = 'usage: numa-emu merge FILE... [--json]   (FILE: the --json output of shards of one campaign)\n';

export const RACE_OPTS: OptSpec[] = [
  { long: 'strategy', arg: true },
  { long: 'depth', arg: true },
  { long: 'bound', arg: true },
  { long: 'schedules', arg: true },
  { long: 'seed', arg: true },
  { long: 'shard', arg: true },
  { long: 'stop-at-first', arg: false },
  { long: 'no-shrink', arg: false },
  { long: 'threads', arg: true },
  { long: 'directed', arg: true },
  { long: 'free', arg: true },
  { long: 'perturb', arg: false },
  { long: 'fail-on-hit', arg: false },
  { long: 'html', arg: true },
  { long: 'bug', arg: true },
  { long: 'variant', arg: true },
  { long: 'list', arg: false },
  { long: 'all-sites', arg: false },
];

/** What the race commands print and how they exit. */
export interface CliOutcome {
  stdout: string;
  stderr: string;
  exitCode: number;
}

function intOpt(o: ParsedOpt, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const v = Number(o.value);
  if (!/^\d+$/.test(o.value ?? '') || v < min || v > max) throw new UsageError(`${o.given} wants an integer in ${min}..${max}, not '${o.value}'`, RACE_USAGE);
  return v;
}

interface RaceArgs {
  scenario?: string;
  bug?: string;
  variant: 'buggy' | 'fixed';
  strategy: 'random' | 'pct' | 'dfs';
  depth?: number;
  bound?: number;
  schedules?: number;
  seed?: number;
  shard?: { index: number; count: number };
  stopAtFirst: boolean;
  shrink: boolean;
  threads?: number;
  directed?: string;
  free?: number;
  perturb: boolean;
  failOnHit: boolean;
  html?: string;
  list: boolean;
  allSites: boolean;
  /** --strategy was given (else a bug runs with its own default strategy). */
  strategyGiven?: boolean;
}

/** Parse the race command's options and words (throws UsageError). */
export function parseRaceArgs(opts: ParsedOpt[], words: string[]): RaceArgs {
  const a: RaceArgs = { variant: 'buggy', strategy: 'pct', stopAtFirst: false, shrink: true, perturb: false, failOnHit: false, list: false, allSites: false };
  let strategyGiven = false;
  for (const o of opts) {
    switch (o.name) {
      case 'strategy':
        if (o.value !== 'random' && o.value !== 'pct' && o.value !== 'dfs') throw new UsageError(`unknown strategy '${o.value}' (random, pct or dfs)`, RACE_USAGE);
        a.strategy = o.value;
        strategyGiven = true;
        break;
      case 'depth':
        a.depth = intOpt(o, 1, 9);
        break;
      case 'bound':
        a.bound = intOpt(o, 0, 16);
        break;
      case 'schedules':
        a.schedules = intOpt(o, 1);
        break;
      case 'seed':
        a.seed = intOpt(o, 0);
        break;
      case 'threads':
        a.threads = intOpt(o, 1, 64);
        break;
      case 'free':
        a.free = intOpt(o, 1);
        break;
      case 'shard': {
        const m = /^(\d+)\/(\d+)$/.exec(o.value ?? '');
        if (!m || Number(m[2]) < 1 || Number(m[1]) >= Number(m[2])) throw new UsageError(`--shard wants i/n with 0 <= i < n, not '${o.value}'`, RACE_USAGE);
        a.shard = { index: Number(m[1]), count: Number(m[2]) };
        break;
      }
      case 'variant':
        if (o.value !== 'buggy' && o.value !== 'fixed') throw new UsageError(`--variant is buggy or fixed, not '${o.value}'`, RACE_USAGE);
        a.variant = o.value;
        break;
      case 'bug':
        if (o.value !== 'all' && findBug(o.value!) === undefined) throw new UsageError(`no bug '${o.value}' in the catalogue (numa-emu race --list)`, RACE_USAGE);
        a.bug = o.value;
        break;
      case 'stop-at-first':
        a.stopAtFirst = true;
        break;
      case 'no-shrink':
        a.shrink = false;
        break;
      case 'perturb':
        a.perturb = true;
        break;
      case 'fail-on-hit':
        a.failOnHit = true;
        break;
      case 'list':
        a.list = true;
        break;
      case 'all-sites':
        a.allSites = true;
        break;
      case 'directed':
        a.directed = o.value;
        break;
      case 'html':
        a.html = o.value;
        break;
    }
  }
  if (words.length > 1) throw new UsageError(`unexpected argument ${words[1]}`, RACE_USAGE);
  a.scenario = words[0];
  if (!a.list && (a.scenario === undefined) === (a.bug === undefined)) throw new UsageError('give a scenario module or --bug <id>, not both', RACE_USAGE);
  if (a.strategy === 'dfs' && a.shard) throw new UsageError('--shard does not apply to --strategy dfs (an exhaustive search is one enumeration)', RACE_USAGE);
  if (a.perturb && a.free === undefined) throw new UsageError('--perturb goes with --free <N>', RACE_USAGE);
  a.strategyGiven = strategyGiven;
  return a;
}

/** The catalogue as a table. */
export function catalogueText(): string {
  const rows = BUGS.map((b) => [b.id, b.name, b.versions, b.kind, String(b.tasks), `${b.depth}/${b.preemptions}`, b.era, b.fix]);
  const head = ['id', 'name', 'versions', 'kind', 'tasks', 'd/pre', 'era', 'fix'];
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(w[i]))).join('  ');
  return `${[line(head), ...rows.map(line)].join('\n')}\n`;
}

function pct(x: number): string {
  return `${(100 * x).toFixed(x < 0.01 ? 2 : 1)}%`;
}

/** A campaign's result as text. */
export function campaignText(r: CampaignResult, title: string): string {
  let s = `${title}: kernel ${r.kernel}, strategy ${r.strategy}${Object.keys(r.params).length ? ` ${JSON.stringify(r.params)}` : ''}, seed ${r.seed}\n`;
  s += `executions ${r.schedules}${r.dfs ? ` (exhaustive: ${r.dfs.exhausted ? 'all schedules within the bound explored' : 'stopped at the limit'})` : ''}, hits ${r.hits} (${pct(r.hitRate)}, 95% CI ${pct(r.ci95[0])}-${pct(r.ci95[1])})`;
  if (r.pct) s += `; PCT bound per execution 1/(n*k^(d-1)) = ${pct(r.pct.bound)} (k = ${r.pct.k})`;
  s += '\n';
  for (const [sig, n] of Object.entries(r.signatures)) s += `  ${n} x ${sig}\n`;
  if (r.firstHit) {
    s += `first hit: execution ${r.firstHit.index}, ${r.firstHit.report.kind} at ${r.firstHit.report.site || '(end of execution)'} (${r.firstHit.report.task}, step ${r.firstHit.report.step})\n  ${r.firstHit.report.message}\n  schedule: ${r.firstHit.schedule}\n`;
  }
  if (r.shrunk) s += shrunkText(r.shrunk, r.tasks);
  s += `${Math.round(r.decisionsPerSec).toLocaleString('en')} decisions/s, ${Math.round(r.executionsPerSec).toLocaleString('en')} executions/s (${(r.elapsedMs / 1000).toFixed(2)} s${r.timeToFirstHitMs !== null ? `; first hit after ${(r.timeToFirstHitMs / 1000).toFixed(3)} s` : ''})\n`;
  return s;
}

function shrunkText(sh: Shrunk, tasks: number): string {
  let s = `shrunk to ${sh.preemptions} preemption${sh.preemptions === 1 ? '' : 's'}, ${sh.steps} steps (${sh.replays} replays):\n`;
  for (const c of sh.constraints) s += `  ${c}\n`;
  s += `  schedule: ${sh.schedule}\n\n${lanesText(sh.lanes, tasks)}\n\n`;
  return s;
}

function replayText(r: ReplayReport): string {
  const rep = r.reports[0];
  let s = r.verified ? `replayed bit-exactly (state hash ${r.stateHash})\n` : r.divergedAt !== null ? `DIVERGED at step ${r.divergedAt}\n` : `same path, but the end state differs (hash ${r.stateHash}, expected ${r.expectedStateHash})\n`;
  s += rep ? `${rep.kind} at ${rep.site || '(end of execution)'} (${rep.task}, step ${rep.step}): ${rep.message}\n` : 'no report\n';
  return `${s}\n${lanesText(r.lanes, r.tasks)}\n`;
}

function directedText(d: DirectedOutcome, tasks: number): string {
  const rep = d.reports[0];
  return `${rep ? `${rep.kind} at ${rep.site || '(end of execution)'} (${rep.task}, step ${rep.step}): ${rep.message}` : 'no report'}\nschedule: ${d.schedule}\n\n${lanesText(d.lanes, tasks)}\n`;
}

function freeText(f: FreeReport, perturb: boolean): string {
  let s = `${f.runs} free-running${perturb ? ' perturbed' : ' (recorded)'} executions: ${f.hits} hits (${pct(f.hits / f.runs)}; ${((f.hits / f.runs) * 10_000).toFixed(1)} per 10,000), ${((f.runs / f.elapsedMs) * 1000).toFixed(0)} executions/s\n`;
  for (const [sig, n] of Object.entries(f.signatures)) s += `  ${n} x ${sig}\n`;
  if (f.firstHit) s += `first hit: execution ${f.firstHit.index}; replay it in controlled mode with:\n  ${f.firstHit.schedule}\n`;
  return s;
}

/** A progress bar on stderr, when it is a terminal. */
function progressBar(label: string): ((done: number, total: number, hits: number) => void) | undefined {
  if (!process.stderr.isTTY) return undefined;
  return (done, total, hits) => {
    const w = 30;
    const fill = Math.round((w * done) / Math.max(1, total));
    process.stderr.write(`\r${label} [${'#'.repeat(fill)}${'.'.repeat(w - fill)}] ${done}/${total} hits ${hits}${done >= total ? '\n' : ''}`);
  };
}

/** One bug's campaign, as the report table and the HTML page show it. */
interface BugRun {
  bug: BugEntry;
  variant: 'buggy' | 'fixed';
  result: CampaignResult;
}

async function runBug(b: BugEntry, a: RaceArgs): Promise<BugRun> {
  const result = await race({
    scenario: `bug:${b.id}`,
    kernel: `${a.variant === 'buggy' ? 'bug' : 'fixed'}:${b.id}`,
    strategy: a.strategyGiven ? a.strategy : (b.strategy ?? 'pct'),
    allSites: a.allSites,
    depth: a.depth ?? b.depth,
    bound: a.bound,
    schedules: a.schedules,
    seed: a.seed,
    shard: a.shard,
    stopAtFirst: a.stopAtFirst,
    shrink: a.shrink,
    threads: a.threads,
    onProgress: progressBar(`${b.id} ${a.variant}`),
  });
  return { bug: b, variant: a.variant, result };
}

function bugJson(r: BugRun): unknown {
  return { bug: r.bug.id, name: r.bug.name, variant: r.variant, ...r.result };
}

function bugTable(runs: readonly BugRun[]): string {
  const rows = runs.map((r) => [r.bug.id, r.bug.name, r.variant, `${r.result.hits}/${r.result.schedules}`, r.result.firstHit?.report.kind ?? '-', r.result.shrunk ? String(r.result.shrunk.preemptions) : '-', r.result.firstHit ? String(r.result.firstHit.index) : '-']);
  const head = ['id', 'name', 'variant', 'hits', 'kind', 'shrunk pre', 'first at'];
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((x) => x[i].length)));
  return [head, ...rows].map((r) => r.map((c, i) => c.padEnd(w[i])).join('  ').trimEnd()).join('\n');
}

function bugsHtml(runs: readonly BugRun[]): string {
  const table = `<table><tr><th>id</th><th>name</th><th>versions</th><th>fix</th><th>variant</th><th>hits</th><th>report</th><th>shrunk preemptions</th></tr>${runs
    .map((r) => `<tr><td><a href="#${r.bug.id}">${r.bug.id}</a></td><td>${escapeHtml(r.bug.name)}</td><td>${escapeHtml(r.bug.versions)}</td><td>${escapeHtml(r.bug.fix)}</td><td>${r.variant}</td><td class="${r.result.hits > 0 === (r.variant === 'buggy') ? 'ok' : 'bad'}">${r.result.hits}/${r.result.schedules}</td><td>${escapeHtml(r.result.firstHit?.report.kind ?? '-')}</td><td>${r.result.shrunk?.preemptions ?? '-'}</td></tr>`)
    .join('\n')}</table>`;
  const sections = runs.map((r) => {
    const rep = r.result.firstHit?.report;
    const body = rep
      ? `<p><b>${escapeHtml(rep.kind)}</b> at <code>${escapeHtml(rep.site)}</code> (${escapeHtml(rep.task)}, step ${rep.step}): ${escapeHtml(rep.message)}</p>
<p>First hit (execution ${r.result.firstHit!.index}):</p><pre>${escapeHtml(r.result.firstHit!.schedule)}</pre>
${r.result.shrunk ? `<p>Shrunk to ${r.result.shrunk.preemptions} preemption(s):</p><ul>${r.result.shrunk.constraints.map((c) => `<li>${escapeHtml(c)}</li>`).join('')}</ul><pre>${escapeHtml(r.result.shrunk.schedule)}</pre>${lanesHtml(r.result.shrunk.lanes, r.result.tasks)}` : ''}`
      : '<p>No hit.</p>';
    return `<h2 id="${r.bug.id}">${r.bug.id} ${escapeHtml(r.bug.name)} (${r.variant})</h2><p>${escapeHtml(r.bug.title)}. Era ${escapeHtml(r.bug.era)}; fixed by ${escapeHtml(r.bug.fix)}.</p>${body}`;
  });
  return `${table}\n${sections.join('\n')}`;
}

function campaignHtml(r: CampaignResult, title: string): string {
  return `<pre>${escapeHtml(campaignText({ ...r, shrunk: null }, title))}</pre>${r.shrunk ? `<h2>Shrunk schedule</h2><ul>${r.shrunk.constraints.map((c) => `<li>${escapeHtml(c)}</li>`).join('')}</ul><pre>${escapeHtml(r.shrunk.schedule)}</pre>${lanesHtml(r.shrunk.lanes, r.tasks)}` : ''}`;
}

/** `numa-emu race ...` */
export async function runRaceCommand(a: RaceArgs, json: boolean, kernel: string | undefined): Promise<CliOutcome> {
  if (a.list) return { stdout: json ? `${JSON.stringify(BUGS, null, 2)}\n` : catalogueText(), stderr: '', exitCode: 0 };
  if (a.bug !== undefined) {
    const bugs = a.bug === 'all' ? BUGS : [findBug(a.bug)!];
    const runs: BugRun[] = [];
    for (const b of bugs) runs.push(await runBug(b, a));
    if (a.html) writeFileSync(a.html, htmlPage(`numa-emu: the mempolicy refcount bugs (${a.variant} variants)`, bugsHtml(runs)));
    const out = json ? `${JSON.stringify(a.bug === 'all' ? runs.map(bugJson) : bugJson(runs[0]), null, 2)}\n` : runs.length === 1 ? campaignText(runs[0].result, `${runs[0].bug.id} ${runs[0].bug.name} (${a.variant})`) : `${bugTable(runs)}\n`;
    return { stdout: out, stderr: '', exitCode: a.failOnHit && runs.some((r) => r.result.hits > 0) ? 1 : 0 };
  }
  const scenario = a.scenario!;
  if (a.directed !== undefined) {
    const d = await directed(scenario, a.directed, kernel);
    return { stdout: json ? `${JSON.stringify(d, null, 2)}\n` : directedText(d, parseTasks(d.schedule)), stderr: '', exitCode: 0 };
  }
  if (a.free !== undefined) {
    const f = await freeRuns(scenario, { runs: a.free, seed: a.seed, perturb: a.perturb, kernel });
    return { stdout: json ? `${JSON.stringify(f, null, 2)}\n` : freeText(f, a.perturb), stderr: '', exitCode: 0 };
  }
  const r = await race({ scenario, kernel, strategy: a.strategy, depth: a.depth, bound: a.bound, schedules: a.schedules, seed: a.seed, shard: a.shard, stopAtFirst: a.stopAtFirst, shrink: a.shrink, threads: a.threads, allSites: a.allSites, onProgress: progressBar('race') });
  if (a.html) writeFileSync(a.html, htmlPage(`numa-emu race ${scenario}`, campaignHtml(r, scenario)));
  return { stdout: json ? `${JSON.stringify(r, null, 2)}\n` : campaignText(r, scenario), stderr: '', exitCode: a.failOnHit && r.hits > 0 ? 1 : 0 };
}

function parseTasks(schedule: string): number {
  const s = parseSchedule(schedule);
  return Math.max(1, ...s.decisions.map((d) => Math.max(d.task, d.next) + 1));
}

function scheduleArg(words: string[], usage: string): string {
  if (words.length !== 1) throw new UsageError(words.length === 0 ? 'give one schedule string (quote it)' : `unexpected argument ${words[1]}`, usage);
  try {
    parseSchedule(words[0]);
  } catch (e) {
    if (e instanceof ScheduleError) throw new UsageError(e.message, usage);
    throw e;
  }
  return words[0];
}

/** `numa-emu replay '<schedule>'` */
export async function runReplayCommand(words: string[], json: boolean, strict: boolean): Promise<CliOutcome> {
  const r = await replay(scheduleArg(words, REPLAY_USAGE), { strict });
  return { stdout: json ? `${JSON.stringify(r, null, 2)}\n` : replayText(r), stderr: '', exitCode: r.verified ? 0 : 1 };
}

/** `numa-emu shrink '<schedule>'` */
export async function runShrinkCommand(words: string[], json: boolean): Promise<CliOutcome> {
  const text = scheduleArg(words, SHRINK_USAGE);
  const r = await shrink(text);
  return { stdout: json ? `${JSON.stringify(r, null, 2)}\n` : shrunkText(r, parseTasks(text)), stderr: '', exitCode: 0 };
}

/** `numa-emu merge FILE...` */
export function runMergeCommand(words: string[], json: boolean): CliOutcome {
  if (words.length === 0) throw new UsageError('give the JSON files of the shards', MERGE_USAGE);
  const parts = words.map((f) => {
    let v: unknown;
    try {
      v = JSON.parse(readFileSync(f, 'utf8'));
    } catch (e) {
      throw new UsageError(`${f}: ${(e as Error).message}`, MERGE_USAGE);
    }
    if (typeof v !== 'object' || v === null || (v as CampaignResult).version !== 1 || !Array.isArray((v as CampaignResult).range)) throw new UsageError(`${f} is not the --json result of a race shard`, MERGE_USAGE);
    return v as CampaignResult;
  });
  let m: CampaignResult;
  try {
    m = mergeResults(parts);
  } catch (e) {
    if (e instanceof MergeError) throw new UsageError(e.message, MERGE_USAGE);
    throw e;
  }
  return { stdout: json ? `${JSON.stringify(m, null, 2)}\n` : campaignText(m, `${m.scenario} (${parts.length} shards merged)`), stderr: '', exitCode: 0 };
}
