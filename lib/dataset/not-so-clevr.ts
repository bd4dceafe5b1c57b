// The CoordConv paper's Not-so-CLEVR data (one 9 x 9 grey square swept over a 64 x 64 canvas),
// reproduced sample for sample and in the reference generator's order.
import { describe, rangeError, typeError } from '../errors';
import { readEnum, readOptions } from '../validate';
import { LegacyRandom } from '../random/mt19937';

/** Canvas side of the reference data. */
export const NOT_SO_CLEVR_SIDE = 64;
/** Half the square's side: the square covers centre - 4 .. centre + 4. */
const HALF = 4;
/** Centres run over 4..59 on each axis: 56 values. */
const SPAN = NOT_SO_CLEVR_SIDE - 2 * HALF;
/** 56 * 56 = 3136 samples. */
export const NOT_SO_CLEVR_COUNT = SPAN * SPAN;
/** The grey level of the square (cv2 colour (128, 128, 128) on black). */
export const NOT_SO_CLEVR_GREY = 128;
/** The reference's `MAGIC_SEED_OF_WONDER`: seeds the uniform split. */
export const SPLIT_SEED = 20202;
/** The reference's `MAGIC_SEED_OF_GREATNESS`: seeds the row order of train and of val. */
export const ORDER_SEED = 10101;

export type NotSoClevrSplit = 'uniform' | 'quadrant';
export const NOT_SO_CLEVR_SPLITS: readonly NotSoClevrSplit[] = ['uniform', 'quadrant'];

/** The reference's field names, in the order its HDF5 datasets are described. */
export type NotSoClevrField = 'image' | 'imagegray' | 'onehots' | 'locations' | 'normalized_locations';
export const NOT_SO_CLEVR_FIELDS: readonly NotSoClevrField[] = ['image', 'imagegray', 'onehots', 'locations', 'normalized_locations'];

/** Element type of image, imagegray and onehots. The reference (NumPy) stores float64. */
export type NotSoClevrDtype = 'float64' | 'float32' | 'uint8';
export const NOT_SO_CLEVR_DTYPES: readonly NotSoClevrDtype[] = ['float64', 'float32', 'uint8'];

export type ImageData = Float64Array | Float32Array | Uint8Array;

export interface NotSoClevrOptions {
  /**
   * How samples go to val. `'uniform'`: NumPy's legacy generator seeded 20202 draws one double per
   * sample in generation order, < 0.25 goes to val (2368 train / 768 val). `'quadrant'`: val when
   * x / 64 > 0.5 and y / 64 > 0.5 (2407 / 729). Default `'uniform'`. @example { split: 'quadrant' }
   */
  split?: NotSoClevrSplit;
  /**
   * Element type of `image`, `imagegray` and `onehots`. Every value (0, 128, 1) is exact in each, so
   * the choice changes memory, not data. The reference's NumPy arrays are float64; default
   * `'float32'` (what the decoder takes) keeps the full set at 257 MB instead of 514 MB.
   * `normalized_locations` is Float64Array for `'float64'`, else Float32Array (k / 64 is exact in both).
   * @example { dtype: 'uint8' }
   */
  dtype?: NotSoClevrDtype;
  /**
   * Which image fields to render; `locations` and `normalized_locations` are always present (small).
   * Default all three of `'image'`, `'imagegray'`, `'onehots'`. @example { fields: ['onehots'] }
   */
  fields?: readonly NotSoClevrImageField[];
}

/** The image fields, rendered on request (`fields`). */
export type NotSoClevrImageField = 'image' | 'imagegray' | 'onehots';

export interface Tensor<D> {
  data: D;
  shape: number[];
}

/** The image fields of a part (channels-last, as the reference stores them). */
export interface NotSoClevrImages<D extends ImageData = ImageData> {
  /** `[N, 64, 64, 3]`: 128 inside the square, 0 elsewhere. */
  image: Tensor<D>;
  /** `[N, 64, 64, 1]`: the channel mean of image. */
  imagegray: Tensor<D>;
  /** `[N, 64, 64, 1]`: 1 at row y, column x. */
  onehots: Tensor<D>;
}

