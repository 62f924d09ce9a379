/**
 * Allocation of the machine's SharedArrayBuffers. Their pages are committed lazily by the host,
 * but the address space is reserved at once; a host that cannot reserve it gets a message saying
 * which buffer and how large, instead of V8's bare "Array buffer allocation failed".
 */
import { optionValueError } from './options.js';

/** A zero-filled SharedArrayBuffer of `bytes` bytes for `what` ('node 3', 'the disk'). */
export function allocShared(bytes: number, what: string): SharedArrayBuffer {
  try {
    return new SharedArrayBuffer(bytes);
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    throw optionValueError('Machine.create', `the host could not allocate ${bytes} bytes (${Math.ceil(bytes / 2 ** 20)} MiB) for ${what}: ${e.message}; use a smaller machine or smaller limits`);
  }
}
