/**
 * Starting and talking to the machine's workers, through threads.js: `spawn` + `expose` give
 * each long-lived worker (one per node, one per task) a typed call interface. This host adds
 * what threads.js lacks:
 *
 * - Lifetime: a worker is referenced (keeps the process alive) only while a call to it is in
 *   flight, so a script that forgets `machine.close()` still exits once nothing awaits a worker.
 * - Death: threads.js does not notice a worker that exits on its own; the host watches `exit`,
 *   rejects the calls in flight with ERR_TASK_DIED and refuses new ones.
 * - Ending: `terminate(reason)` rejects every call still in flight with `reason`, so no promise
 *   is left pending when a worker is ended under it; `idle(ms)` waits (bounded) for calls in
 *   flight to settle first.
 * - Arguments that cannot be cloned to the worker are a TypeError ERR_INVALID_ARG_TYPE, not a
 *   DataCloneError.
 * - Messages a worker posts on its own (`{ type: 'numa-emu:fault', ... }`) reach `onFault`.
 */
import { Thread, Worker, spawn } from 'threads';
import { type Reply, type WorkerFault, fromWire, lifecycleError, uncloneableError, uncloneableResultError } from './wire.js';

/** The error of a call to a worker that died: ERR_TASK_DIED for a task's, ERR_NODE_DIED for a node's. */
export function workerDiedError(entry: 'node' | 'task', name: string, exitCode: number): Error {
  return lifecycleError(entry === 'node' ? 'ERR_NODE_DIED' : 'ERR_TASK_DIED', `${name} died (worker exit code ${exitCode})`, { exitCode });
}


type Proxy = Record<string, (...args: unknown[]) => Promise<Reply>>;
type NativeWorker = {
  on(ev: 'exit', cb: (code: number) => void): void;
  on(ev: 'message', cb: (m: unknown) => void): void;
  ref(): void;
  unref(): void;
  setMaxListeners(n: number): void;
};

/**
 * Set once the process is ending on a signal: threads.js then terminates every worker itself
 * (its SIGINT/SIGTERM handlers), which is no worker death to report.
 */
let signalled = false;
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => void (signalled = true));

/**
 * A DataCloneError thrown here (a DOMException from postMessage) is about the arguments; one the
 * worker reports (threads.js rebuilds it as a plain Error) is about the value it sends back.
 */
function cloneError(what: string, args: readonly unknown[], e: Error): TypeError {
  return e instanceof DOMException ? uncloneableError(what, args, e) : uncloneableResultError(what, e);
}

function isFault(m: unknown): m is WorkerFault {
  return typeof m === 'object' && m !== null && (m as { type?: unknown }).type === 'numa-emu:fault';
}

export class WorkerHost {
  /** Set when the worker exited without being asked to. */
  died: Error | null = null;
  /** Why new calls are refused once `terminate` began. */
  private ended: Error | null = null;
  /** Reject functions of the calls in flight. */
  private readonly pending = new Set<(e: Error) => void>();
  private readonly idleWaiters = new Set<() => void>();
  /** Called with each fault the worker reports on its own (and its kind, if it says), and with its death. */
  onFault: ((message: string, kind?: WorkerFault['kind']) => void) | null = null;

  private constructor(
    private readonly proxy: Proxy,
    /** 'task 1001', 'node 2': how messages name the worker. */
    readonly name: string,
    private readonly worker: NativeWorker,
    entry: 'node' | 'task',
  ) {
    // Every call in flight adds a listener (threads.js): hundreds at once are expected, not a leak.
    worker.setMaxListeners(0);
    worker.unref();
    worker.on('message', (m) => {
      if (isFault(m)) this.onFault?.(m.message, m.kind);
    });
    worker.on('exit', (code) => {
      if (this.ended || signalled) return;
      this.died = workerDiedError(entry, name, code);
      this.rejectAll(this.died);
      this.onFault?.(this.died.message);
    });
  }

  /** Start `workers/<entry>.js` with `workerData` and wait until it exposes its interface. */
  static async start(entry: 'node' | 'task', workerData: unknown, name: string): Promise<WorkerHost> {
    // threads.js resolves worker paths against the directory of the file that calls it.
    const worker = new Worker(`../../workers/${entry}.js`, { workerData });
    try {
      const proxy = await spawn<Proxy>(worker, { timeout: 30_000 });
      return new WorkerHost(proxy, name, worker as unknown as NativeWorker, entry);
    } catch (e) {
      await (worker as unknown as { terminate(): Promise<number> }).terminate();
      throw e;
    }
  }

  /** Calls in flight. */
  get busy(): boolean {
    return this.pending.size > 0;
  }

  /**
   * Call `method` in the worker; resolve with its value or reject with its error. `what` names
   * the call and `userArgs` its user-visible arguments, for the error of an argument that cannot
   * be cloned to the worker.
   */
  call<T>(method: string, args: readonly unknown[], what: string = method, userArgs: readonly unknown[] = args): Promise<T> {
    if (this.died) return Promise.reject(this.died);
    if (this.ended) return Promise.reject(this.ended);
    return new Promise<T>((resolve, reject) => {
      if (this.pending.size === 0) this.worker.ref();
      this.pending.add(reject);
      this.proxy[method](...args).then(
        (r) => {
          if (!this.settle(reject)) return;
          if (r.ok) resolve(r.value as T);
          else reject(fromWire(r.error));
        },
        (e: Error) => {
          if (!this.settle(reject)) return;
          reject(e?.name === 'DataCloneError' ? cloneError(what, userArgs, e) : (this.died ?? e));
        },
      );
    });
  }

  /** Resolve true once no call is in flight, or false after `ms` milliseconds. */
  idle(ms: number): Promise<boolean> {
    if (this.pending.size === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.idleWaiters.delete(done);
        resolve(true);
      };
      const timer = setTimeout(() => {
        this.idleWaiters.delete(done);
        resolve(false);
      }, ms);
      this.idleWaiters.add(done);
    });
  }

  /**
   * End the worker (idempotent). Calls still in flight reject with `reason` (they can no longer
   * complete), and later calls too.
   */
  async terminate(reason: Error = lifecycleError('ERR_TASK_EXITED', `${this.name} has ended`)): Promise<void> {
    if (this.ended) return;
    this.ended = reason;
    this.rejectAll(reason);
    this.worker.ref(); // the process waits for the worker's end, even when nothing else holds it
    await Thread.terminate(this.proxy);
  }

  /** Forget a settled call; false if it was already rejected (by death or termination). */
  private settle(reject: (e: Error) => void): boolean {
    if (!this.pending.delete(reject)) return false;
    if (this.pending.size === 0) this.becameIdle();
    return true;
  }

  private rejectAll(e: Error): void {
    const rejects = [...this.pending];
    this.pending.clear();
    for (const r of rejects) r(e);
    this.becameIdle();
  }

  private becameIdle(): void {
    this.worker.unref();
    for (const w of [...this.idleWaiters]) w();
  }
}
