import { type Kernel } from './kernel.js';
/** Allocate a zeroed block; 0 when the pool is exhausted. */
export declare function xaAllocBlock(kn: Kernel): number;
/** Word index of the slot for `index` in the kernel buffer, or -1 if its block is absent. */
export declare function xaSlot(kn: Kernel, root: number, index: number): number;
/** xa_load: the value at `index` (0 if none). */
export declare function xaLoad(kn: Kernel, root: number, index: number): number;
/**
 * xa_cmpxchg: store `value` at `index` if it holds 0. Returns the value now there (ours or the
 * winner's), or -1 if no block could be allocated.
 */
export declare function xaInstall(kn: Kernel, root: number, index: number, value: number): number;
/** xa_cmpxchg: replace the value at `index` if it is still `old`; true if replaced. */
export declare function xaReplace(kn: Kernel, root: number, index: number, old: number, value: number): boolean;
/** Remove the value at `index` if it is still `old`; true if removed. */
export declare function xaErase(kn: Kernel, root: number, index: number, old: number): boolean;
/** Visit every non-zero value at index >= `from`, in index order (a snapshot per slot). */
export declare function xaForEach(kn: Kernel, root: number, from: number, visit: (index: number, value: number) => void): void;
/** Visit every non-zero value, then give all blocks of the tree back (the tree must be dead). */
export declare function xaDestroy(kn: Kernel, root: number, visit: (index: number, value: number) => void): void;
