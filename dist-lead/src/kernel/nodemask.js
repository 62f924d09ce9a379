/**
 * nodemask_t for a machine of up to 64 nodes: two 32-bit words (lo: nodes 0-31, hi: 32-63).
 *
 * Hot paths (policy lookups on the fault path) use the word functions directly on values read
 * from the policy slab; system-call code uses the small immutable `Nodemask` value. Node ids
 * are 0..63; MAX_NUMNODES (1024) only bounds argument validation, as in the kernel.
 */
/** Highest number of nodes a machine may have (two words of mask). */
export const MACHINE_MAX_NODES = 64;
function popcount32(x) {
    x -= (x >>> 1) & 0x55555555;
    x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
    x = (x + (x >>> 4)) & 0x0f0f0f0f;
    return Math.imul(x, 0x01010101) >>> 24;
}
function lowestBit32(x) {
    return 31 - Math.clz32(x & -x);
}
/** node_isset */
export function nmTest(lo, hi, nid) {
    return nid < 32 ? ((lo >>> nid) & 1) === 1 : ((hi >>> (nid - 32)) & 1) === 1;
}
/** nodes_weight */
export function nmWeight(lo, hi) {
    return popcount32(lo) + popcount32(hi);
}
/** first_node, or -1 when empty. */
export function nmFirst(lo, hi) {
    if (lo !== 0)
        return lowestBit32(lo);
    if (hi !== 0)
        return 32 + lowestBit32(hi);
    return -1;
}
/** next_node: the first set node after `nid`, or -1. */
export function nmNext(lo, hi, nid) {
    const from = nid + 1;
    if (from < 32) {
        const l = from === 0 ? lo : lo & ~((1 << from) - 1);
        if (l !== 0)
            return lowestBit32(l);
        return hi !== 0 ? 32 + lowestBit32(hi) : -1;
    }
    if (from >= 64)
        return -1;
    const s = from - 32;
    const h = s === 0 ? hi : hi & ~((1 << s) - 1);
    return h !== 0 ? 32 + lowestBit32(h) : -1;
}
/** next_node_in: like nmNext, wrapping round to the first node. */
export function nmNextIn(lo, hi, nid) {
    const n = nmNext(lo, hi, nid);
    return n >= 0 ? n : nmFirst(lo, hi);
}
/** The `k`-th set node (k counts from 0), or -1. */
export function nmNth(lo, hi, k) {
    let n = nmFirst(lo, hi);
    for (let i = 0; i < k && n >= 0; i++)
        n = nmNext(lo, hi, n);
    return n;
}
/** An immutable node mask value, for system-call code. */
export class Nodemask {
    lo;
    hi;
    static EMPTY = new Nodemask(0, 0);
    constructor(lo, hi) {
        this.lo = lo;
        this.hi = hi;
    }
    static of(nodes) {
        let lo = 0;
        let hi = 0;
        for (const n of nodes) {
            if (n < 32)
                lo |= 1 << n;
            else
                hi |= 1 << (n - 32);
        }
        return new Nodemask(lo | 0, hi | 0);
    }
    /** The low 64 bits of a user bit mask (bits above must have been checked by the caller). */
    static fromBigint(b) {
        return new Nodemask(Number(b & 0xffffffffn) | 0, Number((b >> 32n) & 0xffffffffn) | 0);
    }
    toBigint() {
        return (BigInt(this.hi >>> 0) << 32n) | BigInt(this.lo >>> 0);
    }
    get empty() {
        return this.lo === 0 && this.hi === 0;
    }
    get weight() {
        return nmWeight(this.lo, this.hi);
    }
    get first() {
        return nmFirst(this.lo, this.hi);
    }
    has(nid) {
        return nid >= 0 && nid < MACHINE_MAX_NODES && nmTest(this.lo, this.hi, nid);
    }
    and(o) {
        return new Nodemask(this.lo & o.lo, this.hi & o.hi);
    }
    equals(o) {
        return this.lo === o.lo && this.hi === o.hi;
    }
    subsetOf(o) {
        return (this.lo & ~o.lo) === 0 && (this.hi & ~o.hi) === 0;
    }
    nodes() {
        const out = [];
        for (let n = this.first; n >= 0; n = nmNext(this.lo, this.hi, n))
            out.push(n);
        return out;
    }
    /** The kernel's %*pbl range list: "0-3,5", "" when empty. */
    toString() {
        return rangeList(this.nodes());
    }
}
/** Format ascending ids as the kernel's bitmap list ("0-1,3"). */
export function rangeList(ids) {
    const parts = [];
    for (let i = 0; i < ids.length;) {
        let j = i;
        while (j + 1 < ids.length && ids[j + 1] === ids[j] + 1)
            j++;
        parts.push(j === i ? `${ids[i]}` : `${ids[i]}-${ids[j]}`);
        i = j + 1;
    }
    return parts.join(',');
}
//# sourceMappingURL=nodemask.js.map