/**
 * Detectors that fire when it happens: use after free, refcount ledger, lock rules.
 *
 * Model. The detector buffer (one SharedArrayBuffer per machine under test) holds, for every
 * object of every class the kernel registers (mempolicies, shared-policy ranges, ...), its life
 * (live or freed, generation, whether its refcount was ever initialised, who allocated and who
 * freed it, at which site and step) and a short log of its reference events; the lock-class order
 * graph (lockdep's: an edge A -> B once some task took B while holding A); and the reports. Each
 * thread keeps, in its own memory, the locks it holds and the transient references it took
 * (lookups in flight), which only it changes.
 *
 * - Use after free: a freed object is poisoned by the kernel and held in a FIFO quarantine before
 *   reuse, as KASAN does; every use presents the generation its pointer carries, so a stale
 *   pointer is caught even after the slot was reused.
 * - Refcount ledger: a transient get must be matched by a put of the same task before its system
 *   call returns (leak, named by the get's site); a transient put with no matching get is an
 *   over-unref; a count operation on a freed object is a use after free, on a never initialised
 *   count an "uninitialised"; at the end of an execution the kernel compares each live object's
 *   count with its holders and reports the difference with the object's history.
 * - Lock rules: a sleeping lock taken while a spinning one is held (lock-context); an inversion of
 *   the lock-class order seen so far (lock-order, at the first inversion, as lockdep); a lock the
 *   kernel says must be held at a site and is not (lock-rule).
 *
 * Locking. Object rows: written by the thread that allocates, frees or references the object
 * (the kernel's own locking orders those); log slots taken with Atomics.add. Reports: a slot per
 * Atomics.add on the count. The order graph: bits set with Atomics.or.
 */
import { RegionPlanner, defineStruct } from '../shm/layout.js';
import { type LockKind, sleepingLock, spinningLock } from './preempt.js';
import { classOf, siteName, primitiveSite, lockVerb } from './sites.js';

/** An object class the kernel registers: its name and how many slots it has. */
export interface ObjectClassSpec {
  readonly name: string;
  readonly capacity: number;
}

/** Report kinds (the failure signature is kind + site). */
export type ReportKind =
  | 'use-after-free'
  | 'double-free'
  | 'leak'
  | 'over-unref'
  | 'uninitialised'
  | 'lock-context'
  | 'lock-order'
  | 'lock-rule'
  | 'tree'
  | 'deadlock'
  | 'crash'
  | 'hang'
  | 'check';

/** What a detector found. */
export interface Report {
  kind: ReportKind;
  /** Where: the site the task was at. */
  site: string;
  /** The task ("T1"...), or "kernel" for checks made outside the tasks. */
  task: string;
  /** The step of the execution (-1 outside a controlled execution). */
  step: number;
  /** The object concerned ("mempolicy 12"), if any. */
  object?: string;
  message: string;
}

export const OBJ = defineStruct(['STATE', 'GEN', 'REFINIT', 'A_TASK', 'A_SITE', 'A_STEP', 'F_TASK', 'F_SITE', 'F_STEP', 'LOG_N', 'Q_NEXT']);
const LOG_MAX = 8;
/** A log entry: task label + 1, site, step, event (+1 get, -1 put, 2 transient get, -2 transient put). */
const LOG_W = 4;
const OBJ_ROW = OBJ.WORDS + LOG_MAX * LOG_W;
const LIVE = 1;
const FREED = 2;

const DHDR = defineStruct(['MAGIC', 'NREPORTS', 'QUAR_LEN']);
/** Lock classes the order graph tracks (class ids from the site naming). */
export const LOCKDEP_CLASSES = 64;
/** Reports kept per execution (later ones are counted, not stored). */
export const REPORTS_MAX = 16;
const REPORT_BYTES = 1024;
/** Freed objects of a class held back from reuse. */
export const QUARANTINE = 64;

interface Region {
  readonly base: number;
  readonly capacity: number;
  readonly quar: number;
}

