/**
 * What crosses between the main thread and a worker for one call: a reply that carries either a
 * value or an error flattened to plain fields (threads.js would keep only message and stack,
 * and our errors' code, errno and syscall are the point), and the worker-side stack, so that an
 * exception thrown by an experiment names the experiment's own file and line on the main thread.
 */

/** An error as plain data. */
export interface WireError {
  name: string;
  message: string;
  code?: string;
  errno?: number;
  syscall?: string;
  signal?: string;
  /** The stack where the error was thrown, in the worker (the experiment's frames first). */
  stack?: string;
}

/** A report a worker posts without being asked (a kswapd that died, a task's oops). */
export interface WorkerFault {
  type: 'numa-emu:fault';
  /** 'task-oops' for a task's system call cut short holding locks (oops.ts); otherwise the worker's own kind of fault. */
  kind?: 'task-oops';
  message: string;
}

export type Reply<T = unknown> = { ok: true; value: T } | { ok: false; error: WireError };

/** Flatten an error thrown in a worker. */
export function toWire(e: unknown): WireError {
  if (!(e instanceof Error)) return { name: 'Error', message: String(e) };
  const x = e as Error & Partial<WireError>;
  const w: WireError = { name: e.name, message: e.message, code: x.code, errno: x.errno, syscall: x.syscall, signal: x.signal, stack: e.stack };
  for (const k of Object.keys(w) as (keyof WireError)[]) if (w[k] === undefined) delete w[k];
  return w;
}

/**
 * Rebuild the error on the main thread: same class for TypeError and RangeError, same fields,
 * and the worker's stack as its stack (a stack taken here would show only the message plumbing).
 */
export function fromWire(w: WireError): Error {
  const Ctor = w.name === 'TypeError' ? TypeError : w.name === 'RangeError' ? RangeError : Error;
  const { code, errno, syscall, signal } = w;
  const fields = Object.entries({ code, errno, syscall, signal }).filter(([, v]) => v !== undefined);
  const e = Object.assign(new Ctor(w.message), Object.fromEntries(fields));
  if (w.name !== e.name) Object.defineProperty(e, 'name', { value: w.name, configurable: true, writable: true });
  if (w.stack !== undefined) e.stack = `${w.stack}\n    at <worker thread>`;
  return e;
}

/** A lifecycle error with a Node-style code (ERR_TASK_DIED, ERR_TASK_EXITED, ERR_MACHINE_CLOSED, ...). */
export function lifecycleError(code: string, message: string, fields: Record<string, unknown> = {}): Error & { code: string } {
  return Object.assign(new Error(message), { code }, fields);
}

/** Run `fn` and package its result or error as a reply. */
export async function guard<T>(fn: () => T | Promise<T>): Promise<Reply<T>> {
  try {
    return { ok: true, value: await fn() };
  } catch (e) {
    return { ok: false, error: toWire(e) };
  }
}

/** The path (`[1][0]`) of the first value under `v` that structured clone refuses, or null. */
function uncloneablePath(v: unknown, path: string): string | null {
  try {
    structuredClone(v);
    return null;
  } catch {
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const p = uncloneablePath(v[i], `${path}[${i}]`);
        if (p !== null) return p;
      }
    }
    return path;
  }
}

/** What a value is, for a message. */
function kindOf(v: unknown): string {
  if (typeof v === 'function') return 'a function';
  if (typeof v === 'symbol') return 'a symbol';
  if (v === null || typeof v !== 'object') return `type ${typeof v}`;
  return `an object of class ${(v as object).constructor?.name ?? 'Object'} that structured clone cannot copy`;
}

/**
 * The TypeError (code ERR_INVALID_RETURN_VALUE, as Node names a value a callback must not
 * return) for a value `what` produced in the worker that cannot cross back.
 */
export function uncloneableResultError(what: string, cause: unknown): TypeError {
  const e = new TypeError(`the value ${what} resolved with in the task's worker thread cannot be sent back: only structured-cloneable values cross (${(cause as Error)?.message ?? cause})`) as TypeError & { code: string };
  e.code = 'ERR_INVALID_RETURN_VALUE';
  return e;
}

/**
 * The TypeError (code ERR_INVALID_ARG_TYPE) for arguments of `what` that cannot cross to a
 * worker (postMessage's DataCloneError): names the first argument that cannot, by position.
 */
export function uncloneableError(what: string, args: readonly unknown[], cause: unknown): TypeError {
  const path = uncloneablePath([...args], '');
  const index = path === null ? -1 : Number(/^\[(\d+)\]/.exec(path)?.[1] ?? -1);
  const where = index >= 0 ? `argument ${index + 1} of ${what}` : `an argument of ${what}`;
  const value = index >= 0 ? args[index] : undefined;
  const inner = path !== null && path.indexOf(']') < path.length - 1 ? ` (at ${path.slice(path.indexOf(']') + 1)})` : '';
  const e = new TypeError(`${where} cannot be sent to the task's worker thread: it is ${index >= 0 ? kindOf(value) : 'not cloneable'}${inner}; only structured-cloneable values cross (${(cause as Error)?.message ?? cause})`) as TypeError & { code: string };
  e.code = 'ERR_INVALID_ARG_TYPE';
  return e;
}
