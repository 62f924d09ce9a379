/**
 * Combining shards: a campaign split by execution index (`--shard i/n`) into results that add up
 * to exactly what one run gives. Every execution is a function of the campaign seed and its index,
 * so the counts add, the first hit is the one with the lowest index (and its shrink, done by the
 * shard that found it, is the single run's), and only the timings depend on how it was split.
 */
import { wilson95 } from '../sched/stats.js';
import { type CampaignResult } from './campaign.js';

/** Why shards cannot be merged. */
export class MergeError extends Error {
  readonly code = 'ERR_RACE_MERGE';
}

const SAME: (keyof CampaignResult)[] = ['version', 'scenario', 'kernel', 'machineSeed', 'strategy', 'seed', 'tasks'];

/** The split of `schedules` executions into `n` shards: shard `i` runs [from, to). */
export function shardRange(schedules: number, i: number, n: number): [number, number] {
  return [Math.floor((schedules * i) / n), Math.floor((schedules * (i + 1)) / n)];
}

/** Merge shard results (in any order) into the result of the whole campaign. */
export function mergeResults(parts: readonly CampaignResult[]): CampaignResult {
  if (parts.length === 0) throw new MergeError('nothing to merge');
  const first = parts[0];
  for (const p of parts) {
    for (const k of SAME) if (JSON.stringify(p[k]) !== JSON.stringify(first[k])) throw new MergeError(`shards differ in ${k}: ${JSON.stringify(first[k])} and ${JSON.stringify(p[k])}`);
    if (JSON.stringify(p.params) !== JSON.stringify(first.params)) throw new MergeError('shards differ in their strategy parameters');
    if (p.dfs !== null) throw new MergeError('exhaustive (dfs) campaigns are not sharded');
  }
  const sorted = [...parts].sort((a, b) => a.range[0] - b.range[0]);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i].range[0] !== sorted[i - 1].range[1]) throw new MergeError(`shard ranges do not tile: [${sorted[i - 1].range}] then [${sorted[i].range}]`);
  }
  const signatures: Record<string, number> = {};
  for (const p of parts) for (const [k, v] of Object.entries(p.signatures)) signatures[k] = (signatures[k] ?? 0) + v;
  const withHit = sorted.find((p) => p.firstHit !== null) ?? null;
  const sum = (f: (p: CampaignResult) => number) => parts.reduce((s, p) => s + f(p), 0);
  const schedules = sum((p) => p.schedules);
  const hits = sum((p) => p.hits);
  const elapsedMs = sum((p) => p.elapsedMs);
  const steps = sum((p) => p.steps);
  return {
    ...first,
    range: [sorted[0].range[0], sorted[sorted.length - 1].range[1]],
    schedules,
    hits,
    signatures,
    firstHit: withHit?.firstHit ?? null,
    shrunk: withHit?.shrunk ?? null,
    hitRate: schedules > 0 ? hits / schedules : 0,
    ci95: wilson95(hits, schedules),
    steps,
    elapsedMs,
    timeToFirstHitMs: withHit?.timeToFirstHitMs ?? null,
    decisionsPerSec: elapsedMs > 0 ? (steps / elapsedMs) * 1000 : 0,
    executionsPerSec: elapsedMs > 0 ? (schedules / elapsedMs) * 1000 : 0,
  };
}
