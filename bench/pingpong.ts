// The baseline of a hand-off: two worker threads passing a turn back and forth through a
// SharedArrayBuffer word, both spinning (the cheapest hand-off between two real threads).
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';

/** Hand the turn `rounds` times to the other worker and back (runs in a worker). */
function player(w: Int32Array, me: number, rounds: number): void {
  for (let i = 0; i < rounds; i++) {
    while (Atomics.load(w, 0) !== me);
    Atomics.store(w, 0, 1 - me);
  }
}

if (!isMainThread) {
  const { buf, me, rounds } = workerData as { buf: SharedArrayBuffer; me: number; rounds: number };
  player(new Int32Array(buf), me, rounds);
  parentPort!.postMessage('done');
}

/** Nanoseconds per hand-off between two spinning workers, over `rounds` round trips. */
export async function pingPongNs(rounds: number): Promise<number> {
  const buf = new SharedArrayBuffer(64);
  const file = new URL(import.meta.url);
  const t0 = performance.now();
  const ws = [0, 1].map((me) => new Worker(file, { workerData: { buf, me, rounds } }));
  await Promise.all(ws.map((w) => new Promise((r) => w.once('message', r))));
  const ns = ((performance.now() - t0) * 1e6) / (2 * rounds);
  await Promise.all(ws.map((w) => w.terminate()));
  return ns;
}
