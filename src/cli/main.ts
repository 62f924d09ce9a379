#!/usr/bin/env node
/**
 * numa-emu's command line: `hardware` (numactl --hardware), `numastat` (compatibility mode, or
 * numastat's MB tables with -p/-m/-n), `numactl` (a policy and CPU binding for a workload
 * module, --show, --hardware, or numactl's shared-memory mode: a policy on a SysV segment or a
 * file, --touch, --dump, --dump-nodes), `migratepages` and `migspeed` (numactl's tools of those
 * names), the race engine's `race`, `replay`, `shrink` and `merge`, and `demo`, each with
 * `--json`, on the default machine or
 * one described by `--machine <file.json>` (checked as Machine.create checks its options), under
 * `--kernel <profile>`. `--scenario <module>` runs a module's `scenario(machine)` export first,
 * so that numastat and hardware show the state a workload left (and `numastat -p` finds its
 * processes).
 *
 * Exit codes: 0 success, 1 a failure while running (a system call of numactl, an unreadable
 * process, a bad machine file, a failing workload), 2 a bad command line.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Machine } from '../machine/machine.js';
import { isPlainObject } from '../machine/options.js';
import { type MachineOptions, buildConfig } from '../machine/topology.js';
import { PROFILE_NAMES } from '../kernel/profiles.js';
import { type OptSpec, type ParsedOpt, UsageError, getopt } from './args.js';
import { ScheduleError } from '../sched/schedule.js';
import { runDemo, type DemoResult } from './demo.js';
import { formatHardware, formatNumastat, hardwareInfo, numastatTable } from './format.js';
import { type NumactlCommand, NUMACTL_OPTS, NUMACTL_USAGE, parseNumactl, runNumactl, runNumactlProcess } from './numactl.js';
import { type CliRun, MIGRATEPAGES_USAGE, MIGSPEED_OPTS, MIGSPEED_USAGE, parseMigratepages, parseMigspeed, runMigratepages, runMigspeed } from './migrate.js';
import { type NumastatOptions, runNumastat } from './numastat.js';
import { type CliOutcome, MERGE_USAGE, RACE_OPTS, RACE_USAGE, REPLAY_USAGE, SHRINK_USAGE, parseRaceArgs, runMergeCommand, runRaceCommand, runReplayCommand, runShrinkCommand } from './race.js';

const USAGE = `usage: numa-emu <command> [options]
commands:
  demo        place memory under each policy from tasks on different nodes; show where it went
  hardware    the machine's nodes, CPUs, memory and distances (numactl --hardware)
  numastat    per-node allocation counters (numastat); with -p <pid>, -m, -n: numastat's MB tables
  numactl     run a scenario module under a policy and CPU binding, --show, --hardware, or a
              policy on a SysV segment (--shm) or a file (--file), as numactl does; see
              numa-emu numactl --help
  migratepages <pid> <from-nodes> <to-nodes>
              move a process's pages between nodes (migrate_pages), as numactl's migratepages
  migspeed    [-p pages] <from-nodes> <to-nodes>: the migration rate of the emulated machine
  race        explore the interleavings of a race scenario, or reproduce a catalogued
              refcount bug (--bug <id>, --list); see numa-emu race --help
  replay      replay a schedule string, proving it bit-exact
  shrink      shrink a failing schedule string to its fewest preemptions
  merge       combine the --json results of the shards of one campaign
options:
  --json              print JSON instead of text
  --kernel <profile>  kernel profile: ${PROFILE_NAMES.join(', ')}
  --machine <file>    machine description (JSON of Machine.create options)
  --scenario <file>   run the module's exported scenario(machine) first
`;

const NUMASTAT_USAGE = `usage: numa-emu numastat [-c] [-m] [-n] [-p <PID>] [-v] [-z] [<PID>...] [--json]
                         [--kernel <profile>] [--machine <file>] [--scenario <file>]
-c to minimize column widths
-m to show meminfo-like system-wide memory usage
-n to show the numastat statistics info
-p <PID> to show process info (processes a --scenario left alive; named task<PID>)
-v to make some reports more verbose
-z to skip rows and columns of zeros
With no option at all: the compatibility table of page counts.
`;

const GLOBAL_OPTS: OptSpec[] = [
  { long: 'json', arg: false },
  { long: 'kernel', arg: true },
  { long: 'machine', arg: true },
  { long: 'scenario', arg: true },
  { long: 'help', arg: false },
];

const NUMASTAT_OPTS: OptSpec[] = [
  { long: 'c', short: 'c', arg: false, shortOnly: true },
  { long: 'm', short: 'm', arg: false, shortOnly: true },
  { long: 'n', short: 'n', arg: false, shortOnly: true },
  { long: 'p', short: 'p', arg: true, shortOnly: true },
  { long: 'v', short: 'v', arg: false, shortOnly: true },
  { long: 'z', short: 'z', arg: false, shortOnly: true },
];

/** Each command's options and usage; `stopAtWord`: its first word ends the options (numactl's command). */
const COMMANDS: Record<string, { opts: OptSpec[]; usage: string; stopAtWord?: boolean }> = {
  demo: { opts: [], usage: USAGE },
  hardware: { opts: [], usage: USAGE },
  numastat: { opts: NUMASTAT_OPTS, usage: NUMASTAT_USAGE },
  numactl: { opts: NUMACTL_OPTS, usage: NUMACTL_USAGE, stopAtWord: true },
  migratepages: { opts: [], usage: MIGRATEPAGES_USAGE },
  migspeed: { opts: MIGSPEED_OPTS, usage: MIGSPEED_USAGE },
  race: { opts: RACE_OPTS, usage: RACE_USAGE },
  replay: { opts: [{ long: 'strict', arg: false }], usage: REPLAY_USAGE },
  shrink: { opts: [], usage: SHRINK_USAGE },
  merge: { opts: [], usage: MERGE_USAGE },
};

