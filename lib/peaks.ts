// Top-k local maxima per plane, for heatmaps that hold several objects (CenterNet's decode).
import { addon, type NativePeaksRequest, type PlaneArray, type PlaneData } from './addon';
import { operation, type TransferOption } from './call';
import { concurrency } from './concurrency';
import { fresh } from './fresh';
import { readOffsets, type OffsetsOption } from './offsets';
import { planeFields, product, readLayout, readPlanes, type Float16PlaneInput, type PlaneInput } from './tensor';
import { readTransform, type TransformOption } from './transform';
import { readEnum, readFraction, readInteger, readNumber, readOddSize, readOptions, type Layout } from './validate';

/** Where the k slots go: `'plane'`, k per plane; `'image'`, k per image over all its channels. */
export type PeaksOver = 'plane' | 'image';

export interface PeaksOptions extends TransferOption, TransformOption {
  /**
   * How the planes lie in memory. `'nchw'` (default): shape [H, W], [N, H, W] or [N, C, H, W].
   * `'nhwc'`: channels-last, shape [H, W, C] or [N, H, W, C] (tfjs' convention); results exactly those
   * of the NCHW call on the transposed input, `shape` [C] or [N, C] (over images: [] or [N]).
   * @example { layout: 'nhwc' }
   */
  layout?: Layout;
  /** Slots per plane (or per image): a positive integer. Default 100 (CenterNet's K). @example { k: 17 } */
  k?: number;
  /**
   * The least value a peak may have. Float32 and float16 input: any finite number, compared with
   * the values as they are (a half as its float32; a negative threshold finds peaks in logits).
   * Uint8 input: a number from 0 to 1, compared with value / 255 (0.1 admits 26 and up). Default 0.1.
   * @example { threshold: 0.3 }
   */
  threshold?: number;
  /**
   * Max-pool window: a pixel is a peak when it equals the maximum of the window x window square
   * centred on it (pixels outside the plane do not count). An odd integer from 1 to 255. Default 3.
   * @example { window: 5 }
   */
  window?: number;
  /**
   * `'plane'` (default): up to k peaks per [H, W] plane. `'image'`: up to k peaks per image over
   * all its channels, as CenterNet's `_topk` ranks all classes at once; the channels are the
   * dimension just before [H, W], so [N, C, H, W] holds N images, [C, H, W] one image and [H, W]
   * one image of one channel. Each result then has a `channels` array.
   * @example { over: 'image', k: 100 }
   */
  over?: PeaksOver;
  /**
   * Offsets read at each found peak and added to its cell (see {@link OffsetsOption}): PoseNet's map
   * of 2K channels (peaks of keypoint k read channels k (y) and K + k (x), then x * outputStride),
   * or CenterNet's 2-channel reg map, shared by all classes. Over planes and over images alike, a
   * peak of channel c of image n reads image n's map. Default: none.
   * @example { over: 'image', offsets: { kind: 'centernet', map: { data: reg, shape: [1, 2, 128, 128] } } }
   */
  offsets?: OffsetsOption;
}

/** Up to k peaks per plane (or per image), strongest first. */
export interface PeaksResult {
  /**
   * With `transfer: true` (async): the input's planes, over the buffer moved into the call and
   * handed back (float16 input: a Uint16Array of the bits, also for a Float16Array).
   */
  input?: PlaneArray;
  /** `[...shape, k, 2]`: x (column) then y (row) of each peak; NaN in unused slots. */
  coords: Float32Array;
  /** `[...shape, k]`: each peak's value (Uint8 input: 0 to 255; float16: the half's float32); 0 in unused slots. */
  scores: Float32Array;
  /** `[...shape, k]`: 1 for a found peak, 0 for an unused slot. */
  valid: Uint8Array;
  /** `[...shape]`: how many peaks each plane (or image) has (the used slots come first). */
  counts: Uint32Array;
  /**
   * `over: 'image'` only, `[...shape, k]`: the channel (class) of each peak, 0 in unused slots.
   */
  channels?: Uint32Array;
  /**
   * Over planes, the input's dimensions other than H and W: [] for [H, W], [N] for [N, H, W], [N, C]
   * for [N, C, H, W] (layout 'nhwc': [C] for [H, W, C], [N, C] for [N, H, W, C]). Over images, the
   * images: [] for [H, W], [C, H, W] and [H, W, C], [N] for [N, C, H, W] and [N, H, W, C].
   */
  shape: number[];
  /** The slots per plane (or per image). */
  k: number;
}

/** A result of `over: 'image'`: it always has `channels`. */
export interface ImagePeaksResult extends PeaksResult {
  channels: Uint32Array;
}

// The defaults of the options, as the docs above state them.
const DEFAULTS = { k: 100, threshold: 0.1, window: 3, over: 'plane' } as const;

