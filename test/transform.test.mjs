// The transform option of decode, peaks and decodeSimcc: every method, dtype, layout and (the
// suite runs once per SIMD path) SIMD path gives, bit for bit, the untransformed result with each
// valid point mapped in JS as Math.fround(a x + b y + c) (the native arithmetic is double, no fused
// multiply-add), scores, validity, counts and channels unchanged, invalid points and unused slots
// untouched; argmax and peaks also against the independent per-plane references. Hostile
// matrices and shapes are refused in the library's shape with nothing written.
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import fc from 'fast-check';
import { decode, decodeSimcc, decodeSimccSync, decodeSync, DECODE_METHODS, peaks, peaksSync } from 'coordconv';
import { decodeBatchRef, gaussianPlane, peaksImageRef, peaksRef } from './helpers/decode-ref.mjs';
import { asHalves } from './helpers/half.mjs';
import { misalignedCopy, rng } from './helpers/inputs.mjs';
import { toNhwc } from './helpers/layout.mjs';
import { applyTransformsRef } from './helpers/transform-ref.mjs';
import { planeBatch, runs, sameBytes, snapshot } from './helpers/arbitraries.mjs';

const OPTIONS = { argmax: {}, quarter: {}, dark: { kernel: 5, sigma: 1.5 }, centroid: { threshold: 0.3 }, softargmax: { beta: 3, minScore: 0.1 }, exact: {} };

// Matrices of every kind a pipeline makes: scales with offsets, rotations, shears, the identity,
// negative and fractional entries (Float64Array, or Float32Array when asked).
function matrices(random, n, Type = Float64Array) {
  const m = new Type(n * 6);
  for (let i = 0; i < n; i++) {
    const kind = i % 4;
    const r = random() * 6.3, s = 0.25 + random() * 8;
    const row = kind === 0 ? [1, 0, 0, 0, 1, 0]
      : kind === 1 ? [s, 0, random() * 500 - 250, 0, s * 1.5, random() * 300]
      : kind === 2 ? [s * Math.cos(r), -s * Math.sin(r), 17.25, s * Math.sin(r), s * Math.cos(r), -3.5]
      : [random() - 0.5, random() * 3, random() * 1e4, random() * -2, random() + 0.1, random()];
    m.set(row, 6 * i);
  }
  return m;
}

// [N, C, H, W] planes: a Gaussian blob, a one-hot pixel (for 'exact') or an empty plane (invalid),
// in turn.
function planes(random, n, c, h, w, onehot) {
  const data = new Float32Array(n * c * h * w);
  for (let p = 0; p < n * c; p++) {
    if (p % 5 === 3) continue;
    const x = Math.floor(random() * w), y = Math.floor(random() * h);
    if (onehot) data[p * h * w + y * w + x] = 0.5 + random();
    else data.set(gaussianPlane(h, w, x + random() - 0.5, y + random() - 0.5, 1.5, 0.2 + random()), p * h * w);
  }
  return data;
}

const asDtype = (data, dtype) => dtype === 'uint8' ? Uint8Array.from(data, (v) => Math.round(Math.min(1, v) * 255))
  : dtype === 'float16' ? asHalves(data).bits : data;
const tensor = (data, shape, dtype) => (dtype === 'float16' ? { data, shape, type: 'float16' } : { data, shape });

// Bit for bit, NaN for NaN.
function sameArray(t, got, want, label) {
  t.is(got.length, want.length, `${label} length`);
  const bad = Array.prototype.findIndex.call(got, (v, i) => !Object.is(v, want[i]));
  t.is(bad, -1, bad < 0 ? label : `${label}[${bad}]: ${got[bad]} vs ${want[bad]}`);
}

function mappedLike(t, got, plain, m, samples, label) {
  sameArray(t, got.coords, applyTransformsRef(plain.coords, plain.valid, m, samples), `${label} coords`);
  sameArray(t, got.scores, plain.scores, `${label} scores`);
  sameArray(t, got.valid, plain.valid, `${label} valid`);
  t.deepEqual(got.shape, plain.shape, `${label} shape`);
}

