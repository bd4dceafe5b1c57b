// The matrices of mmpose 1.x's top-down pipeline, per person box: the crop the model sees
// (TopdownAffine) and the way back from its heatmaps to the image (the heatmap codec's decode,
// then TopdownPoseEstimator.add_pred_to_datasample). N small matrices: plain TypeScript.
import { describe, isObject, rangeError, typeError } from './errors';
import { formatShape, readBoolean, readNumber, readOptions } from './validate';
import type { AffineTransforms } from './transform';
import { shapeKey } from './tensor';

/** Options of {@link topdownTransforms}. Sizes are `[width, height]`, as mmpose configs give them. */
export interface TopdownOptions {
  /**
   * The model's input crop, `[w, h]` in pixels (TopdownAffine's `input_size`, the codec's
   * `input_size`): positive integers (UDP: >= 2). Required.
   * @example { inputSize: [192, 256] }
   */
  inputSize: readonly [number, number];
  /**
   * The heatmaps' size, `[W, H]` (the codec's `heatmap_size`; note the library's tensors are
   * [..., H, W]): positive integers (UDP: >= 2). Required.
   * @example { heatmapSize: [48, 64] }
   */
  heatmapSize: readonly [number, number];
  /**
   * The box is scaled by this about its centre (GetBBoxCenterScale's `padding`): finite and > 0.
   * Default 1.25 (mmpose's default and its top-down configs').
   * @example { padding: 1.25 }
   */
  padding?: number;
  /**
   * UDP (Huang et al., CVPR 2020), for models trained with `use_udp=True` and the UDPHeatmap
   * codec: the crop from get_udp_warp_matrix and heatmap to input as `x / (W - 1) * w`. Default
   * false: get_warp_matrix and the MSRAHeatmap codec's `x * float32(w / W)`.
   * @example { udp: true }
   */
  udp?: boolean;
  /**
   * The crop's rotation in degrees, one number for every box or one per box (an array or typed
   * array of N): finite. Default 0. mmpose turns the crop as get_warp_matrix (or, with `udp`,
   * get_udp_warp_matrix, which turns the other way for the same angle) does; `toImage` undoes it.
   * @example { rotation: [0, 30] }
   */
  rotation?: number | readonly number[] | Float32Array | Float64Array;
}

/**
 * Person boxes `[N, 4]` as x1, y1, x2, y2 in image pixels (x2 >= x1, y2 >= y1): `{ data, shape }`,
 * or an onnxruntime-node Tensor's `{ data, dims }`.
 */
export type TopdownBoxes = { data: Float32Array | Float64Array; shape: readonly number[] } | { data: Float32Array | Float64Array; dims: readonly number[] };

/** One matrix per box, `{ data: Float64Array, shape: [N, 2, 3] }`, rows [a, b, c] and [d, e, f]. */
export interface TopdownTransforms {
  /**
   * Heatmap coordinates to image coordinates: decode's `transform`. Without rotation, what the
   * codec's decode then add_pred_to_datasample compute: MSRA x -> x * float32(w / W) / w * sw + cx -
   * sw / 2, UDP x -> x / (W - 1) * w / w * sw + cx - sw / 2 (likewise y), with (cx, cy) and (sw, sh)
   * the box's centre and aspect-fixed, padded size.
   */
  toImage: AffineTransforms & { data: Float64Array };
  /** Image coordinates to the model's input crop: the matrix TopdownAffine warps the image with. */
  toInput: AffineTransforms & { data: Float64Array };
}

const DEFAULTS = { padding: 1.25, udp: false, rotation: 0 } as const;

function readSize(value: unknown, name: string, least: number): [number, number] {
  const what = `[width, height], integers >= ${least}`;
  if (!Array.isArray(value) && !ArrayBuffer.isView(value)) throw typeError(what, name, value);
  const pair = Array.from(value as ArrayLike<unknown>);
  if (pair.length !== 2 || !pair.every((v) => Number.isSafeInteger(v) && (v as number) >= least)) {
    throw rangeError(what, name, describe(value));
  }
  return pair as [number, number];
}

