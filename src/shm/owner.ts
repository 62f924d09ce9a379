/**
 * Lock owners: who holds a lock word, and what happens to a lock whose holder's thread died.
 *
 * Model. Every thread that takes the machine's locks has an owner id (a task worker: its task
 * slot; a node worker, the main thread: ids above the tasks). A spinlock word and an rwsem's
 * owner word hold the id of the thread that holds them exclusively; the read holds of an rwsem
 * are only counted in its word, so each owner also lists its read holds in a shared table. When
 * a thread dies, the machine marks its id dead: a waiter that finds a dead exclusive holder fails
 * at once with ERR_LOCK_OWNER_DIED (fail closed: what the holder was changing may be half done),
 * and the dead owner's read holds are given back (readers change nothing, so the others go on).
 *
 * Arrays. A lock word lives in one of the machine's shared Int32Arrays (the kernel tables, a
 * node's header, a block device's header). Each thread registers the same arrays in the same
 * order, so an array id names the same buffer in every thread; ids start at 1.
 *
 * Locking. An owner's row of the table is written only by its own thread while the thread lives,
 * and by the machine's main thread after it died; the dead bitmap is changed with atomics.
 */

/** Largest owner id a lock word can hold (bits 0..25). */
export const OWNER_MASK = (1 << 26) - 1;
/** Read holds one owner can list at once (nesting deeper than this is an emulator bug). */
export const READ_HOLDS_MAX = 8;
/** Words per owner row: the number of read holds, SLEEPING, then (array id, word) pairs. */
export const OWNER_ROW_WORDS = 2 + 2 * READ_HOLDS_MAX;
const ROW_COUNT = 0;
const ROW_SLEEPING = 1;

/** A lock whose exclusive holder's thread died: the state it protects cannot be trusted. */
export class LockOwnerDiedError extends Error {
  readonly code = 'ERR_LOCK_OWNER_DIED';
  /** Who the dead holder was ('task 1002 of process 1000'). */
  readonly holder: string;
  constructor(
    /** The lock ('mmap_sem of mm 2 (process 1000)'). */
    readonly what: string,
    /** Owner id of the dead holder. */
    readonly owner: number,
  ) {
    const holder = ownerName(owner);
    super(`${what} is held by ${holder}, which died holding it: what the lock guards may be half changed, so its waiters fail instead of waiting for ever`);
    this.holder = holder;
  }
}

/** This thread's owner id; 0 until the thread is bound to a machine. */
let self = 0;
let table: Int32Array | null = null;
let deadBase = 0;
let rowsBase = 0;
let owners = 0;
let myRow = -1;
const arrays: Int32Array[] = [];
/** Optional namers for error messages (the kernel's): of lock words, and of owner ids. */
let namer: ((arr: Int32Array, idx: number) => string) | null = null;
let ownerNamer: ((id: number) => string) | null = null;

/** Words a machine needs for the owner table of `n` owners: the dead bitmap, then the rows. */
export function ownerTableWords(n: number): number {
  return Math.ceil(n / 32) + n * OWNER_ROW_WORDS;
}

/**
 * Bind this thread to a machine's owner table (`n` owners at word `base` of `arr`) as owner
 * `id` (1..n-1), and register the machine's lock arrays (same order in every thread).
 */
export function bindOwners(arr: Int32Array, base: number, n: number, id: number, lockArrays: readonly Int32Array[]): void {
  if (id <= 0 || id >= n || id > OWNER_MASK) throw new RangeError(`lock owner id ${id} is not in 1..${n - 1}`);
  table = arr;
  owners = n;
  deadBase = base;
  rowsBase = base + Math.ceil(n / 32);
  self = id;
  myRow = rowsBase + id * OWNER_ROW_WORDS;
  arrays.length = 0;
  arrays.push(...lockArrays);
}

/** This thread's owner id (0 when unbound). */
export function lockOwner(): number {
  return self;
}

/** Name lock words and owners in messages (installed by the kernel, which knows its layout and its threads). */
export function setLockNamer(fn: ((arr: Int32Array, idx: number) => string) | null, owner: ((id: number) => string) | null = null): void {
  namer = fn;
  ownerNamer = owner;
}

/** A readable name for owner `id` ('task 1002 of process 1000'). */
export function ownerName(id: number): string {
  return ownerNamer !== null ? ownerNamer(id) : `lock owner ${id}`;
}

/** A readable name for the lock word `arr[idx]`. */
export function lockName(arr: Int32Array, idx: number, fallback: string): string {
  return namer !== null ? namer(arr, idx) : `${fallback} word ${idx}`;
}

