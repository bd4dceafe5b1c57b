// What the commands share on their command line: the declarations of common flags, the readers
// of numeric flags, and UsageError (one line on stderr, exit code 2: see main.ts).
import { describe, rangeError } from '../errors';

/** A wrong command line: printed as one line, exit code 2. */
export class UsageError extends Error {}

export function fail(message: string): never {
  throw new UsageError(message);
}

/** `-h`/`--help`, taken by every command. */
export const HELP_FLAG = { help: { type: 'boolean', short: 'h' } } as const;

/** `-o`/`--out`, the output file or folder of generate, decode and preview. */
export const OUT_FLAG = { out: { type: 'string', short: 'o' } } as const;

/** parseArgs declarations of flags that each take one string. */
export function stringFlags<K extends string>(...names: K[]): { [P in K]: { type: 'string' } } {
  return Object.fromEntries(names.map((name) => [name, { type: 'string' }])) as { [P in K]: { type: 'string' } };
}

/** The options of a decode method beside `--method` itself, as decode and serve take them. */
export const METHOD_OPTIONS = ['kernel', 'sigma', 'threshold', 'beta'] as const;

/** `--method`, the decode method of decode, preview and serve. */
export const METHOD_FLAG = stringFlags('method');

/** `--method` and {@link METHOD_OPTIONS}, as decode and serve take them. */
export const METHOD_FLAGS = { ...METHOD_FLAG, ...stringFlags(...METHOD_OPTIONS) };

// generate, decode, preview and bench word their errors as `--flag expects ..., got "value"`;
// serve takes the library's `Expected ... for --flag but received ...`. Both are kept as they are.

/** A non-negative integer flag of generate, decode, preview or bench; undefined when not given. */
export function readInt(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) fail(`${flag} expects a non-negative integer, got "${value}"`);
  return Number(value);
}

/** A finite number flag of generate or decode; undefined when not given. */
export function readFloat(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) fail(`${flag} expects a number, got "${value}"`);
  return n;
}

const COUNT = /^\d{1,15}$/;

/** A non-negative integer flag of serve (a count, a size or a port), in the library's error shape. */
export function readCount(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  if (!COUNT.test(value)) throw rangeError('a non-negative integer', flag, describe(value));
  return Number(value);
}
