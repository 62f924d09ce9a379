/**
 * SysV shared memory (ipc/shm.c): shmget, shmat, shmdt, shmctl(IPC_RMID, IPC_STAT).
 *
 * Model. A segment is a shmem inode of kind INODE_SYSV. Its id is SEQ * IPCMNI + inode slot, so
 * a stale id of a reused slot is refused. The id itself holds one reference on the inode until
 * IPC_RMID; every attached VMA holds one more (so shm_nattch is the number of VMAs, which a
 * partial mbind increases, as on Linux). The segment's shared policy lives in the inode and
 * outlives every attachment until the segment is destroyed.
 *
 * Locking: KHDR.IPC_LOCK serialises key lookup with creation and removal; attach and detach
 * take the caller's mmap_sem for write (through do_mmap / munmap).
 *
 * Permissions are the owner/other bits of the mode; euid 0 stands for CAP_IPC_OWNER and
 * CAP_SYS_ADMIN (numa-emu keeps no group ids).
 */
import { downWrite, upWrite } from '../shm/rwsem.js';
import { spinLock, spinUnlock } from '../shm/spinlock.js';
import { INODE, INODE_SYSV, KHDR, MM, TASK, VMA } from '../shm/structs.js';
import { IPC_CREAT, IPC_EXCL, IPC_PRIVATE, IPC_RMID, IPC_STAT, MAP_FIXED, MAP_SHARED, PAGE_SIZE, PROT_EXEC, PROT_READ, PROT_WRITE, SHMLBA, SHM_DEST, SHM_EXEC, SHM_RDONLY, SHM_REMAP, SHM_RND } from './constants.js';
import { EACCES, EEXIST, EINVAL, ENOENT, EPERM } from './errno.js';
import { type Kernel } from './kernel.js';
import { doMmap, munmapLocked } from './mmap.js';
import { shmemCreate } from './shmem.js';
import { inodePut, inodeTryGet } from './inode.js';
import { findVma, vmaCount, vmaGet } from './vma.js';
import { XA_MAX_INDEX } from '../shm/structs.js';

/** IPCMNI: ids are SEQ * IPCMNI + slot. */
const IPCMNI = 32768;
/** The largest segment an inode's page cache can index (the emulator's SHMMAX). */
export const SHMMAX = XA_MAX_INDEX * PAGE_SIZE;

/** What shmctl(IPC_STAT) returns. */
export interface ShmidDs {
  shm_perm: { key: number; uid: number; cuid: number; mode: number };
  shm_segsz: number;
  shm_nattch: number;
}

function taskEuid(kn: Kernel, t: number): number {
  return kn.k[kn.task(t) + TASK.EUID];
}

function shmId(kn: Kernel, s: number): number {
  return kn.k[kn.inode(s) + INODE.SEQ] * IPCMNI + s;
}

/**
 * The live segment an id names, or 0 (under IPC_LOCK). A segment whose last reference is being
 * dropped (IPC_RMID drops the id's outside the lock) is gone already, as its id is in the kernel.
 */
function shmObtain(kn: Kernel, shmid: number): number {
  if (shmid < 0) return 0;
  const s = shmid % IPCMNI;
  if (s === 0 || s >= kn.cfg.limits.inodes) return 0;
  const b = kn.inode(s);
  if (kn.k[b + INODE.STATE] === 0 || kn.k[b + INODE.KIND] !== INODE_SYSV || shmId(kn, s) !== shmid) return 0;
  return Atomics.load(kn.k, b + INODE.REFS) > 0 ? s : 0;
}

/** ipcperms: may the task access the segment with `want` (4 read, 2 write, 1 exec)? */
function ipcPerms(kn: Kernel, t: number, s: number, want: number): boolean {
  const euid = taskEuid(kn, t);
  if (euid === 0) return true;
  const b = kn.inode(s);
  const mode = kn.k[b + INODE.MODE];
  const granted = euid === kn.k[b + INODE.UID] || euid === kn.k[b + INODE.CUID] ? (mode >> 6) & 7 : mode & 7;
  return (want & ~granted) === 0;
}

