// Reading C-channel maps at points (PoseNet's offsets and displacements, CenterNet's sizes and
// offsets, any dense per-pixel output read where a decoder found something).
import { addon, type NativeSampleRequest, type PlaneArray, type PlaneData } from './addon';
import { operation, type TransferOption } from './call';
import { concurrency } from './concurrency';
import { isFloat32Array, rangeError } from './errors';
import { fresh } from './fresh';
import { CHANNEL_RANKS, planeFields, planesShape, product, readFloat32Tensor, readLayout, readPlanes, uninitialized, type Float16PlaneInput, type PlaneInput } from './tensor';
import { formatShape, readEnum, readOptions, readOut, type Layout } from './validate';

/**
 * - `'bilinear'` (default): the 4-tap interpolation between the pixel centres around the point,
 *   `(1 - fy) ((1 - fx) v00 + fx v01) + fy ((1 - fx) v10 + fx v11)` with `x0 = floor(x)`,
 *   `fx = x - x0` (likewise y), computed in double and rounded to float32 once; a zero weight skips
 *   its taps, so a point on a pixel centre reads that pixel exactly.
 * - `'nearest'`: the pixel at `(floor(x + 0.5), floor(y + 0.5))`: halves round up, as `Math.round`
 *   does, and an integer point (a peak from decode's 'argmax' or from peaks) reads its own cell.
 *
 * Both clamp the point to `[0, W - 1] x [0, H - 1]` first, so the edge pixels extend outwards
 * without limit (grid_sample's `padding_mode='border'` with `align_corners=True`, OpenCV's
 * BORDER_REPLICATE). A point with a NaN or infinite coordinate reads NaN in every channel.
 */
export type SampleMode = 'nearest' | 'bilinear';

export const SAMPLE_MODES: readonly SampleMode[] = ['nearest', 'bilinear'];

/** A caller-owned array the values are written into. */
export interface SampleOutput {
  /** Float32Array of exactly N * P * C elements. */
  data: Float32Array;
}

export interface SampleOptions extends TransferOption {
  /** How to read between pixel centres (see {@link SampleMode}). Default `'bilinear'`. @example { mode: 'nearest' } */
  mode?: SampleMode;
  /**
   * How the maps lie in memory. `'nchw'` (default): `[N, C, H, W]`, or `[C, H, W]` for one sample.
   * `'nhwc'`: channels-last, `[N, H, W, C]` or `[H, W, C]`, read in place (tfjs' convention).
   * @example { layout: 'nhwc' }
   */
  layout?: Layout;
  /**
   * Write the values into this array (exact type and length, sharing no memory with the maps or the
   * points); the result then holds it. Default: a new array.
   * @example { out: { data: new Float32Array(n * p * c) } }
   */
  out?: SampleOutput;
}

/** The maps' values at the points. */
export interface SampleResult {
  /** With `transfer: true` (async): the maps' and the points' data over the moved buffers, handed back. */
  input?: { maps: PlaneArray; points: Float32Array };
  /**
   * `[N, P, C]` row-major (`[P, C]` for one sample): point p's C values side by side, in the maps'
   * units (Uint8 maps: 0 to 255, as decode's scores are; float16: the half's float32).
   */
  data: Float32Array;
  /** `[N, P, C]`, or `[P, C]` for maps of rank 3. */
  shape: number[];
}

const KEYS = ['mode', 'layout', 'out'] as const;

function prepare({ maps, points }: { maps: unknown; points: unknown }, options: unknown): { request: NativeSampleRequest; shape: number[] } {
  const layout = readLayout(options);
  const planes = readPlanes(maps, 'maps', { layout, emptyBatch: true, images: CHANNEL_RANKS });
  const single = planes.lead.length === 1;
  const mapsShape = planesShape(planes);
  const [samples, channels] = single ? [1, planes.lead[0]] : planes.lead;
  const pointsRank = single ? 2 : 3;
  const what = single ? 'rank 2 ([P, 2]) for maps of rank 3' : 'rank 3 ([N, P, 2]) for maps of rank 4';
  const xy = readFloat32Tensor(points, 'points', pointsRank, pointsRank, what, (shape, name) => {
    if (shape[shape.length - 1] !== 2) throw rangeError(`a last dimension of 2 (x, y) in ${what.slice(0, 6)}`, name, formatShape(shape));
    if (!single && shape[0] !== samples) throw rangeError(`N = ${samples} (the N of maps ${formatShape(mapsShape)})`, name, formatShape(shape));
  }, { zero: (i, rank) => i < rank - 1, what: 'integer dimensions (N and P >= 0, the last 2)' });
  const opts = readOptions(options, 'options', KEYS);
  const mode = readEnum(opts.mode, 'options.mode', SAMPLE_MODES, 'bilinear');
  const p = xy.shape[xy.shape.length - 2];
  const shape = single ? [p, channels] : [samples, p, channels];
  const total = product(shape, 'the sample output');
  const out = readOut<{ data: Float32Array }>(opts.out, 'options.out', { data: { is: isFloat32Array, type: 'Float32Array', length: total } }, [planes.data, xy.data]);
  const request: NativeSampleRequest = {
    samples,
    perSample: channels,
    points: p,
    mode,
    threads: concurrency(),
    coords: xy.data,
    output: out?.data ?? fresh(uninitialized('float32', total)),
    ...planeFields(planes),
  };
  return { request, shape };
}

const sampling = operation({
  prepare,
  runSync: (request) => addon.sampleSync(request),
  runAsync: (request) => addon.sample(request),
  finish: ({ request, shape }): SampleResult => ({ data: request.output, shape }),
  moves: [['data', 'maps.data'], ['coords', 'points.data'], ['output', 'options.out.data']],
  handBack: (request) => ({ maps: request.data, points: request.coords }),
});

/** The maps `sample` reads: `{ data, shape }` (or `{ data, dims }`, a tfjs Tensor) of Float32, Uint8 or float16. */
export type SampleMaps = PlaneInput<PlaneData> | Float16PlaneInput;

/** The points: `{ data: Float32Array, shape: [N, P, 2] }` (`[P, 2]` for maps of rank 3), x then y. */
export type SamplePoints = PlaneInput<Float32Array>;

/**
 * Reads C-channel maps at points on the calling thread: for sample n and point p, the C values of
 * maps[n] at `points[n][p]` (x the column, y the row, pixel centres at integers), by `mode`, with
 * the point clamped to the map (the edge replicated) and NaN for a point with a non-finite
 * coordinate. The result is `[N, P, C]` Float32 (`[P, C]` for one sample). N, C and P may be 0.
 * @example
 * // PoseNet: the offsets [1, 34, 33, 33] at the 17 peaks decode found.
 * const peaks = decodeSync({ data: heatmaps, shape: [1, 17, 33, 33] });
 * const { data } = sampleSync({ data: offsets, shape: [1, 34, 33, 33] }, { data: peaks.coords, shape: [1, 17, 2] }, { mode: 'nearest' });
 */
export function sampleSync(maps: SampleMaps, points: SamplePoints, options?: SampleOptions): SampleResult {
  return sampling.sync({ maps, points }, options);
}

/**
 * Like {@link sampleSync}, but runs on coordconv's thread pool and resolves with the result. The maps and
 * points are copied when the call is made (or moved in, with `transfer: true`), as for {@link decode}.
 * @example
 * const { data, shape } = await sample({ data: wh, shape: [1, 2, 128, 128] }, { data: centres, shape: [1, 100, 2] });
 */
export function sample(maps: SampleMaps, points: SamplePoints, options?: SampleOptions): Promise<SampleResult> {
  return sampling.async({ maps, points }, options);
}
