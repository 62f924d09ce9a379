/**
 * Page migration (mm/migrate.c): a page's contents and identity move to a new page on another
 * node while tasks keep using it, for mbind(MPOL_MF_MOVE), migrate_pages(2), move_pages(2) and
 * seed 004's migrate-on-fault (migrate-on-fault.ts).
 *
 * Model. Pages to migrate are first isolated from the LRU (the isolation holds a reference, and
 * neither reclaim nor another migration can take an isolated page). Then, for each page
 * (unmap_and_move), under its page lock:
 *   1. the destination is allocated by the caller's rule (newVmaPage: the policy governing the
 *      VMA and address, as new_vma_page / alloc_page_vma; newNodePages: a given node);
 *   2. every entry that maps the page becomes a migration entry (try_to_migrate, through the
 *      reverse map); a task that faults on one sleeps until the page is unlocked;
 *   3. the page's count is frozen from the references that must remain (the isolation's, and the
 *      page cache's or swap cache's): any other holder, such as a task copying through a pin,
 *      makes the attempt fail, and the entries are restored;
 *   4. the contents and flags (dirty, referenced, active, swap cache) are copied, the page-cache
 *      or swap-cache slot is switched to the new page, the migration entries are replaced by
 *      entries for it, the old page is unlocked and freed.
 * A failed attempt is retried, NR_MAX_MIGRATE_PAGES_RETRY passes in all, then reported.
 *
 * Locking: the caller may hold the migrated mm's mmap_sem (read or write); migration itself takes
 * no mmap_sem. Lock order: mmap_sem, page lock, VMA_LOCK (reverse map), LRU and zone spinlocks.
 * Only isolated pages are locked here, so two migrations never wait for each other's locks.
 * Refcounts: a migration entry holds no reference (the entry it replaced gave its reference and
 * map count back); restoring one takes them on the page it now maps. Entries are changed only by
 * compareExchange, so an munmap, a truncation or a fault that changes one meanwhile wins, and the
 * restore skips it.
 */
import { BUG } from '../shm/layout.js';
import { INODE, INODE_SYSV, KHDR, MM, NODE, PAGE, PG_ACTIVE, PG_ANON, PG_DIRTY, PG_LOCKED, PG_MPOL, PG_REFERENCED, PG_SWAPBACKED, PG_SWAPCACHE, PTE_DIRTY, VMA, VM_SHARED, VM_WRITE } from '../shm/structs.js';
import { MPOL_MF_MOVE_ALL, SWAP_CLUSTER_MAX } from './constants.js';
import { EBUSY, ENOMEM } from './errno.js';
import { pageInCache } from './filemap.js';
import { inodePut, inodeTryGet } from './inode.js';
import { type Kernel, type NodeMem } from './kernel.js';
import { NO_INTERLEAVE_INDEX, allocPagesMpol, getTaskPolicy } from './mempolicy.js';
import { allocPageVma } from './vma-policy.js';
import { sitePoint } from '../sched/preempt.js';
import { SITE } from './sites.js';
import { pageMapcount } from './memory.js';
import { allocPages, allocPagesBulkNode, copyPage, countBulkAllocs, freePagesBulk, freeUnusedPages, isolateLruPages, lruAddBulk, memalloc, pageIndex, pageRefcount, pageWord, putPage, putbackLruPage, setPageFlags, setPageIndex } from './page-alloc.js';
import { lockPage, unlockPage, waitOnPageLocked } from './page-lock.js';
import { type RmapOne, pteMaps, rmapWalkAnon, rmapWalkInode } from './rmap.js';
import { migrationEntry, migrationEntryPfn, pteFromMigrationEntry, swapCacheReplace } from './swap.js';
import { swapoutPages } from './vmscan.js';
import { lazyUnmap } from './migrate-on-fault.js';
import { vmaCount, vmaLayoutLock, vmaLayoutUnlock, vmaLookup } from './vma.js';
import { xaSlot } from './xarray.js';

/** Passes over the pages that failed for a transient reason before they count as failed. */
export const NR_MAX_MIGRATE_PAGES_RETRY = 10;
/** One attempt failed for a transient reason (a pin, a mapping we could not reach): try again. */
const EAGAIN_MIGRATE = -11;

