/**
 * Declared shared-memory layouts.
 *
 * Every structure the emulated kernel keeps in a SharedArrayBuffer is declared once here-style:
 * a list of named Int32 (or Float64) words whose offsets are derived, never typed by hand, so a
 * field can be added without renumbering. Relations between layouts are asserted when the module
 * that uses them loads (`assertLayout`), so a wrong size fails at start-up, not as corruption.
 */
/** Words in a 64-byte cache line. */
export const LINE_WORDS = 16;
/**
 * Declare a struct from its field names, in order. With `lineAligned`, the size is rounded up to
 * whole cache lines, so that hot words of neighbouring slots (each mm's mmap_sem, each task's
 * counters) never share a line between threads that run in parallel.
 */
export function defineStruct(fields, opts = {}) {
    const s = {};
    fields.forEach((f, i) => {
        if (f in s)
            throw new Error(`defineStruct: field ${f} declared twice`);
        s[f] = i;
    });
    s.WORDS = opts.lineAligned ? align(fields.length, LINE_WORDS) : fields.length;
    return s;
}
/** A broken internal invariant: fail loudly (never an errno; this is an emulator bug). */
export function BUG(what) {
    throw new Error(`numa-emu BUG: ${what}`);
}
/**
 * BUG() when `cond` holds. Hot paths write `if (cond) BUG(`...`)` instead, so that the message
 * is built only on failure: a template string per call is garbage, and garbage collection in
 * every worker competes for the machine's two cores.
 */
export function BUG_ON(cond, what) {
    if (cond)
        BUG(what);
}
/** Check a relation between layouts at load time. */
export function assertLayout(cond, what) {
    BUG_ON(!cond, `layout: ${what}`);
}
/** Regions carved out of one buffer, in words, each aligned to 16 words (a 64-byte line). */
export class RegionPlanner {
    next = 0;
    regions = {};
    /** Reserve `words` words for `name` and return its offset. */
    take(name, words) {
        const off = this.next;
        this.regions[name] = off;
        this.next = align(off + words, LINE_WORDS);
        return off;
    }
    get words() {
        return this.next;
    }
}
/** Round `n` up to a multiple of `a` (a power of two or not). */
export function align(n, a) {
    return Math.ceil(n / a) * a;
}
//# sourceMappingURL=layout.js.map