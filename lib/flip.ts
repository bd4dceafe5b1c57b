// The flip test (test-time augmentation) as mmpose 1.x merges it (mmpose/models/utils/tta.py):
// the model's output for the horizontally mirrored image is flipped back and its left/right
// keypoints swapped — flip_heatmaps (flip_mode 'heatmap') for heatmaps, flip_vectors for SimCC —
// and averaged with the output for the image itself, (a + b) * 0.5, as HeatmapHead.predict and
// SimCCHead.predict do (mmpose/models/heads/heatmap_heads/heatmap_head.py,
// coord_cls_heads/simcc_head.py).
import { types } from 'node:util';

import { addon, type NativeFlipRequest, type PlaneArray } from './addon';
import { operation, type TransferOption } from './call';
import { concurrency } from './concurrency';
import { describe, isFloat32Array, isObject, rangeError, typeError } from './errors';
import { fresh } from './fresh';
import { readSimccInput, type SimccInput } from './simcc';
import { product, readLayout, readPlanes, uninitialized, type Float16PlaneInput, type PlaneInput, type Planes } from './tensor';
import { formatShape, readBoolean, readOptions, readOut, type Layout } from './validate';

/** The named flip indices: `'coco17'` (COCO's 17 body keypoints), `'coco-wholebody133'` (COCO-WholeBody's 133). */
export type FlipPreset = 'coco17' | 'coco-wholebody133';

// COCO's 17 keypoints: nose, then left/right pairs (eyes, ears, shoulders, elbows, wrists, hips,
// knees, ankles), each index swapped with its pair's.
const COCO17 = [0, 2, 1, 4, 3, 6, 5, 8, 7, 10, 9, 12, 11, 14, 13, 16, 15];

// Derived from mmpose's configs/_base_/datasets/coco_wholebody.py as parse_pose_metainfo
// (mmpose/datasets/datasets/utils.py) derives flip_indices: keypoint i maps to the id of its
// `swap` name, or to itself when it has none. Body 0-16 as COCO17; feet 17-22; face 23-90 (the
// jaw line reversed, brows, nose, eyes and mouth mirrored; the nose bridge and the mouth's centre
// line map to themselves); left hand 91-111 <-> right hand 112-132.
const FACE = [
  39, 38, 37, 36, 35, 34, 33, 32, 31, 30, 29, 28, 27, 26, 25, 24, 23, 49, 48, 47, 46, 45, 44, 43, 42, 41, 40, 50, 51, 52, 53, 58, 57,
  56, 55, 54, 68, 67, 66, 65, 70, 69, 62, 61, 60, 59, 64, 63, 77, 76, 75, 74, 73, 72, 71, 82, 81, 80, 79, 78, 87, 86, 85, 84, 83, 90,
  89, 88,
];
const range = (from: number, count: number): number[] => Array.from({ length: count }, (_, i) => from + i);
const COCO_WHOLEBODY133 = [...COCO17, 20, 21, 22, 17, 18, 19, ...FACE, ...range(112, 21), ...range(91, 21)];

/** Each preset's indices: `FLIP_INDICES.coco17[k]` is the keypoint that k's mirror image is. */
export const FLIP_INDICES: Readonly<Record<FlipPreset, readonly number[]>> = Object.freeze({
  coco17: Object.freeze(COCO17),
  'coco-wholebody133': Object.freeze(COCO_WHOLEBODY133),
});

/** The integer typed arrays `flipIndices` takes. */
export type FlipIndexArray = Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array;

// util.types, not instanceof: an array made in another realm (a vm context) is one too.
const isFlipIndexArray = (v: unknown): v is FlipIndexArray =>
  types.isInt8Array(v) || types.isUint8Array(v) || types.isInt16Array(v) || types.isUint16Array(v) || types.isInt32Array(v) || types.isUint32Array(v);

interface CommonFlipOptions extends TransferOption {
  /**
   * Required: for each keypoint k, the keypoint whose channel in the flipped output is k's
   * (mmpose's dataset meta `flip_indices`; output channel k averages channel k with flipped channel
   * flipIndices[k], as `heatmaps[:, flip_indices]` gathers). A permutation of 0..K-1 (each index
   * once) of length K, as an array or an integer typed array (NumPy's int64 indices read as
   * `Int32Array.from(...)`), or a preset name for K = 17 (`'coco17'`) or K = 133 (`'coco-wholebody133'`).
   * @example { flipIndices: 'coco17' }
   * @example { flipIndices: [0, 2, 1] }
   */
  flipIndices: FlipPreset | readonly number[] | FlipIndexArray;
}

