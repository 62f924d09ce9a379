/**
 * Schedule strings: one printable line that says everything needed to run an execution again.
 *
 *   ne1;sc=<scenario>;k=<kernel profile>;ms=<machine seed>;st=<strategy and parameters>;
 *   d=<decisions>;f=<faults>;n=<steps>;h=<trace hash>;t=<trace digest>;x=<state hash>;c=<checksum>
 *
 * (one line, no spaces). `ne1` is the format's name and version. A decision is a switch between
 * tasks, named by where it happened: `s14:T1@sp_lookup#2>T2` means "at step 14, when T1 reached its
 * second pass of sp_lookup, T2 ran next" (`@!site` the task blocked there, `@$end` it ended,
 * `@^start` the first choice). Replays match decisions by task, site and pass, so a schedule keeps
 * its meaning when points are added elsewhere; the step numbers, the trace hash and the per-step
 * digest (one base64url character per step, 6 bits of the step's task and site) prove the replay
 * took the same path, and name the first step that differs if it did not. `x` is a hash of the
 * kernel's buffers at the end (empty if not taken). A fault `T1@slab:sp_node#2` makes that
 * allocation fail. The checksum catches a line cut short or edited by hand.
 */
import { StepKind } from './control.js';

/** A switch between tasks (task -1: the first choice). */
export interface Decision {
  step: number;
  task: number;
  site: string;
  occ: number;
  kind: number;
  next: number;
}

/** An injected failure: `task`'s `occ`-th pass of the injectable `site` fails. */
export interface Fault {
  task: number;
  site: string;
  occ: number;
}

/** A parsed schedule. */
export interface Schedule {
  scenario: string;
  kernel: string;
  machineSeed: number;
  strategy: string;
  decisions: Decision[];
  faults: Fault[];
  steps: number;
  traceHash: number;
  digest: string;
  stateHash: string;
}

/** A schedule string that cannot be used; `exitCode` 2 for the command line. */
export class ScheduleError extends Error {
  readonly code = 'ERR_BAD_SCHEDULE';
  constructor(message: string) {
    super(message);
  }
}

const VERSION = 'ne1';
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
/** Steps the digest covers (longer executions keep the trace hash only past this). */
export const DIGEST_STEPS = 4096;

/** FNV-1a over a string, as 8 hex digits. */
export function fnv32(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16).padStart(8, '0');
}

/** One digest character for a step. */
export function digestChar(task: number, site: number): string {
  return B64[(Math.imul(task + 7, 0x9e3779b1) ^ Math.imul(site, 0x85ebca6b)) >>> 26];
}

