/**
 * The refcount ledger of policies and shared-policy ranges, for the race detectors: who holds
 * each object (tasks, VMAs, tree ranges), checked when an object is freed (a free while a holder
 * still points at it is an over-unref) and at the end of an execution (every live object's count
 * equals its holders, every live range is in a tree: a leak or an over-unref is named exactly,
 * with the object's history from the detector's log).
 *
 * Runs with the detectors on only; reads the tables without locks (at a free, the freeing path's
 * own locks keep its holders still; at the end of an execution no task runs).
 */
import { INODE, MM, POL, TASK, TASK_RUNNING } from '../shm/structs.js';
import { type Detector, detector } from '../sched/detect.js';
import { type Kernel } from './kernel.js';
import { DEFAULT_POLICY } from './mempolicy.js';
import { spNodes, spPolicies } from './shared-policy.js';
import { OBJ_MEMPOLICY, OBJ_SP_NODE } from './sites.js';
import { ptrSlot } from './slab.js';

/** The site of reports made after an execution ended (no site: the empty name). */
const END_OF_EXECUTION = 0;
import { vmaCount, vmaRead } from './vma.js';

/** Every holder of every policy pointer: pointer -> descriptions. */
function policyHolders(kn: Kernel): Map<number, string[]> {
  const out = new Map<number, string[]>();
  const add = (p: number, who: string) => {
    if (p === 0 || p === DEFAULT_POLICY) return;
    const l = out.get(p);
    if (l) l.push(who);
    else out.set(p, [who]);
  };
  const { maxTasks, maxMms, inodes } = kn.cfg.limits;
  for (let t = 1; t < maxTasks; t++) {
    const b = kn.task(t);
    if (kn.k[b + TASK.STATE] === TASK_RUNNING) add(kn.k[b + TASK.POLICY], `the task policy of tid ${kn.k[b + TASK.TID]}`);
  }
  for (let m = 1; m < maxMms; m++) {
    if (kn.k[kn.mm(m) + MM.STATE] === 0) continue;
    for (let i = 0; i < vmaCount(kn, m); i++) {
      const v = vmaRead(kn, m, i);
      add(v.policy, `the VMA at 0x${v.start.toString(16)} of mm ${m}`);
    }
  }
  for (let s = 1; s < inodes; s++) {
    if (kn.k[kn.inode(s) + INODE.STATE] === 0) continue;
    spPolicies(kn, s).forEach((p, i) => add(p, `range ${i} of inode ${s}'s shared policy`));
  }
  return out;
}

/** Policy `p` is being freed at `site`: report an over-unref if something still points at it. */
export function reportLiveHolders(kn: Kernel, p: number, site: number): void {
  const d = detector;
  if (d === null) return;
  const held = policyHolders(kn).get(p);
  if (held === undefined) return;
  const slot = ptrSlot(p);
  d.report('over-unref', `mempolicy ${slot} freed while still held by ${held.join(', ')}: ${d.history(OBJ_MEMPOLICY, slot)}`, `mempolicy ${slot}`, site);
}

function checkPolicies(kn: Kernel, d: Detector): void {
  const holders = policyHolders(kn);
  for (let slot = 2; slot < kn.cfg.limits.policySlots; slot++) {
    if (!d.objLive(OBJ_MEMPOLICY, slot)) continue;
    const b = kn.pol(slot);
    const p = slot | ((kn.k[b + POL.GEN] & 0x7fff) << 15);
    const held = holders.get(p) ?? [];
    const ref = kn.k[b + POL.REFCNT];
    if (ref === held.length) continue;
    const by = held.length > 0 ? held.join(', ') : 'nobody';
    const kind = ref > held.length ? 'leak' : 'over-unref';
    d.report(kind, `mempolicy ${slot}: reference count ${ref}, held by ${held.length} (${by}): ${d.history(OBJ_MEMPOLICY, slot)}`, `mempolicy ${slot}`, END_OF_EXECUTION);
  }
}

function checkNodes(kn: Kernel, d: Detector): void {
  const inTree = new Set<number>();
  for (let s = 1; s < kn.cfg.limits.inodes; s++) if (kn.k[kn.inode(s) + INODE.STATE] !== 0) for (const n of spNodes(kn, s)) inTree.add(ptrSlot(n));
  for (let slot = 1; slot < kn.spNodeSlots; slot++) {
    if (d.objLive(OBJ_SP_NODE, slot) && !inTree.has(slot)) d.report('leak', `sp_node ${slot} is in no shared-policy tree: ${d.history(OBJ_SP_NODE, slot)}`, `sp_node ${slot}`, END_OF_EXECUTION);
  }
}

/**
 * The end-of-execution ledger (no task in the kernel): every live policy's count equals its
 * holders, every live range is in a tree. Reports through this thread's detector.
 */
export function ledgerCheck(kn: Kernel): void {
  const d = detector;
  if (d === null) return;
  checkPolicies(kn, d);
  checkNodes(kn, d);
}
