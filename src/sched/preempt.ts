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
export const enum PreemptPoint {
  SpinLock = 1,
  SpinUnlock,
  DownRead,
  UpRead,
  DownWrite,
  UpWrite,
  RefGet,
  RefPut,
  PolicyLookup,
}

/** A scheduler's hook: `point` says what is about to happen, `cell` which word it concerns. */
export type PreemptHook = (point: PreemptPoint, cell: number) => void;

let hook: PreemptHook | null = null;

/** Called by the primitives; a no-op unless a scheduler installed a hook in this thread. */
export function preemptPoint(point: PreemptPoint, cell: number): void {
  if (hook !== null) hook(point, cell);
}

/** Install (or with `null` remove) this thread's hook; returns the previous one. */
export function setPreemptHook(next: PreemptHook | null): PreemptHook | null {
  const prev = hook;
  hook = next;
  return prev;
}
