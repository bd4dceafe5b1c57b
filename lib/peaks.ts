// Top-k local maxima per plane, for heatmaps that hold several objects (CenterNet's decode).
import { addon, type NativePeaksRequest, type PlaneData } from './addon';
import { operation, type TransferOption } from './call';
import { concurrency } from './concurrency';
import { product, readLayout, readPlanes, type PlaneInput, type PlaneLayout } from './tensor';
import { readFraction, readInteger, readOddSize, readOptions } from './validate';

export interface PeaksOptions extends TransferOption {
  /**
   * How the planes lie in memory. `'nchw'` (default): shape [H, W], [N, H, W] or [N, C, H, W].
   * `'nhwc'`: channels-last, shape [H, W, C] or [N, H, W, C] (tfjs' convention); results exactly those
   * of the NCHW call on the transposed input, `shape` [C] or [N, C].
   * @example { layout: 'nhwc' }
   */
  layout?: PlaneLayout;
  /** Slots per plane: a positive integer. Default 100 (CenterNet's K). @example { k: 17 } */
  k?: number;
  /**
   * The least value a peak may have, from 0 to 1. For Float32 input it is compared with the values
   * as they are; for Uint8 input with value / 255 (0.1 admits 26 and up). Default 0.1.
   * @example { threshold: 0.3 }
   */
  threshold?: number;
  /**
   * Max-pool window: a pixel is a peak when it equals the maximum of the window x window square
   * centred on it (pixels outside the plane do not count). An odd integer from 1 to 255. Default 3.
   * @example { window: 5 }
   */
  window?: number;
}

/** Up to k peaks per plane, strongest first; `shape` is the input's leading dimensions. */
export interface PeaksResult {
  /** With `transfer: true` (async): the input's planes, over the buffer moved into the call and handed back. */
  input?: PlaneData;
  /** `[...shape, k, 2]`: x (column) then y (row) of each peak; NaN in unused slots. */
  coords: Float32Array;
  /** `[...shape, k]`: each peak's value (Uint8 input: 0 to 255); 0 in unused slots. */
  scores: Float32Array;
  /** `[...shape, k]`: 1 for a found peak, 0 for an unused slot. */
  valid: Uint8Array;
  /** `[...shape]`: how many peaks each plane has (the used slots come first). */
  counts: Uint32Array;
  /**
   * The input's dimensions other than H and W: [] for [H, W], [N] for [N, H, W], [N, C] for
   * [N, C, H, W]; with layout 'nhwc', [C] for [H, W, C] and [N, C] for [N, H, W, C].
   */
  shape: number[];
  /** The slots per plane. */
  k: number;
}

// The defaults of the options, as the docs above state them.
const DEFAULTS = { k: 100, threshold: 0.1, window: 3 } as const;

function prepare(input: unknown, options: unknown): { request: NativePeaksRequest; shape: number[] } {
  const layout = readLayout(options);
  const planes = readPlanes(input, 'input', layout);
  const opts = readOptions(options, 'options', ['k', 'threshold', 'window', 'layout']);
  const k = readInteger(opts.k, 'options.k', DEFAULTS.k, 1, 2 ** 32 - 1, 'a positive integer below 2^32');
  const threshold = readFraction(opts.threshold, 'options.threshold', DEFAULTS.threshold);
  const window = readOddSize(opts.window, 'options.window', DEFAULTS.window);
  const slots = product([planes.planes, k, 2], 'the peaks output');
  const request: NativePeaksRequest = {
    data: planes.data,
    planes: planes.planes,
    height: planes.height,
    width: planes.width,
    layout,
    channels: planes.channels,
    threads: concurrency(),
    k,
    threshold: planes.data instanceof Uint8Array ? threshold * 255 : threshold,
    window,
    coords: new Float32Array(slots),
    scores: new Float32Array(slots / 2),
    valid: new Uint8Array(slots / 2),
    counts: new Uint32Array(planes.planes),
  };
  return { request, shape: planes.lead };
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
    shape,
    k: request.k,
  }),
  moves: [['data', 'input.data'], ['coords', 'coords'], ['scores', 'scores'], ['valid', 'valid'], ['counts', 'counts']],
});

/**
 * Finds the top-k local maxima of every plane on the calling thread: peaks are pixels equal to the
 * window x window maximum around them and >= threshold, ordered by value descending, then by
 * row-major index ascending. A plane holding NaN or +-Inf has no peaks.
 * @example
 * const { coords, counts } = peaksSync({ data: centres, shape: [N, C, H, W] }, { k: 20, threshold: 0.3 });
 */
export function peaksSync(input: PlaneInput<PlaneData>, options?: PeaksOptions): PeaksResult {
  return finding.sync(input, options);
}

/**
 * Like {@link peaksSync}, but runs on libuv's thread pool and resolves with the result. The input
 * is copied when the call is made, so changing or transferring it afterwards changes nothing.
 * @example
 * const { coords, scores, counts } = await peaks({ data, shape: [1, 80, 128, 128] }, { k: 100 });
 */
export function peaks(input: PlaneInput<PlaneData>, options?: PeaksOptions): Promise<PeaksResult> {
  return finding.async(input, options);
}
