/**
 * Options objects at the public boundary, checked by name and by type before anything reads
 * them: an option nobody knows is refused with the nearest known name (a misspelling must never
 * leave a default silently in place), and a value of the wrong JavaScript type is a TypeError
 * with Node's code ERR_INVALID_ARG_TYPE naming the field. Whether a well-typed value is in range
 * is the business of the code that uses it (topology.ts, machine.ts).
 *
 * A shape is a table from option name to the types it accepts; nested objects and arrays of
 * objects have shapes of their own, so every level of a machine description is checked the same
 * way (`nodes[2].memoryMiB`, `limits.swapslots`).
 */

/** What one option accepts. */
export type FieldType =
  | 'string'
  | 'number'
  | 'number[]'
  | 'number[][]'
  | 'string|number'
  | 'number|number[]'
  | '(string|number)[]'
  | 'unknown[]'
  /** A plain object whose own keys are checked elsewhere (a nested description with its own checker). */
  | 'object'
  | { object: Shape }
  | { array: Shape };

/** Option name -> accepted type. */
export type Shape = Readonly<Record<string, FieldType>>;

/** Node's argument-type error, naming the field. */
export function optionTypeError(where: string, field: string, want: string, got: unknown): TypeError {
  const e = new TypeError(`${where}: ${field} must be ${want}, not ${describeValue(got)}`) as TypeError & { code: string };
  e.code = 'ERR_INVALID_ARG_TYPE';
  return e;
}

/** Node's argument-value error (a RangeError), as every bad machine description gives. */
export function optionValueError(where: string, what: string): RangeError {
  const e = new RangeError(`${where}: ${what}`) as RangeError & { code: string };
  e.code = 'ERR_INVALID_ARG_VALUE';
  return e;
}

function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `the string '${v.length > 20 ? `${v.slice(0, 20)}...` : v}'`;
  if (typeof v === 'object' || typeof v === 'function') return `a ${typeof v}`;
  return `the ${typeof v} ${String(v)}${typeof v === 'bigint' ? 'n' : ''}`;
}

/** A plain object (not null, not an array). */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Levenshtein distance, case-insensitive (option names differ mostly by case and suffixes). */
function editDistance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const row = [i];
    for (let j = 1; j <= y.length; j++) row.push(Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (x[i - 1] === y[j - 1] ? 0 : 1)));
    prev = row;
  }
  return prev[y.length];
}

/** The known name nearest to `name`, if one is near enough to be what was meant. */
export function nearestName(name: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestScore = Infinity;
  for (const k of known) {
    const contains = name.toLowerCase().includes(k.toLowerCase()) || k.toLowerCase().includes(name.toLowerCase());
    const score = contains ? 0 : editDistance(name, k);
    if (score < bestScore && (contains || score <= Math.max(2, Math.floor(k.length / 3)))) {
      best = k;
      bestScore = score;
    }
  }
  return best;
}

function typeOk(t: Exclude<FieldType, object>, v: unknown): boolean {
  const num = (x: unknown) => typeof x === 'number';
  const arr = (x: unknown, el: (y: unknown) => boolean) => Array.isArray(x) && x.every(el);
  switch (t) {
    case 'string':
      return typeof v === 'string';
    case 'number':
      return num(v);
    case 'number[]':
      return arr(v, num);
    case 'number[][]':
      return arr(v, (r) => arr(r, num));
    case 'string|number':
      return num(v) || typeof v === 'string';
    case 'number|number[]':
      return num(v) || arr(v, num);
    case '(string|number)[]':
      return arr(v, (x) => num(x) || typeof x === 'string');
    case 'unknown[]':
      return Array.isArray(v);
    case 'object':
      return isPlainObject(v);
  }
}

function typeName(t: FieldType): string {
  if (typeof t === 'object') return 'object' in t ? 'an object' : 'an array of objects';
  const names: Record<typeof t, string> = {
    string: 'a string',
    number: 'a number',
    'number[]': 'an array of numbers',
    'number[][]': 'an array of arrays of numbers',
    'string|number': 'a number or a string',
    'number|number[]': 'a number or an array of numbers',
    '(string|number)[]': 'an array of numbers or strings',
    'unknown[]': 'an array',
    object: 'an object',
  };
  return names[t];
}

/**
 * Check `value` (the options called `path`, e.g. 'options') against `shape`: every key known,
 * every value of its type, nested shapes too. `where` prefixes the messages ('Machine.create').
 * Undefined values count as absent, as for any JavaScript options object.
 */
export function checkOptions(where: string, path: string, value: unknown, shape: Shape): void {
  if (!isPlainObject(value)) throw optionTypeError(where, path, 'an object', value);
  const known = Object.keys(shape);
  for (const [key, v] of Object.entries(value)) {
    const field = `${path === 'options' ? '' : `${path}.`}${key}`;
    if (!Object.hasOwn(shape, key)) {
      const near = nearestName(key, known);
      throw optionValueError(where, `unknown option ${field}${near ? ` (did you mean ${near}?)` : ''}; known: ${known.join(', ')}`);
    }
    if (v === undefined) continue;
    const t = shape[key];
    if (typeof t === 'object' && 'object' in t) checkOptions(where, field, v, t.object);
    else if (typeof t === 'object') {
      if (!Array.isArray(v)) throw optionTypeError(where, field, typeName(t), v);
      v.forEach((el, i) => checkOptions(where, `${field}[${i}]`, el, t.array));
    } else if (!typeOk(t, v)) throw optionTypeError(where, field, typeName(t), v);
  }
}
