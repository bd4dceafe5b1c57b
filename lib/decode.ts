import { addon, type NativeDecodeRequest, type PlaneArray, type PlaneData } from './addon';
import { operation, type TransferOption } from './call';
import { concurrency } from './concurrency';
import { isObject, typeError } from './errors';
import { fresh } from './fresh';
import { readOffsets, type OffsetsOption } from './offsets';
import { planeFields, readLayout, readPlanes, type Float16PlaneInput, type PlaneInput } from './tensor';
import { readTransform, type TransformOption } from './transform';
import { readEnum, readFraction, readNumber, readOddSize, readOptions, readPointOut, readPositive, type Layout } from './validate';

/**
 * How a plane becomes a coordinate. Every method but 'exact' starts from the argmax (the first
 * row-major index holding the plane's maximum) and scores the plane with that maximum; the plane
 * is valid when every value is finite and the maximum is > `minScore` (in the input's units: 0 to
 * 255 for Uint8), so `minScore: -Infinity` decodes logits.
 * - `'argmax'` (default): the integer peak. Valid when every value is finite and the maximum is > 0
 *   (`minScore` default 0).
 * - `'quarter'`: argmax, then the quarter offset `x += 0.25 * sign(h[y][x+1] - h[y][x-1])`, likewise
 *   y, where `quarterRule` lets it: by default as mmpose 1.x's refine_keypoints (x moves when
 *   1 < x < W-1 and 0 < y < H, y when 1 < y < H-1 and 0 < x < W). Valid like 'argmax'.
 * - `'dark'`: DARK (Zhang et al., CVPR 2020): Gaussian blur (`kernel`, `sigma`), rescale to the
 *   original maximum, `log(max(h, 1e-10))`, one Newton step at the argmax where 2 <= x <= W-3 and
 *   2 <= y <= H-3 (elsewhere, when the Hessian is singular, or when the maximum is <= 0, whose log
  is the floor everywhere, the argmax stands). Valid like 'argmax'.
 * - `'centroid'`: the intensity-weighted centre of the pixels >= `threshold` * max. Valid like
 *   'argmax'; its `minScore` must be >= 0, as the values are the weights.
 * - `'softargmax'`: the expectation of (x, y) under softmax(`beta` * h), with h in [0, 1] units:
 *   Float32 and float16 values as they are, Uint8 values / 255, so one beta means the same for
 *   the same heatmap in any dtype. Valid when every value is finite (`minScore` default -Infinity:
 *   softmax does not care about the level).
 * - `'udp'`: mmpose 1.x's UDPHeatmap decode in heatmap pixels (refine_keypoints_dark_udp): the
 *   plane blurred as cv2.GaussianBlur with kernel `kernel` and sigma 0 (zero-padded, rescaled to the
 *   original maximum), clipped to [1e-3, 50] (Uint8 read as value / 255), log, edge-padded by one,
 *   one step -(H + eps I)^-1 g with one-pixel stencils at the argmax, at every plane, borders
 *   included; the argmax stands where that step is not finite. Valid like 'argmax'.
 * - `'megvii'`: mmpose 1.x's MegviiHeatmap decode in heatmap pixels: the same blur, the argmax of
 *   the blurred plane, then where 1 < x < W-1 and 1 < y < H-1 each axis moves by
 *   `0.25 * sign(...) + 0.5` (the 0.5 only there, as mmpose does); the score is the blurred
 *   maximum / 255 + 0.5 (MSPN's heatmaps peak at 255; Uint8 values are read as they are). Valid
 *   when the plane is finite and the blurred maximum is > `minScore`.
 * - `'exact'`: the hand-built CoordConv network, `x = W - sum(ReLU(W * A / v - X))`, for one-hot
 *   planes; exact, and invalid unless the plane holds exactly one non-zero pixel, finite and > 0;
 *   the score is that pixel's value. It takes no `minScore` (its rule is the one-hot test).
 */
export type DecodeMethod = 'argmax' | 'quarter' | 'dark' | 'centroid' | 'softargmax' | 'exact' | 'udp' | 'megvii';

export const DECODE_METHODS: readonly DecodeMethod[] = ['argmax', 'quarter', 'dark', 'centroid', 'softargmax', 'exact', 'udp', 'megvii'];

/**
 * Where 'quarter' moves an axis. `'mmpose'`: mmpose 1.x's refine_keypoints, x when 1 < x < W-1 and
 * 0 < y < H, y when 1 < y < H-1 and 0 < x < W (so nothing moves on row 0 or column 0, and an axis
 * moves on its own). `'hrnet'`: HRNet's get_final_preds and mmpose 0.x's keypoints_from_heatmaps,
 * both axes only when 1 < x < W-1 and 1 < y < H-1.
 */
