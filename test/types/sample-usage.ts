// sample and the offsets option: documented usage compiles, misuse does not.
import { decodeSync, peaksSync, sample, sampleSync, SAMPLE_MODES } from 'coordconv';
import type { CenternetOffsets, OffsetsOption, PosenetOffsets, SampleMode, SampleOptions, SampleResult } from 'coordconv';

const maps = { data: new Float32Array(2 * 34 * 9 * 9), shape: [2, 34, 9, 9] };
const points = { data: new Float32Array(2 * 17 * 2), shape: [2, 17, 2] };
const r: SampleResult = sampleSync(maps, points, { mode: 'nearest' });
const values: Float32Array = r.data;
const shape: number[] = r.shape;
sampleSync({ data: new Uint8Array(81), shape: [9, 9, 1] }, { data: new Float32Array(4), shape: [2, 2] }, { layout: 'nhwc' });
sampleSync({ data: new Uint16Array(81), shape: [1, 9, 9], type: 'float16' }, { data: new Float32Array(4), dims: [2, 2] });
const later: Promise<SampleResult> = sample(maps, points, { transfer: true, out: { data: new Float32Array(2 * 17 * 34) } });
void later.then((done) => done.input?.maps.length);
for (const mode of SAMPLE_MODES) sampleSync(maps, points, { mode });
const m: SampleMode = 'bilinear';
const options: SampleOptions = { mode: m };

const heat = { data: new Float32Array(17 * 9 * 9), shape: [1, 17, 9, 9] };
const pose: PosenetOffsets = { kind: 'posenet', map: { data: new Float32Array(34 * 81), shape: [1, 34, 9, 9] }, outputStride: 16 };
const reg: CenternetOffsets = { kind: 'centernet', map: { data: new Uint16Array(2 * 81), shape: [1, 2, 9, 9], type: 'float16' } };
const either: OffsetsOption = pose;
decodeSync(heat, { offsets: either });
decodeSync(heat, { method: 'argmax', offsets: reg });
peaksSync(heat, { over: 'image', offsets: reg });

// @ts-expect-error an unknown mode
sampleSync(maps, points, { mode: 'bicubic' });
// @ts-expect-error points are Float32
sampleSync(maps, { data: new Uint8Array(4), shape: [1, 2, 2] });
// @ts-expect-error offsets belong to 'argmax'
decodeSync(heat, { method: 'dark', offsets: reg });
// @ts-expect-error PoseNet's offsets need outputStride
decodeSync(heat, { offsets: { kind: 'posenet', map: reg.map } });
// @ts-expect-error an unknown kind
peaksSync(heat, { offsets: { kind: 'hrnet', map: reg.map } });

export { values, shape, options };
