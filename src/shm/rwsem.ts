/**
 * Reader/writer locks over three shared Int32 words: struct rw_semaphore (the mm's mmap_sem, a
 * file's i_rwsem), and with the same words rwlock_t and struct mutex, which differ only in what
 * a scheduler and the lock-context checker are told (rwlock_t spins; a mutex sleeps, writer only).
 *
 * Word `idx`: the count of readers in bits 0-28, RWSEM_WRITER when a writer holds it, and
 * RWSEM_WRITER_WAITING when a writer waits (new readers then queue behind it, so writers are not
 * starved by a stream of faults). Word `idx + 1`: the number of sleepers, so that release skips
 * Atomics.notify when nobody sleeps. Word `idx + 2`: the writer's owner id while one holds it (a
 * waiter fails at once if that owner's thread died). Read holds are listed per owner (owner.ts)
 * so that a dead reader's holds can be given back. Sleepers are all woken and retry: the queue is
 * the futex's, not ours, which is enough at the scale of an emulated machine.
 */
import { LockKind, hooks } from '../sched/preempt.js';
import { SPIN_LIMIT, futexWait } from './futex.js';
import { OWNER_MASK, dropReadHold, lockOwner, noteReadHold, ownerSleeping } from './owner.js';

/** Words of one rw_semaphore (state, sleepers, owner). */
export const RWSEM_WORDS = 3;
const WRITER = 1 << 30;
const WRITER_WAITING = 1 << 29;
const READERS = WRITER_WAITING - 1;
const OWNER = 2;

/** Sleep while the word still reads `seen` (Atomics.wait compares it atomically), counted as a sleeper. */
function sleep(arr: Int32Array, idx: number, seen: number, round: number, what: string): void {
  Atomics.add(arr, idx + 1, 1);
  try {
    futexWait(arr, idx, seen, round, what, seen & WRITER ? Atomics.load(arr, idx + OWNER) : 0);
  } finally {
    Atomics.sub(arr, idx + 1, 1);
  }
}

function wakeAll(arr: Int32Array, idx: number): void {
  if (Atomics.load(arr, idx + 1) !== 0) Atomics.notify(arr, idx);
}

/** Should a waiter that saw state `s` keep spinning (the writer holding it is awake)? */
function spinMore(arr: Int32Array, idx: number, s: number, spin: number): boolean {
  return spin < SPIN_LIMIT && !((s & WRITER) !== 0 && ownerSleeping(Atomics.load(arr, idx + OWNER)));
}

function readAcquire(arr: Int32Array, idx: number, kind: LockKind): void {
  const h = hooks;
  if (h !== null) h.lock(arr, idx, kind);
  for (let spin = 0, round = 0; ; spin++) {
    const s = Atomics.load(arr, idx);
    if ((s & (WRITER | WRITER_WAITING)) === 0) {
      if (Atomics.compareExchange(arr, idx, s, s + 1) === s) break;
    } else if (h !== null && h.block(arr, idx, s, kind)) {
      continue;
    } else if (!spinMore(arr, idx, s, spin)) {
      sleep(arr, idx, s, round++, kind === LockKind.RwsemRead ? 'down_read' : 'read_lock');
    }
  }
  noteReadHold(arr, idx);
  if (h !== null) h.locked(arr, idx, kind);
}

function readRelease(arr: Int32Array, idx: number, kind: LockKind): void {
  dropReadHold(arr, idx);
  const s = Atomics.sub(arr, idx, 1) - 1;
  if ((s & READERS) === 0) wakeAll(arr, idx);
  const h = hooks;
  if (h !== null) h.unlock(arr, idx, kind);
}

function writeAcquire(arr: Int32Array, idx: number, kind: LockKind): void {
  const h = hooks;
  if (h !== null) h.lock(arr, idx, kind);
  try {
    for (let spin = 0, round = 0; ; spin++) {
      const s = Atomics.load(arr, idx);
      if ((s & (WRITER | READERS)) === 0) {
        if (Atomics.compareExchange(arr, idx, s, WRITER) === s) break;
      } else if ((s & WRITER_WAITING) === 0) {
        Atomics.compareExchange(arr, idx, s, s | WRITER_WAITING);
      } else if (h !== null && h.block(arr, idx, s, kind)) {
        continue;
      } else if (!spinMore(arr, idx, s, spin)) {
        sleep(arr, idx, s, round++, kind === LockKind.RwsemWrite ? 'down_write' : kind === LockKind.Mutex ? 'mutex_lock' : 'write_lock');
      }
    }
  } catch (e) {
    // A waiter unwound (its lock's holder died, a scheduler hook threw): take back the
    // writer-waiting bit it may have set, or readers would queue behind a writer that is gone.
    // Another waiting writer sets it again on its next look, once woken.
    Atomics.and(arr, idx, ~WRITER_WAITING);
    wakeAll(arr, idx);
    throw e;
  }
  Atomics.store(arr, idx + OWNER, lockOwner() || OWNER_MASK);
  if (h !== null) h.locked(arr, idx, kind);
}

function writeRelease(arr: Int32Array, idx: number, kind: LockKind): void {
  Atomics.store(arr, idx + OWNER, 0);
  Atomics.store(arr, idx, 0);
  wakeAll(arr, idx);
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
    if ((s & (WRITER | WRITER_WAITING)) !== 0) return false;
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

/** up_write: drop the exclusive hold and wake every sleeper to retry. */
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
  if ((s & READERS) === 0) wakeAll(arr, idx);
}

/** The writer's owner id, or 0; and the number of readers. */
export function rwsemHolders(arr: Int32Array, idx: number): { writer: number; readers: number } {
  const s = Atomics.load(arr, idx);
  return { writer: s & WRITER ? Atomics.load(arr, idx + OWNER) : 0, readers: s & READERS };
}
