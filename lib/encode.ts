// Coordinates to images: the inverse of decode.
import { addon, type NativeEncodeRequest } from './addon';
import { operation, type TransferOption } from './call';
import { concurrency } from './concurrency';
import { describe, isObject, isUint8Array, rangeError, typeError } from './errors';
import { fresh } from './fresh';
import { product, readData, readFloat32Tensor, uninitialized, type EmptyBatch } from './tensor';
import { formatShape, LAYOUTS, MAX_SIDE, type Layout, readBoolean, readDrawnValue, readEnum, readInteger, readNumber, readOptions, readPositive } from './validate';

/**
 * What each point draws (x the column, y the row, pixel centres at integers; a coordinate is
 * rounded half away from zero where a pixel is needed, so 2.5 draws at 3 and -0.5 at -1):
 * - `'onehot'`: `value` at the rounded coordinate;
 * - `'square'`: `value` on the filled (2 radius + 1) x (2 radius + 1) square centred there;
 * - `'gaussian'`: value * exp(-((x - cx)^2 + (y - cy)^2) / (2 sigma^2)), peak `value`, computed
 *   separably in float32 ((value * gy) * gx, a fixed polynomial exp): within 1e-6 * value of the
 *   closed form, values below 2^-126 written as 0, the same bits on every SIMD path.
 */
export type EncodeKind = 'onehot' | 'square' | 'gaussian';

export const ENCODE_KINDS: readonly EncodeKind[] = ['onehot', 'square', 'gaussian'];

/** The element type of the output planes. */
export type EncodeDType = 'float32' | 'uint8';

interface CommonEncodeOptions extends TransferOption {
  /** Required: the output height H (rows), 1 to 2^24. @example { height: 64 } */
  height: number;
  /** Required: the output width W (columns), 1 to 2^24. @example { width: 48 } */
  width: number;
  /**
   * The drawn value (the gaussian's peak), finite and > 0. Default 1 for 'float32' and 255 for
   * 'uint8', where it must be at most 255 (and an integer for 'onehot' and 'square').
   * @example { value: 0.5 }
   */
  value?: number;
  /**
   * Which points to draw: `[N, C]` or `[N, C, P]` flattened (N * C * P bytes), non-zero = drawn.
   * Hidden points are skipped and their coordinates may be NaN. Default: every point.
   * @example { visible: new Uint8Array([1, 0, 1]) }
   */
  visible?: Uint8Array;
  /**
   * `'float32'` (default) or `'uint8'`. A uint8 plane holds `value` as is for 'onehot' and 'square',
   * and floor(v + 0.5) of the float32 value v for 'gaussian' (so value 255 spans 0..255).
   * @example { dtype: 'uint8' }
   */
  dtype?: EncodeDType;
  /**
   * `'nchw'` (default) writes `[N, C, H, W]`; `'nhwc'` writes the same values channels-last,
   * `[N, H, W, C]`, as tfjs and TFLite models take them (C = 1 for `[N, 2]` coordinates).
   * @example { layout: 'nhwc' }
   */
  layout?: Layout;
}

export interface OneHotEncodeOptions extends CommonEncodeOptions {
  /** What a point draws. Default `'onehot'`. @example { kind: 'onehot' } */
  kind?: 'onehot';
  /** 'square' only. */
  radius?: never;
  /** 'gaussian' only. */
  sigma?: never;
  /** 'gaussian' only. */
  unbiased?: never;
}

export interface SquareEncodeOptions extends CommonEncodeOptions {
  /** @example { kind: 'square', radius: 4 } */
  kind: 'square';
  /** The half-side, a non-negative integer. Default 4 (a 9 x 9 square). @example { radius: 2 } */
  radius?: number;
  /** 'gaussian' only. */
  sigma?: never;
  /** 'gaussian' only. */
  unbiased?: never;
}

