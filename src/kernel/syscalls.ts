/**
 * The system-call entry: what a task's code calls, synchronously, inside the task's own worker.
 *
 * Each method decodes its arguments as the C ABI passes them (syscall-args.ts), calls the
 * kernel* / do* layers, and turns a negative return into a thrown Node-style system error. Memory
 * accesses (load, store, touch) are not system calls but page faults: a fault that fails throws
 * EFAULT with signal SIGSEGV (no mapping, or the protection forbids the access) or ENOMEM (the
 * emulated OOM: no page the policy allows is free); a page past the end of a file or segment is
 * EFAULT with signal SIGBUS.
 */
import { MM, TASK } from '../shm/structs.js';
import { EACCES, EBUSY, EFAULT, EINVAL, EIO, ENOSPC, type SystemError, systemError } from './errno.js';
import { type Kernel } from './kernel.js';
import { type AccessFault, userLoad, userStore, userTouch } from './memory.js';
import { kernelGetMempolicy, kernelMbind, kernelSetMempolicy } from './mempolicy-syscalls.js';
import { doMmap, doMunmap } from './mmap.js';
import { readKernelFile, writeKernelFile } from './procfs.js';
import { argTypeError, bytesArg, intArg, intsArg, lengthArg, loffArg, nodemaskArg, outIntsArg, pointersArg, ulongArg } from './syscall-args.js';
import { kernelMigratePages, kernelMovePages } from './migrate-syscalls.js';
import { MAP_ANONYMOUS, PAGE_SIZE } from './constants.js';
import { execMm, exitTask, setAffinity, threadGroupSize } from './task.js';
import { doClose, doFsync, doFtruncate, doOpen, doRead, doUnlink, doWrite, mmapFileInode } from './fs.js';
import { inodePut } from './inode.js';
import { type ShmidDs, doShmat, kernelShmctl, kernelShmdt, kernelShmget } from './ipc-shm.js';
import { findVma, vmaCount, vmaGet } from './vma.js';
import { downRead, upRead } from '../shm/rwsem.js';
import { VMA } from '../shm/structs.js';
import { sitePoint } from '../sched/preempt.js';
import { SITE } from './sites.js';
import { checkAlive, kernelOops } from './oops.js';

/** get_mempolicy's results: `*mode` (a node number with MPOL_F_NODE) and the mask (null if none was asked for). */
export interface GetMempolicyResult {
  mode: number;
  nodemask: bigint | null;
}

/**
 * Internal, for benchmarks and white-box tests running inside a task worker: the kernel view and
 * task slot behind a `Sys`. Not part of the public interface (not exported by index.ts).
 */
export function kernelOf(sys: Sys): { kn: Kernel; slot: number } {
  return { kn: sys['kn'], slot: sys.slot };
}

function check(err: number, syscall: string): void {
  if (err < 0) throw systemError(err, syscall);
}

function faultError(f: AccessFault, what: string): SystemError {
  const where = `0x${f.addr.toString(16)}`;
  if (f.err === -EFAULT || f.err === -EACCES) return systemError(EFAULT, what, { signal: 'SIGSEGV', detail: `SIGSEGV at ${where}` });
  if (f.err === -EIO) return systemError(EFAULT, what, { signal: 'SIGBUS', detail: `SIGBUS at ${where}: past the end of the mapped object` });
  if (f.err === -ENOSPC) return systemError(EFAULT, what, { signal: 'SIGBUS', detail: `SIGBUS at ${where}: no space left on the device for the file page` });
  return systemError(f.err, what, { detail: `out of memory the policy allows, fault at ${where}` });
}

/**
 * The synchronous system-call interface of one task: the first argument of a function started
 * with `task.run()`, inside the task's own worker. Calls keep their C names (camelCase) and C
 * argument order; a failing call throws a Node-style error: an Error with `code` ('EINVAL', ...),
 * `errno` (negative) and `syscall`. Integers may be numbers or bigints; negative ones wrap to
 * unsigned as in C.
 */
