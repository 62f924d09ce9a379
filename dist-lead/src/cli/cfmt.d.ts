/**
 * What the C tools' printf conversions print, exactly: "%.Nf" rounds the binary value of the
 * double to nearest with ties to even (glibc), which Number.prototype.toFixed does not
 * ((0.125).toFixed(2) is "0.13", printf("%.2f", 0.125) is "0.12"); "%016llx"; strerror texts.
 */
/** printf("%.<digits>f", x) as glibc prints it (default rounding mode). */
export declare function cFixed(x: number, digits: number): string;
/** printf("%016llx", n) for a non-negative safe integer. */
export declare function hex16(n: number): string;
/** printf("%04o", n). */
export declare function oct4(n: number): string;
export declare function strerror(code: string | undefined): string;
