/**
 * Decoding of system-call arguments at the entry, as the C ABI would pass them. A value a C
 * caller could pass (any integer, including negative ones, which wrap to unsigned) is decoded
 * and left for the kernel to judge; a value no C caller could pass (a string, NaN, 1.5, an
 * object) is a TypeError with Node's code ERR_INVALID_ARG_TYPE, thrown before the kernel runs.
 */

/** Node's argument error: a TypeError with a `code`. */
export function argTypeError(syscall: string, name: string, want: string, got: unknown): TypeError {
  const e = new TypeError(`The "${name}" argument of ${syscall} must be ${want}. Received ${describe(got)}`) as TypeError & { code: string };
  e.code = 'ERR_INVALID_ARG_TYPE';
  return e;
}

function describe(v: unknown): string {
  if (typeof v === 'bigint') return `type bigint (${v}n)`;
  if (typeof v === 'number') return `type number (${v})`;
  if (typeof v === 'string') return `type string ('${v.slice(0, 20)}')`;
  return v === null ? 'null' : `type ${typeof v}`;
}

const TWO64 = 2 ** 64;

/**
 * An unsigned long: integers wrap modulo 2^64 (so -1 is ULONG_MAX). Values past 2^53 are beyond
 * every emulated address; they keep their page alignment, which is all the kernel's checks read.
 */
export function ulongArg(syscall: string, name: string, v: unknown): number {
  if (typeof v === 'number') {
    if (!Number.isInteger(v)) throw argTypeError(syscall, name, 'an integer', v);
    if (v >= 0 && v <= Number.MAX_SAFE_INTEGER) return v;
    v = BigInt(v);
  }
  if (typeof v !== 'bigint') throw argTypeError(syscall, name, 'an integer (number or bigint)', v);
  const u = BigInt.asUintN(64, v as bigint);
  if (u <= BigInt(Number.MAX_SAFE_INTEGER)) return Number(u);
  const aligned = Number(u & ~0xfffn);
  return Math.min((u & 0xfffn) === 0n ? aligned : aligned + 2048, TWO64 - 2048);
}

/** An int (or the low 32 bits of a long, as `int lmode = mode` keeps them). */
export function intArg(syscall: string, name: string, v: unknown): number {
  if (typeof v === 'number') {
    if (!Number.isInteger(v)) throw argTypeError(syscall, name, 'an integer', v);
    if (Number.isSafeInteger(v)) return v | 0; // ToInt32: the low 32 bits, signed, with no bigint made
    v = BigInt(v);
  }
  if (typeof v !== 'bigint') throw argTypeError(syscall, name, 'an integer (number or bigint)', v);
  return Number(BigInt.asIntN(32, v as bigint));
}

/** A loff_t (signed 64-bit): negative values stay negative, for the kernel to refuse. */
export function loffArg(syscall: string, name: string, v: unknown): number {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'bigint') return Number(BigInt.asIntN(64, v));
  throw argTypeError(syscall, name, 'an integer (number or bigint)', v);
}

/** A node mask pointer: null/undefined is NULL; else a non-negative bigint (or safe integer) of bits. */
export function nodemaskArg(syscall: string, v: unknown, name = 'nodemask'): bigint | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint' && v >= 0n) return v;
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return BigInt(v);
  throw argTypeError(syscall, name, 'a non-negative bigint bit mask, or null', v);
}

function isArrayLike(v: unknown): v is ArrayLike<unknown> {
  return Array.isArray(v) || (ArrayBuffer.isView(v) && !(v instanceof DataView));
}

/** An array of pointers (move_pages' pages): each an unsigned long; null is a NULL array (nothing to read). */
export function pointersArg(syscall: string, name: string, v: unknown): Float64Array {
  if (v === null || v === undefined) return new Float64Array(0);
  if (!isArrayLike(v)) throw argTypeError(syscall, name, 'an array of addresses, or null', v);
  const out = new Float64Array(v.length);
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    out[i] = typeof x === 'number' && Number.isSafeInteger(x) && x >= 0 ? x : ulongArg(syscall, `${name}[${i}]`, x); // the name only for an error
  }
  return out;
}

/** An array of ints (move_pages' nodes); null stays null. */
export function intsArg(syscall: string, name: string, v: unknown): Int32Array | null {
  if (v === null || v === undefined) return null;
  if (v instanceof Int32Array) return v;
  if (!isArrayLike(v)) throw argTypeError(syscall, name, 'an array of integers, or null', v);
  const out = new Int32Array(v.length);
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    out[i] = typeof x === 'number' && x === (x | 0) ? x : intArg(syscall, `${name}[${i}]`, x); // an int already: no conversion
  }
  return out;
}

/** An array the call fills (move_pages' status): an Int32Array or a plain array, filled in place; null stays null. */
export function outIntsArg(syscall: string, name: string, v: unknown): Int32Array | number[] | null {
  if (v === null || v === undefined) return null;
  if (v instanceof Int32Array || Array.isArray(v)) return v as Int32Array | number[];
  throw argTypeError(syscall, name, 'an Int32Array or an array to fill, or null', v);
}

/** A byte buffer for store(). */
export function bytesArg(syscall: string, v: unknown): Uint8Array {
  if (v instanceof Uint8Array) return v;
  if (ArrayBuffer.isView(v)) return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  throw argTypeError(syscall, 'bytes', 'a Uint8Array or another ArrayBuffer view', v);
}

/** A length the emulator must materialise (load): a safe non-negative integer. */
export function lengthArg(syscall: string, v: unknown): number {
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return v;
  throw argTypeError(syscall, 'length', 'a non-negative safe integer', v);
}
