/**
 * A small getopt_long: long options as `--name value` or `--name=value` (a unique prefix of a
 * long name is accepted, as getopt_long does), short options as `-x value`, `-xvalue` or bundled
 * flags (`-Td`), `--` ends the options; with `stopAtWord` so does the first word that is not an
 * option (getopt's '+', as numactl parses: what follows is the command's). Errors are
 * UsageError (the CLI exits with code 2).
 */

/** A bad command line: the CLI prints the message and the usage, and exits with code 2. */
export class UsageError extends Error {
  constructor(
    message: string,
    /** The usage text to print after the message. */
    readonly usage?: string,
  ) {
    super(message);
  }
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
export function getopt(argv: readonly string[], specs: readonly OptSpec[], usage?: string, stopAtWord = false): { opts: ParsedOpt[]; words: string[] } {
  const opts: ParsedOpt[] = [];
  const words: string[] = [];
  const fail = (msg: string): never => {
    throw new UsageError(msg, usage);
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      words.push(...argv.slice(i + 1));
      break;
    }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = a.slice(2, eq < 0 ? undefined : eq);
      const longs = specs.filter((s) => !s.shortOnly);
      const exact = longs.find((s) => s.long === name);
      const prefixed = longs.filter((s) => s.long.startsWith(name));
      if (!exact && prefixed.length > 1) fail(`option '--${name}' is ambiguous`);
      const spec = exact ?? (name !== '' ? prefixed[0] : undefined);
      if (!spec) fail(`unknown option --${name}`);
      let value: string | undefined;
      if (spec!.arg) {
        value = eq >= 0 ? a.slice(eq + 1) : argv[++i];
        if (value === undefined) fail(`option '--${spec!.long}' requires an argument`);
      } else if (eq >= 0) fail(`option '--${spec!.long}' doesn't allow an argument`);
      opts.push({ name: spec!.long, given: `--${spec!.long}`, value });
    } else if (a.startsWith('-') && a.length > 1) {
      for (let j = 1; j < a.length; j++) {
        const spec = specs.find((s) => s.short === a[j]);
        if (!spec) fail(`invalid option -- '${a[j]}'`);
        if (spec!.arg) {
          const value = j + 1 < a.length ? a.slice(j + 1) : argv[++i];
          if (value === undefined) fail(`option requires an argument -- '${a[j]}'`);
          opts.push({ name: spec!.long, given: `-${a[j]}`, value });
          break;
        }
        opts.push({ name: spec!.long, given: `-${a[j]}`, value: undefined });
      }
    } else if (stopAtWord) {
      words.push(...argv.slice(i));
      break;
    } else words.push(a);
  }
  return { opts, words };
}
