// Arrays over a SharedArrayBuffer: every entry point reads and writes them (they once failed with a
// bare "Invalid argument"), and async calls use them in place, with no staging copy. Results are
// checked against the plain JavaScript references, at misaligned offsets and around vector widths.
// (Aliasing between shared arrays is refused as for any other: hostile-sizes.test.mjs.)
import test from 'ava';
import { conv2d, decode, decodeSync, DECODE_METHODS, encode, peaks, peaksSync } from 'coordconv';
import { closeToRef, sameAsRef } from './helpers/compare.mjs';
import { decodeBatchRef, gaussianPlane, peaksRef } from './helpers/decode-ref.mjs';
import { encodePlaneRef } from './helpers/encode-ref.mjs';
import { convRef, padsOf } from './helpers/conv-ref.mjs';
import { rng } from './helpers/inputs.mjs';

// A copy of `values` in a view over a SharedArrayBuffer, `offset` elements in (misaligned for
// offset 1), with room after it; `growable` makes the buffer growable.
function shared(Type, values, { offset = 1, growable = false } = {}) {
  const bytes = (values.length + offset + 16) * Type.BYTES_PER_ELEMENT;
  const buffer = growable ? new SharedArrayBuffer(bytes, { maxByteLength: 4 * bytes }) : new SharedArrayBuffer(bytes);
  const view = new Type(buffer, offset * Type.BYTES_PER_ELEMENT, values.length);
  view.set(values);
  return view;
}

// Heatmaps with one Gaussian peak per plane, a few planes invalid (flat zero or holding a NaN).
function heatmaps(planes, h, w, seed) {
  const random = rng(seed);
  const data = new Float32Array(planes * h * w);
  for (let p = 0; p < planes; p++) {
    if (p % 5 === 3) continue;
    data.set(gaussianPlane(h, w, random() * (w - 1), random() * (h - 1), 1.5), p * h * w);
    if (p % 7 === 6) data[p * h * w + Math.floor(random() * h * w)] = NaN;
  }
  return data;
}

const TOLERANCE = { centroid: 1e-5, dark: 1e-4, softargmax: 1e-4, udp: 1e-4 };
function checkDecode(t, method, got, data, h, w, label) {
  const ref = decodeBatchRef(method, data, h, w);
  if (TOLERANCE[method] === undefined) sameAsRef(t, got, ref, label);
  else closeToRef(t, got, ref, TOLERANCE[method], label);
}

test('decode and decodeSync read Float32 heatmaps from a SharedArrayBuffer by every method', async (t) => {
  for (const [h, w] of [[1, 1], [3, 17], [9, 33], [16, 65]]) {
    const data = heatmaps(11, h, w, h * 100 + w);
    const input = { data: shared(Float32Array, data), shape: [11, h, w] };
    for (const method of DECODE_METHODS) {
      checkDecode(t, method, decodeSync(input, { method }), data, h, w, `sync ${method} ${h}x${w}`);
      checkDecode(t, method, await decode(input, { method }), data, h, w, `async ${method} ${h}x${w}`);
    }
    t.deepEqual(Array.from(input.data), Array.from(data), 'the input is unchanged');
  }
});

test('decode reads Uint8 one-hot planes from a SharedArrayBuffer at an odd offset', async (t) => {
  const random = rng(3);
  const [planes, h, w] = [9, 7, 63];
  const data = new Uint8Array(planes * h * w);
  for (let p = 0; p < planes; p++) data[p * h * w + Math.floor(random() * h * w)] = 255;
  const input = { data: shared(Uint8Array, data, { offset: 3 }), shape: [planes, h, w] };
  sameAsRef(t, await decode(input, { method: 'exact' }), decodeBatchRef('exact', data, h, w));
  sameAsRef(t, decodeSync(input), decodeBatchRef('argmax', data, h, w));
});

test('async decode writes shared out arrays in place and returns them', async (t) => {
  const [planes, h, w] = [6, 8, 9];
  const data = heatmaps(planes, h, w, 9);
  const out = {
    coords: shared(Float32Array, new Float32Array(2 * planes).fill(-1)),
    scores: shared(Float32Array, new Float32Array(planes).fill(-1)),
    valid: shared(Uint8Array, new Uint8Array(planes).fill(9)),
  };
  const result = await decode({ data: shared(Float32Array, data), shape: [planes, h, w] }, { out });
  t.is(result.coords, out.coords);
  t.is(result.scores, out.scores);
  t.is(result.valid, out.valid);
  sameAsRef(t, out, decodeBatchRef('argmax', data, h, w));
});

test('a growable SharedArrayBuffer grown while the decode is queued gives the answer of the data as it was', async (t) => {
  const [planes, h, w] = [40, 32, 48];
  const data = heatmaps(planes, h, w, 12);
  const view = shared(Float32Array, data, { growable: true });
  const pending = decode({ data: view, shape: [planes, h, w] }, { method: 'dark' });
  view.buffer.grow(view.buffer.maxByteLength);
  closeToRef(t, await pending, decodeBatchRef('dark', data, h, w), TOLERANCE.dark);
});

test('peaks and peaksSync read shared heatmaps', async (t) => {
  const [h, w] = [17, 31];
  const random = rng(21);
  const data = new Float32Array(h * w);
  for (let i = 0; i < 6; i++) {
    const blob = gaussianPlane(h, w, random() * (w - 1), random() * (h - 1), 1);
    for (let j = 0; j < data.length; j++) data[j] = Math.max(data[j], blob[j]);
  }
  for (let j = 0; j < data.length; j++) data[j] = Math.max(data[j], 0.3 * random());
  const input = { data: shared(Float32Array, data), shape: [h, w] };
  const ref = peaksRef(data, h, w, { k: 8, threshold: 0.2 });
  for (const got of [peaksSync(input, { k: 8, threshold: 0.2 }), await peaks(input, { k: 8, threshold: 0.2 })]) {
    t.deepEqual(Array.from(got.valid), ref.valid);
    t.deepEqual(Array.from(got.coords), ref.coords);
    t.deepEqual(Array.from(got.scores), ref.scores.map(Math.fround));
  }
});

test('encode draws coordinates read from a SharedArrayBuffer', async (t) => {
  const points = [[3, 4], [0, 0], [12.4, 2.6], [-1, 3]];
  const coords = shared(Float32Array, points.flat());
  const got = await encode({ data: coords, shape: [points.length, 2] }, { height: 6, width: 13, kind: 'square', radius: 1 });
  for (let i = 0; i < points.length; i++) {
    const ref = encodePlaneRef([points[i]], 6, 13, { kind: 'square', radius: 1 });
    t.deepEqual(Array.from(got.data.subarray(i * 78, (i + 1) * 78)), Array.from(ref), `point ${points[i]}`);
  }
});

test('conv2d reads a shared input and shared weights', (t) => {
  const random = rng(5);
  const [inShape, wShape] = [[2, 3, 9, 17], [4, 3, 3, 3]];
  const input = Float32Array.from({ length: 2 * 3 * 9 * 17 }, () => random() * 2 - 1);
  const weight = Float32Array.from({ length: 4 * 3 * 3 * 3 }, () => random() * 2 - 1);
  const got = conv2d({ data: shared(Float32Array, input), shape: inShape }, { data: shared(Float32Array, weight), shape: wShape }, { padding: 'same' });
  const ref = convRef(input, inShape, weight, wShape, { pads: padsOf('same', wShape.slice(2)) });
  t.deepEqual(got.shape, ref.shape);
  t.deepEqual(Array.from(got.data), Array.from(ref.data));
});
