// float16 planes (onnxruntime-node's { type: 'float16', data: Uint16Array, dims }) for decode and
// peaks. A half is exactly a float32, so every method on float16 planes must give, bit for bit,
// what the Float32 call gives on the same values; the values come from a plain-JS binary16
// decoder (helpers/half.mjs), written apart from the native conversion. test/run.mjs runs this
// file once per SIMD path.
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { argmax, decode, decodeSync, DECODE_METHODS, peaks, peaksSync, sum } from 'coordconv';
import { gaussianPlane } from './helpers/decode-ref.mjs';
import { asHalves, halfToFloat } from './helpers/half.mjs';
import { rng } from './helpers/inputs.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const { addon } = createRequire(import.meta.url)(path.join(here, '..', 'dist', 'addon.js'));

const bytes = (a) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
const sameBits = (a, b) => a.length === b.length && bytes(a).every((v, i) => v === bytes(b)[i]);

function sameResult(t, got, want, label) {
  t.true(sameBits(got.coords, want.coords), `${label}: coords ${got.coords.slice(0, 6)} vs ${want.coords.slice(0, 6)}`);
  t.true(sameBits(got.scores, want.scores), `${label}: scores`);
  t.true(sameBits(got.valid, want.valid), `${label}: valid`);
  t.deepEqual(got.shape, want.shape, `${label}: shape`);
}

// Batches a pose model gives (Gaussian peaks at sub-pixel centres, with noise), flat and noisy
// planes, planes whose values are subnormal halves, and a few negative planes.
function batch(shape, seed) {
  const random = rng(seed);
  const [h, w] = shape.slice(-2);
  const planes = shape.slice(0, -2).reduce((a, b) => a * b, 1);
  const values = new Float64Array(planes * h * w);
  for (let p = 0; p < planes; p++) {
    const kind = p % 5;
    const g = gaussianPlane(h, w, random() * w, random() * h, 1 + random() * 2, 0.2 + random());
    for (let i = 0; i < h * w; i++) {
      const noise = (random() - 0.5) * 0.02;
      values[p * h * w + i] = kind === 0 ? g[i] : kind === 1 ? g[i] + noise : kind === 2 ? random() : kind === 3 ? g[i] * 2 ** -18 : -g[i];
    }
  }
  return asHalves(values);
}

const SHAPES = [[4, 17, 23], [2, 3, 64, 48], [5, 1, 40], [6, 33, 1], [3, 9, 9], [4, 20, 16], [4, 12, 31]];
const OPTIONS = [
  ...DECODE_METHODS.map((method) => ({ method })),
  { method: 'dark', kernel: 3, sigma: 0.8 },
  // Windows of 21 columns: widened as 32 halves on wide planes, as they are on narrow ones.
  { method: 'dark', kernel: 17, sigma: 3 },
  { method: 'udp', kernel: 17 },
  { method: 'centroid', threshold: 0.1 },
  { method: 'softargmax', beta: 20 },
];

test('every method: float16 planes decode bit for bit as the Float32 call on the same values', (t) => {
  SHAPES.forEach((shape, s) => {
    const { bits, floats } = batch(shape, 10 + s);
    for (const options of OPTIONS) {
      const want = decodeSync({ data: floats, shape }, options);
      const label = `${JSON.stringify(options)} ${shape}`;
      sameResult(t, decodeSync({ data: bits, shape, type: 'float16' }, options), want, label);
      sameResult(t, decodeSync({ data: bits, dims: shape, dtype: 'float16' }, options), want, `${label} (dtype)`);
    }
  });
});