/** The fields every part has. */
export interface NotSoClevrRows {
  /** Number of rows. */
  count: number;
  /** `[N]`: each row's index in generation order, `(x - 4) * 56 + (y - 4)`. */
  index: Uint32Array;
  /** `[N, 2]`: x (column) then y (row), integers 4..59. The reference stores int64. */
  locations: Tensor<Int32Array>;
  /** `[N, 2]`: locations / 64. */
  normalized_locations: Tensor<Float64Array | Float32Array>;
}

/**
 * One part (train or val), rows in the reference file's order: the image fields `F` that were
 * requested (all three by default), and the locations.
 */
export type NotSoClevrPart<D extends ImageData = ImageData, F extends NotSoClevrImageField = NotSoClevrImageField> = NotSoClevrRows &
  Pick<NotSoClevrImages<D>, F>;

export interface NotSoClevr<D extends ImageData = ImageData, F extends NotSoClevrImageField = NotSoClevrImageField> {
  split: NotSoClevrSplit;
  train: NotSoClevrPart<D, F>;
  val: NotSoClevrPart<D, F>;
}

/** The image array type of a dtype: Float32Array by default. */
export type NotSoClevrData<T extends NotSoClevrDtype> = T extends 'float64' ? Float64Array : T extends 'uint8' ? Uint8Array : Float32Array;

/** The centre (x, y) of the sample with generation index g: x is the outer loop, y the inner. */
export function notSoClevrLocation(g: number): [number, number] {
  return [HALF + Math.floor(g / SPAN), HALF + (g % SPAN)];
}

/**
 * The generation indices of train and val, each in the reference file's row order. This is all the
 * randomness of the data set; every field follows from the index.
 * @example const { train, val } = notSoClevrIndex('quadrant'); // train.length 2407, val.length 729
 */
export function notSoClevrIndex(split: NotSoClevrSplit = 'uniform'): { train: Uint32Array; val: Uint32Array } {
  const which = readEnum(split, 'split', NOT_SO_CLEVR_SPLITS, 'uniform');
  const train: number[] = [];
  const val: number[] = [];
  const rng = new LegacyRandom(SPLIT_SEED);
  for (let g = 0; g < NOT_SO_CLEVR_COUNT; g++) {
    const [x, y] = notSoClevrLocation(g);
    const toVal =
      which === 'uniform' ? rng.randomSample() < 0.25 : x / NOT_SO_CLEVR_SIDE > 0.5 && y / NOT_SO_CLEVR_SIDE > 0.5;
    (toVal ? val : train).push(g);
  }
  const reorder = (part: number[]): Uint32Array => {
    const order = new LegacyRandom(ORDER_SEED).permutation(part.length);
    const out = new Uint32Array(part.length);
    for (let i = 0; i < out.length; i++) out[i] = part[order[i]];
    return out;
  };
  return { train: reorder(train), val: reorder(val) };
}

/** Elements per sample of a field. */
export function notSoClevrFieldSize(field: NotSoClevrField): number {
  const plane = NOT_SO_CLEVR_SIDE * NOT_SO_CLEVR_SIDE;
  switch (field) {
    case 'image':
      return plane * 3;
    case 'imagegray':
    case 'onehots':
      return plane;
    default:
      return 2;
  }
}

/**
 * Writes one sample's field into `out` at `offset` (which must hold zeros for the image fields:
 * only the non-zero pixels are written). Exactly what the reference renders: cv2.rectangle filled
 * from (x - 4, y - 4) to (x + 4, y + 4) inclusive with (128, 128, 128) on a black float64 canvas.
 */
