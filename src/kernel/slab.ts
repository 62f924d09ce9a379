/**
 * A slab of fixed-size objects in a table of the kernel buffer (kmem_cache), for the objects the
 * race detectors watch: mempolicies and shared-policy ranges (sp_node).
 *
 * Pointers are tagged: slot in bits 0-14, the slot's generation in bits 15-29. The generation is
 * bumped when the object is freed, so a pointer kept past the free names a dead generation even
 * after the slot is reused; kn.pol() and kn.spn() mask the tag off. Slot 0 is NULL.
 *
 * With the detectors on (a machine under a race campaign), a freed object is poisoned and held in
 * a FIFO quarantine before its slot is reused, as KASAN does; allocation reports to the object
 * tracker and may be made to fail by the scheduler (failure injection at the slab's site).
 *
 * Locking: free lists under KHDR.SLAB_LOCK; the live counts are atomics.
 */
import { spinLock, spinUnlock } from '../shm/spinlock.js';
import { KHDR } from '../shm/structs.js';
import { detector } from '../sched/detect.js';
import { injectFault } from '../sched/preempt.js';
import { type Kernel } from './kernel.js';

export const SLOT_BITS = 15;
/** Mask of the slot part of a tagged pointer (also the largest slab). */
export const SLOT_MASK = (1 << SLOT_BITS) - 1;
const GEN_MASK = (1 << 15) - 1;
/** What a freed object's words hold while it is in quarantine (SLUB's POISON_FREE, four times). */
export const POISON = 0x6b6b6b6b;

/** The slot of a tagged pointer. */
export function ptrSlot(p: number): number {
  return p & SLOT_MASK;
}
/** The generation a tagged pointer carries. */
export function ptrGen(p: number): number {
  return (p >>> SLOT_BITS) & GEN_MASK;
}

/** A slab: where its table is, which header words keep its free list and live count. */
export interface SlabSpec {
  /** Word offset of slot 0's table entry. */
  region(kn: Kernel): number;
  readonly words: number;
  slots(kn: Kernel): number;
  /** KHDR words: first free slot, live count. */
  readonly freeHead: number;
  readonly live: number;
  /** Fields of the struct: free-list link, generation. */
  readonly nextFree: number;
  readonly gen: number;
  /** Detector object class, and the injectable site of an allocation. */
  readonly cls: number;
  readonly site: number;
}

/** Take a slot: a tagged pointer, or 0 (the slab is full, or the scheduler injected a failure). */
export function slabAlloc(kn: Kernel, s: SlabSpec, refInit: boolean): number {
  if (injectFault(s.site)) return 0;
  const { k } = kn;
  spinLock(k, KHDR.SLAB_LOCK);
  const slot = k[s.freeHead];
  if (slot !== 0) {
    const b = s.region(kn) + slot * s.words;
    k[s.freeHead] = k[b + s.nextFree];
    k[b + s.nextFree] = 0;
  }
  spinUnlock(k, KHDR.SLAB_LOCK);
  if (slot === 0) return 0;
  Atomics.add(k, s.live, 1);
  const gen = k[s.region(kn) + slot * s.words + s.gen] & GEN_MASK;
  detector?.objAlloc(s.cls, slot, gen, refInit, s.site);
  return slot | (gen << SLOT_BITS);
}

function pushFree(kn: Kernel, s: SlabSpec, slot: number): void {
  const { k } = kn;
  const b = s.region(kn) + slot * s.words;
  spinLock(k, KHDR.SLAB_LOCK);
  k[b + s.nextFree] = k[s.freeHead];
  k[s.freeHead] = slot;
  spinUnlock(k, KHDR.SLAB_LOCK);
}

/**
 * Free the object `p` points to. Its generation moves on at once; with the detectors on it is
 * poisoned and quarantined, and the slot leaving quarantine goes back to the free list.
 */
export function slabFree(kn: Kernel, s: SlabSpec, p: number, site: number): void {
  const { k } = kn;
  const slot = ptrSlot(p);
  const b = s.region(kn) + slot * s.words;
  const d = detector;
  if (d !== null && !d.objFree(s.cls, slot, ptrGen(p), site)) return; // a double free: reported, not done twice
  Atomics.add(k, b + s.gen, 1);
  Atomics.sub(k, s.live, 1);
  if (d === null) {
    pushFree(kn, s, slot);
    return;
  }
  for (let f = 0; f < s.words; f++) if (f !== s.gen && f !== s.nextFree) k[b + f] = POISON;
  const out = d.quarantine(s.cls, slot);
  if (out !== 0) pushFree(kn, s, out);
}

/** Give every quarantined slot of the slab back to the free list (the detectors are going away). */
export function slabDrainQuarantine(kn: Kernel, s: SlabSpec): void {
  for (const slot of detector?.drainQuarantine(s.cls) ?? []) pushFree(kn, s, slot);
}
