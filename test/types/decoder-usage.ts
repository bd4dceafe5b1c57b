// The decoder methods, out arrays and peaks: documented usage compiles, misuse does not.
import { decode, decodeSync, peaks, peaksSync, sum, DECODE_METHODS } from 'coordconv';
import type { DecodeMethod, DecodeOptions, DecodeResult, ImagePeaksResult, Layout, PeaksResult, QuarterRule, TfjsTensor } from 'coordconv';

const f32 = new Float32Array(12);
const u8 = new Uint8Array(12);
const input = { data: f32, shape: [3, 4] };

for (const method of DECODE_METHODS) decodeSync(input, { method });
const method: DecodeMethod = 'dark';
const later: Promise<DecodeResult> = decode({ data: u8, dims: [1, 3, 4] }, { method });
decodeSync(input, { method: 'dark', kernel: 7, sigma: 1.5 });
decodeSync(input, { method: 'centroid', threshold: 0.25 });
decodeSync(input, { method: 'softargmax', beta: 10 });
decodeSync(input, { method: 'quarter' });
decodeSync(input, { method: 'quarter', quarterRule: 'hrnet' });
decodeSync(input, { method: 'udp', kernel: 17, minScore: -Infinity });
decodeSync(input, { method: 'megvii', kernel: 5 });
const rule: QuarterRule = 'mmpose';
// @ts-expect-error quarterRule is 'mmpose' or 'hrnet'
decodeSync(input, { method: 'quarter', quarterRule: 'each-axis' });
// @ts-expect-error 'udp' takes no sigma: it follows from the kernel
decodeSync(input, { method: 'udp', sigma: 2 });
// @ts-expect-error quarterRule belongs to 'quarter'
decodeSync(input, { method: 'megvii', quarterRule: rule });
const out = { coords: new Float32Array(2), scores: new Float32Array(1), valid: new Uint8Array(1) };
const options: DecodeOptions = { method: 'argmax', out };
const same: Float32Array = decodeSync(input, options).coords;

const p: PeaksResult = peaksSync({ data: u8, shape: [3, 4] }, { k: 5, threshold: 0.3, window: 3 });
const counts: Uint32Array = p.counts;
const pending: Promise<PeaksResult> = peaks(input);

// float16: a Uint16Array of half bits, tagged as an onnxruntime-node Tensor is (type) or by dtype.
const half = new Uint16Array(12);
const fromOrt: Promise<DecodeResult> = decode({ data: half, dims: [1, 3, 4], type: 'float16' }, { method: 'dark' });
decodeSync({ data: half, shape: [3, 4], dtype: 'float16' });
peaksSync({ data: half, shape: [3, 4], type: 'float16' }, { k: 2 });
// @ts-expect-error a Uint16Array needs the float16 tag
decodeSync({ data: half, shape: [3, 4] });
// @ts-expect-error the tag names float16 only
decodeSync({ data: half, shape: [3, 4], type: 'uint16' });
// @ts-expect-error sum does not read float16
sum({ data: half, shape: [3, 4], type: 'float16' });

// Logits, peaks over images, tfjs tensors.
decodeSync(input, { minScore: -Infinity });
decodeSync(input, { method: 'softargmax', minScore: -1, beta: 2 });
const image: ImagePeaksResult = peaksSync(input, { over: 'image', k: 100, threshold: -2.2 });
const classes: Uint32Array = image.channels;
const awaitedImage: Promise<ImagePeaksResult> = peaks(input, { over: 'image' });
const maybe: Uint32Array | undefined = peaksSync(input).channels;
const tensor: TfjsTensor = { shape: [3, 4], dtype: 'float32', dataSync: () => f32 };
decodeSync(tensor);

// @ts-expect-error exact takes no minScore
decodeSync(input, { method: 'exact', minScore: 0 });
// @ts-expect-error over is 'plane' or 'image'
peaksSync(input, { over: 'images' });
// @ts-expect-error sigma belongs to 'dark'
decodeSync(input, { method: 'argmax', sigma: 2 });
// @ts-expect-error threshold belongs to 'centroid'
decodeSync(input, { method: 'dark', threshold: 0.5 });
// @ts-expect-error kernel is a number
decodeSync(input, { method: 'dark', kernel: '11' });
// @ts-expect-error out.valid is a Uint8Array
decodeSync(input, { out: { coords: new Float32Array(2), scores: new Float32Array(1), valid: new Float32Array(1) } });
// @ts-expect-error peaks has no method
peaksSync(input, { method: 'argmax' });

export { later, same, counts, pending, fromOrt, classes, awaitedImage, maybe };

// layout: 'nhwc' on decode and peaks; Layout names the union.
const layout: Layout = 'nhwc';
decodeSync({ data: f32, shape: [2, 3, 2] }, { method: 'dark', layout });
peaksSync({ data: u8, shape: [1, 2, 3, 2] }, { k: 2, layout: 'nhwc' });
peaksSync({ data: u8, shape: [1, 2, 3, 2] }, { k: 2, layout: 'nhwc', over: 'image' }).channels;
// @ts-expect-error: only 'nchw' and 'nhwc'
decodeSync(input, { layout: 'hwc' });
