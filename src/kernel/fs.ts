/**
 * Files: a flat directory, open file descriptions, per-process fd tables, and open, close, read,
 * write, pread, pwrite, ftruncate, fsync and unlink (fs/open.c, fs/read_write.c, mm/filemap.c).
 * Paths under /dev/shm/ are tmpfs files: their pages are shmem pages (swap-backed, placed by the
 * file's shared policy or the task's policy interleaved by index, never on disk).
 *
 * Refcounts: a directory entry holds one reference on its inode (the link); an open file holds
 * one on its inode and is itself counted by the fd slots that name it (FILE.REFS); an fd table
 * is shared by the threads of a process (FDT.USERS) and copied by fork (each file gains a
 * reference). The last close of an unlinked file frees it.
 *
 * Locking: KHDR.DIR_LOCK guards the directory; an fd table's LOCK guards its slots; I_SEM (for
 * write) serialises read and write calls on a file with each other, with ftruncate and fsync,
 * and guards FILE.POS and the readahead state. Lock order: I_SEM before any mmap_sem.
 */
import { downWrite, upWrite } from '../shm/rwsem.js';
import { spinLock, spinUnlock } from '../shm/spinlock.js';
import { DENTRY, DENTRY_LINKED, DENTRY_UNLINKED, FDT, FILE, INODE, INODE_FILE, INODE_TMPFS, KHDR, MAX_FDS, NAME_WORDS, TASK } from '../shm/structs.js';
import { MAP_SHARED, MAP_TYPE, O_ACCMODE, O_APPEND, O_CREAT, O_EXCL, O_RDONLY, O_RDWR, O_TRUNC, O_WRONLY, PAGE_SIZE, PROT_WRITE } from './constants.js';
import { EACCES, EBADF, EEXIST, EFBIG, EINVAL, EMFILE, ENAMETOOLONG, ENFILE, ENOENT, ENOMEM, ENOSPC } from './errno.js';
import { MAX_FILE_SIZE, fileMapBlock, filemapGetPage, filemapWriteAndWait, markPageDirty, pageCacheReadahead, truncateInodePages } from './filemap.js';
import { inodeCreate, inodePut } from './inode.js';
import { type Kernel } from './kernel.js';
import { frameOffset, putPage } from './page-alloc.js';
import { allocSlot, freeSlot } from './slots.js';
import { inodeGetRef } from './vma.js';

const encoder = new TextEncoder();
/** Paths under this prefix are tmpfs files (shmem inodes), as /dev/shm is on Linux. */
export const TMPFS_MOUNT = '/dev/shm/';

// ---------------------------------------------------------------------------------------------
// The directory

function nameBytes(path: string): Uint8Array | number {
  const b = encoder.encode(path);
  if (b.length === 0) return -ENOENT;
  return b.length > NAME_WORDS * 4 ? -ENAMETOOLONG : b;
}

function nameIs(kn: Kernel, d: number, name: Uint8Array): boolean {
  if (kn.k[kn.dentry(d) + DENTRY.LEN] !== name.length) return false;
  const words = new Uint8Array(kn.k.buffer, (kn.name(d)) * 4, name.length);
  for (let i = 0; i < name.length; i++) if (words[i] !== name[i]) return false;
  return true;
}

/** d_lookup, under DIR_LOCK: the dentry slot for `name`, or 0. */
function dLookup(kn: Kernel, name: Uint8Array): number {
  for (let d = 1; d < kn.cfg.limits.files; d++) if (kn.k[kn.dentry(d) + DENTRY.STATE] === DENTRY_LINKED && nameIs(kn, d, name)) return d;
  return 0;
}

/** d_add, under DIR_LOCK: link `ino` (whose reference the entry takes over) as `name`. */
function dAdd(kn: Kernel, name: Uint8Array, ino: number): number {
  const d = allocSlot(kn, kn.regions.dentry, DENTRY.WORDS, kn.cfg.limits.files, DENTRY_LINKED);
  if (d === 0) return -ENOSPC; // the directory has no room for another name
  kn.k[kn.dentry(d) + DENTRY.INODE] = ino;
  kn.k[kn.dentry(d) + DENTRY.LEN] = name.length;
  new Uint8Array(kn.k.buffer, kn.name(d) * 4, NAME_WORDS * 4).fill(0).set(name);
  kn.k[kn.inode(ino) + INODE.DENTRY] = d;
  return d;
}

