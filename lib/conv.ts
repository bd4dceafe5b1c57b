// The CoordConv layer (AddCoords, coordConv2d) and the convolution geometry conv2d shares with it.
import { addon, type NativeConvRequest } from './addon';
import { atCallSite, isObject, rangeError, typeError } from './errors';
import { readEnum, readOptions } from './options';
import { concurrency } from './simd';
import { checkLength, MAX_SIDE, product, readData, readShape } from './tensor';

/** A Float32 tensor: `data` row-major in `shape`. */
export interface Float32Tensor {
  data: Float32Array;
  shape: number[];
}

/** A size per axis: one number for both, or `[rows, columns]`. */
export type Pair = number | readonly [number, number];

/**
 * Zero padding: `'same'` keeps H x W at stride 1, padding `dilation * (k - 1)` in total per axis,
 * half (rounded down) before and the rest after (PyTorch's rule, even kernels too); `'valid'` pads
 * nothing; a number or `[rows, columns]` pads that many zeros on both sides of each axis.
 */
export type ConvPadding = 'same' | 'valid' | Pair;

/** `'relu'` applies max(x, 0) to the output in the same pass (NaN stays NaN); `'none'` leaves it. */
export type Activation = 'none' | 'relu';

const formatShape = (shape: readonly number[]): string => `[${shape.join(', ')}]`;

/**
 * Output storage the native code overwrites completely: not zero-filled, so a large result does
 * not pay for clearing (or for faulting in fresh zero pages) before the kernel writes it.
 */
export function uninitialized(type: 'float32', n: number): Float32Array;
export function uninitialized(type: 'uint8', n: number): Uint8Array;
export function uninitialized(type: 'float32' | 'uint8', n: number): Float32Array | Uint8Array {
  const bytes = type === 'float32' ? 4 : 1;
  const buffer = Buffer.allocUnsafeSlow(n * bytes);
  return type === 'float32' ? new Float32Array(buffer.buffer, buffer.byteOffset, n) : new Uint8Array(buffer.buffer, buffer.byteOffset, n);
}

export function readFloat32Tensor(value: unknown, name: string, minRank: number, maxRank: number, ranks: string): Float32Tensor {
  if (!isObject(value)) throw typeError('an object { data, shape }', name, value);
  const data = readData(value.data, `${name}.data`);
  if (!(data instanceof Float32Array)) throw typeError('a Float32Array', `${name}.data`, data);
  const key = value.shape === undefined && value.dims !== undefined ? 'dims' : 'shape';
  const shape = readShape(value[key], `${name}.${key}`, minRank, maxRank, ranks);
  checkLength(data, product(shape, `${name}.${key}`), shape, `${name}.data`);
  return { data, shape };
}

function readPair(value: unknown, name: string, fallback: number, min: number): [number, number] {
  if (value === undefined) return [fallback, fallback];
  const what = min === 0 ? 'a non-negative integer or [rows, columns]' : 'a positive integer or [rows, columns]';
  const ok = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= min && (v as number) <= MAX_SIDE;
  if (typeof value === 'number') {
    if (!ok(value)) throw rangeError(what, name, String(value));
    return [value, value];
  }
  if (Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === 'number')) {
    if (!value.every(ok)) throw rangeError(what, name, formatShape(value));
    return [value[0], value[1]];
  }
  throw typeError(what, name, value);
}

export interface ConvGeometryOptions {
  stride?: Pair;
  dilation?: Pair;
  padding?: ConvPadding;
  bias?: Float32Array;
  activation?: Activation;
}

/**
 * Validates the options every convolution shares and builds the engine's request, output
 * allocated. `extra` is the number of generated coordinate channels (0 for conv2d).
 */
