import { expect } from 'chai';
import { readFile } from 'node:fs/promises';
import { SMALL, fixture, withMachine } from '../helpers.js';

const EXPERIMENT = fixture('experiment-error');

/** The line number (1-based) of the first line of the compiled fixture containing `text`. */
async function lineOf(text: string): Promise<number> {
  const lines = (await readFile(EXPERIMENT, 'utf8')).split('\n');
  const i = lines.findIndex((l) => l.includes(text));
  expect(i, text).to.be.at.least(0);
  return i + 1;
}

/** The error `p` rejects with. */
async function rejection(p: Promise<unknown>): Promise<Error & { code?: string; syscall?: string }> {
  try {
    await p;
  } catch (e) {
    return e as Error & { code?: string };
  }
  expect.fail('expected a rejection');
}

describe('errors keep their origin', () => {
  it("an exception thrown inside task.run reaches the caller with its class, message and the experiment's file and line", () =>
    withMachine(SMALL, async (m) => {
      const p = await m.spawnProcess({ cpu: 0 });
      const err = await rejection(p.main.run(EXPERIMENT, 'throwsOwnError'));
      expect(err).to.be.instanceOf(RangeError);
      expect(err.message).to.equal('thrown by the experiment');
      expect(err.stack).to.contain(`experiment-error.js:${await lineOf("throw new RangeError('thrown by the experiment')")}:`);
      expect(err.stack).to.match(/^RangeError: thrown by the experiment\n\s+at throwsOwnError /);
    }));

  it('a system call failing inside task.run keeps code, errno and syscall, and its stack names the line of the call', () =>
    withMachine(SMALL, async (m) => {
      const p = await m.spawnProcess({ cpu: 0 });
      const err = await rejection(p.main.run(EXPERIMENT, 'failingSyscall'));
      expect([err.code, err.syscall]).to.deep.equal(['EFAULT', 'mbind']);
      expect(err.stack).to.contain(`experiment-error.js:${await lineOf('sys.mbind(0x1000')}:`);
    }));
});