test("'exact' on float16: one-hot planes decode as Float32, and any other non-zero half (NaN too) makes the plane invalid", (t) => {
  const [h, w] = [13, 19];
  const half = new Uint16Array(6 * h * w);
  half[0 * h * w + 40] = 0x3c00; // 1
  half[1 * h * w + 7] = 0x0001;  // 2^-24, the smallest subnormal
  half[2 * h * w + 3] = 0x3c00;
  half[2 * h * w + 90] = 0x7e00; // a NaN beside the hot pixel
  half[3 * h * w + 5] = 0xbc00;  // -1: not positive
  half.fill(0x8000, 4 * h * w, 5 * h * w); // -0 everywhere, then one hot pixel
  half[4 * h * w + 100] = 0x4000;
  half[5 * h * w + 11] = 0x7c00; // +Inf alone
  const floats = Float32Array.from(half, halfToFloat);
  const got = decodeSync({ data: half, shape: [6, h, w], type: 'float16' }, { method: 'exact' });
  sameResult(t, got, decodeSync({ data: floats, shape: [6, h, w] }, { method: 'exact' }), 'exact');
  t.deepEqual(Array.from(got.valid), [1, 1, 0, 0, 1, 0]);
  t.deepEqual(Array.from(got.scores), [1, 2 ** -24, 0, 0, 2, 0]);
  t.deepEqual(Array.from(got.coords.slice(0, 4)), [40 % w, Math.floor(40 / w), 7, 0]);
});

test('every one of the 65536 half bit patterns reads as its value (decode softargmax, exact and peaks on 1 x 1 planes)', (t) => {
  const all = Uint16Array.from({ length: 65536 }, (_, i) => i);
  const input = { data: all, shape: [65536, 1, 1], type: 'float16' };
  // softargmax: valid for every finite value (the maximum may be <= 0), scored by it (argmax_f16).
  const soft = decodeSync(input, { method: 'softargmax' });
  // peaks, window 1, threshold 0: every finite value >= 0 is a peak scored by its value (f16_to_f32).
  const found = peaksSync(input, { k: 1, window: 1, threshold: 0 });
  const exact = decodeSync(input, { method: 'exact' });
  const wrong = [];
  for (let i = 0; i < 65536; i++) {
    const v = halfToFloat(i);
    const finite = Number.isFinite(v);
    const ok =
      soft.valid[i] === (finite ? 1 : 0) && (finite ? Object.is(soft.scores[i], v) && soft.coords[2 * i] === 0 : soft.scores[i] === 0) &&
      found.counts[i] === (finite && v >= 0 ? 1 : 0) && (found.counts[i] === 0 || Object.is(found.scores[i], v)) &&
      exact.valid[i] === (finite && v > 0 ? 1 : 0) && (exact.valid[i] === 0 || exact.scores[i] === v);
    if (!ok) wrong.push(i.toString(16));
  }
  t.deepEqual(wrong.slice(0, 10), []);
});

test('a [256, 256] plane of every half pattern but the NaNs and infinities: argmax at the largest half, 65504', (t) => {
  const all = Uint16Array.from({ length: 65536 }, (_, i) => (((i >> 10) & 31) === 31 ? 0 : i));
  const r = decodeSync({ data: all, shape: [256, 256], type: 'float16' });
  t.deepEqual([...r.coords, r.scores[0], r.valid[0]], [0x7bff % 256, 0x7bff >> 8, 65504, 1]);
});

test('NaN (quiet, signalling, negative) or +-Inf anywhere makes a float16 plane invalid for every method and peakless', (t) => {
  const [h, w] = [9, 21];
  const specials = [0x7e00, 0x7c01, 0xfe00, 0xffff, 0x7c00, 0xfc00];
  const { bits } = asHalves(gaussianPlane(h, w, 10.3, 4.6));
  const data = new Uint16Array(specials.length * h * w);
  specials.forEach((s, p) => {
    data.set(bits, p * h * w);
    data[p * h * w + ((p * 37) % (h * w))] = s;
  });
  for (const method of DECODE_METHODS) {
    const r = decodeSync({ data, shape: [specials.length, h, w], type: 'float16' }, { method });
    t.deepEqual(Array.from(r.valid), specials.map(() => 0), method);
    t.true(Array.from(r.coords).every(Number.isNaN), method);
  }
  t.deepEqual(Array.from(peaksSync({ data, shape: [specials.length, h, w], type: 'float16' }, { threshold: 0 }).counts), specials.map(() => 0));
});

