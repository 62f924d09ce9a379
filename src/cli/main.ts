#!/usr/bin/env node
/**
 * numa-emu's command line: `hardware` (numactl --hardware), `numastat`, `demo`, each with
 * `--json`, on the default machine or one described by `--machine <file.json>`, under
 * `--kernel <profile>`. `--scenario <module>` runs a module's `scenario(machine)` export first,
 * so that numastat and hardware show the state a workload left.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Machine } from '../machine/machine.js';
import { type MachineOptions } from '../machine/topology.js';
import { PROFILE_NAMES } from '../kernel/profiles.js';
import { runDemo, type DemoResult } from './demo.js';
import { formatHardware, formatNumastat, hardwareInfo, numastatTable } from './format.js';

const USAGE = `usage: numa-emu <command> [options]
commands:
  demo        place memory under each policy from tasks on different nodes; show where it went
  hardware    the machine's nodes, CPUs, memory and distances (numactl --hardware)
  numastat    per-node allocation counters (numastat)
options:
  --json              print JSON instead of text
  --kernel <profile>  kernel profile: ${PROFILE_NAMES.join(', ')}
  --machine <file>    machine description (JSON of Machine.create options)
  --scenario <file>   run the module's exported scenario(machine) first
`;

interface Args {
  command: string;
  json: boolean;
  options: MachineOptions;
  scenario?: string;
}

function fail(msg: string): never {
  process.stderr.write(`numa-emu: ${msg}\n${USAGE}`);
  process.exit(2);
}

function parseArgs(argv: string[]): Args {
  const args: Args = { command: '', json: false, options: {} };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => argv[++i] ?? fail(`${a} needs a value`);
    if (a === '--json') args.json = true;
    else if (a === '--kernel') args.options.kernel = value();
    else if (a === '--machine') args.options = { ...JSON.parse(readFileSync(value(), 'utf8')), kernel: args.options.kernel };
    else if (a === '--scenario') args.scenario = resolve(value());
    else if (!a.startsWith('-') && args.command === '') args.command = a;
    else fail(`unknown option ${a}`);
  }
  return args;
}

function demoText(d: DemoResult): string {
  let s = `numa-emu demo, kernel ${d.kernel}, pid ${d.pid}\n\nwhere each region's pages went (node per page):\n`;
  for (const r of d.regions) s += `  ${r.policy.padEnd(32)} cpu ${String(r.cpu).padStart(2)}  ${r.addr}  ${r.pages.join(' ')}\n`;
  s += d.numaMaps === null ? '\n/proc/<pid>/numa_maps: not in this kernel\n' : `\n/proc/${d.pid}/numa_maps:\n${d.numaMaps}`;
  return s;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (!['demo', 'hardware', 'numastat'].includes(args.command)) fail(args.command ? `unknown command ${args.command}` : 'no command');
  const m = await Machine.create(args.options);
  try {
    if (args.scenario) {
      const mod = (await import(pathToFileURL(args.scenario).href)) as { scenario?: (m: Machine) => Promise<void> };
      if (typeof mod.scenario !== 'function') fail(`${args.scenario} exports no scenario(machine)`);
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
  process.stderr.write(`numa-emu: ${e.message}\n`);
  process.exitCode = 1;
});