/**
 * The pages one call migrates, in the order found: each isolated from the LRU (the isolation
 * holds a reference) with the address it was found at, for newVmaPage. `result` is filled by
 * migratePages: 0 moved, -ENOMEM (no destination page) or -EBUSY (pinned, after the retries).
 * Queueing adds candidates with the entry index they were found at (`pis`); isolateQueued then
 * isolates them in batches and keeps those it could.
 */
export interface MigrateList {
  pfns: number[];
  addrs: number[];
  pis: number[];
  result: number[];
}

/** An empty list of pages to migrate. */
export function newMigrateList(): MigrateList {
  return { pfns: [], addrs: [], pis: [], result: [] };
}

/** Empty a list whose pages were given away (moved, freed or put back). */
export function clearList(list: MigrateList): void {
  list.pfns.length = list.addrs.length = list.pis.length = 0;
}

/** putback_movable_pages: give every (isolated) page still on the list back to the LRU, and empty it. */
export function putbackMigrateList(kn: Kernel, list: MigrateList): void {
  if (list.pfns.length === 0) return; // the common case: mbind without MOVE, or all moved (setting a length costs)
  for (const pfn of list.pfns) putbackLruPage(kn, pfn);
  clearList(list);
}

/**
 * migrate_folio_add: queue the page mapped at `pi` as a candidate, unless, without
 * MPOL_MF_MOVE_ALL, it is mapped by others (it is left alone: not a failure). The caller then
 * isolates the candidates with isolateQueued.
 */
export function migrateFolioAdd(kn: Kernel, m: number, pi: number, pfn: number, addr: number, flags: number, list: MigrateList): void {
  if (!(flags & MPOL_MF_MOVE_ALL) && mappedByOthers(kn, m, pfn)) return;
  list.pfns.push(pfn);
  list.addrs.push(addr);
  list.pis.push(pi);
}

/** Which candidates isolateQueued took (per thread). */
let taken = new Uint8Array(64);

/**
 * Isolate the candidates queued by migrateFolioAdd, a node's LRU lock held once per run of
 * pages: a page still mapped where it was found stays on the list, isolated; the others (busy,
 * or unmapped since) leave it. Returns how many left (they count as not moved); `origin`, if
 * given, receives the position each kept page had. The caller holds the mmap_sem it queued them
 * under.
 */
export function isolateQueued(kn: Kernel, list: MigrateList, origin?: number[]): number {
  const n = list.pfns.length;
  if (n === 0) return 0;
  if (taken.length < n) taken = new Uint8Array(2 * n);
  isolateLruPages(kn, list.pfns, n, taken);
  let kept = 0;
  for (let j = 0; j < n; j++) {
    const pfn = list.pfns[j];
    if (!taken[j]) continue;
    if (!pteMaps(Atomics.load(kn.ptes, list.pis[j]), pfn)) {
      putbackLruPage(kn, pfn);
      continue;
    }
    if (origin) origin[kept] = j;
    list.pfns[kept] = pfn;
    list.addrs[kept] = list.addrs[j];
    list.pis[kept++] = list.pis[j];
  }
  list.pfns.length = list.addrs.length = list.pis.length = kept;
  if (origin) origin.length = kept;
  return n - kept;
}

/**
 * Is the page shared with other mappers, for MPOL_MF_MOVE? Today: mapped more than once
 * (folio_maybe_mapped_shared). Seed 001: anonymous pages and pages of a writably shared inode
 * always move; other inode pages only when mm `m` is the only one that maps their inode.
 */
function mappedByOthers(kn: Kernel, m: number, pfn: number): boolean {
  if (kn.profile.sharedPageRule === 'mapcount') return pageMapcount(kn, pfn) > 1;
  const nm = kn.pfnNode(pfn);
  if (nm.i32[pageWord(nm, pfn, PAGE.FLAGS)] & PG_ANON) return false;
  const ino = nm.i32[pageWord(nm, pfn, PAGE.MAPPING)];
  let other = false;
  for (let o = 1, high = Atomics.load(kn.k, KHDR.MM_HIGH); o < high; o++) {
    if (Atomics.load(kn.k, kn.mm(o) + MM.STATE) === 0) continue;
    vmaLayoutLock(kn, o);
    for (let i = 0; i < vmaCount(kn, o); i++) {
      const b = kn.vma(o, i);
      if (kn.vmas[b + VMA.INODE] !== ino) continue;
      if ((kn.vmas[b + VMA.FLAGS] & (VM_SHARED | VM_WRITE)) === (VM_SHARED | VM_WRITE)) {
        vmaLayoutUnlock(kn, o);
        return false; // mapping_writably_mapped
      }
      if (o !== m) other = true;
    }
    vmaLayoutUnlock(kn, o);
  }
  return other;
}

