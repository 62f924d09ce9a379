/**
 * Address spaces: creation, fork (dup_mmap) and teardown (exit_mmap) of an mm.
 *
 * Refcounts: MM.USERS counts the tasks using the mm (atomic); the last mmput tears it down.
 * Each VMA owns one reference on its policy and, for shared mappings, one on its shmem object;
 * each page-table entry one on its page (see memory.ts).
 *
 * Locking: fork holds the parent's mmap_sem for write (so no fault changes the entries it copies
 * and write-protects) and builds the child before any task can use it; teardown runs when no
 * task uses the mm any more, and takes the semaphore for write all the same.
 */
import { downWrite, upWrite } from '../shm/rwsem.js';
import { KHDR, MM, TASK, VM_SHARED } from '../shm/structs.js';
import { ENOMEM } from './errno.js';
import { type Kernel } from './kernel.js';
import { mpolDup, mpolPut } from './mempolicy.js';
import { copyPteRange, zapPteRange } from './memory.js';
import { inodePut } from './inode.js';
import { allocSlot, freeSlot } from './slots.js';
import { insertVma, newAnonVmaId, inodeGetRef, vmaCount, vmaLayoutLock, vmaLayoutUnlock, vmaRead, vmaSet } from './vma.js';
import { VMA } from '../shm/structs.js';
import { PGTABLES_CEILING, freePgtables } from './pgtable.js';

/** mm_alloc: a fresh, empty mm for process `pid` with one user; slot or -ENOMEM. */
export function mmAlloc(kn: Kernel, pid: number): number {
  const m = allocSlot(kn, kn.regions.mm, MM.WORDS, kn.cfg.limits.maxMms);
  if (m === 0) return -ENOMEM;
  kn.k[kn.mm(m) + MM.PID] = pid;
  Atomics.store(kn.k, kn.mm(m) + MM.USERS, 1);
  for (let high = Atomics.load(kn.k, KHDR.MM_HIGH); high <= m; high = Atomics.load(kn.k, KHDR.MM_HIGH)) {
    if (Atomics.compareExchange(kn.k, KHDR.MM_HIGH, high, m + 1) === high) break;
  }
  return m;
}

/** Unmap VMA `i` entirely: its pages, its policy, its object reference (mmap_sem held for write). */
export function unmapVmaResources(kn: Kernel, m: number, i: number): void {
  const v = vmaRead(kn, m, i);
  zapPteRange(kn, m, v.start, v.end);
  vmaSet(kn, m, i, VMA.POLICY, 0); // unlinked before its reference goes
  mpolPut(kn, v.policy);
  if (v.inode === 0) return;
  // Unlinked from reverse-map walks (they match VMAs by inode under VMA_LOCK) before the
  // reference goes: the inode slot may be reused at once.
  vmaLayoutLock(kn, m);
  vmaSet(kn, m, i, VMA.INODE, 0);
  vmaLayoutUnlock(kn, m);
  inodePut(kn, v.inode);
}

/** exit_mmap: drop every VMA of `m`, then its page tables (its PGD stays, empty, with the slot). */
export function exitMmap(kn: Kernel, m: number): void {
  const sem = kn.mm(m) + MM.SEM;
  downWrite(kn.k, sem);
  for (let i = vmaCount(kn, m) - 1; i >= 0; i--) unmapVmaResources(kn, m, i);
  vmaLayoutLock(kn, m);
  kn.k[kn.mm(m) + MM.NR_VMAS] = 0;
  vmaLayoutUnlock(kn, m);
  freePgtables(kn, m, 0, PGTABLES_CEILING);
  upWrite(kn.k, sem);
}

/** mmget: one more task uses `m`. */
export function mmGet(kn: Kernel, m: number): void {
  Atomics.add(kn.k, kn.mm(m) + MM.USERS, 1);
}

/** get_task_mm: a reference on task `t`'s mm (release it with mmPut), or 0 if the mm is already going. */
export function getTaskMm(kn: Kernel, t: number): number {
  const m = kn.k[kn.task(t) + TASK.MM];
  const w = kn.mm(m) + MM.USERS;
  for (let u = Atomics.load(kn.k, w); u > 0; u = Atomics.load(kn.k, w)) if (Atomics.compareExchange(kn.k, w, u, u + 1) === u) return m;
  return 0;
}

/** mmput: a task stops using `m`; the last one tears it down and frees the slot. */
export function mmPut(kn: Kernel, m: number): void {
  if (Atomics.sub(kn.k, kn.mm(m) + MM.USERS, 1) !== 1) return;
  exitMmap(kn, m);
  freeSlot(kn, kn.regions.mm, MM.WORDS, m);
}

/**
 * dup_mmap: fill the empty mm `child` with copies of `parent`'s VMAs (own policy copies, new
 * anon_vma ids, shmem references) and share the private pages copy-on-write. Shared mappings
 * are not copied entry by entry: the child faults them in from the object. 0 or -ENOMEM (no
 * policy copy, or no page-table page for the child; the caller tears the child down).
 */
export function dupMmap(kn: Kernel, parent: number, child: number): number {
  const sem = kn.mm(parent) + MM.SEM;
  downWrite(kn.k, sem);
  let err = 0;
  for (let i = 0; i < vmaCount(kn, parent) && err === 0; i++) {
    const v = vmaRead(kn, parent, i);
    const policy = mpolDup(kn, v.policy);
    if (policy < 0) {
      err = policy;
      break;
    }
    const shared = (v.flags & VM_SHARED) !== 0;
    err = insertVma(kn, child, i, { ...v, policy, anonVma: v.anonVma !== 0 ? newAnonVmaId(kn) : 0 });
    if (err !== 0) {
      mpolPut(kn, policy);
      break;
    }
    inodeGetRef(kn, v.inode);
    if (!shared) err = copyPteRange(kn, parent, child, v.start, v.end, true);
  }
  upWrite(kn.k, sem);
  return err;
}
