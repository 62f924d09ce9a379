/**
 * nodemask_t for a machine of up to 64 nodes: two 32-bit words (lo: nodes 0-31, hi: 32-63).
 *
 * Hot paths (policy lookups on the fault path) use the word functions directly on values read
 * from the policy slab; system-call code uses the small immutable `Nodemask` value. Node ids
 * are 0..63; MAX_NUMNODES (1024) only bounds argument validation, as in the kernel.
 */
/** Highest number of nodes a machine may have (two words of mask). */
export declare const MACHINE_MAX_NODES = 64;
/** node_isset */
export declare function nmTest(lo: number, hi: number, nid: number): boolean;
/** nodes_weight */
export declare function nmWeight(lo: number, hi: number): number;
/** first_node, or -1 when empty. */
export declare function nmFirst(lo: number, hi: number): number;
/** next_node: the first set node after `nid`, or -1. */
export declare function nmNext(lo: number, hi: number, nid: number): number;
/** next_node_in: like nmNext, wrapping round to the first node. */
export declare function nmNextIn(lo: number, hi: number, nid: number): number;
/** The `k`-th set node (k counts from 0), or -1. */
export declare function nmNth(lo: number, hi: number, k: number): number;
/** An immutable node mask value, for system-call code. */
export declare class Nodemask {
    readonly lo: number;
    readonly hi: number;
    static readonly EMPTY: Nodemask;
    constructor(lo: number, hi: number);
    static of(nodes: Iterable<number>): Nodemask;
    /** The low 64 bits of a user bit mask (bits above must have been checked by the caller). */
    static fromBigint(b: bigint): Nodemask;
    toBigint(): bigint;
    get empty(): boolean;
    get weight(): number;
    get first(): number;
    has(nid: number): boolean;
    and(o: Nodemask): Nodemask;
    equals(o: Nodemask): boolean;
    subsetOf(o: Nodemask): boolean;
    nodes(): number[];
    /** The kernel's %*pbl range list: "0-3,5", "" when empty. */
    toString(): string;
}
/** Format ascending ids as the kernel's bitmap list ("0-1,3"). */
export declare function rangeList(ids: readonly number[]): string;