/** vma_migratable: every mapping here can be migrated, except SysV segments (VM_SHM) under seed 001. */
export function vmaMigratable(kn: Kernel, m: number, i: number): boolean {
  const ino = kn.vmas[kn.vma(m, i) + VMA.INODE];
  return kn.profile.shmMigratable || ino === 0 || kn.k[kn.inode(ino) + INODE.KIND] !== INODE_SYSV;
}

// ---------------------------------------------------------------------------------------------
// Destinations

/** Where a migrated page goes: a new page for `old` (the list's `i`-th), or -1 when none can be had. */
export type NewPage = (kn: Kernel, old: number, i: number) => number;

/**
 * new_vma_page: a page for `addr` of mm `m` by the policy that governs it there, allocated as a
 * fault would (alloc_page_vma, with its era's reference rules: before 2.6.23 the shared lookup's
 * reference leaked here, B03); with no VMA there any more (unmapped since it was queued), by the
 * task's policy. Called by mbindMigrate only, under its mmap_sem (held for write), for which its
 * VMA cache is valid.
 */
function newVmaPage(kn: Kernel, t: number, m: number, addr: number): number {
  sitePoint(SITE.new_vma_page);
  const i = vmaAt(kn, m, addr);
  return i < 0 ? allocPagesMpol(kn, t, getTaskPolicy(kn, t), NO_INTERLEAVE_INDEX) : allocPageVma(kn, t, m, i, addr);
}

/**
 * The VMA of `addr` (vma_lookup), remembering the last one found: the pages of one mbind are
 * mostly in one VMA. Valid for one mbindMigrate, which holds mmap_sem for write (forgotten at its
 * start); -1 for no VMA.
 */
function vmaAt(kn: Kernel, m: number, addr: number): number {
  if (m === vmacache.m && addr >= vmacache.start && addr < vmacache.end) return vmacache.i;
  const i = vmaLookup(kn, m, addr);
  if (i < 0) return i;
  vmacache.m = m;
  vmacache.i = i;
  vmacache.start = kn.vmas[kn.vma(m, i) + VMA.START];
  vmacache.end = kn.vmas[kn.vma(m, i) + VMA.END];
  return i;
}
const vmacache = { m: 0, i: -1, start: 0, end: 0 };

/** One node's zonelist, made once per node (allocation on exactly that node). */
const onlyNode: (readonly number[])[] = [];

/**
 * Destination pages taken from one node's free list a batch at a time (per thread: one migration
 * at a time): the node, the task's node for the statistics, and whether reclaim may run.
 */
const pool = { pfns: new Int32Array(SWAP_CLUSTER_MAX), n: 0, next: 0, used: 0, nid: 0, local: 0, noreclaim: false, kn: null as Kernel | null };

/**
 * new_node_page / alloc_migration_target with __GFP_THISNODE: the destination maker for pages
 * going to node `nid` only, for task `t`. Pages come from the node's free list in batches
 * (alloc_pages_bulk, one hold of its lock for SWAP_CLUSTER_MAX pages); when it runs short, one at
 * a time with direct reclaim there (unless `noreclaim`). Call newNodePagesDone after
 * migratePages: it gives back what the batch did not use and counts the allocations.
 */
export function newNodePages(kn: Kernel, t: number, nid: number, noreclaim = false): NewPage {
  pool.n = pool.next = pool.used = 0;
  pool.kn = kn;
  pool.nid = nid;
  pool.local = kn.taskNode(t);
  pool.noreclaim = noreclaim;
  return fromPool;
}