export type QuarterRule = 'mmpose' | 'hrnet';

export const QUARTER_RULES: readonly QuarterRule[] = ['mmpose', 'hrnet'];

/** Caller-owned arrays the results are written into, so a hot path allocates nothing. */
export interface DecodeOutput {
  /** Float32Array of exactly planes * 2 elements. */
  coords: Float32Array;
  /** Float32Array of exactly planes elements. */
  scores: Float32Array;
  /** Uint8Array of exactly planes elements. */
  valid: Uint8Array;
}

interface CommonDecodeOptions extends TransferOption, TransformOption {
  /**
   * How the planes lie in memory. `'nchw'` (default): shape [H, W], [N, H, W] or [N, C, H, W].
   * `'nhwc'`: channels-last, shape [H, W, C] or [N, H, W, C], as tfjs models hand their outputs
   * over; read in place (no transposed copy), with results exactly those of the NCHW call on the
   * transposed input and `shape` [C] or [N, C].
   * @example { layout: 'nhwc' }
   */
  layout?: Layout;
  /**
   * Write the results into these arrays (exact types and lengths; none may share memory with the
   * input or with each other); the result then holds these same arrays. Default: new arrays.
   * @example { out: { coords: new Float32Array(n * 2), scores: new Float32Array(n), valid: new Uint8Array(n) } }
   */
  out?: DecodeOutput;
}

interface ScoredDecodeOptions extends CommonDecodeOptions {
  /**
   * A plane is valid when its maximum is > minScore (and every value is finite), in the input's
   * units (Uint8: 0 to 255). Any number but NaN and +Infinity; `-Infinity` takes every finite plane
   * (logits). Default 0; for 'softargmax' -Infinity; for 'centroid' it must be >= 0.
   * @example { minScore: -Infinity }
   */
  minScore?: number;
}

export interface ArgmaxDecodeOptions extends ScoredDecodeOptions {
  /** Default `'argmax'`. @example { method: 'argmax' } */
  method?: 'argmax';
  /**
   * `'argmax'` only: offsets read at each valid plane's integer peak and added to it (see
   * {@link OffsetsOption}): PoseNet's map of 2K channels (channel k the y offset of keypoint k, K + k
   * its x; the cell times outputStride plus the offset, in input pixels) or CenterNet's 2-channel
   * reg map (x then y, in heatmap pixels, shared by all classes of the image). Default: none.
   * @example { offsets: { kind: 'posenet', map: { data: offsets, shape: [1, 33, 33, 34] }, outputStride: 16 }, layout: 'nhwc' }
   */
  offsets?: OffsetsOption;
}
export interface QuarterDecodeOptions extends ScoredDecodeOptions {
  /** @example { method: 'quarter' } */
  method: 'quarter';
  /** Where an axis moves ({@link QuarterRule}). Default `'mmpose'`. @example { quarterRule: 'hrnet' } */
  quarterRule?: QuarterRule;
}
export interface UdpDecodeOptions extends ScoredDecodeOptions {
  /** @example { method: 'udp', kernel: 11 } */
  method: 'udp';
  /**
   * The blur's kernel size, UDPHeatmap's blur_kernel_size (sigma follows from it as in
   * cv2.GaussianBlur with sigma 0): an odd integer from 1 to 255. Default 11 (UDPHeatmap's default;
   * mmpose's COCO configs use 11 for sigma-2 heatmaps, 17 for sigma 3). @example { kernel: 17 }
   */
  kernel?: number;
}
export interface MegviiDecodeOptions extends ScoredDecodeOptions {
  /** @example { method: 'megvii', kernel: 5 } */
  method: 'megvii';
  /**
   * The blur's kernel size, MegviiHeatmap's kernel_size (sigma as cv2.GaussianBlur with sigma 0):
   * an odd integer from 1 to 255. Default 5, the codec mmpose's MSPN and RSN COCO configs decode
   * with (codec[-1]). @example { kernel: 7 }
   */
  kernel?: number;
}
export interface ExactDecodeOptions extends CommonDecodeOptions {
  /** @example { method: 'exact' } */
  method: 'exact';
}
export interface DarkDecodeOptions extends ScoredDecodeOptions {
  /** @example { method: 'dark', kernel: 11, sigma: 2 } */
  method: 'dark';
  /** Gaussian kernel size: an odd integer from 1 to 255. Default 11. @example { kernel: 7 } */
  kernel?: number;
  /**
   * Gaussian sigma in pixels: finite and > 0, or 0 for OpenCV's kernel of that size, as the DARK
   * authors and mmpose blur (cv2.GaussianBlur with sigma 0: the fixed binomial tables for kernels
   * 1 to 9, else sigma 0.15 kernel + 0.35; for kernel 11 that is sigma 2 exactly). Default 2.
   * @example { sigma: 1.5 } @example { kernel: 5, sigma: 0 }
   */
  sigma?: number;
}
export interface CentroidDecodeOptions extends ScoredDecodeOptions {
  /** @example { method: 'centroid', threshold: 0.5 } */
  method: 'centroid';
  /** Pixels >= threshold * max take part: a number from 0 to 1. Default 0.5. @example { threshold: 0.25 } */
  threshold?: number;
}
export interface SoftargmaxDecodeOptions extends ScoredDecodeOptions {
  /** @example { method: 'softargmax', beta: 20 } */
  method: 'softargmax';
  /**
   * Softmax temperature inverse, on values in [0, 1] (Uint8: value / 255): finite and > 0.
   * Default 20: on sigma-2 Gaussian heatmaps peaking at 1 it gives 0.04 px mean error, where a
   * smaller beta lets the background pull the estimate to the centre (beta 10: 0.7 px; 1: 15 px)
   * and a larger one leans to the integer peak (beta 100: 0.3 px). @example { beta: 10 }
   */
  beta?: number;
}

