// The fuzzer's short seeded run: random programs of concurrent system calls from several tasks
// and processes (fork, clone, exit and exec included), each checked call by call against the
// errno contract and a model of every byte, with data checks and kernel audits along the way.
// `npm run fuzz` runs the same programs for as long as asked.
import { expect } from 'chai';
import { fuzzOnce } from '../../fuzz/fuzz.js';

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
});
