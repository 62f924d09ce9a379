/**
 * Preemption points: where the emulated kernel hands control to a race scheduler.
 *
 * Every lock, unlock, refcount get/put and every named site of the kernel calls into this module.
 * With no scheduler attached (free mode, the default) each call is one null check. A scheduler
 * installs `SchedHooks` in a thread (each worker has its own module instance, so each thread has
 * its own hooks) and from then on sees every point the thread passes: the controlled scheduler
 * stops the thread there and lets another run; the recorder logs it; the perturber delays it;
 * the detectors keep their books. This module knows nothing of mempolicy: it names the kinds of
 * point, and the kernel names its sites (a table of stable names, see sites.ts).
 */

/** The kinds of point, as a run-time object (the API takes and reports these numbers). */
export const PreemptPoint = Object.freeze({
  /** About to take a lock (any LockKind). */
  Lock: 1,
  /** Just released a lock. */
  Unlock: 2,
  /** About to take a reference (refcount_inc). */
  RefGet: 3,
  /** About to drop a reference (refcount_dec_and_test). */
  RefPut: 4,
  /** A named site of the kernel (a stable id from the site table). */
  Site: 5,
  /** About to wait for a lock word to change (the lock is held by someone else). */
  Block: 6,
  /** A task's program starts, or ends. */
  Start: 7,
  End: 8,
} as const);
/** One of the PreemptPoint values. */
export type PreemptPoint = (typeof PreemptPoint)[keyof typeof PreemptPoint];

/** The kinds of lock, as a run-time object: spinning ones may not be held around sleeping ones. */
export const LockKind = Object.freeze({
  /** spinlock_t (spins; atomic context while held). */
  Spin: 1,
  /** rw_semaphore held for read (sleeps). */
  RwsemRead: 2,
  /** rw_semaphore held for write (sleeps). */
  RwsemWrite: 3,
  /** rwlock_t held for read (spins). */
  RwlockRead: 4,
  /** rwlock_t held for write (spins). */
  RwlockWrite: 5,
  /** struct mutex (sleeps). */
  Mutex: 6,
} as const);
/** One of the LockKind values. */
export type LockKind = (typeof LockKind)[keyof typeof LockKind];

/** True for the kinds of lock whose waiters sleep (taking one is forbidden in atomic context). */
export function sleepingLock(kind: LockKind): boolean {
  return kind === LockKind.RwsemRead || kind === LockKind.RwsemWrite || kind === LockKind.Mutex;
}

/** True for the kinds of lock that put their holder in atomic context. */
export function spinningLock(kind: LockKind): boolean {
  return kind === LockKind.Spin || kind === LockKind.RwlockRead || kind === LockKind.RwlockWrite;
}

/**
 * What a scheduler attaches to a thread. The primitives call `lock` before trying a lock,
 * `locked` once they hold it, `unlock` after releasing it, `ref` before a refcount operation and
 * `block` instead of waiting when the word they need is held; the kernel calls `site`.
 */
export interface SchedHooks {
  /** True when one task runs at a time: a primitive that finds its lock held calls `block` at once instead of spinning. */
  readonly controlled: boolean;
  lock(arr: Int32Array, idx: number, kind: LockKind): void;
  locked(arr: Int32Array, idx: number, kind: LockKind): void;
  unlock(arr: Int32Array, idx: number, kind: LockKind): void;
  ref(arr: Int32Array, idx: number, delta: 1 | -1): void;
  site(id: number): void;
  /**
   * The caller would wait while `arr[idx] === seen`. A controlled scheduler runs other tasks
   * and returns when this one may retry; a free-running one returns false to let the caller
   * wait as usual (true means: retry without waiting).
   */
  block(arr: Int32Array, idx: number, seen: number, kind: LockKind): boolean;
  /** Should this pass of the injectable site `id` (an allocation in a named slab) fail? */
  fault(id: number): boolean;
}

/** This thread's hooks, or null (free mode). Read directly by the primitives on their hot paths. */
export let hooks: SchedHooks | null = null;

/** Install (or with null remove) this thread's hooks; returns the previous ones. */
export function setSchedHooks(next: SchedHooks | null): SchedHooks | null {
  const prev = hooks;
  hooks = next;
  return prev;
}

/** A named site of the kernel: a preemption point with a stable name (see sites.ts). */
export function sitePoint(id: number): void {
  if (hooks !== null) hooks.site(id);
}

/** An injectable site (an allocation that may fail): true when the scheduler makes it fail. */
export function injectFault(id: number): boolean {
  return hooks !== null && hooks.fault(id);
}