export class Sys {
  /** @internal the last mask get_mempolicy returned, as words and as a bigint */
  private lastMaskLo = 0;
  /** @internal */
  private lastMaskHi = 0;
  /** @internal */
  private lastMask = 0n;

  /** @internal */
  constructor(
    /** @internal */
    private readonly kn: Kernel,
    /** @internal The task's slot in the kernel's task table. */
    readonly slot: number,
  ) {}

  /** `pid_t getpid(void)`: the process id (the thread group id). Never fails. */
  getpid(): number {
    return this.kn.k[this.kn.task(this.slot) + TASK.TGID];
  }

  /** `pid_t gettid(void)`: this task's (thread's) id. Never fails. */
  gettid(): number {
    return this.kn.k[this.kn.task(this.slot) + TASK.TID];
  }

  /**
   * `int sched_yield(void)`: give up the CPU. Under the race engine it is a preemption point (site
   * `sched_yield`) that a program may place between two steps of its own; otherwise it does
   * nothing (every task has a CPU of its own). Never fails.
   */
  schedYield(): void {
    sitePoint(SITE.sched_yield);
  }

  /**
   * `void _exit(int status)` for this task alone: it ends now (its policy and its hold on the mm
   * are dropped, its slot freed). For a program run with task.run or by the race engine: after
   * it, the program must return without another call. (From the main thread, use Process.exit().)
   * Never fails.
   */
  exit(): void {
    exitTask(this.kn, this.slot);
  }

  /**
   * `int execve(...)`, as far as memory policy sees it: the process gets a new, empty address space
   * (its VMA policies go with the old one); the task policy stays. Inside a task, only a process
   * with no other thread may do it here; from the main thread, Task.exec() ends the other threads
   * first.
   * @throws EBUSY (other threads share the address space), ENOMEM (no mm slot left).
   */
  execve(): void {
    if (threadGroupSize(this.kn, this.getpid()) > 1) throw systemError(EBUSY, 'execve', { detail: 'other threads share the address space' });
    check(execMm(this.kn, this.slot), 'execve');
  }

  /** `int getcpu(unsigned *cpu, unsigned *node)`: the CPU this task runs on and that CPU's node. Never fails. */
  getcpu(): { cpu: number; node: number } {
    const cpu = Atomics.load(this.kn.k, this.kn.task(this.slot) + TASK.CPU);
    return { cpu, node: this.kn.cpuNode[cpu] };
  }

  /**
   * `long set_mempolicy(int mode, const unsigned long *nodemask, unsigned long maxnode)`: set the
   * task's (process) policy, used for allocations outside VMAs with a policy of their own.
   * @param mode - MPOL_DEFAULT, MPOL_PREFERRED, MPOL_BIND, MPOL_INTERLEAVE, MPOL_LOCAL,
   *   MPOL_PREFERRED_MANY, MPOL_WEIGHTED_INTERLEAVE (as the profile has them), or-ed with
   *   MPOL_F_STATIC_NODES, MPOL_F_RELATIVE_NODES or MPOL_F_NUMA_BALANCING.
   * @param nodemask - the node bits (a bigint; null or omitted for a NULL pointer).
   * @param maxnode - how many bits the kernel reads, plus one (maxnode - 1 bits are read).
   * @throws EINVAL (bad mode or flags, an empty or foreign mask where one is needed, maxnode
   *   above a page of bits, mask bits set beyond MAX_NUMNODES, a mode or flag the profile
   *   lacks), ENOMEM (the policy slab is full);
   *   TypeError ERR_INVALID_ARG_TYPE for a value no C caller could pass.
   */
  setMempolicy(mode: number, nodemask?: bigint | number | null, maxnode: number | bigint = 0): void {
    const n = 'set_mempolicy';
    check(kernelSetMempolicy(this.kn, this.slot, intArg(n, 'mode', mode), nodemaskArg(n, nodemask), ulongArg(n, 'maxnode', maxnode)), n);
  }

