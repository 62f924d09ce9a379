/**
 * Page tables: x86-64's four levels (PGD, PUD, PMD, PTE) of 512 entries over the user address
 * space [0, TASK_SIZE), as a radix tree of table pages in the `ptes` buffer (mm/memory.c's
 * walkers, mm/pgtable-generic.c, free_pgtables).
 *
 * Layout. Table t occupies words [t * 512, t * 512 + 512) of `ptes`. Table 0 is the zero table:
 * never allocated and never written, so that a lookup through an absent table
 * (`kn.ptes[kn.pteIndex(m, addr)]`) reads a 0 entry; every store into an entry that may be in an
 * absent table goes through pteAlloc, which installs the missing tables first. Tables
 * 1..maxMms-1 are the PGDs of the mm slots (an mm costs one table while it maps nothing); the
 * limits.pageTables tables after them are the pool the other levels come from, so that an mm
 * costs memory for what it maps. An upper-level entry holds the number of the table below it
 * (0: absent); a PTE entry is as PTE_* in structs.ts.
 *
 * Locking. Lookups take no lock. A table is installed in its parent entry by compareExchange
 * (two faults of one mm agree on one table; the loser gives its own back), under the mm's
 * mmap_sem held for read or write. Tables are freed only with mmap_sem held for write (munmap,
 * exit), and only where no VMA is, so every entry in them is 0: no fault can then be inside
 * them. A table is unhooked from its parent before it is freed, so a walk that starts later
 * cannot reach it. A lockless walker (reclaim and migration change anonymous entries without
 * mmap_sem) that found an entry index just before the free may still compareExchange in the
 * table after it was freed and reused: it expects a present anonymous entry (PTE_DIRTY set) or a
 * migration entry (negative), which a free-list link (a table number) never equals; and an
 * anonymous page sits at one address in every mm that maps it, so a match in a reused table is
 * a real mapping of that page, and changing it is what the walk would do there anyway.
 * The pool's free list and counters are under KHDR.PT_LOCK.
 */
import { spinLock, spinUnlock } from '../shm/spinlock.js';
import { KHDR } from '../shm/structs.js';
import { PAGE_SIZE } from './constants.js';
import { ENOMEM } from './errno.js';
import { type Kernel } from './kernel.js';

/** Entries per table, at every level. */
export const PTRS_PER_TABLE = 512;
/** The top of the user address space (x86-64 with 4-level paging). */
export const TASK_SIZE = 0x7ffffffff000;
/** Bytes one PTE table maps (a PMD entry's span). */
export const PMD_SIZE = 2 ** 21;
/** The end of what the page tables span (USER_PGTABLES_CEILING): the ceiling above the last VMA. */
export const PGTABLES_CEILING = 2 ** 47;
/** Bytes one entry of each level spans: PGD, PUD, PMD, PTE. */
const SPAN = [2 ** 39, 2 ** 30, 2 ** 21, PAGE_SIZE];
/** The level whose entries are PTEs. */
const PTE_LEVEL = 3;

/** Words of the `ptes` buffer for `maxMms` PGDs (slot 0's being the zero table) and a pool of `pageTables`. */
export function ptesWords(maxMms: number, pageTables: number): number {
  return (maxMms + pageTables) * PTRS_PER_TABLE;
}

/** The pool's first state: tables from maxMms on are free, none handed out yet. */
export function pgtableFormat(k: Int32Array, maxMms: number, pageTables: number): void {
  k[KHDR.PT_BUMP] = maxMms;
  k[KHDR.PT_NR_FREE] = pageTables;
}

/** A zeroed table from the pool; 0 when the pool is empty. */
function ptAlloc(kn: Kernel): number {
  const { k } = kn;
  spinLock(k, KHDR.PT_LOCK);
  let t = k[KHDR.PT_FREE];
  if (t !== 0) k[KHDR.PT_FREE] = kn.ptes[t * PTRS_PER_TABLE];
  else if (k[KHDR.PT_NR_FREE] > 0) t = k[KHDR.PT_BUMP]++;
  if (t !== 0) k[KHDR.PT_NR_FREE]--;
  spinUnlock(k, KHDR.PT_LOCK);
  if (t !== 0) kn.ptes.fill(0, t * PTRS_PER_TABLE, (t + 1) * PTRS_PER_TABLE);
  return t;
}

function ptFree(kn: Kernel, t: number): void {
  const { k } = kn;
  spinLock(k, KHDR.PT_LOCK);
  kn.ptes[t * PTRS_PER_TABLE] = k[KHDR.PT_FREE];
  k[KHDR.PT_FREE] = t;
  k[KHDR.PT_NR_FREE]++;
  spinUnlock(k, KHDR.PT_LOCK);
}

