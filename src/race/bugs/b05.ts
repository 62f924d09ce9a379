/**
 * B05 alloc-vma-interleave-ref-leak (2.6.23-2.6.25): get_vma_policy references a VMA's own
 * policy, and the interleave branch of alloc_page_vma returns without dropping it: every page
 * faulted in an interleaved anonymous mapping leaks a reference. Fixed (52cd3b074050).
 */
import { MPOL_INTERLEAVE } from '../../kernel/constants.js';
import { type Sys } from '../../kernel/syscalls.js';
import { type RaceScenario } from '../scenario.js';
import { BOTH, BUG_MACHINE, MAXNODE, anon } from './common.js';

/** Fault the region's pages in. */
export function fault(sys: Sys, a: { addr: number; pages: number }): number {
  sys.touch(a.addr, a.pages * 4096, 'write');
  return a.pages;
}

export const race: RaceScenario = {
  name: 'bug:B05',
  machine: BUG_MACHINE,
  module: import.meta.url,
  programs: ['fault'],
  depth: 1,
  async setup(m) {
    const p = await m.spawnProcess({ cpu: 0 });
    const addr = await anon(p.main, 4);
    await p.main.mbind(addr, 4 * 4096, MPOL_INTERLEAVE, BOTH, MAXNODE, 0);
    return { tasks: [p.main], args: [{ addr, pages: 4 }] };
  },
};