export function convRequest(
  x: Float32Tensor,
  w: Float32Tensor,
  opts: ConvGeometryOptions,
  extra: number,
  weightName: string,
  channelsText: string,
): { request: NativeConvRequest; shape: number[] } {
  const [n, c, h, wd] = x.shape;
  const [o, wc, kh, kw] = w.shape;
  if (wc !== c + extra) throw rangeError(channelsText, `${weightName}.shape[1]`, String(wc));
  if (h > MAX_SIDE || wd > MAX_SIDE) throw rangeError(`height and width at most ${MAX_SIDE}`, 'input.shape', formatShape(x.shape));
  const [sh, sw] = readPair(opts.stride, 'options.stride', 1, 1);
  const [dh, dw] = readPair(opts.dilation, 'options.dilation', 1, 1);
  const activation = readEnum(opts.activation, 'options.activation', ['none', 'relu'] as const, 'none');
  let pads: [number, number, number, number];  // top, left, bottom, right
  const padding = opts.padding ?? 'same';
  if (padding === 'same') {
    if (sh !== 1 || sw !== 1) throw rangeError("stride 1 with padding 'same'", 'options.stride', formatShape([sh, sw]));
    const th = dh * (kh - 1), tw = dw * (kw - 1);
    pads = [Math.floor(th / 2), Math.floor(tw / 2), th - Math.floor(th / 2), tw - Math.floor(tw / 2)];
  } else if (padding === 'valid') {
    pads = [0, 0, 0, 0];
  } else {
    const [ph, pw] = readPair(padding, 'options.padding', 0, 0);
    pads = [ph, pw, ph, pw];
  }
  const spanH = dh * (kh - 1) + 1, spanW = dw * (kw - 1) + 1;
  const paddedH = h + pads[0] + pads[2], paddedW = wd + pads[1] + pads[3];
  if (spanH > paddedH || spanW > paddedW) {
    throw rangeError(
      `a dilated kernel no larger than the padded input ${paddedH} x ${paddedW}`,
      `${weightName}.shape`,
      `${formatShape(w.shape)} (spanning ${spanH} x ${spanW})`,
    );
  }
  let bias: Float32Array | null = null;
  if (opts.bias !== undefined) {
    if (!(opts.bias instanceof Float32Array)) throw typeError('a Float32Array', 'options.bias', opts.bias);
    bias = readData(opts.bias, 'options.bias') as Float32Array;
    if (bias.length !== o) throw rangeError(`${o} values (one per output channel)`, 'options.bias', String(bias.length));
  }
  const oh = Math.floor((paddedH - spanH) / sh) + 1;
  const ow = Math.floor((paddedW - spanW) / sw) + 1;
  const shape = [n, o, oh, ow];
  const output = uninitialized('float32', product(shape, 'output'));
  const request: NativeConvRequest = {
    input: x.data, batch: n, channels: c, height: h, width: wd, coordChannels: extra,
    weight: w.data, outChannels: o, kernelH: kh, kernelW: kw, bias,
    strideH: sh, strideW: sw, dilationH: dh, dilationW: dw,
    padTop: pads[0], padLeft: pads[1], padBottom: pads[2], padRight: pads[3],
    relu: activation === 'relu', threads: concurrency(), output,
  };
  return { request, shape };
}

/** Layout of an AddCoords input: channels second (`'nchw'`, PyTorch) or last (`'nhwc'`, TensorFlow). */
export type Layout = 'nchw' | 'nhwc';

export interface AddCoordsOptions {
  /** `'nchw'` (default): input `[N, C, H, W]`; `'nhwc'`: input `[N, H, W, C]`. @example { layout: 'nhwc' } */
  layout?: Layout;
  /** Also append r = sqrt(xx^2 + yy^2), the distance from the centre. Default `false`. @example { withR: true } */
  withR?: boolean;
}

function readBoolean(value: unknown, name: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw typeError('a boolean', name, value);
  return value;
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
  const layout = readEnum(opts.layout, 'options.layout', ['nchw', 'nhwc'] as const, 'nchw');
  const withR = readBoolean(opts.withR, 'options.withR', false);
  const [n, a, b, d] = x.shape;
  const [c, h, w] = layout === 'nchw' ? [a, b, d] : [d, a, b];
  if (h > MAX_SIDE || w > MAX_SIDE) throw rangeError(`height and width at most ${MAX_SIDE}`, 'input.shape', formatShape(x.shape));
  const outC = c + (withR ? 3 : 2);
  const shape = layout === 'nchw' ? [n, outC, h, w] : [n, h, w, outC];
  const output = uninitialized('float32', product(shape, 'output'));
  addon.addCoords({ input: x.data, batch: n, channels: c, height: h, width: w, layout, withR, threads: concurrency(), output });
  return { data: output, shape };
}

export interface CoordConv2dOptions extends ConvGeometryOptions {
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
  return convRequest(x, w, opts as ConvGeometryOptions, extra, 'options.weight', text);
}

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
  const { request, shape } = prepareCoordConv(input, options);
  addon.convSync(request);
  return { data: request.output, shape };
}

/**
 * Like {@link coordConv2dSync}, but runs off the event loop and resolves with the result. The input,
 * weights and bias are copied when the call is made, so writing to them or transferring their
 * buffers afterwards is safe and changes nothing.
 */
export function coordConv2d(input: Float32Tensor, options: CoordConv2dOptions): Promise<Float32Tensor> {
  const site = new Error();
  try {
    const { request, shape } = prepareCoordConv(input, options);
    return atCallSite(addon.conv(request), site).then(() => ({ data: request.output, shape }));
  } catch (error) {
    return Promise.reject(error);
  }
}
