/**
 * errno values (asm-generic/errno-base.h, errno.h) and their conversion, at the public boundary
 * only, into Node-style system errors. Inside the kernel layers a failure is a negative number.
 */
export const EPERM = 1;
export const ENOENT = 2;
export const ESRCH = 3;
export const EINTR = 4;
export const EIO = 5;
export const E2BIG = 7;
export const EBADF = 9;
export const EAGAIN = 11;
export const ENOMEM = 12;
export const EACCES = 13;
export const EFAULT = 14;
export const EBUSY = 16;
export const EEXIST = 17;
export const ENODEV = 19;
export const EINVAL = 22;
export const ENFILE = 23;
export const EMFILE = 24;
export const EFBIG = 27;
export const ENOSPC = 28;
export const ENAMETOOLONG = 36;
export const ENOSYS = 38;
export const EOVERFLOW = 75;
const NAMES = {
    [EPERM]: ['EPERM', 'operation not permitted'],
    [ENOENT]: ['ENOENT', 'no such file or directory'],
    [ESRCH]: ['ESRCH', 'no such process'],
    [EINTR]: ['EINTR', 'interrupted system call'],
    [EIO]: ['EIO', 'i/o error'],
    [E2BIG]: ['E2BIG', 'argument list too long'],
    [EBADF]: ['EBADF', 'bad file descriptor'],
    [EAGAIN]: ['EAGAIN', 'resource temporarily unavailable'],
    [ENOMEM]: ['ENOMEM', 'not enough memory'],
    [EACCES]: ['EACCES', 'permission denied'],
    [EFAULT]: ['EFAULT', 'bad address in system call argument'],
    [EBUSY]: ['EBUSY', 'resource busy or locked'],
    [EEXIST]: ['EEXIST', 'file already exists'],
    [ENODEV]: ['ENODEV', 'no such device'],
    [EINVAL]: ['EINVAL', 'invalid argument'],
    [ENFILE]: ['ENFILE', 'file table overflow'],
    [EMFILE]: ['EMFILE', 'too many open files'],
    [EFBIG]: ['EFBIG', 'file too large'],
    [ENOSPC]: ['ENOSPC', 'no space left on device'],
    [ENAMETOOLONG]: ['ENAMETOOLONG', 'name too long'],
    [ENOSYS]: ['ENOSYS', 'function not implemented'],
    [EOVERFLOW]: ['EOVERFLOW', 'value too large for defined data type'],
};
/** Build the error a failing call rejects or throws with: `EINVAL: invalid argument, mbind`. */
export function systemError(err, syscall, extra) {
    const n = Math.abs(err);
    const [code, text] = NAMES[n] ?? [`E${n}`, `error ${n}`];
    const detail = extra?.detail ? ` (${extra.detail})` : '';
    const e = new Error(`${code}: ${text}, ${syscall}${detail}`);
    e.code = code;
    e.errno = -n;
    e.syscall = syscall;
    if (extra?.signal)
        e.signal = extra.signal;
    return e;
}
//# sourceMappingURL=errno.js.map