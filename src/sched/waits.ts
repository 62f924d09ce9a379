/**
 * Who waits where and who holds what: the text of a deadlock report.
 *
 * A blocked task is waiting for a lock word to change. The word itself says who holds it
 * exclusively (a spinlock's value, an rwsem's owner word: owner ids, which for a task are its
 * kernel slot); read holds are listed per owner (owner.ts). From those, the wait-for graph between
 * the tasks of the execution, and its cycle if there is one.
 */
import { arrayById, readHoldsOf } from '../shm/owner.js';
import { rwsemHolders } from '../shm/rwsem.js';
import { spinOwner } from '../shm/spinlock.js';
import { CTL, type Control, TSK, TState, tsk } from './control.js';
import { taskLabel } from './detect.js';
import { LockKind } from './preempt.js';
import { siteName, siteNaming } from './sites.js';

/** The tasks (indexes) holding the word task `i` waits on. */
function holdersOf(ctl: Control, i: number): { holders: number[]; how: string } {
  const c = ctl.c;
  const arr = arrayById(c[tsk(ctl, i, TSK.BLK_ARR)]);
  const idx = c[tsk(ctl, i, TSK.BLK_IDX)];
  const kind = c[tsk(ctl, i, TSK.BLK_KIND)];
  const n = c[CTL.NTASKS];
  const bySlot = (owner: number) => Array.from({ length: n }, (_, j) => j).filter((j) => c[tsk(ctl, j, TSK.SLOT)] === owner);
  if (arr === undefined) return { holders: [], how: 'an unknown word' };
  if (kind === LockKind.Spin) return { holders: bySlot(spinOwner(arr, idx)), how: 'held' };
  if (siteNaming()?.ownerless?.(arr, idx)) return { holders: [], how: 'locked (a bit lock: its holder is not recorded)' };
  const { writer, readers } = rwsemHolders(arr, idx);
  if (writer !== 0) return { holders: bySlot(writer), how: 'held for write' };
  const rd = Array.from({ length: n }, (_, j) => j).filter((j) => readHoldsOf(c[tsk(ctl, j, TSK.SLOT)]).some(([a, w]) => a === arr && w === idx));
  return { holders: rd, how: `held for read (${readers} reader${readers === 1 ? '' : 's'})` };
}

/** A wait-for cycle among the blocked tasks, as task indexes (empty if none). */
function findCycle(edges: Map<number, number[]>): number[] {
  const state = new Map<number, number>();
  const stack: number[] = [];
  const visit = (v: number): number[] | null => {
    state.set(v, 1);
    stack.push(v);
    for (const w of edges.get(v) ?? []) {
      if (state.get(w) === 1) return stack.slice(stack.indexOf(w));
      if (!state.has(w)) {
        const cyc = visit(w);
        if (cyc) return cyc;
      }
    }
    stack.pop();
    state.set(v, 2);
    return null;
  };
  for (const v of edges.keys()) if (!state.has(v)) {
    const cyc = visit(v);
    if (cyc) return cyc;
  }
  return [];
}

/** The deadlock's description: each blocked task, the lock it waits for and its holders; the cycle. */
export function describeWait(ctl: Control): string {
  const c = ctl.c;
  const lines: string[] = [];
  const edges = new Map<number, number[]>();
  for (let i = 0; i < c[CTL.NTASKS]; i++) {
    if (c[tsk(ctl, i, TSK.STATE)] !== TState.Blocked) continue;
    const { holders, how } = holdersOf(ctl, i);
    edges.set(i, holders);
    const who = holders.length > 0 ? holders.map(taskLabel).join(', ') : 'no task of this execution';
    lines.push(`${taskLabel(i)} waits at ${siteName(c[tsk(ctl, i, TSK.BLK_SITE)])}, ${how} by ${who}`);
  }
  const cycle = findCycle(edges);
  const head = cycle.length > 0 ? `wait-for cycle ${[...cycle, cycle[0]].map(taskLabel).join(' -> ')}` : 'no task can run';
  return `deadlock: ${head}; ${lines.join('; ')}`;
}