/** Word offsets of a detector buffer for a list of classes. */
export function detectLayout(classes: readonly ObjectClassSpec[]): { words: number; objects: Region[]; lockdep: number; witness: number; reports: number } {
  const p = new RegionPlanner();
  p.take('hdr', DHDR.WORDS);
  const lockdep = p.take('lockdep', (LOCKDEP_CLASSES * LOCKDEP_CLASSES) / 32);
  const witness = p.take('witness', LOCKDEP_CLASSES * LOCKDEP_CLASSES);
  const reports = p.take('reports', (REPORTS_MAX * REPORT_BYTES) / 4);
  const objects = classes.map((cl, i) => ({ base: p.take(`obj${i}`, cl.capacity * OBJ_ROW), capacity: cl.capacity, quar: p.take(`quar${i}`, QUARANTINE + 2) }));
  return { words: p.words, objects, lockdep, witness, reports };
}

/** The thread's view of who it is and where the run is, supplied by the scheduler runtime. */
export interface DetectContext {
  /** This thread's task label: 0.. for the tasks of an execution, -1 otherwise. */
  task(): number;
  /** The current step (-1 when not controlled). */
  step(): number;
  /** The site this thread last passed. */
  lastSite(): number;
  /** A report was filed: a controlled execution may stop here (throws) if asked to. */
  reported(r: Report): void;
}

interface HeldLock {
  arr: Int32Array;
  idx: number;
  kind: LockKind;
  cls: number;
  site: number;
}

interface Transient {
  cls: number;
  slot: number;
  site: number;
  step: number;
}

/** The task label of a task worker's thread while it is not in an execution (the scenario's setup). */
export const SETUP_TASK = -2;

/** Label of a task for messages: T1..., 'setup' (a task before executions), 'kernel' (the coordinator). */
export function taskLabel(t: number): string {
  return t >= 0 ? `T${t + 1}` : t === SETUP_TASK ? 'setup' : 'kernel';
}

/** The detectors of one thread, over the machine's detector buffer. */
export class Detector {
  private readonly d: Int32Array;
  private readonly bytes: Uint8Array;
  private readonly layout: ReturnType<typeof detectLayout>;
  private readonly held: HeldLock[] = [];
  private readonly transients: Transient[] = [];
  private readonly enc = new TextEncoder();

  constructor(
    buf: SharedArrayBuffer,
    readonly classes: readonly ObjectClassSpec[],
    private readonly ctx: DetectContext,
  ) {
    this.d = new Int32Array(buf);
    this.bytes = new Uint8Array(buf);
    this.layout = detectLayout(classes);
    if (buf.byteLength !== this.layout.words * 4) throw new Error('numa-emu BUG: detector buffer size does not match its classes');
  }

  /** A new detector buffer for these classes. */
  static createBuffer(classes: readonly ObjectClassSpec[]): SharedArrayBuffer {
    return new SharedArrayBuffer(detectLayout(classes).words * 4);
  }

  /** Forget this thread's held locks and transients (a new execution, or an aborted one). */
  resetThread(): void {
    this.held.length = 0;
    this.transients.length = 0;
  }

  /** Clear the reports (before an execution). */
  clearReports(): void {
    Atomics.store(this.d, DHDR.NREPORTS, 0);
  }

  // -------------------------------------------------------------------------------- reports

  /** File a report (stored if there is room) and tell the scheduler. */
  report(kind: ReportKind, message: string, object?: string, site = this.ctx.lastSite()): void {
    const r: Report = { kind, site: siteName(site), task: taskLabel(this.ctx.task()), step: this.ctx.step(), message, ...(object !== undefined ? { object } : {}) };
    const i = Atomics.add(this.d, DHDR.NREPORTS, 1);
    if (i < REPORTS_MAX) {
      const text = this.enc.encode(JSON.stringify(r)).subarray(0, REPORT_BYTES - 4);
      const at = this.layout.reports * 4 + i * REPORT_BYTES;
      this.bytes.set(text, at + 4);
      new DataView(this.bytes.buffer).setInt32(at, text.length, true);
    }
    this.ctx.reported(r);
  }

  /** The reports filed since they were last cleared. */
  reports(): Report[] {
    const n = Math.min(Atomics.load(this.d, DHDR.NREPORTS), REPORTS_MAX);
    const out: Report[] = [];
    const dec = new TextDecoder();
    for (let i = 0; i < n; i++) {
      const at = this.layout.reports * 4 + i * REPORT_BYTES;
      const len = new DataView(this.bytes.buffer).getInt32(at, true);
      out.push(JSON.parse(dec.decode(this.bytes.slice(at + 4, at + 4 + len))) as Report);
    }
    return out;
  }

