/**
 * What crosses between the main thread and a worker for one call: a reply that carries either a
 * value or an error flattened to plain fields (threads.js would keep only message and stack,
 * and our errors' code, errno and syscall are the point).
 */
/** Flatten an error thrown in a worker. */
export function toWire(e) {
    if (!(e instanceof Error))
        return { name: 'Error', message: String(e) };
    const x = e;
    return { name: e.name, message: e.message, code: x.code, errno: x.errno, syscall: x.syscall, signal: x.signal };
}
/** Rebuild the error on the main thread: same class for TypeError and RangeError, same fields. */
export function fromWire(w) {
    const Ctor = w.name === 'TypeError' ? TypeError : w.name === 'RangeError' ? RangeError : Error;
    const { code, errno, syscall, signal } = w;
    const fields = Object.entries({ code, errno, syscall, signal }).filter(([, v]) => v !== undefined);
    return Object.assign(new Ctor(w.message), Object.fromEntries(fields));
}
/** Run `fn` and package its result or error as a reply. */
export async function guard(fn) {
    try {
        return { ok: true, value: await fn() };
    }
    catch (e) {
        return { ok: false, error: toWire(e) };
    }
}
//# sourceMappingURL=wire.js.map