export interface GaussianEncodeOptions extends CommonEncodeOptions {
  /** @example { kind: 'gaussian', sigma: 2 } */
  kind: 'gaussian';
  /** The standard deviation in pixels, finite and > 0. Default 2. @example { sigma: 1.5 } */
  sigma?: number;
  /**
   * `true` (default) centres it at the exact sub-pixel coordinate over the whole plane; `false`
   * centres it at the rounded coordinate and draws only within floor(3 sigma) pixels of it (a
   * (6 sigma + 1)-wide window for integer sigma), as the classic keypoint heatmap encoders do.
   * @example { unbiased: false }
   */
  unbiased?: boolean;
  /** 'square' only. */
  radius?: never;
}

/** The options of each kind: a key another kind takes (radius with 'gaussian', ...) is a TypeError. */
export type EncodeOptions = OneHotEncodeOptions | SquareEncodeOptions | GaussianEncodeOptions;

/** Coordinates: `[N, 2]`, `[N, C, 2]` or `[N, C, P, 2]` (x then y), as `{ data, shape }` or `{ data, dims }`. */
export interface CoordsInput {
  data: Float32Array;
  shape?: readonly number[];
  dims?: readonly number[];
}

/** The encoded planes, `[N, C, H, W]`, or `[N, H, W, C]` with `layout: 'nhwc'`. */
export interface EncodedPlanes<D extends Float32Array | Uint8Array = Float32Array | Uint8Array> {
  data: D;
  shape: number[];
  /** With `transfer: true` (async): the coordinates, over the buffer moved into the call and handed back. */
  input?: Float32Array;
}

// N and C may be 0 (nothing to draw: an empty batch of planes); each plane needs its P >= 1 points.
const EMPTY_COORDS: EmptyBatch = { zero: (i, rank) => i < Math.min(rank - 1, 2), what: 'integer dimensions (N and C >= 0, P >= 1, then 2)' };

const COMMON_KEYS = ['height', 'width', 'kind', 'value', 'visible', 'dtype', 'layout'];
const KIND_KEYS: Record<EncodeKind, readonly string[]> = {
  onehot: COMMON_KEYS,
  square: [...COMMON_KEYS, 'radius'],
  gaussian: [...COMMON_KEYS, 'sigma', 'unbiased'],
};

function prepare(coords: unknown, options: unknown): { request: NativeEncodeRequest; shape: number[] } {
  const { data, shape } = readFloat32Tensor(coords, 'coords', 2, 4, 'rank 2 to 4 ([N, 2], [N, C, 2] or [N, C, P, 2])', (dims, name) => {
    if (dims[dims.length - 1] !== 2) throw rangeError('a last dimension of 2 (x, y)', name, formatShape(dims));
  }, EMPTY_COORDS);
  const n = shape[0];
  const c = shape.length >= 3 ? shape[1] : 1;
  const p = shape.length === 4 ? shape[2] : 1;

  if (options === undefined) throw typeError('an options object with height and width', 'options', options);
  if (!isObject(options) || Array.isArray(options)) throw typeError('an options object', 'options', options);
  const kind = readEnum(options.kind, 'options.kind', ENCODE_KINDS, 'onehot');
  const opts = readOptions(options, `options (kind '${kind}')`, KIND_KEYS[kind]);
  const side = `a positive integer up to ${MAX_SIDE}`;
  const height = readInteger(opts.height, 'options.height', undefined, 1, MAX_SIDE, side);
  const width = readInteger(opts.width, 'options.width', undefined, 1, MAX_SIDE, side);
  const dtype = readEnum(opts.dtype, 'options.dtype', ['float32', 'uint8'] as const, 'float32');
  const value = readDrawnValue(opts.value, 'options.value', dtype, kind === 'gaussian');
  const radius = readNumber(opts.radius, 'options.radius', 4, 'a non-negative integer', (v) => Number.isSafeInteger(v) && v >= 0);
  const sigma = readPositive(opts.sigma, 'options.sigma', 2);
  const unbiased = readBoolean(opts.unbiased, 'options.unbiased', true);
  const layout = readEnum(opts.layout, 'options.layout', LAYOUTS, 'nchw');
  let visible: Uint8Array | null = null;
  if (opts.visible !== undefined) {
    if (!isUint8Array(opts.visible)) throw typeError('a Uint8Array', 'options.visible', opts.visible);
    visible = readData(opts.visible, 'options.visible') as Uint8Array;
    if (visible.length !== n * c * p) {
      const dims = shape.slice(0, -1);
      throw rangeError(`${n * c * p} elements (one per point, ${formatShape(dims)})`, 'options.visible', describe(visible.length));
    }
  }
  // A non-finite coordinate of a drawn point is an error naming it; nothing is drawn then.
  for (let i = 0; i < n * c * p; i++) {
    if (visible !== null && visible[i] === 0) continue;
    for (let k = 0; k < 2; k++) {
      const v = data[2 * i + k];
      if (!Number.isFinite(v)) {
        const where = [Math.floor(i / (c * p)), Math.floor(i / p) % c, i % p].slice(0, shape.length - 1);
        throw rangeError('a finite coordinate', `coords.data[${2 * i + k}] (the ${k === 0 ? 'x' : 'y'} of point ${formatShape(where)})`, describe(v));
      }
    }
  }
  const outShape = layout === 'nhwc' ? [n, height, width, c] : [n, c, height, width];
  const total = product(outShape, 'the output shape');
  const output = fresh(dtype === 'uint8' ? uninitialized('uint8', total) : uninitialized('float32', total));
  const request: NativeEncodeRequest = {
    coords: data, visible, planes: n * c, points: p, height, width, kind, layout, channels: c, radius, sigma, unbiased, value,
    threads: concurrency(), output,
  };
  return { request, shape: outShape };
}

