/**
 * B01 numa-maps-task-setpol-uaf, form a (up to 2.6.22): T1 reads P2's numa_maps; P2's anonymous
 * VMA has no policy of its own, so the reader falls back to T2's task policy X, which it loads
 * with no lock and no reference; T2 replaces its policy (no lock either) and X is freed under the
 * reader. Fixed (2.6.26): set_mempolicy takes mmap_sem for write, which the reader holds for read.
 */
import { MPOL_BIND, MPOL_PREFERRED } from '../../kernel/constants.js';
import { type Sys } from '../../kernel/syscalls.js';
import { type RaceScenario } from '../scenario.js';
import { BUG_MACHINE, MAXNODE, NODE0, NODE1, readNumaMaps, taskPolicyTarget } from './common.js';

/** T1: read the other process's numa_maps. */
export function reader(sys: Sys, pid: number): number {
  return readNumaMaps(sys, pid);
}

/** T2: replace the task policy twice. */
export function setter(sys: Sys): number {
  sys.setMempolicy(MPOL_BIND, NODE1, MAXNODE);
  sys.setMempolicy(MPOL_PREFERRED, NODE0, MAXNODE);
  return 0;
}

export const race: RaceScenario = {
  name: 'bug:B01',
  machine: BUG_MACHINE,
  module: import.meta.url,
  programs: ['reader', 'setter'],
  depth: 2,
  setup: taskPolicyTarget,
};
