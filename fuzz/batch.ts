/**
 * Runs inside a task's worker (task.run): the calls of one batch, synchronously and in order, each
 * one's value or errno kept, so that a failing call does not stop the batch. Anything else thrown
 * (an assertion of the kernel) ends the batch: the kernel may be left holding a lock.
 */
import { type Sys } from '../src/index.js';
import { toWire } from '../src/machine/wire.js';
import { type WireCall } from './calls.js';
import { type Outcome, isSystemError } from './effects.js';

export function runBatch(sys: Sys, calls: WireCall[]): Outcome[] {
  const out: Outcome[] = [];
  const methods = sys as unknown as Record<string, (...a: unknown[]) => unknown>;
  for (const [name, ...args] of calls) {
    try {
      out.push({ ok: true, value: methods[name](...args) });
    } catch (e) {
      const error = toWire(e);
      out.push({ ok: false, error });
      if (!isSystemError(error)) break;
    }
  }
  return out;
}