// ---------------------------------------------------------------------------------------------
// Open files and fd tables

/** alloc_empty_file: a file slot, filled by fileInit once its inode is known; -ENFILE when the table is full. */
function fileAlloc(kn: Kernel): number {
  const f = allocSlot(kn, kn.regions.file, FILE.WORDS, kn.cfg.limits.files);
  return f === 0 ? -ENFILE : f;
}

/** The open file `f` names `ino` (whose reference it takes over) with one reference. */
function fileInit(kn: Kernel, f: number, ino: number, flags: number): void {
  kn.k[kn.file(f) + FILE.INODE] = ino;
  kn.k[kn.file(f) + FILE.FLAGS] = flags;
  Atomics.store(kn.k, kn.file(f) + FILE.REFS, 1);
}

/** fput: the last reference closes the file and drops its inode. */
function fput(kn: Kernel, f: number): void {
  const b = kn.file(f);
  if (Atomics.sub(kn.k, b + FILE.REFS, 1) !== 1) return;
  const ino = kn.k[b + FILE.INODE];
  freeSlot(kn, kn.regions.file, FILE.WORDS, f);
  inodePut(kn, ino);
}

/** A new, empty fd table with one user; slot or -ENOMEM. */
export function fdtCreate(kn: Kernel): number {
  const d = allocSlot(kn, kn.regions.fdt, FDT.WORDS, kn.cfg.limits.maxMms);
  if (d === 0) return -ENOMEM;
  kn.k.fill(0, kn.fd(d, 0), kn.fd(d, MAX_FDS));
  Atomics.store(kn.k, kn.fdt(d) + FDT.USERS, 1);
  return d;
}

/** A thread shares its creator's table. */
export function fdtShare(kn: Kernel, d: number): void {
  Atomics.add(kn.k, kn.fdt(d) + FDT.USERS, 1);
}

/** fork: a copy of the table; every open file gains a reference. Slot or -ENOMEM. */
export function fdtDup(kn: Kernel, d: number): number {
  const c = fdtCreate(kn);
  if (c < 0) return c;
  spinLock(kn.k, kn.fdt(d) + FDT.LOCK);
  for (let fd = 0; fd < MAX_FDS; fd++) {
    const f = kn.k[kn.fd(d, fd)];
    if (f > 0) Atomics.add(kn.k, kn.file(f) + FILE.REFS, 1);
    kn.k[kn.fd(c, fd)] = f > 0 ? f : 0; // an fd another thread's open has reserved stays in the parent
  }
  spinUnlock(kn.k, kn.fdt(d) + FDT.LOCK);
  return c;
}

/** A task stops using the table; the last one closes every fd. */
export function fdtPut(kn: Kernel, d: number): void {
  if (d === 0 || Atomics.sub(kn.k, kn.fdt(d) + FDT.USERS, 1) !== 1) return;
  for (let fd = 0; fd < MAX_FDS; fd++) {
    const f = kn.k[kn.fd(d, fd)];
    kn.k[kn.fd(d, fd)] = 0;
    if (f > 0) fput(kn, f);
  }
  freeSlot(kn, kn.regions.fdt, FDT.WORDS, d);
}

function taskFdt(kn: Kernel, t: number): number {
  return kn.k[kn.task(t) + TASK.FILES];
}

/** An fd slot taken by an open() that has not installed its file yet (invisible to every other call). */
const FD_RESERVED = -1;

/** get_unused_fd_flags: reserve the lowest free fd; the fd or -EMFILE. */
function fdReserve(kn: Kernel, t: number): number {
  const d = taskFdt(kn, t);
  spinLock(kn.k, kn.fdt(d) + FDT.LOCK);
  let fd = 0;
  while (fd < MAX_FDS && kn.k[kn.fd(d, fd)] !== 0) fd++;
  if (fd < MAX_FDS) kn.k[kn.fd(d, fd)] = FD_RESERVED;
  spinUnlock(kn.k, kn.fdt(d) + FDT.LOCK);
  return fd < MAX_FDS ? fd : -EMFILE;
}

