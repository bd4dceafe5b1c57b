// Loads the native addon. Only lib/ talks to it; every request it receives is validated and fully
// defaulted here first.
import { loadAddon } from './load-addon';

export type PlaneData = Float32Array | Uint8Array;
/** Plane data of any dtype: a Uint16Array holds float16 bits (the tagged inputs only). */
export type PlaneArray = PlaneData | Uint16Array;
export type PlaneDtype = 'float32' | 'uint8' | 'float16';

export interface PlaneRequest {
  data: PlaneArray;
  /** Names data's dtype; required for float16 (the only way the binding takes a Uint16Array). */
  dtype?: PlaneDtype;
  planes: number;
  height: number;
  width: number;
  threads: number;
}

/** How a decode or peaks request's planes lie in memory; channels is C for 'nhwc', 1 for 'nchw'. */
export interface LayoutRequest {
  layout: 'nchw' | 'nhwc';
  channels: number;
}

/** decode's and peaks' optional offsets map: images * (2 perImage or 2) planes of the heatmaps' sides. */
export interface NativeOffsets extends LayoutRequest {
  kind: 'posenet' | 'centernet';
  data: PlaneArray;
  dtype: PlaneDtype;
  planes: number;
  height: number;
  width: number;
  images: number;
  /** K: the heatmap channels per image. */
  perImage: number;
  /** 'posenet': finite, > 0 (0 otherwise, unread). */
  outputStride: number;
}

/** The optional transform: transformSamples matrices of 6 finite entries each (lib/transform.ts). */
export interface TransformRequest {
  transform?: Float64Array;
  transformSamples?: number;
}

export interface NativeDecodeRequest extends PlaneRequest, LayoutRequest, TransformRequest {
  method: string;
  kernel: number;
  sigma: number;
  threshold: number;
  beta: number;
  quarterRule: 'mmpose' | 'hrnet';
  /** A finite number or -Infinity. */
  minScore: number;
  offsets?: NativeOffsets | null;
  coords: Float32Array;
  scores: Float32Array;
  valid: Uint8Array;
}

export interface NativePeaksRequest extends PlaneRequest, LayoutRequest, TransformRequest {
  over: 'plane' | 'image';
  /** 'plane': planes; 'image': the images, each of perImage consecutive planes. */
  images: number;
  perImage: number;
  k: number;
  threshold: number;
  window: number;
  offsets?: NativeOffsets | null;
  coords: Float32Array;
  scores: Float32Array;
  valid: Uint8Array;
  counts: Uint32Array;
  /** 'image' only: images * k classes (the channel of each peak). */
  classes?: Uint32Array;
}

/**
 * Boxes from centres: the peaks request's heatmap fields (over images), the sizes and offsets
 * maps (2 planes per image with the heatmaps' sides and layout; offsetsData null: none).
 */
export interface NativeBoxesRequest extends PlaneRequest, LayoutRequest, TransformRequest {
  images: number;
  perImage: number;
  k: number;
  threshold: number;
  window: number;
  sizesData: Float32Array | Uint16Array;
  sizesDtype: 'float32' | 'float16';
  offsetsData: Float32Array | Uint16Array | null;
  offsetsDtype: 'float32' | 'float16';
  boxes: Float32Array;
  scores: Float32Array;
  valid: Uint8Array;
  counts: Uint32Array;
  classes: Uint32Array;
}

/** SimCC: `vectors` keypoints, each an x vector of xWidth and a y vector of yWidth elements. */
export interface NativeSimccRequest extends TransformRequest {
  xData: PlaneArray;
  yData: PlaneArray;
  /** 'float16' makes a Uint16Array's bits halves; otherwise the data's own type tells. */
  xDtype: PlaneDtype;
  yDtype: PlaneDtype;
  vectors: number;
  xWidth: number;
  yWidth: number;
  method: 'argmax' | 'dark';
  splitRatio: number;
  /** Any number but NaN (-Infinity included). */
  minScore: number;
  /** 'dark': the blur sizes, odd, 1 to 255 (0 otherwise). */
  kernelX: number;
  kernelY: number;
  threads: number;
  coords: Float32Array;
  scores: Float32Array;
  valid: Uint8Array;
}

