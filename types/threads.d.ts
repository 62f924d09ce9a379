// threads.js ships no `types` in its exports map, so NodeNext cannot see its typings (TS7016).
// Only the part numa-emu uses is declared here.
declare module 'threads' {
  export class Worker {
    constructor(path: string, options?: { resourceLimits?: object; workerData?: unknown });
  }
  export type ThreadHandle = Record<string, (...args: any[]) => Promise<any>>;
  export function spawn<T = ThreadHandle>(worker: Worker, options?: { timeout?: number }): Promise<T>;
  export const Thread: {
    terminate(thread: unknown): Promise<void>;
    events(thread: unknown): { subscribe(observer: (event: { type: string; exitCode?: number; error?: Error }) => void): { unsubscribe(): void } };
  };
}
declare module 'threads/worker' {
  export function expose(api: Record<string, (...args: any[]) => unknown>): void;
}
