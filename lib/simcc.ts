// SimCC decoding (RTMPose, DWPose, RTMW): per keypoint, one x vector of W * splitRatio bins and
// one y vector of H * splitRatio bins, read as mmpose 1.x's SimCCLabel.decode reads them
// (mmpose/codecs/simcc_label.py, codecs/utils/post_processing.py get_simcc_maximum and
// codecs/utils/refinement.py refine_simcc_dark).
import { addon, type NativeSimccRequest, type PlaneArray, type PlaneData, type PlaneDtype } from './addon';
import { operation, type TransferOption } from './call';
import { concurrency } from './concurrency';
import { describe, isObject, rangeError, typeError } from './errors';
import { fresh } from './fresh';
import { checkLength, product, readPlaneData, readShape, shapeKey, type Float16PlaneInput, type PlaneInput } from './tensor';
import { readTransform, type TransformOption } from './transform';
import { formatShape, MAX_KERNEL, MAX_SIDE, readEnum, readNumber, readOddSize, readOptions, readPointOut } from './validate';

/**
 * - `'argmax'` (default): each axis's bin is the first index of its vector's maximum (np.argmax).
 * - `'dark'`: that index refined as mmpose's refine_simcc_dark: the vector blurred by a 1-D Gaussian
 *   (see `sigma` and `kernel`), scaled back to its maximum, clipped to [1e-3, 50], log, and one
 *   Newton step `i - 0.5 (L[i+1] - L[i-1]) / (1e-9 + 0.25 (L[i+2] - 2 L[i] + L[i-2]))` with the ends
 *   edge-padded.
 */
export type SimccMethod = 'argmax' | 'dark';

export const SIMCC_METHODS: readonly SimccMethod[] = ['argmax', 'dark'];

/** `{ x, y }`: the model's two outputs. Each is `{ data, shape }` or an onnxruntime Tensor `{ data, dims }`. */
export interface SimccInput<D extends PlaneData = PlaneData> {
  /**
   * `[N, K, Wx]` (or `[K, Wx]` for one instance), Float32, Uint8 or float16 (a Uint16Array of
   * binary16 bits with `type: 'float16'`, as onnxruntime-node gives it, or a Float16Array),
   * Wx = input width * splitRatio.
   */
  x: PlaneInput<D> | Float16PlaneInput;
  /** `[N, K, Wy]` (or `[K, Wy]`), the same N and K (and rank) as x; its own dtype. */
  y: PlaneInput<D> | Float16PlaneInput;
}

/** Caller-owned arrays the results are written into, so a hot path allocates nothing. */
export interface SimccOutput {
  /** Float32Array of exactly N * K * 2 elements. */
  coords: Float32Array;
  /** Float32Array of exactly N * K elements. */
  scores: Float32Array;
  /** Uint8Array of exactly N * K elements. */
  valid: Uint8Array;
}

interface CommonSimccOptions extends TransferOption, TransformOption {
  /**
   * Bins per input pixel (SimCCLabel's simcc_split_ratio): coordinates are bin / splitRatio, both in
   * float32 as mmpose divides. Finite and > 0. Default 2 (SimCCLabel's default and RTMPose's).
   * @example { splitRatio: 2 }
   */
  splitRatio?: number;
  /**
   * A keypoint is valid when its score is > minScore (mmpose's rule is score > 0, the default).
   * `-Infinity` makes every keypoint with finite vectors valid (for models whose outputs are logits).
   * Any number but NaN. Default 0.
   * @example { minScore: 0.3 }
   */
  minScore?: number;
  /**
   * Write the results into these arrays (exact types and lengths; none may share memory with the
   * inputs or with each other); the result then holds these same arrays. Default: new arrays.
   * @example { out: { coords: new Float32Array(n * k * 2), scores: new Float32Array(n * k), valid: new Uint8Array(n * k) } }
   */
  out?: SimccOutput;
}

export interface ArgmaxSimccOptions extends CommonSimccOptions {
  /** Default `'argmax'`. @example { method: 'argmax' } */
  method?: 'argmax';
}

/** 'dark': the label sigma (or its default), or the blur sizes themselves (not both). */
export interface DarkSimccOptions extends CommonSimccOptions {
  /** @example { method: 'dark', sigma: [4.9, 5.66] } */
  method: 'dark';
  /**
   * `'dark'` only: the SimCC label sigma the model was trained with (SimCCLabel's `sigma`), one
   * number for both axes or `[sigmaX, sigmaY]`. It sets each axis's blur kernel as SimCCLabel.decode
   * does, `k = int((sigma * 20 - 7) // 3)`, minus 1 when even, which must come out from 1 to 255
   * (sigma from 0.5 to about 38.8). Default 6 (SimCCLabel's default); RTMPose-m 256x192 uses
   * [4.9, 5.66]. Not with `kernel`.
   * @example { method: 'dark', sigma: [4.9, 5.66] }
   */
  sigma?: number | readonly [number, number];
  /**
   * `'dark'` only: the blur kernel sizes themselves, one odd integer from 1 to 255 for both axes or
   * `[kernelX, kernelY]` (the Gaussian's own sigma is OpenCV's for the size: 0.15 k + 0.35). Not with `sigma`.
   * @example { method: 'dark', kernel: [29, 35] }
   */
  kernel?: number | readonly [number, number];
}