  // -------------------------------------------------------------------------------- objects

  private row(cls: number, slot: number): number {
    return this.layout.objects[cls].base + slot * OBJ_ROW;
  }

  private objName(cls: number, slot: number): string {
    return `${this.classes[cls].name} ${slot}`;
  }

  private log(cls: number, slot: number, event: number, site: number): void {
    const r = this.row(cls, slot);
    const n = Atomics.add(this.d, r + OBJ.LOG_N, 1);
    const e = r + OBJ.WORDS + (n % LOG_MAX) * LOG_W;
    this.d[e] = this.ctx.task() + 2;
    this.d[e + 1] = site;
    this.d[e + 2] = this.ctx.step();
    this.d[e + 3] = event;
  }

  /** A readable history of an object: allocation, the last reference events, its free. */
  history(cls: number, slot: number): string {
    const d = this.d;
    const r = this.row(cls, slot);
    const at = (t: number, s: number, st: number) => `${taskLabel(t - 2)} at ${siteName(s)}${st >= 0 ? ` (step ${st})` : ''}`;
    const parts = [`allocated by ${at(d[r + OBJ.A_TASK], d[r + OBJ.A_SITE], d[r + OBJ.A_STEP])}`];
    const n = d[r + OBJ.LOG_N];
    for (let i = Math.max(0, n - LOG_MAX); i < n; i++) {
      const e = r + OBJ.WORDS + (i % LOG_MAX) * LOG_W;
      const ev = d[e + 3];
      parts.push(`${ev > 0 ? 'get' : 'put'}${Math.abs(ev) === 2 ? ' (transient)' : ''} by ${at(d[e], d[e + 1], d[e + 2])}`);
    }
    if (d[r + OBJ.STATE] === FREED) parts.push(`freed by ${at(d[r + OBJ.F_TASK], d[r + OBJ.F_SITE], d[r + OBJ.F_STEP])}`);
    return parts.join('; ');
  }

  /** An object came to life with generation `gen`; `refInit` says its count was set. */
  objAlloc(cls: number, slot: number, gen: number, refInit: boolean, site: number): void {
    const d = this.d;
    const r = this.row(cls, slot);
    d[r + OBJ.GEN] = gen;
    d[r + OBJ.REFINIT] = refInit ? 1 : 0;
    d[r + OBJ.A_TASK] = this.ctx.task() + 2;
    d[r + OBJ.A_SITE] = site;
    d[r + OBJ.A_STEP] = this.ctx.step();
    d[r + OBJ.LOG_N] = 0;
    Atomics.store(d, r + OBJ.STATE, LIVE);
  }

  /** The object's count was initialised. */
  objRefInit(cls: number, slot: number): void {
    this.d[this.row(cls, slot) + OBJ.REFINIT] = 1;
  }

  /** The object is freed; false (and a report) if it was not live. */
  objFree(cls: number, slot: number, gen: number, site: number): boolean {
    const d = this.d;
    const r = this.row(cls, slot);
    if (!this.objCheck(cls, slot, gen, site, 'freed again')) return false;
    d[r + OBJ.F_TASK] = this.ctx.task() + 2;
    d[r + OBJ.F_SITE] = site;
    d[r + OBJ.F_STEP] = this.ctx.step();
    Atomics.store(d, r + OBJ.STATE, FREED);
    return true;
  }

  /** Is the object live with generation `gen`? If not, report a use after free (or a double free). */
  objCheck(cls: number, slot: number, gen: number, site: number, what = 'used'): boolean {
    const d = this.d;
    const r = this.row(cls, slot);
    const state = Atomics.load(d, r + OBJ.STATE);
    if (state === LIVE && d[r + OBJ.GEN] === gen) return true;
    const stale = state === LIVE ? ` (the slot now holds a newer object, generation ${d[r + OBJ.GEN]}, the pointer carries ${gen})` : '';
    const kind: ReportKind = what === 'freed again' ? 'double-free' : 'use-after-free';
    this.report(kind, `${this.objName(cls, slot)} ${what} after it was freed${stale}: ${this.history(cls, slot)}`, this.objName(cls, slot), site);
    return false;
  }

