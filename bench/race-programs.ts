// Programs and scenarios for the race engine's benchmarks: two tasks of one process passing
// `points` sched_yield points each (every point is a decision; random choices make about every
// other one a hand-off between the two task workers).
import { type Sys } from '../src/index.js';
import { type RaceScenario } from '../src/race/scenario.js';

export function yields(sys: Sys, points: number): number {
  for (let i = 0; i < points; i++) sys.schedYield();
  return points;
}

/** Two tasks of `points` points each. */
export function yieldsScenario(points: number): RaceScenario {
  return {
    name: `yields-${points}`,
    module: import.meta.url,
    programs: ['yields', 'yields'],
    async setup(m) {
      const p = await m.spawnProcess({ cpu: 0 });
      const t2 = await p.spawnThread({ cpu: 2 });
      return { tasks: [p.main, t2], args: [points, points] };
    },
  };
}
