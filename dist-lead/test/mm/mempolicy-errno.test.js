// Errors (and the successes next to them) of set_mempolicy, get_mempolicy, mbind, mmap and munmap,
// as mbind(2), set_mempolicy(2), get_mempolicy(2), mmap(2), munmap(2) and LTP's mbind01/02,
// set_mempolicy and get_mempolicy01/02 define them, checked in the order mm/mempolicy.c and
// mm/mmap.c test them. The default profile is '6.12'; the '2.6.7' blocks cover what differs there
// (linux-facts.md items 1, 3, 4, 5 and 7).
//
// The machine is SMALL: four nodes 0-3, all with memory, so nr_node_ids is 4 and a mask naming
// nodes 4..1023 names nodes that do not exist.
import { expect } from 'chai';
import { MAP_ANONYMOUS, MAP_FIXED, MAP_FIXED_NOREPLACE, MAP_PRIVATE, MAP_SHARED, MAP_SHARED_VALIDATE, MAX_NUMNODES, MPOL_BIND, MPOL_DEFAULT, MPOL_F_ADDR, MPOL_F_MEMS_ALLOWED, MPOL_F_NODE, MPOL_F_NUMA_BALANCING, MPOL_F_RELATIVE_NODES, MPOL_F_STATIC_NODES, MPOL_INTERLEAVE, MPOL_LOCAL, MPOL_MF_LAZY, MPOL_MF_MOVE, MPOL_MF_MOVE_ALL, MPOL_MF_STRICT, MPOL_PREFERRED, MPOL_PREFERRED_MANY, MPOL_WEIGHTED_INTERLEAVE, PAGE_SIZE, PROT_NONE, PROT_READ, PROT_WRITE, } from '../../src/index.js';
import { SMALL, expectErrno, mapAnon, nodesOf, withMachine } from '../helpers.js';
const P = PAGE_SIZE;
/** The memory nodes of SMALL. */
const ALL_NODES = 15n;
/** A maxnode get_mempolicy accepts on 6.12 (at least nr_node_ids = 4) and that copies one word. */
const MAXNODE = 64;
/** PAGE_SIZE * 8 + 1: the largest maxnode get_nodes() and copy_nodes_to_user() accept. */
const MAXNODE_LIMIT = PAGE_SIZE * 8 + 1;
const RW = PROT_READ | PROT_WRITE;
const ANON = MAP_PRIVATE | MAP_ANONYMOUS;
/** Far above any user address (x86-64 TASK_SIZE is just below 2^47, the emulator's window lower). */
const ABOVE_TASK_SIZE = 0x800000000000;
const on = (kernel) => ({ ...SMALL, kernel });
/** An argument no C caller could pass, smuggled past TypeScript. */
const bad = (v) => v;
/** Run every row; a failing row names itself. */
async function expectErrnos(syscall, rows) {
    for (const r of rows) {
        try {
            await expectErrno(r.call(), r.errno, syscall);
        }
        catch (e) {
            if (e instanceof Error)
                e.message = `${syscall}: ${r.what}: ${e.message}`;
            throw e;
        }
    }
}
/** The call must throw the TypeError (ERR_INVALID_ARG_TYPE) of a value no C caller could pass. */
async function expectTypeErrors(rows) {
    for (const r of rows) {
        let err;
        try {
            await r.call();
        }
        catch (e) {
            err = e;
        }
        expect(err, r.what).to.be.instanceOf(TypeError);
        expect(err.code, r.what).to.equal('ERR_INVALID_ARG_TYPE');
    }
}
/** get_mempolicy(&mode, mask, maxnode, 0, 0): the task policy as [mode, mask]. */
async function taskPolicy(t, maxnode = MAXNODE) {
    const r = await t.getMempolicy(maxnode);
    return [r.mode, r.nodemask];
}
/** get_mempolicy(&mode, mask, maxnode, addr, MPOL_F_ADDR): the VMA policy at `addr` as [mode, mask]. */
async function vmaPolicy(t, addr, maxnode = MAXNODE) {
    const r = await t.getMempolicy(maxnode, addr, MPOL_F_ADDR);
    return [r.mode, r.nodemask];
}
// -------------------------------------------------------------------------------------------------
describe('set_mempolicy: errors and what get_mempolicy reports back', () => {
    it('set_mempolicy: bad modes, mode flags and mode/mask pairs give EINVAL', () => withMachine(SMALL, async (m) => {
        const t = (await m.spawnProcess()).main;
        const set = (mode, mask = null, maxnode = 65) => () => t.setMempolicy(mode, mask, maxnode);
        await expectErrnos('set_mempolicy', [
            // sanitize_mpol_flags
            { what: 'mode MPOL_MAX (7)', call: set(7), errno: 'EINVAL' },
            { what: 'mode 99', call: set(99, 1n), errno: 'EINVAL' },
            { what: 'mode -1 (LTP: unknown policy)', call: set(-1), errno: 'EINVAL' },
            { what: 'STATIC_NODES together with RELATIVE_NODES', call: set(MPOL_BIND | MPOL_F_STATIC_NODES | MPOL_F_RELATIVE_NODES, 1n), errno: 'EINVAL' },
            { what: 'NUMA_BALANCING with INTERLEAVE', call: set(MPOL_INTERLEAVE | MPOL_F_NUMA_BALANCING, 1n), errno: 'EINVAL' },
            { what: 'NUMA_BALANCING with PREFERRED', call: set(MPOL_PREFERRED | MPOL_F_NUMA_BALANCING, 1n), errno: 'EINVAL' },
            { what: 'NUMA_BALANCING with DEFAULT', call: set(MPOL_DEFAULT | MPOL_F_NUMA_BALANCING), errno: 'EINVAL' },
            // get_nodes
            { what: 'a mask with maxnode 0 (maxnode - 1 wraps)', call: set(MPOL_BIND, 1n, 0), errno: 'EINVAL' },
            { what: 'maxnode PAGE_SIZE * 8 + 2', call: set(MPOL_BIND, 1n, MAXNODE_LIMIT + 1), errno: 'EINVAL' },
            { what: 'maxnode -1', call: set(MPOL_BIND, 1n, -1), errno: 'EINVAL' },
            { what: 'bit MAX_NUMNODES (1024) set', call: set(MPOL_BIND, (1n << 1024n) | 1n, 1026), errno: 'EINVAL' },
            // mpol_new
            { what: 'DEFAULT with a node (LTP: target exists)', call: set(MPOL_DEFAULT, 1n), errno: 'EINVAL' },
            { what: 'BIND with no mask', call: set(MPOL_BIND), errno: 'EINVAL' },
            { what: 'BIND with an empty mask', call: set(MPOL_BIND, 0n), errno: 'EINVAL' },
            { what: 'BIND whose only node is at maxnode - 1 or above', call: set(MPOL_BIND, 4n, 3), errno: 'EINVAL' },
            { what: 'INTERLEAVE with no mask', call: set(MPOL_INTERLEAVE), errno: 'EINVAL' },
            { what: 'PREFERRED_MANY with no mask', call: set(MPOL_PREFERRED_MANY), errno: 'EINVAL' },
            { what: 'WEIGHTED_INTERLEAVE with no mask', call: set(MPOL_WEIGHTED_INTERLEAVE), errno: 'EINVAL' },
            { what: 'LOCAL with a node', call: set(MPOL_LOCAL, 1n), errno: 'EINVAL' },
            { what: 'LOCAL with STATIC_NODES', call: set(MPOL_LOCAL | MPOL_F_STATIC_NODES), errno: 'EINVAL' },
            { what: 'PREFERRED, empty, with STATIC_NODES', call: set(MPOL_PREFERRED | MPOL_F_STATIC_NODES), errno: 'EINVAL' },
            { what: 'PREFERRED, empty, with RELATIVE_NODES', call: set(MPOL_PREFERRED | MPOL_F_RELATIVE_NODES), errno: 'EINVAL' },
            // mpol_set_nodemask: nothing left after intersecting with the memory nodes
            { what: 'BIND naming only nodes that do not exist', call: set(MPOL_BIND, 48n), errno: 'EINVAL' },
            { what: 'PREFERRED naming only a node that does not exist', call: set(MPOL_PREFERRED, 1n << 40n), errno: 'EINVAL' },
            { what: 'BIND naming only node 64 (no machine node has that id)', call: set(MPOL_BIND, 1n << 64n, 1025), errno: 'EINVAL' },
            { what: 'BIND|STATIC_NODES naming only nodes that do not exist', call: set(MPOL_BIND | MPOL_F_STATIC_NODES, 48n), errno: 'EINVAL' },
        ]);
        expect(await taskPolicy(t)).to.deep.equal([MPOL_DEFAULT, 0n]);
    }));
    it('set_mempolicy: a failed call leaves the previous policy in place', () => withMachine(SMALL, async (m) => {
        const t = (await m.spawnProcess()).main;
        await t.setMempolicy(MPOL_INTERLEAVE, 6n, 65);
        await expectErrno(t.setMempolicy(MPOL_BIND, 48n, 65), 'EINVAL', 'set_mempolicy');
        await expectErrno(t.setMempolicy(MPOL_LOCAL, 1n, 65), 'EINVAL', 'set_mempolicy');
        expect(await taskPolicy(t)).to.deep.equal([MPOL_INTERLEAVE, 6n]);
    }));
    it('set_mempolicy then get_mempolicy: every mode and mode flag reports back its mode and mask', () => withMachine(SMALL, async (m) => {
        const t = (await m.spawnProcess()).main;
        const rows = [
            { what: 'DEFAULT, no mask', mode: MPOL_DEFAULT, mask: null, want: [MPOL_DEFAULT, 0n] },
            { what: 'DEFAULT, empty mask', mode: MPOL_DEFAULT, mask: 0n, want: [MPOL_DEFAULT, 0n] },
            { what: 'DEFAULT, a node past maxnode - 1 (maxnode 1 reads no bit)', mode: MPOL_DEFAULT, mask: 1n, maxnode: 1, want: [MPOL_DEFAULT, 0n] },
            { what: 'PREFERRED node 2', mode: MPOL_PREFERRED, mask: 4n, want: [MPOL_PREFERRED, 4n] },
            { what: 'PREFERRED 1-2 keeps the first node', mode: MPOL_PREFERRED, mask: 6n, want: [MPOL_PREFERRED, 2n] },
            { what: 'PREFERRED, empty: local, reported as MPOL_LOCAL since 5.14', mode: MPOL_PREFERRED, mask: null, want: [MPOL_LOCAL, 0n] },
            { what: 'BIND 1-2', mode: MPOL_BIND, mask: 6n, want: [MPOL_BIND, 6n] },
            { what: 'BIND 0-1,4-5: the missing nodes are dropped', mode: MPOL_BIND, mask: 51n, want: [MPOL_BIND, 3n] },
            { what: 'INTERLEAVE 1,3', mode: MPOL_INTERLEAVE, mask: 10n, want: [MPOL_INTERLEAVE, 10n] },
            { what: 'LOCAL', mode: MPOL_LOCAL, mask: null, want: [MPOL_LOCAL, 0n] },
            { what: 'PREFERRED_MANY 0-1', mode: MPOL_PREFERRED_MANY, mask: 3n, want: [MPOL_PREFERRED_MANY, 3n] },
            { what: 'WEIGHTED_INTERLEAVE 0,2', mode: MPOL_WEIGHTED_INTERLEAVE, mask: 5n, want: [MPOL_WEIGHTED_INTERLEAVE, 5n] },
            { what: 'BIND|STATIC_NODES reports the mask as given', mode: MPOL_BIND | MPOL_F_STATIC_NODES, mask: 50n, want: [MPOL_BIND | MPOL_F_STATIC_NODES, 50n] },
            { what: 'PREFERRED|STATIC_NODES', mode: MPOL_PREFERRED | MPOL_F_STATIC_NODES, mask: 8n, want: [MPOL_PREFERRED | MPOL_F_STATIC_NODES, 8n] },
            { what: 'INTERLEAVE|RELATIVE_NODES reports the mask as given', mode: MPOL_INTERLEAVE | MPOL_F_RELATIVE_NODES, mask: 17n, want: [MPOL_INTERLEAVE | MPOL_F_RELATIVE_NODES, 17n] },
            { what: 'BIND|RELATIVE_NODES of nodes 4-5 folds onto nodes 0-1', mode: MPOL_BIND | MPOL_F_RELATIVE_NODES, mask: 48n, want: [MPOL_BIND | MPOL_F_RELATIVE_NODES, 48n] },
            { what: 'BIND|NUMA_BALANCING', mode: MPOL_BIND | MPOL_F_NUMA_BALANCING, mask: 3n, want: [MPOL_BIND | MPOL_F_NUMA_BALANCING, 3n] },
            { what: 'PREFERRED_MANY|NUMA_BALANCING', mode: MPOL_PREFERRED_MANY | MPOL_F_NUMA_BALANCING, mask: 6n, want: [MPOL_PREFERRED_MANY | MPOL_F_NUMA_BALANCING, 6n] },
            { what: 'bits 64 and 1023 are dropped, not refused', mode: MPOL_BIND, mask: (1n << 1023n) | (1n << 64n) | 2n, maxnode: 1025, want: [MPOL_BIND, 2n] },
            { what: 'bit 1024 at maxnode 1025 is past maxnode - 1 and ignored', mode: MPOL_BIND, mask: (1n << 1024n) | 2n, maxnode: 1025, want: [MPOL_BIND, 2n] },
            { what: 'bits past maxnode - 1 are ignored', mode: MPOL_BIND, mask: (1n << 5000n) | (1n << 70n) | 4n, maxnode: 65, want: [MPOL_BIND, 4n] },
            { what: 'the largest maxnode, PAGE_SIZE * 8 + 1', mode: MPOL_BIND, mask: 8n, maxnode: MAXNODE_LIMIT, want: [MPOL_BIND, 8n] },
            { what: 'the mode is an int: 2^32 + MPOL_BIND is BIND', mode: 2 ** 32 + MPOL_BIND, mask: 1n, want: [MPOL_BIND, 1n] },
        ];
        for (const r of rows) {
            await t.setMempolicy(r.mode, r.mask, r.maxnode ?? 65);
            expect(await taskPolicy(t), r.what).to.deep.equal(r.want);
        }
    }));
    it('set_mempolicy: BIND|RELATIVE_NODES of nodes 4-5 allocates on nodes 0-1', () => withMachine(SMALL, async (m) => {
        const t = (await m.spawnProcess({ cpu: 6 })).main; // node 3
        await t.setMempolicy(MPOL_BIND | MPOL_F_RELATIVE_NODES, 48n, 65);
        const a = await mapAnon(t, 4);
        await t.touch(a, 4 * P, 'write');
        for (const n of await nodesOf(t, a, 4))
            expect([0, 1]).to.include(n);
    }));
    it('get_mempolicy: a MPOL_F_NUMA_BALANCING policy reports the mask as given (mpol_store_user_nodemask covers every mode flag)', () => 
    // MPOL_MODE_FLAGS includes MPOL_F_NUMA_BALANCING since 5.12, so mpol_set_nodemask() keeps the
    // user's mask in w.user_nodemask and do_get_mempolicy() copies that one out, untrimmed.
    withMachine(SMALL, async (m) => {
        const t = (await m.spawnProcess()).main;
        await t.setMempolicy(MPOL_BIND | MPOL_F_NUMA_BALANCING, 35n, 65);
        expect(await taskPolicy(t)).to.deep.equal([MPOL_BIND | MPOL_F_NUMA_BALANCING, 35n]);
    }));
});
// -------------------------------------------------------------------------------------------------
describe('get_mempolicy: errors, order of checks and results', () => {
    it('get_mempolicy: bad maxnode, flags and addresses give EINVAL or EFAULT', () => withMachine(SMALL, async (m) => {
        const t = (await m.spawnProcess()).main;
        const a = await mapAnon(t, 4);
        const none = await t.mmap(0, P, PROT_NONE, ANON);
        const gone = await mapAnon(t, 1);
        await t.munmap(gone, P);
        await t.mbind(a, 4 * P, MPOL_INTERLEAVE, 3n, 65); // a VMA interleave policy is not the process's
        const get = (maxnode, addr, flags) => () => t.getMempolicy(maxnode, addr, flags);
        await expectErrnos('get_mempolicy', [
            { what: 'maxnode below nr_node_ids', call: get(3, 0, 0), errno: 'EINVAL' },
            { what: 'maxnode 0 with a mask', call: get(0, 0, 0), errno: 'EINVAL' },
            { what: 'flags -1 (LTP get_mempolicy02)', call: get(MAXNODE, 0, -1), errno: 'EINVAL' },
            { what: 'flags 8', call: get(MAXNODE, 0, 8), errno: 'EINVAL' },
            { what: 'flags 2^40', call: get(MAXNODE, 0, 2 ** 40), errno: 'EINVAL' },
            { what: 'MEMS_ALLOWED with NODE', call: get(MAXNODE, 0, MPOL_F_MEMS_ALLOWED | MPOL_F_NODE), errno: 'EINVAL' },
            { what: 'MEMS_ALLOWED with ADDR', call: get(MAXNODE, a, MPOL_F_MEMS_ALLOWED | MPOL_F_ADDR), errno: 'EINVAL' },
            { what: 'an address without MPOL_F_ADDR', call: get(MAXNODE, a, 0), errno: 'EINVAL' },
            { what: 'NODE without ADDR, default process policy', call: get(MAXNODE, 0, MPOL_F_NODE), errno: 'EINVAL' },
            { what: 'NODE without ADDR, only a VMA interleaves', call: get(null, 0, MPOL_F_NODE), errno: 'EINVAL' },
            { what: 'ADDR at NULL (LTP get_mempolicy02)', call: get(MAXNODE, 0, MPOL_F_ADDR), errno: 'EFAULT' },
            { what: 'ADDR on an unmapped page', call: get(MAXNODE, gone, MPOL_F_ADDR), errno: 'EFAULT' },
            { what: 'ADDR one byte past the mapping', call: get(MAXNODE, a + 4 * P, MPOL_F_ADDR), errno: 'EFAULT' },
            { what: 'NODE|ADDR on an unmapped page', call: get(null, gone, MPOL_F_NODE | MPOL_F_ADDR), errno: 'EFAULT' },
            { what: 'NODE|ADDR on a PROT_NONE page (lookup_node cannot fault it in)', call: get(null, none, MPOL_F_NODE | MPOL_F_ADDR), errno: 'EFAULT' },
            { what: 'maxnode PAGE_SIZE * 8 + 2 (copy_nodes_to_user)', call: get(MAXNODE_LIMIT + 1, 0, 0), errno: 'EINVAL' },
            { what: 'maxnode 2^63', call: () => t.getMempolicy(2n ** 63n), errno: 'EINVAL' },
        ]);
    }));
    it('get_mempolicy: maxnode is checked first, the mask is copied last', () => withMachine(SMALL, async (m) => {
        const t = (await m.spawnProcess()).main;
        const gone = await mapAnon(t, 1);
        await t.munmap(gone, P);
        await expectErrnos('get_mempolicy', [
            // kernel_get_mempolicy refuses a short mask before do_get_mempolicy looks at the address ...
            { what: 'short mask, unmapped address', call: () => t.getMempolicy(3, gone, MPOL_F_ADDR), errno: 'EINVAL' },
            // ... but copy_nodes_to_user refuses a huge one only after it.
            { what: 'huge mask, unmapped address', call: () => t.getMempolicy(MAXNODE_LIMIT + 1, gone, MPOL_F_ADDR), errno: 'EFAULT' },
            { what: 'huge mask, bad flags', call: () => t.getMempolicy(MAXNODE_LIMIT + 1, 0, 8), errno: 'EINVAL' },
        ]);
        // A NULL mask is never checked against maxnode.
        expect((await t.getMempolicy(null, 0, 0)).nodemask).to.equal(null);
        // The smallest and the largest maxnode that are accepted.
        expect(await taskPolicy(t, 4)).to.deep.equal([MPOL_DEFAULT, 0n]);
        expect(await taskPolicy(t, MAXNODE_LIMIT)).to.deep.equal([MPOL_DEFAULT, 0n]);
    }));
    it('get_mempolicy: maxnode -1 wraps ALIGN(maxnode - 1, 64) to 0, so nothing is copied and the call succeeds', () => 
    // copy_nodes_to_user: copy = ALIGN(ULONG_MAX - 1, 64) / 8 = 0 (the addition wraps), 0 > nbytes
    // is false, and copy_to_user of 0 bytes succeeds; maxnode >= nr_node_ids passed before that.
    withMachine(SMALL, async (m) => {
        const t = (await m.spawnProcess()).main;
        await t.setMempolicy(MPOL_BIND, 2n, 65);
        expect((await t.getMempolicy(-1)).mode).to.equal(MPOL_BIND);
    }));
    it('get_mempolicy: MPOL_F_MEMS_ALLOWED gives mode 0 and the allowed memory nodes, whatever the policy', () => withMachine(SMALL, async (m) => {
        const t = (await m.spawnProcess()).main;
        await t.setMempolicy(MPOL_BIND, 2n, 65);
        expect(await t.getMempolicy(MAXNODE, 0, MPOL_F_MEMS_ALLOWED)).to.deep.equal({ mode: 0, nodemask: ALL_NODES });
        expect(await t.getMempolicy(null, 0, MPOL_F_MEMS_ALLOWED)).to.deep.equal({ mode: 0, nodemask: null });
    }));
    it('get_mempolicy: MPOL_F_ADDR on a VMA without a policy reports MPOL_DEFAULT, not the process policy', () => withMachine(SMALL, async (m) => {
        const t = (await m.spawnProcess()).main;
        await t.setMempolicy(MPOL_BIND, 4n, 65);
        const a = await mapAnon(t, 2);
        expect(await vmaPolicy(t, a)).to.deep.equal([MPOL_DEFAULT, 0n]);
        expect(await vmaPolicy(t, a + P + 123)).to.deep.equal([MPOL_DEFAULT, 0n]);
    }));
    it('get_mempolicy: MPOL_F_NODE|MPOL_F_ADDR gives the node of the page at the address', () => withMachine(SMALL, async (m) => {
        const t = (await m.spawnProcess({ cpu: 0 })).main;
        const a = await mapAnon(t, 2);
        await t.mbind(a + P, P, MPOL_BIND, 8n, 65);
        await t.touch(a, 2 * P, 'write');
        expect((await t.getMempolicy(null, a + 5, MPOL_F_NODE | MPOL_F_ADDR)).mode).to.equal(0);
        expect((await t.getMempolicy(MAXNODE, a + P, MPOL_F_NODE | MPOL_F_ADDR)).mode).to.equal(3);
    }));
    for (const kernel of ['6.12', '2.6.7']) {
        it(`get_mempolicy: MPOL_F_NODE gives the next interleave node of the process policy (${kernel})`, () => withMachine(on(kernel), async (m) => {
            const t = (await m.spawnProcess()).main;
            await t.setMempolicy(MPOL_INTERLEAVE, 10n, 1025);
            expect((await t.getMempolicy(null, 0, MPOL_F_NODE)).mode).to.equal(1);
            await t.setMempolicy(MPOL_INTERLEAVE, 12n, 1025);
            const r = await t.getMempolicy(MAX_NUMNODES, 0, MPOL_F_NODE);
            expect(r).to.deep.equal({ mode: 2, nodemask: 12n });
        }));
    }
    it('get_mempolicy: MPOL_F_NODE gives the next node of a weighted-interleave process policy', () => withMachine(SMALL, async (m) => {
        const t = (await m.spawnProcess()).main;
        await t.setMempolicy(MPOL_WEIGHTED_INTERLEAVE, 6n, 65);
        expect((await t.getMempolicy(null, 0, MPOL_F_NODE)).mode).to.equal(1);
    }));
});
// -------------------------------------------------------------------------------------------------
describe('mbind: errors, order of checks and results', () => {
    it('mbind: bad flags, modes, masks, addresses and lengths give EINVAL', () => withMachine(SMALL, async (m) => {
        const t = (await m.spawnProcess()).main;
        const a = await mapAnon(t, 4);
        const mb = (mode, mask, maxnode, flags = 0, start = a, len = 4 * P) => () => t.mbind(start, len, mode, mask, maxnode, flags);
        await expectErrnos('mbind', [
            { what: 'flags -1 (LTP: invalid flags)', call: mb(MPOL_DEFAULT, null, 0, -1), errno: 'EINVAL' },
            { what: 'flags MPOL_MF_LAZY', call: mb(MPOL_BIND, 1n, 65, MPOL_MF_LAZY), errno: 'EINVAL' },
            { what: 'flags MPOL_MF_INTERNAL', call: mb(MPOL_BIND, 1n, 65, 16), errno: 'EINVAL' },
            { what: 'mode -1 (LTP: unknown policy)', call: mb(-1, null, 0), errno: 'EINVAL' },
            { what: 'mode MPOL_MAX', call: mb(7, 1n, 65), errno: 'EINVAL' },
            { what: 'STATIC_NODES together with RELATIVE_NODES', call: mb(MPOL_BIND | MPOL_F_STATIC_NODES | MPOL_F_RELATIVE_NODES, 1n, 65), errno: 'EINVAL' },
            { what: 'NUMA_BALANCING with INTERLEAVE', call: mb(MPOL_INTERLEAVE | MPOL_F_NUMA_BALANCING, 1n, 65), errno: 'EINVAL' },
            { what: 'a mask with maxnode 0', call: mb(MPOL_BIND, 1n, 0), errno: 'EINVAL' },
            { what: 'maxnode PAGE_SIZE * 8 + 2', call: mb(MPOL_BIND, 1n, MAXNODE_LIMIT + 1), errno: 'EINVAL' },
            { what: 'bit MAX_NUMNODES set', call: mb(MPOL_BIND, (1n << 1024n) | 1n, 1100), errno: 'EINVAL' },
            { what: 'start not page aligned', call: mb(MPOL_BIND, 1n, 65, 0, a + 1), errno: 'EINVAL' },
            { what: 'start -1 (unaligned), even with len 0', call: mb(MPOL_BIND, 1n, 65, 0, -1, 0), errno: 'EINVAL' },
            { what: 'start + len wraps past 2^64', call: mb(MPOL_BIND, 1n, 65, 0, a, -P), errno: 'EINVAL' },
            { what: 'DEFAULT with a node (LTP: target exists)', call: mb(MPOL_DEFAULT, 1n, 65), errno: 'EINVAL' },
            { what: 'BIND with no mask (LTP: no target)', call: mb(MPOL_BIND, null, 0), errno: 'EINVAL' },
            { what: 'INTERLEAVE with no mask (LTP: no target)', call: mb(MPOL_INTERLEAVE, null, 0), errno: 'EINVAL' },
            { what: 'WEIGHTED_INTERLEAVE with no mask (LTP: no target)', call: mb(MPOL_WEIGHTED_INTERLEAVE, null, 0), errno: 'EINVAL' },
            { what: 'PREFERRED_MANY with an empty mask', call: mb(MPOL_PREFERRED_MANY, 0n, 65), errno: 'EINVAL' },
            { what: 'LOCAL with a node (LTP: target exists)', call: mb(MPOL_LOCAL, 1n, 65), errno: 'EINVAL' },
            { what: 'PREFERRED, empty, with STATIC_NODES', call: mb(MPOL_PREFERRED | MPOL_F_STATIC_NODES, null, 0), errno: 'EINVAL' },
            { what: 'BIND naming only nodes that do not exist', call: mb(MPOL_BIND, 48n, 65), errno: 'EINVAL' },
            { what: 'INTERLEAVE naming only node 64', call: mb(MPOL_INTERLEAVE, 1n << 64n, 1025), errno: 'EINVAL' },
        ]);
        expect(await vmaPolicy(t, a)).to.deep.equal([MPOL_DEFAULT, 0n]);
    }));
    it('mbind: a range that is not fully mapped gives EFAULT and changes nothing', () => withMachine(SMALL, async (m) => {
        const t = (await m.spawnProcess()).main;
        const a = await mapAnon(t, 6);
        await t.munmap(a + 2 * P, P); // [a, a+2P) hole [a+3P, a+6P)
        await t.munmap(a + 5 * P, P); // ... [a+3P, a+5P) hole
        const gone = await mapAnon(t, 2);
        await t.munmap(gone, 2 * P);
        const mb = (start, len) => () => t.mbind(start, len, MPOL_BIND, 2n, 65);
        await expectErrnos('mbind', [
            { what: 'a hole in the middle', call: mb(a, 5 * P), errno: 'EFAULT' },
            { what: 'a hole at the end', call: mb(a + 3 * P, 3 * P), errno: 'EFAULT' },
            { what: 'a hole at the start', call: mb(a + 2 * P, 2 * P), errno: 'EFAULT' },
            { what: 'nothing mapped at all', call: mb(gone, 2 * P), errno: 'EFAULT' },
            { what: 'a length of 2^62 past the mapping', call: mb(a, 2 ** 62), errno: 'EFAULT' },
            { what: 'the same hole with STRICT|MOVE', call: () => t.mbind(a, 5 * P, MPOL_BIND, 2n, 65, MPOL_MF_STRICT | MPOL_MF_MOVE), errno: 'EFAULT' },
        ]);
        for (const at of [a, a + P, a + 3 * P, a + 4 * P])
            expect(await vmaPolicy(t, at), `page ${(at - a) / P}`).to.deep.equal([MPOL_DEFAULT, 0n]);
    }));
    it('mbind: MPOL_DEFAULT over a hole is fine and resets the mapped parts', () => withMachine(SMALL, async (m) => {
        const t = (await m.spawnProcess()).main;
        const a = await mapAnon(t, 3);
        await t.mbind(a, 3 * P, MPOL_BIND, 2n, 65);
        await t.munmap(a + P, P);
        await t.mbind(a, 3 * P, MPOL_DEFAULT, null, 0);
        expect(await vmaPolicy(t, a)).to.deep.equal([MPOL_DEFAULT, 0n]);
        expect(await vmaPolicy(t, a + 2 * P)).to.deep.equal([MPOL_DEFAULT, 0n]);
        // MPOL_MF_DISCONTIG_OK skips the hole checks, but a range with no VMA at all is still
        // "whole range in hole" for queue_pages_range().
        await expectErrno(t.mbind(a + P, P, MPOL_DEFAULT, null, 0), 'EFAULT', 'mbind');
    }));
    it('mbind: MPOL_MF_MOVE_ALL without CAP_SYS_NICE gives EPERM, after the flag, mode and mask checks and before the range checks', () => withMachine(SMALL, async (m) => {
        const user = (await m.spawnProcess({ uid: 1000, caps: [] })).main;
        const a = await mapAnon(user, 4);
        const mb = (start, len, mode, mask, maxnode, flags = MPOL_MF_MOVE_ALL) => () => user.mbind(start, len, mode, mask, maxnode, flags);
        await expectErrnos('mbind', [
            { what: 'MOVE_ALL', call: mb(a, 4 * P, MPOL_BIND, 1n, 65), errno: 'EPERM' },
            { what: 'MOVE_ALL|STRICT', call: mb(a, 4 * P, MPOL_BIND, 1n, 65, MPOL_MF_MOVE_ALL | MPOL_MF_STRICT), errno: 'EPERM' },
            { what: 'MOVE_ALL with an unknown flag: the flags are checked first', call: mb(a, 4 * P, MPOL_BIND, 1n, 65, MPOL_MF_MOVE_ALL | MPOL_MF_LAZY), errno: 'EINVAL' },
            { what: 'MOVE_ALL with a bad mode: sanitize_mpol_flags runs first', call: mb(a, 4 * P, 99, 1n, 65), errno: 'EINVAL' },
            { what: 'MOVE_ALL with a bad maxnode: get_nodes runs first', call: mb(a, 4 * P, MPOL_BIND, 1n, MAXNODE_LIMIT + 1), errno: 'EINVAL' },
            { what: 'MOVE_ALL with an unaligned start', call: mb(a + 1, 4 * P, MPOL_BIND, 1n, 65), errno: 'EPERM' },
            { what: 'MOVE_ALL with len 0', call: mb(a, 0, MPOL_BIND, 1n, 65), errno: 'EPERM' },
            { what: 'MOVE_ALL with BIND and an empty mask', call: mb(a, 4 * P, MPOL_BIND, null, 0), errno: 'EPERM' },
            { what: 'MOVE_ALL over an unmapped range', call: mb(a + 4 * P, P, MPOL_BIND, 1n, 65), errno: 'EPERM' },
        ]);
        expect(await vmaPolicy(user, a)).to.deep.equal([MPOL_DEFAULT, 0n]);
        // MOVE is not privileged; a capability, not the uid, decides for MOVE_ALL.
        await user.mbind(a, 4 * P, MPOL_BIND, 1n, 65, MPOL_MF_MOVE);
        const root = (await m.spawnProcess()).main;
        const b = await mapAnon(root, 2);
        await root.mbind(b, 2 * P, MPOL_BIND, 1n, 65, MPOL_MF_MOVE_ALL);
        const capless = (await m.spawnProcess({ uid: 0, caps: [] })).main;
        const c = await mapAnon(capless, 2);
        await expectErrno(capless.mbind(c, 2 * P, MPOL_BIND, 1n, 65, MPOL_MF_MOVE_ALL), 'EPERM', 'mbind');
    }));
    it('mbind: the mode and the mask are checked before the range is walked', () => withMachine(SMALL, async (m) => {
        const t = (await m.spawnProcess()).main;
        const gone = await mapAnon(t, 2);
        await t.munmap(gone, 2 * P);
        await expectErrnos('mbind', [
            { what: 'BIND with an empty mask over a hole (mpol_new)', call: () => t.mbind(gone, 2 * P, MPOL_BIND, 0n, 65), errno: 'EINVAL' },
            { what: 'BIND of missing nodes over a hole (mpol_set_nodemask)', call: () => t.mbind(gone, 2 * P, MPOL_BIND, 48n, 65), errno: 'EINVAL' },
            { what: 'DEFAULT with a node over a hole', call: () => t.mbind(gone, 2 * P, MPOL_DEFAULT, 1n, 65), errno: 'EINVAL' },
            { what: 'a good BIND over the hole', call: () => t.mbind(gone, 2 * P, MPOL_BIND, 1n, 65), errno: 'EFAULT' },
        ]);
    }));
    it('mbind: an empty range returns 0 before the policy is built or the range looked at', () => withMachine(SMALL, async (m) => {
        const t = (await m.spawnProcess()).main;
        const a = await mapAnon(t, 2);
        await t.munmap(a + P, P);
        await t.mbind(a, 0, MPOL_BIND, null, 0); // an invalid mode/mask pair
        await t.mbind(a, 0, MPOL_LOCAL, 1n, 65);
        await t.mbind(a + P, 0, MPOL_BIND, 1n, 65); // unmapped
        await t.mbind(a, -1, MPOL_BIND, 1n, 65); // PAGE_ALIGN(ULONG_MAX) wraps to 0
        await t.mbind(a, 2n ** 64n - BigInt(P) + 1n, MPOL_BIND, 1n, 65); // and so does 2^64 - 4095
        expect(await vmaPolicy(t, a)).to.deep.equal([MPOL_DEFAULT, 0n]);
        // get_nodes and sanitize_mpol_flags still run first.
        await expectErrno(t.mbind(a, 0, 99, null, 0), 'EINVAL', 'mbind');
        await expectErrno(t.mbind(a, 0, MPOL_BIND, 1n, 0), 'EINVAL', 'mbind');
    }));
    it('mbind then get_mempolicy(MPOL_F_ADDR): every mode and mode flag reports back its mode and mask (LTP mbind01)', () => withMachine(SMALL, async (m) => {
        const t = (await m.spawnProcess()).main;
        const a = await mapAnon(t, 4);
        const rows = [
            { what: 'BIND', mode: MPOL_BIND, mask: 4n, want: [MPOL_BIND, 4n] },
            { what: 'DEFAULT, no mask', mode: MPOL_DEFAULT, mask: null, want: [MPOL_DEFAULT, 0n] },
            { what: 'INTERLEAVE', mode: MPOL_INTERLEAVE, mask: 9n, want: [MPOL_INTERLEAVE, 9n] },
            { what: 'WEIGHTED_INTERLEAVE', mode: MPOL_WEIGHTED_INTERLEAVE, mask: 3n, want: [MPOL_WEIGHTED_INTERLEAVE, 3n] },
            { what: 'PREFERRED', mode: MPOL_PREFERRED, mask: 8n, want: [MPOL_PREFERRED, 8n] },
            { what: 'PREFERRED of two nodes keeps the first', mode: MPOL_PREFERRED, mask: 12n, want: [MPOL_PREFERRED, 4n] },
            { what: 'PREFERRED, no target: local, reported as MPOL_LOCAL since 5.14', mode: MPOL_PREFERRED, mask: null, want: [MPOL_LOCAL, 0n] },
            { what: 'LOCAL', mode: MPOL_LOCAL, mask: null, want: [MPOL_LOCAL, 0n] },
            { what: 'PREFERRED_MANY', mode: MPOL_PREFERRED_MANY, mask: 6n, want: [MPOL_PREFERRED_MANY, 6n] },
            { what: 'BIND|STATIC_NODES', mode: MPOL_BIND | MPOL_F_STATIC_NODES, mask: 33n, want: [MPOL_BIND | MPOL_F_STATIC_NODES, 33n] },
            { what: 'INTERLEAVE|RELATIVE_NODES', mode: MPOL_INTERLEAVE | MPOL_F_RELATIVE_NODES, mask: 3n, want: [MPOL_INTERLEAVE | MPOL_F_RELATIVE_NODES, 3n] },
            { what: 'BIND|NUMA_BALANCING', mode: MPOL_BIND | MPOL_F_NUMA_BALANCING, mask: 2n, want: [MPOL_BIND | MPOL_F_NUMA_BALANCING, 2n] },
            { what: 'nodes that do not exist are dropped', mode: MPOL_INTERLEAVE, mask: (1n << 700n) | (1n << 63n) | 5n, maxnode: MAX_NUMNODES + 1, want: [MPOL_INTERLEAVE, 5n] },
            { what: 'the mode is an int: 2^32 + MPOL_INTERLEAVE is INTERLEAVE', mode: 2 ** 32 + MPOL_INTERLEAVE, mask: 3n, want: [MPOL_INTERLEAVE, 3n] },
        ];
        for (const r of rows) {
            await t.mbind(a, 4 * P, r.mode, r.mask, r.maxnode ?? 65);
            expect(await vmaPolicy(t, a + 3 * P), r.what).to.deep.equal(r.want);
        }
        // Unaligned lengths cover whole pages; flags are an unsigned int (2^32 + STRICT is STRICT).
        await t.mbind(a, 1, MPOL_BIND, 2n, 65, 2 ** 32 + MPOL_MF_STRICT);
        expect(await vmaPolicy(t, a)).to.deep.equal([MPOL_BIND, 2n]);
        expect(await vmaPolicy(t, a + P)).to.deep.equal([MPOL_INTERLEAVE, 3n]);
    }));
    for (const kernel of ['6.12', '2.6.7']) {
        it(`mbind: STRICT with a misplaced page gives EIO and leaves the policy unapplied (${kernel})`, () => withMachine(on(kernel), async (m) => {
            const t = (await m.spawnProcess({ cpu: 0 })).main;
            const a = await mapAnon(t, 2);
            await t.touch(a + P, P, 'write'); // node 0
            await expectErrno(t.mbind(a, 2 * P, MPOL_BIND, 2n, 65, MPOL_MF_STRICT), 'EIO', 'mbind');
            await expectErrno(t.mbind(a, 2 * P, MPOL_INTERLEAVE, 12n, 65, MPOL_MF_STRICT), 'EIO', 'mbind');
            await expectErrno(t.mbind(a, 2 * P, MPOL_PREFERRED, 8n, 65, MPOL_MF_STRICT), 'EIO', 'mbind');
            for (const at of [a, a + P])
                expect(await vmaPolicy(t, at, MAX_NUMNODES)).to.deep.equal([MPOL_DEFAULT, 0n]);
            // A mask that contains the page's node is not misplaced.
            await t.mbind(a, 2 * P, MPOL_BIND, 3n, 65, MPOL_MF_STRICT);
            expect(await vmaPolicy(t, a, MAX_NUMNODES)).to.deep.equal([MPOL_BIND, 3n]);
        }));
    }
    it('mbind: STRICT checks the given mask, not the effective one (PREFERRED keeps one node, the others still count)', () => withMachine(SMALL, async (m) => {
        const t = (await m.spawnProcess({ cpu: 4 })).main; // node 2
        const a = await mapAnon(t, 1);
        await t.touch(a, P, 'write');
        await t.mbind(a, P, MPOL_PREFERRED, 6n, 65, MPOL_MF_STRICT);
        expect(await vmaPolicy(t, a)).to.deep.equal([MPOL_PREFERRED, 2n]);
    }));
    it('mbind: STRICT ignores the shared zero page and pages never touched', () => withMachine(SMALL, async (m) => {
        const t = (await m.spawnProcess({ cpu: 0 })).main;
        const a = await mapAnon(t, 2);
        await t.touch(a, P, 'read'); // the zero page, not a page of this mapping
        await t.mbind(a, 2 * P, MPOL_BIND, 4n, 65, MPOL_MF_STRICT);
        expect(await vmaPolicy(t, a)).to.deep.equal([MPOL_BIND, 4n]);
    }));
    it('mbind: STRICT is dropped for MPOL_DEFAULT', () => withMachine(SMALL, async (m) => {
        const t = (await m.spawnProcess({ cpu: 0 })).main;
        const a = await mapAnon(t, 1);
        await t.mbind(a, P, MPOL_BIND, 1n, 65);
        await t.touch(a, P, 'write'); // node 0, outside the (empty) mask MPOL_DEFAULT passes
        await t.mbind(a, P, MPOL_DEFAULT, null, 0, MPOL_MF_STRICT);
        expect(await vmaPolicy(t, a)).to.deep.equal([MPOL_DEFAULT, 0n]);
    }));
    it('mbind: a hole after a VMA holding a misplaced page is EFAULT, not EIO (STRICT)', () => 
    // queue_pages_test_walk() checks for a hole after a VMA before queue_folios_pte_range() scans
    // its pages, so the walk stops with -EFAULT before it can see the misplaced page.
    withMachine(SMALL, async (m) => {
        const t = (await m.spawnProcess({ cpu: 0 })).main;
        const a = await mapAnon(t, 3);
        await t.touch(a, P, 'write'); // node 0
        await t.munmap(a + P, P);
        await expectErrno(t.mbind(a, 3 * P, MPOL_BIND, 2n, 65, MPOL_MF_STRICT), 'EFAULT', 'mbind');
    }));
    it('mbind: a misplaced page before a hole that comes after the next VMA gives EIO (STRICT)', () => 
    // The first VMA is followed directly by the second, so its pages are scanned, and the scan
    // stops with -EIO before the second VMA's test finds the hole after it.
    withMachine(SMALL, async (m) => {
        const t = (await m.spawnProcess({ cpu: 0 })).main;
        const a = await mapAnon(t, 4);
        await t.touch(a, P, 'write'); // node 0
        await t.mbind(a + P, 3 * P, MPOL_PREFERRED, 4n, 65); // a second VMA right after the first
        await t.munmap(a + 3 * P, P);
        await expectErrno(t.mbind(a, 4 * P, MPOL_BIND, 2n, 65, MPOL_MF_STRICT), 'EIO', 'mbind');
        expect(await vmaPolicy(t, a)).to.deep.equal([MPOL_DEFAULT, 0n]);
    }));
});
// -------------------------------------------------------------------------------------------------
describe('mmap and munmap: errors and order of checks', () => {
    it('mmap: bad lengths, offsets, flags and addresses give the errno of mmap(2)', () => withMachine(SMALL, async (m) => {
        const t = (await m.spawnProcess()).main;
        const a = await mapAnon(t, 2);
        const mm = (addr, len, flags, fd = -1, off = 0, prot = RW) => () => t.mmap(addr, len, prot, flags, fd, off);
        await expectErrnos('mmap', [
            { what: 'length 0', call: mm(0, 0, ANON), errno: 'EINVAL' },
            { what: 'offset not page aligned', call: mm(0, P, ANON, -1, 100), errno: 'EINVAL' },
            { what: 'offset -1 (unaligned)', call: mm(0, P, ANON, -1, -1), errno: 'EINVAL' },
            { what: 'no MAP_ANONYMOUS and no file (fd -1)', call: mm(0, P, MAP_PRIVATE), errno: 'EBADF' },
            { what: 'no MAP_ANONYMOUS, fd 1000', call: mm(0, P, MAP_SHARED, 1000), errno: 'EBADF' },
            { what: 'an unaligned offset is checked before the fd (sys_mmap)', call: mm(0, P, MAP_PRIVATE, -1, 1), errno: 'EINVAL' },
            { what: 'the fd is checked before the length (ksys_mmap_pgoff)', call: mm(0, 0, MAP_PRIVATE), errno: 'EBADF' },
            { what: 'neither MAP_PRIVATE nor MAP_SHARED', call: mm(0, P, MAP_ANONYMOUS), errno: 'EINVAL' },
            { what: 'MAP_SHARED_VALIDATE of anonymous memory', call: mm(0, P, MAP_SHARED_VALIDATE | MAP_ANONYMOUS), errno: 'EINVAL' },
            { what: 'length -1: PAGE_ALIGN wraps to 0', call: mm(0, -1, ANON), errno: 'ENOMEM' },
            { what: 'length -1 is checked before the map type', call: mm(0, -1, MAP_ANONYMOUS), errno: 'ENOMEM' },
            { what: 'length 2^62, more than the address space', call: mm(0, 2 ** 62, ANON), errno: 'ENOMEM' },
            { what: 'MAP_FIXED at an unaligned address', call: mm(a + 1, P, ANON | MAP_FIXED), errno: 'EINVAL' },
            { what: 'MAP_FIXED above the address space', call: mm(ABOVE_TASK_SIZE, P, ANON | MAP_FIXED), errno: 'ENOMEM' },
            { what: 'MAP_FIXED_NOREPLACE over a mapping', call: mm(a, P, ANON | MAP_FIXED_NOREPLACE), errno: 'EEXIST' },
            { what: 'MAP_FIXED_NOREPLACE over part of a mapping', call: mm(a - P, 2 * P, ANON | MAP_FIXED_NOREPLACE), errno: 'EEXIST' },
            { what: 'MAP_FIXED_NOREPLACE collides before the map type is checked', call: mm(a, P, MAP_ANONYMOUS | MAP_FIXED_NOREPLACE), errno: 'EEXIST' },
        ]);
        expect(await t.load(a, 1)).to.deep.equal(new Uint8Array(1));
    }));
    it('mmap: MAP_FIXED at an unaligned address above TASK_SIZE gives ENOMEM (the range is checked before the alignment)', () => 
    // __get_unmapped_area(): the arch code returns a MAP_FIXED address unchecked, then
    // "addr > TASK_SIZE - len" gives -ENOMEM before "offset_in_page(addr)" gives -EINVAL.
    withMachine(SMALL, async (m) => {
        const t = (await m.spawnProcess()).main;
        await expectErrno(t.mmap(ABOVE_TASK_SIZE + 1, P, RW, ANON | MAP_FIXED), 'ENOMEM', 'mmap');
    }));
    it('mmap: odd but valid calls succeed (aligned offset -4096, unaligned length, MAP_FIXED over a mapping)', () => withMachine(SMALL, async (m) => {
        const t = (await m.spawnProcess()).main;
        // An aligned offset is ignored for anonymous memory, even 2^64 - 4096.
        const x = await t.mmap(0, P, RW, ANON, -1, -P);
        await t.store(x, new Uint8Array([1]));
        // An unaligned length covers whole pages.
        const y = await t.mmap(0, P + 1, RW, ANON);
        await t.store(y + P + 100, new Uint8Array([2]));
        // MAP_FIXED replaces what was there, VMA policy included.
        await t.mbind(y, 2 * P, MPOL_BIND, 2n, 65);
        expect(await t.mmap(y, 2 * P, RW, ANON | MAP_FIXED)).to.equal(y);
        expect(await vmaPolicy(t, y)).to.deep.equal([MPOL_DEFAULT, 0n]);
        expect(await t.load(y + P + 100, 1)).to.deep.equal(new Uint8Array([0]));
    }));
    it('mmap: ENOMEM once the map count is above vm.max_map_count (do_mmap tests map_count > max)', () => 
    // do_mmap(): "if (mm->map_count > sysctl_max_map_count) return -ENOMEM;", so a process at
    // exactly the limit still gets one more mapping.
    withMachine({ ...SMALL, limits: { maxVmas: 3 } }, async (m) => {
        const t = (await m.spawnProcess()).main;
        const prots = [PROT_READ, RW, PROT_READ]; // neighbours that cannot merge
        for (const prot of prots)
            await t.mmap(0, P, prot, ANON);
        await t.mmap(0, P, RW, ANON); // map_count 3, not above 3
        await expectErrno(t.mmap(0, P, PROT_READ, ANON), 'ENOMEM', 'mmap');
    }));
    it('munmap: bad addresses and lengths give EINVAL; an unmapped range is not an error', () => withMachine(SMALL, async (m) => {
        const t = (await m.spawnProcess()).main;
        const a = await mapAnon(t, 3);
        await expectErrnos('munmap', [
            { what: 'address not page aligned', call: () => t.munmap(a + 1, P), errno: 'EINVAL' },
            { what: 'address -1', call: () => t.munmap(-1, P), errno: 'EINVAL' },
            { what: 'length 0', call: () => t.munmap(a, 0), errno: 'EINVAL' },
            { what: 'length -1', call: () => t.munmap(a, -1), errno: 'EINVAL' },
            { what: 'length 2^62', call: () => t.munmap(a, 2 ** 62), errno: 'EINVAL' },
            { what: 'address above TASK_SIZE', call: () => t.munmap(ABOVE_TASK_SIZE, P), errno: 'EINVAL' },
            { what: 'an unaligned address is EINVAL even with length 0', call: () => t.munmap(a + 1, 0), errno: 'EINVAL' },
        ]);
        expect(await t.load(a, 1)).to.deep.equal(new Uint8Array(1));
        // An unaligned length covers whole pages; unmapping nothing succeeds.
        await t.munmap(a, 1);
        await expectErrno(t.load(a, 1), 'EFAULT', 'load');
        await t.munmap(a, P);
        await t.munmap(a - 16 * P, 16 * P);
        expect(await t.load(a + P, 1)).to.deep.equal(new Uint8Array(1));
    }));
    it('munmap: a hole in the middle of a mapping at the map count limit gives ENOMEM', () => withMachine({ ...SMALL, limits: { maxVmas: 3 } }, async (m) => {
        const t = (await m.spawnProcess()).main;
        const a = await t.mmap(0, 3 * P, PROT_READ, ANON);
        await t.mmap(0, P, RW, ANON);
        await t.mmap(0, P, PROT_READ, ANON);
        await expectErrno(t.munmap(a + P, P), 'ENOMEM', 'munmap');
        expect(await t.load(a + P, 1)).to.deep.equal(new Uint8Array(1));
    }));
    it('munmap: trimming either end of a mapping at the map count limit succeeds (only a middle hole is refused)', () => 
    // The ENOMEM test in the munmap path applies only when one VMA is split twice; a split at one
    // end (__split_vma) bypasses sysctl_max_map_count and leaves the count unchanged.
    withMachine({ ...SMALL, limits: { maxVmas: 3 } }, async (m) => {
        const t = (await m.spawnProcess()).main;
        const a = await t.mmap(0, 3 * P, PROT_READ, ANON);
        await t.mmap(0, P, RW, ANON);
        await t.mmap(0, P, PROT_READ, ANON);
        await t.munmap(a, P);
        await t.munmap(a + 2 * P, P);
        expect(await t.load(a + P, 1)).to.deep.equal(new Uint8Array(1));
        await expectErrno(t.load(a, 1), 'EFAULT', 'load');
    }));
});
// -------------------------------------------------------------------------------------------------
describe('system-call arguments as the C ABI passes them', () => {
    it('values no C caller could pass (strings, NaN, 1.5, objects) are TypeErrors with code ERR_INVALID_ARG_TYPE', () => withMachine(SMALL, async (m) => {
        const t = (await m.spawnProcess()).main;
        const a = await mapAnon(t, 1);
        const n = (bad);
        await expectTypeErrors([
            { what: 'set_mempolicy mode "2"', call: () => t.setMempolicy(n('2'), 1n, 65) },
            { what: 'set_mempolicy mode NaN', call: () => t.setMempolicy(NaN, 1n, 65) },
            { what: 'set_mempolicy mode 1.5', call: () => t.setMempolicy(1.5, 1n, 65) },
            { what: 'set_mempolicy mode Infinity', call: () => t.setMempolicy(Infinity, 1n, 65) },
            { what: 'set_mempolicy nodemask "1"', call: () => t.setMempolicy(MPOL_BIND, bad('1'), 65) },
            { what: 'set_mempolicy nodemask -1n', call: () => t.setMempolicy(MPOL_BIND, -1n, 65) },
            { what: 'set_mempolicy nodemask 1.5', call: () => t.setMempolicy(MPOL_BIND, 1.5, 65) },
            { what: 'set_mempolicy nodemask {}', call: () => t.setMempolicy(MPOL_BIND, bad({}), 65) },
            { what: 'set_mempolicy maxnode "65"', call: () => t.setMempolicy(MPOL_BIND, 1n, n('65')) },
            { what: 'set_mempolicy maxnode 64.5', call: () => t.setMempolicy(MPOL_BIND, 1n, 64.5) },
            { what: 'get_mempolicy maxnode NaN', call: () => t.getMempolicy(NaN) },
            { what: 'get_mempolicy addr "0"', call: () => t.getMempolicy(null, n('0'), 0) },
            { what: 'get_mempolicy flags 1.5', call: () => t.getMempolicy(null, 0, 1.5) },
            { what: 'mbind addr 1.5', call: () => t.mbind(1.5, P, MPOL_BIND, 1n, 65) },
            { what: 'mbind len "4096"', call: () => t.mbind(a, n('4096'), MPOL_BIND, 1n, 65) },
            { what: 'mbind mode NaN', call: () => t.mbind(a, P, NaN, 1n, 65) },
            { what: 'mbind nodemask NaN', call: () => t.mbind(a, P, MPOL_BIND, NaN, 65) },
            { what: 'mbind maxnode 65.5', call: () => t.mbind(a, P, MPOL_BIND, 1n, 65.5) },
            { what: 'mbind flags "1"', call: () => t.mbind(a, P, MPOL_BIND, 1n, 65, n('1')) },
            { what: 'mmap length 1.5', call: () => t.mmap(0, 1.5, RW, ANON) },
            { what: 'mmap prot "3"', call: () => t.mmap(0, P, n('3'), ANON) },
            { what: 'mmap flags NaN', call: () => t.mmap(0, P, RW, NaN) },
            { what: 'mmap fd 0.5', call: () => t.mmap(0, P, RW, ANON, 0.5) },
            { what: 'mmap offset NaN', call: () => t.mmap(0, P, RW, ANON, -1, NaN) },
            { what: 'munmap addr NaN', call: () => t.munmap(NaN, P) },
            { what: 'munmap length "4096"', call: () => t.munmap(a, n('4096')) },
        ]);
        // None of them reached the kernel.
        expect(await taskPolicy(t)).to.deep.equal([MPOL_DEFAULT, 0n]);
        expect(await vmaPolicy(t, a)).to.deep.equal([MPOL_DEFAULT, 0n]);
        expect(await t.load(a, 1)).to.deep.equal(new Uint8Array(1));
    }));
    it('integers of either type are accepted, negative ones as wrapped unsigned values', () => withMachine(SMALL, async (m) => {
        const t = (await m.spawnProcess()).main;
        const a = await mapAnon(t, 2);
        // number masks and bigint arguments are the same call
        await t.setMempolicy(MPOL_BIND, 0b10, 65);
        expect(await taskPolicy(t)).to.deep.equal([MPOL_BIND, 2n]);
        await t.mbind(BigInt(a), BigInt(2 * P), BigInt(MPOL_PREFERRED), 4n, 65n, 0n);
        expect(await vmaPolicy(t, a)).to.deep.equal([MPOL_PREFERRED, 4n]);
        // -1 as an unsigned long is ULONG_MAX: a too-large maxnode once a mask is given ...
        await expectErrno(t.setMempolicy(MPOL_BIND, 1n, -1n), 'EINVAL', 'set_mempolicy');
        // ... and ignored without one.
        await t.setMempolicy(MPOL_DEFAULT, null, -1);
        // -2^32 + MPOL_BIND truncates to the int MPOL_BIND.
        await t.setMempolicy(-(2 ** 32) + MPOL_BIND, 1n, 65);
        expect(await taskPolicy(t)).to.deep.equal([MPOL_BIND, 1n]);
        // A negative mbind flags value is a huge unsigned int.
        await expectErrno(t.mbind(a, P, MPOL_BIND, 1n, 65, -2), 'EINVAL', 'mbind');
    }));
});
// -------------------------------------------------------------------------------------------------
describe('the 2.6.7 profile (and where 6.12 differs from it)', () => {
    it('2.6.7: modes from MPOL_LOCAL up and every mode flag give EINVAL', () => withMachine(on('2.6.7'), async (m) => {
        const t = (await m.spawnProcess()).main;
        const a = await mapAnon(t, 1);
        const modes = [
            ['LOCAL', MPOL_LOCAL, null],
            ['PREFERRED_MANY', MPOL_PREFERRED_MANY, 1n],
            ['WEIGHTED_INTERLEAVE', MPOL_WEIGHTED_INTERLEAVE, 1n],
            ['MPOL_MAX of 2.6.7 (4) with a mask', 4, 1n],
            ['BIND|STATIC_NODES', MPOL_BIND | MPOL_F_STATIC_NODES, 1n],
            ['BIND|RELATIVE_NODES', MPOL_BIND | MPOL_F_RELATIVE_NODES, 1n],
            ['BIND|NUMA_BALANCING', MPOL_BIND | MPOL_F_NUMA_BALANCING, 1n],
        ];
        await expectErrnos('set_mempolicy', modes.map(([what, mode, mask]) => ({ what, call: () => t.setMempolicy(mode, mask, 1025), errno: 'EINVAL' })));
        await expectErrnos('mbind', modes.map(([what, mode, mask]) => ({ what, call: () => t.mbind(a, P, mode, mask, 1025), errno: 'EINVAL' })));
    }));
    it('2.6.7: MPOL_MF_MOVE and MPOL_MF_MOVE_ALL are unknown flags (EINVAL, never EPERM)', () => withMachine(on('2.6.7'), async (m) => {
        const root = (await m.spawnProcess()).main;
        const user = (await m.spawnProcess({ uid: 1000, caps: [] })).main;
        const a = await mapAnon(root, 1);
        const b = await mapAnon(user, 1);
        await expectErrnos('mbind', [
            { what: 'MOVE', call: () => root.mbind(a, P, MPOL_BIND, 1n, 1025, MPOL_MF_MOVE), errno: 'EINVAL' },
            { what: 'MOVE_ALL as root', call: () => root.mbind(a, P, MPOL_BIND, 1n, 1025, MPOL_MF_MOVE_ALL), errno: 'EINVAL' },
            { what: 'MOVE_ALL without CAP_SYS_NICE', call: () => user.mbind(b, P, MPOL_BIND, 1n, 1025, MPOL_MF_MOVE_ALL), errno: 'EINVAL' },
            { what: 'STRICT|MOVE', call: () => root.mbind(a, P, MPOL_BIND, 1n, 1025, MPOL_MF_STRICT | MPOL_MF_MOVE), errno: 'EINVAL' },
        ]);
        await root.mbind(a, P, MPOL_BIND, 1n, 1025, MPOL_MF_STRICT);
    }));
    it('2.6.7: a mask naming a node that does not exist is EINVAL, not trimmed', () => withMachine(on('2.6.7'), async (m) => {
        const t = (await m.spawnProcess()).main;
        const a = await mapAnon(t, 1);
        const masks = [
            ['nodes 0-1 and 4-5', 51n],
            ['node 1 and node 64', (1n << 64n) | 2n],
            ['node 1 and node 1023', (1n << 1023n) | 2n],
        ];
        await expectErrnos('set_mempolicy', masks.map(([what, mask]) => ({ what, call: () => t.setMempolicy(MPOL_BIND, mask, 1025), errno: 'EINVAL' })));
        await expectErrnos('mbind', masks.map(([what, mask]) => ({ what, call: () => t.mbind(a, P, MPOL_INTERLEAVE, mask, 1025), errno: 'EINVAL' })));
        await expectErrnos('set_mempolicy', [{ what: 'bit MAX_NUMNODES', call: () => t.setMempolicy(MPOL_BIND, (1n << 1024n) | 1n, 1026), errno: 'EINVAL' }]);
        await t.setMempolicy(MPOL_BIND, 15n, 1025);
        expect(await taskPolicy(t, MAX_NUMNODES)).to.deep.equal([MPOL_BIND, 15n]);
    }));
    it('2.6.7: get_mempolicy wants room for MAX_NUMNODES bits and knows no MPOL_F_MEMS_ALLOWED', () => withMachine(on('2.6.7'), async (m) => {
        const t = (await m.spawnProcess()).main;
        await expectErrnos('get_mempolicy', [
            { what: 'maxnode nr_node_ids', call: () => t.getMempolicy(4), errno: 'EINVAL' },
            { what: 'maxnode 64 (MAX_NUMNODES is 1024)', call: () => t.getMempolicy(64), errno: 'EINVAL' },
            { what: 'maxnode MAX_NUMNODES - 1', call: () => t.getMempolicy(MAX_NUMNODES - 1), errno: 'EINVAL' },
            { what: 'MPOL_F_MEMS_ALLOWED', call: () => t.getMempolicy(MAX_NUMNODES, 0, MPOL_F_MEMS_ALLOWED), errno: 'EINVAL' },
            { what: 'MPOL_F_MEMS_ALLOWED without a mask', call: () => t.getMempolicy(null, 0, MPOL_F_MEMS_ALLOWED), errno: 'EINVAL' },
        ]);
        expect(await taskPolicy(t, MAX_NUMNODES)).to.deep.equal([MPOL_DEFAULT, 0n]);
        expect((await t.getMempolicy(null)).mode).to.equal(MPOL_DEFAULT);
    }));
    it('2.6.7: PREFERRED with an empty mask is reported as PREFERRED with every memory node', () => withMachine(on('2.6.7'), async (m) => {
        const t = (await m.spawnProcess()).main;
        const a = await mapAnon(t, 1);
        await t.setMempolicy(MPOL_PREFERRED, null, 0);
        expect(await taskPolicy(t, MAX_NUMNODES)).to.deep.equal([MPOL_PREFERRED, ALL_NODES]);
        await t.mbind(a, P, MPOL_PREFERRED, 0n, 1025);
        expect(await vmaPolicy(t, a, MAX_NUMNODES)).to.deep.equal([MPOL_PREFERRED, ALL_NODES]);
        // A real preferred node is reported as itself.
        await t.mbind(a, P, MPOL_PREFERRED, 4n, 1025);
        expect(await vmaPolicy(t, a, MAX_NUMNODES)).to.deep.equal([MPOL_PREFERRED, 4n]);
    }));
    it('2.6.7: mbind reads the mask after the range checks, so an empty range never looks at it', () => withMachine(on('2.6.7'), async (m) => {
        const t = (await m.spawnProcess()).main;
        const a = await mapAnon(t, 1);
        const tooBig = (1n << 1050n) | 1n;
        await t.mbind(a, 0, MPOL_BIND, tooBig, 1100);
        await t.mbind(a, 0, MPOL_BIND, 1n, MAXNODE_LIMIT + 1);
        // The mode and the flags are still checked first, and the start's alignment.
        await expectErrno(t.mbind(a, 0, MPOL_LOCAL, null, 0), 'EINVAL', 'mbind');
        await expectErrno(t.mbind(a + 1, 0, MPOL_BIND, tooBig, 1100), 'EINVAL', 'mbind');
        // With a range, the mask is read and refused.
        await expectErrno(t.mbind(a, P, MPOL_BIND, tooBig, 1100), 'EINVAL', 'mbind');
    }));
    it('6.12: mbind reads the mask before the range checks, so an empty range with a bad mask is EINVAL', () => withMachine(SMALL, async (m) => {
        const t = (await m.spawnProcess()).main;
        const a = await mapAnon(t, 1);
        await expectErrno(t.mbind(a, 0, MPOL_BIND, (1n << 1050n) | 1n, 1100), 'EINVAL', 'mbind');
        await expectErrno(t.mbind(a, 0, MPOL_BIND, 1n, MAXNODE_LIMIT + 1), 'EINVAL', 'mbind');
    }));
    it('2.6.7: mbind with MPOL_DEFAULT over a hole is EFAULT too (MPOL_MF_DISCONTIG_OK came with MPOL_MF_MOVE in 2.6.16)', () => 
    // Before the page-migration series, check_range() refused a hole whatever the mode.
    withMachine(on('2.6.7'), async (m) => {
        const t = (await m.spawnProcess()).main;
        const a = await mapAnon(t, 3);
        await t.mbind(a, 3 * P, MPOL_BIND, 2n, 1025);
        await t.munmap(a + P, P);
        await expectErrno(t.mbind(a, 3 * P, MPOL_DEFAULT, null, 0), 'EFAULT', 'mbind');
        expect(await vmaPolicy(t, a, MAX_NUMNODES)).to.deep.equal([MPOL_BIND, 2n]);
    }));
    it('2.6.7: the other errors of mbind and get_mempolicy are those of 6.12', () => withMachine(on('2.6.7'), async (m) => {
        const t = (await m.spawnProcess()).main;
        const a = await mapAnon(t, 2);
        await t.munmap(a + P, P);
        await expectErrnos('mbind', [
            { what: 'flags -1', call: () => t.mbind(a, P, MPOL_DEFAULT, null, 0, -1), errno: 'EINVAL' },
            { what: 'mode -1', call: () => t.mbind(a, P, -1, null, 0), errno: 'EINVAL' },
            { what: 'DEFAULT with a node', call: () => t.mbind(a, P, MPOL_DEFAULT, 1n, 1025), errno: 'EINVAL' },
            { what: 'BIND with no mask', call: () => t.mbind(a, P, MPOL_BIND, null, 0), errno: 'EINVAL' },
            { what: 'INTERLEAVE with no mask', call: () => t.mbind(a, P, MPOL_INTERLEAVE, null, 0), errno: 'EINVAL' },
            { what: 'unaligned start', call: () => t.mbind(a + 1, P, MPOL_BIND, 1n, 1025), errno: 'EINVAL' },
            { what: 'a hole at the end', call: () => t.mbind(a, 2 * P, MPOL_BIND, 1n, 1025), errno: 'EFAULT' },
        ]);
        await expectErrnos('get_mempolicy', [
            { what: 'flags -1', call: () => t.getMempolicy(MAX_NUMNODES, 0, -1), errno: 'EINVAL' },
            { what: 'an address without MPOL_F_ADDR', call: () => t.getMempolicy(MAX_NUMNODES, a, 0), errno: 'EINVAL' },
            { what: 'ADDR at NULL', call: () => t.getMempolicy(MAX_NUMNODES, 0, MPOL_F_ADDR), errno: 'EFAULT' },
            { what: 'ADDR on the unmapped page', call: () => t.getMempolicy(MAX_NUMNODES, a + P, MPOL_F_ADDR), errno: 'EFAULT' },
            { what: 'NODE without ADDR, no interleave', call: () => t.getMempolicy(null, 0, MPOL_F_NODE), errno: 'EINVAL' },
        ]);
        // And the successes report the same way.
        for (const [mode, mask] of [[MPOL_BIND, 6n], [MPOL_INTERLEAVE, 9n], [MPOL_PREFERRED, 8n]]) {
            await t.mbind(a, P, mode, mask, 1025);
            expect(await vmaPolicy(t, a, MAX_NUMNODES)).to.deep.equal([mode, mask]);
            await t.setMempolicy(mode, mask, 1025);
            expect(await taskPolicy(t, MAX_NUMNODES)).to.deep.equal([mode, mask]);
        }
        await t.mbind(a, P, MPOL_DEFAULT, null, 0);
        expect(await vmaPolicy(t, a, MAX_NUMNODES)).to.deep.equal([MPOL_DEFAULT, 0n]);
    }));
});
//# sourceMappingURL=mempolicy-errno.test.js.map