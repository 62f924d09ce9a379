/**
 * `numa-emu migratepages` (numactl's migratepages.c) and `numa-emu migspeed` (numactl's
 * migspeed.c) on a fresh emulated machine.
 *
 * migratepages <pid> <from-nodes> <to-nodes>: a root process calls migrate_pages(pid, 1025, from,
 * to), as libnuma's numa_migrate_pages does; the process must exist, so it comes from a
 * --scenario. Like numactl it prints nothing on success and "migrate_pages: <error>" on failure;
 * --json prints the pages of the process per node before and after (from its numa_maps) and the
 * count the call could not move.
 *
 * migspeed [-p pages] [-v] <from-nodes> <to-nodes>: a process binds `pages` pages (1000 by
 * default) to the first nodes, writes them, and times mbind(MPOL_MF_MOVE) to the second: it prints
 * the numa_maps bind lines before and after, and the migration rate of the emulated machine.
 *
 * Differences from numactl: a bad command line exits with code 2 (numactl exits 1); node lists
 * are parsed as numactl parses them (parseNodestring).
 */
import { fileURLToPath } from 'node:url';
import { type Machine } from '../machine/machine.js';
import { type OptSpec, UsageError } from './args.js';
import { cFixed, strerror } from './cfmt.js';
import { type MigspeedOutcome, type MigspeedPlan } from './migspeed-task.js';
import { LIBNUMA_NODEMASK_BITS } from './numactl-task.js';
import { parseNodestring } from './numactl.js';

/** migratepages' usage text. */
export const MIGRATEPAGES_USAGE = `usage: numa-emu migratepages pid from-nodes to-nodes [--json]
                            [--kernel <profile>] [--machine <file>] [--scenario <file>]

nodes is a comma delimited list of node numbers or A-B ranges or all.
The process must exist: a --scenario module leaves it alive (pids start at 1000).
`;

/** migspeed's usage text (migspeed.c's, with numa-emu's global options). */
export const MIGSPEED_USAGE = `usage: numa-emu migspeed [-p pages] [-h] [-v] from-nodes to-nodes [--json]
                        [--kernel <profile>] [--machine <file>] [--scenario <file>]
      from and to nodes may specified in form N or N-N
      -p pages  number of pages to try (defaults to 1000)
      -v        verbose
      -h        usage
`;

/** migspeed's own options: -p pages, -v, -h. */
export const MIGSPEED_OPTS: OptSpec[] = [
  { long: 'p', short: 'p', arg: true, shortOnly: true },
  { long: 'v', short: 'v', arg: false, shortOnly: true },
  { long: 'h', short: 'h', arg: false, shortOnly: true },
];

/** strtoul(s, &end, 0) over the whole word, or null. */
function wholeNumber(s: string): number | null {
  if (!/^(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)$/.test(s)) return null;
  return /^0[xX]/.test(s) ? parseInt(s.slice(2), 16) : s.length > 1 && s[0] === '0' ? parseInt(s, 8) : parseInt(s, 10);
}

/** A node list of the command line, parsed against the machine's memory nodes as numactl parses it. */
function nodeList(m: Machine, spec: string, usage: string): number[] {
  try {
    return parseNodestring(
      spec,
      m.nodes.filter((n) => n.memory > 0).map((n) => n.id),
    );
  } catch (e) {
    throw e instanceof UsageError ? new UsageError(e.message, usage) : e;
  }
}

/** The pages of process `pid` per node, from its numa_maps (N<node>= fields summed). */
async function pagesPerNode(m: Machine, pid: number): Promise<Record<number, number> | null> {
  let text: string;
  try {
    text = await m.readFile(`/proc/${pid}/numa_maps`);
  } catch {
    return null;
  }
  const out: Record<number, number> = {};
  for (const [, nid, n] of text.matchAll(/ N(\d+)=(\d+)/g)) out[Number(nid)] = (out[Number(nid)] ?? 0) + Number(n);
  return out;
}

/** What `numa-emu migratepages --json` prints. */
export interface MigratepagesJson {
  kernel: string;
  pid: number;
  from: number[];
  to: number[];
  /** The call's result: pages it could not move. */
  notMigrated: number;
  /** Pages of the process per node (its numa_maps), before and after. */
  before: Record<number, number> | null;
  after: Record<number, number> | null;
}

/** What one of these commands printed, its JSON, and its exit code. */
export interface CliRun<J> {
  stdout: string;
  stderr: string;
  json: J | null;
  exitCode: number;
}

/** Check migratepages' words before the machine exists: pid, from-nodes, to-nodes. */
export function parseMigratepages(words: string[]): { pid: number; from: string; to: string } {
  if (words.length !== 3) throw new UsageError(`migratepages takes 3 arguments, not ${words.length}`, MIGRATEPAGES_USAGE);
  const pid = wholeNumber(words[0]);
  if (pid === null) throw new UsageError(`'${words[0]}' is not a pid`, MIGRATEPAGES_USAGE);
  return { pid, from: words[1], to: words[2] };
}