  /** Is the object live (whatever generation)? */
  objLive(cls: number, slot: number): boolean {
    return Atomics.load(this.d, this.row(cls, slot) + OBJ.STATE) === LIVE;
  }

  /**
   * A reference event on a live object: `delta` +1 or -1; `transient` for references that must
   * not outlive the system call (lookups). Reports UAF, an uninitialised count, an over-unref.
   */
  objRef(cls: number, slot: number, gen: number, delta: 1 | -1, transient: boolean, site: number): void {
    if (!this.objCheck(cls, slot, gen, site, delta > 0 ? 'referenced' : 'released')) return;
    const r = this.row(cls, slot);
    if (this.d[r + OBJ.REFINIT] === 0) {
      this.report('uninitialised', `${delta > 0 ? 'get' : 'put'} on ${this.objName(cls, slot)} whose reference count was never initialised: ${this.history(cls, slot)}`, this.objName(cls, slot), site);
    }
    this.log(cls, slot, transient ? 2 * delta : delta, site);
    if (!transient) return;
    if (delta > 0) {
      this.transients.push({ cls, slot, site, step: this.ctx.step() });
      return;
    }
    for (let i = this.transients.length - 1; i >= 0; i--) {
      const t = this.transients[i];
      if (t.cls === cls && t.slot === slot) {
        this.transients.splice(i, 1);
        return;
      }
    }
    this.report('over-unref', `${this.objName(cls, slot)}: a transient reference dropped at ${siteName(site)} that this task never took: ${this.history(cls, slot)}`, this.objName(cls, slot), site);
  }

  /**
   * Quarantine: hold the freed `slot` back; returns the slot that leaves quarantine (the oldest,
   * now reusable) or 0 while the quarantine fills.
   */
  quarantine(cls: number, slot: number): number {
    const d = this.d;
    const q = this.layout.objects[cls].quar;
    // Ring of QUARANTINE slots: q[0] head, q[1] length, then the ring.
    const head = d[q];
    const len = d[q + 1];
    if (len < QUARANTINE) {
      d[q + 2 + ((head + len) % QUARANTINE)] = slot;
      d[q + 1] = len + 1;
      return 0;
    }
    const out = d[q + 2 + head];
    d[q + 2 + head] = slot;
    d[q] = (head + 1) % QUARANTINE;
    return out;
  }

  /** Slots in quarantine (the audit counts them as freed). */
  quarantined(cls: number): number[] {
    const d = this.d;
    const q = this.layout.objects[cls].quar;
    return Array.from({ length: d[q + 1] }, (_, i) => d[q + 2 + ((d[q] + i) % QUARANTINE)]);
  }

  /** Empty the quarantine, returning the slots to free for real. */
  drainQuarantine(cls: number): number[] {
    const out = this.quarantined(cls);
    const q = this.layout.objects[cls].quar;
    this.d[q] = this.d[q + 1] = 0;
    return out;
  }

  /** A system call returns: transient references still held are leaks. */
  syscallExit(name: string): void {
    if (this.transients.length === 0) return;
    for (const t of this.transients) {
      this.report('leak', `${name} returned holding a reference on ${this.objName(t.cls, t.slot)} taken at ${siteName(t.site)}${t.step >= 0 ? ` (step ${t.step})` : ''}: ${this.history(t.cls, t.slot)}`, this.objName(t.cls, t.slot), t.site);
    }
    this.transients.length = 0;
  }

  // -------------------------------------------------------------------------------- locks

  /** About to take a lock: a sleeping lock with a spinning one held is a lock-context bug. */
  beforeLock(kind: LockKind, site: number): void {
    if (!sleepingLock(kind)) return;
    const spin = this.held.find((h) => spinningLock(h.kind));
    if (spin) this.report('lock-context', `sleeping lock ${siteName(site)} taken while holding ${siteName(spin.site)} (atomic context)`, undefined, site);
  }

