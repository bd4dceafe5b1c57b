// Reads `{ data, shape }` (or an onnxruntime-node Tensor's `{ data, dims }`, or a tfjs Tensor) as a
// batch of planes or a Float32 tensor, and allocates the outputs the native code fills.
import { constants as bufferConstants } from 'node:buffer';
import { types } from 'node:util';
import type { PlaneArray, PlaneData, PlaneDtype } from './addon';
import { describe, isDetached, isFloat32Array, isObject, isUint8Array, rangeError, typeError } from './errors';
import { formatShape, LAYOUTS, MAX_SIDE, readEnum, type Layout } from './validate';

/** Planes as `{ data, shape }`: shape `[H, W]`, `[N, H, W]` or `[N, C, H, W]`, row-major. */
export interface PlaneTensor<D extends PlaneArray = PlaneData> {
  data: D;
  shape: readonly number[];
}

/** An onnxruntime-node Tensor, or anything with `data` and `dims`. */
export interface DimsTensor<D extends PlaneArray = PlaneData> {
  data: D;
  dims: readonly number[];
}

/**
 * A TensorFlow.js Tensor of dtype 'float32' (cast others with `tf.cast(t, 'float32')`), read with
 * `dataSync()`. tfjs tensors are channels-last by convention: say so with the layout option.
 */
export interface TfjsTensor {
  shape: readonly number[];
  dtype: string;
  dataSync(): ArrayLike<number>;
}

export type PlaneInput<D extends PlaneArray = PlaneData> = PlaneTensor<D> | DimsTensor<D> | TfjsTensor;

/**
 * Half-precision planes: IEEE binary16 bit patterns in a Uint16Array, named float16 by `type` (as
 * an onnxruntime-node Tensor of a float16 output is: `{ type: 'float16', data: Uint16Array, dims }`)
 * or by `dtype`. The tag is required: no untagged Uint16Array is read as halves. A `Float16Array`
 * (where the runtime has one) is read as halves with or without the tag. Each half is read as the
 * float32 it is exactly; scores are those float32 values.
 * @example { data: halfBits, shape: [1, 17, 64, 48], type: 'float16' }
 */
export type Float16PlaneInput = (PlaneTensor<Uint16Array> | DimsTensor<Uint16Array>) & ({ type: 'float16' } | { dtype: 'float16' });

/** A Float32 tensor: `data` row-major in `shape`. */
export interface Float32Tensor {
  data: Float32Array;
  shape: number[];
}

/**
 * options.layout, read before the input it describes (default 'nchw'); options that are not an
 * object are left for the caller's own check, after the input's. For planes, 'nhwc' means shape
 * [H, W, C] or [N, H, W, C], the planes being the C channels of each image, read in place.
 */
export function readLayout(options: unknown): Layout {
  const value = isObject(options) && !Array.isArray(options) ? options.layout : undefined;
  return readEnum(value, 'options.layout', LAYOUTS, 'nchw');
}

export interface Planes {
  /** float16: the binary16 bits, as a Uint16Array (over a Float16Array's own memory for one). */
  data: PlaneArray;
  dtype: PlaneDtype;
  planes: number;
  height: number;
  width: number;
  /** The dimensions that are not [H, W]: [] for one plane, [N] or [N, C] (NHWC: [C] or [N, C]). */
  lead: number[];
  layout: Layout;
  /** Planes per image: C for 'nhwc', 1 for 'nchw'. */
  channels: number;
}

// What to do with typed arrays the engine does not read: the advice appended to the refusal.
const CONVERSIONS: Record<string, string> = {
  Float64Array: 'Float32Array.from(data)',
  Int8Array: 'Float32Array.from(data)',
  Int16Array: 'Float32Array.from(data)',
  Int32Array: 'Float32Array.from(data)',
  Uint32Array: 'Float32Array.from(data)',
  Uint8ClampedArray: 'new Uint8Array(data.buffer, data.byteOffset, data.length)',
};

/**
 * What a reader takes, in its refusals' words: plane data ('planes'), values that are pixels or
 * offsets and so not bytes ('float': Float32 or float16 bits), or Float32 only ('float32').
 */
export type Accepts = 'planes' | 'float' | 'float32';
const ACCEPTED: Record<Accepts, string> = {
  planes: 'a Float32Array or Uint8Array',
  float: "a Float32Array or float16 bits (a Uint16Array with type: 'float16')",
  float32: 'a Float32Array',
};