function findKey(kn: Kernel, key: number): number {
  for (let s = 1; s < kn.cfg.limits.inodes; s++) {
    const b = kn.inode(s);
    if (kn.k[b + INODE.STATE] !== 0 && kn.k[b + INODE.KIND] === INODE_SYSV && !kn.k[b + INODE.DEST] && kn.k[b + INODE.KEY] === key) return s;
  }
  return 0;
}

/** newseg */
function newSeg(kn: Kernel, t: number, key: number, size: number, flg: number): number {
  if (size < 1 || size > SHMMAX) return -EINVAL;
  const s = shmemCreate(kn, Math.ceil(size / PAGE_SIZE), INODE_SYSV);
  if (s < 0) return s; // -ENOSPC: no id left (SHMMNI); -ENOMEM: no index blocks for its pages
  const b = kn.inode(s);
  const euid = taskEuid(kn, t);
  kn.k[b + INODE.KEY] = key;
  kn.k[b + INODE.SIZE] = size;
  kn.k[b + INODE.MODE] = flg & 0o777;
  kn.k[b + INODE.UID] = kn.k[b + INODE.CUID] = euid;
  kn.k[b + INODE.SEQ] = kn.k[KHDR.NEXT_IPC_SEQ]++ % 65536;
  return shmId(kn, s);
}

/** ksys_shmget */
export function kernelShmget(kn: Kernel, t: number, key: number, size: number, flg: number): number {
  spinLock(kn.k, KHDR.IPC_LOCK);
  try {
    if (key === IPC_PRIVATE) return newSeg(kn, t, key, size, flg);
    const s = findKey(kn, key);
    if (s === 0) return flg & IPC_CREAT ? newSeg(kn, t, key, size, flg) : -ENOENT;
    if (flg & IPC_CREAT && flg & IPC_EXCL) return -EEXIST;
    if (kn.k[kn.inode(s) + INODE.SIZE] < size) return -EINVAL;
    const want = ((flg >> 6) | (flg >> 3) | flg) & 7;
    return ipcPerms(kn, t, s, want) ? shmId(kn, s) : -EACCES;
  } finally {
    spinUnlock(kn.k, KHDR.IPC_LOCK);
  }
}

/** do_shmat: attach the segment; returns the address or -errno. */
export function doShmat(kn: Kernel, t: number, shmid: number, addr: number, flg: number): number {
  if (shmid < 0) return -EINVAL;
  if (addr !== 0 && addr % SHMLBA !== 0) {
    if (!(flg & SHM_RND)) return -EINVAL;
    addr -= addr % SHMLBA;
    if (addr === 0 && flg & SHM_REMAP) return -EINVAL;
  }
  let prot = PROT_READ;
  let want = 4;
  if (!(flg & SHM_RDONLY)) {
    prot |= PROT_WRITE;
    want |= 2;
  }
  if (flg & SHM_EXEC) {
    prot |= PROT_EXEC;
    want |= 1;
  }
  spinLock(kn.k, KHDR.IPC_LOCK);
  const s = shmObtain(kn, shmid);
  let err = s === 0 ? -EINVAL : ipcPerms(kn, t, s, want) ? 0 : -EACCES;
  if (err === 0 && !inodeTryGet(kn, s)) err = -EINVAL; // hold the segment across the attach, unless it is dying
  spinUnlock(kn.k, KHDR.IPC_LOCK);
  if (err < 0) return err;
  const m = kn.k[kn.task(t) + TASK.MM];
  const size = kn.k[kn.inode(s) + INODE.PAGES] * PAGE_SIZE;
  if (addr !== 0 && !(flg & SHM_REMAP)) {
    const i = findVma(kn, m, addr);
    if (i >= 0 && vmaGet(kn, m, i, VMA.START) < addr + size) err = -EINVAL;
  }
  const r = err < 0 ? err : doMmap(kn, t, m, addr, size, prot, MAP_SHARED | (addr !== 0 ? MAP_FIXED : 0), 0, s);
  inodePut(kn, s);
  return r;
}

