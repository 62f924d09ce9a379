/** The error of a call to a worker that died. */
export declare function workerDiedError(name: string, exitCode: number): Error;
export declare class WorkerHost {
    private readonly proxy;
    private readonly name;
    /** Set when the worker exited without being asked to. */
    died: Error | null;
    private closing;
    private readonly pending;
    private constructor();
    /** Start `workers/<entry>.js` with `workerData` and wait until it exposes its interface. */
    static start(entry: 'node' | 'task', workerData: unknown, name: string): Promise<WorkerHost>;
    /** Call `method` in the worker; resolve with its value or reject with its error. */
    call<T>(method: string, ...args: unknown[]): Promise<T>;
    /** End the worker (idempotent). */
    terminate(): Promise<void>;
}