test('subnormal halves are not flushed: a plane peaking at 2^-24 decodes there, also through the blur of dark', (t) => {
  const [h, w] = [12, 15];
  const data = new Uint16Array(h * w);
  data[5 * w + 7] = 0x0001;
  for (const method of ['argmax', 'quarter', 'dark', 'centroid']) {
    const r = decodeSync({ data, shape: [h, w], type: 'float16' }, { method });
    t.deepEqual([...r.coords, r.scores[0], r.valid[0]], [7, 5, 2 ** -24, 1], method);
  }
  // A subnormal blob: the Float32 call on the same values agrees bit for bit.
  const { bits, floats } = asHalves(gaussianPlane(h, w, 6.4, 5.2, 2, 2 ** -15));
  for (const method of DECODE_METHODS) {
    sameResult(t, decodeSync({ data: bits, shape: [h, w], type: 'float16' }, { method }), decodeSync({ data: floats, shape: [h, w] }, { method }), method);
  }
  const p = peaksSync({ data, shape: [h, w], type: 'float16' }, { threshold: 1e-9, k: 2 });
  t.deepEqual([p.counts[0], ...p.coords.slice(0, 2), p.scores[0]], [1, 7, 5, 2 ** -24]);
});

test('-0 and +0 are equal: the first zero of either sign is the argmax, its sign kept in the score', (t) => {
  const minus = new Uint16Array(16).fill(0x8000);
  minus[9] = 0x0000;
  const plus = minus.slice();
  plus[0] = 0x0000;
  const r = decodeSync({ data: Uint16Array.of(...minus, ...plus), shape: [2, 4, 4], type: 'float16' }, { method: 'softargmax' });
  t.true(Object.is(r.scores[0], -0));
  t.true(Object.is(r.scores[1], 0));
  t.deepEqual(Array.from(decodeSync({ data: minus, shape: [4, 4], type: 'float16' }).valid), [0], 'a maximum of 0 is no peak');
});

test('ties go to the first row-major index, across the SIMD block boundaries too', (t) => {
  for (const n of [7, 8, 9, 31, 32, 33, 63, 64, 65, 129, 300]) {
    const data = new Uint16Array(n).fill(0x3800); // 0.5
    const first = Math.floor(n / 3);
    for (const i of [first, n - 1, Math.floor((2 * n) / 3)]) data[i] = 0x3c01; // 1.0009765625
    const r = decodeSync({ data, shape: [1, n], type: 'float16' });
    t.deepEqual([r.coords[0], r.scores[0]], [first, 1 + 2 ** -10], `n = ${n}`);
  }
});

test('peaks on float16 planes equal the Float32 call on the same values bit for bit', (t) => {
  SHAPES.forEach((shape, s) => {
    const { bits, floats } = batch(shape, 40 + s);
    for (const options of [{}, { k: 3, threshold: 0 }, { k: 50, window: 5, threshold: 0.3 }, { k: 2, window: 1, threshold: 1 }]) {
      const want = peaksSync({ data: floats, shape }, options);
      const got = peaksSync({ data: bits, shape, type: 'float16' }, options);
      for (const key of ['coords', 'scores', 'valid', 'counts']) t.true(sameBits(got[key], want[key]), `${JSON.stringify(options)} ${shape} ${key}`);
    }
  });
});

test('async decode and peaks read float16 planes too', async (t) => {
  const shape = [2, 3, 64, 48];
  const { bits, floats } = batch(shape, 77);
  sameResult(t, await decode({ data: bits, shape, type: 'float16' }, { method: 'dark' }), decodeSync({ data: floats, shape }, { method: 'dark' }), 'dark');
  const got = await peaks({ data: bits, shape, type: 'float16' }, { k: 4 });
  t.true(sameBits(got.scores, peaksSync({ data: floats, shape }, { k: 4 }).scores));
});

// onnxruntime-node's Tensor keeps type, data and dims as own properties (and size, location).
class OrtTensor {
  constructor(type, data, dims) {
    this.type = type;
    this.data = data;
    this.dims = dims;
    this.size = data.length;
    this.location = 'cpu';
  }
}

test('onnxruntime-node tensors: a float16 output decodes as its float32 twin, and float32 tensors still do', async (t) => {
  const dims = [1, 17, 64, 48];
  const { bits, floats } = batch(dims, 5);
  const half = new OrtTensor('float16', bits, dims);
  const full = new OrtTensor('float32', floats, dims);
  for (const method of ['argmax', 'dark']) {
    sameResult(t, decodeSync(half, { method }), decodeSync(full, { method }), method);
    sameResult(t, await decode(half, { method }), decodeSync({ data: floats, shape: dims }, { method }), `${method} async`);
  }
  t.true(sameBits(peaksSync(half).coords, peaksSync(full).coords));
});

