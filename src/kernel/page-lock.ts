/**
 * The page lock (folio_lock, folio_trylock, folio_unlock, folio_wait_locked; mm/filemap.c).
 *
 * Model. PG_LOCKED in a page's FLAGS word is the lock; PG_WAITERS says someone sleeps on it, so
 * that an unlock pays for Atomics.notify only then (PG_waiters). The lock says "this page's
 * identity is changing": whoever holds it may switch the cache slot or the entries that name the
 * page (migration), remove it from its inode (truncation), or publish it in a page table after
 * checking it is still in its inode (a fault). Its holder needs a reference on the page (a pin or
 * the LRU isolation), so a locked page is never freed, except by the holder after it unlocks.
 *
 * Lock order: mmap_sem, then the page lock, then an mm's VMA_LOCK (the reverse-map walk), then
 * the LRU and zone spinlocks. A task holding a page lock takes no mmap_sem and no second page lock
 * it could wait for, except migration, which locks only pages it isolated from the LRU (nobody
 * else can hold two of those). Every wait is bounded by the futex watchdog.
 *
 * For the race engine the page lock is a sleeping lock of class `page_lock` (`mutex_lock:page_lock`,
 * `mutex_unlock:page_lock` are its points): lockPage, trylockPage and unlockPage pass the
 * scheduler's hooks, and under a controlled scheduler a waiter is marked blocked on the FLAGS word
 * instead of spinning. Its holder is not recorded (a bit lock). Migration's own fast paths (the
 * lock of an isolated page, a new page born locked) set the bit directly and are not points.
 */
import { LockKind, hooks } from '../sched/preempt.js';
import { BUG } from '../shm/layout.js';
import { SPIN_LIMIT, futexWait } from '../shm/futex.js';
import { PAGE, PG_LOCKED, PG_WAITERS } from '../shm/structs.js';
import { type Kernel } from './kernel.js';
import { pageWord } from './page-alloc.js';

/** folio_trylock: true if this call took the lock. */
export function trylockPage(kn: Kernel, pfn: number): boolean {
  const nm = kn.pfnNode(pfn);
  const w = pageWord(nm, pfn, PAGE.FLAGS);
  const h = hooks;
  if (h !== null) h.lock(nm.i32, w, LockKind.Mutex);
  if (Atomics.or(nm.i32, w, PG_LOCKED) & PG_LOCKED) return false;
  if (h !== null) h.locked(nm.i32, w, LockKind.Mutex);
  return true;
}

/** folio_lock: take the lock, spinning a little, then sleeping on the FLAGS word. */
export function lockPage(kn: Kernel, pfn: number): void {
  const nm = kn.pfnNode(pfn);
  const { i32 } = nm;
  const w = pageWord(nm, pfn, PAGE.FLAGS);
  const h = hooks;
  if (h !== null) h.lock(i32, w, LockKind.Mutex);
  for (let spin = 0, round = 0; ; spin++) {
    const f = Atomics.load(i32, w);
    if (!(f & PG_LOCKED)) {
      if (!(Atomics.or(i32, w, PG_LOCKED) & PG_LOCKED)) break;
    } else if (h !== null && h.block(i32, w, f, LockKind.Mutex)) {
      continue; // a controlled scheduler ran the others until the word changed
    } else if (spin >= SPIN_LIMIT) {
      sleepOnFlags(i32, w, f, round++, 'lock_page');
    }
  }
  if (h !== null) h.locked(i32, w, LockKind.Mutex);
}

/** folio_unlock: drop the lock and wake every sleeper (each retries). */
export function unlockPage(kn: Kernel, pfn: number): void {
  const nm = kn.pfnNode(pfn);
  const w = pageWord(nm, pfn, PAGE.FLAGS);
  const old = Atomics.and(nm.i32, w, ~(PG_LOCKED | PG_WAITERS));
  if (!(old & PG_LOCKED)) BUG(`unlock of pfn ${pfn}, which is not locked`);
  if (old & PG_WAITERS) Atomics.notify(nm.i32, w);
  const h = hooks;
  if (h !== null) h.unlock(nm.i32, w, LockKind.Mutex);
}

/** True while the page is locked. */
export function pageLocked(kn: Kernel, pfn: number): boolean {
  const nm = kn.pfnNode(pfn);
  return (Atomics.load(nm.i32, pageWord(nm, pfn, PAGE.FLAGS)) & PG_LOCKED) !== 0;
}

/**
 * One bounded sleep until the page is unlocked (folio_wait_locked), for a waiter that holds no
 * reference (a fault on a migration entry). Returns false at once if it is not locked; true after
 * a sleep, after which the caller re-reads what it waits for and calls again with round + 1 (the
 * rounds count sleeps only, so that round 0 always starts the watchdog's clock).
 */
export function waitOnPageLocked(kn: Kernel, pfn: number, round: number): boolean {
  const nm = kn.pfnNode(pfn);
  const w = pageWord(nm, pfn, PAGE.FLAGS);
  const f = Atomics.load(nm.i32, w);
  if (!(f & PG_LOCKED)) return false;
  sleepOnFlags(nm.i32, w, f, round, 'migration_entry_wait');
  return true;
}

/**
 * Announce a sleeper, then sleep while the word still reads the same: a changed word (the
 * announcement lost a race) returns at once, and an unlock notifies.
 */
function sleepOnFlags(i32: Int32Array, w: number, f: number, round: number, what: string): void {
  if (!(f & PG_WAITERS)) Atomics.compareExchange(i32, w, f, f | PG_WAITERS);
  futexWait(i32, w, f | PG_WAITERS, round, what);
}
