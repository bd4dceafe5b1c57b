// Shared readers for option bags.
import { describe, isObject, typeError } from './errors';

// Rejects keys the function does not know, so a typo is an error rather than a silent default.
export function readOptions(value: unknown, name: string, known: readonly string[]): Record<string, unknown> {
  if (value === undefined) return {};
  if (!isObject(value) || Array.isArray(value)) throw typeError('an options object', name, value);
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) {
      throw new TypeError(`Expected only the keys ${known.join(', ')} for ${name} but received key ${describe(key)}`);
    }
  }
  return value;
}

export function readEnum<T extends string>(value: unknown, name: string, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw typeError(`one of ${allowed.map((a) => `'${a}'`).join(', ')}`, name, value);
  }
  return value as T;
}