  /**
   * `long get_mempolicy(int *mode, unsigned long *nodemask, unsigned long maxnode, void *addr,
   * unsigned long flags)`: the task policy, the policy at `addr` (MPOL_F_ADDR), the node of the
   * page at `addr` (MPOL_F_ADDR | MPOL_F_NODE), the next interleave node (MPOL_F_NODE), or the
   * allowed nodes (MPOL_F_MEMS_ALLOWED).
   * @param maxnode - bits of the mask to return, plus one; null (or omitted) passes a NULL mask
   *   pointer, and `nodemask` in the result is then null.
   * @param addr - an address in a mapping (with MPOL_F_ADDR), else 0.
   * @param flags - MPOL_F_NODE, MPOL_F_ADDR, MPOL_F_MEMS_ALLOWED.
   * @returns `mode` (with its mode flags; the node number when MPOL_F_NODE asks for one) and the mask.
   * @throws EINVAL (unknown flags, maxnode below the kernel's node count, MPOL_F_NODE without an
   *   interleaving task policy, an address with no flags), EFAULT (MPOL_F_ADDR on an unmapped
   *   address); TypeError ERR_INVALID_ARG_TYPE for a value no C caller could pass.
   */
  getMempolicy(maxnode: number | bigint | null = null, addr: number | bigint = 0, flags: number | bigint = 0): GetMempolicyResult {
    const n = 'get_mempolicy';
    const max = maxnode === null || maxnode === undefined ? null : ulongArg(n, 'maxnode', maxnode);
    const r = kernelGetMempolicy(this.kn, this.slot, max, ulongArg(n, 'addr', addr), ulongArg(n, 'flags', flags));
    if (typeof r === 'number') throw systemError(r, n);
    return { mode: r.mode, nodemask: r.mask === null ? null : this.maskBigint(r.mask.lo, r.mask.hi) };
  }

  /**
   * `long mbind(void *addr, unsigned long len, int mode, const unsigned long *nodemask, unsigned
   * long maxnode, unsigned flags)`: set the policy of the VMAs (or the shared policy of the object)
   * covering [addr, addr + len), splitting VMAs at the edges.
   * @param addr - page-aligned start.
   * @param len - length in bytes (rounded up to pages).
   * @param mode - an MPOL_* mode with optional mode flags, as for setMempolicy.
   * @param nodemask - node bits (null for a NULL pointer).
   * @param maxnode - bits read, plus one.
   * @param flags - MPOL_MF_STRICT, MPOL_MF_MOVE, MPOL_MF_MOVE_ALL (as the profile has them).
   * @throws EINVAL (unaligned addr, bad mode, flags or mask), EFAULT (part of the range is not
   *   mapped), EIO (MPOL_MF_STRICT and a page already sits on a node the policy forbids), EPERM
   *   (MPOL_MF_MOVE_ALL without CAP_SYS_NICE), ENOMEM; TypeError ERR_INVALID_ARG_TYPE.
   */
  mbind(addr: number | bigint, len: number | bigint, mode: number | bigint, nodemask: bigint | number | null | undefined, maxnode: number | bigint, flags: number | bigint = 0): void {
    const n = 'mbind';
    const err = kernelMbind(
      this.kn,
      this.slot,
      ulongArg(n, 'addr', addr),
      ulongArg(n, 'len', len),
      intArg(n, 'mode', mode),
      nodemaskArg(n, nodemask),
      ulongArg(n, 'maxnode', maxnode),
      intArg(n, 'flags', flags) >>> 0,
    );
    check(err, n);
  }

