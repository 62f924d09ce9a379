/**
 * Experiments in parallel: run a scenario on many independent machines, one per seed, on a
 * piscina pool. Each pool worker builds its own machine (its own node and task workers), runs
 * the scenario, audits the kernel and closes the machine, so runs share nothing and each result
 * is a function of its seed. This is the role piscina fits: interchangeable workers taking
 * independent jobs (a task's worker, by contrast, is pinned to one task for its whole life).
 */
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { type AuditReport } from '../kernel/audit.js';
import { type Shape, checkOptions } from './options.js';
import { type MachineOptions, buildConfig } from './topology.js';
import { type WireError } from './wire.js';

/** What to run: `module`'s export `exportName`, called as `fn(machine, seed, ...args)`. */
export interface ExperimentSpec {
  /** Absolute path or file URL of the scenario module. */
  module: string;
  exportName: string;
  seeds: number[];
  /** Machine description (the seed is set per run). */
  machine?: MachineOptions;
  /** Extra structured-cloneable arguments. */
  args?: unknown[];
  /** Pool size (default: 2, this machine kind's cores). */
  threads?: number;
}

/** One run's outcome: the scenario's value or error, and the kernel audit after it. */
export interface ExperimentResult {
  seed: number;
  value?: unknown;
  error?: WireError;
  audit: AuditReport | null;
}

/** The job one pool worker runs. */
export interface ExperimentJob {
  module: string;
  exportName: string;
  seed: number;
  machine: MachineOptions;
  args: unknown[];
}

const SPEC_SHAPE: Shape = { module: 'string', exportName: 'string', seeds: 'number[]', machine: 'object', args: 'unknown[]', threads: 'number' };

/**
 * Run the scenario once per seed on a pool; results in seed order. The spec and its machine
 * description are checked (by name and type, as Machine.create checks options) before any pool
 * worker starts.
 */
export async function runExperiments(spec: ExperimentSpec): Promise<ExperimentResult[]> {
  checkOptions('runExperiments', 'options', spec, SPEC_SHAPE);
  buildConfig({ ...spec.machine, seed: spec.seeds[0] ?? 1 });
  const threads = spec.threads ?? 2;
  const pool = new Piscina({ filename: fileURLToPath(new URL('../../workers/experiment.js', import.meta.url)), minThreads: 1, maxThreads: threads });
  try {
    return await Promise.all(
      spec.seeds.map((seed) =>
        pool.run({ module: spec.module, exportName: spec.exportName, seed, machine: spec.machine ?? {}, args: spec.args ?? [] } satisfies ExperimentJob) as Promise<ExperimentResult>,
      ),
    );
  } finally {
    await pool.destroy();
  }
}