/** fd_install (`f` > 0) into a reserved fd, or put_unused_fd (`f` 0). */
function fdInstall(kn: Kernel, t: number, fd: number, f: number): void {
  const d = taskFdt(kn, t);
  spinLock(kn.k, kn.fdt(d) + FDT.LOCK);
  kn.k[kn.fd(d, fd)] = f;
  spinUnlock(kn.k, kn.fdt(d) + FDT.LOCK);
}

/** fdget: the open file behind `fd` with a reference the caller drops with fput; 0 if none. */
function fdget(kn: Kernel, t: number, fd: number): number {
  if (!Number.isInteger(fd) || fd < 0 || fd >= MAX_FDS) return 0;
  const d = taskFdt(kn, t);
  spinLock(kn.k, kn.fdt(d) + FDT.LOCK);
  const f = Math.max(0, kn.k[kn.fd(d, fd)]);
  if (f !== 0) Atomics.add(kn.k, kn.file(f) + FILE.REFS, 1);
  spinUnlock(kn.k, kn.fdt(d) + FDT.LOCK);
  return f;
}

// ---------------------------------------------------------------------------------------------
// System calls

/**
 * The inode `name` links, created if absent and O_CREAT asks for it, with a reference for the
 * caller; -ENOENT, -EEXIST, or -ENOSPC when the inode table or the directory is full.
 */
function lookupOpen(kn: Kernel, name: Uint8Array, path: string, flags: number): number {
  spinLock(kn.k, KHDR.DIR_LOCK);
  const d = dLookup(kn, name);
  let ino: number;
  if (d !== 0) {
    ino = flags & O_CREAT && flags & O_EXCL ? -EEXIST : kn.k[kn.dentry(d) + DENTRY.INODE];
  } else if (!(flags & O_CREAT)) {
    ino = -ENOENT;
  } else {
    ino = inodeCreate(kn, path.startsWith(TMPFS_MOUNT) ? INODE_TMPFS : INODE_FILE, 0);
    const added = ino < 0 ? 0 : dAdd(kn, name, ino);
    if (added < 0) {
      inodePut(kn, ino);
      ino = added;
    }
  }
  if (ino > 0) inodeGetRef(kn, ino);
  spinUnlock(kn.k, KHDR.DIR_LOCK);
  return ino;
}

/**
 * do_sys_open: the new fd or -errno. As in Linux, the fd (EMFILE) and the open file (ENFILE) are
 * had before the name is looked up, so that running out of either creates no file.
 */
export function doOpen(kn: Kernel, t: number, path: string, flags: number, _mode: number): number {
  if ((flags & O_ACCMODE) === O_ACCMODE) return -EINVAL;
  const name = nameBytes(path);
  if (typeof name === 'number') return name;
  const fd = fdReserve(kn, t);
  if (fd < 0) return fd;
  const f = fileAlloc(kn);
  const ino = f < 0 ? f : lookupOpen(kn, name, path, flags);
  if (ino < 0) {
    if (f > 0) freeSlot(kn, kn.regions.file, FILE.WORDS, f);
    fdInstall(kn, t, fd, 0);
    return ino;
  }
  if (flags & O_TRUNC && (flags & O_ACCMODE) !== O_RDONLY) setSize(kn, ino, 0);
  fileInit(kn, f, ino, flags);
  fdInstall(kn, t, fd, f);
  return fd;
}

/** close(fd). */
export function doClose(kn: Kernel, t: number, fd: number): number {
  if (!Number.isInteger(fd) || fd < 0 || fd >= MAX_FDS) return -EBADF;
  const d = taskFdt(kn, t);
  spinLock(kn.k, kn.fdt(d) + FDT.LOCK);
  const f = kn.k[kn.fd(d, fd)];
  if (f > 0) kn.k[kn.fd(d, fd)] = 0;
  spinUnlock(kn.k, kn.fdt(d) + FDT.LOCK);
  if (f <= 0) return -EBADF;
  fput(kn, f);
  return 0;
}

