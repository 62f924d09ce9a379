import { type Kernel } from './kernel.js';
import { type UserNodes } from './mempolicy.js';
import { Nodemask } from './nodemask.js';
/** get_nodes: read maxnode - 1 bits of the user's mask; bits past MAX_NUMNODES must be 0. */
export declare function getNodes(nmask: bigint | null, maxnode: number): UserNodes | number;
/** kernel_set_mempolicy */
export declare function kernelSetMempolicy(kn: Kernel, t: number, modeArg: number, nmask: bigint | null, maxnode: number): number;
/** What get_mempolicy writes: `*mode` (or a node number) and the mask. */
export interface MempolicyInfo {
    mode: number;
    mask: Nodemask;
}
/**
 * kernel_get_mempolicy. `maxnode` null means a NULL mask pointer (no mask wanted, maxnode
 * ignored); the result's mask is then null.
 */
export declare function kernelGetMempolicy(kn: Kernel, t: number, maxnode: number | null, addr: number, flags: number): {
    mode: number;
    mask: Nodemask | null;
} | number;
/** kernel_mbind: the checks in the profile's order, then do_mbind. */
export declare function kernelMbind(kn: Kernel, t: number, start: number, len: number, modeArg: number, nmask: bigint | null, maxnode: number, flags: number): number;