export interface FlipOptions extends CommonFlipOptions {
  /**
   * mmpose's `shift_heatmap`: after flipping back, move the flipped map one pixel to the right
   * (`heatmaps[..., 1:] = heatmaps[..., :-1]`, column 0 kept as it is). mmpose's MSRA-codec
   * configs (td-hm_*_coco-256x192.py with codec MSRAHeatmap, DARK included) set it `true`; the UDP
   * configs (UDPHeatmap: *_udp*, ViTPose, the CSPNeXt UDP heatmap configs) set it `false`. Default false.
   * @example { shift: true }
   */
  shift?: boolean;
  /** `'nchw'` (default): `[N, K, H, W]` / `[K, H, W]`; `'nhwc'`: `[N, H, W, K]` / `[H, W, K]`. @example { layout: 'nhwc' } */
  layout?: Layout;
  /**
   * Write the merged heatmaps into this Float32Array (exactly N * K * H * W elements, sharing no
   * memory with the inputs); the result's `data` is then this array. Default: a new array.
   * @example { out: new Float32Array(1 * 17 * 64 * 48) }
   */
  out?: Float32Array;
}

export interface SimccFlipOptions extends CommonFlipOptions {
  /**
   * Write the merged vectors into these Float32Arrays (exactly the lengths of x and y, sharing no
   * memory with the inputs or each other). Default: new arrays.
   * @example { out: { x: new Float32Array(17 * 384), y: new Float32Array(17 * 512) } }
   */
  out?: { x: Float32Array; y: Float32Array };
}

/** The merged heatmaps: always float32, in the input's shape and layout. */
export interface MergedHeatmaps {
  data: Float32Array;
  shape: number[];
  /** With `transfer: true` (async): the two inputs' data over the buffers moved into the call and handed back. */
  input?: [PlaneArray, PlaneArray];
}

/** The merged SimCC vectors: always float32, each in its input's shape. */
export interface MergedSimcc {
  x: { data: Float32Array; shape: number[] };
  y: { data: Float32Array; shape: number[] };
  /** With `transfer: true` (async): the inputs' data, as `[{ x, y }, { x, y }]`, over the moved buffers. */
  input?: [{ x: PlaneArray; y: PlaneArray }, { x: PlaneArray; y: PlaneArray }];
}

export type HeatmapsInput = PlaneInput<Float32Array | Uint8Array> | Float16PlaneInput;

function readFlipIndices(value: unknown, k: number, of: string): Uint32Array {
  const what = `a permutation of 0..K-1 (K = ${k}, ${of}) as an array or an integer typed array, or a preset (${Object.keys(FLIP_INDICES).map((p) => `'${p}'`).join(', ')})`;
  if (value === undefined) throw typeError(what, 'options.flipIndices', value);
  let indices: readonly unknown[];
  if (typeof value === 'string') {
    if (!Object.hasOwn(FLIP_INDICES, value)) throw rangeError(what, 'options.flipIndices', describe(value));
    indices = FLIP_INDICES[value as FlipPreset];
    if (indices.length !== k) throw rangeError(`a preset for ${k} keypoints (${of})`, 'options.flipIndices', `${describe(value)} (${indices.length} keypoints)`);
  } else if (Array.isArray(value) || isFlipIndexArray(value)) {
    indices = Array.from(value as ArrayLike<unknown>);
    if (indices.length !== k) throw rangeError(`${k} indices (K, ${of})`, 'options.flipIndices', `${indices.length} indices`);
  } else {
    throw typeError(what, 'options.flipIndices', value);
  }
  const out = new Uint32Array(k);
  const at = new Array<number>(k).fill(-1);
  indices.forEach((v, i) => {
    const name = `options.flipIndices[${i}]`;
    if (!Number.isSafeInteger(v) || (v as number) < 0 || (v as number) >= k) throw rangeError(`an integer from 0 to ${k - 1}`, name, describe(v));
    const j = v as number;
    if (at[j] >= 0) throw rangeError('each index once (a permutation)', name, `${j}, already at options.flipIndices[${at[j]}]`);
    at[j] = i;
    out[i] = j;
  });
  return out;
}

function readOptionsObject(options: unknown): Record<string, unknown> {
  if (!isObject(options) || Array.isArray(options)) throw typeError('an options object with flipIndices', 'options', options);
  return options;
}

const RANKS = { nchw: 'rank 3 or 4 ([K, H, W] or [N, K, H, W])', nhwc: "rank 3 or 4 ([H, W, K] or [N, H, W, K]) for layout 'nhwc'" };

// The shape readPlanes read, in the order the caller wrote it.
function shapeOf(p: Planes): number[] {
  return p.layout === 'nhwc' ? [...p.lead.slice(0, -1), p.height, p.width, p.channels] : [...p.lead, p.height, p.width];
}