/**
 * ksys_shmdt: detach the segment attached at `addr`: every fragment of it (VMAs left by munmap
 * or mbind) that ends within the segment's size of `addr` and sits at its own offset from `addr`,
 * and nothing mapped between them, as the kernel's loop does.
 */
export function kernelShmdt(kn: Kernel, t: number, addr: number): number {
  if (addr % PAGE_SIZE !== 0) return -EINVAL;
  const m = kn.k[kn.task(t) + TASK.MM];
  const sem = kn.mm(m) + MM.SEM;
  downWrite(kn.k, sem);
  let err = -EINVAL;
  const i = findVma(kn, m, addr);
  const ino = i >= 0 && vmaGet(kn, m, i, VMA.START) === addr && vmaGet(kn, m, i, VMA.PGOFF) === 0 ? vmaGet(kn, m, i, VMA.INODE) : 0;
  if (ino !== 0 && kn.k[kn.inode(ino) + INODE.KIND] === INODE_SYSV) {
    const size = kn.k[kn.inode(ino) + INODE.PAGES] * PAGE_SIZE;
    let j = i;
    while (j < vmaCount(kn, m) && vmaGet(kn, m, j, VMA.END) - addr <= size) j++;
    for (let x = j - 1; x >= i; x--) {
      const start = vmaGet(kn, m, x, VMA.START);
      if (vmaGet(kn, m, x, VMA.INODE) === ino && vmaGet(kn, m, x, VMA.PGOFF) === (start - addr) / PAGE_SIZE) munmapLocked(kn, m, start, vmaGet(kn, m, x, VMA.END));
    }
    err = 0;
  }
  upWrite(kn.k, sem);
  return err;
}

/** ksys_shmctl for IPC_RMID and IPC_STAT. */
export function kernelShmctl(kn: Kernel, t: number, shmid: number, cmd: number): ShmidDs | number {
  if (shmid < 0 || (cmd !== IPC_RMID && cmd !== IPC_STAT)) return -EINVAL;
  spinLock(kn.k, KHDR.IPC_LOCK);
  const s = shmObtain(kn, shmid);
  let r: ShmidDs | number;
  let drop = false;
  if (s === 0) r = -EINVAL;
  else if (cmd === IPC_STAT) r = ipcPerms(kn, t, s, 4) ? shmStat(kn, s) : -EACCES;
  else {
    r = shmRmid(kn, t, s);
    drop = r === 1;
    if (drop) r = 0;
  }
  spinUnlock(kn.k, KHDR.IPC_LOCK);
  if (drop) inodePut(kn, s);
  return r;
}

function shmStat(kn: Kernel, s: number): ShmidDs {
  const b = kn.inode(s);
  const dest = kn.k[b + INODE.DEST] !== 0;
  return {
    shm_perm: { key: dest ? IPC_PRIVATE : kn.k[b + INODE.KEY], uid: kn.k[b + INODE.UID], cuid: kn.k[b + INODE.CUID], mode: kn.k[b + INODE.MODE] | (dest ? SHM_DEST : 0) },
    shm_segsz: kn.k[b + INODE.SIZE],
    shm_nattch: Atomics.load(kn.k, b + INODE.REFS) - (dest ? 0 : 1),
  };
}

/**
 * IPC_RMID: mark the segment SHM_DEST and release its key; returns 1 when the id's reference
 * is to be dropped (by the caller, after the lock), 0 when it was marked already. As on Linux,
 * a marked segment stays attachable by id until its last detach destroys it.
 */
function shmRmid(kn: Kernel, t: number, s: number): number {
  const b = kn.inode(s);
  const euid = taskEuid(kn, t);
  if (euid !== 0 && euid !== kn.k[b + INODE.UID] && euid !== kn.k[b + INODE.CUID]) return -EPERM;
  if (kn.k[b + INODE.DEST]) return 0;
  kn.k[b + INODE.DEST] = 1; // the key is private from now on: findKey skips marked segments
  return 1;
}
