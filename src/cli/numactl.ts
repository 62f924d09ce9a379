/**
 * `numa-emu numactl`: numactl (numactl.c main, shm.c, libnuma.c; numactl 2.0.19 with the --show
 * of its development tree) on a fresh emulated machine, in its four modes:
 *
 * - process mode, `numa-emu numactl [policy] [--cpunodebind=|--physcpubind=] [--balancing] --
 *   <module> [args]`: a numactl process (main task on CPU 0) applies the policy and the CPU
 *   binding to itself (numactl-process.ts), then the module's `scenario(machine, ...args)` runs
 *   as the command numactl would exec: every process it spawns starts with that task policy and
 *   on that CPU, as children of the exec'd command would;
 * - `--show`: the same process prints its policy and binding as numactl's show() does;
 * - `--hardware`: the machine's layout;
 * - shared-memory mode (`--shm`/`--file`): a process attaches the object, applies the policy with
 *   mbind, touches the pages and dumps, all as system calls of that task (numactl-task.ts).
 *
 * Differences from numactl, all forced by one run = one fresh machine or chosen for clarity:
 * - The object options (--shm/--file, --length, --offset, --shmmode, --shmid) and --strict may
 *   come anywhere: the object is attached first. The policy, --touch, --dump and --dump-nodes
 *   then act in command-line order, as numactl acts on each option as it parses it (so
 *   `--touch --strict --membind=1` touches first and the strict mbind then finds the pages).
 *   numactl itself wants the policy after --shm/--file, --length/--offset before them, and
 *   --strict before the policy.
 * - The region is [offset, offset + length) of the object, and a created segment or a short file
 *   is sized offset + length (numactl sizes it `length` and maps `length` bytes from `offset`).
 * - --shm NAME: a SysV segment whose key is derived from NAME like ftok(NAME, shmid):
 *   (shmid & 0xff) << 24 | (st_dev & 0xff) << 16 | (st_ino & 0xffff), with st_dev = 0 and st_ino
 *   the low 16 bits of the FNV-1a hash of NAME folded (h ^ h >>> 16), 1 if the key would be 0
 *   (IPC_PRIVATE). No key file is created. A NAME starting with /dev/shm/ is a file, as numactl's
 *   tmpfs files are (here a file of the emulator's flat namespace: see the README).
 * - An emulated task runs on one CPU: a CPU binding runs the process on the set's first CPU.
 * - Bad command lines exit with code 2 (numactl exits 1); failures of the emulated system calls
 *   exit with code 1 after numactl's own perror-style lines.
 */
import { fileURLToPath } from 'node:url';
import { type Machine, type Process } from '../machine/machine.js';
import { MPOL_MF_STRICT } from '../kernel/constants.js';
import { type OptSpec, UsageError } from './args.js';
import { hex16 } from './cfmt.js';
import { type ProcessOutcome, type ProcessPlan, type ProcessStep, policyName } from './numactl-process.js';
import { type DumpRange, type NodeRange, type NumactlOutcome, type NumactlPlan, type NumactlStep, type PolicyOption } from './numactl-task.js';

export const NUMACTL_USAGE = `usage: numa-emu numactl [--interleave= | -i <nodes>] [--weighted-interleave= | -w <nodes>]
                        [--membind= | -m <nodes>] [--preferred= | -p <node>]
                        [--preferred-many= | -P <nodes>] [--localalloc | -l] [--balancing | -b]
                        [--cpunodebind= | -N <nodes>] [--physcpubind= | -C <cpus>]
                        [--] <scenario module> [args...]
       numa-emu numactl [policy and binding options] --show | -s
       numa-emu numactl --hardware | -H
       numa-emu numactl [--interleave= | -i <nodes>] [--weighted-interleave= | -w <nodes>]
                        [--membind= | -m <nodes>] [--preferred= | -p <node>]
                        [--preferred-many= | -P <nodes>] [--localalloc | -l] [--strict | -t]
                        (--shm | -S <name> | --file | -f <path>) --length | -L <length>
                        [--offset | -o <offset>] [--shmmode | -M <mode>] [--shmid | -I <id>]
                        [--touch | -T] [--dump | -d] [--dump-nodes | -D]
       each with [--json] [--kernel <profile>] [--machine <file>] [--scenario <file>]
A <scenario module> exports scenario(machine, ...args): the command numactl runs. Every process
it spawns starts with the policy and on the CPU numactl set (the first CPU of a binding).
<nodes> is a comma delimited list of node numbers or A-B ranges or all, optionally
inverted with ! or made relative to the allowed nodes with +; <cpus> likewise.
--preferred takes one node; --balancing (before the policy) adds MPOL_F_NUMA_BALANCING to --membind.
<length> and <offset> can have g (GB), m (MB) or k (KB) suffixes and must be page aligned.
--shm creates (or attaches) a SysV segment keyed from <name>; a <name> under /dev/shm/ is a file.
The object is attached first; the policy, --touch, --dump and --dump-nodes then act in
command-line order.
`;

