/** Saturation value, as refcount_t's REFCOUNT_SATURATED (INT_MIN / 2). */
export declare const REFCOUNT_SATURATED: number;
/** refcount_inc: take a reference. Returns false (and warns) if the object was already dead. */
export declare function refcountInc(arr: Int32Array, idx: number, warn: Int32Array, warnIdx: number): boolean;
/** refcount_dec_and_test: drop a reference; true when this was the last one. */
export declare function refcountDecAndTest(arr: Int32Array, idx: number, warn: Int32Array, warnIdx: number): boolean;
