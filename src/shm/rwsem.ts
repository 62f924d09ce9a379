/**
 * Reader/writer locks over four shared Int32 words: struct rw_semaphore (the mm's mmap_sem, a
 * file's i_rwsem), and with the same words rwlock_t and struct mutex, which differ only in what
 * a scheduler and the lock-context checker are told (rwlock_t spins; a mutex sleeps, writer only).
 *
 * Word `idx`: the count of readers in bits 0-27, WRITER when a writer holds it, WRITER_WAITING
 * when a writer waits (new readers then queue behind it, so writers are not starved by a stream
 * of faults), and HANDOFF while the lock is promised to one waiter. Word `idx + 1`: the number of
 * sleepers on word `idx`, so that release skips Atomics.notify when nobody sleeps. Word `idx + 2`:
 * the writer's owner id while one holds it (a waiter fails at once if that owner's thread died).
 * Word `idx + 3`: the owner id of the waiter the lock is handed off to (0: none). Read holds are
 * listed per owner (owner.ts) so that a dead reader's holds can be given back.
 *
 * Waiting, as the kernel's rwsem does it (adaptive spinning, then sleep, and a hand-off against
 * starvation). A waiter spins a bounded while if the lock's writer is awake, then sleeps. The
 * uncontended paths are one compareExchange. A release wakes one sleeper (the futex queue is
 * FIFO: the one that slept first), not all of them. Running tasks may take the lock past
 * sleepers (lock stealing keeps it busy on an overloaded machine, where a woken thread may wait
 * long for a CPU), but a sleeper that was woken twice and still cannot take it claims the hand-off:
 * from then on only it may take the lock (the others, readers and writers, park on the claimant
 * word), and the release that frees the lock for it wakes it. Taking the lock ends the hand-off
 * and wakes the first parked waiter, the next to claim. So a sleeper is overtaken by at most two
 * sleeps' worth of lock stealing: with 70 tasks on 2 cores, waiters that lost every race used to
 * wait for seconds (issue 11). A claimant that died is dropped by the first waiter that sees it;
 * one that unwinds drops its claim. Under a controlled scheduler (one task runs at a time) nobody
 * sleeps, so nothing is ever claimed and the lock behaves as a plain writer-preferring rwsem.
 */
import { LockKind, hooks } from '../sched/preempt.js';
import { SPIN_LIMIT, futexWait } from './futex.js';
import { OWNER_MASK, dropReadHold, lockOwner, noteReadHold, ownerDead, ownerSleeping } from './owner.js';

/** Words of one rw_semaphore (state, sleepers, owner, hand-off claimant). */
export const RWSEM_WORDS = 4;
const WRITER = 1 << 30;
const WRITER_WAITING = 1 << 29;
const HANDOFF = 1 << 28;
const READERS = HANDOFF - 1;
const SLEEPERS = 1;
const OWNER = 2;
const CLAIMANT = 3;
/**
 * Sleeps after which a waiter that still cannot take the lock claims the hand-off. Each hand-off
 * leaves the lock idle until the claimant gets a CPU; claiming after the first lost race handed
 * off more often and gave a higher worst case with 70 tasks on 2 cores (bench/stall.ts).
 */
const CLAIM_ROUND = 2;

/** The id a lock word records for this thread. */
function me(): number {
  return lockOwner() || OWNER_MASK;
}

/**
 * Wake the sleepers on the state word that a change to state `s` concerns: while the lock is
 * handed off, all of them (the claimant is among them, with at most a few that slept before the
 * claim); otherwise the first.
 */
function wake(arr: Int32Array, idx: number, s: number): void {
  if (Atomics.load(arr, idx + SLEEPERS) !== 0) Atomics.notify(arr, idx, s & HANDOFF ? Infinity : 1);
}

/** Should a waiter that saw state `s` keep spinning (the writer holding it is awake)? */
function spinMore(arr: Int32Array, idx: number, s: number, spin: number): boolean {
  return spin < SPIN_LIMIT && !((s & WRITER) !== 0 && ownerSleeping(Atomics.load(arr, idx + OWNER)));
}

/** May this waiter take the lock in state `s` (`free`: the state bits that must be clear for anyone)? */
function mayTake(arr: Int32Array, idx: number, s: number, free: number): boolean {
  if ((s & HANDOFF) === 0) return (s & free) === 0;
  return (s & free & ~WRITER_WAITING) === 0 && Atomics.load(arr, idx + CLAIMANT) === me();
}

