/**
 * Experiments in parallel: run a scenario on many independent machines, one per seed, on a
 * piscina pool. Each pool worker builds its own machine (its own node and task workers), runs
 * the scenario, audits the kernel and closes the machine, so runs share nothing and each result
 * is a function of its seed. This is the role piscina fits: interchangeable workers taking
 * independent jobs (a task's worker, by contrast, is pinned to one task for its whole life).
 */
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
/** Run the scenario once per seed on a pool; results in seed order. */
export async function runExperiments(spec) {
    const threads = spec.threads ?? 2;
    const pool = new Piscina({ filename: fileURLToPath(new URL('../../workers/experiment.js', import.meta.url)), minThreads: 1, maxThreads: threads });
    try {
        return await Promise.all(spec.seeds.map((seed) => pool.run({ module: spec.module, exportName: spec.exportName, seed, machine: spec.machine ?? {}, args: spec.args ?? [] })));
    }
    finally {
        await pool.destroy();
    }
}
//# sourceMappingURL=experiments.js.map