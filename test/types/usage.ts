// Compiled by test/types.test.mjs with `tsc --noEmit`: the public types accept what the docs show and
// reject what they forbid (each @ts-expect-error must be an error, or tsc fails).
import { notSoClevr, addCoords, argmax, concurrency, conv2d, coordConv2d, coordConv2dSync, decode, decodeSync, encode, encodeSync, relu, simd, sum } from 'coordconv';
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
conv2d({ data: f32, shape: [1, 1, 2, 2] }, { data: new Float32Array(1), shape: [1, 1, 1, 1] }, { padding: 1, stride: [1, 2], dilation: 1, activation: 'relu' });
// @ts-expect-error padding is 'same', 'valid', a number or [rows, columns]
conv2d({ data: f32, shape: [1, 1, 2, 2] }, { data: new Float32Array(1), shape: [1, 1, 1, 1] }, { padding: 'full' });
relu({ data: f32, shape: [4] });
const sums: Float64Array = sum({ data: u8, shape: [2, 2] }).data;
const indices: Float64Array = argmax({ data: f32, shape: [2, 2] }).indices;

// Encoder and CoordConv: the result type follows dtype.
const heat: Float32Array = encodeSync({ data: f32, shape: [2, 2] }, { height: 4, width: 4, kind: 'gaussian', sigma: 1 }).data;
const bytes: Uint8Array = encodeSync({ data: f32, shape: [2, 2] }, { height: 4, width: 4, dtype: 'uint8' }).data;
const laterHeat: Promise<{ data: Float32Array; shape: number[] }> = encode({ data: f32, shape: [2, 2] }, { height: 4, width: 4 });
// @ts-expect-error height is required
encodeSync({ data: f32, shape: [2, 2] }, { width: 4 });
// @ts-expect-error kind is 'onehot', 'square' or 'gaussian'
encodeSync({ data: f32, shape: [2, 2] }, { height: 4, width: 4, kind: 'disc' });
// @ts-expect-error sigma belongs to 'gaussian', not to the default 'onehot'
encodeSync({ data: f32, shape: [2, 2] }, { height: 4, width: 4, sigma: 2 });
// @ts-expect-error radius belongs to 'square'
encodeSync({ data: f32, shape: [2, 2] }, { height: 4, width: 4, kind: 'gaussian', radius: 2 });
const channelsLast: Float32Array = encodeSync({ data: f32, shape: [2, 2] }, { height: 4, width: 4, kind: 'square', radius: 1, layout: 'nhwc' }).data;
const withCoords = addCoords({ data: f32, shape: [1, 1, 2, 2] }, { layout: 'nchw', withR: true });
const layer = coordConv2dSync(withCoords, { weight: { data: f32, shape: [1, 6, 1, 1] }, padding: 'same', activation: 'relu' });
const laterLayer: Promise<{ data: Float32Array; shape: number[] }> = coordConv2d(withCoords, { weight: { data: f32, shape: [1, 6, 1, 1] } });
// @ts-expect-error weight is required
coordConv2dSync(withCoords, { padding: 1 });

export { coords, valid, lead, later, info, n, sums, indices, heat, bytes, laterHeat, layer, laterLayer };

// notSoClevr is typed by its options: the requested image fields are present, the others absent.
const clevr = notSoClevr({ split: 'quadrant', dtype: 'float32' });
const onehotShape: number[] = clevr.train.onehots.shape;
const clevrImage: Float32Array = clevr.val.image.data;
const onlyOnehots = notSoClevr({ fields: ['onehots'], dtype: 'uint8' });
const onehotBytes: Uint8Array = onlyOnehots.train.onehots.data;
const locations: Int32Array = onlyOnehots.train.locations.data;
// @ts-expect-error image was not requested
void onlyOnehots.train.image.data;
const doubles: Float64Array = notSoClevr({ dtype: 'float64', fields: ['image', 'imagegray'] }).train.imagegray.data;
void [onehotShape, clevrImage, onehotBytes, locations, doubles];
