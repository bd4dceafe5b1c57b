// Boxes from centres, as CenterNet's ctdet_decode (src/lib/models/decode.py): the top k max-pool
// peaks over all the classes of each image (peaks over images), then the width and height, and
// the sub-pixel offset, read at each centre, and the box around it. One native pass.
import type { PlaneArray, PlaneData, NativeBoxesRequest } from './addon';
import { addon } from './addon';
import { operation, type TransferOption } from './call';
import { concurrency } from './concurrency';
import { isObject, rangeError, typeError } from './errors';
import { fresh } from './fresh';
import { CHANNEL_RANKS, planeFields, product, readLayout, readPlanes, shapeKey, uninitialized, type Float16PlaneInput, type PlaneInput, type Planes } from './tensor';
import { readTransform, type AffineTransforms } from './transform';
import { formatShape, readFraction, readInteger, readNumber, readOddSize, readOptions, type Layout } from './validate';

/** A sizes or offsets map: Float32 or float16 (a Uint16Array of binary16 bits with `type: 'float16'`, or a Float16Array). */
export type BoxMapInput = PlaneInput<Float32Array> | Float16PlaneInput;

export interface BoxesOptions extends TransferOption {
  /**
   * Required. CenterNet's `wh` head: width then height of the box at each pixel, in heatmap pixels,
   * shape [N, 2, H, W] for heatmaps [N, C, H, W] ([2, H, W] for [C, H, W]; layout 'nhwc': [N, H, W, 2]
   * or [H, W, 2]). Read as they are: no clamping (a negative size gives x2 < x1, a NaN a NaN box).
   * @example { sizes: { data: outputs.wh.data, shape: [1, 2, 128, 128] } }
   */
  sizes: BoxMapInput;
  /**
   * CenterNet's `reg` head: the centre's sub-pixel offset, x then y, in heatmap pixels, the shape of
   * `sizes`. Default none: the centre is then the peak pixel plus 0.5 on each axis, as ctdet_decode
   * does without `reg` (`--not_reg_offset`).
   * @example { offsets: { data: outputs.reg.data, shape: [1, 2, 128, 128] } }
   */
  offsets?: BoxMapInput;
  /**
   * How all three maps lie in memory: `'nchw'` (default) or `'nhwc'` (channels-last: heatmaps
   * [N, H, W, C], sizes and offsets [N, H, W, 2]).
   * @example { layout: 'nhwc' }
   */
  layout?: Layout;
  /** Box slots per image (CenterNet's K): a positive integer. Default 100. @example { k: 100 } */
  k?: number;
  /**
   * The least heatmap value a centre may have, as peaks' threshold: Float32 and float16 heatmaps
   * any finite number in their own units (a negative one for logits); Uint8 heatmaps a number from 0
   * to 1, compared with value / 255. CenterNet keeps all K slots and drops boxes below `vis_thresh`
   * afterwards: the boxes above a threshold are the same either way, so pass that threshold here
   * (its demo's 0.3), or -3.4e38 to keep every peak. Default 0.1.
   * @example { threshold: 0.3 }
   */
  threshold?: number;
  /** Max-pool window of the peaks (CenterNet's _nms kernel): an odd integer from 1 to 255. Default 3. @example { window: 3 } */
  window?: number;
  /**
   * One 2x3 affine per image (`shape` [N, 2, 3]; [2, 3] or [1, 2, 3] for [C, H, W] heatmaps),
   * applied to the two corners (x1, y1) and (x2, y2) of each box apart, as CenterNet's
   * ctdet_post_process applies transform_preds to each corner: from heatmap pixels to the image.
   * Under a rotation or a flip the corners are mapped as points, so x1 > x2 can follow (CenterNet
   * does the same). Scores, classes and validity do not change. Default: none.
   * @example { transform: { data: Float64Array.of(4, 0, 0, 0, 4, 0), shape: [1, 2, 3] } }
   */
  transform?: AffineTransforms;
}

