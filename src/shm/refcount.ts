/**
 * refcount_t over a shared Int32 word: increments and decrements that report through the
 * preemption hooks, and a decrement that says when the count reached zero. Going below zero, or
 * taking a reference on an object whose count is already zero, is a use-after-free in the
 * emulated kernel: the count is left saturated (as refcount_t does) and the event is recorded in
 * the caller-supplied warning word, so an experiment can observe it; the fixed kernel profiles
 * must never record one.
 */
import { hooks } from '../sched/preempt.js';

/** Saturation value, as refcount_t's REFCOUNT_SATURATED (INT_MIN / 2). */
export const REFCOUNT_SATURATED = -(2 ** 30);

/**
 * The preemption point of a refcount operation, alone: for callers that check the object between
 * the point and the operation (the race detectors' ledger), then call the `...After` variant.
 */
export function refcountPoint(arr: Int32Array, idx: number, delta: 1 | -1): void {
  if (hooks !== null) hooks.ref(arr, idx, delta);
}

/** refcount_inc: take a reference. Returns false (and warns) if the object was already dead. */
export function refcountInc(arr: Int32Array, idx: number, warn: Int32Array, warnIdx: number): boolean {
  if (hooks !== null) hooks.ref(arr, idx, 1);
  return refcountIncAfter(arr, idx, warn, warnIdx);
}

/** refcount_inc once its preemption point was passed (refcountPoint). */
export function refcountIncAfter(arr: Int32Array, idx: number, warn: Int32Array, warnIdx: number): boolean {
  const old = Atomics.add(arr, idx, 1);
  if (old > 0) return true;
  Atomics.store(arr, idx, REFCOUNT_SATURATED);
  Atomics.add(warn, warnIdx, 1);
  return false;
}

/** refcount_dec_and_test: drop a reference; true when this was the last one. */
export function refcountDecAndTest(arr: Int32Array, idx: number, warn: Int32Array, warnIdx: number): boolean {
  if (hooks !== null) hooks.ref(arr, idx, -1);
  return refcountDecAndTestAfter(arr, idx, warn, warnIdx);
}

/** refcount_dec_and_test once its preemption point was passed (refcountPoint). */
export function refcountDecAndTestAfter(arr: Int32Array, idx: number, warn: Int32Array, warnIdx: number): boolean {
  const old = Atomics.sub(arr, idx, 1);
  if (old > 1) return false;
  if (old === 1) return true;
  Atomics.store(arr, idx, REFCOUNT_SATURATED);
  Atomics.add(warn, warnIdx, 1);
  return false;
}
