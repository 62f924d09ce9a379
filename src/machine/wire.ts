/**
 * What crosses between the main thread and a worker for one call: a reply that carries either a
 * value or an error flattened to plain fields (threads.js would keep only message and stack,
 * and our errors' code, errno and syscall are the point).
 */

/** An error as plain data. */
export interface WireError {
  name: string;
  message: string;
  code?: string;
  errno?: number;
  syscall?: string;
  signal?: string;
}

export type Reply<T = unknown> = { ok: true; value: T } | { ok: false; error: WireError };

/** Flatten an error thrown in a worker. */
export function toWire(e: unknown): WireError {
  if (!(e instanceof Error)) return { name: 'Error', message: String(e) };
  const x = e as Error & Partial<WireError>;
  return { name: e.name, message: e.message, code: x.code, errno: x.errno, syscall: x.syscall, signal: x.signal };
}

/** Rebuild the error on the main thread: same class for TypeError and RangeError, same fields. */
export function fromWire(w: WireError): Error {
  const Ctor = w.name === 'TypeError' ? TypeError : w.name === 'RangeError' ? RangeError : Error;
  const { code, errno, syscall, signal } = w;
  const fields = Object.entries({ code, errno, syscall, signal }).filter(([, v]) => v !== undefined);
  return Object.assign(new Ctor(w.message), Object.fromEntries(fields));
}

/** Run `fn` and package its result or error as a reply. */
export async function guard<T>(fn: () => T | Promise<T>): Promise<Reply<T>> {
  try {
    return { ok: true, value: await fn() };
  } catch (e) {
    return { ok: false, error: toWire(e) };
  }
}