export type DecodeOptions =
  | ArgmaxDecodeOptions
  | QuarterDecodeOptions
  | ExactDecodeOptions
  | DarkDecodeOptions
  | CentroidDecodeOptions
  | SoftargmaxDecodeOptions
  | UdpDecodeOptions
  | MegviiDecodeOptions;

/** One result per plane; `shape` is the input's leading dimensions ([] for a single plane). */
export interface DecodeResult {
  /**
   * With `transfer: true` (async): the input's planes, over the buffer moved into the call and
   * handed back (float16 input: a Uint16Array of the bits, also for a Float16Array).
   */
  input?: PlaneArray;
  /** `[...shape, 2]`: x (column) then y (row), pixel centres at integers; NaN where invalid. */
  coords: Float32Array;
  /** `[...shape]`: the method's score (the plane's maximum; for 'exact' the hot pixel); 0 where invalid. */
  scores: Float32Array;
  /** `[...shape]`: 1 where the plane decoded, 0 where it has no answer. */
  valid: Uint8Array;
  /**
   * The input's dimensions other than H and W: [] for [H, W], [N] for [N, H, W], [N, C] for
   * [N, C, H, W]; with layout 'nhwc', [C] for [H, W, C] and [N, C] for [N, H, W, C].
   */
  shape: number[];
}

const COMMON_KEYS = ['method', 'out', 'layout', 'transform'] as const;
const SCORED_KEYS = [...COMMON_KEYS, 'minScore'] as const;
/** The option keys each method takes (internal: the CLI words its flags from it). */
export const METHOD_KEYS: Record<DecodeMethod, readonly string[]> = {
  argmax: SCORED_KEYS,
  quarter: [...SCORED_KEYS, 'quarterRule'],
  exact: COMMON_KEYS,
  dark: [...SCORED_KEYS, 'kernel', 'sigma'],
  centroid: [...SCORED_KEYS, 'threshold'],
  softargmax: [...SCORED_KEYS, 'beta'],
  udp: [...SCORED_KEYS, 'kernel'],
  megvii: [...SCORED_KEYS, 'kernel'],
};

// The defaults of the methods' options, as the docs above state them.
const DEFAULTS = { kernel: 11, megviiKernel: 5, sigma: 2, threshold: 0.5, beta: 20, minScore: 0, softargmaxMinScore: -Infinity, quarterRule: 'mmpose' } as const;

// minScore: any number but NaN and +Infinity; for 'centroid' >= 0. 'exact' ignores the value sent.
function readMinScore(value: unknown, method: DecodeMethod): number {
  const name = 'options.minScore';
  if (method === 'centroid') {
    return readNumber(value, name, DEFAULTS.minScore, "a number >= 0 (method 'centroid' weighs pixels by their values)", (v) => v >= 0 && v < Infinity);
  }
  const fallback = method === 'softargmax' ? DEFAULTS.softargmaxMinScore : DEFAULTS.minScore;
  return readNumber(value, name, fallback, 'a number or -Infinity (not NaN or +Infinity)', (v) => v < Infinity);
}

