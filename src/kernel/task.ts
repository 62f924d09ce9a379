/**
 * Tasks: creation (fork, clone of a thread), exec, exit and affinity (kernel/fork.c, fs/exec.c).
 *
 * A task owns a reference on its mm (MM.USERS) and its own copy of its process policy. A thread
 * shares its creator's mm; fork gives the child a new mm whose private pages are shared
 * copy-on-write, and copies of the task and VMA policies; exec gives the task a new empty mm,
 * which drops every VMA policy, and keeps the task policy.
 *
 * Locking: slots are taken under TABLE_LOCK (slots.ts); TASK.CPU is atomic; the other task
 * fields are written by the task itself or before the task runs.
 */
import { downRead, downWrite, upRead, upWrite } from '../shm/rwsem.js';
import { KHDR, MM, TASK, TASK_DEAD, TASK_RUNNING } from '../shm/structs.js';
import { spinLock, spinUnlock } from '../shm/spinlock.js';
import { markOwnerAlive } from '../shm/owner.js';
import { sitePoint } from '../sched/preempt.js';
import { SITE } from './sites.js';
import { EAGAIN, EINVAL, ENOMEM } from './errno.js';
import { type Kernel } from './kernel.js';
import { mpolDup, mpolPut } from './mempolicy.js';
import { dupMmap, mmAlloc, mmGet, mmPut } from './mm.js';
import { allocSlot, freeSlot } from './slots.js';
import { fdtCreate, fdtDup, fdtPut, fdtShare } from './fs.js';

/** Credentials and placement of a new task. */
export interface TaskInit {
  cpu: number;
  uid: number;
  euid: number;
  caps: number;
}

function allocPid(kn: Kernel): number {
  return Atomics.add(kn.k, KHDR.NEXT_PID, 1) + 1;
}

function fillTask(kn: Kernel, t: number, tid: number, tgid: number, m: number, init: TaskInit, policy: number, ilPrev: number, ilWeight: number): void {
  const b = kn.task(t);
  const { k } = kn;
  k[b + TASK.TID] = tid;
  k[b + TASK.TGID] = tgid;
  k[b + TASK.MM] = m;
  k[b + TASK.POLICY] = policy;
  k[b + TASK.IL_PREV] = ilPrev;
  k[b + TASK.IL_WEIGHT] = ilWeight;
  k[b + TASK.UID] = init.uid;
  k[b + TASK.EUID] = init.euid;
  k[b + TASK.CAPS] = init.caps;
  Atomics.store(k, b + TASK.CPU, init.cpu);
}

/** A CPU number the machine has, else -EINVAL. */
export function checkCpu(kn: Kernel, cpu: number): number {
  return Number.isInteger(cpu) && cpu >= 0 && kn.cpuNode[cpu] !== undefined ? 0 : -EINVAL;
}

/** A new process with an empty mm and no policy (what init's children start from). Task slot or -errno. */
export function createProcess(kn: Kernel, init: TaskInit): number {
  if (checkCpu(kn, init.cpu) < 0) return -EINVAL;
  const t = allocSlot(kn, kn.regions.task, TASK.WORDS, kn.cfg.limits.maxTasks, TASK_RUNNING);
  if (t === 0) return -EAGAIN;
  const pid = allocPid(kn);
  const m = mmAlloc(kn, pid);
  const files = m < 0 ? m : fdtCreate(kn);
  if (files < 0) {
    if (m > 0) mmPut(kn, m);
    freeSlot(kn, kn.regions.task, TASK.WORDS, t);
    return files;
  }
  fillTask(kn, t, pid, pid, m, init, 0, 0, 0);
  kn.k[kn.task(t) + TASK.FILES] = files;
  markOwnerAlive(t);
  return t;
}

/** The credentials of task `t`, for a child that inherits them. */
function taskCreds(kn: Kernel, t: number, cpu: number): TaskInit {
  const b = kn.task(t);
  return { cpu, uid: kn.k[b + TASK.UID], euid: kn.k[b + TASK.EUID], caps: kn.k[b + TASK.CAPS] };
}

/**
 * copy_process: a new thread of `parent`'s process (thread true) or a forked child process.
 * The child runs on `cpu`. Task slot or -errno.
 */
