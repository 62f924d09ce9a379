/**
 * What the C tools' printf conversions print, exactly: "%.Nf" rounds the binary value of the
 * double to nearest with ties to even (glibc), which Number.prototype.toFixed does not
 * ((0.125).toFixed(2) is "0.13", printf("%.2f", 0.125) is "0.12"); "%016llx"; strerror texts.
 */
/** printf("%.<digits>f", x) as glibc prints it (default rounding mode). */
export function cFixed(x, digits) {
    if (!Number.isFinite(x))
        return Number.isNaN(x) ? 'nan' : x > 0 ? 'inf' : '-inf';
    const negative = x < 0 || Object.is(x, -0);
    const { mant, exp } = decompose(Math.abs(x));
    // |x| = mant * 2^exp exactly; scale by 10^digits and round the rational to an integer.
    const scale = 10n ** BigInt(digits);
    let q;
    if (exp >= 0)
        q = (mant << BigInt(exp)) * scale;
    else {
        const num = mant * scale;
        const den = 1n << BigInt(-exp);
        q = num / den;
        const twice = (num % den) * 2n;
        if (twice > den || (twice === den && q % 2n === 1n))
            q += 1n;
    }
    let s = q.toString();
    if (digits > 0) {
        s = s.padStart(digits + 1, '0');
        s = `${s.slice(0, -digits)}.${s.slice(-digits)}`;
    }
    return negative ? `-${s}` : s;
}
/** A finite non-negative double as mantissa * 2^exp, both exact. */
function decompose(x) {
    const view = new DataView(new ArrayBuffer(8));
    view.setFloat64(0, x);
    const hi = view.getUint32(0);
    const lo = view.getUint32(4);
    const biased = (hi >>> 20) & 0x7ff;
    let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
    if (biased === 0)
        return { mant, exp: -1074 };
    mant |= 1n << 52n;
    return { mant, exp: biased - 1075 };
}
/** printf("%016llx", n) for a non-negative safe integer. */
export function hex16(n) {
    return n.toString(16).padStart(16, '0');
}
/** printf("%04o", n). */
export function oct4(n) {
    return n.toString(8).padStart(4, '0');
}
/** glibc's strerror() text for an errno name, as perror() prints it. */
const STRERROR = {
    EPERM: 'Operation not permitted',
    ENOENT: 'No such file or directory',
    ESRCH: 'No such process',
    EIO: 'Input/output error',
    EBADF: 'Bad file descriptor',
    EAGAIN: 'Resource temporarily unavailable',
    ENOMEM: 'Cannot allocate memory',
    EACCES: 'Permission denied',
    EFAULT: 'Bad address',
    EBUSY: 'Device or resource busy',
    EEXIST: 'File exists',
    ENODEV: 'No such device',
    EINVAL: 'Invalid argument',
    ENFILE: 'Too many open files in system',
    EMFILE: 'Too many open files',
    EFBIG: 'File too large',
    ENOSPC: 'No space left on device',
    ENAMETOOLONG: 'File name too long',
    ENOSYS: 'Function not implemented',
    EOVERFLOW: 'Value too large for defined data type',
};
export function strerror(code) {
    return (code && STRERROR[code]) ?? `Unknown error ${code ?? ''}`.trim();
}
//# sourceMappingURL=cfmt.js.map