// Many tasks on few cores (issue 11, item 4): PROCS processes of THREADS tasks each (70 by default)
// on the default machine, all at once, hammering faults, mmap/munmap, mbind of one shared SysV
// segment, set_mempolicy and get_mempolicy; prints the worst, the 99.9th percentile and the median
// single-call latency of each round. The first round runs on cold workers (V8 compiles the
// kernel in 70 isolates meanwhile), the others warm. The machine is a shared 2-core VM: compare
// the figures of several invocations, and quote the load average printed with them.
// `npm run bench:stall -- [procs] [threads] [calls per task] [warm rounds]`
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Machine, type Task } from '../src/index.js';
import { type TaskTimes } from './stall-task.js';

const here = fileURLToPath(new URL('./stall-task.js', import.meta.url));
const [procs = 10, threads = 7, calls = 2000, rounds = 2] = process.argv.slice(2).map(Number);

interface Worker {
  t: Task;
  shared: number;
  priv: number;
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/** Start the processes and their threads; each process attaches the shared segment. */
async function start(m: Machine): Promise<Worker[]> {
  const cpus = m.nodes.flatMap((n) => n.cpus);
  const out: Worker[] = [];
  for (let p = 0; p < procs; p++) {
    const proc = await m.spawnProcess({ cpu: cpus[p % cpus.length] });
    const { shared, priv } = await proc.main.run<{ shared: number; priv: number }>(here, 'setUp', 0x5eed);
    out.push({ t: proc.main, shared, priv });
    for (let i = 1; i < threads; i++) out.push({ t: await proc.spawnThread({ cpu: cpus[(p + i) % cpus.length] }), shared, priv });
  }
  return out;
}

/** Every task makes its calls at once; one line of figures over every call of the round. */
async function round(workers: Worker[], seed: number, label: string): Promise<number> {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const results = await Promise.all(workers.map(({ t, shared, priv }, i) => t.run<TaskTimes>(here, 'hammer', seed * 1000 + i, calls, shared, priv)));
  const wall = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  const all = results.flatMap((r) => r.ms.map((ms, j) => ({ ms, op: r.ops[j] }))).sort((a, b) => a.ms - b.ms);
  const ms = all.map((x) => x.ms);
  const worst = all[all.length - 1];
  console.log(
    `${label.padEnd(7)} worst ${worst.ms.toFixed(0).padStart(5)} ms (${worst.op}), p99.9 ${quantile(ms, 0.999).toFixed(0)} ms, p99 ${quantile(ms, 0.99).toFixed(1)} ms, median ${(quantile(ms, 0.5) * 1000).toFixed(0)} us; ${wall.toFixed(1)} s, ${((c.user + c.system) / 1e6).toFixed(1)} CPU s`,
  );
  return worst.ms;
}

const load = () => loadavg().map((x) => x.toFixed(1)).join(' ');
console.log(`stall bench: ${procs} processes x ${threads} tasks, ${calls} calls each, on the default machine (2 cores here); load average ${load()}`);
const m = await Machine.create({ seed: 1 });
try {
  const workers = await start(m);
  await round(workers, 0, 'cold');
  for (let r = 1; r <= rounds; r++) await round(workers, r, `warm ${r}`);
} finally {
  await m.close();
}
console.log(`load average after: ${load()}`);