  /**
   * `long migrate_pages(int pid, unsigned long maxnode, const unsigned long *old_nodes, const unsigned long *new_nodes)`:
   * move the pages of process `pid` (0: this one) that sit on nodes of `old_nodes` to the nodes of
   * `new_nodes` at the same rank (do_migrate_pages' remapping: no page moves twice). The range
   * policies stay as they are.
   * @returns how many pages could not be moved.
   * @throws ESRCH (no such process), EPERM (another user's process without the capability the
   *   profile asks for), EINVAL (bad maxnode, an empty or memoryless target set), ENOSYS (a profile
   *   without migrate_pages); TypeError ERR_INVALID_ARG_TYPE.
   */
  migratePages(pid: number, maxnode: number | bigint, oldNodes: bigint | number | null | undefined, newNodes: bigint | number | null | undefined): number {
    const n = 'migrate_pages';
    const r = kernelMigratePages(this.kn, this.slot, intArg(n, 'pid', pid), ulongArg(n, 'maxnode', maxnode), nodemaskArg(n, oldNodes, 'old_nodes'), nodemaskArg(n, newNodes, 'new_nodes'));
    check(r, n);
    return r;
  }

  /**
   * `long move_pages(int pid, unsigned long count, void **pages, const int *nodes, int *status, int flags)`:
   * with `nodes` null, fill `status` with the node of each page (or -ENOENT, -EFAULT); else move
   * each page to its node and fill `status` with where it now is or why it did not move (-EACCES,
   * -EBUSY, -ENOMEM, -ENOENT, -EFAULT). `status` is an Int32Array (or array) of at least `count`
   * entries, filled in place.
   * @returns how many pages were not moved.
   * @throws ESRCH, EPERM (as migrate_pages; MPOL_MF_MOVE_ALL without the capability), EINVAL (bad
   *   flags), ENODEV (a target node that is not a memory node: the pages before it have moved),
   *   E2BIG (a count past the profile's limit), ENOSYS; TypeError ERR_INVALID_ARG_TYPE.
   */
  movePages(pid: number, count: number | bigint, pages: ArrayLike<number | bigint> | null, nodes: ArrayLike<number> | null, status: Int32Array | number[] | null, flags: number | bigint = 0): number {
    const n = 'move_pages';
    const args = { pages: pointersArg(n, 'pages', pages), nodes: intsArg(n, 'nodes', nodes), status: outIntsArg(n, 'status', status) };
    const r = kernelMovePages(this.kn, this.slot, intArg(n, 'pid', pid), ulongArg(n, 'count', count), args, intArg(n, 'flags', flags));
    check(r, n);
    return r;
  }

  /**
   * `void *mmap(void *addr, size_t length, int prot, int flags, int fd, off_t offset)`: map
   * anonymous memory (MAP_ANONYMOUS), shared memory (MAP_SHARED | MAP_ANONYMOUS) or a file.
   * @param addr - a hint, or the exact place with MAP_FIXED / MAP_FIXED_NOREPLACE.
   * @param prot - PROT_READ | PROT_WRITE | PROT_EXEC, or PROT_NONE.
   * @param flags - MAP_PRIVATE or MAP_SHARED, with MAP_ANONYMOUS, MAP_FIXED, ...
   * @param fd - the file for a file mapping (-1 for anonymous).
   * @param offset - page-aligned offset in the file.
   * @returns the address of the mapping.
   * @throws EINVAL (zero length, unaligned offset or fixed address, neither private nor shared),
   *   ENOMEM (no room in the address space, too many VMAs), EEXIST (MAP_FIXED_NOREPLACE over a
   *   mapping), EBADF / EACCES (a file mapping with a bad fd or an fd opened without the access
   *   `prot` needs), EOVERFLOW; TypeError ERR_INVALID_ARG_TYPE.
   */
  mmap(addr: number | bigint, length: number | bigint, prot: number, flags: number, fd = -1, offset: number | bigint = 0): number {
    const n = 'mmap';
    const a = ulongArg(n, 'addr', addr);
    const len = ulongArg(n, 'length', length);
    const p = intArg(n, 'prot', prot);
    const f = intArg(n, 'flags', flags);
    intArg(n, 'fd', fd);
    const off = ulongArg(n, 'offset', offset);
    if (off % PAGE_SIZE !== 0) throw systemError(EINVAL, n);
    const ino = f & MAP_ANONYMOUS ? 0 : mmapFileInode(this.kn, this.slot, fd, p, f);
    check(ino, n);
    const r = doMmap(this.kn, this.slot, this.mm(), a, len, p, f, off / PAGE_SIZE, ino);
    if (ino !== 0) inodePut(this.kn, ino);
    check(r, n);
    return r;
  }

