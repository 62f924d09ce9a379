/**
 * numa-emu's public interface. Everything not exported here is internal.
 */
export { Machine, Process, Task, DEFAULT_GRACE_MS, type SpawnOptions, type CloneOptions, type CloseOptions, type CloseReport, type MachineFault, type NodeInfo } from './machine/machine.js';
export { type MachineOptions, type NodeOptions, DEMO_DISTANCE, MAX_NODE_MEMORY, MAX_DEVICE_BLOCKS } from './machine/topology.js';
export { type KernelLimits } from './kernel/config.js';
export { Sys, type GetMempolicyResult } from './kernel/syscalls.js';
export { type SystemError } from './kernel/errno.js';
export { type AuditReport } from './kernel/audit.js';
export { runExperiments, type ExperimentSpec, type ExperimentResult } from './machine/experiments.js';
export { type WireError } from './machine/wire.js';
export { PROFILE_NAMES, DEFAULT_PROFILE, type KernelProfile, findProfile } from './kernel/profiles.js';
export { PreemptPoint, LockKind } from './sched/preempt.js';
export * from './kernel/constants.js';
