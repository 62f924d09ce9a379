/**
 * Fuzz programs as fast-check generates and shrinks them: a machine, how many processes start,
 * and rounds of abstract calls. An abstract call names an entry of CALLS and carries a seed from
 * which its arguments are drawn when it runs (calls.ts), so that any program, however shrunk,
 * still runs: a reference to a task, region or fd resolves against what exists then.
 */
import fc from 'fast-check';
import { type KernelLimits } from '../src/index.js';
import { CALLS, type CallKind } from './calls.js';

/** One call: an index into CALLS and the seed of its arguments. */
export interface AbstractOp {
  call: number;
  seed: number;
}

/** The calls one task makes in a round, in order; `task` picks a live task (modulo their number). */
export interface Batch {
  task: number;
  ops: AbstractOp[];
}

/** Batches that run at once, or one call that runs alone on the machine. */
export type Round = { par: Batch[] } | { solo: AbstractOp & { task: number } };

export interface MachineSpec {
  kernel: string;
  nodes: { memory: string; cpus: number }[];
  limits: Partial<KernelLimits>;
  pageCluster: number;
  seed: number;
}

export interface Program {
  machine: MachineSpec;
  /** Processes spawned before the first round. */
  processes: number;
  rounds: Round[];
}

/** An index into CALLS among the calls of `kind`, by their weights. */
function callOf(kind: CallKind): fc.Arbitrary<number> {
  const entries = CALLS.map((c, i) => [c, i] as const).filter(([c]) => c.kind === kind);
  return fc.oneof(...entries.map(([c, i]) => ({ arbitrary: fc.constant(i), weight: c.weight })));
}

function op(kind: CallKind): fc.Arbitrary<AbstractOp> {
  return fc.record({ call: callOf(kind), seed: fc.nat() });
}

const taskRef = fc.nat({ max: 15 });

function round(maxOps: number): fc.Arbitrary<Round> {
  const data = fc.record({ task: taskRef, ops: fc.array(op('data'), { minLength: 1, maxLength: maxOps, size: 'max' }) });
  const structural = fc.record({ task: taskRef, ops: op('structural').map((o) => [o]) });
  const par = fc.array(fc.oneof({ arbitrary: data, weight: 2 }, { arbitrary: structural, weight: 1 }), { minLength: 1, maxLength: 8, size: 'max' }).map((par) => ({ par }));
  const solo = fc.record({ task: taskRef, call: callOf('solo'), seed: fc.nat() }).map((solo) => ({ solo }));
  return fc.oneof({ arbitrary: par, weight: 7 }, { arbitrary: solo, weight: 1 });
}

/** Small limits, each present or not, so that tables run out during a program. */
const limits: fc.Arbitrary<Partial<KernelLimits>> = fc.record(
  {
    maxVmas: fc.constantFrom(6, 12, 32),
    xaBlocks: fc.constantFrom(6, 12, 24),
    policySlots: fc.constantFrom(6, 12, 32),
    inodes: fc.constantFrom(3, 6, 12),
    files: fc.constantFrom(3, 6, 12),
    diskBlocks: fc.constantFrom(4, 16, 64),
    swapSlots: fc.constantFrom(0, 16, 64),
    maxTasks: fc.constantFrom(4, 8),
    maxMms: fc.constantFrom(3, 4, 6),
    pageTables: fc.constantFrom(4, 8, 16),
  },
  { requiredKeys: [] },
);

/** Machines with little memory (so that reclaim runs) and sometimes a memoryless or CPU-less node. */
const machine: fc.Arbitrary<MachineSpec> = fc
  .record({
    kernel: fc.constantFrom('6.12', '6.12', '6.12', '2.6.7', '2.6.8-rc3+file-policy'),
    nodes: fc.array(fc.record({ memory: fc.constantFrom('256K', '512K', '1M', '2M', '0'), cpus: fc.integer({ min: 0, max: 2 }) }), { minLength: 1, maxLength: 4 }),
    limits,
    pageCluster: fc.integer({ min: 0, max: 5 }),
    seed: fc.nat(),
  })
  .map((m) => {
    const nodes = m.nodes.map((n, i) => ({ memory: i === 0 && m.nodes.every((x) => x.memory === '0') ? '1M' : n.memory, cpus: i === 0 && m.nodes.every((x) => x.cpus === 0) ? 1 : n.cpus }));
    return { ...m, nodes };
  });

/** Programs of up to `maxRounds` rounds, each task making up to `maxOps` calls per round. */
export function programs(maxRounds: number, maxOps = 64): fc.Arbitrary<Program> {
  return fc.record({ machine, processes: fc.integer({ min: 1, max: 3 }), rounds: fc.array(round(maxOps), { minLength: 1, maxLength: maxRounds, size: 'max' }) });
}