test('transfer: true and out arrays work with float16 input; result.input holds the same bits', async (t) => {
  const shape = [9, 17, 23];
  const { bits, floats } = batch(shape, 3);
  const copy = bits.slice();
  const out = { coords: new Float32Array(18), scores: new Float32Array(9), valid: new Uint8Array(9) };
  const r = await decode({ data: bits, shape, type: 'float16' }, { method: 'quarter', out, transfer: true });
  t.is(bits.byteLength, 0, 'the caller array is detached');
  t.is(out.coords.byteLength, 0, 'so are the out arrays');
  t.true(r.input instanceof Uint16Array);
  t.deepEqual(r.input, copy);
  sameResult(t, r, decodeSync({ data: floats, shape }, { method: 'quarter' }), 'quarter');
  const again = await peaks({ data: r.input, shape, type: 'float16' }, { transfer: true });
  t.deepEqual(again.input, copy);
  const sync = { coords: new Float32Array(18), scores: new Float32Array(9), valid: new Uint8Array(9) };
  const s = decodeSync({ data: copy, shape, type: 'float16' }, { out: sync });
  t.is(s.coords, sync.coords);
  t.throws(() => decodeSync({ data: copy, shape, type: 'float16' }, { out: { ...sync, scores: new Float32Array(copy.buffer, 0, 9) } }), {
    instanceOf: RangeError,
    message: 'Expected an array that does not share memory with the input for options.out.scores but received Float32Array(9)',
  });
});

// Node 20 has no Float16Array. A stand-in with a real one's memory layout (binary16 in an
// ArrayBuffer, a view that is no Uint16Array) checks the branch that takes one, untagged, by its
// buffer, byteOffset and length: what lib reads of a Float16Array. Its element access, which lib
// never uses, is not modelled.
test('a Float16Array, where the runtime has one, needs no tag', (t) => {
  const had = Object.getOwnPropertyDescriptor(globalThis, 'Float16Array');
  class Float16Array extends DataView {
    get length() {
      return this.byteLength / 2;
    }
  }
  try {
    globalThis.Float16Array = Float16Array;
    const { bits, floats } = batch([3, 17, 23], 8);
    const buffer = new ArrayBuffer(bits.byteLength + 6);
    new Uint16Array(buffer, 6, bits.length).set(bits);
    const f16 = new Float16Array(buffer, 6, bits.byteLength);
    sameResult(t, decodeSync({ data: f16, shape: [3, 17, 23] }, { method: 'dark' }), decodeSync({ data: floats, shape: [3, 17, 23] }, { method: 'dark' }), 'dark');
    sameResult(t, decodeSync({ data: f16, shape: [3, 17, 23], type: 'float16' }), decodeSync({ data: floats, shape: [3, 17, 23] }), 'tagged');
    t.throws(() => decodeSync({ data: f16, shape: [3, 17, 23], type: 'float32' }), {
      instanceOf: TypeError,
      message: 'Expected \'float16\' (input.data is a Float16Array) for input.type but received "float32"',
    });
  } finally {
    if (had) Object.defineProperty(globalThis, 'Float16Array', had);
    else delete globalThis.Float16Array;
  }
  t.is(globalThis.Float16Array, had?.value);
});

const BARE =
  "Expected a Float32Array or Uint8Array for input.data but received Uint16Array(12): a Uint16Array holds float16 bits only with type: 'float16'; pass { data, shape, type: 'float16' }";

test('a Uint16Array without the float16 tag is a TypeError saying what to do, on every entry point', async (t) => {
  const input = { data: new Uint16Array(12), shape: [3, 4] };
  t.throws(() => decodeSync(input), { instanceOf: TypeError, message: BARE });
  t.throws(() => peaksSync(input), { instanceOf: TypeError, message: BARE });
  await t.throwsAsync(decode(input), { instanceOf: TypeError, message: BARE });
  await t.throwsAsync(peaks({ data: new Uint16Array(12), dims: [3, 4] }), { instanceOf: TypeError, message: BARE });
  await t.throwsAsync(decode({ ...input, type: undefined }), { instanceOf: TypeError, message: BARE });
});

