// The fault path of this checkout against another one, side by side (issue 7's "free mode costs
// at most 5% over today's fault bench"): `npm run bench:ab -- <other checkout> [runs]`, the other
// checkout built (its dist/ present). Each run starts a fresh process per checkout, alternating
// them, so that both meet the same moments of a shared VM; a run is the best of 9 repetitions of
// 600 (private) or 400 (shmem) mappings of 64 pages after a warm-up. Prints every run, the min and
// the median per checkout, and the ratio of the medians. Not tinybench: one benchmark cannot span
// two checkouts' module graphs, so each side is its own process.
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const TASK = fileURLToPath(new URL('./fault-ab-task.js', import.meta.url));
const HERE = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const REPS = 9;

/** In a child process: one checkout's best ns per fault of REPS repetitions. */
async function child(root: string, mode: string): Promise<void> {
  const { Machine } = (await import(`${root}/dist/src/index.js`)) as typeof import('../src/index.js');
  const m = await Machine.create();
  try {
    const t = (await m.spawnProcess({ cpu: 0 })).main;
    const shared = mode === 'shared';
    const rounds = shared ? 400 : 600;
    await t.run<number>(TASK, 'faultLoop', rounds, shared); // warm-up: V8 compiles the path
    let best = Infinity;
    for (let i = 0; i < REPS; i++) best = Math.min(best, await t.run<number>(TASK, 'faultLoop', rounds, shared));
    process.stdout.write(`${best}\n`);
  } finally {
    await m.close();
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function main(other: string, runs: number): void {
  const roots = [HERE, resolve(other)];
  for (const mode of ['private', 'shared']) {
    const ns = roots.map(() => [] as number[]);
    for (let r = 0; r < runs; r++) {
      roots.forEach((root, i) => ns[i].push(Number(execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--child', root, mode], { encoding: 'utf8' }))));
    }
    const what = mode === 'shared' ? 'shmem first-write fault under a shared interleave policy' : 'private anonymous first-write fault';
    console.log(what);
    roots.forEach((root, i) => console.log(`  ${root}: ${ns[i].map((x) => x.toFixed(0)).join(' ')} ns; min ${Math.min(...ns[i]).toFixed(0)}, median ${median(ns[i]).toFixed(0)}`));
    console.log(`  this / other (medians): x${(median(ns[0]) / median(ns[1])).toFixed(3)}`);
  }
}

const args = process.argv.slice(2);
if (args[0] === '--child') await child(args[1], args[2]);
else if (args[0] === undefined) {
  console.error('usage: npm run bench:ab -- <other numa-emu checkout, built> [runs (5)]');
  process.exit(2);
} else main(args[0], Number(args[1] ?? 5));