/** The race engine's commands: they build their own machines (in pool workers). */
async function raceCommand(args: Args): Promise<CliOutcome> {
  switch (args.command) {
    case 'race':
      return runRaceCommand(parseRaceArgs(args.opts, args.words), args.json, args.options.kernel);
    case 'replay':
      return runReplayCommand(args.words, args.json, args.opts.some((o) => o.name === 'strict'));
    case 'shrink':
      return runShrinkCommand(args.words, args.json);
    default:
      return runMergeCommand(args.words, args.json);
  }
}

interface Args {
  command: string;
  json: boolean;
  help: boolean;
  options: MachineOptions;
  scenario?: string;
  /** The --machine file, if one was given. */
  machineFile?: string;
  /** The command's own options and words, in order. */
  opts: ParsedOpt[];
  words: string[];
}

/** The index of the command word: the first word that is not the value of a global option. */
function commandIndex(argv: string[]): number {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('-')) return i;
    const spec = GLOBAL_OPTS.find((s) => a === `--${s.long}`);
    if (spec?.arg) i++;
  }
  return -1;
}

function parseArgs(argv: string[]): Args {
  const ci = commandIndex(argv);
  const command = ci < 0 ? '' : argv[ci];
  const before = getopt(ci < 0 ? argv : argv.slice(0, ci), GLOBAL_OPTS, USAGE);
  if (ci >= 0 && !Object.hasOwn(COMMANDS, command)) throw new UsageError(`unknown command ${command}`, USAGE);
  const spec = COMMANDS[command] ?? { opts: [], usage: USAGE };
  const after = getopt(ci < 0 ? [] : argv.slice(ci + 1), [...GLOBAL_OPTS, ...spec.opts], spec.usage, spec.stopAtWord);
  const args: Args = { command, json: false, help: false, options: {}, opts: [], words: after.words };
  for (const o of [...before.opts, ...after.opts]) {
    if (o.name === 'json') args.json = true;
    else if (o.name === 'help') args.help = true;
    else if (o.name === 'kernel') args.options.kernel = o.value;
    else if (o.name === 'machine') {
      const m = readMachineFile(o.value!);
      args.machineFile = o.value;
      args.options = { ...m, kernel: args.options.kernel ?? m.kernel };
    } else if (o.name === 'scenario') args.scenario = resolve(o.value!);
    else args.opts.push(o);
  }
  if (before.words.length > 0) throw new UsageError(`unexpected argument ${before.words[0]}`, USAGE);
  if (command === '' && !args.help) throw new UsageError('no command', USAGE);
  if (['demo', 'hardware'].includes(command) && args.words.length > 0) throw new UsageError(`unexpected argument ${args.words[0]}`, USAGE);
  return args;
}

