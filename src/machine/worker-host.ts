/**
 * Starting and talking to the machine's workers, through threads.js: `spawn` + `expose` give
 * each long-lived worker (one per node, one per task) a typed call interface. threads.js does not
 * notice a worker that dies on its own, so this host watches the worker's exit itself, rejects
 * the calls in flight and refuses new ones.
 */
import { Thread, Worker, spawn } from 'threads';
import { type Reply, fromWire } from './wire.js';

/** The error of a call to a worker that died. */
export function workerDiedError(name: string, exitCode: number): Error {
  const e = new Error(`${name} died (worker exit code ${exitCode})`) as Error & { code: string; exitCode: number };
  e.code = 'ERR_TASK_DIED';
  e.exitCode = exitCode;
  return e;
}

type Proxy = Record<string, (...args: unknown[]) => Promise<Reply>>;

export class WorkerHost {
  /** Set when the worker exited without being asked to. */
  died: Error | null = null;
  private closing = false;
  private readonly pending = new Set<(e: Error) => void>();

  private constructor(
    private readonly proxy: Proxy,
    private readonly name: string,
    worker: { on(ev: 'exit', cb: (code: number) => void): void },
  ) {
    worker.on('exit', (code) => {
      if (this.closing) return;
      this.died = workerDiedError(name, code);
      for (const reject of this.pending) reject(this.died);
      this.pending.clear();
    });
  }

  /** Start `workers/<entry>.js` with `workerData` and wait until it exposes its interface. */
  static async start(entry: 'node' | 'task', workerData: unknown, name: string): Promise<WorkerHost> {
    // threads.js resolves worker paths against the directory of the file that calls it.
    const worker = new Worker(`../../workers/${entry}.js`, { workerData });
    const proxy = await spawn<Proxy>(worker, { timeout: 30_000 });
    return new WorkerHost(proxy, name, worker as unknown as { on(ev: 'exit', cb: (code: number) => void): void });
  }

  /** Call `method` in the worker; resolve with its value or reject with its error. */
  call<T>(method: string, ...args: unknown[]): Promise<T> {
    if (this.died) return Promise.reject(this.died);
    if (this.closing) return Promise.reject(workerDiedError(this.name, 0));
    return new Promise<T>((resolve, reject) => {
      this.pending.add(reject);
      this.proxy[method](...args).then(
        (r) => {
          this.pending.delete(reject);
          if (r.ok) resolve(r.value as T);
          else reject(fromWire(r.error));
        },
        (e: Error) => {
          this.pending.delete(reject);
          reject(this.died ?? e);
        },
      );
    });
  }

  /** End the worker (idempotent). */
  async terminate(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    await Thread.terminate(this.proxy);
  }
}
