/**
 * B18 shared-policy-replace-uninit-refcnt-leak (3.8 to 5.17, CVE-2022-49080): to split a range,
 * shared_policy_replace pre-allocates a node and a policy outside the tree lock and restarts; if
 * meanwhile another process's mbind removed the range, the spare policy is unused and released
 * with mpol_put on a count that was never set. Fixed (4ad099559b00: set it to 1 at allocation).
 */
import { MPOL_BIND, MPOL_DEFAULT } from '../../kernel/constants.js';
import { type Sys } from '../../kernel/syscalls.js';
import { type RaceScenario } from '../scenario.js';
import { BUG_MACHINE, MAXNODE, NODE0, sharedSegment } from './common.js';

const PAGE = 4096;
const PAGES = 256;

/** T1: the default policy for pages [128, 192): a split of the range [0, 256). */
export function split(sys: Sys, addr: number): number {
  sys.mbind(addr + 128 * PAGE, 64 * PAGE, MPOL_DEFAULT, null, MAXNODE, 0);
  return 0;
}

/** T2: the default policy for the whole segment (removes the range). */
export function whole(sys: Sys, addr: number): number {
  sys.mbind(addr, PAGES * PAGE, MPOL_DEFAULT, null, MAXNODE, 0);
  return 0;
}

export const race: RaceScenario = {
  name: 'bug:B18',
  machine: BUG_MACHINE,
  module: import.meta.url,
  programs: ['split', 'whole'],
  depth: 2,
  setup: (m) => sharedSegment(m, PAGES, MPOL_BIND, NODE0, true),
};