const encoding = operation({
  prepare,
  runSync: (request) => addon.encodeSync(request),
  runAsync: (request) => addon.encode(request),
  finish: ({ request, shape }): EncodedPlanes => ({ data: request.output, shape }),
  moves: [['coords', 'coords.data'], ['output', 'the output']],
});

/**
 * Draws coordinates into planes `[N, C, H, W]` (or `[N, H, W, C]` with `layout: 'nhwc'`; C = 1 for `[N, 2]` input; the P points of a
 * `[N, C, P, 2]` input are merged into their plane by maximum), on the calling thread. Points outside
 * the canvas draw only what falls inside it. A non-finite coordinate of a drawn point is a RangeError
 * naming its index. `decodeSync(encodeSync(c, { kind: 'onehot', ... }))` gives back integer `c` exactly.
 * @example
 * const heatmaps = encodeSync({ data: xy, shape: [N, 17, 2] }, { height: 64, width: 48, kind: 'gaussian', sigma: 2 });
 */
export function encodeSync(coords: CoordsInput, options: EncodeOptions & { dtype: 'uint8' }): EncodedPlanes<Uint8Array>;
export function encodeSync(coords: CoordsInput, options: EncodeOptions & { dtype?: 'float32' }): EncodedPlanes<Float32Array>;
export function encodeSync(coords: CoordsInput, options: EncodeOptions): EncodedPlanes;
export function encodeSync(coords: CoordsInput, options: EncodeOptions): EncodedPlanes {
  return encoding.sync(coords, options);
}

/**
 * Like {@link encodeSync}, but runs off the event loop and resolves with the planes. The coordinates
 * (and `visible`) are copied when the call is made, so changing them afterwards changes nothing.
 */
export function encode(coords: CoordsInput, options: EncodeOptions & { dtype: 'uint8' }): Promise<EncodedPlanes<Uint8Array>>;
export function encode(coords: CoordsInput, options: EncodeOptions & { dtype?: 'float32' }): Promise<EncodedPlanes<Float32Array>>;
export function encode(coords: CoordsInput, options: EncodeOptions): Promise<EncodedPlanes>;
export function encode(coords: CoordsInput, options: EncodeOptions): Promise<EncodedPlanes> {
  return encoding.async(coords, options);
}