test('a wrong type or dtype tag is a TypeError naming the field', (t) => {
  const data = new Uint16Array(12);
  t.throws(() => decodeSync({ data, shape: [3, 4], type: 'uint16' }), {
    instanceOf: TypeError,
    message: 'Expected \'float16\' (input.data is a Uint16Array) for input.type but received "uint16"',
  });
  t.throws(() => peaksSync({ data, dims: [3, 4], dtype: 'float32' }), {
    instanceOf: TypeError,
    message: 'Expected \'float16\' (input.data is a Uint16Array) for input.dtype but received "float32"',
  });
  t.throws(() => decodeSync({ data: new Float32Array(12), shape: [3, 4], type: 'float16' }), {
    instanceOf: TypeError,
    message: "Expected a Uint16Array of float16 bits or a Float16Array (input.type is 'float16') for input.data but received Float32Array(12)",
  });
  t.throws(() => decodeSync({ data: new Uint8Array(12), shape: [3, 4], dtype: 'float16' }), {
    instanceOf: TypeError,
    message: "Expected a Uint16Array of float16 bits or a Float16Array (input.dtype is 'float16') for input.data but received Uint8Array(12)",
  });
  t.throws(() => decodeSync({ data: new Uint16Array(11), shape: [3, 4], type: 'float16' }), {
    instanceOf: RangeError,
    message: 'Expected 12 elements (the product of shape [3, 4]) for input.data but received 11',
  });
  const detached = new Uint16Array(12);
  structuredClone(detached.buffer, { transfer: [detached.buffer] });
  t.throws(() => decodeSync({ data: detached, shape: [3, 4], type: 'float16' }), {
    instanceOf: TypeError,
    message: 'Expected a Uint16Array or Float16Array with an attached buffer for input.data but received a detached Uint16Array',
  });
});

test('sum and argmax do not read float16, and say so; an untagged Uint16Array is refused as before', (t) => {
  const input = { data: new Uint16Array(12), shape: [3, 4], type: 'float16' };
  for (const [name, call] of [['sum', sum], ['argmax', argmax]]) {
    t.throws(() => call(input), {
      instanceOf: TypeError,
      message: `Expected Float32Array or Uint8Array data (${name} does not read float16) for input.data but received Uint16Array(12)`,
    });
    t.throws(() => call({ data: new Uint16Array(12), shape: [3, 4] }), {
      instanceOf: TypeError,
      message: 'Expected a Float32Array or Uint8Array for input.data but received Uint16Array(12)',
    });
  }
});

test('the binding takes a Uint16Array only under dtype: float16, and only for decode and peaks', (t) => {
  const request = (fields) => ({
    data: new Uint16Array(16), planes: 1, height: 4, width: 4, layout: 'nchw', channels: 1, threads: 1, method: 'argmax', kernel: 11, sigma: 2, threshold: 0.5, beta: 1, quarterRule: 'mmpose', minScore: 0,
    coords: new Float32Array(2), scores: new Float32Array(1), valid: new Uint8Array(1), ...fields,
  });
  t.throws(() => addon.decodeSync(request({})), { instanceOf: TypeError, message: 'internal: data is not float32 or uint8' });
  t.throws(() => addon.decodeSync(request({ dtype: 'float16', data: new Float32Array(16) })), { instanceOf: TypeError, message: 'internal: data has the wrong type' });
  t.throws(() => addon.decodeSync(request({ dtype: 'float32' })), { instanceOf: TypeError, message: 'internal: data is not float32 or uint8' });
  t.throws(() => addon.decodeSync(request({ dtype: 'uint8', data: new Float32Array(16) })), { instanceOf: TypeError, message: 'internal: data does not hold the dtype named' });
  t.throws(() => addon.decodeSync(request({ dtype: 'int16' })), { instanceOf: TypeError, message: 'internal: unknown dtype int16' });
  t.throws(() => addon.decodeSync(request({ dtype: 'float16', data: new Uint16Array(15) })), { instanceOf: RangeError, message: 'internal: data length does not match its shape' });
  const planes = { data: new Uint16Array(16), dtype: 'float16', planes: 1, height: 4, width: 4, threads: 1 };
  t.throws(() => addon.sum({ ...planes, output: new Float64Array(1) }), { instanceOf: TypeError, message: 'internal: float16 planes are not supported here' });
  const data = new Uint16Array(16);
  data[5] = 0x3c00;
  addon.decodeSync(request({ dtype: 'float16', data }));
  t.pass();
});
