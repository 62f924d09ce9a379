/**
 * B14 shared-policy-sleeping-lock-in-atomic (3.7-rc): the tree lock became a mutex (b22d127a39dd)
 * while numa_maps looked the policy up under task_lock, a spinlock (Rientjes' interim fix): a
 * sleeping lock taken in atomic context. Fixed (42288fe366c4: back to a spinlock, allocating
 * outside it; and numa_maps no longer holds task_lock there).
 */
import { MPOL_BIND } from '../../kernel/constants.js';
import { type RaceScenario } from '../scenario.js';
import { BUG_MACHINE, NODE0, segmentWithPolicy } from './common.js';

export { readSelf } from './b02.js';

export const race: RaceScenario = {
  name: 'bug:B14',
  machine: BUG_MACHINE,
  module: import.meta.url,
  programs: ['readSelf'],
  depth: 1,
  setup: (m) => segmentWithPolicy(m, 16, MPOL_BIND, NODE0),
};
