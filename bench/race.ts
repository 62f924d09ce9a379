// The race engine's figures (`npm run bench:race`), each beside a baseline measured in the same
// run: controlled hand-offs between two task workers against two bare workers passing a turn;
// executions per second of a two-task scenario of about a hundred points; the recorded mode's
// cost on the fault path against free mode. The machine is a shared 2-core VM: read the ratios,
// and run it several times.
import { Bench } from 'tinybench';
import { fileURLToPath } from 'node:url';
import { Machine } from '../src/index.js';
import { RaceSession } from '../src/race/session.js';
import { executionSeed } from '../src/sched/stats.js';
import { pingPongNs } from './pingpong.js';
import { yieldsScenario } from './race-programs.js';
import { type Row } from './task-bench.js';

const TIME = Number(process.env.BENCH_MS ?? 1000);
const here = fileURLToPath(new URL('./race-task.js', import.meta.url));

/** Median of one tinybench task, in ms. */
function p50(b: Bench, i: number): number {
  return (b.tasks[i].result as { latency: { p50: number } }).latency.p50;
}

async function handOffs(): Promise<void> {
  const points = 5000;
  const s = await RaceSession.open(yieldsScenario(points));
  try {
    let i = 0;
    let steps = 0;
    let switches = 0;
    const bench = new Bench({ time: TIME, warmupTime: TIME / 2 });
    bench.add('controlled execution, 2 tasks x 5000 points, random walk', () => {
      const r = s.execute({ mode: 'controlled', strategy: { kind: 'random' }, seed: executionSeed(1, i++) });
      steps = r.steps;
      switches = r.switches;
    }, { async: false });
    await bench.run();
    const ms = p50(bench, 0);
    const base = await pingPongNs(200_000);
    console.log(`controlled: ${steps} decisions (${switches} hand-offs) per execution in ${ms.toFixed(2)} ms median`);
    console.log(`  ${((steps / ms) * 1000).toFixed(0)} decisions/s (target >= 1,000,000); ${((ms * 1e6) / steps).toFixed(0)} ns per decision`);
    console.log(`  ${((ms * 1e6) / switches).toFixed(0)} ns per hand-off; bare two-worker hand-off ${base.toFixed(0)} ns: x${((ms * 1e6) / switches / base).toFixed(2)}`);
  } finally {
    await s.close();
  }
}

async function executions(): Promise<void> {
  const s = await RaceSession.open(yieldsScenario(50));
  try {
    let i = 0;
    let steps = 0;
    const bench = new Bench({ time: TIME, warmupTime: TIME / 2 });
    bench.add('controlled execution, 2 tasks x 50 points', () => {
      steps = s.execute({ mode: 'controlled', strategy: { kind: 'random' }, seed: executionSeed(2, i++) }).steps;
    }, { async: false });
    bench.add('free execution of the same (restore, start, wait: the floor of an execution)', () => void s.execute({ mode: 'free', strategy: { kind: 'random' }, seed: 0 }), { async: false });
    await bench.run();
    console.log(`\nexecutions of a two-task scenario of ${steps} points: ${(1000 / p50(bench, 0)).toFixed(0)} executions/s (target >= 1,000); the same run free: ${(1000 / p50(bench, 1)).toFixed(0)}/s (x${(p50(bench, 0) / p50(bench, 1)).toFixed(2)})`);
  } finally {
    await s.close();
  }
}

async function recorded(): Promise<void> {
  const m = await Machine.create();
  try {
    const p = await m.spawnProcess({ cpu: 0 });
    const rows = await p.main.run<Row[]>(here, 'recordedFaultBench', TIME);
    const [free, rec] = rows;
    console.log(`\n${free.name}: ${free.ns.toFixed(0)} ns; ${rec.name}: ${rec.ns.toFixed(0)} ns: x${(rec.ns / free.ns).toFixed(2)} (target <= 1.5)`);
  } finally {
    await m.close();
  }
}

await handOffs();
await executions();
await recorded();