function fromPool(kn: Kernel): number {
  if (pool.next === pool.n) {
    pool.n = allocPagesBulkNode(kn, pool.nid, pool.pfns, pool.pfns.length);
    pool.next = 0;
  }
  if (pool.next < pool.n) {
    pool.used++;
    return pool.pfns[pool.next++];
  }
  memalloc.noreclaim = pool.noreclaim;
  try {
    return allocPages(kn, (onlyNode[pool.nid] ??= [pool.nid]), false, 0, 0, pool.local);
  } finally {
    memalloc.noreclaim = false;
  }
}

/** The end of a migration to one node: pages not used go back, those used are counted. */
export function newNodePagesDone(): void {
  const kn = pool.kn!;
  if (pool.next < pool.n) freeUnusedPages(kn.node[pool.nid]!, pool.pfns.subarray(pool.next, pool.n), pool.n - pool.next);
  countBulkAllocs(kn, pool.nid, pool.used, pool.local);
  pool.n = pool.next = pool.used = 0;
  pool.kn = null;
}

// ---------------------------------------------------------------------------------------------
// Migration entries

/**
 * The entries one attempt turned into migration entries, to restore (per thread: one migration
 * at a time): `n` of them, and whether any of them was dirty.
 */
const unmapped: { pi: Int32Array; entry: Int32Array; n: number; dirty: boolean } = { pi: new Int32Array(16), entry: new Int32Array(16), n: 0, dirty: false };

/**
 * try_to_migrate_one: the entry at `pi` becomes a migration entry. Its reference and map count
 * are dropped by the caller for all entries at once (the isolation keeps the page meanwhile).
 */
const toMigrationEntry: RmapOne = (kn, pfn, pi, pte) => {
  for (let p = pte, tries = 0; pteMaps(p, pfn) && tries < MAX_ENTRY_TRIES; p = Atomics.load(kn.ptes, pi), tries++) {
    const entry = migrationEntry(p);
    if (Atomics.compareExchange(kn.ptes, pi, p, entry) !== p) continue; // a dirty bit or a write-protect changed it: again
    if (p & PTE_DIRTY) unmapped.dirty = true;
    if (unmapped.n === unmapped.pi.length) {
      unmapped.pi = growInts(unmapped.pi);
      unmapped.entry = growInts(unmapped.entry);
    }
    unmapped.pi[unmapped.n] = pi;
    unmapped.entry[unmapped.n++] = entry;
    return;
  }
};
const MAX_ENTRY_TRIES = 1000;

function growInts(a: Int32Array): Int32Array {
  const b = new Int32Array(2 * a.length);
  b.set(a);
  return b;
}

/**
 * remove_migration_ptes: every entry taken by this attempt maps `pfn` again, unless an munmap or
 * a truncation zapped it meanwhile. With `counted`, the page's map count and references for the
 * entries are already there (a new page prepared with them); else they are added here.
 */
function restoreEntries(kn: Kernel, pfn: number, counted: boolean): void {
  const nm = kn.pfnNode(pfn);
  const n = unmapped.n;
  if (!counted && n > 0) {
    Atomics.add(nm.i32, pageWord(nm, pfn, PAGE.MAPCOUNT), n);
    Atomics.add(nm.i32, pageWord(nm, pfn, PAGE.REFCOUNT), n);
  }
  for (let j = 0; j < n; j++) {
    const entry = unmapped.entry[j];
    if (Atomics.compareExchange(kn.ptes, unmapped.pi[j], entry, pteFromMigrationEntry(entry, pfn)) === entry) continue;
    Atomics.sub(nm.i32, pageWord(nm, pfn, PAGE.MAPCOUNT), 1); // zapped meanwhile
    putPage(kn, pfn);
  }
  unmapped.n = 0;
}

/**
 * migration_entry_wait: a fault found the migration entry `entry` at `pi`; sleep until its page
 * is unlocked (its migration restores every entry before that) or the entry changed. The caller
 * retries the fault. Bounded by the futex watchdog.
 */
export function migrationEntryWait(kn: Kernel, pi: number, entry: number): void {
  const pfn = migrationEntryPfn(entry);
  for (let round = 0; Atomics.load(kn.ptes, pi) === entry && waitOnPageLocked(kn, pfn, round); round++);
}

// ---------------------------------------------------------------------------------------------
// Moving one page

/**
 * The inode reference one attempt holds on a locked inode page's inode: 0 for anonymous pages,
 * -1 when the page has left its inode (truncated).
 */
