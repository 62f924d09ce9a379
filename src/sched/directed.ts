/**
 * Directed schedules, as a person writes them: `T1@site > T2 > T1` means "run T1 until it
 * reaches `site`, hold it there and run T2 until it ends, then T1". A segment `T2@site#2` runs T2
 * until its second pass of that site; `fault=T1@slab:sp_node#2` makes that allocation fail. Turns
 * a suspected race into a certain one, and a catalogued one into a regression test.
 */
import { type Segment } from './executor.js';
import { type Fault, ScheduleError } from './schedule.js';

/** A parsed directed schedule. */
export interface Directed {
  segments: Segment[];
  faults: Fault[];
}

function task(s: string, text: string): number {
  const m = /^T(\d+)$/.exec(s);
  if (!m || Number(m[1]) < 1) throw new ScheduleError(`directed schedule '${text}': '${s}' is not a task (T1, T2, ...)`);
  return Number(m[1]) - 1;
}

/** Parse `T1@site > T2 > T1 [fault=T1@site#n,...]`. */
export function parseDirected(text: string): Directed {
  const faults: Fault[] = [];
  const parts = text.trim().split(/\s+(?=fault=)/);
  for (const f of parts.slice(1)) {
    for (const one of f.slice('fault='.length).split(',')) {
      const m = /^(T\d+)@([^#\s]+)#(\d+)$/.exec(one);
      if (!m) throw new ScheduleError(`directed schedule '${text}': fault '${one}' is not T<n>@<site>#<pass>`);
      faults.push({ task: task(m[1], text), site: m[2], occ: Number(m[3]) });
    }
  }
  const segments = parts[0].split('>').map((seg) => {
    const m = /^\s*(T\d+)(?:@([^#\s]+)(?:#(\d+))?)?\s*$/.exec(seg);
    if (!m) throw new ScheduleError(`directed schedule '${text}': segment '${seg.trim()}' is not T<n> or T<n>@<site>[#<pass>]`);
    return { task: task(m[1], text), site: m[2] ?? 'end', occ: m[3] ? Number(m[3]) : 1 };
  });
  if (segments.length === 0) throw new ScheduleError('empty directed schedule');
  return { segments, faults };
}
