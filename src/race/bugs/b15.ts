/**
 * B15 numa-maps-exec-setpol-uaf (3.7 to 3.17): numa_maps pins P2's mm and a snapshot of its
 * policy, and trusts that P2's set_mempolicy, which takes that mm's mmap_sem for write, cannot
 * run meanwhile; but after exec P2 has a new mm, its set_mempolicy takes the new mm's lock, and
 * the reader, falling back to the live task pointer for an old VMA, uses a policy P2 frees. Depth
 * 3. Fixed (3.18: numa_maps prints the snapshot, set_mempolicy takes task_lock).
 */
import { type Sys } from '../../kernel/syscalls.js';
import { type RaceScenario } from '../scenario.js';
import { setter } from './b01.js';
import { BUG_MACHINE, taskPolicyTarget } from './common.js';

export { reader } from './b01.js';

/** T2: exec, then replace the task policy twice. */
export function execAndSet(sys: Sys): number {
  sys.execve();
  return setter(sys);
}

export const race: RaceScenario = {
  name: 'bug:B15',
  machine: BUG_MACHINE,
  module: import.meta.url,
  programs: ['reader', 'execAndSet'],
  depth: 3,
  focus: ['numa_maps:*', 'get_vma_policy:*', 'do_set_mempolicy:*', 'exec:*'],
  setup: taskPolicyTarget,
};
