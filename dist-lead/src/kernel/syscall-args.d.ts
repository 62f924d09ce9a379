/**
 * Decoding of system-call arguments at the entry, as the C ABI would pass them. A value a C
 * caller could pass (any integer, including negative ones, which wrap to unsigned) is decoded
 * and left for the kernel to judge; a value no C caller could pass (a string, NaN, 1.5, an
 * object) is a TypeError with Node's code ERR_INVALID_ARG_TYPE, thrown before the kernel runs.
 */
/** Node's argument error: a TypeError with a `code`. */
export declare function argTypeError(syscall: string, name: string, want: string, got: unknown): TypeError;
/**
 * An unsigned long: integers wrap modulo 2^64 (so -1 is ULONG_MAX). Values past 2^53 are beyond
 * every emulated address; they keep their page alignment, which is all the kernel's checks read.
 */
export declare function ulongArg(syscall: string, name: string, v: unknown): number;
/** An int (or the low 32 bits of a long, as `int lmode = mode` keeps them). */
export declare function intArg(syscall: string, name: string, v: unknown): number;
/** A loff_t (signed 64-bit): negative values stay negative, for the kernel to refuse. */
export declare function loffArg(syscall: string, name: string, v: unknown): number;
/** A node mask pointer: null/undefined is NULL; else a non-negative bigint (or safe integer) of bits. */
export declare function nodemaskArg(syscall: string, v: unknown): bigint | null;
/** A byte buffer for store(). */
export declare function bytesArg(syscall: string, v: unknown): Uint8Array;
/** A length the emulator must materialise (load): a safe non-negative integer. */
export declare function lengthArg(syscall: string, v: unknown): number;