/** Run migratepages on `m` (after its scenario): the root process's migrate_pages call. */
export async function runMigratepages(m: Machine, args: { pid: number; from: string; to: string }): Promise<CliRun<MigratepagesJson>> {
  const from = nodeList(m, args.from, MIGRATEPAGES_USAGE);
  const to = nodeList(m, args.to, MIGRATEPAGES_USAGE);
  const mask = (nodes: number[]) => nodes.reduce((x, n) => x | (1n << BigInt(n)), 0n);
  const before = await pagesPerNode(m, args.pid);
  if (before === null) return { stdout: '', stderr: `migrate_pages: ${strerror('ESRCH')}\n`, json: null, exitCode: 1 }; // before our own process takes a pid
  const admin = await m.spawnProcess({ cpu: m.nodes.find((n) => n.cpus.length > 0)!.cpus[0] });
  try {
    const notMigrated = await admin.main.migratePages(args.pid, LIBNUMA_NODEMASK_BITS + 1, mask(from), mask(to));
    const json = { kernel: m.profile, pid: args.pid, from, to, notMigrated, before, after: await pagesPerNode(m, args.pid) };
    return { stdout: '', stderr: '', json, exitCode: 0 };
  } catch (e) {
    return { stdout: '', stderr: `migrate_pages: ${strerror((e as { code?: string }).code)}\n`, json: null, exitCode: 1 };
  } finally {
    await admin.exit();
  }
}

/** What `numa-emu migspeed --json` prints. */
export interface MigspeedJson extends MigspeedPlan {
  kernel: string;
  mbytes: number;
  seconds: number;
  mbytesPerSecond: number;
  before: string[];
  after: string[];
}

/** Check migspeed's options and words before the machine exists. */
export function parseMigspeed(opts: { name: string; value: string | undefined }[], words: string[]): { pages: number; verbose: number; help: boolean; from: string; to: string } {
  let pages = 1000;
  let verbose = 0;
  let help = false;
  for (const o of opts) {
    if (o.name === 'h') help = true;
    else if (o.name === 'v') verbose++;
    else if (o.name === 'p') {
      const n = wholeNumber(o.value ?? '');
      if (n === null || n === 0) throw new UsageError(`-p: bad page count '${o.value}'`, MIGSPEED_USAGE);
      pages = n;
    }
  }
  if (help) return { pages, verbose, help, from: '', to: '' };
  if (words.length !== 2) throw new UsageError('migspeed takes from-nodes and to-nodes', MIGSPEED_USAGE);
  return { pages, verbose, help, from: words[0], to: words[1] };
}

const TASK_MODULE = fileURLToPath(new URL('./migspeed-task.js', import.meta.url));

/** util.c printmask: "<name>: " and "%d " per node. */
function printmask(name: string, nodes: number[]): string {
  return `${name}: ${nodes.map((n) => `${n} `).join('')}\n`;
}

/** Run migspeed on `m`: the timed move in a process of its own. */
export async function runMigspeed(m: Machine, args: { pages: number; verbose: number; from: string; to: string }): Promise<CliRun<MigspeedJson>> {
  const plan: MigspeedPlan = { pages: args.pages, from: nodeList(m, args.from, MIGSPEED_USAGE), to: nodeList(m, args.to, MIGSPEED_USAGE) };
  let stdout = '';
  if (args.verbose > 1) stdout += `numa_max_node = ${Math.max(...m.nodes.map((n) => n.id))}\n`;
  if (args.verbose) stdout += printmask('From', plan.from) + printmask('To', plan.to) + `Allocating ${plan.pages} pages of 4096 bytes of memory\nDirtying memory....\nStarting test\n`;
  const p = await m.spawnProcess({ cpu: m.nodes.find((n) => n.cpus.length > 0)!.cpus[0] });
  try {
    const o = await p.main.run<MigspeedOutcome>(TASK_MODULE, 'migspeedInTask', plan);
    stdout += o.before.join('');
    if (o.error) return { stdout, stderr: `${o.error}\n`, json: null, exitCode: 1 };
    const mbytes = (plan.pages * 4096) / (1024 * 1024);
    stdout += o.after.join('');
    stdout += `${cFixed(mbytes, 1)} Mbyte migrated in ${cFixed(o.seconds, 2)} secs. ${cFixed(mbytes / o.seconds, 1)} Mbytes/second\n`;
    const json = { kernel: m.profile, ...plan, mbytes, seconds: o.seconds, mbytesPerSecond: mbytes / o.seconds, before: o.before, after: o.after };
    return { stdout, stderr: '', json, exitCode: 0 };
  } finally {
    await p.exit();
  }
}
