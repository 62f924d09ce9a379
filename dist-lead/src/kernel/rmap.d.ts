import { type Kernel } from './kernel.js';
/**
 * The mm whose mmap_sem this thread holds for read while it runs kernel code that may reclaim
 * (a fault, a user access): an rmap walk must not take that semaphore again, since a writer
 * queued behind our own hold would block the second read forever. One task per worker thread,
 * so this is the task's `current->mm` under mmap_lock.
 */
export declare const heldMmap: {
    mm: number;
};
/**
 * Call `fn(pteIndex, pte)` for every entry that maps `pfn` as page `index` of inode `ino`.
 * With `tryOnly` (reclaim), an mm whose mmap_sem cannot be had at once is skipped; returns
 * false if any was.
 */
export declare function rmapWalkInode(kn: Kernel, ino: number, index: number, pfn: number, fn: (pi: number, pte: number) => void, tryOnly?: boolean): boolean;
/**
 * Call `fn(kn, pfn, pteIndex, pte, arg)` for every entry that maps anonymous page `pfn`: it sits
 * at the same address (window page `index`) in every mm that shares it (fork keeps addresses),
 * so the walk reads page tables only, with no mmap_sem; callers change entries by
 * compareExchange. (`fn` is a plain function and `arg` its datum, so that a walk per page
 * reclaimed allocates nothing.)
 */
export declare function rmapWalkAnon(kn: Kernel, pfn: number, index: number, fn: (kn: Kernel, pfn: number, pi: number, pte: number, arg: number) => void, arg: number): void;
