/**
 * errno values (asm-generic/errno-base.h, errno.h) and their conversion, at the public boundary
 * only, into Node-style system errors. Inside the kernel layers a failure is a negative number.
 */
export declare const EPERM = 1;
export declare const ENOENT = 2;
export declare const ESRCH = 3;
export declare const EINTR = 4;
export declare const EIO = 5;
export declare const E2BIG = 7;
export declare const EBADF = 9;
export declare const EAGAIN = 11;
export declare const ENOMEM = 12;
export declare const EACCES = 13;
export declare const EFAULT = 14;
export declare const EBUSY = 16;
export declare const EEXIST = 17;
export declare const ENODEV = 19;
export declare const EINVAL = 22;
export declare const ENFILE = 23;
export declare const EMFILE = 24;
export declare const EFBIG = 27;
export declare const ENOSPC = 28;
export declare const ENAMETOOLONG = 36;
export declare const ENOSYS = 38;
export declare const EOVERFLOW = 75;
/** A Node-style system error: `code`, negative `errno`, `syscall`, and optional extra fields. */
export interface SystemError extends Error {
    code: string;
    errno: number;
    syscall: string;
    signal?: string;
}
/** Build the error a failing call rejects or throws with: `EINVAL: invalid argument, mbind`. */
export declare function systemError(err: number, syscall: string, extra?: {
    signal?: string;
    detail?: string;
}): SystemError;
