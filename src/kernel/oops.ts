/**
 * Oops: kernel code of a thread cut short by an exception (a BUG, a lock whose holder died, a
 * scheduler hook that threw) at a moment when it may hold locks.
 *
 * Model. The kernel has no exceptions: every path that takes a lock releases it, unless it is
 * unwound. Linux ends a task that oopses in a system call with its locks still held, and their
 * waiters wait for ever. Here the unwinding is caught where the thread entered the kernel (every
 * Sys method, a task's clone, exec and exit, kswapd) and the thread's locks are dealt with:
 *   - its read holds are given back: a reader changed nothing, so the others go on;
 *   - a lock it holds exclusively stays held (what it guards may be half changed, and releasing
 *     it would let other tasks act on that), but the thread's lock owner id is marked dead, so
 *     that every waiter fails at its next wait slice with ERR_LOCK_OWNER_DIED naming the lock and
 *     the task (fail closed). The call fails with ERR_KERNEL_OOPS saying which locks it left
 *     held, the machine is told (a `task-oops` fault), and the thread makes no more system calls
 *     (ERR_TASK_DIED): a thread whose owner id is dead must not take locks again.
 * Releasing locks on the way out instead (try/finally along every path) would hide the failure.
 * Under a controlled scheduler (the race engine) none of this happens: it unwinds the tasks of an
 * execution it aborts on purpose, one task runs at a time, and it restores the machine after.
 *
 * What is held costs nothing to know on the paths that succeed: read holds are listed per owner
 * (owner.ts), and exclusive holds are found after the fact, by reading every lock word of the
 * machine for this thread's owner id.
 *
 * Locking: runs in the thread that unwound, after the unwinding; reads lock words with atomics
 * and gives read holds back without the scheduler's hooks (a hook may be what threw).
 */
import { OWNER_MASK, lockOwner, markOwnerDead, ownerDead, ownerName, takeReadHolds } from '../shm/owner.js';
import { rwsemHolders, upReadFor } from '../shm/rwsem.js';
import { spinOwner } from '../shm/spinlock.js';
import { hooks } from '../sched/preempt.js';
import { type Kernel } from './kernel.js';
import { memalloc } from './page-alloc.js';
import { forEachLockWord, lockWordName } from './sites.js';

/** A system call cut short while its thread held locks exclusively; they now fail their waiters. */
export class KernelOopsError extends Error {
  readonly code = 'ERR_KERNEL_OOPS';
  constructor(
    message: string,
    /** The exception that cut the call short. */
    override readonly cause: unknown,
  ) {
    super(message);
    if (cause instanceof Error && cause.stack) this.stack = `${this.stack}\nCaused by: ${cause.stack}`;
  }
}

/**
 * What this thread's oops left held, once it oopsed holding locks (its owner id is dead from then
 * on, and its calls are refused); null while it may make calls. A plain variable, so that the
 * check at every call costs next to nothing.
 */
let leftHeld: string | null = null;
/** Who hears of an oops that left locks held (the task's worker tells the machine). */
let reporter: ((message: string) => void) | null = null;

/** Tell `fn` of every oops of this thread that leaves locks held. */
export function setOopsReporter(fn: ((message: string) => void) | null): void {
  reporter = fn;
}

/** The lock words owner `owner` (this thread by default) holds exclusively: spinlocks, rwsems held for write, mutexes. */
export function exclusiveHolds(kn: Kernel, owner = lockOwner() || OWNER_MASK): [Int32Array, number][] {
  const out: [Int32Array, number][] = [];
  forEachLockWord(kn, (arr, idx, kind) => {
    if ((kind === 'spin' ? spinOwner(arr, idx) : rwsemHolders(arr, idx).writer) === owner) out.push([arr, idx]);
  });
  return out;
}

/** Every lock of the machine held exclusively by a thread that died (or oopsed), as a sentence each: for audits. */
export function deadLockHolds(kn: Kernel): string[] {
  const out: string[] = [];
  forEachLockWord(kn, (arr, idx, kind) => {
    const holder = kind === 'spin' ? spinOwner(arr, idx) : rwsemHolders(arr, idx).writer;
    if (holder !== 0 && ownerDead(holder)) out.push(`${lockWordName(kn, arr, idx)} is held by ${ownerName(holder)}, which died holding it`);
  });
  return out;
}

/** The names of lock words, for a message: 'zone_lock of node 1, mmap_sem of mm 2 (process 1000)'. */
export function lockNames(kn: Kernel, words: [Int32Array, number][]): string {
  return words.map(([arr, idx]) => lockWordName(kn, arr, idx)).join(', ');
}

/** Forget the kernel context a system call cut short left in this thread: its allocation flags. */
function forgetCutCall(): void {
  memalloc.noreclaim = false;
}

/**
 * A fresh start for this thread's kernel code on a machine whose buffers were restored (the race
 * engine, before each execution): what a cut call left, and an oops, are forgotten.
 */
export function resetKernelThread(): void {
  forgetCutCall();
  leftHeld = null;
}

/** An error for a call made by a thread whose earlier call oopsed holding locks. */
function deadInKernel(where: string): Error {
  return Object.assign(new Error(`${where}: ${ownerName(lockOwner())} died in the kernel (${leftHeld}); it makes no more system calls`), { code: 'ERR_TASK_DIED' });
}

/**
 * Kernel code this thread entered at `where` ('mbind()') unwound with `e`: give back its read
 * holds; if it holds locks exclusively, mark it dead to their waiters. Returns what to throw: `e`
 * itself when nothing stays held, else a KernelOopsError naming the locks.
 */
export function kernelOops(kn: Kernel, where: string, e: unknown): unknown {
  // A controlled scheduler unwinds the tasks of an execution it aborts, and restores the
  // machine's buffers after it: nobody waits on what they held (one task runs at a time).
  if (hooks?.controlled) return e;
  forgetCutCall();
  if (lockOwner() === 0 || leftHeld !== null) return e;
  for (const [arr, idx] of takeReadHolds()) upReadFor(arr, idx);
  const held = exclusiveHolds(kn);
  if (held.length === 0) return e;
  markOwnerDead(lockOwner());
  const names = lockNames(kn, held);
  leftHeld = `${where} was cut short holding ${names}`;
  const why = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  const stays = held.length === 1 ? 'it stays held and fails its waiters' : 'they stay held and fail their waiters';
  const message = `${where} of ${ownerName(lockOwner())} was cut short by an exception while holding ${names}: ${stays} (ERR_LOCK_OWNER_DIED), and the task makes no more system calls. The exception: ${why}`;
  reporter?.(message);
  return new KernelOopsError(message, e);
}

/** Refuse a call of a thread that oopsed holding locks (its owner id is dead). */
export function checkAlive(where: string): void {
  if (leftHeld !== null) throw deadInKernel(where);
}

/** Run kernel code entered at `where`, dealing with an exception that unwinds it (kernelOops). */
export function enterKernel<T>(kn: Kernel, where: string, fn: () => T): T {
  checkAlive(where);
  try {
    return fn();
  } catch (e) {
    throw kernelOops(kn, where, e);
  }
}