  /** A lock is held: record it and check the class order (not for trylocks, which cannot deadlock). */
  afterLock(arr: Int32Array, idx: number, kind: LockKind, trylock: boolean, site: number): void {
    const cls = classOf(arr, idx);
    if (!trylock && cls > 0 && cls < LOCKDEP_CLASSES) {
      for (const h of this.held) if (h.cls > 0 && h.cls < LOCKDEP_CLASSES && h.cls !== cls) this.orderEdge(h, cls, site);
    }
    this.held.push({ arr, idx, kind, cls, site });
  }

  /** A lock was released. */
  afterUnlock(arr: Int32Array, idx: number): void {
    for (let i = this.held.length - 1; i >= 0; i--) {
      if (this.held[i].arr === arr && this.held[i].idx === idx) {
        this.held.splice(i, 1);
        return;
      }
    }
  }

  private hasEdge(a: number, b: number): boolean {
    const bit = a * LOCKDEP_CLASSES + b;
    return ((Atomics.load(this.d, this.layout.lockdep + (bit >>> 5)) >>> (bit & 31)) & 1) === 1;
  }

  /** Is there a path from class a to class b in the order graph? */
  private reaches(a: number, b: number): boolean {
    const seen = new Set<number>([a]);
    const todo = [a];
    while (todo.length > 0) {
      const x = todo.pop()!;
      if (x === b) return true;
      for (let y = 1; y < LOCKDEP_CLASSES; y++) if (!seen.has(y) && this.hasEdge(x, y)) (seen.add(y), todo.push(y));
    }
    return false;
  }

  private orderEdge(h: HeldLock, cls: number, site: number): void {
    if (this.hasEdge(h.cls, cls)) return;
    if (this.reaches(cls, h.cls)) {
      const w = this.d[this.layout.witness + cls * LOCKDEP_CLASSES + h.cls];
      const where = w > 0 ? ` (the other order was first seen by ${taskLabel((w >>> 20) - 1)} at step ${(w & 0xfffff) - 1})` : '';
      this.report('lock-order', `lock order inversion: ${siteName(site)} taken while holding ${siteName(h.site)}, but the opposite order was taken before${where}`, undefined, site);
      return;
    }
    const bit = h.cls * LOCKDEP_CLASSES + cls;
    Atomics.or(this.d, this.layout.lockdep + (bit >>> 5), 1 << (bit & 31));
    this.d[this.layout.witness + bit] = ((this.ctx.task() + 1) << 20) | (Math.min(this.ctx.step(), 0xffffe) + 1);
  }

  /** The kernel's rule: `arr[idx]` must be held here (`write`: exclusively). */
  assertHeld(arr: Int32Array, idx: number, write: boolean, rule: string): void {
    const h = this.held.find((x) => x.arr === arr && x.idx === idx);
    const ok = h !== undefined && (!write || h.kind === 1 || h.kind === 3 || h.kind === 5 || h.kind === 6);
    if (!ok) {
      const lock = siteName(primitiveSite(lockVerb(write ? 3 : 2, false), arr, idx)).split(':')[1];
      this.report('lock-rule', `${rule}: ${lock} must be held${write ? ' for write' : ''} here${h ? ' (it is held for read)' : ''}`);
    }
  }

  /** Locks this thread holds (for messages). */
  heldLocks(): string[] {
    return this.held.map((h) => siteName(h.site));
  }

  /** A copy of the buffer (objects, quarantines), to start every execution from. */
  save(): Int32Array {
    return this.d.slice();
  }

  /** Restore a saved copy, keeping the lock-order graph a campaign accumulates across executions. */
  restore(saved: Int32Array): void {
    const graph = this.d.slice(this.layout.lockdep, this.layout.reports);
    this.d.set(saved);
    this.d.set(graph, this.layout.lockdep);
  }

  /** Forget the lock-order graph (a new campaign). */
  clearLockdep(): void {
    this.d.fill(0, this.layout.lockdep, this.layout.witness + LOCKDEP_CLASSES * LOCKDEP_CLASSES);
  }
}

/** This thread's detector, or null (the kernel's hot paths test this). */
export let detector: Detector | null = null;

/** Install (or remove) this thread's detector. */
export function setDetector(d: Detector | null): void {
  detector = d;
}