/** The table entry word `w` names, installed if absent; 0 when the pool is empty. */
function tableAt(kn: Kernel, w: number): number {
  const t = kn.ptes[w];
  if (t !== 0) return t;
  const fresh = ptAlloc(kn);
  if (fresh === 0) return 0;
  const won = Atomics.compareExchange(kn.ptes, w, 0, fresh);
  if (won === 0) return fresh;
  ptFree(kn, fresh);
  return won;
}

/**
 * pte_alloc: the index in `ptes` of the entry for `addr` (below TASK_SIZE) in mm `m`, with every
 * table on the way installed; -ENOMEM when the pool has no table left. For the places that store
 * into an entry that may not exist yet (a fault, fork's copy); lookups use kn.pteIndex.
 */
export function pteAlloc(kn: Kernel, m: number, addr: number): number {
  const top = (addr * 2 ** -39) | 0; // as kn.pteIndex
  const low = ((addr - top * 2 ** 39) * 2 ** -12) | 0;
  if (top >= PTRS_PER_TABLE) return -ENOMEM; // never: callers stay below TASK_SIZE
  const pud = tableAt(kn, m * PTRS_PER_TABLE + top);
  const pmd = pud === 0 ? 0 : tableAt(kn, pud * PTRS_PER_TABLE + (low >>> 18));
  const pt = pmd === 0 ? 0 : tableAt(kn, pmd * PTRS_PER_TABLE + ((low >>> 9) & 511));
  return pt === 0 ? -ENOMEM : pt * PTRS_PER_TABLE + (low & 511);
}

/**
 * Visit the present PTE tables of [start, end) (page aligned) in mm `m`, in address order:
 * `fn(pi, addr, n)` for each run of `n` entries from index `pi`, the first mapping `addr`.
 */
export function ptWalk(kn: Kernel, m: number, start: number, end: number, fn: (pi: number, addr: number, n: number) => void): void {
  walkTable(kn, m, 0, 0, start, end, fn);
}

function walkTable(kn: Kernel, t: number, level: number, base: number, start: number, end: number, fn: (pi: number, addr: number, n: number) => void): void {
  const span = SPAN[level];
  for (let i = Math.max(0, Math.floor((start - base) / span)); i < PTRS_PER_TABLE && base + i * span < end; i++) {
    const e = kn.ptes[t * PTRS_PER_TABLE + i];
    if (e === 0) continue;
    const lo = base + i * span;
    if (level + 1 < PTE_LEVEL) {
      walkTable(kn, e, level + 1, lo, start, end, fn);
      continue;
    }
    const s = Math.max(start, lo);
    fn(e * PTRS_PER_TABLE + (s - lo) / PAGE_SIZE, s, (Math.min(end, lo + span) - s) / PAGE_SIZE);
  }
}

/**
 * free_pgtables: give back every table under PGD `m` whose whole span lies in [floor, ceiling),
 * the gap around an unmapped range that no VMA covers (mmap_sem held for write, the range's
 * entries zapped). No entry lives outside a VMA, so such a table is empty; a table that also
 * spans part of a neighbouring VMA stays, as in the kernel, for that VMA's next faults.
 */
export function freePgtables(kn: Kernel, m: number, floor: number, ceiling: number): void {
  freeUnder(kn, m, 0, 0, floor, ceiling);
}

function freeUnder(kn: Kernel, t: number, level: number, base: number, floor: number, ceiling: number): void {
  const span = SPAN[level];
  for (let i = Math.max(0, Math.floor((floor - base) / span)); i < PTRS_PER_TABLE && base + i * span < ceiling; i++) {
    const w = t * PTRS_PER_TABLE + i;
    const child = kn.ptes[w];
    if (child === 0) continue;
    const lo = base + i * span;
    if (lo >= floor && lo + span <= ceiling) {
      Atomics.store(kn.ptes, w, 0); // unhooked before it is freed: a lockless walk never enters a freed table
      freeTree(kn, child, level + 1);
    } else if (level + 1 < PTE_LEVEL) {
      freeUnder(kn, child, level + 1, lo, floor, ceiling);
    }
  }
}

/** Free table `t` of `level` and every table below it. */
function freeTree(kn: Kernel, t: number, level: number): void {
  if (level < PTE_LEVEL) for (let i = 0; i < PTRS_PER_TABLE; i++) if (kn.ptes[t * PTRS_PER_TABLE + i] !== 0) freeTree(kn, kn.ptes[t * PTRS_PER_TABLE + i], level + 1);
  ptFree(kn, t);
}

/** Tables mm `m` holds besides its PGD (for the audit). */
export function ptTablesInUse(kn: Kernel, m: number): number {
  let n = 0;
  const count = (t: number, level: number): void => {
    for (let i = 0; i < PTRS_PER_TABLE; i++) {
      const e = kn.ptes[t * PTRS_PER_TABLE + i];
      if (e === 0) continue;
      n++;
      if (level + 1 < PTE_LEVEL) count(e, level + 1);
    }
  };
  count(m, 0);
  return n;
}