for (const method of DECODE_METHODS) {
  test(`decode '${method}': every dtype and layout, transformed = untransformed mapped by each sample's matrix`, async (t) => {
    const random = rng(300 + DECODE_METHODS.indexOf(method));
    for (const [n, c, h, w] of [[3, 4, 9, 11], [2, 17, 16, 17], [5, 1, 7, 33], [1, 80, 6, 6]]) {
      const base = planes(random, n, c, h, w, method === 'exact');
      for (const dtype of ['float32', 'uint8', 'float16']) {
        for (const layout of ['nchw', 'nhwc']) {
          const values = asDtype(layout === 'nhwc' ? toNhwc(base, n, c, h, w) : base, dtype);
          const input = tensor(values, layout === 'nhwc' ? [n, h, w, c] : [n, c, h, w], dtype);
          const m = matrices(random, n);
          const options = { ...OPTIONS[method], method, layout };
          const plain = decodeSync(input, options);
          const label = `${dtype} ${layout} [${n}, ${c}, ${h}, ${w}]`;
          t.true(plain.valid.some((v) => v === 0) && plain.valid.some((v) => v === 1), `${label}: valid and invalid planes`);
          mappedLike(t, decodeSync(input, { ...options, transform: { data: m, shape: [n, 2, 3] } }), plain, m, n, label);
          mappedLike(t, await decode(input, { ...options, transform: { data: m, shape: [n, 2, 3] } }), plain, m, n, `${label} async`);
        }
      }
    }
  });
}

test('decode argmax with transform: the independent reference, mapped', (t) => {
  const random = rng(7);
  const [n, c, h, w] = [4, 5, 13, 15];
  const data = planes(random, n, c, h, w, false);
  const m = matrices(random, n);
  const ref = decodeBatchRef('argmax', data, h, w);
  const got = decodeSync({ data: misalignedCopy(data), shape: [n, c, h, w] }, { transform: { data: m, shape: [n, 2, 3] } });
  sameArray(t, got.coords, applyTransformsRef(Float32Array.from(ref.coords), Uint8Array.from(ref.valid), m, n), 'coords');
  t.deepEqual(Array.from(got.valid), ref.valid);
});

test('decode: out arrays and transfer: true carry the transformed result; a Float32Array matrix reads as its values', async (t) => {
  const random = rng(8);
  const [n, c, h, w] = [3, 6, 10, 12];
  const data = planes(random, n, c, h, w, false);
  const m32 = matrices(random, n, Float32Array);
  const m64 = Float64Array.from(m32);
  const want = decodeSync({ data, shape: [n, c, h, w] }, { method: 'dark', transform: { data: m64, shape: [n, 2, 3] } });
  const out = { coords: new Float32Array(n * c * 2), scores: new Float32Array(n * c), valid: new Uint8Array(n * c) };
  const got = decodeSync({ data, shape: [n, c, h, w] }, { method: 'dark', out, transform: { data: m32, shape: [n, 2, 3] } });
  t.is(got.coords, out.coords);
  sameArray(t, out.coords, want.coords, 'out coords');
  const moved = await decode({ data: data.slice(), shape: [n, c, h, w] }, { method: 'dark', transfer: true, transform: { data: m64, shape: [n, 2, 3] } });
  sameArray(t, moved.coords, want.coords, 'transfer coords');
});

test('decode async: the matrices are read when the call is made (changing them afterwards changes nothing)', async (t) => {
  const random = rng(9);
  const data = planes(random, 2, 3, 8, 8, false);
  const m = matrices(random, 2);
  const want = decodeSync({ data, shape: [2, 3, 8, 8] }, { transform: { data: m, shape: [2, 2, 3] } });
  const pending = decode({ data, shape: [2, 3, 8, 8] }, { transform: { data: m, shape: [2, 2, 3] } });
  m.fill(1e6);
  sameArray(t, (await pending).coords, want.coords, 'coords');
});

test('an unbatched input is one sample: [H, W], [C, H, W] and [H, W, C] take [2, 3] or [1, 2, 3] alike', (t) => {
  const random = rng(10);
  const m = matrices(random, 2).subarray(6, 12);
  const data = planes(random, 1, 4, 9, 10, false);
  for (const [input, plain] of [
    [{ data: data.subarray(0, 90), shape: [9, 10] }, null],
    [{ data, shape: [4, 9, 10] }, null],
    [{ data: toNhwc(data, 1, 4, 9, 10), shape: [9, 10, 4] }, 'nhwc'],
  ]) {
    const options = plain ? { layout: plain } : {};
    const base = decodeSync(input, options);
    for (const shape of [[2, 3], [1, 2, 3]]) {
      mappedLike(t, decodeSync(input, { ...options, transform: { data: m, shape } }), base, m, 1, `${input.shape} with ${shape}`);
    }
  }
});