/** A bad --machine file: the CLI prints the message and exits with code 1. */
class MachineFileError extends Error {}

/** The Machine.create options of a --machine file: a JSON object. */
function readMachineFile(path: string): MachineOptions {
  let text: string;
  let value: unknown;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new MachineFileError(`--machine ${path}: ${(e as Error).message}`);
  }
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new MachineFileError(`--machine ${path}: not JSON (${(e as Error).message})`);
  }
  if (!isPlainObject(value)) throw new MachineFileError(`--machine ${path}: the file must hold a JSON object of Machine.create options, not ${Array.isArray(value) ? 'an array' : value === null ? 'null' : `a ${typeof value}`}`);
  return value as MachineOptions;
}

/** The machine options, checked before anything starts (a --machine file's errors name the file). */
function checkMachineOptions(args: Args): void {
  try {
    buildConfig(args.options);
  } catch (e) {
    if (args.machineFile === undefined) throw e;
    throw new MachineFileError(`--machine ${args.machineFile}: ${(e as Error).message.replace(/^Machine\.create: /, '')}`);
  }
}

/** numastat's options; null for the compatibility mode (no numastat option or PID at all). */
function numastatOptions(args: Args): NumastatOptions | null {
  if (args.opts.length === 0 && args.words.length === 0) return null;
  const o: NumastatOptions = { pids: [], meminfo: false, numastat: false, compress: false, skipZeros: false, verbose: false };
  const pid = (s: string) => {
    if (!/^\d+$/.test(s)) throw new UsageError(`numastat: '${s}' is not a PID (process name patterns are not supported)`, NUMASTAT_USAGE);
    o.pids.push(Number(s));
  };
  for (const x of args.opts) {
    if (x.name === 'p') pid(x.value!);
    else if (x.name === 'm') o.meminfo = true;
    else if (x.name === 'n') o.numastat = true;
    else if (x.name === 'c') o.compress = true;
    else if (x.name === 'z') o.skipZeros = true;
    else if (x.name === 'v') o.verbose = true;
  }
  args.words.forEach(pid);
  return o;
}

function demoText(d: DemoResult): string {
  let s = `numa-emu demo, kernel ${d.kernel}, pid ${d.pid}\n\nwhere each region's pages went (node per page):\n`;
  for (const r of d.regions) s += `  ${r.policy.padEnd(32)} cpu ${String(r.cpu).padStart(2)}  ${r.addr}  ${r.pages.join(' ')}\n`;
  s += d.numaMaps === null ? '\n/proc/<pid>/numa_maps: not in this kernel\n' : `\n/proc/${d.pid}/numa_maps:\n${d.numaMaps}`;
  return s;
}

/** What a command prints: its JSON value, its text, and what goes to stderr; a failing exit code. */
interface Output {
  out: unknown;
  text: string;
  stderr?: string;
  exitCode?: number;
  /** The tool stopped half-way (numactl's failures): `text` is what it printed before, and there is no JSON. */
  stopped?: boolean;
}

/** Import `path` and run its `scenario(machine, ...args)`; `what` names it in errors. */
async function runScenario(m: Machine, path: string, args: string[], what: string): Promise<void> {
  const mod = (await import(pathToFileURL(path).href)) as { scenario?: (m: Machine, ...a: string[]) => Promise<void> };
  if (typeof mod.scenario !== 'function') throw new Error(`${what}: ${path} exports no scenario(machine)`);
  await mod.scenario(m, ...args);
}