function prepare(input: unknown, options: unknown): { request: NativePeaksRequest; shape: number[] } {
  const layout = readLayout(options);
  const planes = readPlanes(input, 'input', { layout, emptyBatch: true });
  const opts = readOptions(options, 'options', ['k', 'threshold', 'window', 'over', 'layout', 'offsets', 'transform']);
  const k = readInteger(opts.k, 'options.k', DEFAULTS.k, 1, 2 ** 32 - 1, 'a positive integer below 2^32');
  const uint8 = planes.data instanceof Uint8Array;
  const threshold = uint8
    ? readFraction(opts.threshold, 'options.threshold', DEFAULTS.threshold, 'a number from 0 to 1 (Uint8 input: compared with value / 255)')
    : readNumber(opts.threshold, 'options.threshold', DEFAULTS.threshold, 'a finite number', Number.isFinite);
  const window = readOddSize(opts.window, 'options.window', DEFAULTS.window);
  const over = readEnum(opts.over, 'options.over', ['plane', 'image'] as const, DEFAULTS.over);
  // Over images, the channels are lead's last dimension (the one before [H, W], or with layout
  // 'nhwc' the last); a single plane is one channel.
  const lead = planes.lead;
  const shape = over === 'plane' ? lead : lead.slice(0, -1);
  const perImage = over === 'plane' ? 1 : (lead[lead.length - 1] ?? 1);
  const images = over === 'plane' ? planes.planes : product(shape, 'input.shape');
  const slots = product([images, k, 2], 'the peaks output');
  const request: NativePeaksRequest = {
    threads: concurrency(),
    over,
    images,
    perImage,
    k,
    threshold: uint8 ? threshold * 255 : threshold,
    window,
    offsets: readOffsets(opts.offsets, planes),
    coords: fresh(new Float32Array(slots)),
    scores: fresh(new Float32Array(slots / 2)),
    valid: fresh(new Uint8Array(slots / 2)),
    counts: fresh(new Uint32Array(images)),
    ...(over === 'image' ? { classes: fresh(new Uint32Array(slots / 2)) } : {}),
    ...planeFields(planes),
    ...readTransform(opts.transform, lead),
  };
  return { request, shape };
}

const finding = operation({
  prepare,
  runSync: (request) => addon.peaksSync(request),
  runAsync: (request) => addon.peaks(request),
  finish: ({ request, shape }): PeaksResult => ({
    coords: request.coords,
    scores: request.scores,
    valid: request.valid,
    counts: request.counts,
    ...(request.classes ? { channels: request.classes } : {}),
    shape,
    k: request.k,
  }),
  moves: [['data', 'input.data'], ['coords', 'coords'], ['scores', 'scores'], ['valid', 'valid'], ['counts', 'counts'], ['classes', 'channels']],
});

/**
 * Finds the top-k local maxima of every plane (or, with `over: 'image'`, of every image) on the
 * calling thread: peaks are pixels equal to the window x window maximum around them and >=
 * threshold, ordered by value descending, then (over images) by channel ascending, then by
 * row-major index ascending. A plane holding NaN or +-Inf has no peaks. Takes float16 planes as
 * decode does (`{ data: Uint16Array, shape, type: 'float16' }`).
 * @example
 * const { coords, counts } = peaksSync({ data: centres, shape: [N, C, H, W] }, { k: 20, threshold: 0.3 });
 * const { channels } = peaksSync({ data: centres, shape: [N, C, H, W] }, { over: 'image' });
 */
export function peaksSync(input: PlaneInput<PlaneData> | Float16PlaneInput, options: PeaksOptions & { over: 'image' }): ImagePeaksResult;
export function peaksSync(input: PlaneInput<PlaneData> | Float16PlaneInput, options?: PeaksOptions): PeaksResult;
export function peaksSync(input: PlaneInput<PlaneData> | Float16PlaneInput, options?: PeaksOptions): PeaksResult {
  return finding.sync(input, options);
}

/**
 * Like {@link peaksSync}, but runs on coordconv's thread pool and resolves with the result. The input
 * is copied when the call is made, so changing or transferring it afterwards changes nothing.
 * @example
 * const { coords, scores, counts } = await peaks({ data, shape: [1, 80, 128, 128] }, { k: 100 });
 * const { channels } = await peaks({ data, shape: [1, 80, 128, 128] }, { k: 100, over: 'image' });
 */
export function peaks(input: PlaneInput<PlaneData> | Float16PlaneInput, options: PeaksOptions & { over: 'image' }): Promise<ImagePeaksResult>;
export function peaks(input: PlaneInput<PlaneData> | Float16PlaneInput, options?: PeaksOptions): Promise<PeaksResult>;
export function peaks(input: PlaneInput<PlaneData> | Float16PlaneInput, options?: PeaksOptions): Promise<PeaksResult> {
  return finding.async(input, options);
}
