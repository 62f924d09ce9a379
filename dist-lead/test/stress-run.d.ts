import { type Task } from '../src/index.js';
import { type StressArgs, type stress } from './fixtures/stress.js';
export type StressResult = ReturnType<typeof stress>;
/** Run the stress fixture on every task at once; task `i` gets id `i` and seed `seedBase + i`. */
export declare function runStress(tasks: [Task, StressArgs['regions']][], o: {
    iters: number;
    nodes: number;
    seedBase: number;
}): Promise<StressResult[]>;
/**
 * No byte lost: every task's slot of every page it wrote holds the last value it wrote, as seen by
 * each of `viewers(taskId, regionBase)`.
 */
export declare function expectLastWritesVisible(results: StressResult[], viewers: (id: number, base: number) => Task[]): Promise<void>;
