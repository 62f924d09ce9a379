/**
 * Shared policies (struct shared_policy): the policy of a shmem object, by ranges of page index,
 * kept in the object and obeyed by every mm that maps it, remembered while nobody maps it.
 *
 * Refcounts (seed 003): every range owns its policy (a private copy, MPOL_F_SHARED set).
 * `spLookup` returns the policy of an index with an extra reference taken under the lock; the
 * caller drops it with mpolCondPut when done. This is the one case where a policy lookup takes a
 * reference: another mm may replace the range at any moment, and only the reference keeps the
 * policy alive for the allocation that is using it.
 *
 * Locking: INODE.SP_SEM (sp->lock) for read to look up, for write to replace ranges. Lock order:
 * SP_SEM before the slab lock.
 */
import { downRead, downWrite, upRead, upWrite } from '../shm/rwsem.js';
import { INODE, INODE_FILE, POL, SP, SP_MAX } from '../shm/structs.js';
import { preemptPoint } from '../sched/preempt.js';
import { MPOL_F_SHARED } from './constants.js';
import { ENOMEM } from './errno.js';
import { mpolDup, mpolGet, mpolPut } from './mempolicy.js';
function readRanges(kn, s) {
    const n = kn.k[kn.inode(s) + INODE.SP_COUNT];
    const out = [];
    for (let i = 0; i < n; i++) {
        const b = kn.sp(s, i);
        out.push({ start: kn.k[b + SP.START], end: kn.k[b + SP.END], policy: kn.k[b + SP.POLICY] });
    }
    return out;
}
function writeRanges(kn, s, ranges) {
    ranges.sort((a, b) => a.start - b.start);
    ranges.forEach((r, i) => {
        const b = kn.sp(s, i);
        kn.k[b + SP.START] = r.start;
        kn.k[b + SP.END] = r.end;
        kn.k[b + SP.POLICY] = r.policy;
    });
    kn.k[kn.inode(s) + INODE.SP_COUNT] = ranges.length;
}
/** A private copy of `p` marked shared, owned by a range; negative errno on failure. */
function spCopy(kn, p) {
    const q = mpolDup(kn, p);
    if (q > 0)
        kn.k[kn.pol(q) + POL.FLAGS] |= MPOL_F_SHARED;
    return q;
}
/**
 * Whether mappings of inode `ino` keep their policy in the inode (vm_ops->set_policy): shmem and
 * SysV segments always; files only under seed 000's file policy.
 */
export function inodeHasSharedPolicy(kn, ino) {
    return kn.k[kn.inode(ino) + INODE.KIND] !== INODE_FILE || kn.profile.filePolicy;
}
/** mpol_shared_policy_lookup: the policy of page `index`, with a reference; 0 if none. */
export function spLookup(kn, s, index) {
    preemptPoint(9 /* PreemptPoint.PolicyLookup */, s);
    const b = kn.inode(s);
    const n = kn.k[b + INODE.SP_COUNT];
    if (n === 0)
        return 0; // an unlocked peek: a tree that was empty may as well be empty now
    downRead(kn.k, b + INODE.SP_SEM);
    let p = 0;
    for (let i = 0; i < kn.k[b + INODE.SP_COUNT]; i++) {
        const r = kn.sp(s, i);
        if (kn.k[r + SP.START] > index)
            break;
        if (index < kn.k[r + SP.END]) {
            p = kn.k[r + SP.POLICY];
            mpolGet(kn, p);
            break;
        }
    }
    upRead(kn.k, b + INODE.SP_SEM);
    return p;
}
/**
 * mpol_set_shared_policy: give pages [start, end) of object `s` a copy of policy `pol` (0
 * removes any policy there). Old ranges are trimmed, split (the far part gets its own copy) or
 * dropped, as shared_policy_replace does. 0 or -ENOMEM.
 */
export function mpolSetSharedPolicy(kn, s, start, end, pol) {
    const fresh = pol !== 0 ? spCopy(kn, pol) : 0;
    if (fresh < 0)
        return fresh;
    const sem = kn.inode(s) + INODE.SP_SEM;
    downWrite(kn.k, sem);
    const dropped = [];
    const kept = [];
    let err = 0;
    for (const r of readRanges(kn, s)) {
        if (r.end <= start || r.start >= end)
            kept.push(r);
        else if (r.start >= start && r.end <= end)
            dropped.push(r.policy);
        else if (r.start >= start)
            kept.push({ ...r, start: end });
        else if (r.end <= end)
            kept.push({ ...r, end: start });
        else {
            const far = spCopy(kn, r.policy);
            if (far < 0)
                err = far;
            else
                kept.push({ ...r, end: start }, { start: end, end: r.end, policy: far });
        }
    }
    if (fresh !== 0)
        kept.push({ start, end, policy: fresh });
    if (err === 0 && kept.length > SP_MAX)
        err = -ENOMEM;
    if (err === 0)
        writeRanges(kn, s, kept);
    upWrite(kn.k, sem);
    if (err !== 0) {
        for (const r of kept)
            if (r.policy !== fresh && !readRanges(kn, s).some((x) => x.policy === r.policy))
                mpolPut(kn, r.policy);
        mpolPut(kn, fresh);
        return err;
    }
    for (const p of dropped)
        mpolPut(kn, p);
    return 0;
}
/** mpol_free_shared_policy: drop every range (the object is dying; nobody can look it up). */
export function mpolFreeSharedPolicy(kn, s) {
    for (const r of readRanges(kn, s))
        mpolPut(kn, r.policy);
    kn.k[kn.inode(s) + INODE.SP_COUNT] = 0;
}
/** The policy slots the ranges of object `s` hold (for the audit). */
export function spPolicies(kn, s) {
    return readRanges(kn, s).map((r) => r.policy);
}
//# sourceMappingURL=shared-policy.js.map