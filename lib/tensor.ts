// Reads `{ data, shape }` (or an onnxruntime-node Tensor's `{ data, dims }`) as a batch of planes or
// a Float32 tensor, and allocates the outputs the native code fills.
import type { PlaneData } from './addon';
import { describe, isDetached, isFloat32Array, isObject, isUint8Array, rangeError, typeError } from './errors';
import { formatShape, MAX_SIDE, readEnum } from './validate';

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

/** A Float32 tensor: `data` row-major in `shape`. */
export interface Float32Tensor {
  data: Float32Array;
  shape: number[];
}

/**
 * How planes lie in memory. `'nchw'`: plane after plane, shape [H, W], [N, H, W] or [N, C, H, W].
 * `'nhwc'`: channels-last, as tfjs hands tensors over, shape [H, W, C] or [N, H, W, C]; the planes are
 * the C channels of each image, read in place.
 */
export type PlaneLayout = 'nchw' | 'nhwc';

export const PLANE_LAYOUTS: readonly PlaneLayout[] = ['nchw', 'nhwc'];

/**
 * options.layout, read before the input it describes (default 'nchw'); options that are not an
 * object are left for the caller's own check, after the input's.
 */
export function readLayout(options: unknown): PlaneLayout {
  const value = isObject(options) && !Array.isArray(options) ? options.layout : undefined;
  return readEnum(value, 'options.layout', PLANE_LAYOUTS, 'nchw');
}

export interface Planes {
  data: PlaneData;
  planes: number;
  height: number;
  width: number;
  /** The dimensions that are not [H, W]: [] for one plane, [N] or [N, C] (NHWC: [C] or [N, C]). */
  lead: number[];
  layout: PlaneLayout;
  /** Planes per image: C for 'nhwc', 1 for 'nchw'. */
  channels: number;
}

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
    throw rangeError(`${count} elements (the product of shape ${formatShape(shape)})`, name, describe(data.length));
  }
}

/**
 * Reads `{ data, shape }` or `{ data, dims }`: `check` sees the shape (and the name it was read as)
 * before the data's length is compared with it.
 */
function readTensor(
  value: unknown,
  name: string,
  minRank: number,
  maxRank: number,
  ranks: string,
  float32: boolean,
  check?: (shape: number[], shapeName: string) => void,
): { data: PlaneData; shape: number[]; count: number } {
  if (!isObject(value)) throw typeError('an object { data, shape }', name, value);
  const data = readData(value.data, `${name}.data`);
  if (float32 && !(data instanceof Float32Array)) throw typeError('a Float32Array', `${name}.data`, data);
  const key = value.shape === undefined && value.dims !== undefined ? 'dims' : 'shape';
  const shapeName = `${name}.${key}`;
  const shape = readShape(value[key], shapeName, minRank, maxRank, ranks);
  check?.(shape, shapeName);
  const count = product(shape, shapeName);
  checkLength(data, count, shape, `${name}.data`);
  return { data, shape, count };
}

export function readFloat32Tensor(
  value: unknown,
  name: string,
  minRank: number,
  maxRank: number,
  ranks: string,
  check?: (shape: number[], shapeName: string) => void,
): Float32Tensor {
  const { data, shape } = readTensor(value, name, minRank, maxRank, ranks, true, check);
  return { data: data as Float32Array, shape };
}

/** A RangeError unless both height and width are at most MAX_SIDE. */
export function checkSides(height: number, width: number, name: string, shape: readonly number[]): void {
  if (height > MAX_SIDE || width > MAX_SIDE) {
    throw rangeError(`height and width at most ${MAX_SIDE}`, name, formatShape(shape));
  }
}

export function readPlanes(input: unknown, name = 'input', layout: PlaneLayout = 'nchw'): Planes {
  if (layout === 'nhwc') {
    // [H, W, C] or [N, H, W, C]: H and W are the two dimensions before the last.
    const { data, shape, count } = readTensor(
      input,
      name,
      3,
      4,
      "rank 3 or 4 ([H, W, C] or [N, H, W, C]) for layout 'nhwc'",
      false,
      (s, shapeName) => checkSides(s[s.length - 3], s[s.length - 2], shapeName, s),
    );
    const [height, width, channels] = shape.slice(-3);
    return { data, planes: count / (height * width), height, width, lead: [...shape.slice(0, -3), channels], layout, channels };
  }
  const { data, shape, count } = readTensor(input, name, 2, 4, 'rank 2 to 4 ([H, W], [N, H, W] or [N, C, H, W])', false, (s, shapeName) =>
    checkSides(s[s.length - 2], s[s.length - 1], shapeName, s),
  );
  const height = shape[shape.length - 2];
  const width = shape[shape.length - 1];
  return { data, planes: count / (height * width), height, width, lead: shape.slice(0, -2), layout, channels: 1 };
}

/**
 * Output storage the native code overwrites completely: not zero-filled, so a large result does
 * not pay for clearing (or for faulting in fresh zero pages) before the kernel writes it.
 */
export function uninitialized(type: 'float32', n: number): Float32Array;
export function uninitialized(type: 'uint8', n: number): Uint8Array;
export function uninitialized(type: 'float32' | 'uint8', n: number): Float32Array | Uint8Array {
  const bytes = type === 'float32' ? 4 : 1;
  const buffer = Buffer.allocUnsafeSlow(n * bytes);
  return type === 'float32' ? new Float32Array(buffer.buffer, buffer.byteOffset, n) : new Uint8Array(buffer.buffer, buffer.byteOffset, n);
}
