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
import { EACCES, EFAULT, EINVAL, EIO, ENOSPC, type SystemError, systemError } from './errno.js';
import { type Kernel } from './kernel.js';
import { type AccessFault, userLoad, userStore, userTouch } from './memory.js';
import { kernelGetMempolicy, kernelMbind, kernelSetMempolicy } from './mempolicy-syscalls.js';
import { doMmap, doMunmap } from './mmap.js';
import { readKernelFile } from './procfs.js';
import { argTypeError, bytesArg, intArg, lengthArg, loffArg, nodemaskArg, ulongArg } from './syscall-args.js';
import { MAP_ANONYMOUS, PAGE_SIZE } from './constants.js';
import { setAffinity } from './task.js';
import { doClose, doFsync, doFtruncate, doOpen, doRead, doUnlink, doWrite, mmapFileInode } from './fs.js';
import { inodePut } from './inode.js';
import { type ShmidDs, doShmat, kernelShmctl, kernelShmdt, kernelShmget } from './ipc-shm.js';
import { findVma, vmaCount, vmaGet } from './vma.js';
import { downRead, upRead } from '../shm/rwsem.js';
import { VMA } from '../shm/structs.js';

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
 * The synchronous system-call interface of one task. Obtained inside a task worker as the first
 * argument of a function started with `task.run()`.
 */
export class Sys {
  private lastMaskLo = 0;
  private lastMaskHi = 0;
  private lastMask = 0n;

  constructor(
    private readonly kn: Kernel,
    /** The task's slot in the kernel's task table. */
    readonly slot: number,
  ) {}

  /** getpid(): the process id (thread group id). */
  getpid(): number {
    return this.kn.k[this.kn.task(this.slot) + TASK.TGID];
  }

  /** gettid(): this task's id. */
  gettid(): number {
    return this.kn.k[this.kn.task(this.slot) + TASK.TID];
  }

  /** getcpu(): the CPU this task runs on and its node. */
  getcpu(): { cpu: number; node: number } {
    const cpu = Atomics.load(this.kn.k, this.kn.task(this.slot) + TASK.CPU);
    return { cpu, node: this.kn.cpuNode[cpu] };
  }

  /** set_mempolicy(mode, nodemask, maxnode). */
  setMempolicy(mode: number, nodemask?: bigint | number | null, maxnode: number | bigint = 0): void {
    const n = 'set_mempolicy';
    check(kernelSetMempolicy(this.kn, this.slot, intArg(n, 'mode', mode), nodemaskArg(n, nodemask), ulongArg(n, 'maxnode', maxnode)), n);
  }

  /**
   * get_mempolicy(&mode, nodemask, maxnode, addr, flags). `maxnode` null (or omitted) passes a
   * NULL mask pointer; then `nodemask` in the result is null.
   */
  getMempolicy(maxnode: number | bigint | null = null, addr: number | bigint = 0, flags: number | bigint = 0): GetMempolicyResult {
    const n = 'get_mempolicy';
    const max = maxnode === null || maxnode === undefined ? null : ulongArg(n, 'maxnode', maxnode);
    const r = kernelGetMempolicy(this.kn, this.slot, max, ulongArg(n, 'addr', addr), ulongArg(n, 'flags', flags));
    if (typeof r === 'number') throw systemError(r, n);
    return { mode: r.mode, nodemask: r.mask === null ? null : this.maskBigint(r.mask.lo, r.mask.hi) };
  }

  /** mbind(addr, len, mode, nodemask, maxnode, flags). */
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

  /** mmap(addr, length, prot, flags, fd, offset): anonymous mappings; returns the address. */
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

  /** munmap(addr, length). */
  munmap(addr: number | bigint, length: number | bigint): void {
    const n = 'munmap';
    check(doMunmap(this.kn, this.mm(), ulongArg(n, 'addr', addr), ulongArg(n, 'length', length)), n);
  }

  /** Read `length` bytes of emulated memory at `addr`. */
  load(addr: number | bigint, length: number): Uint8Array {
    const a = ulongArg('load', 'addr', addr);
    const len = lengthArg('load', length);
    if (!this.covered(a, len)) throw faultError({ err: -EFAULT, addr: a }, 'load');
    const out = new Uint8Array(len);
    const f = userLoad(this.kn, this.slot, a, out);
    if (f) throw faultError(f, 'load');
    return out;
  }

  /** Write `bytes` into emulated memory at `addr`. */
  store(addr: number | bigint, bytes: ArrayBufferView): void {
    const f = userStore(this.kn, this.slot, ulongArg('store', 'addr', addr), bytesArg('store', bytes));
    if (f) throw faultError(f, 'store');
  }

  /** Fault every page of [addr, addr + len) for reading or writing, leaving the bytes as they are. */
  touch(addr: number | bigint, len: number | bigint, kind: 'read' | 'write' = 'write'): void {
    if (kind !== 'read' && kind !== 'write') throw argTypeError('touch', 'kind', "'read' or 'write'", kind);
    const a = ulongArg('touch', 'addr', addr);
    const l = ulongArg('touch', 'len', len);
    const start = a - (a % PAGE_SIZE);
    const f = userTouch(this.kn, this.slot, start, Math.ceil((a + l) / PAGE_SIZE) * PAGE_SIZE - start, kind === 'write');
    if (f) throw faultError(f, 'touch');
  }