// The refusal of `value` as data, with the advice for an array that converts; `why` says what the
// data are, where that is why a dtype is refused.
function refuseData(value: unknown, name: string, accepts: Accepts, why?: string): TypeError {
  const convert = ArrayBuffer.isView(value) ? CONVERSIONS[value.constructor?.name ?? ''] : undefined;
  const advice = [why, convert && `convert with ${convert}`].filter(Boolean).join('; ');
  return typeError(`${ACCEPTED[accepts]}${advice ? ` (${advice})` : ''}`, name, value);
}

export function readData(value: unknown, name: string, accepts: Accepts = 'planes', why?: string): PlaneData {
  if (!isFloat32Array(value) && !(accepts === 'planes' && isUint8Array(value))) throw refuseData(value, name, accepts, why);
  if (isDetached(value)) {
    throw typeError(`${ACCEPTED[accepts]} with an attached buffer`, name, value);
  }
  return value;
}

// The runtime's Float16Array, where it has one (Node 20 has none).
function isFloat16Array(value: unknown): value is ArrayBufferView & { length: number } {
  const Float16 = (globalThis as { Float16Array?: abstract new (...args: never[]) => unknown }).Float16Array;
  return Float16 !== undefined && value instanceof Float16;
}

// A plane tensor's data with its dtype. A Uint16Array holds halves only under type (or dtype)
// 'float16', so that an integer array passed by mistake is refused rather than read as floats.
// `accepts` is 'planes' or 'float' (no Uint8Array; `why` says why).
export function readPlaneData(tensor: Record<string, unknown>, name: string, accepts: Accepts = 'planes', why?: string): { data: PlaneArray; dtype: PlaneDtype } {
  const value = tensor.data;
  const key = tensor.type !== undefined ? 'type' : 'dtype';
  const tag = tensor[key];
  const half = isFloat16Array(value);
  if (tag !== 'float16' && !types.isUint16Array(value) && !half) {
    const data = readData(value, `${name}.data`, accepts, why);
    return { data, dtype: isUint8Array(data) ? 'uint8' : 'float32' };
  }
  if (!types.isUint16Array(value) && !half) {
    throw typeError(`a Uint16Array of float16 bits or a Float16Array (${name}.${key} is 'float16')`, `${name}.data`, value);
  }
  if (tag === undefined && !half) {
    const { message } = typeError(ACCEPTED[accepts], `${name}.data`, value);
    throw new TypeError(`${message}: a Uint16Array holds float16 bits only with type: 'float16'; pass { data, shape, type: 'float16' }`);
  }
  if (tag !== undefined && tag !== 'float16') {
    throw typeError(`'float16' (${name}.data is a ${value.constructor.name})`, `${name}.${key}`, tag);
  }
  if (isDetached(value)) throw typeError('a Uint16Array or Float16Array with an attached buffer', `${name}.data`, value);
  return { data: half ? new Uint16Array(value.buffer, value.byteOffset, value.length) : (value as Uint16Array), dtype: 'float16' };
}

/**
 * Which leading dimensions may be 0 (a batch of nothing): `lead(rank)` of them, worded `what` in
 * the refusal of any other 0.
 */
export interface EmptyBatch {
  /** Whether dimension `i` of a shape of `rank` may be 0. */
  zero: (i: number, rank: number) => boolean;
  what: string;
}

/** Planes [N, C, H, W]: N and C may be 0, H and W may not. */
export const EMPTY_PLANES: EmptyBatch = { zero: (i, rank) => i < rank - 2, what: 'integer dimensions (H and W positive, N and C >= 0)' };

/** Channels-last planes [N, H, W, C]: N and C may be 0, H and W may not. */
export const EMPTY_NHWC_PLANES: EmptyBatch = {
  zero: (i, rank) => i === rank - 1 || (rank === 4 && i === 0),
  what: 'integer dimensions (H and W positive, N and C >= 0)',
};

/**
 * A shape of `minRank` to `maxRank` dimensions, each a positive integer; with `empty`, its leading
 * dimensions may be 0 too.
 */
