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
export type Reply<T = unknown> = {
    ok: true;
    value: T;
} | {
    ok: false;
    error: WireError;
};
/** Flatten an error thrown in a worker. */
export declare function toWire(e: unknown): WireError;
/** Rebuild the error on the main thread: same class for TypeError and RangeError, same fields. */
export declare function fromWire(w: WireError): Error;
/** Run `fn` and package its result or error as a reply. */
export declare function guard<T>(fn: () => T | Promise<T>): Promise<Reply<T>>;