export function copyProcess(kn: Kernel, parent: number, thread: boolean, cpu: number): number {
  if (checkCpu(kn, cpu) < 0) return -EINVAL;
  const pb = kn.task(parent);
  const policy = mpolDup(kn, kn.k[pb + TASK.POLICY]);
  if (policy < 0) return policy;
  const t = allocSlot(kn, kn.regions.task, TASK.WORDS, kn.cfg.limits.maxTasks, TASK_RUNNING);
  if (t === 0) {
    mpolPut(kn, policy);
    return -EAGAIN;
  }
  const tid = allocPid(kn);
  let m = kn.k[pb + TASK.MM];
  if (thread) {
    mmGet(kn, m);
  } else {
    m = mmAlloc(kn, tid);
    const err = m < 0 ? m : dupMmap(kn, kn.k[pb + TASK.MM], m);
    if (err < 0) {
      if (m > 0) mmPut(kn, m);
      mpolPut(kn, policy);
      freeSlot(kn, kn.regions.task, TASK.WORDS, t);
      return err === -ENOMEM || m < 0 ? -ENOMEM : err;
    }
  }
  const files = thread ? kn.k[pb + TASK.FILES] : fdtDup(kn, kn.k[pb + TASK.FILES]);
  if (files < 0) {
    mmPut(kn, m);
    mpolPut(kn, policy);
    freeSlot(kn, kn.regions.task, TASK.WORDS, t);
    return files;
  }
  if (thread) fdtShare(kn, files);
  fillTask(kn, t, tid, thread ? kn.k[pb + TASK.TGID] : tid, m, taskCreds(kn, parent, cpu), policy, kn.k[pb + TASK.IL_PREV], kn.k[pb + TASK.IL_WEIGHT]);
  kn.k[kn.task(t) + TASK.FILES] = files;
  markOwnerAlive(t);
  return t;
}

/**
 * A new process started by task `parent` takes its task policy and interleave position, as
 * copy_process copies them (a workload numactl exec'd starts its processes under numactl's
 * policy). Called from another thread than the parent's, before the new task runs: the parent's
 * policy is copied under its mmap_sem held for read (it may be replacing it), the new task's
 * replaced under its own held for write. 0 or -ENOMEM.
 */
export function inheritTaskPolicy(kn: Kernel, t: number, parent: number): number {
  const pb = kn.task(parent);
  const b = kn.task(t);
  const psem = kn.mm(kn.k[pb + TASK.MM]) + MM.SEM;
  downRead(kn.k, psem);
  const policy = mpolDup(kn, kn.k[pb + TASK.POLICY]);
  const ilPrev = kn.k[pb + TASK.IL_PREV];
  const ilWeight = kn.k[pb + TASK.IL_WEIGHT];
  upRead(kn.k, psem);
  if (policy < 0) return policy;
  const sem = kn.mm(kn.k[b + TASK.MM]) + MM.SEM;
  downWrite(kn.k, sem);
  const old = kn.k[b + TASK.POLICY];
  kn.k[b + TASK.POLICY] = policy;
  kn.k[b + TASK.IL_PREV] = ilPrev;
  kn.k[b + TASK.IL_WEIGHT] = ilWeight;
  upWrite(kn.k, sem);
  mpolPut(kn, old);
  return 0;
}

/** exec: a new empty mm (VMA policies go with the old one); the task policy stays. 0 or -errno. */
export function execMm(kn: Kernel, t: number): number {
  const b = kn.task(t);
  const m = mmAlloc(kn, kn.k[b + TASK.TGID]);
  if (m < 0) return m;
  const old = kn.k[b + TASK.MM];
  sitePoint(SITE['exec:switch_mm']);
  kn.k[b + TASK.MM] = m;
  mmPut(kn, old);
  return 0;
}

/** sched_setaffinity to one CPU: local allocation follows the task. 0 or -EINVAL. */
export function setAffinity(kn: Kernel, t: number, cpu: number): number {
  if (checkCpu(kn, cpu) < 0) return -EINVAL;
  Atomics.store(kn.k, kn.task(t) + TASK.CPU, cpu);
  return 0;
}

/**
 * do_exit: drop the task's policy and mm, and free its slot. The policy pointer is cleared under
 * task_lock before its reference is dropped (mpol_put_task_policy), never after.
 */
export function exitTask(kn: Kernel, t: number): void {
  const b = kn.task(t);
  if (Atomics.load(kn.k, b + TASK.STATE) !== TASK_RUNNING) return;
  Atomics.store(kn.k, b + TASK.STATE, TASK_DEAD);
  spinLock(kn.k, b + TASK.ALLOC_LOCK);
  const pol = kn.k[b + TASK.POLICY];
  kn.k[b + TASK.POLICY] = 0;
  spinUnlock(kn.k, b + TASK.ALLOC_LOCK);
  sitePoint(SITE['exit:task_policy']);
  mpolPut(kn, pol, SITE['exit:task_policy']);
  mmPut(kn, kn.k[b + TASK.MM]);
  fdtPut(kn, kn.k[b + TASK.FILES]);
  freeSlot(kn, kn.regions.task, TASK.WORDS, t);
}

/** The task slot whose thread id is `tid`, or 0. */
export function findTaskByTid(kn: Kernel, tid: number): number {
  for (let t = 1; t < kn.cfg.limits.maxTasks; t++) {
    const b = kn.task(t);
    if (Atomics.load(kn.k, b + TASK.STATE) === TASK_RUNNING && kn.k[b + TASK.TID] === tid) return t;
  }
  return 0;
}

/** The live tasks of thread group (process) `tgid`. */
export function threadGroupSize(kn: Kernel, tgid: number): number {
  let n = 0;
  for (let t = 1; t < kn.cfg.limits.maxTasks; t++) {
    const b = kn.task(t);
    if (Atomics.load(kn.k, b + TASK.STATE) === TASK_RUNNING && kn.k[b + TASK.TGID] === tgid) n++;
  }
  return n;
}
