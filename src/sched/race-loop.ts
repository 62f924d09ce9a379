/**
 * A task's race loop, run on its own worker for the whole campaign: wait for the coordinator to
 * start an execution (EPOCH moves), run the task's program under the scheduler, write its result
 * into the control buffer, count itself finished; until QUIT. An execution never starts a worker:
 * the machine's task workers are reused, and the coordinator restores the kernel's buffers
 * between executions.
 */
import { CTL, TSK, tsk } from './control.js';
import { ExecutionAborted, type Runtime } from './runtime.js';

/** Result kinds in TSK.RESULT_KIND. */
const OK = 1;
const ERROR = 2;
const ABORTED = 3;
/** Polls of EPOCH before parking on it (a few microseconds). */
const EPOCH_SPIN = 256;

function writeResult(rt: Runtime, kind: number, text: string): void {
  const ctl = rt.ctl;
  const per = ctl.l.sizes.resultBytes;
  let bytes = new TextEncoder().encode(text);
  if (bytes.length > per) {
    kind = ERROR;
    bytes = new TextEncoder().encode(`result of ${bytes.length} bytes does not fit the ${per} a task may return`).subarray(0, per);
  }
  ctl.bytes.set(bytes, ctl.l.results * 4 + rt.me * per);
  ctl.c[tsk(ctl, rt.me, TSK.RESULT_LEN)] = bytes.length;
  Atomics.store(ctl.c, tsk(ctl, rt.me, TSK.RESULT_KIND), kind);
}

/** Run `program` once per execution until the coordinator quits. */
export function raceLoop(rt: Runtime, program: () => unknown): void {
  const c = rt.ctl.c;
  // Ready only once the starting epoch is known: an execution started after this point is ours.
  let epoch = Atomics.load(c, CTL.EPOCH);
  Atomics.add(c, CTL.READY, 1);
  Atomics.notify(c, CTL.READY);
  for (;;) {
    for (let spin = 0; Atomics.load(c, CTL.EPOCH) === epoch; spin++) if (spin > EPOCH_SPIN) Atomics.wait(c, CTL.EPOCH, epoch, 200);
    epoch = Atomics.load(c, CTL.EPOCH);
    if (Atomics.load(c, CTL.QUIT)) return;
    rt.begin();
    let kind = OK;
    let text = '';
    try {
      rt.waitStart();
      text = JSON.stringify(program()) ?? '';
      rt.end();
    } catch (e) {
      if (e instanceof ExecutionAborted) kind = ABORTED;
      else {
        kind = ERROR;
        text = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
        try {
          rt.crashed(e);
        } catch {
          // the crash report itself aborted the execution: nothing more to do
        }
      }
    }
    writeResult(rt, kind, text);
    rt.finish();
    if (Atomics.add(c, CTL.FINISHED, 1) + 1 === c[CTL.NTASKS]) {
      Atomics.add(c, CTL.DONE, 1);
      Atomics.notify(c, CTL.DONE);
    }
  }
}
