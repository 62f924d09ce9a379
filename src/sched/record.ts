/**
 * From a recorded free run to a controlled schedule. A recorded run logs (task, site) at every
 * point in the order the points were passed (a lock where it was taken), so the log is the order
 * of the tasks' operations. The controlled replay must make the same task do the next operation
 * at every step: this simulates the controlled execution over each task's own sequence of sites
 * and emits a switch wherever the log's next operation belongs to another task.
 */
import { StepKind } from './control.js';
import { type Decision } from './schedule.js';
import { siteName } from './sites.js';

/** The decisions that replay `record` (pairs of task index and site id) for `ntasks` tasks. */
export function recordToDecisions(record: readonly (readonly [number, number])[], ntasks: number): Decision[] {
  const seqs: number[][] = Array.from({ length: ntasks }, () => []);
  for (const [t, s] of record) if (t >= 0 && t < ntasks) seqs[t].push(s);
  const ops = record.filter(([t]) => t >= 0 && t < ntasks);
  const ptr = new Array<number>(ntasks).fill(0);
  const parked = new Array<boolean>(ntasks).fill(false);
  const finished = new Array<boolean>(ntasks).fill(false);
  const counts = Array.from({ length: ntasks }, () => new Map<number, number>());
  const firstUnfinished = () => finished.indexOf(false);
  let k = 0;
  let cur = ops.length > 0 ? ops[0][0] : 0;
  const out: Decision[] = [{ step: 0, task: -1, site: 'start', occ: 0, kind: StepKind.Start, next: cur }];
  for (let step = 1; step < 4 * (ops.length + ntasks) + 8; ) {
    if (parked[cur]) {
      parked[cur] = false;
      ptr[cur]++;
      k++;
    }
    if (ptr[cur] >= seqs[cur].length) {
      finished[cur] = true;
      if (firstUnfinished() < 0) break;
      const next = k < ops.length && !finished[ops[k][0]] ? ops[k][0] : firstUnfinished();
      out.push({ step: step++, task: cur, site: 'end', occ: 0, kind: StepKind.End, next });
      cur = next;
      continue;
    }
    const site = seqs[cur][ptr[cur]];
    const occ = (counts[cur].get(site) ?? 0) + 1;
    counts[cur].set(site, occ);
    const want = k < ops.length ? ops[k][0] : cur;
    if (want === cur || finished[want]) {
      step++;
      ptr[cur]++;
      k++;
      continue;
    }
    out.push({ step: step++, task: cur, site: siteName(site), occ, kind: StepKind.Point, next: want });
    parked[cur] = true;
    cur = want;
  }
  return out;
}
