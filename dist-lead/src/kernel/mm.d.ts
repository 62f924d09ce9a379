import { type Kernel } from './kernel.js';
/** mm_alloc: a fresh, empty mm for process `pid` with one user; slot or -ENOMEM. */
export declare function mmAlloc(kn: Kernel, pid: number): number;
/** Unmap VMA `i` entirely: its pages, its policy, its object reference (mmap_sem held for write). */
export declare function unmapVmaResources(kn: Kernel, m: number, i: number): void;
/** exit_mmap: drop every VMA of `m`. */
export declare function exitMmap(kn: Kernel, m: number): void;
/** mmget: one more task uses `m`. */
export declare function mmGet(kn: Kernel, m: number): void;
/** mmput: a task stops using `m`; the last one tears it down and frees the slot. */
export declare function mmPut(kn: Kernel, m: number): void;
/**
 * dup_mmap: fill the empty mm `child` with copies of `parent`'s VMAs (own policy copies, new
 * anon_vma ids, shmem references) and share the private pages copy-on-write. Shared mappings
 * are not copied entry by entry: the child faults them in from the object. 0 or -ENOMEM.
 */
export declare function dupMmap(kn: Kernel, parent: number, child: number): number;