for (const over of ['plane', 'image']) {
  test(`peaks over '${over}': every dtype and layout, transformed = untransformed mapped; unused slots untouched`, async (t) => {
    const random = rng(over === 'plane' ? 20 : 21);
    for (const [n, c, h, w] of [[3, 4, 12, 13], [2, 17, 9, 16], [1, 3, 20, 21]]) {
      const base = new Float32Array(n * c * h * w);
      for (let p = 0; p < n * c; p++) {
        for (let b = 0; b < 3; b++) {
          const g = gaussianPlane(h, w, random() * w, random() * h, 1, 0.3 + random() * 0.7);
          for (let i = 0; i < h * w; i++) base[p * h * w + i] = Math.max(base[p * h * w + i], g[i]);
        }
      }
      for (const dtype of ['float32', 'uint8', 'float16']) {
        for (const layout of ['nchw', 'nhwc']) {
          const values = asDtype(layout === 'nhwc' ? toNhwc(base, n, c, h, w) : base, dtype);
          const input = tensor(values, layout === 'nhwc' ? [n, h, w, c] : [n, c, h, w], dtype);
          const m = matrices(random, n);
          const options = { over, layout, k: over === 'image' ? 3 * c + 4 : 7, threshold: 0.2 };
          const plain = peaksSync(input, options);
          const label = `${dtype} ${layout} [${n}, ${c}, ${h}, ${w}]`;
          t.true(plain.valid.some((v) => v === 0), `${label}: unused slots`);
          for (const got of [peaksSync(input, { ...options, transform: { data: m, shape: [n, 2, 3] } }), await peaks(input, { ...options, transform: { data: m, shape: [n, 2, 3] } })]) {
            mappedLike(t, got, plain, m, n, label);
            sameArray(t, got.counts, plain.counts, `${label} counts`);
            if (over === 'image') sameArray(t, got.channels, plain.channels, `${label} channels`);
          }
        }
      }
    }
  });
}

test('peaks with transform: the independent references (per plane and over the image), mapped', (t) => {
  const random = rng(22);
  const [n, c, h, w] = [2, 3, 11, 14];
  const data = new Float32Array(n * c * h * w).map(() => random());
  const m = matrices(random, n);
  const k = 5;
  const planeRef = { coords: [], valid: [] }, imageRef = { coords: [], valid: [] };
  for (let p = 0; p < n * c; p++) {
    const r = peaksRef(data.subarray(p * h * w, (p + 1) * h * w), h, w, { k, threshold: 0.5 });
    planeRef.coords.push(...r.coords);
    planeRef.valid.push(...r.valid);
  }
  for (let i = 0; i < n; i++) {
    const r = peaksImageRef(Array.from({ length: c }, (_, ch) => data.subarray((i * c + ch) * h * w, (i * c + ch + 1) * h * w)), h, w, { k, threshold: 0.5 });
    imageRef.coords.push(...r.coords);
    imageRef.valid.push(...r.valid);
  }
  for (const [over, ref] of [['plane', planeRef], ['image', imageRef]]) {
    const got = peaksSync({ data, shape: [n, c, h, w] }, { over, k, threshold: 0.5, transform: { data: m, shape: [n, 2, 3] } });
    sameArray(t, got.coords, applyTransformsRef(Float32Array.from(ref.coords), Uint8Array.from(ref.valid), m, n), over);
  }
});

test('peaks: an unbatched [C, H, W] or [H, W] input is one sample, over planes or the image', (t) => {
  const random = rng(23);
  const data = new Float32Array(3 * 8 * 9).map(() => random());
  const m = matrices(random, 3).subarray(12);
  for (const over of ['plane', 'image']) {
    for (const input of [{ data, shape: [3, 8, 9] }, { data: data.subarray(0, 72), shape: [8, 9] }]) {
      const plain = peaksSync(input, { over, k: 4 });
      for (const shape of [[2, 3], [1, 2, 3]]) mappedLike(t, peaksSync(input, { over, k: 4, transform: { data: m, shape } }), plain, m, 1, `${over} ${input.shape}`);
    }
  }
});