export function lockedInode(kn: Kernel, pfn: number, flags: number): number {
  if (flags & PG_ANON) return 0;
  const nm = kn.pfnNode(pfn);
  const ino = nm.i32[pageWord(nm, pfn, PAGE.MAPPING)];
  if (!inodeTryGet(kn, ino)) return -1;
  if (pageInCache(kn, ino, nm.i32[pageWord(nm, pfn, PAGE.INDEX)], pfn)) return ino;
  inodePut(kn, ino);
  return -1; // truncated since it was isolated
}

/** Flags a destination takes over (folio_migrate_flags); the swap cache moves with its slot (moveSwapCache). */
const KEPT_FLAGS = PG_ANON | PG_SWAPBACKED | PG_MPOL | PG_DIRTY | PG_REFERENCED | PG_ACTIVE;

/** Lock an isolated page; its flags (the lock is almost always free: one atomic). */
function lockIsolated(kn: Kernel, pfn: number): number {
  const nm = kn.pfnNode(pfn);
  const w = pageWord(nm, pfn, PAGE.FLAGS);
  const old = Atomics.or(nm.i32, w, PG_LOCKED);
  if (!(old & PG_LOCKED)) return old;
  lockPage(kn, pfn);
  return Atomics.load(nm.i32, w);
}

/**
 * unmap_and_move for isolated page `old` (found mapped at entry `hint`, or -1): 0 when it moved
 * (or was freed from under us), -ENOMEM when no destination could be had, EAGAIN_MIGRATE to try
 * again.
 */
function migrateOne(kn: Kernel, old: number, newPage: NewPage, i: number, hint: number): number {
  const flags = lockIsolated(kn, old);
  const ino = lockedInode(kn, old, flags);
  if (ino < 0) {
    unlockPage(kn, old);
    if (pageRefcount(kn, old) !== 1) return EAGAIN_MIGRATE;
    putPage(kn, old); // out of its inode and unmapped: only the isolation held it
    return 0;
  }
  const dst = newPage(kn, old, i);
  const rc = dst < 0 ? -ENOMEM : moveToNewPage(kn, old, dst, flags, ino, hint);
  if (ino > 0) inodePut(kn, ino);
  if (rc !== 0) {
    unlockPage(kn, old);
    if (dst >= 0) freeUnusedPages(kn.pfnNode(dst), ONE.fill(dst), 1);
  }
  return rc;
}
const ONE = new Int32Array(1);

/**
 * Unmap `old` (locked) into migration entries, freeze it, and move it to `dst` (fresh from the
 * allocator, unprepared). On success `old` is unlocked and waits, frozen and off the LRU, in
 * `done.freed` to go back to its node's free list; `dst`, mapped where `old` was and holding the
 * allocation's reference, waits in `done.moved` to go on the LRU: both in batches, at the end of
 * migratePages. On failure the entries map `old` again and `dst` is untouched.
 */
