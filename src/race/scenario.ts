/**
 * Race scenarios: what a user writes to have the race engine explore a concurrent program.
 *
 * A scenario is a module that exports `race` (a RaceScenario): the machine to build, a setup that
 * creates the processes and tasks and prepares their memory (with the ordinary async API), the
 * programs the tasks run in each execution (exported functions of a module, run on each task's own
 * worker as `fn(sys, arg)` through the synchronous Sys), and an optional check of the outcome. The
 * setup runs once; every execution starts from the state it left.
 */
import { pathToFileURL } from 'node:url';
import { type Machine, type Task } from '../machine/machine.js';
import { type MachineOptions } from '../machine/topology.js';
import { type TaskResult } from '../sched/executor.js';

/** What a check sees after a completed execution. */
export interface RaceCheckContext {
  /** Each task's result, in task order (T1 first). */
  readonly results: readonly TaskResult[];
  /** Read a kernel file (/proc/<pid>/numa_maps, /proc/vmstat, /sys/...). */
  readFile(path: string): string;
  /** Read `len` bytes of task `task`'s (0-based) memory at `addr` (resident pages only). */
  load(task: number, addr: number, len: number): Uint8Array;
  /**
   * The kernel's consistency audit of the state the execution left (every page's refcount and
   * map count against the entries and cache slots naming it, free lists, swap, policies, locks
   * left held): its problems, empty when all is consistent. Runs only when called (it walks every
   * table); kswapd stays paused, as for the whole session. Never throws: an audit that cannot
   * finish is one problem.
   */
  audit(): readonly string[];
}

/** What setup returns: the racing tasks in order (T1, T2, ...) and each one's argument. */
export interface RaceSetup {
  readonly tasks: readonly Task[];
  readonly args?: readonly unknown[];
}

/** A race scenario. */
export interface RaceScenario {
  /** The scenario's name in schedule strings (built-in ones: `bug:<id>`; modules: their path). */
  readonly name?: string;
  /** The machine (a small one keeps executions fast; see DEFAULT_RACE_MACHINE). */
  readonly machine?: MachineOptions;
  /** Create the processes and tasks, map and fill their memory; runs once per session. */
  setup(m: Machine): Promise<RaceSetup>;
  /** The module exporting the programs (file URL or absolute path; `import.meta.url` works). */
  readonly module: string;
  /** The programs' export names, one per task: run as `fn(sys, arg)` on that task's worker. */
  readonly programs: readonly string[];
  /** A check of a completed execution: a failure message, or null when all is well. */
  check?(ctx: RaceCheckContext): string | null;
  /** Injectable sites (e.g. 'slab:sp_node') the random strategy may make fail, and how often (per million passes). */
  readonly faults?: { readonly ppm: number };
  /** Milliseconds an execution may run before it is declared hung (default 10 s). */
  readonly hangMs?: number;
  /** PCT depth this scenario is known to need (default 2). */
  readonly depth?: number;
  /**
   * The sites where its race lives (names, or prefixes ending in '*'): random, PCT and DFS switch
   * tasks only there unless a campaign asks for all sites. Few sites make PCT's k small, which
   * deep races need (race-catalog.md: restrict the manifest for depth 3).
   */
  readonly focus?: readonly string[];
}

/** The machine a race session builds unless the scenario says otherwise: two small nodes, small tables. */
export const DEFAULT_RACE_MACHINE: MachineOptions = {
  nodes: [
    { cpus: 2, memory: '256K' },
    { cpus: 2, memory: '256K' },
  ],
  limits: { maxMms: 6, maxTasks: 8, maxVmas: 32, pageTables: 42, policySlots: 256, inodes: 8, files: 8, diskBlocks: 16, swapSlots: 64 },
  pageCluster: 2,
};

/** Load a scenario module's `race` export. */
export async function loadScenario(path: string): Promise<RaceScenario> {
  const url = path.startsWith('file:') ? path : pathToFileURL(path).href;
  let mod: Record<string, unknown>;
  try {
    mod = (await import(url)) as Record<string, unknown>;
  } catch (e) {
    throw new Error(`cannot load scenario ${path}: ${(e as Error).message}`);
  }
  const sc = mod.race as RaceScenario | undefined;
  if (sc === undefined || typeof sc !== 'object' || typeof sc.setup !== 'function' || !Array.isArray(sc.programs) || typeof sc.module !== 'string') {
    throw new TypeError(`${path} exports no race scenario (export const race = { setup, module, programs, check? })`);
  }
  return sc;
}
