/**
 * spinlock_t over one shared Int32 word.
 *
 * Word values: 0 unlocked; otherwise the holder's owner id (owner.ts), with SPIN_WAITERS set once
 * a waiter may sleep on it. Unlock skips Atomics.notify unless that bit says someone sleeps (a
 * notify with no waiter costs 34 ns here, twice the lock itself), and wakes one sleeper, the
 * first (the futex queue is FIFO), never all of them: a woken waiter keeps the bit set, so the
 * next unlock wakes the next one. A waiter spins only while the holder is awake, then sleeps; a
 * holder whose thread died fails its waiters at once. The lock
 * is not recursive: like the kernel's, it is correct only if every path that takes it releases
 * it. Under a controlled scheduler (one task runs at a time) a waiter never spins: it tells the
 * scheduler it is blocked and is run again once the word changed.
 */
import { LockKind, hooks } from '../sched/preempt.js';
import { SPIN_LIMIT, futexWait } from './futex.js';
import { OWNER_MASK, lockOwner, ownerSleeping } from './owner.js';

/** Set in a held spinlock's word when a waiter may be sleeping on it. */
export const SPIN_WAITERS = 1 << 30;

/** The id a lock word records for this thread (never 0, which means unlocked). */
function me(): number {
  return lockOwner() || OWNER_MASK;
}

/** Take the lock at `arr[idx]`. */
export function spinLock(arr: Int32Array, idx: number): void {
  const h = hooks;
  if (h !== null) h.lock(arr, idx, LockKind.Spin);
  if (Atomics.compareExchange(arr, idx, 0, me()) !== 0) spinLockSlow(arr, idx);
  if (h !== null) h.locked(arr, idx, LockKind.Spin);
}

/** Take the lock if it is free; true when taken. */
export function spinTrylock(arr: Int32Array, idx: number): boolean {
  const h = hooks;
  if (h !== null) h.lock(arr, idx, LockKind.Spin);
  if (Atomics.compareExchange(arr, idx, 0, me()) !== 0) return false;
  if (h !== null) h.locked(arr, idx, LockKind.Spin);
  return true;
}

function spinLockSlow(arr: Int32Array, idx: number): void {
  const id = me();
  for (let spin = 0, round = 0; ; spin++) {
    const w = Atomics.load(arr, idx);
    if (w === 0) {
      // Someone may still sleep behind us: keep the waiters bit once we have slept.
      if (Atomics.compareExchange(arr, idx, 0, round > 0 ? id | SPIN_WAITERS : id) === 0) return;
      continue;
    }
    const h = hooks;
    if (h !== null && h.block(arr, idx, w, LockKind.Spin)) continue;
    if (spin < SPIN_LIMIT && !ownerSleeping(w & OWNER_MASK)) continue;
    if ((w & SPIN_WAITERS) === 0 && Atomics.compareExchange(arr, idx, w, w | SPIN_WAITERS) !== w) continue;
    futexWait(arr, idx, w | SPIN_WAITERS, round++, 'spin_lock', w & OWNER_MASK);
  }
}

/** Release the lock at `arr[idx]`. */
export function spinUnlock(arr: Int32Array, idx: number): void {
  if (Atomics.exchange(arr, idx, 0) & SPIN_WAITERS) Atomics.notify(arr, idx, 1);
  const h = hooks;
  if (h !== null) h.unlock(arr, idx, LockKind.Spin);
}

/** The owner id holding the lock at `arr[idx]`, or 0. */
export function spinOwner(arr: Int32Array, idx: number): number {
  return Atomics.load(arr, idx) & OWNER_MASK;
}