export function readShape(value: unknown, name: string, minRank: number, maxRank: number, ranks: string, empty?: EmptyBatch): number[] {
  if (!Array.isArray(value) || !value.every((d) => typeof d === 'number')) {
    throw typeError('an array of numbers', name, value);
  }
  const shape = value as number[];
  if (shape.length < minRank || shape.length > maxRank) {
    throw rangeError(ranks, name, `rank ${shape.length} ${formatShape(shape)}`);
  }
  if (!shape.every((d, i) => Number.isSafeInteger(d) && (d > 0 || (d === 0 && empty !== undefined && empty.zero(i, shape.length))))) {
    throw rangeError(empty?.what ?? 'positive integer dimensions', name, formatShape(shape));
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

export function checkLength(data: PlaneArray, count: number, shape: readonly number[], name: string): void {
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
  accepts: Accepts,
  check?: (shape: number[], shapeName: string) => void,
  empty?: EmptyBatch,
  why?: string,
): { data: PlaneArray; dtype: PlaneDtype; shape: number[]; count: number } {
  if (ArrayBuffer.isView(value)) throw typeError('an object { data, shape } (pass { data: array, shape: [...] })', name, value);
  if (!isObject(value)) throw typeError('an object { data, shape }', name, value);
  const tfjs = isTfjsTensor(value);
  if (tfjs && value.dtype !== 'float32') {
    throw typeError(`a tfjs Tensor of dtype 'float32' (cast it with tf.cast(tensor, 'float32'))`, `${name}.dtype`, value.dtype);
  }
  const given = tfjs ? undefined : accepts === 'float32' ? { data: readData(value.data, `${name}.data`, accepts), dtype: 'float32' as const } : readPlaneData(value, name, accepts, why);
  const key = shapeKey(value, name);
  const shapeName = `${name}.${key}`;
  const shape = readShape(value[key], shapeName, minRank, maxRank, ranks, empty);
  check?.(shape, shapeName);
  const count = product(shape, shapeName);
  // A tfjs Tensor's values are read last, once its shape has passed (dataSync() may wait for a GPU).
  const { data, dtype } = given ?? { data: tfjsValues(value as unknown as TfjsTensor, name), dtype: 'float32' as const };
  checkLength(data, count, shape, given ? `${name}.data` : `${name}.dataSync()`);
  return { data, dtype, shape, count };
}

/**
 * Where a tensor's shape is: `shape` (tfjs, `{ data, shape }`) or, without one, `dims`
 * (onnxruntime-node). A tensor with both must give the same one in each.
 */
export function shapeKey(value: Record<string, unknown>, name: string): 'shape' | 'dims' {
  if (value.shape === undefined) return value.dims !== undefined ? 'dims' : 'shape';
  if (value.dims !== undefined && !isTfjsTensor(value)) {
    const same = Array.isArray(value.shape) && Array.isArray(value.dims) && value.shape.length === value.dims.length && value.shape.every((d, i) => Object.is(d, (value.dims as unknown[])[i]));
    if (!same) throw rangeError(`the same dimensions as ${name}.shape, ${describe(value.shape)} (or only one of the two)`, `${name}.dims`, describe(value.dims));
  }
  return 'shape';
}

// A tfjs Tensor's `data` is a method returning a Promise; dataSync() gives the values.
function isTfjsTensor(value: Record<string, unknown>): value is Record<string, unknown> & TfjsTensor {
  return typeof value.dataSync === 'function' && typeof value.dtype === 'string';
}

// A float32 tfjs Tensor's values as a Float32Array.
function tfjsValues(tensor: TfjsTensor, name: string): Float32Array {
  const values = tensor.dataSync();
  // A float32 tensor cast from int32 may keep its Int32Array storage (tfjs's CPU backend does).
  const numeric = ArrayBuffer.isView(values) && !(values instanceof BigInt64Array || values instanceof BigUint64Array || values instanceof DataView);
  if (!numeric) throw typeError('a typed array from dataSync()', `${name}.dataSync()`, values);
  return isFloat32Array(values) ? values : Float32Array.from(values);
}

export function readFloat32Tensor(
  value: unknown,
  name: string,
  minRank: number,
  maxRank: number,
  ranks: string,
  check?: (shape: number[], shapeName: string) => void,
  empty?: EmptyBatch,
): Float32Tensor {
  const { data, shape } = readTensor(value, name, minRank, maxRank, ranks, 'float32', check, empty);
  return { data: data as Float32Array, shape };
}

/** A RangeError unless both height and width are at most MAX_SIDE. */
export function checkSides(height: number, width: number, name: string, shape: readonly number[]): void {
  if (height > MAX_SIDE || width > MAX_SIDE) {
    throw rangeError(`height and width at most ${MAX_SIDE}`, name, formatShape(shape));
  }
}

/**
 * The fields every native request over planes carries, from what readPlanes read. Spread them at
 * the end of the request's literal: V8 adds every property written after a leading spread one by
 * one through the runtime, which made building a decode request cost 27 us instead of 0.6 us.
 */
export function planeFields(p: Planes): Pick<Planes, 'data' | 'dtype' | 'planes' | 'height' | 'width' | 'layout' | 'channels'> {
  return { data: p.data, dtype: p.dtype, planes: p.planes, height: p.height, width: p.width, layout: p.layout, channels: p.channels };
}

/**
 * Reads a batch of planes in `layout` ('nchw': [H, W], [N, H, W] or [N, C, H, W]; 'nhwc': [H, W, C]
 * or [N, H, W, C]); with `emptyBatch`, N and C may be 0 (a batch of no planes), H and W may not.
 */
// What each layout reads: its ranks, and where H and W sit (from the end) before any channels.
const PLANE_LAYOUTS = {
  nchw: { min: 2, ranks: 'rank 2 to 4 ([H, W], [N, H, W] or [N, C, H, W])', sides: 2, empty: EMPTY_PLANES },
  nhwc: { min: 3, ranks: "rank 3 or 4 ([H, W, C] or [N, H, W, C]) for layout 'nhwc'", sides: 3, empty: EMPTY_NHWC_PLANES },
} as const;

/** PlanesOptions.images for maps of C channels (boxes' sizes and offsets, sample's maps). */
export const CHANNEL_RANKS: Record<Layout, string> = {
  nchw: 'rank 3 or 4 ([C, H, W] or [N, C, H, W])',
  nhwc: "rank 3 or 4 ([H, W, C] or [N, H, W, C]) for layout 'nhwc'",
};

export interface PlanesOptions {
  layout?: Layout;
  emptyBatch?: boolean;
  /** Only rank 3 or 4, images of channels: the words for each layout's two shapes. */
  images?: Record<Layout, string>;
  /** Float32 or float16 only, not bytes: what the values are. */
  notBytes?: string;
}

export function readPlanes(input: unknown, name = 'input', { layout = 'nchw', emptyBatch = false, images, notBytes }: PlanesOptions = {}): Planes {
  const rule = PLANE_LAYOUTS[layout];
  const { data, dtype, shape, count } = readTensor(
    input,
    name,
    images ? 3 : rule.min,
    4,
    images ? images[layout] : rule.ranks,
    notBytes === undefined ? 'planes' : 'float',
    (s, shapeName) => checkSides(s[s.length - rule.sides], s[s.length - rule.sides + 1], shapeName, s),
    emptyBatch ? rule.empty : undefined,
    notBytes,
  );
  const height = shape[shape.length - rule.sides];
  const width = shape[shape.length - rule.sides + 1];
  // NHWC: the channels are the last dimension, and lead lists them where NCHW has them, last.
  const channels = layout === 'nhwc' ? shape[shape.length - 1] : 1;
  const lead = layout === 'nhwc' ? [...shape.slice(0, -3), channels] : shape.slice(0, -2);
  return { data, dtype, planes: count / (height * width), height, width, lead, layout, channels };
}

/** The shape a batch of planes was read from. */
export function planesShape(p: Planes): number[] {
  return p.layout === 'nhwc' ? [...p.lead.slice(0, -1), p.height, p.width, p.channels] : [...p.lead, p.height, p.width];
}

/**
 * The planes of `readPlanes` for an operation that reads Float32 and Uint8 planes only: float16
 * input (tagged, or a Float16Array) is refused by name, and an untagged Uint16Array as any other
 * unsupported array is.
 */
export function readFloat32OrUint8Planes(input: unknown, operation: string, name = 'input'): Planes & { data: PlaneData } {
  if (isObject(input) && (input.type === 'float16' || input.dtype === 'float16' || isFloat16Array(input.data))) {
    throw typeError(`Float32Array or Uint8Array data (${operation} does not read float16)`, `${name}.data`, input.data);
  }
  if (isObject(input) && types.isUint16Array(input.data)) throw typeError('a Float32Array or Uint8Array', `${name}.data`, input.data);
  return readPlanes(input, name) as Planes & { data: PlaneData };
}

/**
 * Output storage the native code overwrites completely: not zero-filled, so a large result does
 * not pay for clearing (or for faulting in fresh zero pages) before the kernel writes it.
 */
export function uninitialized(type: 'float32', n: number): Float32Array;
export function uninitialized(type: 'uint8', n: number): Uint8Array;
export function uninitialized(type: 'float32' | 'uint8', n: number): Float32Array | Uint8Array {
  const Type = type === 'float32' ? Float32Array : Uint8Array;
  if (n > bufferConstants.MAX_LENGTH) {
    throw rangeError(`at most ${bufferConstants.MAX_LENGTH} elements (the longest typed array this Node.js makes)`, 'the output', `${n} elements`);
  }
  // Buffers stop at MAX_LENGTH bytes; past that, a plain ArrayBuffer (zero-filled, so slower).
  const bytes = n * Type.BYTES_PER_ELEMENT;
  if (bytes > bufferConstants.MAX_LENGTH) return new Type(new ArrayBuffer(bytes), 0, n);
  const buffer = Buffer.allocUnsafeSlow(bytes);
  return new Type(buffer.buffer, buffer.byteOffset, n);
}