export function renderNotSoClevr(
  field: NotSoClevrField,
  g: number,
  out: { [i: number]: number | bigint; length: number },
  offset: number,
): void {
  const [x, y] = notSoClevrLocation(g);
  const side = NOT_SO_CLEVR_SIDE;
  if (field === 'locations') {
    const big = typeof out[0] === 'bigint' || out instanceof BigInt64Array;
    out[offset] = big ? BigInt(x) : x;
    out[offset + 1] = big ? BigInt(y) : y;
  } else if (field === 'normalized_locations') {
    out[offset] = x / side;
    out[offset + 1] = y / side;
  } else if (field === 'onehots') {
    out[offset + y * side + x] = 1;
  } else {
    const channels = field === 'image' ? 3 : 1;
    for (let row = y - HALF; row <= y + HALF; row++) {
      const start = offset + (row * side + x - HALF) * channels;
      const end = start + (2 * HALF + 1) * channels;
      for (let i = start; i < end; i++) out[i] = NOT_SO_CLEVR_GREY;
    }
  }
}

function makeImage(dtype: NotSoClevrDtype, length: number): ImageData {
  if (dtype === 'float64') return new Float64Array(length);
  if (dtype === 'float32') return new Float32Array(length);
  return new Uint8Array(length);
}

// Holds the requested image fields only: the caller's F says which.
function buildPart(index: Uint32Array, dtype: NotSoClevrDtype, fields: readonly string[]): NotSoClevrRows & Partial<NotSoClevrImages> {
  const n = index.length;
  const side = NOT_SO_CLEVR_SIDE;
  const part: NotSoClevrRows & Partial<NotSoClevrImages> = {
    count: n,
    index,
    locations: { data: new Int32Array(n * 2), shape: [n, 2] },
    normalized_locations: { data: dtype === 'float64' ? new Float64Array(n * 2) : new Float32Array(n * 2), shape: [n, 2] },
  };
  for (let i = 0; i < n; i++) {
    renderNotSoClevr('locations', index[i], part.locations.data, i * 2);
    renderNotSoClevr('normalized_locations', index[i], part.normalized_locations.data, i * 2);
  }
  for (const field of ['image', 'imagegray', 'onehots'] as const) {
    if (!fields.includes(field)) continue;
    const size = notSoClevrFieldSize(field);
    const data = makeImage(dtype, n * size);
    for (let i = 0; i < n; i++) renderNotSoClevr(field, index[i], data, i * size);
    part[field] = { data, shape: [n, side, side, field === 'image' ? 3 : 1] };
  }
  return part;
}

/**
 * The CoordConv paper's Not-so-CLEVR data set, reproduced sample for sample and in order: one
 * filled 9 x 9 square (grey 128 on black) centred at every (x, y) in 4..59 of a 64 x 64 canvas,
 * split into train and val and each reordered as the reference generator does.
 * @example
 * const { train, val } = notSoClevr({ split: 'quadrant', dtype: 'float32' });
 * train.onehots.shape; // [2407, 64, 64, 1]
 */
export function notSoClevr<T extends NotSoClevrDtype = 'float32', F extends NotSoClevrImageField = NotSoClevrImageField>(
  options?: NotSoClevrOptions & { dtype?: T; fields?: readonly F[] },
): NotSoClevr<NotSoClevrData<T>, F>;
export function notSoClevr(options?: NotSoClevrOptions): NotSoClevr {
  const opts = readOptions(options, 'options', ['split', 'dtype', 'fields']);
  const split = readEnum(opts.split, 'options.split', NOT_SO_CLEVR_SPLITS, 'uniform');
  const dtype = readEnum(opts.dtype, 'options.dtype', NOT_SO_CLEVR_DTYPES, 'float32');
  const imageFields = ['image', 'imagegray', 'onehots'];
  let fields: string[] = imageFields;
  if (opts.fields !== undefined) {
    if (!Array.isArray(opts.fields)) throw typeError('an array of field names', 'options.fields', opts.fields);
    for (const f of opts.fields) {
      if (!imageFields.includes(f)) {
        throw rangeError(`each of 'image', 'imagegray', 'onehots'`, 'options.fields', describe(f));
      }
    }
    fields = opts.fields as string[];
  }
  const index = notSoClevrIndex(split);
  return { split, train: buildPart(index.train, dtype, fields) as NotSoClevrPart, val: buildPart(index.val, dtype, fields) as NotSoClevrPart };
}
