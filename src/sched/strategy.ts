/**
 * Strategies: who runs next at a step of a controlled execution.
 *
 * A strategy is a function over the control buffer, run by whichever thread reaches the step (the
 * running task, or the coordinator for the first step), so its state lives in the buffer: the
 * random generator's words, PCT's priorities and change points, the DFS prefix, the directed
 * segments, the replay decisions. Every decision is a function of that state and of the step
 * (who runs, at which site, which tasks could run): the same seed gives the same schedule.
 *
 * - random: uniform among the runnable tasks at every step (a uniform random walk);
 * - pct (Burckhardt et al. 2010): random distinct priorities, d - 1 random priority-change points
 *   among the first k decision points; the highest-priority runnable task runs;
 * - dfs: a forced prefix of choices, then the default choice (stay, else the lowest runnable);
 *   the coordinator enumerates prefixes (see dfs.ts) under a preemption bound;
 * - directed: "run T1 until it reaches site X, then T2 until Y (or its end), then ...";
 * - replay: recorded switches, matched by (task, site, occurrence), the rest default.
 */
import { CTL, type Control, DEC, FLT, MAX_TASKS, SEG, StepKind, Strat, TSK } from './control.js';

/** What a strategy sees at a step. */
export interface StepInfo {
  step: number;
  /** The task at the point (-1 at the start). */
  cur: number;
  site: number;
  occ: number;
  kind: number;
  /** Bit i: task i may run now (the current task included unless it blocked or ended). */
  runnable: number;
}

