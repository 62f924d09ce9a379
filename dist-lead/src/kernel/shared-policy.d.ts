import { type Kernel } from './kernel.js';
/**
 * Whether mappings of inode `ino` keep their policy in the inode (vm_ops->set_policy): shmem and
 * SysV segments always; files only under seed 000's file policy.
 */
export declare function inodeHasSharedPolicy(kn: Kernel, ino: number): boolean;
/** mpol_shared_policy_lookup: the policy of page `index`, with a reference; 0 if none. */
export declare function spLookup(kn: Kernel, s: number, index: number): number;
/**
 * mpol_set_shared_policy: give pages [start, end) of object `s` a copy of policy `pol` (0
 * removes any policy there). Old ranges are trimmed, split (the far part gets its own copy) or
 * dropped, as shared_policy_replace does. 0 or -ENOMEM.
 */
export declare function mpolSetSharedPolicy(kn: Kernel, s: number, start: number, end: number, pol: number): number;
/** mpol_free_shared_policy: drop every range (the object is dying; nobody can look it up). */
export declare function mpolFreeSharedPolicy(kn: Kernel, s: number): void;
/** The policy slots the ranges of object `s` hold (for the audit). */
export declare function spPolicies(kn: Kernel, s: number): number[];
