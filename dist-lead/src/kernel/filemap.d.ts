import { type Kernel } from './kernel.js';
/** Largest file: the page cache indexes 2^18 pages. */
export declare const MAX_FILE_SIZE: number;
/** Pages a file of `size` bytes spans. */
export declare function filePages(size: number): number;
/**
 * Publish a fresh page (count 2: the cache's reference and the caller's pin) at `index`; the
 * page, or -1 if another task's page got there first (ours is freed).
 */
export declare function installCachePage(kn: Kernel, ino: number, index: number, pfn: number, old: number): number;
/**
 * filemap_get_entry + folio_try_get: the cached page at `index`, pinned; 0 when the slot is
 * empty, or the slot's (negative) swap value for shmem. A page reclaim is freeing is waited out.
 */
export declare function findGetPage(kn: Kernel, ino: number, index: number): number;
/** filemap_get_folio(FGP_CREAT): the cached page at `index`, pinned, read in if absent; pfn or -ENOMEM. */
export declare function filemapGetPage(kn: Kernel, t: number, ino: number, index: number): number;
/**
 * The fault-time lookup: like filemapGetPage, and with seed 000's file policy, a page that was
 * cached before a policy existed and sits where the policy does not allow is replaced, if
 * nobody maps or holds it.
 */
export declare function filemapFault(kn: Kernel, t: number, ino: number, index: number): number;
/**
 * Sequential readahead for a read() at page `index` through open file `f`: when the read
 * continues where the last one ended, the next window of pages is brought into the cache (it
 * grows from RA_INIT to RA_MAX pages). Returns nothing: readahead is best effort.
 */
export declare function pageCacheReadahead(kn: Kernel, t: number, ino: number, index: number, lastIndex: number, ra: {
    next: number;
    size: number;
}): void;
/**
 * Write a dirty page (pinned by the caller) to its disk block, allocating the block on first
 * writeback. A write that races with the copy re-dirties the page (through a fault on the
 * cleaned entry, or its own dirty bit), so nothing written is lost. 0 or -ENOSPC.
 */
export declare function writebackPage(kn: Kernel, ino: number, index: number, pfn: number): number;
/** Write back every dirty page of the inode (fsync); the first error, or 0. tmpfs has no disk. */
export declare function filemapWriteAndWait(kn: Kernel, ino: number): number;
/** Mark a cache page dirty after a write() into it. */
export declare function markPageDirty(kn: Kernel, pfn: number): void;
/**
 * truncate_pagecache + the file system's block truncation: the file becomes `size` bytes. Every
 * mapping of the pages past the new end is zapped (each mm's mmap_sem held for write), those
 * pages leave the cache, their blocks are freed, and the tail of the last page is zeroed, so
 * that growing the file again reads zeros there. The caller holds I_SEM for write.
 */
export declare function truncateInodePages(kn: Kernel, ino: number, size: number): void;
/** Free an inode's disk blocks (the inode is dying). */
export declare function freeDiskBlocks(kn: Kernel, ino: number): void;
