#!/usr/bin/env node
/**
 * numa-emu's command line: `hardware` (numactl --hardware), `numastat` (compatibility mode, or
 * numastat's MB tables with -p/-m/-n), `numactl` (numactl's shared-memory mode: a policy on a
 * SysV segment or a file, --touch, --dump, --dump-nodes), `migratepages` and `migspeed` (numactl's
 * tools of those names) and `demo`, each with `--json`, on the
 * default machine or one described by `--machine <file.json>`, under `--kernel <profile>`.
 * `--scenario <module>` runs a module's `scenario(machine)` export first, so that numastat and
 * hardware show the state a workload left (and `numastat -p` finds its processes).
 *
 * Exit codes: 0 success, 1 a failure while running (a system call of numactl, an unreadable
 * process, a bad machine file), 2 a bad command line.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Machine } from '../machine/machine.js';
import { type MachineOptions } from '../machine/topology.js';
import { PROFILE_NAMES } from '../kernel/profiles.js';
import { type OptSpec, type ParsedOpt, UsageError, getopt } from './args.js';
import { runDemo, type DemoResult } from './demo.js';
import { formatHardware, formatNumastat, hardwareInfo, numastatTable } from './format.js';
import { NUMACTL_OPTS, NUMACTL_USAGE, parseNumactl, runNumactl } from './numactl.js';
import { type CliRun, MIGRATEPAGES_USAGE, MIGSPEED_OPTS, MIGSPEED_USAGE, parseMigratepages, parseMigspeed, runMigratepages, runMigspeed } from './migrate.js';
import { type NumastatOptions, runNumastat } from './numastat.js';

const USAGE = `usage: numa-emu <command> [options]
commands:
  demo        place memory under each policy from tasks on different nodes; show where it went
  hardware    the machine's nodes, CPUs, memory and distances (numactl --hardware)
  numastat    per-node allocation counters (numastat); with -p <pid>, -m, -n: numastat's MB tables
  numactl     a policy on a SysV segment (--shm) or a file (--file), as numactl does; see
              numa-emu numactl --help
  migratepages <pid> <from-nodes> <to-nodes>
              move a process's pages between nodes (migrate_pages), as numactl's migratepages
  migspeed    [-p pages] <from-nodes> <to-nodes>: the migration rate of the emulated machine
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

const COMMANDS: Record<string, { opts: OptSpec[]; usage: string }> = {
  demo: { opts: [], usage: USAGE },
  hardware: { opts: [], usage: USAGE },
  numastat: { opts: NUMASTAT_OPTS, usage: NUMASTAT_USAGE },
  numactl: { opts: NUMACTL_OPTS, usage: NUMACTL_USAGE },
  migratepages: { opts: [], usage: MIGRATEPAGES_USAGE },
  migspeed: { opts: MIGSPEED_OPTS, usage: MIGSPEED_USAGE },
};

interface Args {
  command: string;
  json: boolean;
  help: boolean;
  options: MachineOptions;
  scenario?: string;
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
  const after = getopt(ci < 0 ? [] : argv.slice(ci + 1), [...GLOBAL_OPTS, ...spec.opts], spec.usage);
  const args: Args = { command, json: false, help: false, options: {}, opts: [], words: after.words };
  for (const o of [...before.opts, ...after.opts]) {
    if (o.name === 'json') args.json = true;
    else if (o.name === 'help') args.help = true;
    else if (o.name === 'kernel') args.options.kernel = o.value;
    else if (o.name === 'machine') {
      const m = JSON.parse(readFileSync(o.value!, 'utf8')) as MachineOptions;
      args.options = { ...m, kernel: args.options.kernel ?? m.kernel };
    } else if (o.name === 'scenario') args.scenario = resolve(o.value!);
    else args.opts.push(o);
  }
  if (before.words.length > 0) throw new UsageError(`unexpected argument ${before.words[0]}`, USAGE);
  if (command === '' && !args.help) throw new UsageError('no command', USAGE);
  if (['demo', 'hardware'].includes(command) && args.words.length > 0) throw new UsageError(`unexpected argument ${args.words[0]}`, USAGE);
  return args;
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

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.help) {
    process.stdout.write((COMMANDS[args.command] ?? { usage: USAGE }).usage);
    return;
  }
  // Check the command line before building the machine.
  const numactlArgs = args.command === 'numactl' ? parseNumactl(args.opts, args.words) : null;
  const nsOpts = args.command === 'numastat' ? numastatOptions(args) : null;
  const migArgs = args.command === 'migratepages' ? parseMigratepages(args.words) : null;
  const speedArgs = args.command === 'migspeed' ? parseMigspeed(args.opts, args.words) : null;
  if (speedArgs?.help) {
    process.stdout.write(MIGSPEED_USAGE);
    return;
  }
  const m = await Machine.create(args.options);
  try {
    if (args.scenario) {
      const mod = (await import(pathToFileURL(args.scenario).href)) as { scenario?: (m: Machine) => Promise<void> };
      if (typeof mod.scenario !== 'function') throw new Error(`${args.scenario} exports no scenario(machine)`);
      await mod.scenario(m);
    }
    const ids = m.nodes.map((n) => n.id);
    let out: unknown;
    let text: string;
    if (args.command === 'demo') {
      const d = await runDemo(m);
      out = d;
      text = `${demoText(d)}\nnumastat:\n${formatNumastat(d.numastat, ids)}`;
    } else if (args.command === 'hardware') {
      const h = await hardwareInfo(m);
      out = h;
      text = formatHardware(h);
    } else if (args.command === 'numactl') {
      const r = await runNumactl(m, numactlArgs!);
      out = r.json;
      text = r.stdout;
      process.exitCode = r.exitCode;
      if (r.exitCode !== 0) {
        // What numactl printed before it failed, then its perror lines.
        if (!args.json) process.stdout.write(text);
        process.stderr.write(r.stderr);
        return;
      }
      process.stderr.write(r.stderr);
    } else if (migArgs || speedArgs) {
      const r: CliRun<unknown> = migArgs ? await runMigratepages(m, migArgs) : await runMigspeed(m, speedArgs!);
      out = r.json;
      text = r.stdout;
      process.stderr.write(r.stderr);
      process.exitCode = r.exitCode;
      if (r.exitCode !== 0) {
        if (!args.json) process.stdout.write(text);
        return;
      }
    } else if (nsOpts) {
      const r = await runNumastat(m, nsOpts);
      out = r.report;
      text = r.stdout;
      process.stderr.write(r.stderr);
      process.exitCode = r.exitCode;
    } else {
      const t = await numastatTable(m);
      out = t;
      text = formatNumastat(t, ids);
    }
    process.stdout.write(args.json ? `${JSON.stringify(out, null, 2)}\n` : text);
  } finally {
    await m.close();
  }
}

main().catch((e: Error) => {
  if (e instanceof UsageError) {
    process.stderr.write(`numa-emu: ${e.message}\n${e.usage ?? USAGE}`);
    process.exitCode = 2;
    return;
  }
  process.stderr.write(`numa-emu: ${e.message}\n`);
  process.exitCode = 1;
});