test('decodeSimcc argmax and dark, Float32 / Uint8 / float16, rank 3 and rank 2: transformed = untransformed mapped', async (t) => {
  const random = rng(30);
  const [n, k, wx, wy] = [3, 5, 96, 128];
  const x = new Float32Array(n * k * wx), y = new Float32Array(n * k * wy);
  for (let i = 0; i < n * k; i++) {
    if (i % 4 === 2) continue;  // all zero: score 0, invalid
    const cx = 8 + random() * (wx - 16), cy = 8 + random() * (wy - 16);
    for (let j = 0; j < wx; j++) x[i * wx + j] = Math.exp(-((j - cx) ** 2) / 18);
    for (let j = 0; j < wy; j++) y[i * wy + j] = Math.exp(-((j - cy) ** 2) / 18);
  }
  const m = matrices(random, n);
  for (const dtype of ['float32', 'uint8', 'float16']) {
    for (const method of ['argmax', 'dark']) {
      const input = { x: tensor(asDtype(x, dtype), [n, k, wx], dtype), y: tensor(asDtype(y, dtype), [n, k, wy], dtype) };
      const options = { method, splitRatio: 2 };
      const plain = decodeSimccSync(input, options);
      t.true(plain.valid.includes(0) && plain.valid.includes(1));
      mappedLike(t, decodeSimccSync(input, { ...options, transform: { data: m, shape: [n, 2, 3] } }), plain, m, n, `${dtype} ${method}`);
      mappedLike(t, await decodeSimcc(input, { ...options, transform: { data: m, shape: [n, 2, 3] } }), plain, m, n, `${dtype} ${method} async`);
    }
  }
  const one = { x: { data: x.subarray(0, k * wx), shape: [k, wx] }, y: { data: y.subarray(0, k * wy), shape: [k, wy] } };
  const plain = decodeSimccSync(one);
  for (const shape of [[2, 3], [1, 2, 3]]) mappedLike(t, decodeSimccSync(one, { transform: { data: m.subarray(0, 6), shape } }), plain, m, 1, `rank 2 ${shape}`);
});

test('a result beyond float32 is +-Infinity and stays valid (documented); finite matrices on plane coordinates do not get there', (t) => {
  const data = new Float32Array(2 * 4 * 4);
  data[5] = 1;  // plane 0 at (1, 1)
  data[16] = 1;  // plane 1 at (0, 0)
  const got = decodeSync({ data, shape: [1, 2, 4, 4] }, { transform: { data: Float64Array.of(1e300, 0, 0, 0, -1e300, 5), shape: [1, 2, 3] } });
  t.deepEqual(Array.from(got.coords), [Infinity, -Infinity, 0, 5]);
  t.deepEqual(Array.from(got.valid), [1, 1]);
});

test('empty batches: N = 0 takes [0, 2, 3]; C = 0 takes N matrices (still checked)', async (t) => {
  const none = { data: new Float32Array(0), shape: [0, 3, 4, 4] };
  for (const run of [decodeSync, (i, o) => peaksSync(i, { ...o, k: 2 }), (i, o) => peaksSync(i, { ...o, k: 2, over: 'image' })]) {
    const r = run(none, { transform: { data: new Float64Array(0), shape: [0, 2, 3] } });
    t.is(r.coords.length, 0);
    t.throws(() => run(none, { transform: { data: new Float64Array(6), shape: [1, 2, 3] } }), {
      instanceOf: RangeError,
      message: "Expected shape [0, 2, 3] (one matrix per sample: the input's batch is 0) for options.transform.shape but received [1, 2, 3]",
    });
  }
  const noChannels = { data: new Float32Array(0), shape: [2, 0, 4, 4] };
  t.is(decodeSync(noChannels, { transform: { data: new Float64Array(12), shape: [2, 2, 3] } }).coords.length, 0);
  t.is((await decode(noChannels, { transform: { data: new Float64Array(12), shape: [2, 2, 3] } })).coords.length, 0);
  t.throws(() => decodeSync(noChannels, { transform: { data: new Float64Array(12).fill(NaN), shape: [2, 2, 3] } }), {
    instanceOf: RangeError,
    message: 'Expected finite entries for options.transform.data but received NaN at index 0',
  });
});