function readHeatmaps(value: unknown, name: string, layout: Layout): { planes: Planes; shape: number[] } {
  const planes = readPlanes(value, name, { layout, emptyBatch: true, images: RANKS });
  return { planes, shape: shapeOf(planes) };
}

interface Prepared {
  request: NativeFlipRequest;
  shapes: number[][];
}

function prepareHeatmaps([heatmaps, flipped]: readonly [unknown, unknown], options: unknown): Prepared {
  const layout = readLayout(options);
  const a = readHeatmaps(heatmaps, 'heatmaps', layout);
  const b = readHeatmaps(flipped, 'flippedHeatmaps', layout);
  if (formatShape(a.shape) !== formatShape(b.shape)) {
    throw rangeError(`the shape of heatmaps ${formatShape(a.shape)}`, 'flippedHeatmaps.shape', formatShape(b.shape));
  }
  const opts = readOptions(readOptionsObject(options), 'options', ['flipIndices', 'shift', 'layout', 'out']);
  const k = a.planes.lead[a.planes.lead.length - 1];
  const flipIndices = readFlipIndices(opts.flipIndices, k, `the keypoint channels of heatmaps ${formatShape(a.shape)}`);
  const shift = readBoolean(opts.shift, 'options.shift', false);
  const count = product(a.shape, 'heatmaps.shape');
  let out: Float32Array | undefined;
  if (opts.out !== undefined) {
    // readOut's checks (type, length, no shared memory) for one array named options.out.
    out = readOut<{ out: Float32Array }>({ out: opts.out }, 'options', { out: { is: isFloat32Array, type: 'Float32Array', length: count } }, [a.planes.data, b.planes.data])?.out;
  }
  const request: NativeFlipRequest = {
    pairs: 1,
    planes: a.planes.planes,
    height: a.planes.height,
    width: a.planes.width,
    layout,
    channels: layout === 'nhwc' ? k : 1,
    keypoints: k,
    shift,
    flipIndices,
    firstData: a.planes.data,
    firstDtype: a.planes.dtype,
    firstFlipped: b.planes.data,
    firstFlippedDtype: b.planes.dtype,
    firstOut: out ?? fresh(uninitialized('float32', count)),
    threads: concurrency(),
  };
  return { request, shapes: [a.shape] };
}

function prepareSimcc([simcc, flipped]: readonly [unknown, unknown], options: unknown): Prepared {
  const a = readSimccInput(simcc, 'simcc');
  const b = readSimccInput(flipped, 'flippedSimcc');
  for (const axis of ['x', 'y'] as const) {
    if (formatShape(a[axis].shape) !== formatShape(b[axis].shape)) {
      throw rangeError(`the shape of simcc.${axis} ${formatShape(a[axis].shape)}`, `flippedSimcc.${axis}.shape`, formatShape(b[axis].shape));
    }
  }
  const opts = readOptions(readOptionsObject(options), 'options (SimCC)', ['flipIndices', 'out']);
  const k = a.lead[a.lead.length - 1];
  const flipIndices = readFlipIndices(opts.flipIndices, k, `the keypoints of simcc.x ${formatShape(a.x.shape)}`);
  const planes = product(a.lead, 'simcc.x.shape');
  const xCount = a.x.data.length;
  const yCount = a.y.data.length;
  const out = readOut<{ x: Float32Array; y: Float32Array }>(
    opts.out,
    'options.out',
    { x: { is: isFloat32Array, type: 'Float32Array', length: xCount }, y: { is: isFloat32Array, type: 'Float32Array', length: yCount } },
    [a.x.data, a.y.data, b.x.data, b.y.data],
  );
  const request: NativeFlipRequest = {
    pairs: 2,
    planes,
    height: 1,
    width: a.x.width,
    layout: 'nchw',
    channels: 1,
    keypoints: k,
    shift: false,  // flip_vectors shifts nothing
    flipIndices,
    firstData: a.x.data,
    firstDtype: a.x.dtype,
    firstFlipped: b.x.data,
    firstFlippedDtype: b.x.dtype,
    firstOut: out?.x ?? fresh(uninitialized('float32', xCount)),
    secondWidth: a.y.width,
    secondData: a.y.data,
    secondDtype: a.y.dtype,
    secondFlipped: b.y.data,
    secondFlippedDtype: b.y.dtype,
    secondOut: out?.y ?? fresh(uninitialized('float32', yCount)),
    threads: concurrency(),
  };
  return { request, shapes: [a.x.shape, a.y.shape] };
}

