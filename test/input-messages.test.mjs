// Each reader's refusal names what it takes, and only that: maps of pixels or offsets take Float32
// or float16 (never bytes), points take Float32, inputs of images take rank 3 or 4, and a tensor
// that gives both `shape` and `dims` must give the same dimensions in each.
import test from 'ava';
import { decodeBoxesSync, decodeSync, mergeFlippedSync, peaksSync, sampleSync } from 'coordconv';

const heatmaps = { data: new Float32Array(2 * 4 * 5), shape: [1, 2, 4, 5] };
const map = (Type, channels = 2) => ({ data: new Type(channels * 4 * 5), shape: [1, channels, 4, 5] });
const FLOAT = "a Float32Array or float16 bits (a Uint16Array with type: 'float16')";

const cases = [
  ['decodeBoxes sizes as a Float64Array', () => decodeBoxesSync(heatmaps, { sizes: map(Float64Array) }), TypeError,
    `Expected ${FLOAT} (sizes and offsets are heatmap pixels; convert with Float32Array.from(data)) for options.sizes.data but received Float64Array(40)`],
  ['decodeBoxes sizes as bytes', () => decodeBoxesSync(heatmaps, { sizes: map(Uint8Array) }), TypeError,
    `Expected ${FLOAT} (sizes and offsets are heatmap pixels) for options.sizes.data but received Uint8Array(40)`],
  ['decodeBoxes offsets in the { kind, map } form of decode and peaks',
    () => decodeBoxesSync(heatmaps, { sizes: map(Float32Array), offsets: { kind: 'centernet', map: map(Float32Array) } }), TypeError,
    'Expected the map itself, { data, shape } (decodeBoxes takes no { kind, map } wrapper: that is the offsets option of decode and peaks) for options.offsets but received an object'],
  ['decodeBoxes heatmaps of rank 5', () => decodeBoxesSync({ data: new Float32Array(40), shape: [1, 1, 2, 4, 5] }, { sizes: map(Float32Array) }), RangeError,
    'Expected rank 3 or 4 ([C, H, W] or [N, C, H, W]) for heatmaps.shape but received rank 5 [1, 1, 2, 4, 5]'],
  ['decodeBoxes heatmaps of rank 2', () => decodeBoxesSync({ data: new Float32Array(20), shape: [4, 5] }, { sizes: map(Float32Array) }), RangeError,
    'Expected rank 3 or 4 ([C, H, W] or [N, C, H, W]) for heatmaps.shape but received rank 2 [4, 5]'],
  ['decode offsets map as a Float64Array', () => decodeSync(heatmaps, { offsets: { kind: 'centernet', map: map(Float64Array) } }), TypeError,
    `Expected ${FLOAT} (offsets are signed pixels; convert with Float32Array.from(data)) for options.offsets.map.data but received Float64Array(40)`],
  ['peaks offsets map as bytes', () => peaksSync(heatmaps, { offsets: { kind: 'centernet', map: map(Uint8Array) } }), TypeError,
    `Expected ${FLOAT} (offsets are signed pixels) for options.offsets.map.data but received Uint8Array(40)`],
  ['sample points as float16', () => sampleSync(heatmaps, { data: new Uint16Array(2), shape: [1, 1, 2], type: 'float16' }), TypeError,
    'Expected a Float32Array for points.data but received Uint16Array(2)'],
  ['sample points as bytes', () => sampleSync(heatmaps, { data: new Uint8Array(2), shape: [1, 1, 2] }), TypeError,
    'Expected a Float32Array for points.data but received Uint8Array(2)'],
  ['sample maps of rank 5', () => sampleSync({ data: new Float32Array(40), shape: [2, 1, 2, 4, 5] }, { data: new Float32Array(2), shape: [1, 1, 2] }), RangeError,
    'Expected rank 3 or 4 ([C, H, W] or [N, C, H, W]) for maps.shape but received rank 5 [2, 1, 2, 4, 5]'],
  ['mergeFlipped planes of rank 2, given as dims',
    () => mergeFlippedSync({ data: new Float32Array(20), dims: [4, 5] }, { data: new Float32Array(20), dims: [4, 5] }, { flipIndices: [0] }), RangeError,
    'Expected rank 3 or 4 ([K, H, W] or [N, K, H, W]) for heatmaps.dims but received rank 2 [4, 5]'],
  ['shape and dims that disagree', () => decodeSync({ data: new Float32Array(40), shape: [1, 2, 4, 5], dims: [1, 2, 5, 4] }), RangeError,
    'Expected the same dimensions as input.shape, [1, 2, 4, 5] (or only one of the two) for input.dims but received [1, 2, 5, 4]'],
  ['decodeBoxes heatmaps whose shape and dims disagree',
    () => decodeBoxesSync({ data: new Float32Array(40), shape: [1, 2, 4, 5], dims: [1, 2, 5, 4] }, { sizes: map(Float32Array) }), RangeError,
    'Expected the same dimensions as heatmaps.shape, [1, 2, 4, 5] (or only one of the two) for heatmaps.dims but received [1, 2, 5, 4]'],
];

for (const [title, call, Type, message] of cases) {
  test(title, (t) => {
    t.throws(call, { instanceOf: Type, message });
  });
}

test('a tensor may give both shape and dims when they agree', (t) => {
  const data = new Float32Array(20);
  data[7] = 1;
  const { coords } = decodeSync({ data, shape: [4, 5], dims: [4, 5] });
  t.deepEqual([...coords], [2, 1]);
});
