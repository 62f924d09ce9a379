/**
 * numactl's process mode, run inside the numactl process's own task worker (task.run), so that
 * every system call is that task's, in the order numactl and libnuma make them:
 *
 *   --interleave            set_mempolicy(MPOL_INTERLEAVE, mask)            numa_set_interleave_mask
 *   --weighted-interleave   set_mempolicy(MPOL_WEIGHTED_INTERLEAVE, mask)   numa_set_weighted_interleave_mask
 *   --membind               set_mempolicy(MPOL_BIND, mask); with --balancing MPOL_BIND|MPOL_F_NUMA_BALANCING,
 *                           plain MPOL_BIND where the kernel refuses the flag   numa_set_membind(_balancing)
 *   --preferred             set_mempolicy(MPOL_PREFERRED, {node})           numa_set_preferred
 *   --preferred-many        set_mempolicy(MPOL_PREFERRED_MANY, mask), after libnuma's probe of the
 *                           kernel (EINVAL before 5.15: "preferred-many requested without kernel support")
 *   --localalloc            set_mempolicy(MPOL_LOCAL)                       numa_set_localalloc
 *   --cpunodebind, --physcpubind   sched_setaffinity (numa_run_on_node_mask_all, numa_sched_setaffinity)
 *   --show                  get_mempolicy and sched_getaffinity, printed as numactl's show()
 *
 * A failing call prints libnuma's perror line ("set_mempolicy: Invalid argument") and numactl's
 * checkerror line ("setting interleave mask: Invalid argument"); numactl then exits 1.
 *
 * One difference from Linux: an emulated task runs on one CPU, so a CPU binding puts the process
 * (and the processes it starts) on the first CPU of the set, and --show's physcpubind is that CPU.
 */
import { MPOL_BIND, MPOL_DEFAULT, MPOL_F_NODE, MPOL_F_NUMA_BALANCING, MPOL_INTERLEAVE, MPOL_LOCAL, MPOL_PREFERRED, MPOL_PREFERRED_MANY, MPOL_WEIGHTED_INTERLEAVE } from '../kernel/constants.js';
import { type Sys } from '../kernel/syscalls.js';
import { strerror } from './cfmt.js';
import { LIBNUMA_NODEMASK_BITS, type PolicyOption, hasPreferredMany, mask, nodesOf } from './numactl-task.js';

/** One option of process mode, resolved against the machine (plain data: crosses to the worker). */
export type ProcessStep = { kind: 'policy'; option: PolicyOption; nodes: number[] } | { kind: 'cpus'; cpus: number[] };

export interface ProcessPlan {
  /** Policy and CPU options in command-line order (numactl acts on each as it parses it). */
  steps: ProcessStep[];
  /** --balancing was given (before the policy). */
  balancing: boolean;
  /** End with --show. */
  show: boolean;
  /** The machine's memory nodes (numa_all_nodes_ptr) and, per node id, its CPUs. */
  memoryNodes: number[];
  nodeCpus: Record<number, number[]>;
}

export interface ProcessOutcome {
  pid: number;
  /** What --show printed. */
  stdout: string;
  /** libnuma warnings and the lines of the failure that stopped numactl, without newlines. */
  stderr: string[];
  failed: boolean;
  /** The task policy and CPU numactl left (what the workload inherits). */
  mode: number;
  nodes: number[];
  cpu: number;
}

/** How numactl reports each policy option's failure (checkerror's argument). */
const CONTEXT: Record<PolicyOption, string> = {
  interleave: 'setting interleave mask',
  'weighted-interleave': 'setting interleave mask',
  membind: 'setting membind',
  preferred: 'setting preferred node',
  'preferred-many': 'setting preferred node',
  localalloc: 'local allocation',
};

const MODE: Record<PolicyOption, number> = {
  interleave: MPOL_INTERLEAVE,
  'weighted-interleave': MPOL_WEIGHTED_INTERLEAVE,
  membind: MPOL_BIND,
  preferred: MPOL_PREFERRED,
  'preferred-many': MPOL_PREFERRED_MANY,
  localalloc: MPOL_LOCAL,
};

/** numactl stopped: the lines it printed on the way out. */
class Exit extends Error {
  constructor(readonly lines: string[]) {
    super(lines.join('; '));
  }
}

/** perror(where) for a system error thrown by Sys. */
function perror(where: string, e: unknown): string {
  const code = (e as { code?: string }).code;
  return `${where}: ${code?.startsWith('E') ? strerror(code) : (e as Error).message}`;
}

/** The set_mempolicy libnuma makes for `option` (with --balancing's fallback for --membind). */
function setPolicy(sys: Sys, option: PolicyOption, nodes: number[], balancing: boolean): void {
  const m = option === 'localalloc' ? 0n : mask(nodes);
  if (option === 'membind' && balancing) {
    try {
      sys.setMempolicy(MPOL_BIND | MPOL_F_NUMA_BALANCING, m, LIBNUMA_NODEMASK_BITS + 1);
      return;
    } catch (e) {
      if ((e as { code?: string }).code !== 'EINVAL') throw e;
    }
  }
  sys.setMempolicy(MODE[option], m, LIBNUMA_NODEMASK_BITS);
}

