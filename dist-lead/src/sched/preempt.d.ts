/**
 * Preemption points.
 *
 * Every lock, unlock, refcount get/put and policy lookup in the emulated kernel passes through
 * `preemptPoint()`. By default it does nothing; a race scheduler installs a hook (per thread: each
 * worker has its own module instance) to stop a task at exactly these points and interleave tasks
 * deterministically, as loom's primitives call into its runtime. This module knows nothing about
 * mempolicy: it only names the kinds of point.
 */
/** The kinds of preemption point the kernel's primitives report. */
export declare const enum PreemptPoint {
    SpinLock = 1,
    SpinUnlock = 2,
    DownRead = 3,
    UpRead = 4,
    DownWrite = 5,
    UpWrite = 6,
    RefGet = 7,
    RefPut = 8,
    PolicyLookup = 9
}
/** A scheduler's hook: `point` says what is about to happen, `cell` which word it concerns. */
export type PreemptHook = (point: PreemptPoint, cell: number) => void;
/** Called by the primitives; a no-op unless a scheduler installed a hook in this thread. */
export declare function preemptPoint(point: PreemptPoint, cell: number): void;
/** Install (or with `null` remove) this thread's hook; returns the previous one. */
export declare function setPreemptHook(next: PreemptHook | null): PreemptHook | null;
