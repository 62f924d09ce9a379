export interface KernelProfile {
    readonly name: string;
    readonly summary: string;
    /** MPOL_MAX: a mode at or above it is EINVAL (4 in 2.6.x: no local, no preferred-many). */
    readonly mpolMax: number;
    /** MPOL_F_STATIC_NODES and MPOL_F_RELATIVE_NODES exist (2.6.26). */
    readonly modeFlags: boolean;
    /** MPOL_F_NUMA_BALANCING exists (5.12). */
    readonly numaBalancingFlag: boolean;
    /** Flags user space may pass to mbind: STRICT alone before 2.6.16. */
    readonly mbindFlags: number;
    /** get_mempolicy knows MPOL_F_MEMS_ALLOWED (2.6.24). */
    readonly memsAllowedFlag: boolean;
    /** mbind reads and checks the node mask before the range checks (today) or after (2.6.7). */
    readonly mbindNodesFirst: boolean;
    /**
     * Node masks: 'strict' (2.6.x) wants every node given to be online, else EINVAL; 'intersect'
     * (today) ANDs with the allowed memory nodes and fails only on an empty result.
     */
    readonly nodemaskCheck: 'strict' | 'intersect';
    /** BIND allocates in node-id order (<= 2.6.25) or from the nearest allowed node. */
    readonly bindOrder: 'node-id' | 'nearest';
    /** get_mempolicy of a local policy: mode 1 with every memory node, mode 1 empty, or mode 4. */
    readonly localReport: 'preferred-all' | 'preferred-empty' | 'local';
    /** Least maxnode get_mempolicy accepts with a mask: MAX_NUMNODES (2.6.x) or nr_node_ids. */
    readonly getMaxnodeMin: 'MAX_NUMNODES' | 'nr_node_ids';
    /** vm_pgoff of a private anonymous mapping: 0 (2.6.7: interleave by offset in the mapping) or its virtual page. */
    readonly anonPgoff: 'zero' | 'vaddr';
    /** mbind(MPOL_DEFAULT) accepts a range with holes (MPOL_MF_DISCONTIG_OK, 2.6.16). */
    readonly defaultSkipsHoles: boolean;
    /**
     * Seed 000 (never merged upstream): files have a shared-policy tree; mbind on a file mapping
     * sets it and page-cache allocation obeys it.
     */
    readonly filePolicy: boolean;
    /** /proc/<pid>/numa_maps: absent (before 2.6.14) or its format. */
    readonly numaMaps: null | {
        readonly sep: '=' | ':';
        readonly kernelPageSize: boolean;
    };
}
/** Names of the profiles, default first. */
export declare const PROFILE_NAMES: readonly string[];
export declare const DEFAULT_PROFILE = "6.12";
/** The profile called `name`, or undefined. */
export declare function findProfile(name: string): KernelProfile | undefined;
