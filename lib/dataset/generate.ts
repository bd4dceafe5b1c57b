// Large synthetic data sets, streamed in batches: targets at random centres, drawn by encode().
// Every random number is a pure function of (seed, sample index, draw number), so a batch or a shard
// is exactly the matching slice of the whole run, whatever the batch size or shard count.
import { encode, encodeSync } from '../encode';
import { isObject, rangeError, typeError } from '../errors';
import { MAX_SIDE, readDrawnValue, readEnum, readFraction, readInteger, readOptions, readPositive } from '../validate';

export type GenerateKind = 'onehot' | 'square' | 'circle' | 'gaussian';
export const GENERATE_KINDS: readonly GenerateKind[] = ['onehot', 'square', 'circle', 'gaussian'];
export type GenerateSplit = 'uniform' | 'quadrant';
export const GENERATE_SPLITS: readonly GenerateSplit[] = ['uniform', 'quadrant'];
export type GenerateDtype = 'float32' | 'uint8';

export interface GenerateOptions {
  /** Required: samples in the whole run (all shards together), 1 to 2^53 - 1. @example { count: 1_000_000 } */
  count: number;
  /** Canvas height (rows). Default 64. @example { height: 128 } */
  height?: number;
  /** Canvas width (columns). Default 64. @example { width: 128 } */
  width?: number;
  /**
   * What each object draws: `'onehot'` (one pixel), `'square'` (filled, half-side `radius`),
   * `'circle'` (filled disc: pixels within `radius` of the centre), `'gaussian'` (peak `value`,
   * standard deviation `sigma`). Default `'onehot'`. @example { kind: 'gaussian', sigma: 2 }
   */
  kind?: GenerateKind;
  /** 'gaussian': standard deviation in pixels, finite and > 0. Default 2. @example { sigma: 1.5 } */
  sigma?: number;
  /** 'square' / 'circle': half-side / radius, a non-negative integer. Default 4 (9 pixels across). @example { radius: 2 } */
  radius?: number;
  /** Objects per image, each in its own plane. Default 1. @example { objects: 3 } */
  objects?: number;
  /**
   * Centres keep this many pixels from every border: x in [margin, width - 1 - margin].
   * Default `radius` for 'square' and 'circle' (the whole shape inside, as the paper's data), else 0.
   * @example { margin: 0 }
   */
  margin?: number;
  /** An integer in [0, 2^32 - 1]. Default 0. @example { seed: 7 } */
  seed?: number;
  /**
   * `'uniform'`: a sample is val with probability `valFraction`. `'quadrant'`: val when any object
   * has x / width > 0.5 and y / height > 0.5 (the paper's quadrant hold-out). Default `'uniform'`.
   * @example { split: 'quadrant' }
   */
  split?: GenerateSplit;
  /** 'uniform' split: the val probability in [0, 1]. Default 0.25. @example { valFraction: 0.1 } */
  valFraction?: number;
  /** Image element type. Default `'float32'`. @example { dtype: 'uint8' } */
  dtype?: GenerateDtype;
  /** The drawn value. Default 1 for float32, 255 for uint8 (as encode). @example { value: 1 } */
  value?: number;
  /** Samples per batch (the last one may be smaller). Default 1024. @example { batchSize: 256 } */
  batchSize?: number;
  /**
   * Make only shard `index` (0-based) of `count` equal shards: samples
   * floor(index * total / count) up to floor((index + 1) * total / count), identical to that slice
   * of the unsharded run. Default: the whole run. @example { shard: { index: 3, count: 16 } }
   */
  shard?: { index: number; count: number };
}

/** One batch of samples, in run order. */
export interface GeneratedBatch<D extends Float32Array | Uint8Array = Float32Array | Uint8Array> {
  /** Index of the first sample in the whole (unsharded) run. */
  start: number;
  /** Samples in this batch. */
  count: number;
  /** `[count, objects, height, width]`. */
  images: { data: D; shape: number[] };
  /** `[count, objects, 2]`: x (column), y (row) of each object's centre, integers. */
  locations: { data: Float32Array; shape: number[] };
  /** `[count]`: 1 for val, 0 for train. */
  val: Uint8Array;
}

/** The validated, fully defaulted plan of a run (what the CLI and writers need up front). */
export interface GeneratePlan {
  count: number;
  height: number;
  width: number;
  kind: GenerateKind;
  sigma: number;
  radius: number;
  objects: number;
  margin: number;
  seed: number;
  split: GenerateSplit;
  valFraction: number;
  dtype: GenerateDtype;
  value: number;
  batchSize: number;
  /** First sample (inclusive) and end (exclusive) of this shard in the whole run. */
  begin: number;
  end: number;
}

const KEYS = ['count', 'height', 'width', 'kind', 'sigma', 'radius', 'objects', 'margin', 'seed', 'split', 'valFraction', 'dtype', 'value', 'batchSize', 'shard'];