export const NUMACTL_OPTS: OptSpec[] = [
  { long: 'interleave', short: 'i', arg: true },
  { long: 'weighted-interleave', short: 'w', arg: true },
  { long: 'membind', short: 'm', arg: true },
  { long: 'preferred', short: 'p', arg: true },
  { long: 'preferred-many', short: 'P', arg: true },
  { long: 'localalloc', short: 'l', arg: false },
  { long: 'balancing', short: 'b', arg: false },
  { long: 'cpunodebind', short: 'N', arg: true },
  { long: 'cpubind', short: 'c', arg: true },
  { long: 'physcpubind', short: 'C', arg: true },
  { long: 'show', short: 's', arg: false },
  { long: 'hardware', short: 'H', arg: false },
  { long: 'strict', short: 't', arg: false },
  { long: 'shm', short: 'S', arg: true },
  { long: 'file', short: 'f', arg: true },
  { long: 'length', short: 'L', arg: true },
  { long: 'offset', short: 'o', arg: true },
  { long: 'shmmode', short: 'M', arg: true },
  { long: 'shmid', short: 'I', arg: true },
  { long: 'touch', short: 'T', arg: false },
  { long: 'dump', short: 'd', arg: false },
  { long: 'dump-nodes', short: 'D', arg: false },
];

const PAGE = 4096;
const POLICY_OPTIONS: readonly string[] = ['interleave', 'weighted-interleave', 'membind', 'preferred', 'preferred-many', 'localalloc'];

/** The command line of shared-memory mode, before the machine exists (node lists are parsed later). */
export interface NumactlArgs {
  object: { kind: 'sysv'; name: string } | { kind: 'file'; path: string };
  shmid: number;
  mode: number;
  offset: number;
  length: number;
  policy: { option: PolicyOption; spec: string | null; given: string } | null;
  strict: boolean;
  /** The policy, --touch, --dump and --dump-nodes, in command-line order. */
  steps: NumactlStep[];
}

/** A policy or CPU option of process mode, as given. */
export type ProcessArg = { kind: 'policy'; option: PolicyOption; spec: string | null; given: string } | { kind: 'cpus'; by: 'nodes' | 'cpus'; spec: string; given: string };

/** The command line of process mode (and --show). */
export interface ProcessArgs {
  args: ProcessArg[];
  balancing: boolean;
  /** Lines numactl prints on stderr and goes on (--strict for a process). */
  warnings: string[];
}

/** What `numa-emu numactl` was asked to do. */
export type NumactlCommand =
  | { mode: 'shm'; shm: NumactlArgs }
  | { mode: 'hardware' }
  | { mode: 'show'; process: ProcessArgs }
  | { mode: 'run'; process: ProcessArgs; module: string; args: string[] };

type Opt = { name: string; given: string; value: string | undefined };

function usage(msg: string): never {
  throw new UsageError(msg, NUMACTL_USAGE);
}

