// Loads the native addon. Only lib/ talks to it; every request it receives is validated and fully
// defaulted here first.
import { loadAddon } from './load-addon';

export type PlaneData = Float32Array | Uint8Array;

export interface PlaneRequest {
  data: PlaneData;
  planes: number;
  height: number;
  width: number;
  threads: number;
}

export interface NativeDecodeRequest extends PlaneRequest {
  method: string;
  kernel: number;
  sigma: number;
  threshold: number;
  beta: number;
  coords: Float32Array;
  scores: Float32Array;
  valid: Uint8Array;
}

export interface NativePeaksRequest extends PlaneRequest {
  k: number;
  threshold: number;
  window: number;
  coords: Float32Array;
  scores: Float32Array;
  valid: Uint8Array;
  counts: Uint32Array;
}

/** The convolution engine's request (conv2d and coordConv2d); pads are explicit numbers. */
export interface NativeConvRequest {
  input: Float32Array;
  batch: number;
  channels: number;
  height: number;
  width: number;
  /** 0 for conv2d; 2 (xx, yy) or 3 (xx, yy, r) coordinate channels generated after the input's. */
  coordChannels: number;
  weight: Float32Array;
  outChannels: number;
  kernelH: number;
  kernelW: number;
  bias: Float32Array | null;
  strideH: number;
  strideW: number;
  dilationH: number;
  dilationW: number;
  padTop: number;
  padLeft: number;
  padBottom: number;
  padRight: number;
  relu: boolean;
  threads: number;
  output: Float32Array;
}

export interface NativeEncodeRequest {
  coords: Float32Array;
  visible: Uint8Array | null;
  planes: number;
  points: number;
  height: number;
  width: number;
  kind: 'onehot' | 'square' | 'gaussian';
  layout: 'nchw' | 'nhwc';
  channels: number;
  radius: number;
  sigma: number;
  unbiased: boolean;
  value: number;
  threads: number;
  output: Float32Array | Uint8Array;
}

export interface NativeAddCoordsRequest {
  input: Float32Array;
  batch: number;
  channels: number;
  height: number;
  width: number;
  layout: 'nchw' | 'nhwc';
  withR: boolean;
  threads: number;
  output: Float32Array;
}

export interface NativeAddon {
  simd(): { active: string; available: string[]; defaultThreads: number };
  decodeSync(request: NativeDecodeRequest): void;
  decode(request: NativeDecodeRequest): Promise<void>;
  convSync(request: NativeConvRequest): void;
  conv(request: NativeConvRequest): Promise<void>;
  encodeSync(request: NativeEncodeRequest): void;
  encode(request: NativeEncodeRequest): Promise<void>;
  addCoords(request: NativeAddCoordsRequest): void;
  peaksSync(request: NativePeaksRequest): void;
  peaks(request: NativePeaksRequest): Promise<void>;
  relu(request: { input: Float32Array; output: Float32Array; threads: number }): void;
  sum(request: PlaneRequest & { output: Float64Array }): void;
  argmax(request: PlaneRequest & { values: Float32Array; indices: Float64Array; finite: Uint8Array }): void;
  /** Internal, for the HTTP plugin: `source` into `target` from byte `offset` on, at memcpy speed (also into shared memory). */
  copyBytes(target: Uint8Array, offset: number, source: Uint8Array): void;
  /** Internal, for bench/ only: the OR of every byte of `data`, read once (the memory roofline). */
  _sweep(request: { data: PlaneData; threads: number }): number;
}

export const addon: NativeAddon = loadAddon() as NativeAddon;
