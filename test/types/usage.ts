// Compiled by test/types.test.mjs with `tsc --noEmit`: the public types accept what the docs show and
// reject what they forbid (each @ts-expect-error must be an error, or tsc fails).
import { argmax, concurrency, conv2d, decode, decodeSync, relu, simd, sum } from 'coordconv';
import type { DecodeResult, SimdInfo } from 'coordconv';

const f32 = new Float32Array(4);
const u8 = new Uint8Array(4);

const r: DecodeResult = decodeSync({ data: f32, shape: [2, 2] }, { method: 'exact' });
const coords: Float32Array = r.coords;
const valid: Uint8Array = r.valid;
const lead: number[] = r.shape;
decodeSync({ data: u8, dims: [1, 1, 2, 2] });
const later: Promise<DecodeResult> = decode({ data: u8, shape: [2, 2] });

// @ts-expect-error Float64Array is not a supported dtype
decodeSync({ data: new Float64Array(4), shape: [2, 2] });
// @ts-expect-error an unknown method
decodeSync({ data: f32, shape: [2, 2] }, { method: 'magic' });
// @ts-expect-error shape is required
decodeSync({ data: f32 });

const info: SimdInfo = simd();
const n: number = concurrency();
concurrency(2);
conv2d({ data: f32, shape: [1, 1, 2, 2] }, { data: new Float32Array(1), shape: [1, 1, 1, 1] }, { padding: 'valid' });
// @ts-expect-error conv2d takes Float32 only
conv2d({ data: u8, shape: [1, 1, 2, 2] }, { data: new Float32Array(1), shape: [1, 1, 1, 1] });
// @ts-expect-error padding is 'same' or 'valid'
conv2d({ data: f32, shape: [1, 1, 2, 2] }, { data: new Float32Array(1), shape: [1, 1, 1, 1] }, { padding: 1 });
relu({ data: f32, shape: [4] });
const sums: Float64Array = sum({ data: u8, shape: [2, 2] }).data;
const indices: Float64Array = argmax({ data: f32, shape: [2, 2] }).indices;

export { coords, valid, lead, later, info, n, sums, indices };
