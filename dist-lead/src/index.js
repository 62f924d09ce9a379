/**
 * numa-emu's public interface. Everything not exported here is internal.
 */
export { Machine, Process, Task } from './machine/machine.js';
export { DEMO_DISTANCE } from './machine/topology.js';
export { Sys } from './kernel/syscalls.js';
export { runExperiments } from './machine/experiments.js';
export { PROFILE_NAMES, DEFAULT_PROFILE, findProfile } from './kernel/profiles.js';
export { setPreemptHook } from './sched/preempt.js';
export * from './kernel/constants.js';
//# sourceMappingURL=index.js.map