/** strtoul(s, &end, base) over the whole string; null if anything is left over or it is empty. */
function strtoul(s: string, base: 0 | 8): { value: number; rest: string } | null {
  const m = base === 8 ? /^[0-7]+/.exec(s) : /^(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)/.exec(s);
  if (!m) return null;
  const t = m[0];
  const value = base === 8 ? parseInt(t, 8) : /^0[xX]/.test(t) ? parseInt(t.slice(2), 16) : t.length > 1 && t[0] === '0' ? parseInt(t, 8) : parseInt(t, 10);
  return { value, rest: s.slice(t.length) };
}

/** numactl's memsize(): a C integer (decimal, 0x hex, 0 octal) with an optional k/m/g suffix. */
export function memsize(opt: string, s: string): number {
  const n = strtoul(s, 0);
  const mult: Record<string, number> = { '': 1, k: 1 << 10, m: 1 << 20, g: 1 << 30 };
  const suffix = n?.rest.toLowerCase();
  if (!n || suffix === undefined || !(suffix in mult)) usage(`${opt}: bad size '${s}'`);
  const v = n.value * mult[suffix];
  if (!Number.isSafeInteger(v)) usage(`${opt}: size '${s}' is too large`);
  return v;
}

const SHM_ONLY = new Set(['shm', 'file', 'length', 'offset', 'shmmode', 'shmid', 'touch', 'dump', 'dump-nodes']);

/**
 * Parse the numactl command's own options and words (the global ones were taken out by the
 * caller) into one of the four modes, with numactl's checks of what goes with what.
 */
export function parseNumactl(opts: Opt[], words: string[]): NumactlCommand {
  const showAt = opts.findIndex((o) => o.name === 'show');
  // numactl shows as soon as it meets --show, and exits: later options are never looked at.
  const seen = showAt >= 0 ? opts.slice(0, showAt) : opts;
  if (seen.some((o) => o.name === 'shm' || o.name === 'file')) {
    const cpu = seen.find((o) => o.name === 'cpunodebind' || o.name === 'cpubind' || o.name === 'physcpubind');
    if (cpu) usage(`cannot do ${cpu.given} on shared memory`);
    if (showAt >= 0) usage('--show cannot be combined with --shm/--file');
    return { mode: 'shm', shm: parseShm(seen.filter((o) => o.name !== 'balancing' && o.name !== 'hardware'), words) };
  }
  if (showAt < 0 && opts.some((o) => o.name === 'hardware')) return { mode: 'hardware' };
  const process = parseProcess(seen);
  if (showAt >= 0) return { mode: 'show', process };
  if (words.length === 0) usage('numactl needs a <scenario module> to run (or --show, --hardware, --shm, --file)');
  return { mode: 'run', process, module: words[0], args: words.slice(1) };
}

function parseProcess(opts: Opt[]): ProcessArgs {
  const p: ProcessArgs = { args: [], balancing: false, warnings: [] };
  let policy = false;
  for (const o of opts) {
    const v = o.value ?? '';
    if (SHM_ONLY.has(o.name)) {
      if (o.name === 'touch') usage(`${o.given} must be after shared memory specification`);
      if (o.name === 'dump' || o.name === 'dump-nodes') usage(`cannot do ${o.given} without shared memory`);
      usage(`shm related option ${o.given} for process`);
    } else if (POLICY_OPTIONS.includes(o.name)) {
      if (policy) usage('Conflicting policies');
      policy = true;
      p.args.push({ kind: 'policy', option: o.name as PolicyOption, spec: o.name === 'localalloc' ? null : v, given: o.given });
    } else if (o.name === 'balancing') {
      if (policy) usage('specify policy after --shm/--file'); // numactl's nopolicy(): --balancing must precede the policy
      p.balancing = true;
    } else if (o.name === 'cpunodebind' || o.name === 'cpubind' || o.name === 'physcpubind') {
      p.args.push({ kind: 'cpus', by: o.name === 'physcpubind' ? 'cpus' : 'nodes', spec: v, given: o.given });
    } else if (o.name === 'strict') p.warnings = ['numactl: warning. Strict flag for process ignored.'];
  }
  return p;
}

