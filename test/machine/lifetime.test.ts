import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Machine, PAGE_SIZE } from '../../src/index.js';
import { SMALL, fixture, mapAnon, withMachine } from '../helpers.js';

const PROBE = fixture('task-probe');
const run = promisify(execFile);

type CodedError = Error & { code?: string };

/** The code each settled promise rejected with ('ok' for a value). */
function outcomes(results: PromiseSettledResult<unknown>[]): string[] {
  return results.map((r) => (r.status === 'fulfilled' ? 'ok' : ((r.reason as CodedError).code ?? `uncoded: ${(r.reason as Error).message}`)));
}

function count(codes: string[]): Record<string, number> {
  const c: Record<string, number> = {};
  for (const x of codes) c[x] = (c[x] ?? 0) + 1;
  return c;
}

describe('machine lifetime', () => {
  it('a script that forgets close() exits by itself once its work is done (run under timeout)', async function () {
    this.timeout(30_000);
    const script = fileURLToPath(new URL('../fixtures/forgets-close.js', import.meta.url));
    // timeout(1) ends a hung script with code 124; the script must finish well before.
    const { stdout } = await run('timeout', ['20', process.execPath, script]);
    expect(stdout).to.equal('done on node 1\n');
  });

  it('await using closes the machine at the end of the scope', async () => {
    let seen: Machine;
    {
      await using m = await Machine.create(SMALL);
      seen = m;
      const p = await m.spawnProcess({ cpu: 0 });
      await p.main.touch(await mapAnon(p.main, 2), 2 * PAGE_SIZE, 'write');
    }
    const err = await seen.spawnProcess().catch((e: CodedError) => e);
    expect((err as CodedError).code).to.equal('ERR_MACHINE_CLOSED');
    expect(seen.audit().problems).to.deep.equal([]);
    expect(seen.audit().policiesLive).to.equal(0);
  });

  it('after close() every call rejects with ERR_MACHINE_CLOSED: system calls, run, threads, fork, exec, files, spawning', async () => {
    const m = await Machine.create(SMALL);
    const p = await m.spawnProcess({ cpu: 0 });
    await m.close();
    const results = await Promise.allSettled([
      p.main.getcpu(),
      p.main.mmap(0, PAGE_SIZE, 3, 0x22),
      p.main.run(PROBE, 'ids'),
      p.spawnThread({ cpu: 1 }),
      p.fork({ cpu: 1 }),
      p.main.exec(),
      m.readFile('/proc/vmstat'),
      m.readFile('/sys/devices/system/node/node0/meminfo'),
      m.writeFile('/sys/kernel/mm/mempolicy/weighted_interleave/node0', '2'),
      m.spawnProcess(),
    ]);
    expect(outcomes(results)).to.deep.equal(Array(10).fill('ERR_MACHINE_CLOSED'));
    await p.exit(); // exiting a process of a closed machine is a no-op
  });

  it('calls racing a process exit all settle: those made before it complete, those made after it reject with ERR_TASK_EXITED', () =>
    withMachine(SMALL, async (m) => {
      const p = await m.spawnProcess({ cpu: 0 });
      const thread = await p.spawnThread({ cpu: 3 });
      const a = await mapAnon(p.main, 16);
      const before = Promise.allSettled([...Array(100)].flatMap((_, i) => [p.main.touch(a + (i % 16) * PAGE_SIZE, PAGE_SIZE, 'write'), thread.getcpu()]));
      const exiting = p.exit();
      const during = Promise.allSettled([p.main.getcpu(), thread.touch(a, PAGE_SIZE, 'read'), thread.run(PROBE, 'ids'), p.spawnThread({ cpu: 1 }), p.fork()]);
      await exiting;
      const after = Promise.allSettled([p.main.getcpu(), thread.mmap(0, PAGE_SIZE, 3, 0x22), p.main.exec()]);
      expect(count(outcomes(await before))).to.deep.equal({ ok: 200 });
      expect(outcomes([...(await during), ...(await after)])).to.deep.equal(Array(8).fill('ERR_TASK_EXITED'));
      expect(p.tasks).to.deep.equal([]);
      await p.exit(); // idempotent
      // The exited process left nothing behind: the machine's audit (withSmall) finds no page or policy of it.
      expect(m.audit().policiesLive).to.equal(0);
    }));

  it('exitTask ends one thread: after the main task exits alone, another thread still clones and forks, calls to the main task reject with ERR_TASK_EXITED, and the last exitTask ends the process', () =>
    withMachine(SMALL, async (m) => {
      const p = await m.spawnProcess({ cpu: 0 });
      const t2 = await p.spawnThread({ cpu: 1 });
      const a = await mapAnon(t2, 1);
      await p.exitTask(p.main);
      await p.exitTask(p.main); // idempotent
      expect(((await p.main.getcpu().catch((e: CodedError) => e)) as CodedError).code).to.equal('ERR_TASK_EXITED');
      const t3 = await p.spawnThread({ cpu: 2 });
      await t3.store(a, new Uint8Array([7]));
      const child = await p.fork({ cpu: 3 });
      expect(Array.from(await child.main.load(a, 1))).to.deep.equal([7]);
      const other = await m.spawnProcess();
      expect(((await p.exitTask(other.main).catch((e: CodedError) => e)) as CodedError).code).to.equal('ERR_INVALID_ARG_VALUE');
      await p.exitTask(t2);
      await p.exitTask(t3);
      expect(((await t3.getcpu().catch((e: CodedError) => e)) as CodedError).code).to.equal('ERR_TASK_EXITED');
      expect(((await p.spawnThread().catch((e: CodedError) => e)) as CodedError).code).to.equal('ERR_TASK_EXITED');
      await child.exit();
      expect(m.audit().problems).to.deep.equal([]);
    }));

  it('close() with hundreds of calls in flight lets them all settle, and refuses the calls made after it', async () => {
    const m = await Machine.create(SMALL);
    const procs = await Promise.all([0, 2, 4, 6].map((cpu) => m.spawnProcess({ cpu })));
    const areas = await Promise.all(procs.map((p) => mapAnon(p.main, 8)));
    const inFlight = Promise.allSettled(procs.flatMap((p, i) => [...Array(100)].map((_, j) => (j % 2 ? p.main.getcpu() : p.main.touch(areas[i] + (j % 8) * PAGE_SIZE, PAGE_SIZE, 'write')))));
    const closing = m.close({ graceMs: 30_000 });
    const late = Promise.allSettled(procs.map((p) => p.main.getcpu()));
    const report = await closing;
    expect(count(outcomes(await inFlight))).to.deep.equal({ ok: 400 });
    expect(outcomes(await late)).to.deep.equal(Array(4).fill('ERR_MACHINE_CLOSED'));
    expect(report.faults).to.deep.equal([]);
    expect(m.audit().problems).to.deep.equal([]);
    expect(m.audit().policiesLive).to.equal(0);
  });

  it('close() returns within its bound while a task.run function loops for ever: the task is ended and the loss reported', async function () {
    this.timeout(20_000);
    const m = await Machine.create(SMALL);
    const p = await m.spawnProcess({ cpu: 0 });
    const other = await m.spawnProcess({ cpu: 2 });
    await other.main.touch(await mapAnon(other.main, 4), 4 * PAGE_SIZE, 'write');
    const looping = Promise.allSettled([p.main.run(PROBE, 'spin')]);
    const warned = once(process, 'warning');
    const report = await m.close({ graceMs: 200 });
    const [warning] = (await warned) as [Error & { code?: string }];
    expect(outcomes(await looping)).to.deep.equal(['ERR_TASK_KILLED']);
    expect(report.faults.map((f) => [f.kind, f.pid])).to.deep.equal([['task-killed', p.pid]]);
    expect(m.faults).to.deep.equal(report.faults);
    expect(warning.code).to.equal('NUMA_EMU_FAULT');
    expect(warning.message).to.contain(`task ${p.pid}`);
    // The ended task was reaped from the main thread: nothing of either process is left.
    expect(m.audit().problems).to.deep.equal([]);
    expect(m.audit().policiesLive).to.equal(0);
  });

  it('an argument that cannot cross to the worker is a TypeError ERR_INVALID_ARG_TYPE naming it, a value that cannot come back ERR_INVALID_RETURN_VALUE; the task lives on', () =>
    withMachine(SMALL, async (m) => {
      const p = await m.spawnProcess({ cpu: 4 });
      const err = (await p.main.run(PROBE, 'echo', 1, () => 2).catch((e: Error) => e)) as CodedError;
      expect(err).to.be.instanceOf(TypeError);
      expect(err.code).to.equal('ERR_INVALID_ARG_TYPE');
      expect(err.message).to.contain('argument 4 of task.run()').and.contain('a function');
      const err2 = (await (p.main.mbind as (...a: unknown[]) => Promise<void>)(0, PAGE_SIZE, Symbol('mode'), 1n, 65).catch((e: Error) => e)) as CodedError;
      expect(err2).to.be.instanceOf(TypeError);
      expect(err2.code).to.equal('ERR_INVALID_ARG_TYPE');
      expect(err2.message).to.contain('argument 3 of mbind()').and.contain('a symbol');
      expect(await p.main.run(PROBE, 'echo', 1, [2n], { three: 'x' })).to.deep.equal([1, [2n], { three: 'x' }]);
      const back = (await p.main.run(PROBE, 'returnsFunction').catch((e: Error) => e)) as CodedError;
      expect(back).to.be.instanceOf(TypeError);
      expect(back.code).to.equal('ERR_INVALID_RETURN_VALUE');
      expect(back.message).to.contain('task.run() resolved with').and.contain('cannot be sent back');
      expect(await p.main.getcpu()).to.deep.equal({ cpu: 4, node: 2 });
    }));
});
