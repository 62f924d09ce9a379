import { type Kernel } from './kernel.js';
/** Paths under this prefix are tmpfs files (shmem inodes), as /dev/shm is on Linux. */
export declare const TMPFS_MOUNT = "/dev/shm/";
/** A new, empty fd table with one user; slot or -ENOMEM. */
export declare function fdtCreate(kn: Kernel): number;
/** A thread shares its creator's table. */
export declare function fdtShare(kn: Kernel, d: number): void;
/** fork: a copy of the table; every open file gains a reference. Slot or -ENOMEM. */
export declare function fdtDup(kn: Kernel, d: number): number;
/** A task stops using the table; the last one closes every fd. */
export declare function fdtPut(kn: Kernel, d: number): void;
/** do_sys_open: the new fd or -errno. */
export declare function doOpen(kn: Kernel, t: number, path: string, flags: number, _mode: number): number;
/** close(fd). */
export declare function doClose(kn: Kernel, t: number, fd: number): number;
/** unlink(path): the name goes; the file lives while it is open or mapped. */
export declare function doUnlink(kn: Kernel, path: string): number;
/** read / pread: up to `count` bytes from `offset` (null: the file position, which advances). */
export declare function doRead(kn: Kernel, t: number, fd: number, count: number, offset: number | null): Uint8Array | number;
/** write / pwrite: `bytes` at `offset` (null: the file position, or the end with O_APPEND). */
export declare function doWrite(kn: Kernel, t: number, fd: number, bytes: Uint8Array, offset: number | null): number;
/** ftruncate(fd, length). */
export declare function doFtruncate(kn: Kernel, t: number, fd: number, length: number): number;
/** fsync(fd): write back every dirty page. */
export declare function doFsync(kn: Kernel, t: number, fd: number): number;
/**
 * The inode an mmap of `fd` maps, with the access checks of do_mmap: the file must be open for
 * reading, and for writing too when a shared mapping may be written. Returns the inode with a
 * reference the caller drops (inodePut) once the mapping holds its own, or -errno.
 */
export declare function mmapFileInode(kn: Kernel, t: number, fd: number, prot: number, flags: number): number;
/** The path of a file inode, with " (deleted)" once unlinked (d_path). */
export declare function inodePathname(kn: Kernel, ino: number): string;
/** Free the unlinked directory entry of a dying file inode. */
export declare function releaseDentry(kn: Kernel, ino: number): void;