function parseShm(opts: Opt[], words: string[]): NumactlArgs {
  if (words.length > 0) usage(`unexpected argument '${words[0]}' (numactl runs no command with --shm or --file)`);
  let object: NumactlArgs['object'] | null = null;
  let policy: NumactlArgs['policy'] = null;
  let length: number | null = null;
  const a: Omit<NumactlArgs, 'object' | 'length' | 'policy'> = { shmid: 0, mode: 0o600, offset: 0, strict: false, steps: [] };
  for (const o of opts) {
    const v = o.value ?? '';
    if (POLICY_OPTIONS.includes(o.name)) {
      if (policy) usage('Conflicting policies');
      policy = { option: o.name as PolicyOption, spec: o.name === 'localalloc' ? null : v, given: o.given };
      a.steps.push('policy');
      continue;
    }
    switch (o.name) {
      case 'shm':
      case 'file':
        if (object) usage('only one --shm or --file may be given');
        if (v === '') usage(`${o.given} needs a name`);
        object = o.name === 'file' || v.startsWith('/dev/shm/') ? { kind: 'file', path: v } : { kind: 'sysv', name: v };
        break;
      case 'length':
        length = memsize(o.given, v);
        break;
      case 'offset':
        a.offset = memsize(o.given, v);
        break;
      case 'shmmode': {
        const n = strtoul(v, 8);
        if (!n || n.rest !== '' || n.value > 0o777) usage(`${o.given}: bad mode '${v}' (octal permission bits)`);
        a.mode = n.value;
        break;
      }
      case 'shmid': {
        const n = strtoul(v, 0);
        if (!n || n.rest !== '') usage(`${o.given}: bad id '${v}'`);
        a.shmid = n.value;
        break;
      }
      case 'strict':
        a.strict = true;
        break;
      case 'touch':
      case 'dump':
      case 'dump-nodes':
        a.steps.push(o.name);
        break;
    }
  }
  if (!object) throw new Error('numa-emu BUG: shared-memory mode without --shm or --file');
  if (length === null || length === 0) usage(`policy region length not specified before ${object.kind === 'file' ? '--file' : '--shm'}`);
  if (length % PAGE !== 0 || a.offset % PAGE !== 0) usage('policy region not page aligned');
  return { ...a, object, length, policy };
}

/** The key numa-emu uses for --shm NAME in place of ftok(NAME, shmid): see the module comment. */
export function sysvKey(name: string, shmid: number): number {
  let h = 0x811c9dc5;
  for (const b of new TextEncoder().encode(name)) h = Math.imul(h ^ b, 0x01000193) >>> 0;
  let ino = (h ^ (h >>> 16)) & 0xffff;
  if (ino === 0 && (shmid & 0xff) === 0) ino = 1;
  return (((shmid & 0xff) << 24) | ino) | 0;
}

/**
 * libnuma's __numa_parse_nodestring against `allowed` (the memory nodes: numa_all_nodes_ptr with
 * no cpuset): "0-3", "0,2", "all", "!1" (inverted over node ids below the number of memory
 * nodes, as libnuma does), "+0-1" (relative to the allowed nodes). With `what` 'cpu' it is
 * __numa_parse_cpustring over the machine's CPUs. Throws a UsageError.
 */
export function parseNodestring(spec: string, allowed: readonly number[], what: 'node' | 'cpu' = 'node'): number[] {
  const bad = (why: string): never => usage(`<${spec}> is invalid: ${why}`);
  const set = new Set<number>();
  const ok = new Set(allowed);
  let s = spec;
  if (s === '') return [];
  let invert = false;
  let relative = false;
  if (s[0] === '!') {
    invert = true;
    s = s.slice(1);
  }
  if (s[0] === '+') {
    relative = true;
    s = s.slice(1);
  }
  const getNr = (): number | null => {
    const n = strtoul(s, 0);
    if (!n) return null;
    s = n.rest;
    if (!relative) return n.value;
    const sorted = [...allowed].sort((x, y) => x - y);
    return n.value < sorted.length ? sorted[n.value] : -1;
  };
  if (s === 'all') allowed.forEach((n) => set.add(n));
  else {
    for (;;) {
      const start = s;
      const arg = getNr();
      if (arg === null) bad(`unparseable ${what} description '${start}'`);
      if (!ok.has(arg!)) bad(`${what} argument ${arg! < 0 ? start : arg} is out of range`);
      set.add(arg!);
      if (s[0] === '-') {
        s = s.slice(1);
        const rest = s;
        const arg2 = getNr();
        if (arg2 === null) bad(`missing ${what} argument '${rest}'`);
        if (!ok.has(arg2!)) bad(`${what} argument ${arg2! < 0 ? rest : arg2} out of range`);
        for (let n = arg!; n <= arg2!; n++) if (ok.has(n)) set.add(n);
      }
      if (s[0] !== ',') break;
      s = s.slice(1);
    }
    if (s !== '') bad(`trailing characters '${s}'`);
  }
  if (invert) {
    for (let i = 0; i < allowed.length; i++) {
      if (set.has(i)) set.delete(i);
      else set.add(i);
    }
  }
  return [...set].sort((x, y) => x - y);
}