/** Up to k boxes per image, strongest first. */
export interface BoxesResult {
  /** With `transfer: true` (async): the inputs over the buffers moved into the call and handed back. */
  input?: { heatmaps: PlaneArray; sizes: Float32Array | Uint16Array; offsets?: Float32Array | Uint16Array };
  /** `[...shape, k, 4]`: x1, y1, x2, y2 in heatmap pixels (pixel centres at integers); NaN in unused slots. */
  boxes: Float32Array;
  /** `[...shape, k]`: the heatmap value at each centre (Uint8: 0 to 255; float16: the half's float32); 0 in unused slots. */
  scores: Float32Array;
  /** `[...shape, k]`: each box's class (the heatmap channel), 0 in unused slots. */
  classes: Uint32Array;
  /** `[...shape, k]`: 1 for a found box, 0 for an unused slot. */
  valid: Uint8Array;
  /** `[...shape]`: how many boxes each image has (the used slots come first). */
  counts: Uint32Array;
  /** `[N]` for heatmaps [N, C, H, W] (or [N, H, W, C]), `[]` for [C, H, W] (or [H, W, C]). */
  shape: number[];
  /** The slots per image. */
  k: number;
}

// The defaults of the options, as the docs above state them.
const DEFAULTS = { k: 100, threshold: 0.1, window: 3 } as const;
const KEYS = ['sizes', 'offsets', 'layout', 'k', 'threshold', 'window', 'transform'] as const;

// The shape a batch of planes was given in.
function shapeOf(planes: Planes): number[] {
  const { lead, height, width } = planes;
  return planes.layout === 'nchw' ? [...lead, height, width] : [...lead.slice(0, -1), height, width, lead[lead.length - 1]];
}

// A sizes or offsets map: Float32 or float16, two channels, the heatmaps' images and sides.
function readMap(value: unknown, name: string, layout: Layout, expected: number[]): Planes & { data: Float32Array | Uint16Array } {
  if (isObject(value) && value.data === undefined && value.map !== undefined) {
    throw typeError('the map itself, { data, shape } (decodeBoxes takes no { kind, map } wrapper: that is the offsets option of decode and peaks)', name, value);
  }
  const map = readPlanes(value, name, { layout, emptyBatch: true, images: CHANNEL_RANKS, notBytes: 'sizes and offsets are heatmap pixels' });
  const shape = shapeOf(map);
  if (formatShape(shape) !== formatShape(expected)) {
    throw rangeError(`shape ${formatShape(expected)} (the heatmaps' images, height and width; 2 channels)`, `${name}.${shapeKey(value as Record<string, unknown>, name)}`, formatShape(shape));
  }
  return map as Planes & { data: Float32Array | Uint16Array };
}