  /**
   * `int munmap(void *addr, size_t length)`: unmap [addr, addr + length); pages, policies and
   * object references of the range go.
   * @throws EINVAL (unaligned addr, zero length, a range outside the address space), ENOMEM (a
   *   split would pass the VMA limit); TypeError ERR_INVALID_ARG_TYPE.
   */
  munmap(addr: number | bigint, length: number | bigint): void {
    const n = 'munmap';
    check(doMunmap(this.kn, this.mm(), ulongArg(n, 'addr', addr), ulongArg(n, 'length', length)), n);
  }

  /**
   * Read `length` bytes of emulated memory at `addr` (a user-space load: faults pages in under
   * their policy).
   * @throws EFAULT with `signal: 'SIGSEGV'` (unmapped or not readable), EFAULT with `signal:
   *   'SIGBUS'` (past the end of the mapped object), ENOMEM (no page the policy allows: the
   *   emulated OOM); TypeError ERR_INVALID_ARG_TYPE.
   */
  load(addr: number | bigint, length: number): Uint8Array {
    const a = ulongArg('load', 'addr', addr);
    const len = lengthArg('load', length);
    if (!this.covered(a, len)) throw faultError({ err: -EFAULT, addr: a }, 'load');
    const out = new Uint8Array(len);
    const f = userLoad(this.kn, this.slot, a, out);
    if (f) throw faultError(f, 'load');
    return out;
  }

  /**
   * Write `bytes` into emulated memory at `addr` (a user-space store: faults pages in, breaks
   * copy-on-write).
   * @throws EFAULT with `signal: 'SIGSEGV'` (unmapped or not writable) or `'SIGBUS'` (past the
   *   end of the object), ENOMEM (the emulated OOM); TypeError ERR_INVALID_ARG_TYPE.
   */
  store(addr: number | bigint, bytes: ArrayBufferView): void {
    const f = userStore(this.kn, this.slot, ulongArg('store', 'addr', addr), bytesArg('store', bytes));
    if (f) throw faultError(f, 'store');
  }

  /**
   * Fault every page of [addr, addr + len) for reading or writing, leaving the bytes as they are
   * (what a program touching its memory does; a read of untouched anonymous memory maps the zero page).
   * @param kind - 'read' or 'write' (default).
   * @throws EFAULT with `signal` 'SIGSEGV' or 'SIGBUS', ENOMEM (the emulated OOM); TypeError ERR_INVALID_ARG_TYPE.
   */
  touch(addr: number | bigint, len: number | bigint, kind: 'read' | 'write' = 'write'): void {
    if (kind !== 'read' && kind !== 'write') throw argTypeError('touch', 'kind', "'read' or 'write'", kind);
    const a = ulongArg('touch', 'addr', addr);
    const l = ulongArg('touch', 'len', len);
    const start = a - (a % PAGE_SIZE);
    const f = userTouch(this.kn, this.slot, start, Math.ceil((a + l) / PAGE_SIZE) * PAGE_SIZE - start, kind === 'write');
    if (f) throw faultError(f, 'touch');
  }

  /**
   * `int shmget(key_t key, size_t size, int shmflg)`: the id of the SysV segment for `key`,
   * created with IPC_CREAT (IPC_PRIVATE always creates).
   * @param shmflg - IPC_CREAT, IPC_EXCL, and the permission bits (0o600).
   * @throws ENOENT (no segment and no IPC_CREAT), EEXIST (IPC_CREAT | IPC_EXCL and it exists),
   *   EINVAL (size 0, above SHMMAX, or above the existing segment's size), EACCES (permissions),
   *   ENOMEM; TypeError ERR_INVALID_ARG_TYPE.
   */
  shmget(key: number, size: number | bigint, shmflg: number): number {
    const n = 'shmget';
    const r = kernelShmget(this.kn, this.slot, intArg(n, 'key', key), ulongArg(n, 'size', size), intArg(n, 'shmflg', shmflg));
    check(r, n);
    return r;
  }

