// The engine's primitives, exposed so networks like the hand-built decoder can be composed
// literally: conv2d, relu, and per-plane sum and argmax.
import { addon, type PlaneData } from './addon';
import { concurrency } from './concurrency';
import { convRequest, type Activation, type ConvPadding, type Pair } from './convolution';
import { readFloat32OrUint8Planes, readFloat32Tensor, type Float32Tensor, type PlaneInput } from './tensor';
import { formatShape, readOptions } from './validate';

export interface Conv2dOptions {
  /** One value per output channel, added to every output pixel. Default: none. @example new Float32Array([0.5]) */
  bias?: Float32Array;
  /**
   * `'same'` (default) keeps H x W, padding dilation * (k - 1) zeros in total per axis, half
   * (rounded down) before and the rest after (PyTorch's rule); `'valid'` pads nothing; a number or
   * `[rows, columns]` pads that many zeros on both sides. @example { padding: 'valid' }
   */
  padding?: ConvPadding;
  /** Step between output pixels, a number or `[rows, columns]`. Default 1. @example { stride: 2 } */
  stride?: Pair;
  /** Spacing between kernel taps, a number or `[rows, columns]`. Default 1. @example { dilation: 2 } */
  dilation?: Pair;
  /** Fused activation. Default `'none'`. @example { activation: 'relu' } */
  activation?: Activation;
}

/**
 * 2-D convolution (cross-correlation, as in PyTorch's Conv2d) of `[N, C, H, W]` with weights
 * `[O, C, kh, kw]`: output `[N, O, H', W']`, H' = floor((H + pads - dilation * (kh - 1) - 1) / stride) + 1.
 * Each output starts at its bias and adds w * v tap by tap (channel, row, column) as a fused
 * multiply-add (one rounding per tap), so every SIMD path, scalar included, gives the same bits.
 * @example conv2d({ data, shape: [1, 2, 70, 100] }, { data: w, shape: [1, 2, 1, 1] })
 */
export function conv2d(input: Float32Tensor, weight: Float32Tensor, options?: Conv2dOptions): Float32Tensor {
  const x = readFloat32Tensor(input, 'input', 4, 4, 'rank 4 [N, C, H, W]');
  const w = readFloat32Tensor(weight, 'weight', 4, 4, 'rank 4 [O, C, kh, kw]');
  const opts = readOptions(options, 'options', ['bias', 'padding', 'stride', 'dilation', 'activation']);
  const text = `${x.shape[1]} input channels (input is ${formatShape(x.shape)})`;
  const { request, shape } = convRequest(x, w, opts as Conv2dOptions, 0, 'weight', text);
  addon.convSync(request);
  return { data: request.output, shape };
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
  const p = readFloat32OrUint8Planes(input, 'sum');
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
  const p = readFloat32OrUint8Planes(input, 'argmax');
  const values = new Float32Array(p.planes);
  const indices = new Float64Array(p.planes);
  const finite = new Uint8Array(p.planes);
  addon.argmax({ data: p.data, planes: p.planes, height: p.height, width: p.width, threads: concurrency(), values, indices, finite });
  return { values, indices, finite, shape: p.lead };
}