const INPUT = { data: new Float32Array(2 * 3 * 5 * 5).fill(0.5), shape: [2, 3, 5, 5] };
const GOOD = Float64Array.of(1, 0, 0, 0, 1, 0, 2, 0, 1, 0, 2, 1);
const HOSTILE = [
  [null, TypeError, 'Expected an object { data, shape } for options.transform but received null'],
  [GOOD, TypeError, 'Expected an object { data, shape } for options.transform but received Float64Array(12)'],
  [[[1, 0, 0], [0, 1, 0]], TypeError, 'Expected an object { data, shape } for options.transform but received an Array(2)'],
  [{ data: GOOD, shape: [2, 2, 3], dims: [2, 2, 3] }, TypeError, 'Expected only the keys data, shape for options.transform but received key "dims"'],
  [{ data: Array.from(GOOD), shape: [2, 2, 3] }, TypeError, 'Expected a Float32Array or Float64Array for options.transform.data but received an Array(12)'],
  [{ data: Int32Array.from(GOOD), shape: [2, 2, 3] }, TypeError, 'Expected a Float32Array or Float64Array for options.transform.data but received Int32Array(12)'],
  [{ data: GOOD }, TypeError, 'Expected an array of numbers for options.transform.shape but received undefined'],
  [{ data: GOOD, shape: ['2', 2, 3] }, TypeError, 'Expected an array of numbers for options.transform.shape but received an Array(3)'],
  [{ data: GOOD, shape: [2, 3, 2] }, RangeError, "Expected shape [2, 2, 3] (one matrix per sample: the input's batch is 2) for options.transform.shape but received [2, 3, 2]"],
  [{ data: GOOD.subarray(0, 6), shape: [1, 2, 3] }, RangeError, "Expected shape [2, 2, 3] (one matrix per sample: the input's batch is 2) for options.transform.shape but received [1, 2, 3]"],
  [{ data: GOOD.subarray(0, 6), shape: [2, 3] }, RangeError, "Expected shape [2, 2, 3] (one matrix per sample: the input's batch is 2) for options.transform.shape but received [2, 3]"],
  [{ data: new Float64Array(18), shape: [3, 2, 3] }, RangeError, "Expected shape [2, 2, 3] (one matrix per sample: the input's batch is 2) for options.transform.shape but received [3, 2, 3]"],
  [{ data: GOOD, shape: [2, 2, 3, 1] }, RangeError, "Expected shape [2, 2, 3] (one matrix per sample: the input's batch is 2) for options.transform.shape but received [2, 2, 3, 1]"],
  [{ data: GOOD.subarray(0, 11), shape: [2, 2, 3] }, RangeError, 'Expected 12 elements (the product of shape [2, 2, 3]) for options.transform.data but received 11'],
  [{ data: Float64Array.of(1, 0, 0, 0, 1, 0, 2, 0, NaN, 0, 2, 1), shape: [2, 2, 3] }, RangeError, 'Expected finite entries for options.transform.data but received NaN at index 8'],
  [{ data: Float32Array.of(1, 0, 0, 0, 1, 0, 2, 0, 1, 0, Infinity, 1), shape: [2, 2, 3] }, RangeError, 'Expected finite entries for options.transform.data but received Infinity at index 10'],
  [{ data: Float64Array.of(-Infinity, 0, 0, 0, 1, 0, 2, 0, 1, 0, 2, 1), shape: [2, 2, 3] }, RangeError, 'Expected finite entries for options.transform.data but received -Infinity at index 0'],
];

test('hostile transforms: decode, peaks (both modes) and decodeSimcc refuse them alike, sync and async, writing nothing', async (t) => {
  const simcc = { x: { data: new Float32Array(2 * 3 * 8).fill(1), shape: [2, 3, 8] }, y: { data: new Float32Array(2 * 3 * 8).fill(1), shape: [2, 3, 8] } };
  const entries = [
    [(o) => decodeSync(INPUT, o), (o) => decode(INPUT, o)],
    [(o) => peaksSync(INPUT, o), (o) => peaks(INPUT, o)],
    [(o) => peaksSync(INPUT, { ...o, over: 'image' }), (o) => peaks(INPUT, { ...o, over: 'image' })],
    [(o) => decodeSimccSync(simcc, o), (o) => decodeSimcc(simcc, o)],
  ];
  for (const [transform, Type, message] of HOSTILE) {
    for (const [sync, async] of entries) {
      t.throws(() => sync({ transform }), { instanceOf: Type, message });
      await t.throwsAsync(async(({ transform })), { instanceOf: Type, message });
    }
  }
  // Nothing written: out arrays keep their sentinels.
  const out = { coords: new Float32Array(12).fill(-7), scores: new Float32Array(6).fill(-7), valid: new Uint8Array(6).fill(7) };
  t.throws(() => decodeSync(INPUT, { out, transform: HOSTILE[14][0] }), { instanceOf: RangeError });
  t.true(out.coords.every((v) => v === -7) && out.scores.every((v) => v === -7) && out.valid.every((v) => v === 7));
  // An unbatched input refuses a batch of matrices, naming both shapes it takes.
  t.throws(() => decodeSync({ data: new Float32Array(25), shape: [5, 5] }, { transform: { data: GOOD, shape: [2, 2, 3] } }), {
    instanceOf: RangeError,
    message: 'Expected shape [2, 3] or [1, 2, 3] (the input is one sample) for options.transform.shape but received [2, 2, 3]',
  });
});

