/**
 * Preemption points.
 *
 * Every lock, unlock, refcount get/put and policy lookup in the emulated kernel passes through
 * `preemptPoint()`. By default it does nothing; a race scheduler installs a hook (per thread: each
 * worker has its own module instance) to stop a task at exactly these points and interleave tasks
 * deterministically, as loom's primitives call into its runtime. This module knows nothing about
 * mempolicy: it only names the kinds of point.
 */
let hook = null;
/** Called by the primitives; a no-op unless a scheduler installed a hook in this thread. */
export function preemptPoint(point, cell) {
    if (hook !== null)
        hook(point, cell);
}
/** Install (or with `null` remove) this thread's hook; returns the previous one. */
export function setPreemptHook(next) {
    const prev = hook;
    hook = next;
    return prev;
}
//# sourceMappingURL=preempt.js.map