function readBoxes(boxes: unknown): { data: Float32Array | Float64Array; n: number } {
  const name = 'boxes';
  if (!isObject(boxes) || Array.isArray(boxes) || ArrayBuffer.isView(boxes)) throw typeError('an object { data, shape }', name, boxes);
  const { data } = boxes;
  // An onnxruntime-node Tensor names its shape dims, as the library's other inputs accept.
  const key = shapeKey(boxes, name);
  const shape = boxes[key];
  if (!(data instanceof Float32Array || data instanceof Float64Array)) throw typeError('a Float32Array or Float64Array', `${name}.data`, data);
  if (!Array.isArray(shape) || !shape.every((d) => typeof d === 'number')) throw typeError('an array of numbers', `${name}.${key}`, shape);
  if (shape.length !== 2 || shape[1] !== 4 || !Number.isSafeInteger(shape[0]) || shape[0] < 0) {
    throw rangeError('shape [N, 4] (x1, y1, x2, y2 per box)', `${name}.${key}`, formatShape(shape as number[]));
  }
  const n = shape[0] as number;
  if (data.length !== n * 4) throw rangeError(`${n * 4} elements (the product of shape ${formatShape(shape as number[])})`, `${name}.data`, describe(data.length));
  for (let i = 0; i < n; i++) {
    const [x1, y1, x2, y2] = data.subarray(4 * i, 4 * i + 4);
    if (![x1, y1, x2, y2].every(Number.isFinite) || !(x2 >= x1 && y2 >= y1) || (x2 === x1 && y2 === y1)) {
      throw rangeError('finite boxes with x2 >= x1, y2 >= y1 and a positive width or height', `${name}.data`, `[${x1}, ${y1}, ${x2}, ${y2}] at box ${i}`);
    }
  }
  return { data, n };
}

function readRotations(value: unknown, n: number): (i: number) => number {
  const name = 'options.rotation';
  if (value === undefined || typeof value === 'number') {
    const r = readNumber(value, name, DEFAULTS.rotation, 'a finite number of degrees, or one per box', Number.isFinite);
    return () => r;
  }
  const what = `${n} finite numbers of degrees (one per box), or one number`;
  if (!(Array.isArray(value) || value instanceof Float32Array || value instanceof Float64Array)) throw typeError(what, name, value);
  const list = Array.from(value as ArrayLike<unknown>);
  if (list.length !== n) throw rangeError(what, name, describe(value));
  const bad = list.findIndex((v) => typeof v !== 'number' || !Number.isFinite(v));
  if (bad >= 0) throw rangeError(what, name, `${describe(list[bad])} at index ${bad}`);
  return (i) => list[i] as number;
}

/**
 * The affine matrices of mmpose 1.x's top-down pipeline for each person box: `toInput` crops the
 * image to the model's input (warp the image with it, as TopdownAffine's cv2.warpAffine does) and
 * `toImage` takes the model's heatmap coordinates back to the image (pass it as decode's
 * `transform`). Per box (mmpose/structures/bbox/transforms.py, datasets/transforms/):
 * - centre and size as bbox_xyxy2cs: c = (p1 + p2) / 2, s = (p2 - p1) * padding;
 * - the size widened to the input's aspect ratio as TopdownAffine._fix_aspect_ratio:
 *   sw > sh * w / h ? (sw, sw / (w / h)) : (sh * (w / h), sh);
 * - toInput as get_warp_matrix: c to the crop's centre (w / 2, h / 2), scaled by w / sw on both
 *   axes and rotated by R(-rotation), R(t) = [[cos t, -sin t], [sin t, cos t]] (the same matrix as
 *   CenterNet's get_affine_transform); with `udp`, as get_udp_warp_matrix: c to ((w - 1) / 2,
 *   (h - 1) / 2), scaled by (w - 1) / sw and (h - 1) / sh, rotated by R(+rotation);
 * - toImage, MSRA: heatmap to input as MSRAHeatmap.decode, x * float32(w / W), then input to image
 *   as add_pred_to_datasample, c + R(rotation) ((x, y) - (w / 2, h / 2)) * (sw / w, sh / h);
 *   UDP: heatmap to crop pixels, x * (w - 1) / (W - 1), then the UDP warp's inverse, which together
 *   are UDPHeatmap.decode (x / (W - 1) * w) then add_pred_to_datasample: x / (W - 1) * sw + cx - sw / 2.
 *   (mmpose ignores the rotation there, rotating crops only in training; toImage undoes it.)
 * Pixel centres sit at integers in all three frames, as in the rest of the library and in mmpose
 * (its keypoints are argmax indices, cv2's warps put pixel i's centre at i).
 * Computed in double, in closed form (mmpose solves cv2.getAffineTransform on float32 points, so
 * its matrices differ by its float32 rounding: docs/decoder.md gives the figures).
 * @example
 * const { toImage } = topdownTransforms({ data: Float64Array.of(10, 20, 110, 220), shape: [1, 4] }, { inputSize: [192, 256], heatmapSize: [48, 64] });
 * const { coords } = decodeSync({ data: heatmaps, shape: [1, 17, 64, 48] }, { method: 'dark', transform: toImage });
 */
