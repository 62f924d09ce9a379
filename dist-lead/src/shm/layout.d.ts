/**
 * Declared shared-memory layouts.
 *
 * Every structure the emulated kernel keeps in a SharedArrayBuffer is declared once here-style:
 * a list of named Int32 (or Float64) words whose offsets are derived, never typed by hand, so a
 * field can be added without renumbering. Relations between layouts are asserted when the module
 * that uses them loads (`assertLayout`), so a wrong size fails at start-up, not as corruption.
 */
/** A struct of consecutive words: each field name maps to its word offset; `WORDS` is the size. */
export type Struct<F extends string> = {
    readonly [K in F]: number;
} & {
    readonly WORDS: number;
};
/** Words in a 64-byte cache line. */
export declare const LINE_WORDS = 16;
/**
 * Declare a struct from its field names, in order. With `lineAligned`, the size is rounded up to
 * whole cache lines, so that hot words of neighbouring slots (each mm's mmap_sem, each task's
 * counters) never share a line between threads that run in parallel.
 */
export declare function defineStruct<const F extends readonly string[]>(fields: F, opts?: {
    lineAligned?: boolean;
}): Struct<F[number]>;
/** A broken internal invariant: fail loudly (never an errno; this is an emulator bug). */
export declare function BUG(what: string): never;
/**
 * BUG() when `cond` holds. Hot paths write `if (cond) BUG(`...`)` instead, so that the message
 * is built only on failure: a template string per call is garbage, and garbage collection in
 * every worker competes for the machine's two cores.
 */
export declare function BUG_ON(cond: boolean, what: string): asserts cond is false;
/** Check a relation between layouts at load time. */
export declare function assertLayout(cond: boolean, what: string): void;
/** Regions carved out of one buffer, in words, each aligned to 16 words (a 64-byte line). */
export declare class RegionPlanner {
    private next;
    readonly regions: Record<string, number>;
    /** Reserve `words` words for `name` and return its offset. */
    take(name: string, words: number): number;
    get words(): number;
}
/** Round `n` up to a multiple of `a` (a power of two or not). */
export declare function align(n: number, a: number): number;
