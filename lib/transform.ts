// The `transform` option of decode, peaks and decodeSimcc: one 2x3 affine per sample, applied by
// the native pass to every valid (x, y) it writes, as its last step (native/transform.h).
import { describe, isObject, rangeError, typeError } from './errors';
import { formatShape } from './validate';

/**
 * One 2x3 affine matrix per sample, row-major: rows `[a, b, c]` and `[d, e, f]` map (x, y) to
 * (a x + b y + c, d x + e y + f). Shape `[N, 2, 3]`; an unbatched input (one sample) also takes
 * `[2, 3]`. `topdownTransforms(...).toImage` is one.
 * @example { data: Float64Array.of(2, 0, 10, 0, 2, 20), shape: [1, 2, 3] }
 */
export interface AffineTransforms {
  data: Float32Array | Float64Array;
  shape: readonly number[];
}

/** The option decode, peaks and decodeSimcc take. */
export interface TransformOption {
  /**
   * Maps each sample's valid coordinates through its own 2x3 affine (rows [a, b, c] and
   * [d, e, f]: x' = a x + b y + c, y' = d x + e y + f), in the same native pass, as its last step:
   * from heatmap pixels back to the image, say (see `topdownTransforms`). A sample is one image of
   * the batch: the N of [N, C, H, W] or [N, H, W, C] input (decode, peaks) or of [N, K, W] vectors
   * (decodeSimcc), `shape` [N, 2, 3], every entry finite. An unbatched input ([H, W], [C, H, W],
   * [H, W, C], SimCC's [K, W]) is one sample: `shape` [1, 2, 3] or [2, 3]. The arithmetic is in
   * double, each result rounded to float32 once; invalid points keep their NaN, unused peak slots
   * stay as they are. Scores and validity do not change. Default: none.
   * @example { transform: topdownTransforms(boxes, { inputSize: [192, 256], heatmapSize: [48, 64] }).toImage }
   */
  transform?: AffineTransforms;
}

/** The request fields of a transform: nothing without one. */
export type TransformFields = { transform?: Float64Array; transformSamples?: number };

const NAME = 'options.transform';

/**
 * Reads options.transform for an input whose leading dimensions (beside H and W, or SimCC's
 * vector length) are `lead`: batched when it has two ([N, C] or [N, K]), its samples lead[0];
 * otherwise one sample. Returns the matrices as a fresh Float64Array (the caller's array is not
 * read again), or no fields when the option is absent.
 */
export function readTransform(value: unknown, lead: readonly number[]): TransformFields {
  if (value === undefined) return {};
  if (!isObject(value) || Array.isArray(value) || ArrayBuffer.isView(value)) throw typeError('an object { data, shape }', NAME, value);
  const { data, shape } = value;
  for (const key of Object.keys(value)) {
    if (key !== 'data' && key !== 'shape') throw new TypeError(`Expected only the keys data, shape for ${NAME} but received key ${describe(key)}`);
  }
  if (!(data instanceof Float32Array || data instanceof Float64Array)) throw typeError('a Float32Array or Float64Array', `${NAME}.data`, data);
  if (!Array.isArray(shape) || !shape.every((d) => typeof d === 'number')) throw typeError('an array of numbers', `${NAME}.shape`, shape);
  const batched = lead.length === 2;
  const samples = batched ? lead[0] : 1;
  const fits = batched
    ? shape.length === 3 && shape[0] === samples && shape[1] === 2 && shape[2] === 3
    : (shape.length === 2 && shape[0] === 2 && shape[1] === 3) || (shape.length === 3 && shape[0] === 1 && shape[1] === 2 && shape[2] === 3);
  if (!fits) {
    const what = batched ? `shape [${samples}, 2, 3] (one matrix per sample: the input's batch is ${samples})` : 'shape [2, 3] or [1, 2, 3] (the input is one sample)';
    throw rangeError(what, `${NAME}.shape`, formatShape(shape as number[]));
  }
  const entries = samples * 6;
  if (data.length !== entries) throw rangeError(`${entries} elements (the product of shape ${formatShape(shape as number[])})`, `${NAME}.data`, describe(data.length));
  const matrices = Float64Array.from(data);
  const bad = matrices.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) throw rangeError('finite entries', `${NAME}.data`, `${matrices[bad]} at index ${bad}`);
  return { transform: matrices, transformSamples: samples };
}
