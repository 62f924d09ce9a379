import { type Kernel } from './kernel.js';
import { Nodemask } from './nodemask.js';
/** Slot of the system default policy (slot 0 is NULL). */
export declare const DEFAULT_POLICY = 1;
/** No interleave index: use the task's counter (NO_INTERLEAVE_INDEX). */
export declare const NO_INTERLEAVE_INDEX = -1;
/** A node mask as read from user space: the 64 bits a machine can have, and any bits above. */
export interface UserNodes {
    readonly mask: Nodemask;
    /** Bits 64..MAX_NUMNODES-1, shifted down by 64 (0n almost always). */
    readonly high: bigint;
}
export declare function userNodesEmpty(n: UserNodes): boolean;
/** numa_policy_init: the default policy, local allocation, refcount 1 forever. */
export declare function numaPolicyInit(kn: Kernel): void;
/** mpol_get */
export declare function mpolGet(kn: Kernel, p: number): void;
/** mpol_put: the last reference frees the policy. */
export declare function mpolPut(kn: Kernel, p: number): void;
/** mpol_cond_put: drop the extra reference a shared-policy lookup took. */
export declare function mpolCondPut(kn: Kernel, p: number): void;
/** mpol_dup: a private copy with refcount 1 (0 for NULL); -ENOMEM when the slab is full. */
export declare function mpolDup(kn: Kernel, p: number): number;
/** mpol_equal: same mode, flags and nodes (NULL equals only NULL). */
export declare function mpolEqual(kn: Kernel, a: number, b: number): boolean;
/**
 * mpol_new: check the mode against the mask and allocate. Returns a slot, 0 for MPOL_DEFAULT
 * (no policy object: "use the next level"), or a negative errno.
 */
export declare function mpolNew(kn: Kernel, mode: number, flags: number, nodes: UserNodes): number;
/**
 * mpol_set_nodemask: restrict the user mask to the allowed memory nodes (the cpuset of every
 * task is the whole machine here) and store it. 2.6.x profiles refuse a mask naming a node that
 * is not a memory node instead of trimming it.
 */
export declare function mpolSetNodemask(kn: Kernel, p: number, nodes: UserNodes): number;
/** What get_mempolicy reports for a policy: mode (with mode flags) and mask. */
export declare function mpolReport(kn: Kernel, p: number): {
    mode: number;
    mask: Nodemask;
};
/** Nodes of a policy as a value. */
export declare function polNodes(kn: Kernel, p: number): Nodemask;
/** get_task_policy: the task's own policy or the default one (no reference taken). */
export declare function getTaskPolicy(kn: Kernel, t: number): number;
/** True for the interleaving modes (the ones that use an index). */
export declare function isInterleave(mode: number): boolean;
/** interleave_nodes: advance the task's counter (only the task itself does). */
export declare function interleaveNodes(kn: Kernel, t: number, lo: number, hi: number): number;
/** The next node the process policy's counter will give (get_mempolicy MPOL_F_NODE). */
export declare function nextInterleaveNode(kn: Kernel, t: number, p: number): number;
/**
 * alloc_pages_mpol: allocate one page by policy `p` for task `t`. `ilx` is the interleave index
 * (offset of the page in its mapping) or NO_INTERLEAVE_INDEX. Returns a pfn or -1 (out of memory
 * the policy allows).
 */
export declare function allocPagesMpol(kn: Kernel, t: number, p: number, ilx: number): number;
/** True when `nid` is a node policy `p` allows (for MPOL_MF_STRICT's misplaced-page test). */
export declare function policyHasNode(kn: Kernel, p: number, nid: number): boolean;
/** MAX_NUMNODES - 1: what set_mempolicy puts in il_prev so that the first node comes next. */
export declare const IL_PREV_RESET: number;