// Both inputs travel as one argument: the operation reads `transfer` from the options that follow it.
const heatmapMerge = operation({
  prepare: prepareHeatmaps,
  runSync: (request) => addon.mergeFlippedSync(request),
  runAsync: (request) => addon.mergeFlipped(request),
  finish: ({ request, shapes }): MergedHeatmaps => ({ data: request.firstOut, shape: shapes[0] }),
  moves: [
    ['firstData', 'heatmaps.data'],
    ['firstFlipped', 'flippedHeatmaps.data'],
    ['firstOut', 'options.out'],
  ],
  handBack: (request) => [request.firstData, request.firstFlipped],
});

const simccMerge = operation({
  prepare: prepareSimcc,
  runSync: (request) => addon.mergeFlippedSync(request),
  runAsync: (request) => addon.mergeFlipped(request),
  finish: ({ request, shapes }): MergedSimcc => ({
    x: { data: request.firstOut, shape: shapes[0] },
    y: { data: request.secondOut as Float32Array, shape: shapes[1] },
  }),
  moves: [
    ['firstData', 'simcc.x.data'],
    ['secondData', 'simcc.y.data'],
    ['firstFlipped', 'flippedSimcc.x.data'],
    ['secondFlipped', 'flippedSimcc.y.data'],
    ['firstOut', 'options.out.x'],
    ['secondOut', 'options.out.y'],
  ],
  handBack: (request) => [
    { x: request.firstData, y: request.secondData },
    { x: request.firstFlipped, y: request.secondFlipped },
  ],
});

// A SimCC pair is `{ x, y }`; anything else (`{ data, shape }`, an onnxruntime or tfjs Tensor) is heatmaps.
function isSimccPair(value: unknown): boolean {
  return isObject(value) && !ArrayBuffer.isView(value) && 'x' in value && 'y' in value && !('data' in value) && !('dataSync' in value);
}

/**
 * The flip test's merge, on the calling thread: `flipped` (the model's output for the
 * horizontally mirrored input) flipped back along W, its channels reordered by `flipIndices`, with
 * `shift` moved one pixel to the right, and averaged with `heatmaps`: out = (a + b) * 0.5 in
 * float32, exactly mmpose's flip_heatmaps (flip_mode 'heatmap') and HeatmapHead.predict's average.
 * Each input may be float32, uint8 or float16 (its own dtype); the result is always float32 (halves
 * and bytes widened exactly, then averaged in float32). NaN and infinities propagate as IEEE
 * arithmetic does (Inf + -Inf gives NaN).
 *
 * For SimCC pairs `{ x, y }` (x `[N, K, Wx]`, y `[N, K, Wy]`, as decodeSimcc takes them): x
 * flipped along its length and reordered, y reordered, each averaged, as flip_vectors and
 * SimCCHead.predict (no shift: mmpose has none for SimCC).
 * @example
 * const merged = mergeFlippedSync(heatmaps, flippedHeatmaps, { flipIndices: 'coco17', shift: true });
 * const { coords } = decodeSync(merged, { method: 'dark' });
 * @example
 * const { x, y } = mergeFlippedSync({ x: simccX, y: simccY }, { x: flippedX, y: flippedY }, { flipIndices: 'coco17' });
 * const { coords } = decodeSimccSync({ x, y });
 */
export function mergeFlippedSync(heatmaps: HeatmapsInput, flipped: HeatmapsInput, options: FlipOptions): MergedHeatmaps;
export function mergeFlippedSync(simcc: SimccInput, flipped: SimccInput, options: SimccFlipOptions): MergedSimcc;
export function mergeFlippedSync(input: unknown, flipped: unknown, options: unknown): MergedHeatmaps | MergedSimcc {
  return isSimccPair(input) ? simccMerge.sync([input, flipped], options) : heatmapMerge.sync([input, flipped], options);
}

/**
 * Like {@link mergeFlippedSync}, but runs on coordconv's thread pool and resolves with the result. The
 * inputs are copied when the call is made (or moved in, with `transfer: true`).
 * @example
 * const merged = await mergeFlipped(heatmaps, flippedHeatmaps, { flipIndices: 'coco17', shift: true, transfer: true });
 */
export function mergeFlipped(heatmaps: HeatmapsInput, flipped: HeatmapsInput, options: FlipOptions): Promise<MergedHeatmaps>;
export function mergeFlipped(simcc: SimccInput, flipped: SimccInput, options: SimccFlipOptions): Promise<MergedSimcc>;
export function mergeFlipped(input: unknown, flipped: unknown, options: unknown): Promise<MergedHeatmaps | MergedSimcc> {
  return isSimccPair(input) ? simccMerge.async([input, flipped], options) : heatmapMerge.async([input, flipped], options);
}
