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
export { type RefcountRules } from './kernel/refcount-rules.js';
// The race engine: campaigns, replay, shrinking, directed schedules, free-running rates.
export { race, replay, shrink, directed, freeRuns, defaultThreads, type RaceOptions } from './race/api.js';
export { type RaceScenario, type RaceSetup, type RaceCheckContext, DEFAULT_RACE_MACHINE } from './race/scenario.js';
export { type CampaignResult, type Hit, type Shrunk, type DirectedOutcome } from './race/campaign.js';
export { type ReplayReport, type FreeReport } from './race/jobs.js';
export { mergeResults, shardRange, MergeError } from './race/merge.js';
export { BUGS, findBug, type BugEntry } from './race/bugs.js';
export { type Report, type ReportKind } from './sched/detect.js';
export { type TaskResult } from './sched/executor.js';
export { parseSchedule, formatSchedule, ScheduleError, type Schedule, type Decision, type Fault } from './sched/schedule.js';
export { lanesText, lanesHtml, htmlPage, type LaneRow } from './sched/lanes.js';
