/**
 * Starting and talking to the machine's workers, through threads.js: `spawn` + `expose` give
 * each long-lived worker (one per node, one per task) a typed call interface. threads.js does not
 * notice a worker that dies on its own, so this host watches the worker's exit itself, rejects
 * the calls in flight and refuses new ones.
 */
import { Thread, Worker, spawn } from 'threads';
import { fromWire } from './wire.js';
/** The error of a call to a worker that died. */
export function workerDiedError(name, exitCode) {
    const e = new Error(`${name} died (worker exit code ${exitCode})`);
    e.code = 'ERR_TASK_DIED';
    e.exitCode = exitCode;
    return e;
}
export class WorkerHost {
    proxy;
    name;
    /** Set when the worker exited without being asked to. */
    died = null;
    closing = false;
    pending = new Set();
    constructor(proxy, name, worker) {
        this.proxy = proxy;
        this.name = name;
        worker.on('exit', (code) => {
            if (this.closing)
                return;
            this.died = workerDiedError(name, code);
            for (const reject of this.pending)
                reject(this.died);
            this.pending.clear();
        });
    }
    /** Start `workers/<entry>.js` with `workerData` and wait until it exposes its interface. */
    static async start(entry, workerData, name) {
        // threads.js resolves worker paths against the directory of the file that calls it.
        const worker = new Worker(`../../workers/${entry}.js`, { workerData });
        const proxy = await spawn(worker, { timeout: 30_000 });
        return new WorkerHost(proxy, name, worker);
    }
    /** Call `method` in the worker; resolve with its value or reject with its error. */
    call(method, ...args) {
        if (this.died)
            return Promise.reject(this.died);
        if (this.closing)
            return Promise.reject(workerDiedError(this.name, 0));
        return new Promise((resolve, reject) => {
            this.pending.add(reject);
            this.proxy[method](...args).then((r) => {
                this.pending.delete(reject);
                if (r.ok)
                    resolve(r.value);
                else
                    reject(fromWire(r.error));
            }, (e) => {
                this.pending.delete(reject);
                reject(this.died ?? e);
            });
        });
    }
    /** End the worker (idempotent). */
    async terminate() {
        if (this.closing)
            return;
        this.closing = true;
        await Thread.terminate(this.proxy);
    }
}
//# sourceMappingURL=worker-host.js.map