/** Sample: `samples` images of `perSample` maps (the batch's planes), read at `points` points each. */
export interface NativeSampleRequest extends PlaneRequest, LayoutRequest {
  samples: number;
  perSample: number;
  points: number;
  mode: 'nearest' | 'bilinear';
  /** samples * points * 2: x, y. */
  coords: Float32Array;
  /** samples * points * perSample. */
  output: Float32Array;
}

/** The convolution engine's request (conv2d and coordConv2d); pads are explicit numbers. */
/**
 * mergeFlipped: the first pair (heatmaps, or SimCC x) is mirrored along its width; the second
 * (SimCC y, with pairs 2) is not. Both pairs have `planes` = N * K planes.
 */
export interface NativeFlipRequest extends LayoutRequest {
  pairs: 1 | 2;
  planes: number;
  height: number;
  width: number;
  keypoints: number;
  shift: boolean;
  flipIndices: Uint32Array;
  firstData: PlaneArray;
  firstDtype: PlaneDtype;
  firstFlipped: PlaneArray;
  firstFlippedDtype: PlaneDtype;
  firstOut: Float32Array;
  secondWidth?: number;
  secondData?: PlaneArray;
  secondDtype?: PlaneDtype;
  secondFlipped?: PlaneArray;
  secondFlippedDtype?: PlaneDtype;
  secondOut?: Float32Array;
  threads: number;
}

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
  decodeSimccSync(request: NativeSimccRequest): void;
  decodeSimcc(request: NativeSimccRequest): Promise<void>;
  sampleSync(request: NativeSampleRequest): void;
  sample(request: NativeSampleRequest): Promise<void>;
  decodeBoxesSync(request: NativeBoxesRequest): void;
  decodeBoxes(request: NativeBoxesRequest): Promise<void>;
  mergeFlippedSync(request: NativeFlipRequest): void;
  mergeFlipped(request: NativeFlipRequest): Promise<void>;
  relu(request: { input: Float32Array; output: Float32Array; threads: number }): void;
  sum(request: PlaneRequest & { data: PlaneData; output: Float64Array }): void;
  argmax(request: PlaneRequest & { data: PlaneData; values: Float32Array; indices: Float64Array; finite: Uint8Array }): void;
  /** Internal, for the HTTP plugin: `source` into `target` from byte `offset` on, at memcpy speed (also into shared memory). */
  copyBytes(target: Uint8Array, offset: number, source: Uint8Array): void;
  /** Internal, for bench/ only: the OR of every byte of `data`, read once (the memory roofline). */
  _sweep(request: { data: PlaneData; threads: number }): number;
  /** Internal, for allocate: a zero-filled external ArrayBuffer of `bytes` (>= 1) over library memory. */
  _allocate(bytes: number): ArrayBuffer;
  /** Internal, for the hostile tests: every worker of the pool blocked until the returned function is called. */
  _holdPool(): () => void;
}

// An entry point whose `fields` property lists its request's fields takes them as arguments, in
// that order (binding/operation.h says why); the functions here keep taking the request object.
type PackedEntry = ((...values: unknown[]) => unknown) & { fields?: readonly string[] };

function packing(entry: PackedEntry): PackedEntry {
  const names = entry.fields;
  if (names === undefined) return entry;
  return (request: unknown) => {
    const fields = request as Record<string, unknown>;
    const values = new Array<unknown>(names.length);
    for (let i = 0; i < names.length; ++i) values[i] = fields[names[i]];
    return Reflect.apply(entry, undefined, values);
  };
}

function withPacking(loaded: Record<string, unknown>): NativeAddon {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(loaded)) out[name] = typeof value === 'function' ? packing(value as PackedEntry) : value;
  return out as unknown as NativeAddon;
}

export const addon: NativeAddon = withPacking(loadAddon() as Record<string, unknown>);