/**
 * Wait once for the lock in state `s`, after spinning: claim the hand-off if this waiter already
 * slept CLAIM_ROUND times and nobody holds the claim, then sleep, on the state word (the claimant, and
 * everyone while nothing is handed off) or parked on the claimant word. Returns the next round.
 */
function wait(arr: Int32Array, idx: number, s: number, round: number, what: string): number {
  const holder = s & WRITER ? Atomics.load(arr, idx + OWNER) : 0;
  const claimant = Atomics.load(arr, idx + CLAIMANT);
  if (claimant !== 0 && claimant !== me() && ownerDead(claimant)) {
    dropClaim(arr, idx, claimant);
    return round;
  }
  if (round >= CLAIM_ROUND && claimant === 0) {
    if (Atomics.compareExchange(arr, idx + CLAIMANT, 0, me()) === 0) Atomics.or(arr, idx, HANDOFF);
    return round;
  }
  if (s & HANDOFF && claimant !== me() && claimant !== 0) {
    futexWait(arr, idx + CLAIMANT, claimant, round, what, holder, idx);
    return round + 1;
  }
  Atomics.add(arr, idx + SLEEPERS, 1);
  try {
    futexWait(arr, idx, s, round, what, holder);
  } finally {
    Atomics.sub(arr, idx + SLEEPERS, 1);
  }
  return round + 1;
}

/** End the hand-off to `claimant` (it took the lock, died or unwound) and wake the waiters parked behind it. */
function dropClaim(arr: Int32Array, idx: number, claimant: number): void {
  if (Atomics.compareExchange(arr, idx + CLAIMANT, claimant, 0) !== claimant) return;
  const s = Atomics.and(arr, idx, ~HANDOFF) & ~HANDOFF;
  Atomics.notify(arr, idx + CLAIMANT);
  wake(arr, idx, s);
}

/** After taking the lock: end the hand-off this waiter claimed, if any. */
function claimTaken(arr: Int32Array, idx: number): void {
  const self = me();
  if (Atomics.load(arr, idx + CLAIMANT) !== self) return;
  Atomics.store(arr, idx + CLAIMANT, 0);
  Atomics.notify(arr, idx + CLAIMANT, 1);
}

function readAcquire(arr: Int32Array, idx: number, kind: LockKind): void {
  const h = hooks;
  if (h !== null) h.lock(arr, idx, kind);
  let round = 0;
  try {
    for (let spin = 0; ; spin++) {
      const s = Atomics.load(arr, idx);
      if (mayTake(arr, idx, s, WRITER | WRITER_WAITING)) {
        if (Atomics.compareExchange(arr, idx, s, (s + 1) & ~HANDOFF) === s) break;
      } else if (h !== null && h.block(arr, idx, s, kind)) {
        continue;
      } else if (!spinMore(arr, idx, s, spin)) {
        round = wait(arr, idx, s, round, kind === LockKind.RwsemRead ? 'down_read' : 'read_lock');
      }
    }
  } catch (e) {
    unwound(arr, idx, false);
    throw e;
  }
  if (round > 0) claimTaken(arr, idx);
  noteReadHold(arr, idx);
  if (h !== null) h.locked(arr, idx, kind);
}

function readRelease(arr: Int32Array, idx: number, kind: LockKind): void {
  dropReadHold(arr, idx);
  const s = Atomics.sub(arr, idx, 1) - 1;
  if ((s & READERS) === 0) wake(arr, idx, s);
  const h = hooks;
  if (h !== null) h.unlock(arr, idx, kind);
}

/**
 * A waiter unwound (its lock's holder died, a scheduler hook threw): it drops the hand-off it
 * claimed, and the writer-waiting bit it may have set (readers would queue behind a writer that
 * is gone): every sleeper looks again, and another waiting writer sets the bit again.
 */
function unwound(arr: Int32Array, idx: number, writer: boolean): void {
  dropClaim(arr, idx, me());
  if (writer) wake(arr, idx, Atomics.and(arr, idx, ~WRITER_WAITING) | HANDOFF);
}