  /**
   * `void *shmat(int shmid, const void *shmaddr, int shmflg)`: attach the segment; returns the address.
   * @param shmaddr - null to let the kernel choose, else an address (rounded with SHM_RND).
   * @param shmflg - SHM_RDONLY, SHM_RND, SHM_REMAP.
   * @throws EINVAL (bad id, unaligned shmaddr without SHM_RND, SHM_REMAP without an address),
   *   EACCES (permissions), ENOMEM (no room); TypeError ERR_INVALID_ARG_TYPE.
   */
  shmat(shmid: number, shmaddr: number | bigint | null, shmflg = 0): number {
    const n = 'shmat';
    const r = doShmat(this.kn, this.slot, intArg(n, 'shmid', shmid), shmaddr === null ? 0 : ulongArg(n, 'shmaddr', shmaddr), intArg(n, 'shmflg', shmflg));
    check(r, n);
    return r;
  }

  /**
   * `int shmdt(const void *shmaddr)`: detach the segment attached at `shmaddr`; the last detach
   * of a segment marked for removal destroys it.
   * @throws EINVAL (no segment attached there, an unaligned address); TypeError ERR_INVALID_ARG_TYPE.
   */
  shmdt(shmaddr: number | bigint): void {
    check(kernelShmdt(this.kn, this.slot, ulongArg('shmdt', 'shmaddr', shmaddr)), 'shmdt');
  }

  /**
   * `int shmctl(int shmid, int cmd, struct shmid_ds *buf)` for IPC_STAT (returns the shmid_ds
   * fields) and IPC_RMID (marks the segment for removal; returns null).
   * @throws EINVAL (bad id or cmd), EACCES (IPC_STAT without read permission), EPERM (IPC_RMID by
   *   neither the owner, the creator nor root); TypeError ERR_INVALID_ARG_TYPE.
   */
  shmctl(shmid: number, cmd: number): ShmidDs | null {
    const n = 'shmctl';
    const r = kernelShmctl(this.kn, this.slot, intArg(n, 'shmid', shmid), intArg(n, 'cmd', cmd));
    if (typeof r === 'number') {
      check(r, n);
      return null;
    }
    return r;
  }

  /**
   * `int open(const char *path, int flags, mode_t mode)`: a file descriptor. The namespace is flat
   * (a path is a name); paths under /dev/shm/ are tmpfs files.
   * @param flags - O_RDONLY, O_WRONLY or O_RDWR, with O_CREAT, O_EXCL, O_TRUNC, O_APPEND.
   * @param mode - permission bits of a created file (default 0o644).
   * @throws ENOENT (no such file without O_CREAT, an empty path), EEXIST (O_CREAT | O_EXCL and it
   *   exists), EINVAL (bad access mode), ENAMETOOLONG, EMFILE (the process's fd table is full),
   *   ENFILE / ENOMEM (the machine's file tables are full); TypeError ERR_INVALID_ARG_TYPE.
   */
  open(path: string, flags: number, mode = 0o644): number {
    if (typeof path !== 'string') throw argTypeError('open', 'path', 'a string', path);
    const r = doOpen(this.kn, this.slot, path, intArg('open', 'flags', flags), intArg('open', 'mode', mode));
    check(r, 'open');
    return r;
  }

  /** `int close(int fd)`. @throws EBADF (not an open fd); TypeError ERR_INVALID_ARG_TYPE. */
  close(fd: number): void {
    check(doClose(this.kn, this.slot, intArg('close', 'fd', fd)), 'close');
  }