/** Resolve node lists against the machine: the plan the task runs. */
export function numactlPlan(args: NumactlArgs, memoryNodes: readonly number[]): NumactlPlan {
  let policy: NumactlPlan['policy'] = null;
  if (args.policy) {
    const nodes = args.policy.spec === null ? [] : parseNodestring(args.policy.spec, memoryNodes);
    if (args.policy.option === 'preferred' && nodes.length === 0) usage(`${args.policy.given} needs a node`);
    policy = { option: args.policy.option, nodes };
  }
  const object: NumactlPlan['object'] =
    args.object.kind === 'file' ? args.object : { kind: 'sysv', name: args.object.name, key: sysvKey(args.object.name, args.shmid), shmid: args.shmid };
  return { object, mode: args.mode, offset: args.offset, length: args.length, policy, strict: args.strict, steps: args.steps };
}

/** dump_shm's line: "%016llx-%016llx: %s " then printmask("", mask): ": " and "%d " per node. */
export function dumpLine(d: DumpRange): string {
  return `${hex16(d.start)}-${hex16(d.end)}: ${policyName(d.mode)} : ${d.nodes.map((n) => `${n} `).join('')}\n`;
}

/** dump_shm_nodes's line: "%016llx-%016llx: %d". */
export function dumpNodesLine(d: NodeRange): string {
  return `${hex16(d.start)}-${hex16(d.end)}: ${d.node}\n`;
}

const TASK_MODULE = fileURLToPath(new URL('./numactl-task.js', import.meta.url));
const PROCESS_MODULE = fileURLToPath(new URL('./numactl-process.js', import.meta.url));

/** Resolve process mode's node and CPU lists against the machine: the plan the numactl process runs. */
export function processPlan(p: ProcessArgs, m: Machine, show: boolean): ProcessPlan {
  const memoryNodes = m.nodes.filter((n) => n.memory > 0).map((n) => n.id);
  const nodeCpus: Record<number, number[]> = Object.fromEntries(m.nodes.map((n) => [n.id, [...n.cpus]]));
  const allCpus = m.nodes.flatMap((n) => n.cpus).sort((a, b) => a - b);
  const list = (spec: string, allowed: readonly number[], what: 'node' | 'cpu') => {
    if (spec === '') usage(`<${spec}> is invalid: an empty ${what} list`);
    return parseNodestring(spec, allowed, what);
  };
  const steps = p.args.map((a): ProcessStep => {
    if (a.kind === 'cpus') {
      const cpus = a.by === 'cpus' ? list(a.spec, allCpus, 'cpu') : list(a.spec, memoryNodes, 'node').flatMap((n) => nodeCpus[n]);
      return { kind: 'cpus', cpus: cpus.sort((x, y) => x - y) };
    }
    const nodes = a.spec === null ? [] : list(a.spec, memoryNodes, 'node');
    if (a.option === 'preferred' && nodes.length !== 1) usage(`${a.given} takes exactly one node, not <${a.spec}> (numactl refuses it); --preferred-many takes several`);
    return { kind: 'policy', option: a.option, nodes };
  });
  return { steps, balancing: p.balancing, show, memoryNodes, nodeCpus };
}