async function numactlCommand(m: Machine, cmd: NumactlCommand): Promise<Output> {
  if (cmd.mode === 'hardware') {
    const h = await hardwareInfo(m);
    return { out: h, text: formatHardware(h) };
  }
  if (cmd.mode === 'shm') {
    const r = await runNumactl(m, cmd.shm);
    return { out: r.json, text: r.stdout, stderr: r.stderr, exitCode: r.exitCode, stopped: r.exitCode !== 0 };
  }
  const { outcome, process: numactl, json } = await runNumactlProcess(m, cmd.process, cmd.mode === 'show');
  const stderr = outcome.stderr.map((l) => `${l}\n`).join('');
  if (outcome.failed || cmd.mode === 'show') return { out: json, text: outcome.stdout, stderr, exitCode: outcome.failed ? 1 : 0, stopped: outcome.failed };
  process.stderr.write(stderr);
  // numactl would exec the command: the workload's processes start under numactl's policy and CPU.
  m.setSpawnParent(numactl);
  await runScenario(m, resolve(cmd.module), cmd.args, `numactl: execution of \`${cmd.module}'`);
  json.command = [cmd.module, ...cmd.args];
  return { out: json, text: '' };
}

/** The migration tools' commands (parsed before the machine is built). */
interface MigrationTool {
  migrate?: ReturnType<typeof parseMigratepages>;
  speed?: ReturnType<typeof parseMigspeed>;
}

async function migrationCommand(m: Machine, tool: MigrationTool): Promise<Output> {
  const r: CliRun<unknown> = tool.migrate ? await runMigratepages(m, tool.migrate) : await runMigspeed(m, tool.speed!);
  return { out: r.json, text: r.stdout, stderr: r.stderr, exitCode: r.exitCode, stopped: r.exitCode !== 0 };
}

async function runCommand(m: Machine, args: Args, numactl: NumactlCommand | null, nsOpts: NumastatOptions | null, tool: MigrationTool): Promise<Output> {
  const ids = m.nodes.map((n) => n.id);
  if (tool.migrate || tool.speed) return migrationCommand(m, tool);
  if (args.command === 'demo') {
    const d = await runDemo(m);
    return { out: d, text: `${demoText(d)}\nnumastat:\n${formatNumastat(d.numastat, ids)}` };
  }
  if (args.command === 'hardware') {
    const h = await hardwareInfo(m);
    return { out: h, text: formatHardware(h) };
  }
  if (numactl) return numactlCommand(m, numactl);
  if (nsOpts) {
    const r = await runNumastat(m, nsOpts);
    return { out: r.report, text: r.stdout, stderr: r.stderr, exitCode: r.exitCode };
  }
  const t = await numastatTable(m);
  return { out: t, text: formatNumastat(t, ids) };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.help) {
    process.stdout.write((COMMANDS[args.command] ?? { usage: USAGE }).usage);
    return;
  }
  if (['race', 'replay', 'shrink', 'merge'].includes(args.command)) {
    const r = await raceCommand(args);
    process.stdout.write(r.stdout);
    process.stderr.write(r.stderr);
    process.exitCode = r.exitCode;
    return;
  }
  // Check the command line and the machine options before building the machine.
  const numactl = args.command === 'numactl' ? parseNumactl(args.opts, args.words) : null;
  const nsOpts = args.command === 'numastat' ? numastatOptions(args) : null;
  const tool: MigrationTool = {
    migrate: args.command === 'migratepages' ? parseMigratepages(args.words) : undefined,
    speed: args.command === 'migspeed' ? parseMigspeed(args.opts, args.words) : undefined,
  };
  if (tool.speed?.help) {
    process.stdout.write(MIGSPEED_USAGE);
    return;
  }
  checkMachineOptions(args);
  const m = await Machine.create(args.options);
  try {
    if (args.scenario) await runScenario(m, args.scenario, [], '--scenario');
    const r = await runCommand(m, args, numactl, nsOpts, tool);
    process.exitCode = r.exitCode ?? 0;
    process.stderr.write(r.stderr ?? '');
    // A tool that stopped half-way printed only its text so far (then its perror lines).
    if (r.stopped) process.stdout.write(args.json ? '' : r.text);
    else process.stdout.write(args.json ? `${JSON.stringify(r.out, null, 2)}\n` : r.text);
  } finally {
    await m.close();
  }
}

main().catch((e: Error) => {
  if (e instanceof ScheduleError) {
    process.stderr.write(`numa-emu: ${e.message}\n`);
    process.exitCode = 2;
    return;
  }
  if (e instanceof UsageError) {
    process.stderr.write(`numa-emu: ${e.message}\n${e.usage ?? USAGE}`);
    process.exitCode = 2;
    return;
  }
  process.stderr.write(`numa-emu: ${e.message}\n`);
  process.exitCode = 1;
});