function prepare(input: unknown, options: unknown): { request: NativeDecodeRequest; shape: number[] } {
  const layout = readLayout(options);
  const planes = readPlanes(input, 'input', { layout, emptyBatch: true });
  if (options !== undefined && (!isObject(options) || Array.isArray(options))) {
    throw typeError('an options object', 'options', options);
  }
  const method = readEnum((options as Record<string, unknown> | undefined)?.method, 'options.method', DECODE_METHODS, 'argmax');
  if (method !== 'argmax' && isObject(options) && options.offsets !== undefined) {
    throw typeError(`'argmax' (options.offsets are read at the integer peak)`, 'options.method', method);
  }
  const opts = readOptions(options, `options (method '${method}')`, method === 'argmax' ? [...METHOD_KEYS.argmax, 'offsets'] : METHOD_KEYS[method]);
  const offsets = readOffsets(opts.offsets, planes);
  const kernel = readOddSize(opts.kernel, 'options.kernel', method === 'megvii' ? DEFAULTS.megviiKernel : DEFAULTS.kernel);
  const quarterRule = readEnum(opts.quarterRule, 'options.quarterRule', QUARTER_RULES, DEFAULTS.quarterRule);
  const sigma = readNumber(opts.sigma, 'options.sigma', DEFAULTS.sigma, "a finite number > 0, or 0 (OpenCV's sigma for the kernel)", (v) => Number.isFinite(v) && v >= 0);
  const threshold = readFraction(opts.threshold, 'options.threshold', DEFAULTS.threshold);
  const beta = readPositive(opts.beta, 'options.beta', DEFAULTS.beta);
  const minScore = readMinScore(opts.minScore, method);
  const n = planes.planes;
  const out = readPointOut(opts.out, n, offsets ? [planes.data, offsets.data] : planes.data);
  const request: NativeDecodeRequest = {
    threads: concurrency(),
    method,
    kernel,
    sigma,
    threshold,
    // Uint8 values are read in [0, 1] units: beta * (v / 255) is (beta / 255) * v.
    beta: planes.dtype === 'uint8' ? beta / 255 : beta,
    quarterRule,
    minScore,
    offsets,
    coords: out?.coords ?? fresh(new Float32Array(n * 2)),
    scores: out?.scores ?? fresh(new Float32Array(n)),
    valid: out?.valid ?? fresh(new Uint8Array(n)),
    ...planeFields(planes),
    ...readTransform(opts.transform, planes.lead),
  };
  return { request, shape: planes.lead };
}

const decoding = operation({
  prepare,
  runSync: (request) => addon.decodeSync(request),
  runAsync: (request) => addon.decode(request),
  finish: ({ request, shape }): DecodeResult => ({ coords: request.coords, scores: request.scores, valid: request.valid, shape }),
  moves: [['data', 'input.data'], ['coords', 'options.out.coords'], ['scores', 'options.out.scores'], ['valid', 'options.out.valid']],
});

/**
 * Decodes every plane of a batch to (x, y), score and validity, on the calling thread (split over
 * {@link concurrency} native threads). Takes Float32Array, Uint8Array and float16 planes (a
 * Uint16Array of half bits tagged `type: 'float16'`, as onnxruntime-node gives a float16 output, or
 * a Float16Array): a half decodes bit for bit as its float32 value would.
 * @example
 * const { coords, valid } = decodeSync({ data: heatmaps, shape: [N, K, H, W] }, { method: 'dark' });
 * const half = decodeSync({ data: halfBits, shape: [N, K, H, W], type: 'float16' });
 */
export function decodeSync(input: PlaneInput<PlaneData> | Float16PlaneInput, options?: DecodeOptions): DecodeResult {
  return decoding.sync(input, options);
}

/**
 * Like {@link decodeSync}, but runs on coordconv's thread pool and resolves with the result, so the
 * event loop stays free. The planes are copied when the call is made (a copy as fast as memory
 * allows, on the calling thread), so the result describes the input as it was then: writing to
 * it, transferring its buffer or resizing it afterwards is safe and changes nothing. `out` arrays
 * are written when the Promise settles; one detached or resized meanwhile makes it reject with a
 * TypeError. Arrays over a SharedArrayBuffer are the exception: they are read and written in place,
 * with no copy (such memory cannot be detached or shrunk), so leave them alone until the Promise
 * settles; a write meanwhile changes what the decode reads.
 * @example
 * const { coords } = await decode(session_output, { method: 'argmax' });
 */
export function decode(input: PlaneInput<PlaneData> | Float16PlaneInput, options?: DecodeOptions): Promise<DecodeResult> {
  return decoding.async(input, options);
}
