/**
 * B16 get-mempolicy-early-unlock-uaf (2.6.24 to 4.12.8, CVE-2018-10675): get_mempolicy with
 * MPOL_F_ADDR finds the VMA's policy under mmap_sem, drops the lock, then reads the policy's mode
 * and nodemask; another thread's mbind on the range has meanwhile replaced and freed it. Fixed
 * (73223e4e2e38: the lock is held until the nodemask is copied).
 */
import { MPOL_BIND, MPOL_F_ADDR, MPOL_INTERLEAVE } from '../../kernel/constants.js';
import { type Sys } from '../../kernel/syscalls.js';
import { type RaceScenario } from '../scenario.js';
import { BOTH, BUG_MACHINE, MAXNODE, NODE0, anon } from './common.js';

/** T1: the policy of the range's first page. */
export function query(sys: Sys, addr: number): number {
  return sys.getMempolicy(null, addr, MPOL_F_ADDR).mode;
}

/** T2: a new policy for the range. */
export function rebind(sys: Sys, addr: number): number {
  sys.mbind(addr, 4 * 4096, MPOL_INTERLEAVE, BOTH, MAXNODE, 0);
  return 0;
}

export const race: RaceScenario = {
  name: 'bug:B16',
  machine: BUG_MACHINE,
  module: import.meta.url,
  programs: ['query', 'rebind'],
  depth: 2,
  async setup(m) {
    const p = await m.spawnProcess({ cpu: 0 });
    const t2 = await p.spawnThread({ cpu: 2 });
    const addr = await anon(p.main, 4);
    await p.main.mbind(addr, 4 * 4096, MPOL_BIND, NODE0, MAXNODE, 0);
    return { tasks: [p.main, t2], args: [addr, addr] };
  },
};
