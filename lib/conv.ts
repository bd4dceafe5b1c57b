// The CoordConv layer: AddCoords and coordConv2d.
import { addon, type NativeConvRequest } from './addon';
import { operation, type TransferOption } from './call';
import { concurrency } from './concurrency';
import { convRequest, type Activation, type ConvGeometryOptions, type ConvPadding, type Pair } from './convolution';
import { typeError } from './errors';
import { fresh } from './fresh';
import { checkSides, product, readFloat32Tensor, uninitialized, type Float32Tensor } from './tensor';
import { LAYOUTS, readBoolean, readEnum, readOptions, type Layout } from './validate';

export interface AddCoordsOptions {
  /** `'nchw'` (default): input `[N, C, H, W]`; `'nhwc'`: input `[N, H, W, C]`. @example { layout: 'nhwc' } */
  layout?: Layout;
  /** Also append r = sqrt(xx^2 + yy^2), the distance from the centre. Default `false`. @example { withR: true } */
  withR?: boolean;
}

/**
 * AddCoords (Liu et al. 2018): appends the coordinate channels xx (the column) then yy (the row),
 * each v / (n - 1) * 2 - 1 over its own axis of size n (so both run from -1 to 1; 0 where n = 1),
 * computed in float32, and with `withR` r = sqrt(xx^2 + yy^2). Output `[N, C + 2 (+1), H, W]`
 * ('nchw') or `[N, H, W, C + 2 (+1)]` ('nhwc'). Unlike the paper's reference code, each channel is
 * scaled by its own axis, so non-square inputs are right too.
 * @example
 * addCoords({ data: new Float32Array(2 * 3 * 5), shape: [1, 2, 3, 5] }).shape // [1, 4, 3, 5]
 */
export function addCoords(input: Float32Tensor, options?: AddCoordsOptions): Float32Tensor {
  const x = readFloat32Tensor(input, 'input', 4, 4, 'rank 4 ([N, C, H, W] or [N, H, W, C])');
  const opts = readOptions(options, 'options', ['layout', 'withR']);
  const layout = readEnum(opts.layout, 'options.layout', LAYOUTS, 'nchw');
  const withR = readBoolean(opts.withR, 'options.withR', false);
  const [n, a, b, d] = x.shape;
  const [c, h, w] = layout === 'nchw' ? [a, b, d] : [d, a, b];
  checkSides(h, w, 'input.shape', x.shape);
  const outC = c + (withR ? 3 : 2);
  const shape = layout === 'nchw' ? [n, outC, h, w] : [n, h, w, outC];
  const output = uninitialized('float32', product(shape, 'output'));
  addon.addCoords({ input: x.data, batch: n, channels: c, height: h, width: w, layout, withR, threads: concurrency(), output });
  return { data: output, shape };
}

export interface CoordConv2dOptions extends ConvGeometryOptions, TransferOption {
  /**
   * Required. `[O, C + 2 (+1 with withR), kh, kw]` in PyTorch's Conv2d order: the input's C channels,
   * then xx, yy (and r), so trained weights load as they are. @example { data: w, shape: [8, 5, 3, 3] }
   */
  weight: Float32Tensor;
  /** One value per output channel. Default: none. @example new Float32Array(8) */
  bias?: Float32Array;
  /** Whether the layer has the r channel, so weight has C + 3 input channels. Default `false`. */
  withR?: boolean;
  /** Step between output pixels, a number or `[rows, columns]`. Default 1. @example { stride: 2 } */
  stride?: Pair;
  /** Zero padding (of every channel, coordinates included). Default `'same'`. @example { padding: 1 } */
  padding?: ConvPadding;
  /** Spacing between kernel taps, a number or `[rows, columns]`. Default 1. @example { dilation: 2 } */
  dilation?: Pair;
  /** Fused activation. Default `'none'`. @example { activation: 'relu' } */
  activation?: Activation;
}

const COORD_CONV_KEYS = ['weight', 'bias', 'withR', 'stride', 'padding', 'dilation', 'activation'];

function prepareCoordConv(input: unknown, options: unknown): { request: NativeConvRequest; shape: number[] } {
  const x = readFloat32Tensor(input, 'input', 4, 4, 'rank 4 [N, C, H, W]');
  if (options === undefined) throw typeError('an options object with weight', 'options', options);
  const opts = readOptions(options, 'options', COORD_CONV_KEYS);
  const w = readFloat32Tensor(opts.weight, 'options.weight', 4, 4, 'rank 4 [O, C + 2 (+1), kh, kw]');
  const withR = readBoolean(opts.withR, 'options.withR', false);
  const extra = withR ? 3 : 2;
  const c = x.shape[1];
  const text = `${c + extra} input channels (C = ${c}, then xx, yy${withR ? ', r' : ''})`;
  const prepared = convRequest(x, w, opts as ConvGeometryOptions, extra, 'options.weight', text);
  fresh(prepared.request.output);
  return prepared;
}

const convolving = operation({
  prepare: prepareCoordConv,
  runSync: (request) => addon.convSync(request),
  runAsync: (request) => addon.conv(request),
  finish: ({ request, shape }): Float32Tensor => ({ data: request.output, shape }),
  moves: [['input', 'input.data'], ['output', 'the output']],
});

/**
 * The CoordConv layer: AddCoords followed by a 2-D convolution (cross-correlation, as PyTorch's
 * Conv2d), in one pass that generates the coordinate channels on the fly. Input `[N, C, H, W]`,
 * output `[N, O, H', W']` with H' = floor((H + pads - dilation * (kh - 1) - 1) / stride) + 1.
 * Each output starts at its bias and adds w * v tap by tap (channels, then kernel rows, then
 * columns) as a fused multiply-add, so every SIMD path, scalar included, gives the same bits.
 * Runs on the calling thread (split over `concurrency()` native threads).
 * @example
 * const y = coordConv2dSync({ data, shape: [1, 3, 64, 64] }, { weight: { data: w, shape: [8, 5, 3, 3] }, padding: 1 });
 */
export function coordConv2dSync(input: Float32Tensor, options: CoordConv2dOptions): Float32Tensor {
  return convolving.sync(input, options);
}

/**
 * Like {@link coordConv2dSync}, but runs off the event loop and resolves with the result. The input,
 * weights and bias are copied when the call is made, so writing to them or transferring their
 * buffers afterwards is safe and changes nothing.
 */
export function coordConv2d(input: Float32Tensor, options: CoordConv2dOptions): Promise<Float32Tensor> {
  return convolving.async(input, options);
}