/** What `numa-emu numactl` in process mode or --show prints with --json. */
export interface NumactlProcessJson {
  kernel: string;
  /** The numactl process (the workload's processes are started under its policy). */
  pid: number;
  /** The task policy it left: mode (with mode flags), its name, its nodes. */
  policy: { mode: number; name: string; nodes: number[] };
  /** The CPU it runs on (the first of a binding). */
  cpu: number;
  /** The workload run: module and arguments (process mode). */
  command?: string[];
}

/**
 * Process mode and --show: a numactl process (main task on CPU 0) applies the options to itself.
 * Resolves with its outcome and the process, which the caller makes the parent of a workload.
 */
export async function runNumactlProcess(m: Machine, p: ProcessArgs, show: boolean): Promise<{ outcome: ProcessOutcome; process: Process; json: NumactlProcessJson }> {
  const plan = processPlan(p, m, show);
  const process = await m.spawnProcess({ cpu: 0 });
  const outcome = await process.main.run<ProcessOutcome>(PROCESS_MODULE, 'numactlProcessInTask', plan);
  outcome.stderr.unshift(...p.warnings);
  const json: NumactlProcessJson = { kernel: m.profile, pid: outcome.pid, policy: { mode: outcome.mode, name: policyName(outcome.mode), nodes: outcome.nodes }, cpu: outcome.cpu };
  return { outcome, process, json };
}

/** What `numa-emu numactl --json` prints. */
export interface NumactlJson {
  kernel: string;
  pid: number;
  object:
    | { kind: 'sysv'; name: string; key: number; shmid: number; id: number | null; created: boolean; size: number }
    | { kind: 'file'; path: string; created: boolean; size: number };
  offset: number;
  length: number;
  address: string | null;
  policy: { option: PolicyOption; mode: number; name: string; nodes: number[]; strict: boolean } | null;
  touched: boolean;
  dump?: (DumpRange & { policy: string })[];
  dumpNodes?: NodeRange[];
  numaMaps: string | null;
}

export interface NumactlResult {
  stdout: string;
  stderr: string;
  json: NumactlJson;
  exitCode: number;
}

/** Run numactl's shared-memory mode on `m` (the scenario, if any, already ran). */
export async function runNumactl(m: Machine, args: NumactlArgs): Promise<NumactlResult> {
  const memoryNodes = m.nodes.filter((n) => n.memory > 0).map((n) => n.id);
  const plan = numactlPlan(args, memoryNodes);
  const p = await m.spawnProcess({ cpu: 0 });
  const o = await p.main.run<NumactlOutcome>(TASK_MODULE, 'numactlInTask', plan);
  let stdout = '';
  for (const d of o.dumps) stdout += d.kind === 'dump' ? d.ranges.map(dumpLine).join('') : d.ranges.map(dumpNodesLine).join('');
  const size = plan.offset + plan.length;
  const json: NumactlJson = {
    kernel: m.profile,
    pid: o.pid,
    object:
      plan.object.kind === 'sysv'
        ? { kind: 'sysv', name: plan.object.name, key: plan.object.key, shmid: plan.object.shmid, id: o.shmid, created: o.created, size }
        : { kind: 'file', path: plan.object.path, created: o.created, size },
    offset: plan.offset,
    length: plan.length,
    address: o.address === null ? null : `0x${o.address.toString(16)}`,
    policy: o.mbind && plan.policy ? { option: plan.policy.option, mode: o.mbind.mode, name: policyName(o.mbind.mode), nodes: o.mbind.nodes, strict: (o.mbind.flags & MPOL_MF_STRICT) !== 0 } : null,
    touched: o.touched,
    numaMaps: o.numaMaps,
  };
  for (const d of o.dumps) {
    if (d.kind === 'dump') json.dump = d.ranges.map((r) => ({ ...r, policy: policyName(r.mode) }));
    else json.dumpNodes = d.ranges;
  }
  const stderr = [...o.notices, ...(o.error?.lines ?? [])].map((l) => `${l}\n`).join('');
  return { stdout, stderr, json, exitCode: o.error ? 1 : 0 };
}
