/**
 * Bounded blocking on a shared word: a short spin, then Atomics.wait in slices under a watchdog.
 *
 * A blocked hand-off costs about 400x a spinning one on this machine kind (47 us against 117 ns),
 * so waiters spin a bounded few microseconds first, but only while the holder is awake (adaptive
 * spinning: a holder that itself sleeps will not release the word soon). Every wait has a bound:
 * a word that does not change for WAIT_LIMIT_MS means a lost wake-up or a holder that died, which
 * is an emulator bug (or a dead task), reported loudly instead of hanging the machine; a holder
 * known to be dead is reported at the next slice (LockOwnerDiedError).
 */
import { BUG } from './layout.js';
import { LockOwnerDiedError, lockName, ownerDead, setSleeping } from './owner.js';

/** Polls of the word before blocking (about 1-2 us). */
export const SPIN_LIMIT = 128;
const WAIT_SLICE_MS = 50;
/** Longest time any emulated kernel wait may take before it is declared a deadlock. */
export const WAIT_LIMIT_MS = 60_000;

/** When this thread's current wait began (a thread waits on one word at a time). */
let waitStart = 0;

/**
 * Block while `arr[idx] === expected`, for one bounded slice. Returns when the word changed, a
 * notify arrived or the slice ended; the caller re-checks its condition and calls again with the
 * next round number. Every wait passes through round 0, which starts the watchdog's clock; the
 * clock only times the watchdog, it decides nothing in the emulated kernel. `holder` is the owner
 * id holding the word exclusively (0 if unknown): if its thread died, the wait fails at once.
 * `lock` is the lock's first word, which messages name (a waiter may sleep on another of its words).
 */
export function futexWait(arr: Int32Array, idx: number, expected: number, round: number, what: string, holder = 0, lock = idx): void {
  if (holder !== 0 && ownerDead(holder)) throw new LockOwnerDiedError(lockName(arr, lock, what), holder);
  if (round === 0) waitStart = performance.now();
  else if (performance.now() - waitStart > WAIT_LIMIT_MS) BUG(`${lockName(arr, lock, what)}: waited over ${WAIT_LIMIT_MS} ms (deadlock, or a holder died)`);
  setSleeping(true);
  try {
    Atomics.wait(arr, idx, expected, WAIT_SLICE_MS);
  } finally {
    setSleeping(false);
  }
}
