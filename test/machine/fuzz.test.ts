// The fuzzer's short seeded run: random programs of concurrent system calls from several tasks
// and processes (fork, clone, exit and exec included), each checked call by call against the
// errno contract and a model of every byte, with data checks and kernel audits along the way.
// `npm run fuzz` runs the same programs for as long as asked.
import { expect } from 'chai';
import { fuzzOnce } from '../../fuzz/fuzz.js';
import { BatchApply, RoundFacts, type Shared, isSystemError } from '../../fuzz/effects.js';
import { Obj, type ProcModel, pattern } from '../../fuzz/model.js';

describe('fuzz (short seeded run)', function () {
  this.timeout(180_000);

  it('random concurrent programs keep the errno contract, every byte written and a clean audit', async () => {
    let calls = 0;
    for (let seed = 1; seed <= 10; seed++) {
      const r = await fuzzOnce(seed, { maxRounds: 40, report: true, maxShrinkRuns: 20 });
      expect(r.failure, `fuzz seed ${seed} (replay: npm run fuzz -- --replay ${seed} --rounds 40)`).to.equal(null);
      calls += r.calls;
    }
    expect(calls, 'calls made').to.be.above(1000);
  });

  it("the checks report a lost byte, a wrong signal and an assertion instead of an errno", () => {
    const p: ProcModel = { pid: 1, tasks: [], regions: [{ start: 0x10000, end: 0x12000, writable: true, shared: false, obj: null, pgoff: 0 }], priv: new Map(), fds: new Map() };
    const t = { actor: 3, proc: p };
    let ids = 0;
    const shared: Shared = { procs: [p], names: new Map(), segments: new Map(), newObj: (kind, size) => new Obj(++ids, kind, size) };
    const ap = new BatchApply(shared, new RoundFacts(shared), 0, t);
    const slot = 0x10000 + 3 * 16;
    const bytes = pattern(3, 1);
    expect(ap.store(slot, bytes, { ok: true, value: undefined })).to.equal(null);
    expect(ap.load(slot, { ok: true, value: bytes })).to.equal(null);
    const lost = bytes.slice();
    lost[5] ^= 1;
    expect(ap.load(slot, { ok: true, value: lost })).to.match(/byte 53 of the page/);
    expect(ap.load(0x11000 + 3 * 16, { ok: true, value: new Uint8Array(16) })).to.equal(null); // never written: zeros
    expect(ap.load(0x20000, { ok: true, value: new Uint8Array(16) })).to.match(/succeeded where segv was expected/);
    // A copy made while another task wrote the file page: that slot is unknown until written whole.
    p.regions.push({ start: 0x30000, end: 0x31000, writable: true, shared: false, obj: shared.newObj('file', 4096), pgoff: 0 });
    p.fds.set(9, { obj: p.regions[1].obj!, acc: 2, append: false, pos: 0 });
    const other = new RoundFacts(shared);
    other.note(1, { actor: 5, proc: p }, ['pwrite', 9, new Uint8Array(16), 5 * 16]);
    const copier = new BatchApply(shared, other, 0, t);
    expect(copier.store(0x30000 + 3 * 16, bytes, { ok: true, value: undefined })).to.equal(null);
    expect(p.priv.get(0x30)!.unknown[5]).to.equal(1);
    expect(copier.store(0x30000 + 5 * 16, bytes.subarray(0, 2), { ok: true, value: undefined })).to.equal(null);
    expect(p.priv.get(0x30)!.unknown[5], 'a 2-byte store leaves the slot unknown').to.equal(1);
    const sigbus = { name: 'Error', message: 'SIGBUS', code: 'EFAULT', errno: -14, syscall: 'store', signal: 'SIGBUS' };
    expect(ap.store(slot, bytes, { ok: false, error: sigbus })).to.match(/SIGBUS/);
    expect(isSystemError({ name: 'Error', message: 'numa-emu BUG: page cache lookup never settled' })).to.equal(false);
    expect(isSystemError({ name: 'Error', message: 'ENOMEM: not enough memory, load', code: 'ENOMEM', errno: -12, syscall: 'load' })).to.equal(true);
  });
});
