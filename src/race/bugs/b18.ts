/**
 * B18 shared-policy-replace-uninit-refcnt-leak (3.8 to 5.17, CVE-2022-49080): to split a range,
 * shared_policy_replace pre-allocates a node and a policy outside the tree lock and restarts; if
 * meanwhile another process's mbind removed the range, the spare policy is unused and released
 * with mpol_put on a count that was never set. Fixed (4ad099559b00: set it to 1 at allocation).
 */
import { MPOL_BIND, MPOL_DEFAULT } from '../../kernel/constants.js';
import { type Sys } from '../../kernel/syscalls.js';
import { type RaceScenario } from '../scenario.js';
import { BUG_MACHINE, MAXNODE, NODE0, segment } from './common.js';

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
  async setup(m) {
    const p1 = await m.spawnProcess({ cpu: 0 });
    const p2 = await m.spawnProcess({ cpu: 2 });
    const { addrs } = await segment([p1.main, p2.main], PAGES);
    // Both VMAs carry the policy (mbind skips a VMA whose policy already equals the new one).
    await p1.main.mbind(addrs[0], PAGES * PAGE, MPOL_BIND, NODE0, MAXNODE, 0);
    await p2.main.mbind(addrs[1], PAGES * PAGE, MPOL_BIND, NODE0, MAXNODE, 0);
    return { tasks: [p1.main, p2.main], args: addrs };
  },
};
