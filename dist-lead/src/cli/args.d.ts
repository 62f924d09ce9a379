/**
 * A small getopt_long: long options as `--name value` or `--name=value` (a unique prefix of a
 * long name is accepted, as getopt_long does), short options as `-x value`, `-xvalue` or bundled
 * flags (`-Td`), `--` ends the options. Errors are UsageError (the CLI exits with code 2).
 */
/** A bad command line: the CLI prints the message and the usage, and exits with code 2. */
export declare class UsageError extends Error {
    /** The usage text to print after the message. */
    readonly usage?: string | undefined;
    constructor(message: string, 
    /** The usage text to print after the message. */
    usage?: string | undefined);
}
export interface OptSpec {
    /** Long name without the dashes; also the key `onOption` receives. */
    long: string;
    /** Single-letter short form. */
    short?: string;
    /** Takes a value. */
    arg: boolean;
    /** Only the short form exists (numastat's options): `long` is just the key. */
    shortOnly?: boolean;
}
/** One option as parsed: its spec's long name, the text the user wrote, its value. */
export interface ParsedOpt {
    name: string;
    given: string;
    value: string | undefined;
}
/** Parse `argv` against `specs`; options and positional words come back in command-line order. */
export declare function getopt(argv: readonly string[], specs: readonly OptSpec[], usage?: string): {
    opts: ParsedOpt[];
    words: string[];
};
