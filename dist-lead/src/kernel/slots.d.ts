import { type Kernel } from './kernel.js';
/** Take the first free slot of a table (STATE 0 -> `state`); 0 when the table is full. */
export declare function allocSlot(kn: Kernel, region: number, words: number, count: number, state?: number): number;
/** Give a slot back (its other words are cleared by the next allocSlot). */
export declare function freeSlot(kn: Kernel, region: number, words: number, slot: number): void;
