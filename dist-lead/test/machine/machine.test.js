import { expect } from 'chai';
import { MPOL_BIND, MPOL_PREFERRED, Machine, PAGE_SIZE } from '../../src/index.js';
import { SMALL, expectErrno, fixture, mapAnon, nodesOf, withMachine } from '../helpers.js';
const PROBE = fixture('task-probe');
/** Expect `Machine.create(opts)` to reject with a RangeError whose code is ERR_INVALID_ARG_VALUE. */
async function expectInvalid(opts) {
    let err;
    let made;
    try {
        made = await Machine.create(opts);
    }
    catch (e) {
        err = e;
    }
    finally {
        await made?.close();
    }
    expect(err, 'Machine.create should reject').to.be.instanceOf(RangeError);
    expect(err.code).to.equal('ERR_INVALID_ARG_VALUE');
}
/** Rejection of `p`, or a failure if it resolves. */
async function rejection(p) {
    try {
        await p;
    }
    catch (e) {
        return e;
    }
    expect.fail('expected the promise to reject');
}
/** A value in kB from a node's meminfo text. */
function meminfoKb(text, key) {
    const m = new RegExp(`^Node \\d+ ${key}:\\s+(\\d+) kB$`, 'm').exec(text);
    expect(m, `${key} in meminfo`).to.not.equal(null);
    return Number(m[1]);
}
const TWO = [{ memory: '1M' }, { memory: '1M' }];
describe('Machine.create validation', () => {
    it('rejects a SLIT whose diagonal is not 10', () => expectInvalid({ nodes: TWO, distance: [[10, 21], [21, 11]] }));
    it('rejects a remote distance of 10 (below 11)', () => expectInvalid({ nodes: TWO, distance: [[10, 10], [10, 10]] }));
    it('rejects a remote distance of 255 (above 254)', () => expectInvalid({ nodes: TWO, distance: [[10, 255], [255, 10]] }));
    it('rejects a non-integer distance', () => expectInvalid({ nodes: TWO, distance: [[10, 20.5], [20.5, 10]] }));
    it('accepts the extremes 11 and 254 as remote distances', () => withMachine({ nodes: TWO, distance: [[10, 11], [254, 10]] }, async (m) => {
        expect(m.distance(0, 1)).to.equal(11);
        expect(m.distance(1, 0)).to.equal(254);
    }));
    it('rejects a distance matrix with too many rows', () => expectInvalid({ nodes: TWO, distance: [[10, 21, 21], [21, 10, 21], [21, 21, 10]] }));
    it('rejects a ragged distance matrix', () => expectInvalid({ nodes: TWO, distance: [[10, 21], [21]] }));
    it('rejects a distance matrix for fewer nodes than the machine has', () => expectInvalid({ nodes: TWO, distance: [[10]] }));
    it('rejects duplicate node ids', () => expectInvalid({ nodes: [{ id: 1, memory: '1M' }, { id: 1, memory: '1M' }] }));
    it('rejects a node id equal to 64', () => expectInvalid({ nodes: [{ id: 0, memory: '1M' }, { id: 64, memory: '1M' }] }));
    it('rejects a negative node id', () => expectInvalid({ nodes: [{ id: -1, memory: '1M' }] }));
    it('accepts node id 63', () => withMachine({ nodes: [{ id: 0, memory: '1M' }, { id: 63, memory: '1M' }] }, async (m) => {
        expect(m.nodes.map((n) => n.id)).to.deep.equal([0, 63]);
        expect(await m.readFile('/sys/devices/system/node/online')).to.equal('0,63\n');
    }));
    it('rejects memory that is not a multiple of 4096 bytes', () => expectInvalid({ nodes: [{ memory: 4096 + 100 }] }));
    it('rejects a memory string that is not a size', () => expectInvalid({ nodes: [{ memory: 'lots' }] }));
    it('rejects a machine without any CPU', () => expectInvalid({ nodes: [{ cpus: 0, memory: '1M' }, { cpus: [], memory: '1M' }] }));
    it('rejects a machine without any memory', () => expectInvalid({ nodes: [{ memory: 0 }, { memory: 0 }] }));
    it('rejects a machine without nodes', () => expectInvalid({ nodes: [] }));
    it('rejects an unknown kernel profile', () => expectInvalid({ kernel: '3.0' }));
    it('rejects a CPU that two nodes claim', () => expectInvalid({ nodes: [{ cpus: [0, 1], memory: '1M' }, { cpus: [1], memory: '1M' }] }));
});
describe('machine topology', () => {
    // Node 0: CPUs 0-1, 4 MiB. Node 2: CPUs 2-3, no memory. Node 5: no CPU, 1 MiB.
    // From node 2, node 5 (20) is nearer than node 0 (30).
    const SPARSE = {
        nodes: [
            { id: 0, cpus: 2, memory: '4M' },
            { id: 2, cpus: 2, memory: 0 },
            { id: 5, cpus: 0, memory: '1M' },
        ],
        distance: [
            [10, 30, 40],
            [30, 10, 20],
            [40, 20, 10],
        ],
    };
    it('sparse node ids: the node lists in sysfs name exactly the configured nodes', () => withMachine(SPARSE, async (m) => {
        expect(m.nodes).to.deep.equal([
            { id: 0, cpus: [0, 1], memory: 4 * 1024 * 1024 },
            { id: 2, cpus: [2, 3], memory: 0 },
            { id: 5, cpus: [], memory: 1024 * 1024 },
        ]);
        expect(await m.readFile('/sys/devices/system/node/online')).to.equal('0,2,5\n');
        expect(await m.readFile('/sys/devices/system/node/possible')).to.equal('0,2,5\n');
        expect(await m.readFile('/sys/devices/system/node/has_memory')).to.equal('0,5\n');
        expect(await m.readFile('/sys/devices/system/node/has_cpu')).to.equal('0,2\n');
    }));
    it('sparse node ids: nodeN/distance lists the row in node-id order and nodeN/cpulist the CPUs', () => withMachine(SPARSE, async (m) => {
        expect(await m.readFile('/sys/devices/system/node/node0/distance')).to.equal('10 30 40\n');
        expect(await m.readFile('/sys/devices/system/node/node2/distance')).to.equal('30 10 20\n');
        expect(await m.readFile('/sys/devices/system/node/node5/distance')).to.equal('40 20 10\n');
        expect(m.distance(2, 5)).to.equal(20);
        expect(m.distance(5, 0)).to.equal(40);
        expect(await m.readFile('/sys/devices/system/node/node0/cpulist')).to.equal('0-1\n');
        expect(await m.readFile('/sys/devices/system/node/node2/cpulist')).to.equal('2-3\n');
        expect(await m.readFile('/sys/devices/system/node/node5/cpulist')).to.equal('\n');
    }));
    it('sparse node ids: files of a node id that does not exist are not there', () => withMachine(SPARSE, async (m) => {
        await expectErrno(m.readFile('/sys/devices/system/node/node1/meminfo'), 'ENOENT');
        await expectErrno(m.readFile('/sys/devices/system/node/node3/distance'), 'ENOENT');
    }));
    it('a task on a memoryless node allocates from the nearest node with memory', () => withMachine(SPARSE, async (m) => {
        const p = await m.spawnProcess({ cpu: 2 });
        expect(await p.main.getcpu()).to.deep.equal({ cpu: 2, node: 2 });
        const before5 = await m.readFile('/sys/devices/system/node/node5/meminfo');
        const before0 = await m.readFile('/sys/devices/system/node/node0/meminfo');
        const a = await mapAnon(p.main, 3);
        await p.main.touch(a, 3 * PAGE_SIZE, 'write');
        expect(await nodesOf(p.main, a, 3)).to.deep.equal([5, 5, 5]);
        const after5 = await m.readFile('/sys/devices/system/node/node5/meminfo');
        expect(meminfoKb(after5, 'MemFree')).to.equal(meminfoKb(before5, 'MemFree') - 12);
        expect(meminfoKb(await m.readFile('/sys/devices/system/node/node0/meminfo'), 'MemFree')).to.equal(meminfoKb(before0, 'MemFree'));
    }));
    it('meminfo: MemTotal is the node size, a memoryless node shows 0 kB, a fresh CPU-less node is all free', () => withMachine(SPARSE, async (m) => {
        const n0 = await m.readFile('/sys/devices/system/node/node0/meminfo');
        const n2 = await m.readFile('/sys/devices/system/node/node2/meminfo');
        const n5 = await m.readFile('/sys/devices/system/node/node5/meminfo');
        expect(meminfoKb(n0, 'MemTotal')).to.equal(4096);
        expect(meminfoKb(n0, 'MemFree')).to.be.within(4096 - 4, 4096); // at most the zero page taken
        expect(meminfoKb(n2, 'MemTotal')).to.equal(0);
        expect(meminfoKb(n2, 'MemFree')).to.equal(0);
        expect(meminfoKb(n5, 'MemTotal')).to.equal(1024);
        expect(meminfoKb(n5, 'MemFree')).to.equal(1024);
        expect(n5.split('\n')[0]).to.equal('Node 5 MemTotal:           1024 kB');
    }));
    it('a CPU-less node serves memory bound to it from a remote CPU', () => withMachine(SPARSE, async (m) => {
        const p = await m.spawnProcess({ cpu: 1 });
        const a = await mapAnon(p.main, 4);
        await p.main.mbind(a, 4 * PAGE_SIZE, MPOL_BIND, 1n << 5n, 65);
        await p.main.touch(a, 4 * PAGE_SIZE, 'write');
        expect(await nodesOf(p.main, a, 4)).to.deep.equal([5, 5, 5, 5]);
        expect(meminfoKb(await m.readFile('/sys/devices/system/node/node5/meminfo'), 'MemFree')).to.equal(1024 - 16);
    }));
    it('a nodemask naming only a memoryless node is rejected with EINVAL', () => withMachine(SPARSE, async (m) => {
        const p = await m.spawnProcess({ cpu: 0 });
        const a = await mapAnon(p.main, 1);
        await expectErrno(p.main.mbind(a, PAGE_SIZE, MPOL_PREFERRED, 1n << 2n, 65), 'EINVAL', 'mbind');
    }));
    it('nodes given out of id order keep their own CPUs and distances', () => withMachine({
        nodes: [
            { id: 2, memory: '1M' },
            { id: 0, memory: '1M' },
            { id: 1, memory: '1M' },
        ],
        distance: [
            [10, 20, 30],
            [20, 10, 40],
            [30, 40, 10],
        ],
    }, async (m) => {
        expect(m.nodes.map((n) => [n.id, n.cpus])).to.deep.equal([
            [0, [2, 3]],
            [1, [4, 5]],
            [2, [0, 1]],
        ]);
        expect(await m.readFile('/sys/devices/system/node/node0/distance')).to.equal('10 40 20\n');
        expect(await m.readFile('/sys/devices/system/node/node2/distance')).to.equal('20 30 10\n');
        const p = await m.spawnProcess({ cpu: 0 });
        expect(await p.main.getcpu()).to.deep.equal({ cpu: 0, node: 2 });
    }));
});
describe('machine lifecycle', () => {
    it('close() twice resolves both times and a closed machine spawns nothing', async () => {
        const m = await Machine.create(SMALL);
        await m.spawnProcess({ cpu: 0 });
        await m.close();
        await m.close();
        let err;
        try {
            await m.spawnProcess({ cpu: 0 });
        }
        catch (e) {
            err = e;
        }
        expect(err).to.be.instanceOf(Error);
        expect(m.audit().problems).to.deep.equal([]);
        expect(m.audit().policiesLive).to.equal(0);
    });
    it('close() inside withMachine is fine too', () => withMachine(SMALL, async (m) => {
        const p = await m.spawnProcess({ cpu: 3 });
        await p.main.setMempolicy(MPOL_BIND, 6n, 65);
        await m.close();
        await m.close();
    }));
    it('a process reports its pid, its main task tid equals the pid, and the worker sees the same ids', () => withMachine(SMALL, async (m) => {
        const p = await m.spawnProcess({ cpu: 5 });
        expect(p.pid).to.be.a('number').and.above(0);
        expect(p.main.pid).to.equal(p.pid);
        expect(p.main.tid).to.equal(p.pid);
        expect(await p.main.run(PROBE, 'ids')).to.deep.equal({ pid: p.pid, tid: p.pid, cpu: 5, node: 2 });
    }));
    it('two processes get different pids', () => withMachine(SMALL, async (m) => {
        const a = await m.spawnProcess();
        const b = await m.spawnProcess();
        expect(a.pid).to.not.equal(b.pid);
    }));
    it('a thread shares the pid, has its own tid and runs on the CPU it was given', () => withMachine(SMALL, async (m) => {
        const p = await m.spawnProcess({ cpu: 0 });
        const t = await p.spawnThread({ cpu: 6 });
        expect(t.pid).to.equal(p.pid);
        expect(t.tid).to.not.equal(p.pid);
        expect(p.tasks).to.deep.equal([p.main, t]);
        expect(await t.run(PROBE, 'ids')).to.deep.equal({ pid: p.pid, tid: t.tid, cpu: 6, node: 3 });
        const t2 = await p.spawnThread();
        expect(t2.tid).to.not.be.oneOf([p.pid, t.tid]);
        expect((await t2.getcpu()).cpu).to.equal(0);
    }));
    it('fork makes a process with a new pid whose main task tid is that pid', () => withMachine(SMALL, async (m) => {
        const p = await m.spawnProcess({ cpu: 2 });
        const c = await p.fork();
        expect(c.pid).to.not.equal(p.pid);
        expect(c.main.pid).to.equal(c.pid);
        expect(c.main.tid).to.equal(c.pid);
        expect(await c.main.run(PROBE, 'ids')).to.deep.equal({ pid: c.pid, tid: c.pid, cpu: 2, node: 1 });
        const c2 = await p.fork({ cpu: 7 });
        expect(c2.pid).to.not.be.oneOf([p.pid, c.pid]);
        expect(await c2.main.getcpu()).to.deep.equal({ cpu: 7, node: 3 });
    }));
    it('a task worker that dies is reported: the pending run rejects with ERR_TASK_DIED and the exit code', () => withMachine(SMALL, async (m) => {
        const p = await m.spawnProcess({ cpu: 0 });
        const err = await rejection(p.main.run(PROBE, 'die', 3));
        expect(err).to.be.instanceOf(Error);
        expect(err.code).to.equal('ERR_TASK_DIED');
        expect(err.exitCode).to.equal(3);
        expect(p.main.died).to.be.instanceOf(Error);
        expect(p.main.died.code).to.equal('ERR_TASK_DIED');
    }));
    it('calls to a dead task reject with ERR_TASK_DIED while other tasks keep working', () => withMachine(SMALL, async (m) => {
        const p = await m.spawnProcess({ cpu: 0 });
        const other = await m.spawnProcess({ cpu: 2 });
        await rejection(p.main.run(PROBE, 'die', 3));
        expect((await rejection(p.main.getcpu())).code).to.equal('ERR_TASK_DIED');
        expect((await rejection(p.main.run(PROBE, 'ids'))).code).to.equal('ERR_TASK_DIED');
        expect((await rejection(mapAnon(p.main, 1))).code).to.equal('ERR_TASK_DIED');
        const a = await mapAnon(other.main, 2);
        await other.main.touch(a, 2 * PAGE_SIZE, 'write');
        expect(await nodesOf(other.main, a, 2)).to.deep.equal([1, 1]);
    }));
    it('the machine closes cleanly after a task worker died, and can be closed again', async () => {
        const m = await Machine.create(SMALL);
        const p = await m.spawnProcess({ cpu: 0 });
        await rejection(p.main.run(PROBE, 'die', 3));
        await m.close();
        await m.close();
        expect(m.audit().problems).to.deep.equal([]);
    });
    it('the memory and policy of a task whose worker died are freed when the machine closes', async () => {
        const m = await Machine.create(SMALL);
        try {
            const baseline = m.audit().pagesInUse;
            const p = await m.spawnProcess({ cpu: 0 });
            await p.main.setMempolicy(MPOL_BIND, 2n, 65);
            const a = await mapAnon(p.main, 4);
            await p.main.mbind(a, 4 * PAGE_SIZE, MPOL_PREFERRED, 4n, 65);
            await p.main.touch(a, 4 * PAGE_SIZE, 'write');
            expect(m.audit().policiesLive).to.equal(2);
            await rejection(p.main.run(PROBE, 'die', 3));
            await m.close();
            const after = m.audit();
            expect(after.problems).to.deep.equal([]);
            expect(after.policiesLive, 'policies of the dead task').to.equal(0);
            expect(after.pagesInUse, 'pages of the dead task').to.deep.equal(baseline);
        }
        finally {
            await m.close();
        }
    });
    it('task.run with an export the module lacks rejects with a TypeError and the task lives on', () => withMachine(SMALL, async (m) => {
        const p = await m.spawnProcess({ cpu: 4 });
        const err = await rejection(p.main.run(PROBE, 'noSuchExport'));
        expect(err).to.be.instanceOf(TypeError);
        expect(err.message).to.contain('noSuchExport');
        expect(p.main.died).to.equal(null);
        expect(await p.main.getcpu()).to.deep.equal({ cpu: 4, node: 2 });
    }));
});
//# sourceMappingURL=machine.test.js.map