function prepare(heatmaps: unknown, options: unknown): { request: NativeBoxesRequest; shape: number[] } {
  const layout = readLayout(options);
  const heat = readPlanes(heatmaps, 'heatmaps', { layout, emptyBatch: true, images: CHANNEL_RANKS });
  if (options === undefined) throw typeError('an options object with sizes', 'options', options);
  const opts = readOptions(options, 'options', KEYS);
  const shape = heat.lead.slice(0, -1);
  const images = shape.length === 1 ? shape[0] : 1;
  const perImage = heat.lead[heat.lead.length - 1];
  const mapShape = layout === 'nchw' ? [...shape, 2, heat.height, heat.width] : [...shape, heat.height, heat.width, 2];
  const sizes = readMap(opts.sizes, 'options.sizes', layout, mapShape);
  const offsets = opts.offsets === undefined ? undefined : readMap(opts.offsets, 'options.offsets', layout, mapShape);
  const k = readInteger(opts.k, 'options.k', DEFAULTS.k, 1, 2 ** 32 - 1, 'a positive integer below 2^32');
  const uint8 = heat.dtype === 'uint8';
  const threshold = uint8
    ? readFraction(opts.threshold, 'options.threshold', DEFAULTS.threshold, 'a number from 0 to 1 (Uint8 heatmaps: compared with value / 255)')
    : readNumber(opts.threshold, 'options.threshold', DEFAULTS.threshold, 'a finite number', Number.isFinite);
  const window = readOddSize(opts.window, 'options.window', DEFAULTS.window);
  const slots = product([images, k, 4], 'the boxes output') / 4;
  const request: NativeBoxesRequest = {
    threads: concurrency(),
    images,
    perImage,
    k,
    threshold: uint8 ? threshold * 255 : threshold,
    window,
    sizesData: sizes.data,
    sizesDtype: sizes.dtype as 'float32' | 'float16',
    offsetsData: offsets?.data ?? null,
    offsetsDtype: (offsets?.dtype ?? 'float32') as 'float32' | 'float16',
    // The native pass writes every slot, so the outputs need no clearing.
    boxes: fresh(uninitialized('float32', slots * 4)),
    scores: fresh(uninitialized('float32', slots)),
    valid: fresh(uninitialized('uint8', slots)),
    counts: fresh(new Uint32Array(images)),
    classes: fresh(new Uint32Array(slots)),
    ...planeFields(heat),
    ...readTransform(opts.transform, heat.lead),
  };
  return { request, shape };
}

const decoding = operation({
  prepare,
  runSync: (request) => addon.decodeBoxesSync(request),
  runAsync: (request) => addon.decodeBoxes(request),
  finish: ({ request, shape }): BoxesResult => ({
    boxes: request.boxes,
    scores: request.scores,
    classes: request.classes,
    valid: request.valid,
    counts: request.counts,
    shape,
    k: request.k,
  }),
  moves: [
    ['data', 'heatmaps.data'],
    ['sizesData', 'options.sizes.data'],
    ['offsetsData', 'options.offsets.data'],
    ['boxes', 'boxes'],
    ['scores', 'scores'],
    ['valid', 'valid'],
    ['counts', 'counts'],
    ['classes', 'classes'],
  ],
  handBack: (request) => ({
    heatmaps: request.data,
    sizes: request.sizesData,
    ...(request.offsetsData ? { offsets: request.offsetsData } : {}),
  }),
});

/**
 * Decodes CenterNet-style outputs to boxes as ctdet_decode does, on the calling thread: the top k
 * max-pool peaks over all classes of each image, >= threshold, ordered by value descending, then
 * class ascending, then row-major index ascending (a class plane holding NaN or +-Inf has none);
 * at each centre (x, y), cx = x + offset x (x + 0.5 without offsets), likewise cy, and the box
 * [cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2] with w, h the sizes there, in float32.
 * Heatmaps are Float32, Uint8 or float16, as peaks takes them.
 * @example
 * const { boxes, scores, classes, counts } = decodeBoxesSync(
 *   { data: hm, shape: [1, 80, 128, 128] },
 *   { sizes: { data: wh, shape: [1, 2, 128, 128] }, offsets: { data: reg, shape: [1, 2, 128, 128] }, threshold: 0.3 },
 * );
 */
export function decodeBoxesSync(heatmaps: PlaneInput<PlaneData> | Float16PlaneInput, options: BoxesOptions): BoxesResult {
  return decoding.sync(heatmaps, options);
}

/**
 * Like {@link decodeBoxesSync}, but runs on coordconv's thread pool and resolves with the result. The
 * inputs are copied when the call is made (or moved in, with `transfer: true`).
 * @example
 * const { boxes, counts } = await decodeBoxes({ data: hm, shape: [1, 80, 128, 128] }, { sizes: { data: wh, shape: [1, 2, 128, 128] } });
 */
export function decodeBoxes(heatmaps: PlaneInput<PlaneData> | Float16PlaneInput, options: BoxesOptions): Promise<BoxesResult> {
  return decoding.async(heatmaps, options);
}