  /**
   * `ssize_t read(int fd, void *buf, size_t count)`: the bytes read from the file position (fewer
   * at the end of the file), which advances. Sequential reads bring a readahead window in.
   * @throws EBADF (bad fd, or opened write-only), ENOMEM (no page the task's policy allows); TypeError ERR_INVALID_ARG_TYPE.
   */
  read(fd: number, count: number): Uint8Array {
    return this.readAt('read', fd, count, null);
  }

  /**
   * `ssize_t pread(int fd, void *buf, size_t count, off_t offset)`: read at `offset`, leaving the position.
   * @throws EBADF, EINVAL (negative offset), ENOMEM; TypeError ERR_INVALID_ARG_TYPE.
   */
  pread(fd: number, count: number, offset: number | bigint): Uint8Array {
    return this.readAt('pread64', fd, count, offset);
  }

  /**
   * `ssize_t write(int fd, const void *buf, size_t count)`: write at the file position (at the
   * end with O_APPEND); returns the number of bytes written.
   * @throws EBADF (bad fd, or opened read-only), EFBIG (past the largest file), ENOMEM; TypeError ERR_INVALID_ARG_TYPE.
   */
  write(fd: number, bytes: ArrayBufferView): number {
    return this.writeAt('write', fd, bytes, null);
  }

  /**
   * `ssize_t pwrite(int fd, const void *buf, size_t count, off_t offset)`: write at `offset`,
   * leaving the position. @throws EBADF, EINVAL (negative offset), EFBIG, ENOMEM; TypeError ERR_INVALID_ARG_TYPE.
   */
  pwrite(fd: number, bytes: ArrayBufferView, offset: number | bigint): number {
    return this.writeAt('pwrite64', fd, bytes, offset);
  }

  /**
   * `int ftruncate(int fd, off_t length)`: cut or extend the file; pages past the end leave the
   * page cache and every mapping. @throws EBADF, EINVAL (negative length, or the fd is read-only),
   * EFBIG; TypeError ERR_INVALID_ARG_TYPE.
   */
  ftruncate(fd: number, length: number | bigint): void {
    check(doFtruncate(this.kn, this.slot, intArg('ftruncate', 'fd', fd), loffArg('ftruncate', 'length', length)), 'ftruncate');
  }

  /** `int fsync(int fd)`: write the file's dirty pages to disk. @throws EBADF, ENOSPC (the disk is full); TypeError ERR_INVALID_ARG_TYPE. */
  fsync(fd: number): void {
    check(doFsync(this.kn, this.slot, intArg('fsync', 'fd', fd)), 'fsync');
  }

  /**
   * `int unlink(const char *path)`: remove the name; the file lives on while it is open or mapped.
   * @throws ENOENT (no such file); TypeError ERR_INVALID_ARG_TYPE.
   */
  unlink(path: string): void {
    if (typeof path !== 'string') throw argTypeError('unlink', 'path', 'a string', path);
    check(doUnlink(this.kn, path), 'unlink');
  }

  /** @internal */
  private readAt(n: string, fd: number, count: number, offset: number | bigint | null): Uint8Array {
    const r = doRead(this.kn, this.slot, intArg(n, 'fd', fd), ulongArg(n, 'count', count), offset === null ? null : loffArg(n, 'offset', offset));
    if (typeof r === 'number') throw systemError(r, n);
    return r;
  }

  /** @internal */
  private writeAt(n: string, fd: number, bytes: ArrayBufferView, offset: number | bigint | null): number {
    const r = doWrite(this.kn, this.slot, intArg(n, 'fd', fd), bytesArg(n, bytes), offset === null ? null : loffArg(n, 'offset', offset));
    check(r, n);
    return r;
  }

  /**
   * `sched_setaffinity(0, ...)` to the single CPU `cpu`: the task moves there, and local
   * allocation follows it. @throws EINVAL (a CPU the machine lacks); TypeError ERR_INVALID_ARG_TYPE.
   */
  setAffinity(cpu: number): void {
    check(setAffinity(this.kn, this.slot, cpu), 'sched_setaffinity');
  }