export function topdownTransforms(boxes: TopdownBoxes, options: TopdownOptions): TopdownTransforms {
  const { data, n } = readBoxes(boxes);
  if (!isObject(options) || Array.isArray(options)) throw typeError('an options object', 'options', options);
  const opts = readOptions(options, 'options', ['inputSize', 'heatmapSize', 'padding', 'udp', 'rotation']);
  const udp = readBoolean(opts.udp, 'options.udp', DEFAULTS.udp);
  const least = udp ? 2 : 1;
  const [w, h] = readSize(opts.inputSize, 'options.inputSize', least);
  const [hw, hh] = readSize(opts.heatmapSize, 'options.heatmapSize', least);
  const padding = readNumber(opts.padding, 'options.padding', DEFAULTS.padding, 'a finite number > 0', (v) => Number.isFinite(v) && v > 0);
  const rotation = readRotations(opts.rotation, n);
  // Heatmap to input: MSRAHeatmap.scale_factor is (input_size / heatmap_size).astype(np.float32);
  // UDP's heatmap pixel i is the crop's pixel i * (w - 1) / (W - 1) (see above).
  const kx = udp ? (w - 1) / (hw - 1) : Math.fround(w / hw);
  const ky = udp ? (h - 1) / (hh - 1) : Math.fround(h / hh);
  const toImage = new Float64Array(n * 6);
  const toInput = new Float64Array(n * 6);
  const aspect = w / h;
  for (let i = 0; i < n; i++) {
    const [x1, y1, x2, y2] = data.subarray(4 * i, 4 * i + 4);
    const cx = (x2 + x1) * 0.5, cy = (y2 + y1) * 0.5;
    const bw = (x2 - x1) * padding, bh = (y2 - y1) * padding;
    const [sw, sh] = bw > bh * aspect ? [bw, bw / aspect] : [bh * aspect, bh];
    if (!(Number.isFinite(sw) && Number.isFinite(sh) && sw > 0 && sh > 0)) {
      throw rangeError('boxes whose padded, aspect-fixed size is finite and positive', 'boxes.data', `[${x1}, ${y1}, ${x2}, ${y2}] at box ${i} (size ${sw} x ${sh})`);
    }
    const theta = rotation(i) * (Math.PI / 180);  // np.deg2rad
    const cos = Math.cos(theta), sin = Math.sin(theta);
    // With R(t) = [[cos t, -sin t], [sin t, cos t]], toInput is input = M (image - c) + o and
    // toImage is image = c + M^-1 (diag(kx, ky) heatmap - o):
    // get_warp_matrix: M = (w / sw) R(-theta), o = (w / 2, h / 2), and M^-1 = R(theta) (sw / w),
    //   written with add_pred_to_datasample's per-axis scales: R(theta) diag(sw / w, sh / h);
    // get_udp_warp_matrix: M = diag((w - 1) / sw, (h - 1) / sh) R(theta), o = ((w - 1) / 2, (h - 1) / 2),
    //   and M^-1 = R(-theta) diag(sw / (w - 1), sh / (h - 1)).
    const [ox, oy] = udp ? [(w - 1) / 2, (h - 1) / 2] : [w / 2, h / 2];
    const [fx, fy] = udp ? [(w - 1) / sw, (h - 1) / sh] : [w / sw, w / sw];
    const [gx, gy] = udp ? [sw / (w - 1), sh / (h - 1)] : [sw / w, sh / h];
    // A size near 0 can be positive yet leave no finite scale into the crop (mmpose's overflows too).
    if (![fx, fy, gx, gy].every((v) => Number.isFinite(v) && v > 0)) {
      throw rangeError('boxes whose padded, aspect-fixed size gives finite, non-zero scales between image and input', 'boxes.data', `[${x1}, ${y1}, ${x2}, ${y2}] at box ${i} (size ${sw} x ${sh})`);
    }
    const s = udp ? sin : -sin;  // M's rotation is R(atan2(s, cos)); M^-1's the opposite
    const m = [fx * cos, -fx * s, fy * s, fy * cos];
    toInput.set([m[0], m[1], ox - (m[0] * cx + m[1] * cy), m[2], m[3], oy - (m[2] * cx + m[3] * cy)], 6 * i);
    const inv = [cos * gx, s * gy, -s * gx, cos * gy];
    toImage.set([
      inv[0] * kx, inv[1] * ky, cx - (inv[0] * ox + inv[1] * oy),
      inv[2] * kx, inv[3] * ky, cy - (inv[2] * ox + inv[3] * oy),
    ], 6 * i);
  }
  return {
    toImage: { data: toImage, shape: [n, 2, 3] },
    toInput: { data: toInput, shape: [n, 2, 3] },
  };
}