/** Validates options and returns the run's plan. Throws TypeError / RangeError like every entry point. */
export function planGenerate(options: GenerateOptions): GeneratePlan {
  if (options === undefined) throw typeError('an options object with count', 'options', options);
  const opts = readOptions(options, 'options', KEYS);
  const count = readInteger(opts.count, 'options.count', undefined, 1, Number.MAX_SAFE_INTEGER);
  const height = readInteger(opts.height, 'options.height', 64, 1, MAX_SIDE);
  const width = readInteger(opts.width, 'options.width', 64, 1, MAX_SIDE);
  const kind = readEnum(opts.kind, 'options.kind', GENERATE_KINDS, 'onehot');
  const sigma = readPositive(opts.sigma, 'options.sigma', 2);
  const radius = readInteger(opts.radius, 'options.radius', 4, 0, MAX_SIDE);
  const objects = readInteger(opts.objects, 'options.objects', 1, 1, 1 << 16);
  const maxMargin = Math.floor((Math.min(height, width) - 1) / 2);
  const margin = readInteger(opts.margin, 'options.margin', kind === 'square' || kind === 'circle' ? Math.min(radius, maxMargin) : 0, 0, maxMargin);
  const seed = readInteger(opts.seed, 'options.seed', 0, 0, 0xffffffff);
  const split = readEnum(opts.split, 'options.split', GENERATE_SPLITS, 'uniform');
  const valFraction = readFraction(opts.valFraction, 'options.valFraction', 0.25, 'a number in [0, 1]');
  const dtype = readEnum(opts.dtype, 'options.dtype', ['float32', 'uint8'] as const, 'float32');
  const value = readDrawnValue(opts.value, 'options.value', dtype, kind === 'gaussian');
  const batchSize = readInteger(opts.batchSize, 'options.batchSize', 1024, 1, 1 << 24);
  const planeBytes = height * width * objects * (dtype === 'uint8' ? 1 : 4);
  if (planeBytes * batchSize > 2 ** 31) {
    throw rangeError('a batch of at most 2 GiB of images', 'options.batchSize', `${batchSize} (${planeBytes} bytes per sample)`);
  }
  let begin = 0;
  let end = count;
  if (opts.shard !== undefined) {
    if (!isObject(opts.shard)) throw typeError('an object { index, count }', 'options.shard', opts.shard);
    readOptions(opts.shard, 'options.shard', ['index', 'count']);
    const shards = readInteger(opts.shard.count, 'options.shard.count', undefined, 1, count);
    const index = readInteger(opts.shard.index, 'options.shard.index', undefined, 0, shards - 1);
    begin = shardBound(index, shards, count);
    end = shardBound(index + 1, shards, count);
  }
  return { count, height, width, kind, sigma, radius, objects, margin, seed, split, valFraction, dtype, value, batchSize, begin, end };
}

// floor(k * total / shards) without overflowing 2^53.
function shardBound(k: number, shards: number, total: number): number {
  const q = Math.floor(total / shards);
  const r = total % shards;
  return k * q + Math.floor((k * r) / shards);
}

// ---------------------------------------------------------------------------------------------
// Counter-based random words: word(seed, i, k) for sample i (0 <= i < 2^53) and draw k.

/** lowbias32 (Chris Wellons' integer hash): a bijection on 32-bit words with strong avalanche. */
function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * The k-th random 32-bit word of sample i: mix(mix(mix(mix(seed) ^ lo(i)) ^ hi(i)) ^ k), lo/hi the
 * 32-bit halves of i. Draws: k = 2j, 2j + 1 the x, y of object j; k = 0xfffffffe, 0xffffffff the two
 * words of the uniform split's double.
 */
export function sampleWord(seed: number, i: number, k: number): number {
  const lo = i >>> 0;
  const hi = Math.floor(i / 4294967296) >>> 0;
  return mix(mix(mix(mix(seed >>> 0) ^ lo) ^ hi) ^ (k >>> 0));
}

/** An integer in [0, range) from a word: floor((word >>> 8) * range / 2^24), exact in doubles. */
const below = (word: number, range: number): number => Math.floor(((word >>> 8) * range) / 16777216);

/**
 * Fills the centres and val flags of samples [start, start + n) of a plan. The whole randomness of a
 * run; images follow from the centres.
 */
