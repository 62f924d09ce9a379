import { expect } from 'chai';
import { Worker } from 'node:worker_threads';
import { ownerTableWords } from '../../src/shm/owner.js';
import { REFCOUNT_SATURATED, refcountDecAndTest, refcountInc } from '../../src/shm/refcount.js';
import { fixture } from '../helpers.js';

function runWorkers(specs: { kind: 'spin' | 'rwsem'; writer: boolean }[], buf: SharedArrayBuffer, iters: number): Promise<void[]> {
  return Promise.all(
    specs.map(
      (s) =>
        new Promise<void>((resolve, reject) => {
          const w = new Worker(fixture('primitives'), { workerData: { buf, iters, ...s } });
          w.once('message', () => w.terminate().then(() => resolve(), reject));
          w.once('error', reject);
        }),
    ),
  );
}

describe('shared-memory primitives between real threads', function () {
  this.timeout(60_000);

  it('spinlock: four threads doing non-atomic increments under the lock lose none', async () => {
    const buf = new SharedArrayBuffer(64);
    await runWorkers(Array(4).fill({ kind: 'spin', writer: false }), buf, 20_000);
    const w = new Int32Array(buf);
    expect(w[4]).to.equal(80_000);
    expect(w[0], 'lock released').to.equal(0);
  });

  it('rw-semaphore: readers never see a writer half-way, writers lose no update', async () => {
    const buf = new SharedArrayBuffer(64);
    await runWorkers([{ kind: 'rwsem', writer: true }, { kind: 'rwsem', writer: true }, { kind: 'rwsem', writer: false }, { kind: 'rwsem', writer: false }], buf, 20_000);
    const w = new Int32Array(buf);
    expect(w[6], 'torn reads').to.equal(0);
    expect(w[4]).to.equal(40_000);
    expect(w[5]).to.equal(40_000);
    expect(w[8], 'semaphore released').to.equal(0);
  });

  it('rw-semaphore: a sleeper woken twice that still cannot take the lock claims it, and a running task that wants it next waits behind it', async () => {
    // Word offsets: an owner table of 8 owners at 0 (ownerTableWords(8) words), the lock, the test's words.
    const W = { OWNERS: 8, LOCK: 200, HELD: 210, ORDER: 211, POS: 212 };
    expect(ownerTableWords(W.OWNERS)).to.be.below(W.LOCK);
    const buf = new SharedArrayBuffer(256 * 4);
    await Promise.all(
      ['holder', 'waiter'].map(
        (role) =>
          new Promise<void>((resolve, reject) => {
            const w = new Worker(fixture('handoff'), { workerData: { buf, role, W } });
            w.once('message', () => w.terminate().then(() => resolve(), reject));
            w.once('error', reject);
          }),
      ),
    );
    const w = new Int32Array(buf);
    // Owner 2 waited first, lost two races, claimed: it takes the lock before owner 5 takes it again.
    expect([w[W.POS + 2], w[W.POS + 5]]).to.deep.equal([0, 1]);
    expect([...w.subarray(W.LOCK, W.LOCK + 4)], 'state, sleepers, owner and claimant all clear').to.deep.equal([0, 0, 0, 0]);
  });

  it('refcount: the last put reports zero; a put past zero saturates and is counted as a warning', () => {
    const cells = new Int32Array(new SharedArrayBuffer(8));
    cells[0] = 1;
    expect(refcountInc(cells, 0, cells, 1)).to.equal(true);
    expect(refcountDecAndTest(cells, 0, cells, 1)).to.equal(false);
    expect(refcountDecAndTest(cells, 0, cells, 1)).to.equal(true);
    expect(refcountDecAndTest(cells, 0, cells, 1)).to.equal(false);
    expect(cells[0]).to.equal(REFCOUNT_SATURATED);
    expect(cells[1]).to.equal(1);
    expect(refcountInc(cells, 0, cells, 1), 'a get on a dead object').to.equal(false);
    expect(cells[1]).to.equal(2);
  });
});