function esc(s: string): string {
  return s.replace(/[%;=,\s]/g, (c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

function unesc(s: string): string {
  return s.replace(/%([0-9a-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
}

const KIND_MARK: Record<number, string> = { [StepKind.Point]: '', [StepKind.Block]: '!', [StepKind.End]: '$', [StepKind.Start]: '^' };

function taskName(t: number): string {
  return `T${t + 1}`;
}

function formatDecision(d: Decision): string {
  const at = d.task < 0 ? '' : taskName(d.task);
  const occ = d.kind === StepKind.Point || d.kind === StepKind.Block ? `#${d.occ}` : '';
  return `s${d.step}:${at}@${KIND_MARK[d.kind] ?? ''}${d.site}${occ}>${taskName(d.next)}`;
}

/** Print a schedule as its one-line string. */
export function formatSchedule(s: Schedule): string {
  const body = [
    VERSION,
    `sc=${esc(s.scenario)}`,
    `k=${esc(s.kernel)}`,
    `ms=${s.machineSeed}`,
    `st=${esc(s.strategy)}`,
    `d=${s.decisions.map(formatDecision).join(',')}`,
    `f=${s.faults.map((f) => `${taskName(f.task)}@${f.site}#${f.occ}`).join(',')}`,
    `n=${s.steps}`,
    `h=${(s.traceHash >>> 0).toString(16)}`,
    `t=${s.digest}`,
    `x=${s.stateHash}`,
  ].join(';');
  return `${body};c=${fnv32(body)}`;
}

function parseTask(s: string, what: string): number {
  const m = /^T(\d+)$/.exec(s);
  if (!m || Number(m[1]) < 1) throw new ScheduleError(`${what}: '${s}' is not a task (T1, T2, ...)`);
  return Number(m[1]) - 1;
}

const DECISION = /^s(\d+):(T\d+)?@([!$^]?)([^#>]+)(?:#(\d+))?>(T\d+)$/;

function parseDecision(text: string): Decision {
  const m = DECISION.exec(text);
  if (!m) throw new ScheduleError(`decision '${text}' is not of the form s<step>:T<n>@<site>#<pass>>T<m>`);
  const kind = m[3] === '!' ? StepKind.Block : m[3] === '$' ? StepKind.End : m[3] === '^' ? StepKind.Start : StepKind.Point;
  const task = m[2] ? parseTask(m[2], 'decision') : -1;
  if ((task < 0) !== (kind === StepKind.Start)) throw new ScheduleError(`decision '${text}': only the first choice (@^start) has no task`);
  return { step: Number(m[1]), task, site: m[4], occ: m[5] ? Number(m[5]) : kind === StepKind.End || kind === StepKind.Start ? 0 : 1, kind, next: parseTask(m[6], 'decision') };
}

function parseFault(text: string): Fault {
  const m = /^(T\d+)@([^#]+)#(\d+)$/.exec(text);
  if (!m) throw new ScheduleError(`fault '${text}' is not of the form T<n>@<site>#<pass>`);
  return { task: parseTask(m[1], 'fault'), site: m[2], occ: Number(m[3]) };
}

/** Parse a schedule string; throws ScheduleError saying what is wrong with it. */
export function parseSchedule(line: string): Schedule {
  const text = line.trim();
  if (text === '') throw new ScheduleError('empty schedule string');
  const fields = text.split(';');
  if (fields[0] !== VERSION) {
    throw new ScheduleError(/^ne\d+$/.test(fields[0]) ? `schedule format ${fields[0]} is not one this version reads (${VERSION})` : `not a numa-emu schedule string (it should start with '${VERSION};')`);
  }
  const last = fields[fields.length - 1];
  if (!last.startsWith('c=')) throw new ScheduleError('schedule string is truncated (its checksum field c= is missing)');
  const body = text.slice(0, text.length - last.length - 1);
  if (fnv32(body) !== last.slice(2)) throw new ScheduleError('schedule string is damaged (its checksum does not match)');
  const f = new Map<string, string>();
  for (const x of fields.slice(1, -1)) {
    const eq = x.indexOf('=');
    if (eq <= 0) throw new ScheduleError(`field '${x}' is not key=value`);
    f.set(x.slice(0, eq), x.slice(eq + 1));
  }
  for (const k of ['sc', 'k', 'ms', 'st', 'd', 'f', 'n', 'h', 't', 'x']) if (!f.has(k)) throw new ScheduleError(`schedule string lacks its ${k}= field`);
  const num = (k: string) => {
    const v = Number(f.get(k));
    if (!Number.isSafeInteger(v)) throw new ScheduleError(`${k}=${f.get(k)} is not an integer`);
    return v;
  };
  return {
    scenario: unesc(f.get('sc')!),
    kernel: unesc(f.get('k')!),
    machineSeed: num('ms'),
    strategy: unesc(f.get('st')!),
    decisions: f.get('d') === '' ? [] : f.get('d')!.split(',').map(parseDecision),
    faults: f.get('f') === '' ? [] : f.get('f')!.split(',').map(parseFault),
    steps: num('n'),
    traceHash: parseInt(f.get('h')!, 16) | 0,
    digest: f.get('t')!,
    stateHash: f.get('x')!,
  };
}

/** The preemptions of a schedule: switches away from a task that could have gone on. */
export function preemptionsOf(s: Schedule): number {
  return s.decisions.filter((d) => d.kind === StepKind.Point && d.task >= 0).length;
}