/** xoshiro128** over four words of the control buffer: the next 32 random bits. */
export function rngNext(c: Int32Array): number {
  const s0 = c[CTL.RNG0] >>> 0;
  const s1 = c[CTL.RNG1] >>> 0;
  const s2 = c[CTL.RNG2] >>> 0;
  const s3 = c[CTL.RNG3] >>> 0;
  const r = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
  const t = (s1 << 9) >>> 0;
  let n2 = (s2 ^ s0) >>> 0;
  let n3 = (s3 ^ s1) >>> 0;
  const n1 = (s1 ^ n2) >>> 0;
  const n0 = (s0 ^ n3) >>> 0;
  n2 = (n2 ^ t) >>> 0;
  n3 = rotl(n3, 11);
  c[CTL.RNG0] = n0;
  c[CTL.RNG1] = n1;
  c[CTL.RNG2] = n2;
  c[CTL.RNG3] = n3;
  return r;
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/** Seed the generator from a 53-bit seed (splitmix32 over its halves). */
export function rngSeed(c: Int32Array, seed: number): void {
  let h = (seed >>> 0) ^ Math.floor(seed / 2 ** 32);
  for (const f of [CTL.RNG0, CTL.RNG1, CTL.RNG2, CTL.RNG3]) {
    h = (h + 0x9e3779b9) | 0;
    let z = h;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    c[f] = (z ^ (z >>> 16)) | 1;
  }
}

/** A uniform integer in [0, n). */
export function rngBelow(c: Int32Array, n: number): number {
  return Math.floor((rngNext(c) / 2 ** 32) * n);
}

function popcount(m: number): number {
  let n = 0;
  for (let x = m >>> 0; x !== 0; x &= x - 1) n++;
  return n;
}

/** The i-th (0-based) set bit of `m`. */
function nthBit(m: number, i: number): number {
  for (let b = 0; b < MAX_TASKS; b++) if (m & (1 << b) && i-- === 0) return b;
  return -1;
}

function lowestBit(m: number): number {
  return m === 0 ? -1 : 31 - Math.clz32(m & -m);
}

/** The default choice: stay on the running task if it can run, else the lowest runnable one. */
export function defaultChoice(s: StepInfo): number {
  return s.cur >= 0 && s.runnable & (1 << s.cur) ? s.cur : lowestBit(s.runnable);
}

function chooseRandom(ctl: Control, s: StepInfo): number {
  return nthBit(s.runnable, rngBelow(ctl.c, popcount(s.runnable)));
}

function choosePct(ctl: Control, s: StepInfo): number {
  const c = ctl.c;
  const changes = c[CTL.PCT_D] - 1;
  if (s.cur >= 0 && s.kind === StepKind.Point) {
    // Change points count decision points (all points, or those of the focus set).
    const d = c[CTL.DSTEP];
    for (let i = 0; i < changes; i++) {
      if (c[ctl.l.pctChange + i] === d) c[ctl.l.tasks + s.cur * TSK.WORDS + TSK.PRIO] = i + 1;
    }
  }
  let best = -1;
  let bestPrio = -Infinity;
  for (let i = 0; i < c[CTL.NTASKS]; i++) {
    const p = c[ctl.l.tasks + i * TSK.WORDS + TSK.PRIO];
    if (s.runnable & (1 << i) && p > bestPrio) {
      best = i;
      bestPrio = p;
    }
  }
  return best;
}

function chooseDfs(ctl: Control, s: StepInfo): number {
  const c = ctl.c;
  if (s.step < c[CTL.PREFIX_LEN]) {
    const forced = c[ctl.l.prefix + s.step];
    if (s.runnable & (1 << forced)) return forced;
    if (c[CTL.DIVERGED] === 0) c[CTL.DIVERGED] = s.step + 1;
  }
  return defaultChoice(s);
}

function seg(ctl: Control, i: number, f: number): number {
  return ctl.c[ctl.l.segs + i * SEG.WORDS + f];
}

function chooseDirected(ctl: Control, s: StepInfo): number {
  const c = ctl.c;
  const n = c[CTL.DIR_NSEG];
  let k = c[CTL.DIR_SEG];
  if (k < n && s.cur === seg(ctl, k, SEG.TASK)) {
    const until = seg(ctl, k, SEG.SITE);
    const reached = until === 0 ? s.kind === StepKind.End : s.kind === StepKind.Point && s.site === until && s.occ === seg(ctl, k, SEG.OCC);
    if (reached) c[CTL.DIR_SEG] = ++k;
  }
  const want = k < n ? seg(ctl, k, SEG.TASK) : -1;
  if (want >= 0 && s.runnable & (1 << want)) return want;
  // The wanted task cannot run (it is blocked, say on a lock the held task owns): run another,
  // the held one last; if only it can run, the hold is released, which is the fixed kernel's point.
  return defaultChoice(s);
}

function dec(ctl: Control, i: number, f: number): number {
  return ctl.c[ctl.l.decisions + i * DEC.WORDS + f];
}

function chooseReplay(ctl: Control, s: StepInfo): number {
  const c = ctl.c;
  const i = c[CTL.REP_IDX];
  // Past the step of the next recorded switch without meeting it: the path has left the record.
  if (i < c[CTL.REP_NDEC] && s.step > dec(ctl, i, DEC.STEP) && c[CTL.DIVERGED] === 0) c[CTL.DIVERGED] = s.step + 1;
  if (i < c[CTL.REP_NDEC] && dec(ctl, i, DEC.TASK) === s.cur && dec(ctl, i, DEC.SITE) === s.site && dec(ctl, i, DEC.OCC) === s.occ && dec(ctl, i, DEC.KIND) === s.kind) {
    c[CTL.REP_IDX] = i + 1;
    if (dec(ctl, i, DEC.STEP) !== s.step && c[CTL.DIVERGED] === 0) c[CTL.DIVERGED] = s.step + 1;
    const next = dec(ctl, i, DEC.NEXT);
    if (s.runnable & (1 << next)) return next;
  }
  return defaultChoice(s);
}

/** The task to run after step `s` (one of `s.runnable`, which is not empty). */
export function choose(ctl: Control, s: StepInfo): number {
  switch (ctl.c[CTL.STRATEGY]) {
    case Strat.Random:
      return chooseRandom(ctl, s);
    case Strat.Pct:
      return choosePct(ctl, s);
    case Strat.Dfs:
      return chooseDfs(ctl, s);
    case Strat.Directed:
      return chooseDirected(ctl, s);
    case Strat.Replay:
      return chooseReplay(ctl, s);
    default:
      return defaultChoice(s);
  }
}

/**
 * Should task `cur`'s `occ`-th pass of the injectable site `site` fail? Listed faults (directed,
 * replay, dfs) fail exactly where listed; the random and PCT strategies also fail with the
 * configured probability (from the execution's seeded generator, so still deterministic).
 * Injected faults are recorded for the schedule string.
 */
export function chooseFault(ctl: Control, cur: number, site: number, occ: number): boolean {
  const c = ctl.c;
  let fail = false;
  for (let i = 0; i < c[CTL.NFAULT_SPEC] && !fail; i++) {
    const b = ctl.l.faultSpec + i * FLT.WORDS;
    fail = c[b + FLT.TASK] === cur && c[b + FLT.SITE] === site && c[b + FLT.OCC] === occ;
  }
  const random = c[CTL.STRATEGY] === Strat.Random || c[CTL.STRATEGY] === Strat.Pct;
  if (!fail && random && c[CTL.FAULT_PPM] > 0) fail = rngBelow(c, 1_000_000) < c[CTL.FAULT_PPM];
  if (fail && c[CTL.NFAULTS] < 16) {
    const b = ctl.l.faults + c[CTL.NFAULTS]++ * FLT.WORDS;
    c[b + FLT.TASK] = cur;
    c[b + FLT.SITE] = site;
    c[b + FLT.OCC] = occ;
  }
  return fail;
}
