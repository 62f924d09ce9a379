import { type AuditReport } from '../kernel/audit.js';
import { type MachineOptions } from './topology.js';
import { type WireError } from './wire.js';
/** What to run: `module`'s export `exportName`, called as `fn(machine, seed, ...args)`. */
export interface ExperimentSpec {
    /** Absolute path or file URL of the scenario module. */
    module: string;
    exportName: string;
    seeds: number[];
    /** Machine description (the seed is set per run). */
    machine?: MachineOptions;
    /** Extra structured-cloneable arguments. */
    args?: unknown[];
    /** Pool size (default: 2, this machine kind's cores). */
    threads?: number;
}
/** One run's outcome: the scenario's value or error, and the kernel audit after it. */
export interface ExperimentResult {
    seed: number;
    value?: unknown;
    error?: WireError;
    audit: AuditReport | null;
}
/** The job one pool worker runs. */
export interface ExperimentJob {
    module: string;
    exportName: string;
    seed: number;
    machine: MachineOptions;
    args: unknown[];
}
/** Run the scenario once per seed on a pool; results in seed order. */
export declare function runExperiments(spec: ExperimentSpec): Promise<ExperimentResult[]>;