// The binding's last guard, for what lib/ never sends (the raw addon): the native check refuses
// the request, sync and async alike, and nothing runs.
const { addon } = createRequire(import.meta.url)(path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'addon.js'));
const rawDecode = (overrides) => ({
  data: new Float32Array(32), planes: 2, height: 4, width: 4, threads: 1, layout: 'nchw', channels: 1, method: 'argmax',
  kernel: 3, sigma: 1, threshold: 0.5, beta: 1, minScore: 0, coords: new Float32Array(4), scores: new Float32Array(2), valid: new Uint8Array(2),
  transform: new Float64Array(12), transformSamples: 2, ...overrides,
});

test('binding: a transform lib/ would never send is refused, sync and async, with the same error', async (t) => {
  const shared = new ArrayBuffer(64);
  const cases = [
    [{ transform: new Float64Array(12).fill(NaN) }, RangeError, 'internal: transform entries must be finite'],
    [{ transform: new Float64Array(18), transformSamples: 3 }, RangeError, 'internal: transform samples must divide the points evenly'],
    [{ transform: new Float64Array(0), transformSamples: 0 }, RangeError, 'internal: transform samples must divide the points evenly'],
    [{ transform: new Float64Array(13) }, RangeError, 'internal: transform length does not match its samples'],
    [{ transform: new Float64Array(6) }, RangeError, 'internal: transform is too short'],
    [{ transform: new Float32Array(12) }, TypeError, 'internal: transform has the wrong type'],
    [{ transformSamples: undefined }, TypeError, 'internal: transformSamples is not a number'],
    [{ transform: new Float64Array(shared, 0, 6), transformSamples: 1, coords: new Float32Array(shared, 0, 4) }, RangeError, 'internal: output arrays overlap the input or each other'],
  ];
  for (const [overrides, Type, message] of cases) {
    const request = rawDecode(overrides);
    t.throws(() => addon.decodeSync(request), { instanceOf: Type, message });
    await t.throwsAsync(async () => addon.decode(request), { instanceOf: Type, message });
  }
  const ok = rawDecode({});
  t.notThrows(() => addon.decodeSync(ok));
});

// Any batch the property tests make (hostile values, misaligned views, every rank), any method,
// any finite matrices: transformed = untransformed mapped, and the input is never written.
const finiteEntry = fc.oneof(fc.constantFrom(0, -0, 1, -1, 0.25, 1e-30, 1e30, -3.4e38), fc.double({ min: -1e6, max: 1e6, noNaN: true }));
test('property: any batch, method and finite matrices: transformed = untransformed mapped, input untouched', (t) => {
  fc.assert(
    fc.property(planeBatch(20000), fc.constantFrom(...DECODE_METHODS), fc.array(finiteEntry, { minLength: 6, maxLength: 6 }), fc.boolean(), (input, method, seed, f32) => {
      const lead = input.shape.slice(0, -2);
      const samples = lead.length === 2 ? lead[0] : 1;
      const m = (f32 ? Float32Array : Float64Array).from({ length: samples * 6 }, (_, i) => seed[(i + Math.floor(i / 6)) % 6]);
      const shape = lead.length === 2 ? [samples, 2, 3] : [2, 3];
      const before = snapshot(input.data);
      const options = { ...OPTIONS[method], method };
      const plain = decodeSync(input, options);
      const got = decodeSync(input, { ...options, transform: { data: m, shape } });
      const want = applyTransformsRef(plain.coords, plain.valid, Float64Array.from(m), samples);
      return sameBytes(snapshot(input.data), before) && got.coords.every((v, i) => Object.is(v, want[i])) && got.valid.every((v, i) => v === plain.valid[i]) && got.scores.every((v, i) => Object.is(v, plain.scores[i]));
    }),
    runs(200),
  );
  t.pass();
});
