/** Take the lock at `arr[idx]`. */
export declare function spinLock(arr: Int32Array, idx: number): void;
/** Release the lock at `arr[idx]`. */
export declare function spinUnlock(arr: Int32Array, idx: number): void;
