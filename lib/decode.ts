import { addon, type NativeDecodeRequest, type PlaneData } from './addon';
import { atCallSite } from './errors';
import { readEnum, readOptions } from './options';
import { concurrency } from './simd';
import { readPlanes, type PlaneInput } from './tensor';

/**
 * How a plane becomes a coordinate.
 * - `'exact'`: the hand-built CoordConv network, `x = W - sum(ReLU(W * A / v - X))`, for one-hot
 *   planes; exact, and invalid unless the plane holds exactly one non-zero pixel, finite and > 0.
 */
export type DecodeMethod = 'exact';

export const DECODE_METHODS: readonly DecodeMethod[] = ['exact'];

export interface DecodeOptions {
  /** The decoding method. Default `'exact'`. @example { method: 'exact' } */
  method?: DecodeMethod;
}

/** One result per plane; `shape` is the input's leading dimensions ([] for a single plane). */
export interface DecodeResult {
  /** `[...shape, 2]`: x (column) then y (row), pixel centres at integers; NaN where invalid. */
  coords: Float32Array;
  /** `[...shape]`: the method's score (for 'exact', the hot pixel's value); 0 where invalid. */
  scores: Float32Array;
  /** `[...shape]`: 1 where the plane decoded, 0 where it has no answer. */
  valid: Uint8Array;
  /** The leading dimensions of the input: [] for [H, W], [N] for [N, H, W], [N, C] for [N, C, H, W]. */
  shape: number[];
}

function prepare(input: unknown, options: unknown): { request: NativeDecodeRequest; shape: number[] } {
  const planes = readPlanes(input);
  const opts = readOptions(options, 'options', ['method']);
  const method = readEnum(opts.method, 'options.method', DECODE_METHODS, 'exact');
  const request: NativeDecodeRequest = {
    data: planes.data,
    planes: planes.planes,
    height: planes.height,
    width: planes.width,
    threads: concurrency(),
    method,
    coords: new Float32Array(planes.planes * 2),
    scores: new Float32Array(planes.planes),
    valid: new Uint8Array(planes.planes),
  };
  return { request, shape: planes.lead };
}

const result = ({ request, shape }: ReturnType<typeof prepare>): DecodeResult => ({
  coords: request.coords,
  scores: request.scores,
  valid: request.valid,
  shape,
});

/**
 * Decodes every plane of a batch to (x, y), score and validity, on the calling thread.
 * @example
 * const { coords, valid } = decodeSync({ data: heatmaps, shape: [N, K, H, W] }, { method: 'exact' });
 */
export function decodeSync(input: PlaneInput<PlaneData>, options?: DecodeOptions): DecodeResult {
  const prepared = prepare(input, options);
  addon.decodeSync(prepared.request);
  return result(prepared);
}

/**
 * Like {@link decodeSync}, but runs on libuv's thread pool and resolves with the result, so the
 * event loop stays free. The planes are copied when the call is made (a copy as fast as memory
 * allows, on the calling thread), so the result describes the input as it was then: writing to
 * it, transferring its buffer or resizing it afterwards is safe and changes nothing.
 */
export function decode(input: PlaneInput<PlaneData>, options?: DecodeOptions): Promise<DecodeResult> {
  const site = new Error();
  try {
    const prepared = prepare(input, options);
    return atCallSite(addon.decode(prepared.request), site).then(() => result(prepared));
  } catch (error) {
    return Promise.reject(error);
  }
}
