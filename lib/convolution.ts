// The convolution geometry conv2d and coordConv2d share: stride, dilation, padding, bias and the
// fused activation, checked against the kernel and turned into the engine's request.
import type { NativeConvRequest } from './addon';
import { concurrency } from './concurrency';
import { describe, rangeError, typeError } from './errors';
import { checkSides, product, readData, uninitialized, type Float32Tensor } from './tensor';
import { formatShape, MAX_SIDE, readEnum } from './validate';

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

export interface ConvGeometryOptions {
  stride?: Pair;
  dilation?: Pair;
  padding?: ConvPadding;
  bias?: Float32Array;
  activation?: Activation;
}

function readPair(value: unknown, name: string, fallback: number, min: number): [number, number] {
  if (value === undefined) return [fallback, fallback];
  const what = min === 0 ? 'a non-negative integer or [rows, columns]' : 'a positive integer or [rows, columns]';
  const ok = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= min && (v as number) <= MAX_SIDE;
  if (typeof value === 'number') {
    if (!ok(value)) throw rangeError(what, name, describe(value));
    return [value, value];
  }
  if (Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === 'number')) {
    if (!value.every(ok)) throw rangeError(what, name, formatShape(value));
    return [value[0], value[1]];
  }
  throw typeError(what, name, value);
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
  if (wc !== c + extra) throw rangeError(channelsText, `${weightName}.shape[1]`, describe(wc));
  checkSides(h, wd, 'input.shape', x.shape);
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
    if (bias.length !== o) throw rangeError(`${o} values (one per output channel)`, 'options.bias', describe(bias.length));
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
