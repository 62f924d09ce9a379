/**
 * Site names: what a schedule string, a report and a lane diagram call a preemption point.
 *
 * Two families of sites. Named sites are declared by the kernel in one table of stable names
 * (`numa_maps:after_m_start`, `sp_lookup`, ...). Primitive sites are the lock, unlock and refcount
 * points of the shared-memory primitives, named `<verb>:<class>` (`down_write:mmap_sem`,
 * `put:mempolicy`) from a lock-class classifier the kernel installs, since only the kernel knows
 * which word of its buffers is which lock. Schedules refer to sites by name, so a schedule keeps
 * its meaning when points are added elsewhere; ids are this build's numbering, used inside one run.
 *
 * Every thread installs the same naming (it is derived from static tables), so ids agree across
 * the workers of a machine.
 */
import { arrayId } from '../shm/owner.js';
import { LockKind } from './preempt.js';

/** What the kernel tells the engine about its points. */
export interface SiteNaming {
  /** Named sites, in a fixed order (ids 1..n). */
  readonly sites: readonly string[];
  /** Lock and refcount classes (ids 1..m; 0 is "other"). */
  readonly classes: readonly string[];
  /** The class id of the word `arr[idx]` (a lock word or a refcount word), 0 if unknown. */
  classify(arr: Int32Array, idx: number): number;
  /** True for a lock word that does not record its holder (a bit lock, as the page lock in a page's flags). */
  ownerless?(arr: Int32Array, idx: number): boolean;
}

/** Verbs of primitive sites, in id order. */
const VERBS = ['spin_lock', 'down_read', 'down_write', 'read_lock', 'write_lock', 'mutex_lock', 'spin_unlock', 'up_read', 'up_write', 'read_unlock', 'write_unlock', 'mutex_unlock', 'get', 'put'] as const;

/** Verb index of a lock (unlock = false) or an unlock of kind `kind`. */
export function lockVerb(kind: LockKind, unlock: boolean): number {
  return kind - 1 + (unlock ? 6 : 0);
}
/** Verb index of a refcount get (+1) or put (-1). */
export function refVerb(delta: 1 | -1): number {
  return delta > 0 ? 12 : 13;
}

let naming: SiteNaming | null = null;
let names: string[] = [''];
const byName = new Map<string, number>();
/** (array id, word) -> class id, per thread. */
const classCache = new Map<number, number>();

/** Install the kernel's naming (the same in every thread of a machine). */
export function setSiteNaming(n: SiteNaming): void {
  naming = n;
  names = [''];
  names.push(...n.sites);
  for (let v = 0; v < VERBS.length; v++) for (let c = 0; c <= n.classes.length; c++) names.push(`${VERBS[v]}:${c === 0 ? 'other' : n.classes[c - 1]}`);
  byName.clear();
  names.forEach((s, i) => i > 0 && byName.set(s, i));
  classCache.clear();
}

/** The naming installed in this thread (null before the kernel installs it). */
export function siteNaming(): SiteNaming | null {
  return naming;
}

/** Number of site ids (1..count-1 are valid). */
export function siteCount(): number {
  return names.length;
}

/** The class id of `arr[idx]` (cached). */
export function classOf(arr: Int32Array, idx: number): number {
  if (naming === null) return 0;
  const key = arrayId(arr) * 2 ** 27 + idx;
  let c = classCache.get(key);
  if (c === undefined) {
    c = naming.classify(arr, idx);
    classCache.set(key, c);
  }
  return c;
}

/** The class name of `arr[idx]`. */
export function className(arr: Int32Array, idx: number): string {
  const c = classOf(arr, idx);
  return c === 0 || naming === null ? 'other' : naming.classes[c - 1];
}

/** The id of primitive site `verb` on the word `arr[idx]`. */
export function primitiveSite(verb: number, arr: Int32Array, idx: number): number {
  const nClasses = naming === null ? 0 : naming.classes.length;
  const named = naming === null ? 0 : naming.sites.length;
  return 1 + named + verb * (nClasses + 1) + classOf(arr, idx);
}

/** A site's name ('?' for an id this build does not know). */
export function siteName(id: number): string {
  return names[id] ?? '?';
}

/** True for the sites of the primitives (locks, unlocks, refcounts), false for the kernel's named sites. */
export function isPrimitiveSite(id: number): boolean {
  return naming !== null && id > naming.sites.length;
}

/** A site's id by name, or 0. */
export function siteId(name: string): number {
  return byName.get(name) ?? 0;
}