/** unlink(path): the name goes; the file lives while it is open or mapped. */
export function doUnlink(kn: Kernel, path: string): number {
  const name = nameBytes(path);
  if (typeof name === 'number') return name;
  spinLock(kn.k, KHDR.DIR_LOCK);
  const d = dLookup(kn, name);
  const ino = d !== 0 ? kn.k[kn.dentry(d) + DENTRY.INODE] : 0;
  if (d !== 0) kn.k[kn.dentry(d) + DENTRY.STATE] = DENTRY_UNLINKED;
  spinUnlock(kn.k, KHDR.DIR_LOCK);
  if (d === 0) return -ENOENT;
  inodePut(kn, ino);
  return 0;
}

/** Run `fn` on the open file behind `fd` (with its inode's I_SEM held for write). */
function withFile<T>(kn: Kernel, t: number, fd: number, fn: (f: number, ino: number) => T): T | number {
  const f = fdget(kn, t, fd);
  if (f === 0) return -EBADF;
  const ino = kn.k[kn.file(f) + FILE.INODE];
  const sem = kn.inode(ino) + INODE.I_SEM;
  downWrite(kn.k, sem);
  try {
    return fn(f, ino);
  } finally {
    upWrite(kn.k, sem);
    fput(kn, f);
  }
}

/**
 * Copy between the page cache and `buf`, page by page; the bytes done, or the error of the first
 * page when none were: -ENOMEM (no page, or no index block), or for a write to a regular file
 * -ENOSPC (no disk block for a page that has none yet: allocated before the page is dirtied).
 */
function copyPages(kn: Kernel, t: number, ino: number, pos: number, buf: Uint8Array, toCache: boolean): number {
  const needsBlock = toCache && kn.k[kn.inode(ino) + INODE.KIND] === INODE_FILE;
  for (let done = 0; done < buf.length; ) {
    const at = pos + done;
    const off = at % PAGE_SIZE;
    const n = Math.min(PAGE_SIZE - off, buf.length - done);
    const index = (at - off) / PAGE_SIZE;
    const block = needsBlock ? fileMapBlock(kn, ino, index) : 0;
    const pfn = block < 0 ? block : filemapGetPage(kn, t, ino, index);
    if (pfn < 0) return done > 0 ? done : pfn;
    const nm = kn.pfnNode(pfn);
    const fo = frameOffset(nm, pfn) + off;
    if (toCache) {
      nm.bytes.set(buf.subarray(done, done + n), fo);
      markPageDirty(kn, pfn);
    } else {
      buf.set(nm.bytes.subarray(fo, fo + n), done);
    }
    putPage(kn, pfn);
    done += n;
  }
  return buf.length;
}

/** read / pread: up to `count` bytes from `offset` (null: the file position, which advances). */
export function doRead(kn: Kernel, t: number, fd: number, count: number, offset: number | null): Uint8Array | number {
  if (offset !== null && offset < 0) return -EINVAL;
  return withFile(kn, t, fd, (f, ino) => {
    const fb = kn.file(f);
    if ((kn.k[fb + FILE.FLAGS] & O_ACCMODE) === O_WRONLY) return -EBADF;
    const pos = offset ?? kn.k[fb + FILE.POS];
    const size = kn.k[kn.inode(ino) + INODE.SIZE];
    const out = new Uint8Array(Math.max(0, Math.min(count, size - pos)));
    if (out.length === 0) return out;
    const ra = { next: kn.k[fb + FILE.RA_NEXT], size: kn.k[fb + FILE.RA_SIZE] };
    pageCacheReadahead(kn, t, ino, Math.floor(pos / PAGE_SIZE), Math.floor((pos + out.length - 1) / PAGE_SIZE), ra);
    kn.k[fb + FILE.RA_NEXT] = ra.next;
    kn.k[fb + FILE.RA_SIZE] = ra.size;
    const n = copyPages(kn, t, ino, pos, out, false);
    if (n < 0) return n;
    if (offset === null) kn.k[fb + FILE.POS] = pos + n;
    return out.subarray(0, n);
  });
}

