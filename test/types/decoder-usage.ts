// The decoder methods, out arrays and peaks: documented usage compiles, misuse does not.
import { decode, decodeSync, peaks, peaksSync, DECODE_METHODS } from 'coordconv';
import type { DecodeMethod, DecodeOptions, DecodeResult, PeaksResult, PlaneLayout } from 'coordconv';

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
const out = { coords: new Float32Array(2), scores: new Float32Array(1), valid: new Uint8Array(1) };
const options: DecodeOptions = { method: 'argmax', out };
const same: Float32Array = decodeSync(input, options).coords;

const p: PeaksResult = peaksSync({ data: u8, shape: [3, 4] }, { k: 5, threshold: 0.3, window: 3 });
const counts: Uint32Array = p.counts;
const pending: Promise<PeaksResult> = peaks(input);

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

export { later, same, counts, pending };

// layout: 'nhwc' on decode and peaks; PlaneLayout names the union.
const layout: PlaneLayout = 'nhwc';
decodeSync({ data: f32, shape: [2, 3, 2] }, { method: 'dark', layout });
peaksSync({ data: u8, shape: [1, 2, 3, 2] }, { k: 2, layout: 'nhwc' });
// @ts-expect-error: only 'nchw' and 'nhwc'
decodeSync(input, { layout: 'hwc' });
