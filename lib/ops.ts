// The engine's primitives, exposed so networks like the hand-built decoder can be composed
// literally: conv2d, relu, and per-plane sum and argmax.
import { addon, type PlaneData } from './addon';
import { isObject, rangeError, typeError } from './errors';
import { readEnum, readOptions } from './options';
import { concurrency } from './simd';
import { checkLength, product, readData, readPlanes, readShape, type PlaneInput } from './tensor';

/** A Float32 tensor: `data` row-major in `shape`. */
export interface Float32Tensor {
  data: Float32Array;
  shape: number[];
}

export interface Conv2dOptions {
  /** One value per output channel, added to every output pixel. Default: none. @example new Float32Array([0.5]) */
  bias?: Float32Array;
  /**
   * `'same'` (default) keeps H x W, padding (k - 1) / 2 zeros before and the rest after (PyTorch's
   * rule); `'valid'` pads nothing and gives (H - kh + 1) x (W - kw + 1). @example { padding: 'valid' }
   */
  padding?: 'same' | 'valid';
}

function readFloat32Tensor(value: unknown, name: string, minRank: number, maxRank: number, ranks: string): Float32Tensor {
  if (!isObject(value)) throw typeError('an object { data, shape }', name, value);
  const data = readData(value.data, `${name}.data`);
  if (!(data instanceof Float32Array)) throw typeError('a Float32Array', `${name}.data`, data);
  const shape = readShape(value.shape, `${name}.shape`, minRank, maxRank, ranks);
  checkLength(data, product(shape, `${name}.shape`), shape, `${name}.data`);
  return { data, shape };
}

/**
 * 2-D convolution (cross-correlation, as in PyTorch's Conv2d) of `[N, C, H, W]` with weights
 * `[O, C, kh, kw]`, stride 1: output `[N, O, H', W']`.
 * @example conv2d({ data, shape: [1, 2, 70, 100] }, { data: w, shape: [1, 2, 1, 1] })
 */
export function conv2d(input: Float32Tensor, weight: Float32Tensor, options?: Conv2dOptions): Float32Tensor {
  const x = readFloat32Tensor(input, 'input', 4, 4, 'rank 4 [N, C, H, W]');
  const w = readFloat32Tensor(weight, 'weight', 4, 4, 'rank 4 [O, C, kh, kw]');
  const opts = readOptions(options, 'options', ['bias', 'padding']);
  const padding = readEnum(opts.padding, 'options.padding', ['same', 'valid'] as const, 'same');
  const [n, c, h, wd] = x.shape;
  const [o, wc, kh, kw] = w.shape;
  if (wc !== c) throw rangeError(`${c} input channels (input is [${x.shape.join(', ')}])`, 'weight.shape[1]', String(wc));
  if (padding === 'valid' && (kh > h || kw > wd)) {
    throw rangeError(`a kernel no larger than the input ${h} x ${wd}`, 'weight.shape', `${kh} x ${kw}`);
  }
  let bias: Float32Array | null = null;
  if (opts.bias !== undefined) {
    if (!(opts.bias instanceof Float32Array)) throw typeError('a Float32Array', 'options.bias', opts.bias);
    bias = readData(opts.bias, 'options.bias') as Float32Array;
    if (bias.length !== o) throw rangeError(`${o} values (one per output channel)`, 'options.bias', String(bias.length));
  }
  const oh = padding === 'same' ? h : h - kh + 1;
  const ow = padding === 'same' ? wd : wd - kw + 1;
  const shape = [n, o, oh, ow];
  const output = new Float32Array(product(shape, 'output'));
  addon.conv2d({
    input: x.data, batch: n, channels: c, height: h, width: wd,
    weight: w.data, outChannels: o, kernelH: kh, kernelW: kw,
    bias, padding, threads: concurrency(), output,
  });
  return { data: output, shape };
}

/**
 * max(x, 0) elementwise; NaN stays NaN. Any rank from 1 to 8.
 * @example relu({ data: new Float32Array([-1, 2]), shape: [2] }) // data [0, 2]
 */
export function relu(input: Float32Tensor): Float32Tensor {
  const x = readFloat32Tensor(input, 'input', 1, 8, 'rank 1 to 8');
  const output = new Float32Array(x.data.length);
  addon.relu({ input: x.data, output, threads: concurrency() });
  return { data: output, shape: x.shape };
}

/** Per-plane results of a reduction, shaped like the input's leading dimensions. */
export interface PlaneSums {
  /** One sum per plane, accumulated in double precision. */
  data: Float64Array;
  shape: number[];
}

/**
 * The sum of each plane of `[H, W]`, `[N, H, W]` or `[N, C, H, W]`, accumulated in double precision.
 * @example sum({ data, shape: [4, 64, 64] }).data // 4 sums
 */
export function sum(input: PlaneInput<PlaneData>): PlaneSums {
  const p = readPlanes(input);
  const output = new Float64Array(p.planes);
  addon.sum({ data: p.data, planes: p.planes, height: p.height, width: p.width, threads: concurrency(), output });
  return { data: output, shape: p.lead };
}

export interface PlaneArgmax {
  /** The maximum of each plane; NaN where the plane holds NaN or an infinity. */
  values: Float32Array;
  /** The first row-major index of the maximum within its plane (y * W + x); 0 where not finite. */
  indices: Float64Array;
  /** 1 where every value of the plane is finite. */
  finite: Uint8Array;
  shape: number[];
}

/**
 * The maximum of each plane and the first index holding it.
 * @example argmax({ data, shape: [2, 3, 3] }).indices // one index per plane
 */
export function argmax(input: PlaneInput<PlaneData>): PlaneArgmax {
  const p = readPlanes(input);
  const values = new Float32Array(p.planes);
  const indices = new Float64Array(p.planes);
  const finite = new Uint8Array(p.planes);
  addon.argmax({ data: p.data, planes: p.planes, height: p.height, width: p.width, threads: concurrency(), values, indices, finite });
  return { values, indices, finite, shape: p.lead };
}
