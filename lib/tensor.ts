// Reads `{ data, shape }` (or an onnxruntime-node Tensor's `{ data, dims }`) as a batch of planes.
import type { PlaneData } from './addon';
import { isDetached, isFloat32Array, isObject, isUint8Array, rangeError, typeError } from './errors';

/** Planes as `{ data, shape }`: shape `[H, W]`, `[N, H, W]` or `[N, C, H, W]`, row-major. */
export interface PlaneTensor<D extends PlaneData = PlaneData> {
  data: D;
  shape: readonly number[];
}

/** An onnxruntime-node Tensor, or anything with `data` and `dims`. */
export interface DimsTensor<D extends PlaneData = PlaneData> {
  data: D;
  dims: readonly number[];
}

export type PlaneInput<D extends PlaneData = PlaneData> = PlaneTensor<D> | DimsTensor<D>;

export interface Planes {
  data: PlaneData;
  planes: number;
  height: number;
  width: number;
  /** The dimensions before [H, W]: [] for one plane, [N] or [N, C]. */
  lead: number[];
}

/** Height and width stay below 2^24 so that every integer coordinate is exact in float32. */
export const MAX_SIDE = 2 ** 24;

const formatShape = (shape: readonly number[]): string => `[${shape.join(', ')}]`;

export function readData(value: unknown, name: string): PlaneData {
  if (!isFloat32Array(value) && !isUint8Array(value)) {
    throw typeError('a Float32Array or Uint8Array', name, value);
  }
  if (isDetached(value)) {
    throw typeError('a Float32Array or Uint8Array with an attached buffer', name, value);
  }
  return value;
}

export function readShape(value: unknown, name: string, minRank: number, maxRank: number, ranks: string): number[] {
  if (!Array.isArray(value) || !value.every((d) => typeof d === 'number')) {
    throw typeError('an array of numbers', name, value);
  }
  const shape = value as number[];
  if (shape.length < minRank || shape.length > maxRank) {
    throw rangeError(ranks, name, `rank ${shape.length} ${formatShape(shape)}`);
  }
  if (!shape.every((d) => Number.isSafeInteger(d) && d > 0)) {
    throw rangeError('positive integer dimensions', name, formatShape(shape));
  }
  return shape.slice();
}

// The element count, or a RangeError when it passes what a typed array can hold.
export function product(shape: readonly number[], name: string): number {
  const n = shape.reduce((a, b) => a * b, 1);
  if (!Number.isSafeInteger(n)) {
    throw rangeError('an element count below 2^53', name, `${formatShape(shape)} (${n} elements)`);
  }
  return n;
}

export function checkLength(data: PlaneData, count: number, shape: readonly number[], name: string): void {
  if (data.length !== count) {
    throw rangeError(`${count} elements (the product of shape ${formatShape(shape)})`, name, String(data.length));
  }
}

export function readPlanes(input: unknown, name = 'input'): Planes {
  if (!isObject(input)) throw typeError('an object { data, shape }', name, input);
  const data = readData(input.data, `${name}.data`);
  const key = input.shape === undefined && input.dims !== undefined ? 'dims' : 'shape';
  const shape = readShape(input[key], `${name}.${key}`, 2, 4, 'rank 2 to 4 ([H, W], [N, H, W] or [N, C, H, W])');
  const height = shape[shape.length - 2];
  const width = shape[shape.length - 1];
  if (height > MAX_SIDE || width > MAX_SIDE) {
    throw rangeError(`height and width at most ${MAX_SIDE}`, `${name}.${key}`, formatShape(shape));
  }
  const count = product(shape, `${name}.${key}`);
  checkLength(data, count, shape, `${name}.data`);
  const lead = shape.slice(0, -2);
  return { data, planes: count / (height * width), height, width, lead };
}
