import { expect } from 'chai';
import { MPOL_BIND, Machine, PAGE_SIZE } from '../../src/index.js';
import { SMALL, fixture, mapAnon, nodesOf, withMachine } from '../helpers.js';

const HOLDER = fixture('lock-holder');
const HOOK = fixture('throwing-hook');

type CodedError = Error & { code?: string };

function rejection(p: Promise<unknown>): Promise<CodedError> {
  return p.then(
    () => expect.fail('expected the call to fail'),
    (e: CodedError) => e,
  );
}

function faultsOf(m: Machine): [string, number | undefined][] {
  return m.faults.map((f) => [f.kind, f.pid]);
}

// Each test's bound is far below the 60 s after which a wait used to be declared a deadlock.
describe('a task that dies holding a lock', function () {
  this.timeout(15_000);

  it('holding mmap_sem for write: another thread of its process that touches memory fails at once, naming the lock and the dead task; other processes go on; the machine closes', async () => {
    const m = await Machine.create(SMALL);
    let pid = 0;
    try {
      const p = await m.spawnProcess({ cpu: 0 });
      pid = p.pid;
      const t2 = await p.spawnThread({ cpu: 1 });
      const other = await m.spawnProcess({ cpu: 2 });
      const a = await mapAnon(t2, 4);
      const dying = rejection(p.main.run(HOLDER, 'holdUntilWaitedThenDie', 'mmap_sem:write', 7));
      await t2.run(HOLDER, 'untilHeld', 'mmap_sem:write');
      const err = await rejection(t2.touch(a, PAGE_SIZE, 'write')); // sleeps on the lock until its holder dies
      expect((await dying).code).to.equal('ERR_TASK_DIED');
      expect(err.code).to.equal('ERR_LOCK_OWNER_DIED');
      expect(err.message).to.match(new RegExp(`^mmap_sem of mm \\d+ \\(process ${pid}\\) is held by task ${pid} of process ${pid}, which died holding it`));
      // A later call that needs the lock fails the same way, without sleeping first.
      expect((await rejection(t2.mmap(0, PAGE_SIZE, 3, 0x22))).code).to.equal('ERR_LOCK_OWNER_DIED');
      expect(faultsOf(m)).to.deep.equal([['task-worker-died', pid]]);
      expect(m.faults[0].message).to.match(/; it died holding mmap_sem of mm \d+ \(process \d+\), whose waiters now fail \(ERR_LOCK_OWNER_DIED\)$/);
      const b = await mapAnon(other.main, 2);
      await other.main.touch(b, 2 * PAGE_SIZE, 'write');
      expect(await nodesOf(other.main, b, 2)).to.deep.equal([1, 1]);
    } finally {
      await m.close();
    }
    // Failed closed: the dead task and its mm are not released, and the audit says why.
    expect(faultsOf(m)).to.deep.equal([['task-worker-died', pid]]);
    expect(m.audit().problems).to.deep.equal([`mmap_sem of mm 1 (process ${pid}) is held by task ${pid} of process ${pid}, which died holding it`]);
  });

  it('holding mmap_sem for read: its read hold is given back, so a writer waiting for it goes on, and so does everyone else', () =>
    withMachine(SMALL, async (m) => {
      const p = await m.spawnProcess({ cpu: 0 });
      const t2 = await p.spawnThread({ cpu: 1 });
      const a = await mapAnon(t2, 4);
      const dying = rejection(p.main.run(HOLDER, 'holdUntilWaitedThenDie', 'mmap_sem:read', 7));
      await t2.run(HOLDER, 'untilHeld', 'mmap_sem:read');
      await t2.munmap(a, 4 * PAGE_SIZE); // down_write sleeps until the dead reader's hold is given back
      expect((await dying).code).to.equal('ERR_TASK_DIED');
      const b = await mapAnon(t2, 2);
      await t2.touch(b, 2 * PAGE_SIZE, 'write');
      expect(await nodesOf(t2, b, 2)).to.deep.equal([0, 0]);
      expect(m.faults.map((f) => f.message)).to.deep.equal([`task ${p.pid} died (worker exit code 7)`]);
      await p.exit(); // the dead task is reaped: withMachine's audits find nothing left of it
    }));

  it('holding a spinlock (the policy slab lock): a task of another process that needs it fails at once, naming it; calls that do not need it go on', async () => {
    const m = await Machine.create(SMALL);
    let pid = 0;
    try {
      const p = await m.spawnProcess({ cpu: 0 });
      pid = p.pid;
      const other = await m.spawnProcess({ cpu: 2 });
      const dying = rejection(p.main.run(HOLDER, 'holdUntilWaitedThenDie', 'slab_lock', 7));
      await other.main.run(HOLDER, 'untilHeld', 'slab_lock');
      const err = await rejection(other.main.setMempolicy(MPOL_BIND, 0b10n, 65)); // allocates a policy
      expect((await dying).code).to.equal('ERR_TASK_DIED');
      expect(err.code).to.equal('ERR_LOCK_OWNER_DIED');
      expect(err.message).to.match(new RegExp(`^slab_lock is held by task ${pid} of process ${pid}, which died holding it`));
      const b = await mapAnon(other.main, 2);
      await other.main.touch(b, 2 * PAGE_SIZE, 'write');
      expect(await nodesOf(other.main, b, 2)).to.deep.equal([1, 1]);
    } finally {
      await m.close();
    }
    expect(m.audit().problems).to.deep.equal([`slab_lock is held by task ${pid} of process ${pid}, which died holding it`]);
  });
});

