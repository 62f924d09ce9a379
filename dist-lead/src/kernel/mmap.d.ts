import { type Kernel } from './kernel.js';
/** PAGE_ALIGN on an unsigned long held in a double: wraps to 0 past 2^64, as C does. */
export declare function pageAlign(len: number): number;
/**
 * do_mmap: `len` in bytes (unaligned allowed), `pgoff` from the offset argument, `inode` the
 * mapped object (0 for anonymous memory). Returns the address or -errno.
 */
export declare function doMmap(kn: Kernel, t: number, m: number, addr: number, len: number, prot: number, flags: number, pgoff: number, inode?: number): number;
/** Unmap [start, end), splitting VMAs that straddle its ends (mmap_sem held for write). */
export declare function munmapLocked(kn: Kernel, m: number, start: number, end: number): number;
/** do_munmap: 0 or -errno. */
export declare function doMunmap(kn: Kernel, m: number, start: number, len: number): number;
