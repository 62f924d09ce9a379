import { type Kernel } from './kernel.js';
/** A VMA's fields, for creating one. */
export interface VmaInit {
    start: number;
    end: number;
    pgoff: number;
    flags: number;
    policy: number;
    anonVma: number;
    inode: number;
}
/** Room in each mm's VMA array: the map count may pass its limit by one (do_mmap, munmap trims). */
export declare function vmaCapacity(kn: Kernel): number;
export declare function vmaCount(kn: Kernel, m: number): number;
/** Read field `f` (a VMA.* offset) of VMA `i`. */
export declare function vmaGet(kn: Kernel, m: number, i: number, f: number): number;
export declare function vmaSet(kn: Kernel, m: number, i: number, f: number, v: number): void;
/** find_vma: index of the first VMA ending above `addr`, or -1. */
export declare function findVma(kn: Kernel, m: number, addr: number): number;
/** vma_lookup: index of the VMA containing `addr`, or -1. */
export declare function vmaLookup(kn: Kernel, m: number, addr: number): number;
/** Insert a VMA at index `i`; -ENOMEM when the mm's VMA array is full (callers check the map count limit). */
export declare function insertVma(kn: Kernel, m: number, i: number, init: VmaInit): number;
/** Remove VMA `i` from the array (its references must already be dropped or moved). */
export declare function eraseVma(kn: Kernel, m: number, i: number): void;
/** Read a VMA's fields. */
export declare function vmaRead(kn: Kernel, m: number, i: number): VmaInit;
/** Take a reference on an inode for a new VMA that maps it. */
export declare function inodeGetRef(kn: Kernel, s: number): void;
/**
 * split_vma: cut VMA `i` at `addr`, strictly inside it. The new upper part gets a copy of the
 * policy and a reference on the mapped inode. 0 or -ENOMEM: at the map count limit (unless
 * `checkCount` is false, as __split_vma for munmap), or when no policy copy can be made.
 */
export declare function splitVma(kn: Kernel, m: number, i: number, addr: number, checkCount?: boolean): number;
/** anon_vma ids for new anonymous VMAs that fault their first page. */
export declare function newAnonVmaId(kn: Kernel): number;
/**
 * is_mergeable_vma + can_vma_merge_after: may `a` (ending where `b` starts) merge with `b`,
 * taking `bPolicy` as b's policy? 2.6.7 merged anonymous private VMAs without looking at offsets.
 */
export declare function canMerge(kn: Kernel, a: VmaInit, b: VmaInit, bPolicy: number): boolean;
/** Merge VMA `i + 1` into VMA `i` (they must be mergeable); drops the absorbed VMA's references. */
export declare function mergeWithNext(kn: Kernel, m: number, i: number): void;
/** Try to merge VMA `i` with its neighbours (after its policy or extent changed). Returns i's new index. */
export declare function vmaMergeNeighbours(kn: Kernel, m: number, i: number): number;
