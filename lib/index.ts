/**
 * coordconv: CoordConv for Node.js. Decode heatmaps and one-hot images to coordinates, in native
 * SIMD code, synchronously or off the event loop.
 */
export { decode, decodeSync, DECODE_METHODS, QUARTER_RULES } from './decode';
export type { DecodeMethod, DecodeOptions, DecodeResult, QuarterRule } from './decode';
export type {
  DecodeOutput,
  ArgmaxDecodeOptions,
  QuarterDecodeOptions,
  ExactDecodeOptions,
  DarkDecodeOptions,
  CentroidDecodeOptions,
  SoftargmaxDecodeOptions,
  UdpDecodeOptions,
  MegviiDecodeOptions,
} from './decode';
export { decodeSimcc, decodeSimccSync, simccBlurKernel, SIMCC_METHODS } from './simcc';
export type { ArgmaxSimccOptions, DarkSimccOptions, SimccInput, SimccMethod, SimccOptions, SimccOutput, SimccResult } from './simcc';
export { mergeFlipped, mergeFlippedSync, FLIP_INDICES } from './flip';
export type { FlipIndexArray, FlipOptions, FlipPreset, HeatmapsInput, MergedHeatmaps, MergedSimcc, SimccFlipOptions } from './flip';
export { peaks, peaksSync } from './peaks';
export type { ImagePeaksResult, PeaksOptions, PeaksOver, PeaksResult } from './peaks';
export type { CenternetOffsets, OffsetsOption, PosenetOffsets } from './offsets';
export { sample, sampleSync, SAMPLE_MODES } from './sample';
export type { SampleMaps, SampleMode, SampleOptions, SampleOutput, SamplePoints, SampleResult } from './sample';
export { decodeBoxes, decodeBoxesSync } from './boxes';
export type { BoxMapInput, BoxesOptions, BoxesResult } from './boxes';
// Back to the image: per-sample affine transforms and mmpose's top-down matrices.
export type { AffineTransforms, TransformOption } from './transform';
export { topdownTransforms } from './topdown';
export type { TopdownBoxes, TopdownOptions, TopdownTransforms } from './topdown';
export { conv2d, relu, sum, argmax } from './ops';
export type { Conv2dOptions, PlaneArgmax, PlaneSums } from './ops';
export type { Activation, ConvPadding, Pair } from './convolution';
// Encoder, AddCoords and the CoordConv layer.
export { encode, encodeSync, ENCODE_KINDS } from './encode';
export type { CoordsInput, EncodeDType, EncodeKind, EncodeOptions, EncodedPlanes } from './encode';
export { addCoords, coordConv2d, coordConv2dSync } from './conv';
export type { AddCoordsOptions, CoordConv2dOptions } from './conv';
export { simd } from './simd';
export type { SimdInfo } from './simd';
export { concurrency, maxConcurrency } from './concurrency';
export { allocate, ALLOCATE_DTYPES } from './allocate';
export type { AllocateDtype } from './allocate';
export { LAYOUTS, MAX_SIDE } from './validate';
export type { Layout } from './validate';
export type { Float16PlaneInput, Float32Tensor, PlaneInput, PlaneTensor, DimsTensor, TfjsTensor } from './tensor';
// Dataset generation: NumPy-legacy random numbers, Not-so-CLEVR, streamed datasets, files.
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
  NotSoClevrData,
  NotSoClevrImageField,
  NotSoClevrImages,
  NotSoClevrPart,
  NotSoClevrRows,
  NotSoClevrSplit,
} from './dataset/not-so-clevr';
export { parseNpy, encodeNpy, readNpy, readNpySync, writeNpy, npyHeader, NpyWriter, NPY_DTYPES } from './io/npy';
export type { NpyArray, NpyData, NpyDtype, NpyInput } from './io/npy';
export { parseNpz, readNpz, writeNpz, NpzWriter } from './io/npz';
export type { NpzEntryWriter, NpzWriterOptions } from './io/npz';
export { H5Writer, readH5 } from './io/h5';
export type { H5DatasetWriter } from './io/h5';
export { writeNotSoClevr } from './dataset/not-so-clevr-files';
export type { WriteNotSoClevrOptions } from './dataset/not-so-clevr-files';
export type { FileFormat } from './io/array-files';
export { generate, generateBatchSync, planGenerate, sampleWord, GENERATE_KINDS, GENERATE_SPLITS } from './dataset/generate';
export type { GenerateDtype, GenerateKind, GenerateOptions, GeneratePlan, GenerateSplit, GeneratedBatch } from './dataset/generate';
export { writeGenerated } from './dataset/generate-files';
export type { WriteGeneratedOptions } from './dataset/generate-files';
export { previewPng, writePreview } from './preview';
export type { PreviewOptions } from './preview';
