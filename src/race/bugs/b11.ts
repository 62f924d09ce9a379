/**
 * B11 mbind-shared-flag-private-vma-over-unref (2.6.26 to 3.6): one mbind over a private anonymous
 * VMA and the shmem VMA next to it installs one policy object in both VMAs and in the shmem
 * tree, which flags it shared; every use through the anonymous VMA then ends with a conditional
 * put of a reference nobody took. Fixed (869833f2c5c6: each VMA and range gets its own copy).
 */
import { MAP_ANONYMOUS, MAP_FIXED, MAP_SHARED, MPOL_BIND, PROT_READ, PROT_WRITE } from '../../kernel/constants.js';
import { type Sys } from '../../kernel/syscalls.js';
import { type RaceScenario } from '../scenario.js';
import { BUG_MACHINE, MAXNODE, NODE1, anon } from './common.js';

const PAGE = 4096;

/** mbind both VMAs at once, then fault the anonymous pages. */
export function bindAndTouch(sys: Sys, addr: number): number {
  sys.mbind(addr, 8 * PAGE, MPOL_BIND, NODE1, MAXNODE, 0);
  sys.touch(addr, 4 * PAGE, 'write');
  return 0;
}

export const race: RaceScenario = {
  name: 'bug:B11',
  machine: BUG_MACHINE,
  module: import.meta.url,
  programs: ['bindAndTouch'],
  depth: 1,
  async setup(m) {
    const p = await m.spawnProcess({ cpu: 0 });
    const addr = await anon(p.main, 8);
    await p.main.mmap(addr + 4 * PAGE, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED);
    return { tasks: [p.main], args: [addr] };
  },
};
