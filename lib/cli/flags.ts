// What the commands share on their command line: the declarations of common flags, the readers
// of numeric flags, and UsageError (one line on stderr, exit code 2: see main.ts).
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { DECODE_METHODS, METHOD_KEYS } from '../decode';
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

type FlagConfig = ParseArgsConfig & { args: string[] };

/**
 * parseArgs, with one change: a string flag followed by a negative number (`--count -5`) takes it
 * as its value, where parseArgs would call the flag's argument ambiguous; the flag's reader then
 * judges the value in its own words.
 */
export function parseFlags<T extends FlagConfig>(config: T): ReturnType<typeof parseArgs<T>> {
  const options = config.options ?? {};
  const takesValue = (arg: string): boolean => {
    const long = arg.startsWith('--') ? arg.slice(2) : undefined;
    const entry = long !== undefined ? options[long] : Object.values(options).find((o) => arg.length === 2 && o.short === arg[1]);
    return entry?.type === 'string';
  };
  const args: string[] = [];
  for (let i = 0; i < config.args.length; i++) {
    const arg = config.args[i];
    const next = config.args[i + 1];
    if (next !== undefined && /^-(?:\d|\.\d|Infinity$)/.test(next) && takesValue(arg)) {
      args.push(`${arg}=${next}`);
      i++;
    } else {
      args.push(arg);
    }
  }
  return parseArgs({ ...config, args } as T);
}

/**
 * A library error in the command line's words: `options.minScore` becomes `--min-score`, so the
 * message names the flag the user typed.
 */
export function inFlags(message: string): string {
  return message.replace(/\boptions\.([A-Za-z]+)/g, (_, key: string) => `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`);
}

/** parseArgs declarations of flags that each take one string. */
export function stringFlags<K extends string>(...names: K[]): { [P in K]: { type: 'string' } } {
  return Object.fromEntries(names.map((name) => [name, { type: 'string' }])) as { [P in K]: { type: 'string' } };
}

/** The options of a decode method beside `--method` itself, as decode and serve take them. */
export const METHOD_OPTIONS = ['kernel', 'sigma', 'threshold', 'beta', 'min-score', 'quarter-rule'] as const;

/** The library's option key of a flag: `--min-score` sets `minScore`. */
export const optionKey = (flag: string): string => flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/** `--method`, the decode method of decode, preview and serve. */
export const METHOD_FLAG = stringFlags('method');

/** `--method` and {@link METHOD_OPTIONS}, as decode and serve take them. */
export const METHOD_FLAGS = { ...METHOD_FLAG, ...stringFlags(...METHOD_OPTIONS) };

export type MethodFlagValues = Partial<Record<'method' | (typeof METHOD_OPTIONS)[number], string>>;

/** A UsageError, in flags, when a method option is given to a method that does not take it. */
export function checkMethodFlags(values: MethodFlagValues): void {
  const method = values.method ?? 'argmax';
  const keys = (METHOD_KEYS as Record<string, readonly string[] | undefined>)[method];
  if (keys === undefined) return; // an unknown method: the library's error lists the known ones
  for (const key of METHOD_OPTIONS) {
    if (values[key] === undefined || keys.includes(optionKey(key))) continue;
    const takers = DECODE_METHODS.filter((m) => METHOD_KEYS[m].includes(optionKey(key)));
    const which = takers.length > 2 ? `every --method but ${DECODE_METHODS.filter((m) => !takers.includes(m)).join(' and ')}` : `--method ${takers.join(' or ')}`;
    fail(`--${key} applies to ${which}, not --method ${method}${values.method === undefined ? ' (the default)' : ''}`);
  }
}

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