function applyStep(sys: Sys, step: ProcessStep, plan: ProcessPlan): void {
  if (step.kind === 'cpus') {
    // numa_sched_setaffinity: an empty set is EINVAL; numa-emu runs the task on the set's first CPU.
    try {
      if (step.cpus.length === 0) throw Object.assign(new Error('empty CPU set'), { code: 'EINVAL' });
      sys.setAffinity(step.cpus[0]);
    } catch (e) {
      throw new Exit([perror('sched_setaffinity', e)]);
    }
    return;
  }
  if (step.option === 'preferred-many' && !hasPreferredMany(sys)) throw new Exit(['numactl: preferred-many requested without kernel support']);
  try {
    setPolicy(sys, step.option, step.nodes, plan.balancing);
  } catch (e) {
    throw new Exit([perror('set_mempolicy', e), perror(CONTEXT[step.option], e)]);
  }
}

/** util.c's policy_names (numactl 2.0.15 and later), others as [N]. */
export function policyName(mode: number): string {
  return ['default', 'preferred', 'bind', 'interleave', 'local', 'preferred-many', 'weighted-interleave'][mode] ?? `[${mode}]`;
}

/** printmask(name, mask): "name: " then "%d " per set bit. */
function printmask(name: string, ids: readonly number[]): string {
  return `${name}: ${ids.map((i) => `${i} `).join('')}\n`;
}

/** numactl's show(), from the task's own get_mempolicy and affinity (libnuma's getters). */
function show(sys: Sys, plan: ProcessPlan): string {
  const r = sys.getMempolicy(LIBNUMA_NODEMASK_BITS, 0, 0);
  const policy = r.mode;
  const got = nodesOf(r.nodemask);
  const cpu = sys.getcpu().cpu;
  // numa_get_run_node_mask: the memory nodes whose CPUs meet the affinity.
  const runNodes = plan.memoryNodes.filter((n) => plan.nodeCpus[n]?.includes(cpu));
  let cur = 0; // numa_get_interleave_node: get_mempolicy(MPOL_F_NODE), 0 when refused
  try {
    cur = sys.getMempolicy(null, 0, MPOL_F_NODE).mode;
  } catch {
    cur = 0;
  }
  const membind = policy === MPOL_BIND ? got : plan.memoryNodes;
  // __numa_preferred returns whatever mask get_mempolicy filled in.
  const preferred = got;
  let s = `policy: ${policyName(policy)}\npreferred node: `;
  if (policy === MPOL_PREFERRED) s += `${preferred.length > 0 ? preferred[0] : 0}\n`;
  else if (policy === MPOL_DEFAULT) s += 'current\n';
  else if (policy === MPOL_INTERLEAVE || policy === MPOL_WEIGHTED_INTERLEAVE) s += `${cur} (interleave next)\n`;
  else if (policy === MPOL_BIND) s += `${membind[0] ?? -1}\n`;
  else if (policy === MPOL_PREFERRED_MANY) s += `${cur} (preferred-many)\n`;
  // numactl prints no node (and no newline) for the other modes: local, and modes with flags.
  if (policy === MPOL_INTERLEAVE) s += `${printmask('interleavemask', got)}interleavenode: ${cur}\n`;
  else if (policy === MPOL_WEIGHTED_INTERLEAVE) {
    s += printmask('interleavemask', got);
    s += `interleaveweights:${got.map((n) => ` ${sys.readFile(`/sys/kernel/mm/mempolicy/weighted_interleave/node${n}`).trim()}`).join('')}\n`;
    s += `interleavenode: ${cur}\n`;
  }
  s += printmask('physcpubind', [cpu]);
  s += printmask('cpubind', runNodes) + printmask('nodebind', runNodes);
  s += printmask('membind', membind) + printmask('preferred', preferred);
  return s;
}

/** Apply the plan as the numactl process `sys` belongs to. */
export function numactlProcessInTask(sys: Sys, plan: ProcessPlan): ProcessOutcome {
  const stderr: string[] = [];
  let stdout = '';
  let failed = false;
  try {
    for (const step of plan.steps) applyStep(sys, step, plan);
    if (plan.show) stdout = show(sys, plan);
  } catch (e) {
    if (!(e instanceof Exit)) throw e;
    stderr.push(...e.lines);
    failed = true;
  }
  const r = sys.getMempolicy(LIBNUMA_NODEMASK_BITS, 0, 0);
  return { pid: sys.getpid(), stdout, stderr, failed, mode: r.mode, nodes: nodesOf(r.nodemask), cpu: sys.getcpu().cpu };
}
