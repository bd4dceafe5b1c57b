/**
 * coordconv: CoordConv for Node.js. Decode heatmaps and one-hot images to coordinates, in native
 * SIMD code, synchronously or off the event loop.
 */
export { decode, decodeSync, DECODE_METHODS } from './decode';
export type { DecodeMethod, DecodeOptions, DecodeResult } from './decode';
export type {
  DecodeOutput,
  ArgmaxDecodeOptions,
  QuarterDecodeOptions,
  ExactDecodeOptions,
  DarkDecodeOptions,
  CentroidDecodeOptions,
  SoftargmaxDecodeOptions,
} from './decode';
export { peaks, peaksSync } from './peaks';
export type { PeaksOptions, PeaksResult } from './peaks';
export { conv2d, relu, sum, argmax } from './ops';
export type { Conv2dOptions, Float32Tensor, PlaneArgmax, PlaneSums } from './ops';
export { simd, concurrency, maxConcurrency } from './simd';
export type { SimdInfo } from './simd';
export { MAX_SIDE } from './tensor';
export type { PlaneInput, PlaneTensor, DimsTensor } from './tensor';
