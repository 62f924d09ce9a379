/**
 * The body of a piscina experiment worker: one machine per job, audited and closed whatever the
 * scenario does.
 */
import { pathToFileURL } from 'node:url';
import { Machine } from './machine.js';
import { toWire } from './wire.js';
export async function runExperimentJob(job) {
    const m = await Machine.create({ ...job.machine, seed: job.seed });
    const out = { seed: job.seed, audit: null };
    try {
        const mod = (await import(job.module.startsWith('file:') ? job.module : pathToFileURL(job.module).href));
        const fn = mod[job.exportName];
        if (typeof fn !== 'function')
            throw new TypeError(`${job.module} has no exported function ${job.exportName}`);
        out.value = await fn(m, job.seed, ...job.args);
        out.audit = m.audit();
    }
    catch (e) {
        out.error = toWire(e);
    }
    finally {
        await m.close();
    }
    return out;
}
//# sourceMappingURL=experiment-worker.js.map