// The readers every entry point checks its options with, and the limits they enforce: each rule is
// written here once, and every message has the shape of errors.ts, the received value in describe().
import { describe, isFloat32Array, isObject, isUint8Array, rangeError, typeError } from './errors';

/** Height and width stay below 2^24 so that every integer coordinate is exact in float32. */
export const MAX_SIDE = 2 ** 24;

/** The largest odd kernel: the 'dark' blur and the 'peaks' window. */
export const MAX_KERNEL = 255;

/**
 * Where a batch's channels sit: `'nchw'`, each plane's H x W values after one another
 * (`[N, C, H, W]`, PyTorch and ONNX models); `'nhwc'`, the C values of each pixel together
 * (`[N, H, W, C]`, tfjs and TFLite models).
 */
export type Layout = 'nchw' | 'nhwc';
export const LAYOUTS: readonly Layout[] = ['nchw', 'nhwc'];

export const formatShape = (shape: readonly number[]): string => `[${shape.join(', ')}]`;

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

export function readBoolean(value: unknown, name: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw typeError('a boolean', name, value);
  return value;
}

/**
 * A number that passes `ok`: a TypeError for anything but a number, a RangeError for one that
 * fails. `fallback` undefined makes the option required.
 */
export function readNumber(value: unknown, name: string, fallback: number | undefined, what: string, ok: (v: number) => boolean): number {
  if (value === undefined && fallback !== undefined) return fallback;
  if (typeof value !== 'number') throw typeError(what, name, value);
  if (!ok(value)) throw rangeError(what, name, describe(value));
  return value;
}

/** An integer from `min` to `max`, worded `what` (by default "an integer from min to max"). */
export function readInteger(
  value: unknown,
  name: string,
  fallback: number | undefined,
  min: number,
  max: number,
  what = `an integer from ${min} to ${max}`,
): number {
  return readNumber(value, name, fallback, what, (v) => Number.isSafeInteger(v) && v >= min && v <= max);
}

export function readPositive(value: unknown, name: string, fallback: number): number {
  return readNumber(value, name, fallback, 'a finite number > 0', (v) => Number.isFinite(v) && v > 0);
}

export function readFraction(value: unknown, name: string, fallback: number, what = 'a number from 0 to 1'): number {
  return readNumber(value, name, fallback, what, (v) => v >= 0 && v <= 1);
}

export function readOddSize(value: unknown, name: string, fallback: number | undefined): number {
  return readNumber(value, name, fallback, `an odd integer from 1 to ${MAX_KERNEL}`, (v) => Number.isInteger(v) && v >= 1 && v <= MAX_KERNEL && v % 2 === 1);
}

/**
 * The value a drawn pixel holds (a gaussian's peak): finite and > 0; for 'uint8' planes at most 255,
 * and an integer unless it is a gaussian's peak. Default 1, or 255 for 'uint8'.
 */
export function readDrawnValue(value: unknown, name: string, dtype: 'float32' | 'uint8', gaussian: boolean): number {
  if (dtype === 'float32') return readPositive(value, name, 1);
  const what = gaussian ? 'a number in (0, 255]' : 'an integer from 1 to 255';
  return readNumber(value, name, 255, what, (v) => v > 0 && v <= 255 && (gaussian || Number.isInteger(v)));
}

type View = Float32Array | Uint8Array | Uint32Array;

// Whether two views share any byte (views on one ArrayBuffer with intersecting ranges).
function sharesMemory(a: ArrayBufferView, b: ArrayBufferView): boolean {
  if (a.buffer !== b.buffer || a.byteLength === 0 || b.byteLength === 0) return false;
  return a.byteOffset < b.byteOffset + b.byteLength && b.byteOffset < a.byteOffset + a.byteLength;
}

/**
 * Reads an `out` option: every named array present, of its exact type and length, attached, and
 * sharing no memory with the input (or any of the inputs) or with each other.
 */
export function readOut<T extends Record<string, View>>(
  value: unknown,
  name: string,
  spec: { [K in keyof T]: { is: (v: unknown) => boolean; type: string; length: number } },
  input: ArrayBufferView | readonly ArrayBufferView[],
): T | undefined {
  if (value === undefined) return undefined;
  const keys = Object.keys(spec);
  if (!isObject(value) || Array.isArray(value) || ArrayBuffer.isView(value)) {
    throw typeError(`an object { ${keys.join(', ')} }`, name, value);
  }
  const opts = readOptions(value, name, keys);
  const seen: [string, ArrayBufferView][] = [];
  for (const key of keys) {
    const v = opts[key];
    const field = `${name}.${key}`;
    const { is, type, length } = spec[key];
    if (!is(v)) throw typeError(`a ${type}`, field, v);
    const view = v as View;
    if (view.length !== length) throw rangeError(`a ${type} of ${length} elements`, field, describe(view));
    if ((ArrayBuffer.isView(input) ? [input] : input).some((i) => sharesMemory(view, i))) throw rangeError('an array that does not share memory with the input', field, describe(view));
    for (const [other, o] of seen) {
      if (sharesMemory(view, o)) throw rangeError(`an array that does not share memory with ${other}`, field, describe(view));
    }
    seen.push([field, view]);
  }
  return opts as T;
}

type PointOutput = { coords: Float32Array; scores: Float32Array; valid: Uint8Array };

/**
 * `options.out` of decode and decodeSimcc: the coordinates, scores and validity of `n` items
 * (decode's planes, SimCC's keypoints), none sharing memory with the inputs or each other.
 */
export function readPointOut(value: unknown, n: number, input: ArrayBufferView | readonly ArrayBufferView[]): PointOutput | undefined {
  return readOut<PointOutput>(
    value,
    'options.out',
    {
      coords: { is: isFloat32Array, type: 'Float32Array', length: n * 2 },
      scores: { is: isFloat32Array, type: 'Float32Array', length: n },
      valid: { is: isUint8Array, type: 'Uint8Array', length: n },
    },
    input,
  );
}