function writeAcquire(arr: Int32Array, idx: number, kind: LockKind): void {
  const h = hooks;
  if (h !== null) h.lock(arr, idx, kind);
  let round = 0;
  try {
    for (let spin = 0; ; spin++) {
      const s = Atomics.load(arr, idx);
      if (mayTake(arr, idx, s, WRITER | READERS)) {
        if (Atomics.compareExchange(arr, idx, s, WRITER) === s) break;
      } else if ((s & WRITER_WAITING) === 0) {
        Atomics.compareExchange(arr, idx, s, s | WRITER_WAITING);
      } else if (h !== null && h.block(arr, idx, s, kind)) {
        continue;
      } else if (!spinMore(arr, idx, s, spin)) {
        round = wait(arr, idx, s, round, kind === LockKind.RwsemWrite ? 'down_write' : kind === LockKind.Mutex ? 'mutex_lock' : 'write_lock');
      }
    }
  } catch (e) {
    unwound(arr, idx, true);
    throw e;
  }
  Atomics.store(arr, idx + OWNER, me());
  if (round > 0) claimTaken(arr, idx);
  if (h !== null) h.locked(arr, idx, kind);
}

function writeRelease(arr: Int32Array, idx: number, kind: LockKind): void {
  Atomics.store(arr, idx + OWNER, 0);
  wake(arr, idx, Atomics.and(arr, idx, HANDOFF) & HANDOFF);
  const h = hooks;
  if (h !== null) h.unlock(arr, idx, kind);
}

/** down_read: shared hold; waits while a writer holds or waits. */
export function downRead(arr: Int32Array, idx: number): void {
  readAcquire(arr, idx, LockKind.RwsemRead);
}

/** down_read_trylock: a shared hold if it can be had at once (no writer holds or waits). */
export function downReadTrylock(arr: Int32Array, idx: number): boolean {
  const h = hooks;
  if (h !== null) h.lock(arr, idx, LockKind.RwsemRead);
  for (let i = 0; i < SPIN_LIMIT; i++) {
    const s = Atomics.load(arr, idx);
    if ((s & (WRITER | WRITER_WAITING | HANDOFF)) !== 0) return false;
    if (Atomics.compareExchange(arr, idx, s, s + 1) === s) {
      noteReadHold(arr, idx);
      if (h !== null) h.locked(arr, idx, LockKind.RwsemRead);
      return true;
    }
  }
  return false;
}

/** up_read: drop a shared hold. */
export function upRead(arr: Int32Array, idx: number): void {
  readRelease(arr, idx, LockKind.RwsemRead);
}

/** down_write: exclusive hold; announces itself so that new readers wait. */
export function downWrite(arr: Int32Array, idx: number): void {
  writeAcquire(arr, idx, LockKind.RwsemWrite);
}

/** up_write: drop the exclusive hold and wake the first sleeper (the claimant, while the lock is handed off). */
export function upWrite(arr: Int32Array, idx: number): void {
  writeRelease(arr, idx, LockKind.RwsemWrite);
}

/** read_lock (rwlock_t): as down_read, but the holder is in atomic context. */
export function readLock(arr: Int32Array, idx: number): void {
  readAcquire(arr, idx, LockKind.RwlockRead);
}

/** read_unlock */
export function readUnlock(arr: Int32Array, idx: number): void {
  readRelease(arr, idx, LockKind.RwlockRead);
}

/** write_lock (rwlock_t) */
export function writeLock(arr: Int32Array, idx: number): void {
  writeAcquire(arr, idx, LockKind.RwlockWrite);
}

/** write_unlock */
export function writeUnlock(arr: Int32Array, idx: number): void {
  writeRelease(arr, idx, LockKind.RwlockWrite);
}

/** mutex_lock: an exclusive sleeping lock (the same words, writer only). */
export function mutexLock(arr: Int32Array, idx: number): void {
  writeAcquire(arr, idx, LockKind.Mutex);
}

/** mutex_unlock */
export function mutexUnlock(arr: Int32Array, idx: number): void {
  writeRelease(arr, idx, LockKind.Mutex);
}

/** Give back a read hold on behalf of a thread that died (the machine's main thread calls this). */
export function upReadFor(arr: Int32Array, idx: number): void {
  const s = Atomics.sub(arr, idx, 1) - 1;
  if ((s & READERS) === 0) wake(arr, idx, s);
}

/** The writer's owner id, or 0; and the number of readers. */
export function rwsemHolders(arr: Int32Array, idx: number): { writer: number; readers: number } {
  const s = Atomics.load(arr, idx);
  return { writer: s & WRITER ? Atomics.load(arr, idx + OWNER) : 0, readers: s & READERS };
}