function moveToNewPage(kn: Kernel, old: number, dst: number, flags: number, ino: number, hint: number): number {
  const nm = kn.pfnNode(old);
  const { i32 } = nm;
  const base = pageWord(nm, old, 0);
  const index = pageIndex(kn, old);
  unmapped.n = 0;
  unmapped.dirty = false;
  // The entries' map counts go with the freeze: the map count must be exactly theirs (no mapping
  // the walk could not reach). An anonymous page is first unmapped where it was found: mostly its
  // only mapping, and then no walk over every mm is needed.
  const first = ino === 0 && hint >= 0 ? Atomics.load(kn.ptes, hint) : 0;
  if (pteMaps(first, old)) toMigrationEntry(kn, old, hint, first, 0);
  let n = unmapped.n;
  if (n === 0 || Atomics.compareExchange(i32, base + PAGE.MAPCOUNT, n, 0) !== n) {
    if (ino === 0) rmapWalkAnon(kn, old, index, toMigrationEntry, 0);
    else rmapWalkInode(kn, ino, index, old, toMigrationEntry, 0);
    n = unmapped.n;
    if (Atomics.compareExchange(i32, base + PAGE.MAPCOUNT, n, 0) !== n) {
      restoreEntries(kn, old, true);
      return EAGAIN_MIGRATE;
    }
  }
  // The count must be exactly the entries', the isolation's and the page cache's or swap cache's:
  // nobody else holds the page, no copy is in progress.
  const cached = ino > 0 || flags & PG_SWAPCACHE ? 1 : 0;
  const refs = 1 + cached + n;
  if (Atomics.compareExchange(i32, base + PAGE.REFCOUNT, refs, 0) !== refs) {
    Atomics.add(i32, base + PAGE.MAPCOUNT, n);
    restoreEntries(kn, old, true);
    return EAGAIN_MIGRATE;
  }
  copyPage(kn, dst, old);
  const dirty = unmapped.dirty ? PG_DIRTY : 0;
  if (dirty && !(flags & PG_DIRTY)) setPageFlags(kn, old, PG_DIRTY); // the old node's dirty count drops when it is freed
  prepMigratedPage(kn, dst, (flags & KEPT_FLAGS) | dirty | (ino > 0 ? PG_LOCKED : 0), i32[base + PAGE.MAPPING], index, refs, n);
  if (ino > 0) replaceCacheSlot(kn, ino, index, old, dst);
  if (flags & PG_SWAPCACHE) moveSwapCache(kn, old, dst);
  restoreEntries(kn, dst, true);
  unlockPage(kn, old);
  if (ino > 0) unlockPage(kn, dst);
  if (done.n === done.freed.length) {
    done.freed = growInts(done.freed);
    done.moved = growInts(done.moved);
  }
  done.freed[done.n] = old; // frozen at 0, off the LRU: nobody else can reach it
  done.moved[done.n++] = dst;
  return 0;
}

/**
 * Set up a destination before anyone can reach it (the slot switch or the first restored entry
 * publishes it): flags, owner, and the counts of the references it is about to take over. The
 * node counters that mirror its flags are added in finishMoved, for a batch at once.
 */
function prepMigratedPage(kn: Kernel, dst: number, flags: number, mapping: number, index: number, refs: number, maps: number): void {
  const nd = kn.pfnNode(dst);
  const base = pageWord(nd, dst, 0);
  nd.i32[base + PAGE.FLAGS] = flags;
  nd.i32[base + PAGE.MAPPING] = mapping;
  setPageIndex(nd, base, index);
  nd.i32[base + PAGE.REFCOUNT] = refs;
  nd.i32[base + PAGE.MAPCOUNT] = maps;
}

/** The pages migratePages has moved, `n` of each: the old ones to free, the new ones to put on the LRU (per thread). */
const done: { freed: Int32Array; moved: Int32Array; n: number } = { freed: new Int32Array(SWAP_CLUSTER_MAX), moved: new Int32Array(SWAP_CLUSTER_MAX), n: 0 };

/**
 * Free the frozen old pages and put the new ones on the LRU, with their node counters, a lock
 * hold and a counter update per run of pages of one node.
 */
function finishMoved(kn: Kernel): void {
  for (let j = 0; j < done.n; ) {
    const nm = kn.pfnNode(done.freed[j]);
    const from = j;
    while (j < done.n && kn.pfnNode(done.freed[j]) === nm) j++;
    freePagesBulk(nm, done.freed.subarray(from, j), j - from);
  }
  for (let j = 0; j < done.n; ) {
    const nd = kn.pfnNode(done.moved[j]);
    const from = j;
    while (j < done.n && kn.pfnNode(done.moved[j]) === nd) j++;
    countPrepared(nd, done.moved, from, j);
    lruAddBulk(kn, done.moved.subarray(from, j), j - from);
    for (let x = from; x < j; x++) putPage(kn, done.moved[x]); // the allocation's reference goes; the cache's and the entries' stay
  }
  done.n = 0;
}

/** prepNewPage's counters for pages[from, to) of node `nd`, added once. */
function countPrepared(nd: NodeMem, pfns: Int32Array, from: number, to: number): void {
  let anon = 0;
  let shmem = 0;
  let dirty = 0;
  for (let x = from; x < to; x++) {
    const f = nd.i32[pageWord(nd, pfns[x], PAGE.FLAGS)];
    if (f & PG_ANON) anon++;
    else if (f & PG_SWAPBACKED) shmem++;
    if (f & PG_DIRTY) dirty++;
  }
  if (anon) Atomics.add(nd.i32, NODE.NR_ANON, anon);
  if (shmem) Atomics.add(nd.i32, NODE.NR_SHMEM, shmem);
  if (to - from - anon - shmem) Atomics.add(nd.i32, NODE.NR_FILE, to - from - anon - shmem);
  if (dirty) Atomics.add(nd.i32, NODE.NR_DIRTY, dirty);
}