export function sampleCentres(plan: GeneratePlan, start: number, n: number, locations: Float32Array, val: Uint8Array): void {
  const { seed, objects, margin, width, height, split, valFraction } = plan;
  const rangeX = width - 2 * margin;
  const rangeY = height - 2 * margin;
  for (let s = 0; s < n; s++) {
    const i = start + s;
    let inQuadrant = false;
    for (let j = 0; j < objects; j++) {
      const x = margin + below(sampleWord(seed, i, 2 * j), rangeX);
      const y = margin + below(sampleWord(seed, i, 2 * j + 1), rangeY);
      locations[(s * objects + j) * 2] = x;
      locations[(s * objects + j) * 2 + 1] = y;
      if (x / width > 0.5 && y / height > 0.5) inQuadrant = true;
    }
    if (split === 'quadrant') {
      val[s] = inQuadrant ? 1 : 0;
    } else {
      const a = sampleWord(seed, i, 0xfffffffe) >>> 5;
      const b = sampleWord(seed, i, 0xffffffff) >>> 6;
      val[s] = (a * 67108864 + b) / 9007199254740992 < valFraction ? 1 : 0;
    }
  }
}

// A filled disc, drawn in TypeScript (the encoder has no circle kind): every pixel whose centre
// lies within `radius` of the object's centre, (c - x)^2 + (r - y)^2 <= radius^2.
function drawCircles(plan: GeneratePlan, n: number, locations: Float32Array): Float32Array | Uint8Array {
  const { height, width, objects, radius, value } = plan;
  const plane = height * width;
  const out = plan.dtype === 'uint8' ? new Uint8Array(n * objects * plane) : new Float32Array(n * objects * plane);
  const r2 = radius * radius;
  for (let p = 0; p < n * objects; p++) {
    const cx = locations[2 * p];
    const cy = locations[2 * p + 1];
    const base = p * plane;
    for (let dy = -radius; dy <= radius; dy++) {
      const row = cy + dy;
      if (row < 0 || row >= height) continue;
      const half = Math.floor(Math.sqrt(r2 - dy * dy));
      const c0 = Math.max(0, cx - half);
      const c1 = Math.min(width - 1, cx + half);
      if (c1 >= c0) out.fill(value, base + row * width + c0, base + row * width + c1 + 1);
    }
  }
  return out;
}

function batchOf(plan: GeneratePlan, start: number, n: number): { locations: Float32Array; val: Uint8Array } {
  const locations = new Float32Array(n * plan.objects * 2);
  const val = new Uint8Array(n);
  sampleCentres(plan, start, n, locations, val);
  return { locations, val };
}

function encodeOptions(plan: GeneratePlan) {
  const { height, width, dtype, value, radius, sigma } = plan;
  const kind = plan.kind as 'onehot' | 'square' | 'gaussian';
  if (kind === 'square') return { height, width, dtype, value, kind, radius };
  if (kind === 'gaussian') return { height, width, dtype, value, kind, sigma };
  return { height, width, dtype, value, kind };
}

/**
 * Samples [start, start + n) of a plan, synchronously: what {@link generate} yields, for callers
 * that want one slice without iterating.
 */
export function generateBatchSync(plan: GeneratePlan, start: number, n: number): GeneratedBatch {
  const { locations, val } = batchOf(plan, start, n);
  const shape = [n, plan.objects, plan.height, plan.width];
  const data =
    plan.kind === 'circle'
      ? drawCircles(plan, n, locations)
      : encodeSync({ data: locations, shape: [n, plan.objects, 2] }, encodeOptions(plan)).data;
  return { start, count: n, images: { data, shape }, locations: { data: locations, shape: [n, plan.objects, 2] }, val };
}

/**
 * Streams a synthetic data set in batches (an async iterator), one batch in memory at a time.
 * The same options give the same samples whatever `batchSize`, and `shard` gives exactly its slice
 * of the unsharded run, so k machines can each make one shard.
 * @example
 * for await (const batch of generate({ count: 100_000, kind: 'gaussian', sigma: 2, seed: 7, dtype: 'uint8' })) {
 *   batch.images.shape; // [1024, 1, 64, 64]
 * }
 */
export function generate(options: GenerateOptions & { dtype: 'uint8' }): AsyncGenerator<GeneratedBatch<Uint8Array>, void, void>;
export function generate(options: GenerateOptions & { dtype?: 'float32' }): AsyncGenerator<GeneratedBatch<Float32Array>, void, void>;
export function generate(options: GenerateOptions): AsyncGenerator<GeneratedBatch, void, void>;
export function generate(options: GenerateOptions): AsyncGenerator<GeneratedBatch, void, void> {
  const plan = planGenerate(options);
  return run(plan);
}

async function* run(plan: GeneratePlan): AsyncGenerator<GeneratedBatch, void, void> {
  for (let start = plan.begin; start < plan.end; start += plan.batchSize) {
    const n = Math.min(plan.batchSize, plan.end - start);
    if (plan.kind === 'circle') {
      yield generateBatchSync(plan, start, n);
      continue;
    }
    const { locations, val } = batchOf(plan, start, n);
    const images = await encode({ data: locations, shape: [n, plan.objects, 2] }, encodeOptions(plan));
    yield { start, count: n, images, locations: { data: locations, shape: [n, plan.objects, 2] }, val };
  }
}