  /**
   * Read a kernel file (open, read, close): /proc/<pid>/numa_maps, /proc/self/numa_maps,
   * /proc/vmstat, /proc/meminfo, /sys/devices/system/node/..., the weighted-interleave weights.
   * @throws ENOENT (no such file, or numa_maps in a kernel before 2.6.14); TypeError ERR_INVALID_ARG_TYPE.
   */
  readFile(path: string): string {
    if (typeof path !== 'string') throw argTypeError('open', 'path', 'a string', path);
    const r = readKernelFile(this.kn, path, this.gettid());
    if (typeof r === 'number') throw systemError(r, 'open', { detail: path });
    return r;
  }

  /**
   * Write a kernel file as `echo data > path` would: /sys/kernel/mm/mempolicy/weighted_interleave/node<N>
   * takes a weight 1..255 (0 or '' restores the default, 1).
   * @throws EACCES (the task is not root, or the file is read-only), ENOENT (no such file: the
   *   profile lacks weighted interleave, or no node N), EINVAL (a value the file refuses); TypeError ERR_INVALID_ARG_TYPE.
   */
  writeFile(path: string, data: string): void {
    if (typeof path !== 'string') throw argTypeError('open', 'path', 'a string', path);
    if (typeof data !== 'string') throw argTypeError('write', 'data', 'a string', data);
    const euid = this.kn.k[this.kn.task(this.slot) + TASK.EUID];
    check(writeKernelFile(this.kn, path, data, euid), 'write');
  }

  /** @internal */
  private mm(): number {
    return this.kn.k[this.kn.task(this.slot) + TASK.MM];
  }

  /** @internal True when [addr, addr + len) lies inside mappings (checked before allocating a result buffer). */
  private covered(addr: number, len: number): boolean {
    if (len === 0) return true;
    const m = this.mm();
    const sem = this.kn.mm(m) + MM.SEM;
    downRead(this.kn.k, sem);
    let at = addr;
    for (let i = findVma(this.kn, m, addr); i >= 0 && i < vmaCount(this.kn, m) && at < addr + len; i++) {
      if (vmaGet(this.kn, m, i, VMA.START) > at) break;
      at = vmaGet(this.kn, m, i, VMA.END);
    }
    upRead(this.kn.k, sem);
    return at >= addr + len;
  }

  /** @internal The mask as a bigint, reusing the last one when the bits are the same (bigints cost). */
  private maskBigint(lo: number, hi: number): bigint {
    if (lo !== this.lastMaskLo || hi !== this.lastMaskHi || (lo === 0 && hi === 0)) {
      this.lastMaskLo = lo;
      this.lastMaskHi = hi;
      this.lastMask = (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
    }
    return this.lastMask;
  }
}

/** Methods of Sys that serve the others and are no entries into the kernel. */
const HELPERS = new Set(['constructor', 'mm', 'covered', 'maskBigint']);

/**
 * Every system call is an entry into the kernel, guarded once here so that each method keeps its
 * body and its documentation: a call of a task that oopsed holding locks is refused, and an
 * exception that unwinds a call is dealt with as an oops (oops.ts). The guard costs a try block
 * and the test of one variable per call.
 */
for (const name of Object.getOwnPropertyNames(Sys.prototype)) {
  const d = Object.getOwnPropertyDescriptor(Sys.prototype, name)!;
  if (HELPERS.has(name) || typeof d.value !== 'function') continue;
  const body = d.value as (...a: unknown[]) => unknown;
  const where = `${name}()`;
  // A method named like the call, so that stacks read `Sys.touch`.
  const entry = {
    [name](this: Sys): unknown {
      checkAlive(where);
      try {
        // eslint-disable-next-line prefer-rest-params
        return body.apply(this, arguments as unknown as unknown[]);
      } catch (e) {
        throw kernelOops(this['kn'], where, e);
      }
    },
  }[name];
  Object.defineProperty(Sys.prototype, name, { ...d, value: entry });
}
