/**
 * B13 numa-maps-task-exit-uaf (2.6.26 to 3.6): T1 reads P2's numa_maps holding P2's mmap_sem,
 * which in this era keeps P2's task policy alive against set_mempolicy, but not against exit:
 * T2 exits and frees its policy under task_lock while the reader uses it. Fixed (9e7814404b77:
 * numa_maps pins a snapshot of the policy at m_start).
 */
import { type Sys } from '../../kernel/syscalls.js';
import { type RaceScenario } from '../scenario.js';
import { BUG_MACHINE, taskPolicyTarget } from './common.js';

export { reader } from './b01.js';

/** T2: exit. */
export function exiter(sys: Sys): number {
  sys.exit();
  return 0;
}

export const race: RaceScenario = {
  name: 'bug:B13',
  machine: BUG_MACHINE,
  module: import.meta.url,
  programs: ['reader', 'exiter'],
  depth: 2,
  setup: taskPolicyTarget,
};