/** The id of a registered lock array (1-based), or 0 when it is not one of the machine's. */
export function arrayId(arr: Int32Array): number {
  for (let i = 0; i < arrays.length; i++) if (arrays[i] === arr) return i + 1;
  return 0;
}

/** The registered lock array with id `id`. */
export function arrayById(id: number): Int32Array | undefined {
  return arrays[id - 1];
}

/** True when owner `id`'s thread died. */
export function ownerDead(id: number): boolean {
  if (table === null || id <= 0 || id >= owners) return false;
  return ((Atomics.load(table, deadBase + (id >>> 5)) >>> (id & 31)) & 1) === 1;
}

/** True while owner `id` sleeps in a futex wait (spinning for its lock is pointless then). */
export function ownerSleeping(id: number): boolean {
  if (table === null || id <= 0 || id >= owners) return false;
  return Atomics.load(table, rowsBase + id * OWNER_ROW_WORDS + ROW_SLEEPING) !== 0;
}

/** Mark this thread as sleeping in a wait (or awake again). */
export function setSleeping(on: boolean): void {
  if (myRow >= 0) Atomics.store(table!, myRow + ROW_SLEEPING, on ? 1 : 0);
}

/**
 * Record a read hold of `arr[idx]` by this thread. Plain stores: the row is read by other threads
 * only after this one died (the machine, reaping it) or while it is parked by a controlled
 * scheduler (deadlock reports), and both come after a synchronising Atomics operation.
 */
export function noteReadHold(arr: Int32Array, idx: number): void {
  if (myRow < 0) return;
  const t = table!;
  const n = t[myRow + ROW_COUNT];
  if (n >= READ_HOLDS_MAX) throw new Error(`numa-emu BUG: more than ${READ_HOLDS_MAX} nested read holds`);
  t[myRow + 2 + 2 * n] = arr === arrays[0] ? 1 : arrayId(arr);
  t[myRow + 3 + 2 * n] = idx;
  t[myRow + ROW_COUNT] = n + 1;
}

/** Forget the most recent read hold of `arr[idx]` by this thread (mostly the last one listed). */
export function dropReadHold(arr: Int32Array, idx: number): void {
  if (myRow < 0) return;
  const t = table!;
  const n = t[myRow + ROW_COUNT];
  const id = arr === arrays[0] ? 1 : arrayId(arr);
  for (let i = n - 1; i >= 0; i--) {
    if (t[myRow + 2 + 2 * i] !== id || t[myRow + 3 + 2 * i] !== idx) continue;
    for (let j = i; j < n - 1; j++) {
      t[myRow + 2 + 2 * j] = t[myRow + 4 + 2 * j];
      t[myRow + 3 + 2 * j] = t[myRow + 5 + 2 * j];
    }
    t[myRow + ROW_COUNT] = n - 1;
    return;
  }
}

/** Forget every read hold this thread listed and return them (it gives them back itself: oops.ts). */
export function takeReadHolds(): [Int32Array, number][] {
  if (myRow < 0) return [];
  const holds = readHoldsOf(self);
  Atomics.store(table!, myRow + ROW_COUNT, 0);
  return holds;
}

/** The read holds owner `id` has listed: [array, word] pairs. */
export function readHoldsOf(id: number): [Int32Array, number][] {
  if (table === null || id <= 0 || id >= owners) return [];
  const row = rowsBase + id * OWNER_ROW_WORDS;
  const out: [Int32Array, number][] = [];
  for (let i = 0; i < Atomics.load(table, row + ROW_COUNT); i++) {
    const arr = arrayById(table[row + 2 + 2 * i]);
    if (arr) out.push([arr, table[row + 3 + 2 * i]]);
  }
  return out;
}

/**
 * Mark owner `id` dead (its thread is gone) and clear its row; returns its read holds, which
 * the caller gives back (the rwsem module's upReadFor).
 */
export function markOwnerDead(id: number): [Int32Array, number][] {
  if (table === null || id <= 0 || id >= owners) return [];
  const holds = readHoldsOf(id);
  Atomics.or(table, deadBase + (id >>> 5), 1 << (id & 31));
  Atomics.store(table, rowsBase + id * OWNER_ROW_WORDS + ROW_COUNT, 0);
  return holds;
}

/** Owner `id` is in use again (a new task took the slot of a dead one). */
export function markOwnerAlive(id: number): void {
  if (table === null || id <= 0 || id >= owners) return;
  Atomics.and(table, deadBase + (id >>> 5), ~(1 << (id & 31)));
  table.fill(0, rowsBase + id * OWNER_ROW_WORDS, rowsBase + (id + 1) * OWNER_ROW_WORDS);
}
