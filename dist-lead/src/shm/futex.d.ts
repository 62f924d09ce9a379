/** Polls of the word before blocking (about 1-2 us). */
export declare const SPIN_LIMIT = 128;
/** Longest time any emulated kernel wait may take before it is declared a deadlock. */
export declare const WAIT_LIMIT_MS = 60000;
/**
 * Block while `arr[idx] === expected`, for one bounded slice. Returns when the word changed, a
 * notify arrived or the slice ended; the caller re-checks its condition and calls again with the
 * next round number. Every wait passes through round 0, which starts the watchdog's clock; the
 * clock only times the watchdog, it decides nothing in the emulated kernel.
 */
export declare function futexWait(arr: Int32Array, idx: number, expected: number, round: number, what: string): void;
