/**
 * One fuzz run under fast-check: a program is generated from `seed`, run, and on failure shrunk;
 * the shrunk program is then run once more with a trace, and reported.
 */
import fc from 'fast-check';
import { FuzzFailure, type RunOptions, type RunStats, runProgram } from './runner.js';
import { type Program, programs } from './program.js';

export interface FuzzResult {
  calls: number;
  checks: number;
  failure: string | null;
}

const OPTS: RunOptions = { roundTimeoutMs: 90_000, checkEvery: 10, trace: false };

export interface FuzzOptions {
  /** Rounds a program has at most. */
  maxRounds: number;
  /** Print a failure's seed, shrunk program and trace. */
  report: boolean;
  /** Programs tried while shrinking a failure (each is a machine run of a second or more). */
  maxShrinkRuns: number;
}

/** Generate, run and (on failure) shrink one program; with `report`, print a failure's seed, shrunk program and trace. */
export async function fuzzOnce(seed: number, { maxRounds, report, maxShrinkRuns }: FuzzOptions): Promise<FuzzResult> {
  const stats: RunStats = { calls: 0, rounds: 0, checks: 0 };
  let runs = 0; // fast-check runs the program once, then its shrinks
  const property = fc.asyncProperty(programs(maxRounds), async (prog) => {
    const wasFirst = runs++ === 0;
    if (runs > 1 + maxShrinkRuns) return; // counted, not timed: a candidate past the budget counts as passing, which ends shrinking
    try {
      const s = await runProgram(prog, OPTS);
      if (wasFirst) Object.assign(stats, s); // the figures of the program itself, not of its shrinking
    } catch (e) {
      if (wasFirst && report) console.log(`\nseed ${seed} failed: ${(e as Error).message}\nshrinking...`);
      throw e;
    }
  });
  const details = await fc.check(property, { seed, numRuns: 1, endOnFailure: false });
  if (!details.failed) return { calls: stats.calls, checks: stats.checks, failure: null };
  const shrunk = details.counterexample![0];
  const failure = await explain(shrunk);
  if (report) {
    console.log(`\nFAILURE with seed ${seed} (replay: npm run fuzz -- --replay ${seed} --rounds ${maxRounds})`);
    console.log(`shrunk after ${details.numShrinks} steps to ${shrunk.rounds.length} rounds on ${JSON.stringify(shrunk.machine)}`);
    console.log(failure.message);
    console.log(failure.trace.map((l) => `  ${l}`).join('\n'));
  }
  return { calls: stats.calls, checks: stats.checks, failure: failure.message };
}

/** Run the shrunk program again with a trace of every call (the failure may not come back: say so). */
async function explain(prog: Program): Promise<{ message: string; trace: string[] }> {
  try {
    await runProgram(prog, { ...OPTS, trace: true });
    return { message: 'the shrunk program passed when run again (a race that did not recur)', trace: [] };
  } catch (e) {
    if (e instanceof FuzzFailure) return { message: e.message, trace: e.trace };
    return { message: String((e as Error).stack ?? e), trace: [] };
  }
}
