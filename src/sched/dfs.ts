/**
 * Exhaustive search of the schedules with at most `bound` preemptions (iterative context bounding,
 * as CHESS): stateless, by re-execution. Each execution follows a forced prefix of choices, then
 * the default choice (stay on the running task; when it blocks or ends, the lowest runnable one).
 * From its trace the explorer finds the deepest step with an untried alternative that the bound
 * allows and forces it next; the alternatives of a step are tried in a fixed order (the default
 * first, then the other runnable tasks by index), so every schedule is run exactly once.
 *
 * A preemption is a switch away from a task that could have gone on (at a point); a switch at a
 * block or an end is free. Determinism makes the runnable sets of a replayed prefix the same.
 */
import { StepKind } from './control.js';
import { type TraceStep } from './executor.js';

function defaultOf(s: TraceStep): number {
  return s.task >= 0 && s.runnable & (1 << s.task) ? s.task : 31 - Math.clz32(s.runnable & -s.runnable);
}

/** The alternatives at a step, in the order they are explored. */
function alternatives(s: TraceStep): number[] {
  const d = defaultOf(s);
  const out = [d];
  for (let t = 0; t < 31; t++) if (s.runnable & (1 << t) && t !== d) out.push(t);
  return out;
}

function isPreemption(s: TraceStep, choice: number): boolean {
  return s.kind === StepKind.Point && s.task >= 0 && choice !== s.task;
}

/** Enumerates the prefixes of a bounded exhaustive search. */
export class DfsExplorer {
  private prefix: number[] = [];
  /** Executions handed out. */
  explored = 0;
  /** True once every schedule within the bound has been run. */
  exhausted = false;

  constructor(readonly bound: number) {}

  /** The prefix of the next execution, or null when the search is complete. */
  next(): number[] | null {
    if (this.exhausted) return null;
    this.explored++;
    return this.prefix;
  }

  /** Learn from the trace of the execution just run with the last prefix. */
  feed(trace: readonly TraceStep[]): void {
    const pre: number[] = [];
    let count = 0;
    for (const s of trace) {
      pre.push(count);
      if (s.next >= 0 && isPreemption(s, s.next)) count++;
    }
    for (let j = trace.length - 1; j >= 0; j--) {
      const s = trace[j];
      if (s.next < 0) continue;
      const alts = alternatives(s);
      for (const a of alts.slice(alts.indexOf(s.next) + 1)) {
        if (pre[j] + (isPreemption(s, a) ? 1 : 0) > this.bound) continue;
        this.prefix = [...trace.slice(0, j).map((x) => x.next), a];
        return;
      }
    }
    this.exhausted = true;
  }
}
