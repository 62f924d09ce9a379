// Race-engine benchmarks that run inside a task's worker: the cost of the recorded mode (one
// Atomics.add and two stores per point) on the fault path, against the same faults in free mode
// (no hooks), in the same run and the same worker.
import { Bench } from 'tinybench';
import { MAP_ANONYMOUS, MAP_PRIVATE, PAGE_SIZE, PROT_READ, PROT_WRITE, type Sys } from '../src/index.js';
import { CTL, Mode, createControl } from '../src/sched/control.js';
import { setSchedHooks } from '../src/sched/preempt.js';
import { Runtime } from '../src/sched/runtime.js';
import { siteCount } from '../src/sched/sites.js';
import { type Row } from './task-bench.js';

const BATCH = 64;

/** First-write faults, free against recorded. */
export function recordedFaultBench(sys: Sys, timeMs: number): Row[] {
  const ctl = createControl({ sites: siteCount(), maxSteps: 1 << 20, maxDecisions: 16, resultBytes: 16 });
  ctl.c[CTL.MODE] = Mode.Recorded;
  ctl.c[CTL.REC_MAX] = 1 << 20;
  const rt = new Runtime(ctl, 0, null, []);
  rt.begin();
  const bench = new Bench({ time: timeMs, warmupTime: timeMs });
  const one = new Uint8Array([1]);
  let region = 0;
  const faults = () => {
    for (let i = 0; i < BATCH; i++) sys.store(region + i * PAGE_SIZE, one);
  };
  const map = () => void (region = sys.mmap(0, BATCH * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS));
  const unmap = () => sys.munmap(region, BATCH * PAGE_SIZE);
  bench.add('first-write fault, free mode (no hooks)', faults, { async: false, beforeEach: map, afterEach: unmap });
  bench.add('first-write fault, recorded mode', faults, {
    async: false,
    beforeEach: () => {
      map();
      ctl.c[CTL.REC_SEQ] = 0;
      rt.install();
    },
    afterEach: () => {
      setSchedHooks(null);
      unmap();
    },
  });
  bench.runSync();
  setSchedHooks(null);
  return bench.tasks.map((t) => {
    const r = t.result as { latency?: { p50?: number; samplesCount?: number } } | undefined;
    return { name: t.name, ns: ((r?.latency?.p50 ?? NaN) * 1e6) / BATCH, samples: r?.latency?.samplesCount ?? 0 };
  });
}