/** The page-cache slot of a frozen, locked page now names `dst`, which holds the cache's reference already. */
function replaceCacheSlot(kn: Kernel, ino: number, index: number, old: number, dst: number): void {
  const slot = xaSlot(kn, ino, INODE.ROOT, index);
  if (slot < 0 || Atomics.compareExchange(kn.k, slot, old + 1, dst + 1) !== old + 1) BUG(`locked page ${old} left its page-cache slot`);
  Atomics.notify(kn.k, slot); // a lookup waiting for the frozen page looks again
}

/** The swap-cache slot of a frozen page moves to `dst` (which holds the cache's reference already), with its node's count. */
function moveSwapCache(kn: Kernel, old: number, dst: number): void {
  const nm = kn.pfnNode(old);
  const nd = kn.pfnNode(dst);
  const slot = nm.i32[pageWord(nm, old, PAGE.PRIVATE)] - 1;
  nd.i32[pageWord(nd, dst, PAGE.PRIVATE)] = slot + 1; // published by the flag below
  Atomics.or(nd.i32, pageWord(nd, dst, PAGE.FLAGS), PG_SWAPCACHE);
  swapCacheReplace(kn, slot, old, dst);
  Atomics.sub(nm.i32, NODE.NR_SWAPCACHE, 1);
  Atomics.add(nd.i32, NODE.NR_SWAPCACHE, 1);
}

/**
 * migrate_pages: move every page of `list` to the page `newPage` gives it, in passes (at most
 * NR_MAX_MIGRATE_PAGES_RETRY) over the pages whose attempt failed for a transient reason. Pages
 * that did not move go back to the LRU. Fills `list.result`, counts pgmigrate_success and
 * pgmigrate_fail, empties the list, and returns how many did not move.
 */
export function migratePages(kn: Kernel, list: MigrateList, newPage: NewPage): number {
  const n = list.pfns.length;
  const result = list.result;
  result.length = n;
  result.fill(EAGAIN_MIGRATE);
  for (let pass = 0, again = n; pass < NR_MAX_MIGRATE_PAGES_RETRY && again > 0; pass++) {
    again = 0;
    for (let i = 0; i < n; i++) {
      if (result[i] !== EAGAIN_MIGRATE) continue;
      result[i] = migrateOne(kn, list.pfns[i], newPage, i, list.pis[i]);
      if (result[i] === EAGAIN_MIGRATE) again++;
    }
  }
  finishMoved(kn);
  let failed = 0;
  for (let i = 0; i < n; i++) {
    if (result[i] === 0) continue;
    if (result[i] === EAGAIN_MIGRATE) result[i] = -EBUSY;
    putbackLruPage(kn, list.pfns[i]);
    failed++;
  }
  Atomics.add(kn.k, KHDR.PGMIGRATE_SUCCESS, n - failed);
  if (failed) Atomics.add(kn.k, KHDR.PGMIGRATE_FAIL, failed);
  clearList(list);
  return failed;
}

// ---------------------------------------------------------------------------------------------
// mbind's three ways of moving what it queued

/**
 * The MOVE step of do_mbind for the pages it queued in mm `m` (mmap_sem held for write; the new
 * policy already installed): direct migration through newVmaPage; seed 001's swap-out, after
 * which each page comes back where the policy says on its next touch; or with MPOL_MF_LAZY (seed
 * 004) unmapping only, for the next fault to migrate. Returns how many pages failed.
 */
export function mbindMigrate(kn: Kernel, t: number, m: number, list: MigrateList, lazy: boolean): number {
  if (lazy) return lazyUnmap(kn, list);
  if (kn.profile.migrateMode === 'swap') {
    const stayed = swapoutPages(kn, list.pfns);
    clearList(list);
    return stayed;
  }
  vmacache.m = 0;
  return migratePages(kn, list, (_kn, _old, i) => newVmaPage(kn, t, m, list.addrs[i]));
}
