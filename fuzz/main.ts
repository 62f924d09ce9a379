/**
 * `npm run fuzz -- [--calls N] [--seconds S] [--seed N] [--rounds R] [--shrinks K] [--replay SEED]`
 *
 * Runs fuzz programs (fuzz/program.ts) one after another until N calls or S seconds have been
 * made (default: 100000 calls). Program i runs under its own seed, derived from --seed, so that
 * any failure is replayed by `--replay <its seed>`: fast-check then generates the same program
 * and shrinks it again (trying at most K smaller programs, 150 by default). A failure prints the
 * seed, the message, and the trace of the shrunk program (every call with its result); the
 * process exits 1.
 */
import { fuzzOnce } from './fuzz.js';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function num(name: string, dflt: number): number {
  const v = arg(name);
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 0) {
    console.error(`--${name} wants a non-negative integer, not ${v}`);
    process.exit(2);
  }
  return n;
}

async function main(): Promise<void> {
  const replay = arg('replay');
  const maxRounds = num('rounds', 150);
  if (replay !== undefined) {
    const r = await fuzzOnce(num('replay', 0), { maxRounds, report: true, maxShrinkRuns: num('shrinks', 150) });
    if (!r.failure) console.log(`seed ${arg('replay')}: ${r.calls} calls, ${r.checks} data checks and audits, no failure`);
    process.exit(r.failure ? 1 : 0);
  }
  const seconds = num('seconds', 0);
  const calls = num('calls', seconds > 0 ? Number.MAX_SAFE_INTEGER : 100_000);
  const base = num('seed', Date.now() % 2 ** 31);
  const t0 = Date.now();
  const total = { calls: 0, programs: 0, checks: 0 };
  console.log(`fuzz: base seed ${base}, up to ${calls === Number.MAX_SAFE_INTEGER ? '-' : calls} calls${seconds ? `, ${seconds} s` : ''}`);
  for (let i = 0; total.calls < calls && (seconds === 0 || Date.now() - t0 < seconds * 1000); i++) {
    const seed = (base + i * 0x9e3779b1) % 2 ** 31;
    const r = await fuzzOnce(seed, { maxRounds, report: true, maxShrinkRuns: num('shrinks', 150) });
    total.calls += r.calls;
    total.checks += r.checks;
    total.programs++;
    if (r.failure) process.exit(1);
    if (total.programs % 25 === 0) console.log(`  ${total.programs} programs, ${total.calls} calls, ${total.checks} checks, ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  }
  console.log(`fuzz: ${total.programs} programs, ${total.calls} calls, ${total.checks} data checks and audits, no failure, ${((Date.now() - t0) / 1000).toFixed(0)} s`);
}

await main();
