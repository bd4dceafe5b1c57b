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
// Dataset generation (issue 5): NumPy-legacy random numbers, Not-so-CLEVR, streamed datasets, files.
export { LegacyRandom } from './random/mt19937';
export type { LegacySeed } from './random/mt19937';
export {
  notSoClevr,
  notSoClevrIndex,
  notSoClevrLocation,
  NOT_SO_CLEVR_COUNT,
  NOT_SO_CLEVR_FIELDS,
  NOT_SO_CLEVR_SPLITS,
} from './dataset/not-so-clevr';
export type {
  NotSoClevr,
  NotSoClevrDtype,
  NotSoClevrField,
  NotSoClevrOptions,
  NotSoClevrPart,
  NotSoClevrSplit,
} from './dataset/not-so-clevr';
export { parseNpy, encodeNpy, readNpy, readNpySync, writeNpy, npyHeader, NpyWriter, NPY_DTYPES } from './io/npy';
export type { NpyArray, NpyData, NpyDtype, NpyInput } from './io/npy';
export { parseNpz, readNpz, writeNpz, NpzWriter } from './io/npz';
export type { NpzEntryWriter, NpzWriterOptions } from './io/npz';