  /** shmget(key, size, shmflg): a SysV segment id. */
  shmget(key: number, size: number | bigint, shmflg: number): number {
    const n = 'shmget';
    const r = kernelShmget(this.kn, this.slot, intArg(n, 'key', key), ulongArg(n, 'size', size), intArg(n, 'shmflg', shmflg));
    check(r, n);
    return r;
  }

  /** shmat(shmid, shmaddr, shmflg): the address the segment is attached at. */
  shmat(shmid: number, shmaddr: number | bigint | null, shmflg = 0): number {
    const n = 'shmat';
    const r = doShmat(this.kn, this.slot, intArg(n, 'shmid', shmid), shmaddr === null ? 0 : ulongArg(n, 'shmaddr', shmaddr), intArg(n, 'shmflg', shmflg));
    check(r, n);
    return r;
  }

  /** shmdt(shmaddr). */
  shmdt(shmaddr: number | bigint): void {
    check(kernelShmdt(this.kn, this.slot, ulongArg('shmdt', 'shmaddr', shmaddr)), 'shmdt');
  }

  /** shmctl(shmid, cmd): IPC_RMID (returns null) or IPC_STAT (returns the shmid_ds fields). */
  shmctl(shmid: number, cmd: number): ShmidDs | null {
    const n = 'shmctl';
    const r = kernelShmctl(this.kn, this.slot, intArg(n, 'shmid', shmid), intArg(n, 'cmd', cmd));
    if (typeof r === 'number') {
      check(r, n);
      return null;
    }
    return r;
  }

  /** open(path, flags, mode): a file descriptor. The namespace is flat: a path is a name. */
  open(path: string, flags: number, mode = 0o644): number {
    if (typeof path !== 'string') throw argTypeError('open', 'path', 'a string', path);
    const r = doOpen(this.kn, this.slot, path, intArg('open', 'flags', flags), intArg('open', 'mode', mode));
    check(r, 'open');
    return r;
  }

  /** close(fd). */
  close(fd: number): void {
    check(doClose(this.kn, this.slot, intArg('close', 'fd', fd)), 'close');
  }

  /** read(fd, count): the bytes read (fewer at the end of the file). */
  read(fd: number, count: number): Uint8Array {
    return this.readAt('read', fd, count, null);
  }

  /** pread(fd, count, offset). */
  pread(fd: number, count: number, offset: number | bigint): Uint8Array {
    return this.readAt('pread64', fd, count, offset);
  }

  /** write(fd, bytes): the number of bytes written. */
  write(fd: number, bytes: ArrayBufferView): number {
    return this.writeAt('write', fd, bytes, null);
  }

  /** pwrite(fd, bytes, offset). */
  pwrite(fd: number, bytes: ArrayBufferView, offset: number | bigint): number {
    return this.writeAt('pwrite64', fd, bytes, offset);
  }

  /** ftruncate(fd, length). */
  ftruncate(fd: number, length: number | bigint): void {
    check(doFtruncate(this.kn, this.slot, intArg('ftruncate', 'fd', fd), loffArg('ftruncate', 'length', length)), 'ftruncate');
  }

  /** fsync(fd): write the file's dirty pages to disk. */
  fsync(fd: number): void {
    check(doFsync(this.kn, this.slot, intArg('fsync', 'fd', fd)), 'fsync');
  }

  /** unlink(path). */
  unlink(path: string): void {
    if (typeof path !== 'string') throw argTypeError('unlink', 'path', 'a string', path);
    check(doUnlink(this.kn, path), 'unlink');
  }

  private readAt(n: string, fd: number, count: number, offset: number | bigint | null): Uint8Array {
    const r = doRead(this.kn, this.slot, intArg(n, 'fd', fd), ulongArg(n, 'count', count), offset === null ? null : loffArg(n, 'offset', offset));
    if (typeof r === 'number') throw systemError(r, n);
    return r;
  }

  private writeAt(n: string, fd: number, bytes: ArrayBufferView, offset: number | bigint | null): number {
    const r = doWrite(this.kn, this.slot, intArg(n, 'fd', fd), bytesArg(n, bytes), offset === null ? null : loffArg(n, 'offset', offset));
    check(r, n);
    return r;
  }

  /** sched_setaffinity to a single CPU. */
  setAffinity(cpu: number): void {
    check(setAffinity(this.kn, this.slot, cpu), 'sched_setaffinity');
  }

  /** Read a kernel file (/proc/<pid>/numa_maps, /proc/self/numa_maps, /sys/devices/system/node/...). */
  readFile(path: string): string {
    if (typeof path !== 'string') throw argTypeError('open', 'path', 'a string', path);
    const r = readKernelFile(this.kn, path, this.gettid());
    if (typeof r === 'number') throw systemError(r, 'open', { detail: path });
    return r;
  }

  private mm(): number {
    return this.kn.k[this.kn.task(this.slot) + TASK.MM];
  }

  /** True when [addr, addr + len) lies inside mappings (checked before allocating a result buffer). */
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

  /** The mask as a bigint, reusing the last one when the bits are the same (bigints cost). */
  private maskBigint(lo: number, hi: number): bigint {
    if (lo !== this.lastMaskLo || hi !== this.lastMaskHi || (lo === 0 && hi === 0)) {
      this.lastMaskLo = lo;
      this.lastMaskHi = hi;
      this.lastMask = (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
    }
    return this.lastMask;
  }
}