export type SimccOptions = ArgmaxSimccOptions | DarkSimccOptions;

/** One result per keypoint; `shape` is `[N, K]` (`[K]` for rank-2 input). */
export interface SimccResult {
  /** With `transfer: true` (async): the x and y data over the buffers moved into the call and handed back. */
  input?: { x: PlaneArray; y: PlaneArray };
  /** `[...shape, 2]`: x then y in input pixels (bin / splitRatio); NaN where invalid. */
  coords: Float32Array;
  /** `[...shape]`: min(max of x vector, max of y vector), as get_simcc_maximum; 0 where invalid. */
  scores: Float32Array;
  /** `[...shape]`: 1 where both vectors are finite and the score > minScore, else 0. */
  valid: Uint8Array;
  /** `[N, K]`, or `[K]` for rank-2 input. */
  shape: number[];
}

// SimCCLabel's defaults (mmpose/codecs/simcc_label.py).
const DEFAULTS = { splitRatio: 2, sigma: 6, minScore: 0 } as const;
const COMMON_KEYS = ['splitRatio', 'method', 'minScore', 'out', 'transform'] as const;
const METHOD_KEYS: Record<SimccMethod, readonly string[]> = {
  argmax: COMMON_KEYS,
  dark: [...COMMON_KEYS, 'sigma', 'kernel'],
};

interface Vectors {
  data: PlaneArray;
  dtype: PlaneDtype;
  shape: number[];
  width: number;
}

function readVectors(value: unknown, name: string): Vectors {
  if (!isObject(value)) throw typeError('an object { data, shape }', name, value);
  const { data, dtype } = readPlaneData(value, name);
  const key = shapeKey(value, name);
  const shapeName = `${name}.${key}`;
  const shape = readShape(value[key], shapeName, 2, 3, 'rank 2 or 3 ([K, W] or [N, K, W])');
  const width = shape[shape.length - 1];
  if (width > MAX_SIDE) throw rangeError(`a vector length at most ${MAX_SIDE}`, shapeName, formatShape(shape));
  checkLength(data, product(shape, shapeName), shape, `${name}.data`);
  return { data, dtype, shape, width };
}

// Python's float floor division, as CPython computes it (Objects/floatobject.c, float_floor_div):
// from fmod, so that SimCCLabel's (sigma * 20 - 7) // 3 gives here what it gives there.
function pythonFloorDiv(a: number, b: number): number {
  let mod = a % b;
  let div = (a - mod) / b;
  if (mod !== 0 && (b < 0) !== (mod < 0)) {
    mod += b;
    div -= 1;
  }
  if (div === 0) return 0;
  let floor = Math.floor(div);
  if (div - floor > 0.5) floor += 1;
  return floor;
}

/** SimCCLabel.decode's blur size for a label sigma: int((sigma * 20 - 7) // 3), made odd by subtracting 1. */
export function simccBlurKernel(sigma: number): number {
  let k = pythonFloorDiv(sigma * 20 - 7, 3);
  if (k % 2 === 0) k -= 1;
  return k;
}

function readPair(value: unknown, name: string, read: (v: unknown, name: string) => number): [number, number] {
  if (Array.isArray(value)) {
    if (value.length !== 2) throw rangeError('one number or a pair [x, y]', name, describe(value));
    return [read(value[0], `${name}[0]`), read(value[1], `${name}[1]`)];
  }
  const v = read(value, name);
  return [v, v];
}

function readKernels(opts: Record<string, unknown>): [number, number] {
  if (opts.kernel !== undefined && opts.sigma !== undefined) {
    throw new TypeError(`Expected either options.sigma or options.kernel for options (method 'dark') but received both`);
  }
  if (opts.kernel !== undefined) return readPair(opts.kernel, 'options.kernel', (v, n) => readOddSize(v, n, undefined));
  const sigmas = readPair(opts.sigma ?? DEFAULTS.sigma, 'options.sigma', (v, n) => readNumber(v, n, undefined, 'a finite number > 0', (s) => Number.isFinite(s) && s > 0));
  return sigmas.map((s, axis) => {
    const k = simccBlurKernel(s);
    if (k < 1 || k > MAX_KERNEL) {
      const name = Array.isArray(opts.sigma) ? `options.sigma[${axis}]` : 'options.sigma';
      throw rangeError(`a sigma whose blur kernel int((sigma * 20 - 7) // 3), made odd, is from 1 to ${MAX_KERNEL}`, name, `${s} (kernel ${k})`);
    }
    return k;
  }) as [number, number];
}

/**
 * Reads `{ x, y }`: both of rank 2 or 3 with the same leading dimensions. Internal (the HTTP
 * plugin checks a body with it before the request takes a decode slot; mergeFlipped reads its two
 * pairs with it, each under its own name).
 */
