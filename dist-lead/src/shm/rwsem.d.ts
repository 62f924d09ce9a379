export declare const RWSEM_WORDS = 2;
/** down_read: shared hold; waits while a writer holds or waits. */
export declare function downRead(arr: Int32Array, idx: number): void;
/** down_read_trylock: a shared hold if it can be had at once (no writer holds or waits). */
export declare function downReadTrylock(arr: Int32Array, idx: number): boolean;
/** up_read: drop a shared hold. */
export declare function upRead(arr: Int32Array, idx: number): void;
/** down_write: exclusive hold; announces itself so that new readers wait. */
export declare function downWrite(arr: Int32Array, idx: number): void;
/** up_write: drop the exclusive hold and wake every sleeper to retry. */
export declare function upWrite(arr: Int32Array, idx: number): void;
