import { type Kernel } from './kernel.js';
/** shmem_file_setup: a new object of `pages` pages with one reference; slot or -ENOMEM. */
export declare function shmemCreate(kn: Kernel, pages: number, kind?: number): number;
/** The interleave index of page `index` of object `s`. */
export declare function shmemIlx(kn: Kernel, s: number, index: number): number;
/**
 * shmem_get_folio: the page at `index`, allocated if absent by the object's shared policy for
 * that index, else by the task's policy (shmem_get_pgoff_policy). Returns a pfn (the caller
 * maps it) or -ENOMEM.
 */
export declare function shmemGetPage(kn: Kernel, t: number, s: number, index: number, write: boolean): number;