export function readSimccInput(input: unknown, name = 'input'): { x: Vectors; y: Vectors; lead: number[] } {
  if (!isObject(input) || Array.isArray(input) || ArrayBuffer.isView(input)) throw typeError('an object { x, y }', name, input);
  const x = readVectors(input.x, `${name}.x`);
  const y = readVectors(input.y, `${name}.y`);
  const yName = `${name}.y.${shapeKey(input.y as Record<string, unknown>, `${name}.y`)}`;
  if (y.shape.length !== x.shape.length) {
    throw rangeError(`the rank of ${name}.x ${formatShape(x.shape)}`, yName, `rank ${y.shape.length} ${formatShape(y.shape)}`);
  }
  const lead = x.shape.slice(0, -1);
  if (formatShape(y.shape.slice(0, -1)) !== formatShape(lead)) {
    throw rangeError(`the ${lead.length === 2 ? 'N and K' : 'K'} of ${name}.x ${formatShape(x.shape)}`, yName, formatShape(y.shape));
  }
  return { x, y, lead };
}

function prepare(input: unknown, options: unknown): { request: NativeSimccRequest; shape: number[] } {
  const { x, y, lead } = readSimccInput(input);
  if (options !== undefined && (!isObject(options) || Array.isArray(options))) throw typeError('an options object', 'options', options);
  const method = readEnum((options as Record<string, unknown> | undefined)?.method, 'options.method', SIMCC_METHODS, 'argmax');
  const opts = readOptions(options, `options (method '${method}')`, METHOD_KEYS[method]);
  const splitRatio = readNumber(opts.splitRatio, 'options.splitRatio', DEFAULTS.splitRatio, 'a finite number > 0 (as float32)', (v) => {
    const f = Math.fround(v);
    return Number.isFinite(v) && v > 0 && Number.isFinite(f) && f > 0;
  });
  const minScore = readNumber(opts.minScore, 'options.minScore', DEFAULTS.minScore, 'a number (not NaN)', (v) => !Number.isNaN(v));
  const [kernelX, kernelY] = method === 'dark' ? readKernels(opts) : [0, 0];
  const n = product(lead, 'input.x');
  const out = readPointOut(opts.out, n, [x.data, y.data]);
  const request: NativeSimccRequest = {
    xData: x.data,
    yData: y.data,
    xDtype: x.dtype,
    yDtype: y.dtype,
    vectors: n,
    xWidth: x.width,
    yWidth: y.width,
    method,
    splitRatio,
    minScore,
    kernelX,
    kernelY,
    threads: concurrency(),
    coords: out?.coords ?? fresh(new Float32Array(n * 2)),
    scores: out?.scores ?? fresh(new Float32Array(n)),
    valid: out?.valid ?? fresh(new Uint8Array(n)),
    ...readTransform(opts.transform, lead),
  };
  return { request, shape: lead };
}

const decoding = operation({
  prepare,
  runSync: (request) => addon.decodeSimccSync(request),
  runAsync: (request) => addon.decodeSimcc(request),
  finish: ({ request, shape }): SimccResult => ({ coords: request.coords, scores: request.scores, valid: request.valid, shape }),
  moves: [
    ['xData', 'input.x.data'],
    ['yData', 'input.y.data'],
    ['coords', 'options.out.coords'],
    ['scores', 'options.out.scores'],
    ['valid', 'options.out.valid'],
  ],
  handBack: (request) => ({ x: request.xData, y: request.yData }),
});

/**
 * Decodes SimCC outputs (RTMPose, DWPose, RTMW) to keypoints as mmpose 1.x's SimCCLabel.decode
 * does: x = argmax(x vector) / splitRatio, likewise y, score = min(max x, max y), optionally
 * refined by refine_simcc_dark. Where mmpose writes -1 for a keypoint with score <= 0, this writes
 * NaN coordinates, score 0 and valid 0 (see `minScore`); a vector holding NaN or an infinity makes
 * its keypoint invalid. Runs on the calling thread (split over {@link concurrency} native threads).
 * @example
 * const [simccX, simccY] = [results.simcc_x, results.simcc_y];  // onnxruntime outputs [1, 17, 384], [1, 17, 512]
 * const { coords, scores, valid } = decodeSimccSync({ x: simccX, y: simccY }, { splitRatio: 2 });
 */
export function decodeSimccSync(input: SimccInput, options?: SimccOptions): SimccResult {
  return decoding.sync(input, options);
}

/**
 * Like {@link decodeSimccSync}, but runs on coordconv's thread pool and resolves with the result. The
 * vectors are copied when the call is made (or moved in, with `transfer: true`), exactly as for
 * {@link decode}.
 * @example
 * const { coords } = await decodeSimcc({ x: outputs.simcc_x, y: outputs.simcc_y }, { splitRatio: 2, method: 'dark', sigma: [4.9, 5.66] });
 */
export function decodeSimcc(input: SimccInput, options?: SimccOptions): Promise<SimccResult> {
  return decoding.async(input, options);
}