describe('a scheduler hook that throws in the middle of a system call', function () {
  this.timeout(15_000);

  it('holding a spinlock (the page-table lock): the call fails with ERR_KERNEL_OOPS naming it, its waiters fail at once, its read hold of mmap_sem is given back, and the task makes no more calls', async () => {
    const m = await Machine.create(SMALL);
    let pid = 0;
    try {
      const p = await m.spawnProcess({ cpu: 0 });
      pid = p.pid;
      const t2 = await p.spawnThread({ cpu: 1 });
      const other = await m.spawnProcess({ cpu: 0 });
      const a = await mapAnon(p.main, 2);
      const b = await mapAnon(t2, 2);
      const err = await rejection(p.main.run(HOOK, 'touchWithHookThrowingAt', 'ptl', a, PAGE_SIZE));
      expect(err.code).to.equal('ERR_KERNEL_OOPS');
      expect(err.message).to.match(new RegExp(`^touch\\(\\) of task ${pid} of process ${pid} was cut short by an exception while holding ptl of mm \\d+ \\(process ${pid}\\): it stays held and fails its waiters`));
      expect(err.message).to.contain("The exception: Error: the scheduler's hook threw just after ptl was taken");
      expect(faultsOf(m)).to.deep.equal([['task-oops', pid]]);
      // A first fault in a new VMA of the same mm takes the page-table lock: it fails at once.
      const waiter = await rejection(t2.touch(b, PAGE_SIZE, 'write'));
      expect(waiter.code).to.equal('ERR_LOCK_OWNER_DIED');
      expect(waiter.message).to.match(new RegExp(`^ptl of mm \\d+ \\(process ${pid}\\) is held by task ${pid} of process ${pid}, which died holding it`));
      await t2.mmap(0, PAGE_SIZE, 3, 0x22); // mmap_sem for write: nobody holds it for read any more
      const later = await rejection(p.main.getcpu());
      expect(later.code).to.equal('ERR_TASK_DIED');
      expect(later.message).to.contain(`task ${pid} of process ${pid} died in the kernel (touch() was cut short holding ptl of mm`);
      const c = await mapAnon(other.main, 2);
      await other.main.touch(c, 2 * PAGE_SIZE, 'write');
      expect(await nodesOf(other.main, c, 2)).to.deep.equal([0, 0]);
    } finally {
      await m.close();
    }
    expect(faultsOf(m)).to.deep.equal([['task-oops', pid]]);
    // The pages the two cut faults had allocated are lost with them, and the audit says so too.
    expect(m.audit().problems[0]).to.match(new RegExp(`^ptl of mm \\d+ \\(process ${pid}\\) is held by task ${pid} of process ${pid}, which died holding it$`));
  });

  it("holding only mmap_sem for read: the hook's own error comes back, the read hold is given back and the task goes on", () =>
    withMachine(SMALL, async (m) => {
      const p = await m.spawnProcess({ cpu: 0 });
      const t2 = await p.spawnThread({ cpu: 1 });
      const a = await mapAnon(p.main, 2);
      const err = await rejection(p.main.run(HOOK, 'touchWithHookThrowingAt', 'mmap_sem', a, PAGE_SIZE));
      expect(err.message).to.equal("the scheduler's hook threw just after mmap_sem was taken");
      expect(err.code).to.equal(undefined);
      await t2.munmap(a, 2 * PAGE_SIZE); // mmap_sem for write
      const b = await mapAnon(p.main, 2);
      await p.main.touch(b, 2 * PAGE_SIZE, 'write');
      expect(await nodesOf(p.main, b, 2)).to.deep.equal([0, 0]);
      expect(m.faults).to.deep.equal([]);
    }));
});