/** write / pwrite: `bytes` at `offset` (null: the file position, or the end with O_APPEND). */
export function doWrite(kn: Kernel, t: number, fd: number, bytes: Uint8Array, offset: number | null): number {
  if (offset !== null && offset < 0) return -EINVAL;
  return withFile(kn, t, fd, (f, ino) => {
    const fb = kn.file(f);
    const flags = kn.k[fb + FILE.FLAGS];
    if ((flags & O_ACCMODE) === O_RDONLY) return -EBADF;
    const ib = kn.inode(ino);
    const pos = offset ?? (flags & O_APPEND ? kn.k[ib + INODE.SIZE] : kn.k[fb + FILE.POS]);
    if (bytes.length === 0) return 0;
    if (pos >= MAX_FILE_SIZE) return -EFBIG;
    const n = copyPages(kn, t, ino, pos, bytes.subarray(0, Math.min(bytes.length, MAX_FILE_SIZE - pos)), true);
    if (n < 0) return n;
    kn.k[ib + INODE.SIZE] = Math.max(kn.k[ib + INODE.SIZE], pos + n);
    if (offset === null) kn.k[fb + FILE.POS] = pos + n;
    return n;
  });
}

/** Change a file's size (I_SEM held for write, or the file is not shared yet). */
function setSize(kn: Kernel, ino: number, size: number): void {
  if (size < kn.k[kn.inode(ino) + INODE.SIZE]) truncateInodePages(kn, ino, size);
  else kn.k[kn.inode(ino) + INODE.SIZE] = size;
}

/** ftruncate(fd, length). */
export function doFtruncate(kn: Kernel, t: number, fd: number, length: number): number {
  if (length < 0) return -EINVAL;
  const r = withFile(kn, t, fd, (f, ino) => {
    if ((kn.k[kn.file(f) + FILE.FLAGS] & O_ACCMODE) === O_RDONLY) return -EINVAL;
    if (length > MAX_FILE_SIZE) return -EFBIG;
    setSize(kn, ino, length);
    return 0;
  });
  return r;
}

/** fsync(fd): write back every dirty page. */
export function doFsync(kn: Kernel, t: number, fd: number): number {
  return withFile(kn, t, fd, (_f, ino) => filemapWriteAndWait(kn, ino));
}

/**
 * The inode an mmap of `fd` maps, with the access checks of do_mmap: the file must be open for
 * reading, and for writing too when a shared mapping may be written. Returns the inode with a
 * reference the caller drops (inodePut) once the mapping holds its own, or -errno.
 */
export function mmapFileInode(kn: Kernel, t: number, fd: number, prot: number, flags: number): number {
  const f = fdget(kn, t, fd);
  if (f === 0) return -EBADF;
  const acc = kn.k[kn.file(f) + FILE.FLAGS] & O_ACCMODE;
  const ino = kn.k[kn.file(f) + FILE.INODE];
  let err = 0;
  if (acc === O_WRONLY) err = -EACCES;
  else if ((flags & MAP_TYPE) === MAP_SHARED && prot & PROT_WRITE && acc !== O_RDWR) err = -EACCES;
  else inodeGetRef(kn, ino);
  fput(kn, f);
  return err < 0 ? err : ino;
}

/** The path of a file inode, with " (deleted)" once unlinked (d_path). */
export function inodePathname(kn: Kernel, ino: number): string {
  const d = kn.k[kn.inode(ino) + INODE.DENTRY];
  const name = new TextDecoder().decode(new Uint8Array(kn.k.buffer, kn.name(d) * 4, kn.k[kn.dentry(d) + DENTRY.LEN]).slice());
  return kn.k[kn.dentry(d) + DENTRY.STATE] === DENTRY_UNLINKED ? `${name} (deleted)` : name;
}

/** Free the unlinked directory entry of a dying file inode. */
export function releaseDentry(kn: Kernel, ino: number): void {
  const d = kn.k[kn.inode(ino) + INODE.DENTRY];
  if (d !== 0) freeSlot(kn, kn.regions.dentry, DENTRY.WORDS, d);
}
