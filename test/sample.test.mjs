// sample and sampleSync: the maps' values at points, against the plain-JS reference written from the
// bilinear formula with grid_sample's 'border' clamp (helpers/sample-ref.mjs), for every dtype, both
// layouts, ranks 3 and 4, points on centres, on halves, outside the map and non-finite; closed
// forms (bilinear reproduces an affine map); the async path, transfer and out; empty batches; and
// every refusal with its exact message, nothing written on failure.
import test from 'ava';
import { createRequire } from 'node:module';
import { sample, sampleSync, simd } from 'coordconv';
import { sampleBatchRef } from './helpers/sample-ref.mjs';
import { asHalves } from './helpers/half.mjs';
import { misalignedCopy, rng } from './helpers/inputs.mjs';
import { toNhwc } from './helpers/layout.mjs';
import { bytesOf, sameBytes, snapshot, thrown } from './helpers/arbitraries.mjs';

test('the forced SIMD path is the one running', (t) => {
  const forced = process.env.COORDCONV_SIMD;
  t.is(simd().active, forced || simd().available[0]);
});

// [N, C, H, W]: one pixel, one row, one column, odd sides, C around the vector widths.
const SHAPES = [
  [1, 1, 1, 1],
  [2, 3, 1, 7],
  [1, 2, 6, 1],
  [3, 5, 9, 11],
  [2, 17, 8, 16],
  [1, 33, 5, 4],
];

// Points on pixel centres, on halves, between, on the edges, outside by a little and by a lot, and non-finite.
function pointsFor(random, h, w, p) {
  const special = [
    [0, 0], [w - 1, h - 1], [0.5, 0.5], [w - 1.5, h - 1.5], [-0.5, 0.25], [w - 0.5, h - 0.5],
    [-1e30, 3], [1e30, -1e30], [w + 0.75, -0.25], [NaN, 1], [1, NaN], [Infinity, 0], [0, -Infinity],
    [Math.floor(w / 2), Math.floor(h / 2)], [w / 3, h / 7],
  ];
  const out = new Float32Array(p * 2);
  for (let j = 0; j < p; j++) {
    const [x, y] = j < special.length ? special[j] : [-1.5 + random() * (w + 2), -1.5 + random() * (h + 2)];
    out[2 * j] = x;
    out[2 * j + 1] = y;
  }
  return out;
}

// The maps of one dtype: what sample reads and the float values the reference reads.
function mapsOf(dtype, count, random) {
  if (dtype === 'uint8') {
    const data = Uint8Array.from({ length: count }, () => Math.floor(random() * 256));
    return { input: { data }, values: Float32Array.from(data) };
  }
  const values = Float32Array.from({ length: count }, () => (random() - 0.5) * 100);
  if (dtype === 'float32') return { input: { data: values }, values };
  const { bits, floats } = asHalves(values);
  return { input: { data: bits, type: 'float16' }, values: floats };
}

const same = (got, want) => got.length === want.length && got.every((v, i) => Object.is(v, want[i]) || (Number.isNaN(v) && Number.isNaN(want[i])));

test('every dtype, layout, rank and mode equals the reference, bit for bit', (t) => {
  const random = rng(1300);
  for (const dtype of ['float32', 'uint8', 'float16']) {
    for (const [n, c, h, w] of SHAPES) {
      const { input, values } = mapsOf(dtype, n * c * h * w, random);
      const p = 40;
      const points = new Float32Array(n * p * 2);
      for (let i = 0; i < n; i++) points.set(pointsFor(random, h, w, p), i * p * 2);
      for (const layout of ['nchw', 'nhwc']) {
        const shape = layout === 'nhwc' ? [n, h, w, c] : [n, c, h, w];
        const data = layout === 'nhwc' ? toNhwc(input.data, n, c, h, w) : input.data;
        const refValues = layout === 'nhwc' ? toNhwc(values, n, c, h, w) : values;
        for (const mode of ['nearest', 'bilinear']) {
          const label = `${dtype} ${layout} [${shape}] ${mode}`;
          const want = sampleBatchRef(refValues, layout, [n, c, h, w], points, p, mode);
          const got = sampleSync({ ...input, data, shape }, { data: points, shape: [n, p, 2] }, { mode, layout });
          t.deepEqual(got.shape, [n, p, c], label);
          t.true(same(got.data, want), label);
          // Rank 3: one sample, points [P, 2], result [P, C]; misaligned views read alike.
          const one = layout === 'nhwc' ? [h, w, c] : [c, h, w];
          const first = misalignedCopy(data.subarray(0, c * h * w));
          const single = sampleSync({ ...input, data: first, shape: one }, { data: misalignedCopy(points.subarray(0, p * 2)), shape: [p, 2] }, { mode, layout });
          t.deepEqual(single.shape, [p, c], `${label} rank 3`);
          t.true(same(single.data, want.subarray(0, p * c)), `${label} rank 3`);
        }
      }
    }
  }
});

test('nearest rounds halves up and reads an integer point\'s own cell; the edge extends without limit', (t) => {
  // A 3 x 4 map whose value is 10 * row + column.
  const data = Float32Array.from({ length: 12 }, (_, i) => 10 * Math.floor(i / 4) + (i % 4));
  const read = (pts, mode) => Array.from(sampleSync({ data, shape: [1, 3, 4] }, { data: Float32Array.from(pts.flat()), shape: [pts.length, 2] }, { mode }).data);
  t.deepEqual(read([[0, 0], [3, 2], [1, 1], [2, 0]], 'nearest'), [0, 23, 11, 2]);
  t.deepEqual(read([[0.5, 0.5], [1.5, 1.5], [2.5, 0.49999997], [-0.5, -0.5], [0.49999997, 0]], 'nearest'), [11, 22, 3, 0, 0]);
  t.deepEqual(read([[-7, 1], [100, 1], [2, -1e38], [2, 1e38], [-3.4e38, 3.4e38]], 'nearest'), [10, 13, 2, 22, 20]);
  t.deepEqual(read([[-7, 1], [100, 1], [2, -1e38], [2, 1e38], [-1, -1]], 'bilinear'), [10, 13, 2, 22, 0]);
});

test('bilinear reproduces an affine map exactly inside it, and the clamped point outside it', (t) => {
  const [h, w] = [7, 9];
  const f = (x, y) => 0.5 * x - 0.25 * y + 3;  // every value and every sample below is exact in float32
  const data = Float32Array.from({ length: h * w }, (_, i) => f(i % w, Math.floor(i / w)));
  const pts = [[0.5, 0.25], [7.75, 5.5], [3.125, 2.875], [8, 6], [0, 6], [-2, 3.5], [10, -4]];
  const got = sampleSync({ data, shape: [1, 1, h, w] }, { data: Float32Array.from(pts.flat()), shape: [1, pts.length, 2] });
  const clamp = (v, hi) => Math.min(Math.max(v, 0), hi);
  t.deepEqual(Array.from(got.data), pts.map(([x, y]) => f(clamp(x, w - 1), clamp(y, h - 1))));
});

test('a point on a pixel centre reads that pixel beside a non-finite neighbour; NaN and Inf in the taps propagate', (t) => {
  const data = Float32Array.from([1, Infinity, 3, NaN]);  // 2 x 2
  const read = (pts, mode = 'bilinear') => Array.from(sampleSync({ data, shape: [1, 2, 2] }, { data: Float32Array.from(pts.flat()), shape: [pts.length, 2] }, { mode }).data);
  t.deepEqual(read([[0, 0], [0, 1]]), [1, 3]);
  t.deepEqual(read([[0.5, 0], [0, 0.5], [0.5, 0.5]]), [Infinity, 2, NaN]);
});

test('Uint8 maps read their raw 0..255 values, as decode\'s scores are', (t) => {
  const data = Uint8Array.from([0, 255, 100, 201]);
  const got = sampleSync({ data, shape: [1, 2, 2] }, { data: Float32Array.from([1, 0, 0.5, 0.5, 0, 0.25]), shape: [3, 2] });
  t.deepEqual(Array.from(got.data), [255, 139, 25]);
});

test('async equals sync; transfer moves and hands back; out is written and returned', async (t) => {
  const random = rng(1301);
  const [n, c, h, w, p] = [3, 4, 10, 12, 50];
  const { input } = mapsOf('float32', n * c * h * w, random);
  const points = new Float32Array(n * p * 2);
  for (let i = 0; i < n; i++) points.set(pointsFor(random, h, w, p), i * p * 2);
  const want = sampleSync({ data: input.data, shape: [n, c, h, w] }, { data: points, shape: [n, p, 2] });
  const got = await sample({ data: input.data, shape: [n, c, h, w] }, { data: points, shape: [n, p, 2] });
  t.true(sameBytes(bytesOf(got.data), bytesOf(want.data)));
  const out = new Float32Array(n * p * c);
  const into = sampleSync({ data: input.data, shape: [n, c, h, w] }, { data: points, shape: [n, p, 2] }, { out: { data: out } });
  t.is(into.data, out);
  t.true(sameBytes(bytesOf(out), bytesOf(want.data)));
  const maps = input.data.slice();
  const pts = points.slice();
  const moved = await sample({ data: maps, shape: [n, c, h, w] }, { data: pts, shape: [n, p, 2] }, { transfer: true });
  t.is(maps.byteLength, 0);
  t.is(pts.byteLength, 0);
  t.true(sameBytes(bytesOf(moved.input.maps), bytesOf(input.data)));
  t.true(sameBytes(bytesOf(moved.input.points), bytesOf(points)));
  t.true(sameBytes(bytesOf(moved.data), bytesOf(want.data)));
});

test('empty batches give empty results of the right shape', async (t) => {
  const cases = [
    [{ data: new Float32Array(0), shape: [0, 3, 4, 5] }, { data: new Float32Array(0), shape: [0, 7, 2] }, {}, [0, 7, 3]],
    [{ data: new Float32Array(0), shape: [2, 0, 4, 5] }, { data: new Float32Array(12), shape: [2, 3, 2] }, {}, [2, 3, 0]],
    [{ data: new Float32Array(40), shape: [2, 1, 4, 5] }, { data: new Float32Array(0), shape: [2, 0, 2] }, {}, [2, 0, 1]],
    [{ data: new Uint8Array(0), shape: [4, 5, 0] }, { data: new Float32Array(6), shape: [3, 2] }, { layout: 'nhwc' }, [3, 0]],
    [{ data: new Uint8Array(0), shape: [0, 4, 5, 2] }, { data: new Float32Array(0), shape: [0, 1, 2] }, { layout: 'nhwc', mode: 'nearest' }, [0, 1, 2]],
  ];
  for (const [maps, points, options, shape] of cases) {
    for (const result of [sampleSync(maps, points, options), await sample(maps, points, options)]) {
      t.deepEqual(result.shape, shape);
      t.is(result.data.length, 0);
    }
  }
});

const maps4 = { data: new Float32Array(2 * 3 * 4 * 5), shape: [2, 3, 4, 5] };
const points3 = { data: new Float32Array(2 * 6 * 2), shape: [2, 6, 2] };

const REFUSALS = [
  [[{ data: new Float32Array(20), shape: [4, 5] }, points3], RangeError, 'Expected rank 3 or 4 ([C, H, W] or [N, C, H, W]) for maps.shape but received rank 2 [4, 5]'],
  [[{ data: new Float32Array(20), shape: [1, 1, 1, 4, 5] }, points3], RangeError, 'Expected rank 3 or 4 ([C, H, W] or [N, C, H, W]) for maps.shape but received rank 5 [1, 1, 1, 4, 5]'],
  [[{ data: new Float32Array(20), shape: [4, 5] }, points3, { layout: 'nhwc' }], RangeError, "Expected rank 3 or 4 ([H, W, C] or [N, H, W, C]) for layout 'nhwc' for maps.shape but received rank 2 [4, 5]"],
  [[{ data: new Float32Array(19), shape: [1, 4, 5] }, { data: new Float32Array(2), shape: [1, 2] }], RangeError, 'Expected 20 elements (the product of shape [1, 4, 5]) for maps.data but received 19'],
  [[{ data: new Float64Array(20), shape: [1, 4, 5] }, { data: new Float32Array(2), shape: [1, 2] }], TypeError, 'Expected a Float32Array or Uint8Array (convert with Float32Array.from(data)) for maps.data but received Float64Array(20)'],
  [[{ data: new Float32Array(0), shape: [1, 0, 5] }, { data: new Float32Array(2), shape: [1, 2] }], RangeError, 'Expected integer dimensions (H and W positive, N and C >= 0) for maps.shape but received [1, 0, 5]'],
  [[new Float32Array(20), points3], TypeError, 'Expected an object { data, shape } (pass { data: array, shape: [...] }) for maps but received Float32Array(20)'],
  [[maps4, { data: new Float32Array(12), shape: [6, 2] }], RangeError, 'Expected rank 3 ([N, P, 2]) for maps of rank 4 for points.shape but received rank 2 [6, 2]'],
  [[{ data: new Float32Array(60), shape: [3, 4, 5] }, points3], RangeError, 'Expected rank 2 ([P, 2]) for maps of rank 3 for points.shape but received rank 3 [2, 6, 2]'],
  [[maps4, { data: new Float32Array(36), shape: [2, 6, 3] }], RangeError, 'Expected a last dimension of 2 (x, y) in rank 3 for points.shape but received [2, 6, 3]'],
  [[maps4, { data: new Float32Array(36), shape: [3, 6, 2] }], RangeError, 'Expected N = 2 (the N of maps [2, 3, 4, 5]) for points.shape but received [3, 6, 2]'],
  [[{ data: new Float32Array(120), shape: [2, 4, 5, 3] }, { data: new Float32Array(2), shape: [1, 1, 2] }, { layout: 'nhwc' }], RangeError, 'Expected N = 2 (the N of maps [2, 4, 5, 3]) for points.shape but received [1, 1, 2]'],
  [[maps4, { data: new Uint8Array(24), shape: [2, 6, 2] }], TypeError, 'Expected a Float32Array for points.data but received Uint8Array(24)'],
  [[maps4, { data: new Float32Array(23), shape: [2, 6, 2] }], RangeError, 'Expected 24 elements (the product of shape [2, 6, 2]) for points.data but received 23'],
  [[maps4, { data: new Float32Array(0), shape: [2, 0, 0] }], RangeError, 'Expected integer dimensions (N and P >= 0, the last 2) for points.shape but received [2, 0, 0]'],
  [[{ data: new Float32Array(2 ** 24 + 1), shape: [1, 1, 1, 2 ** 24 + 1] }, { data: new Float32Array(2), shape: [1, 1, 2] }], RangeError, 'Expected height and width at most 16777216 for maps.shape but received [1, 1, 1, 16777217]'],
  [[maps4, points3, { mode: 'bicubic' }], TypeError, "Expected one of 'nearest', 'bilinear' for options.mode but received \"bicubic\""],
  [[maps4, points3, { layout: 'NHWC' }], TypeError, "Expected one of 'nchw', 'nhwc' for options.layout but received \"NHWC\""],
  [[maps4, points3, { k: 3 }], TypeError, 'Expected only the keys mode, layout, out for options but received key "k"'],
  [[maps4, points3, 'bilinear'], TypeError, 'Expected an options object for options but received "bilinear"'],
  [[maps4, points3, { out: { data: new Float32Array(35) } }], RangeError, 'Expected a Float32Array of 36 elements for options.out.data but received Float32Array(35)'],
  [[maps4, points3, { out: new Float32Array(36) }], TypeError, 'Expected an object { data } for options.out but received Float32Array(36)'],
  [[maps4, points3, { out: { data: maps4.data.subarray(0, 36) } }], RangeError, 'Expected an array that does not share memory with the input for options.out.data but received Float32Array(36)'],
  [[maps4, { data: new Float32Array(2), shape: [2, 2 ** 51, 2] }], RangeError, 'Expected an element count below 2^53 for points.shape but received [2, 2251799813685248, 2] (9007199254740992 elements)'],
];

test('refusals: exact messages, sync throws and async rejects, nothing written', async (t) => {
  for (const [args, Type, message] of REFUSALS) {
    const out = args[2]?.out?.data;
    const before = out ? snapshot(out) : null;
    t.throws(() => sampleSync(...args), { instanceOf: Type, message }, message);
    await t.throwsAsync(sample(...args), { instanceOf: Type, message }, message);
    if (out) t.true(sameBytes(bytesOf(out), before), `${message}: out untouched`);
  }
  // transfer is an async option only.
  t.throws(() => sampleSync(maps4, points3, { transfer: true }), { instanceOf: TypeError, message: 'Expected only the keys mode, layout, out for options but received key "transfer"' });
});

test('a result too large for a typed array is refused before anything is allocated', (t) => {
  // 2^16 channels of one pixel, read at 2^26 points: 2^42 values.
  const maps = { data: new Float32Array(2 ** 16), shape: [1, 2 ** 16, 1, 1] };
  const error = t.throws(() => sampleSync(maps, { data: new Float32Array(2 ** 27), shape: [1, 2 ** 26, 2] }), { instanceOf: RangeError });
  t.regex(error.message, /^Expected at most \d+ elements \(the longest typed array this Node\.js makes\) for the output but received 4398046511104 elements$/);
});

// binding/ and native/ keep their own guard for requests lib/ never sends.
test('the native guard refuses malformed requests, sync and async alike', async (t) => {
  const { addon } = createRequire(import.meta.url)('../dist/addon.js');
  const base = {
    data: new Float32Array(2 * 3 * 4 * 5), dtype: 'float32', planes: 6, height: 4, width: 5, layout: 'nchw', channels: 1,
    samples: 2, perSample: 3, points: 4, mode: 'bilinear', threads: 1, coords: new Float32Array(16), output: new Float32Array(24),
  };
  const cases = [
    [{ samples: 3 }, 'internal: coords is too short'],
    [{ perSample: 2 }, 'internal: maps must hold samples * channels planes'],
    [{ mode: 'cubic' }, 'internal: unknown sample mode cubic'],
    [{ layout: 'nhwc', channels: 2 }, "internal: NHWC maps must have the request's channels"],
    [{ layout: 'nhwc', channels: 4 }, 'internal: maps: channels must be positive and divide the planes for NHWC'],
    [{ output: new Float32Array(23) }, 'internal: output is too short'],
    [{ output: new Float32Array(base.data.buffer, 0, 24) }, null],
  ];
  for (const [change, message] of cases) {
    const request = { ...base, ...change };
    const sync = thrown(() => addon.sampleSync(request));
    // The raw async entry throws while unpacking, before any Promise exists.
    const async = await (async () => addon.sample(request))().then(() => null, (e) => e);
    if (message === null) {
      // An output over the maps' memory: refused by the overlap check, whatever its wording.
      t.truthy(sync);
      t.is(async?.message, sync.message);
      continue;
    }
    t.is(sync?.message, message, JSON.stringify(change));
    t.is(async?.message, message, JSON.stringify(change));
  }
});

test('onnxruntime-style { data, dims } and tfjs tensors are read as they are', async (t) => {
  const tf = await import('@tensorflow/tfjs-core');
  await import('@tensorflow/tfjs-backend-cpu');
  await tf.setBackend('cpu');
  const [n, h, w, c, p] = [2, 5, 6, 3, 7];
  const random = rng(1302);
  const values = Float32Array.from({ length: n * h * w * c }, () => random() * 10);
  const points = new Float32Array(n * p * 2);
  for (let i = 0; i < n; i++) points.set(pointsFor(random, h, w, p), i * p * 2);
  const want = sampleBatchRef(values, 'nhwc', [n, c, h, w], points, p, 'bilinear');
  const maps = tf.tensor4d(values, [n, h, w, c]);
  const pts = tf.tensor3d(points, [n, p, 2]);
  try {
    t.true(same(sampleSync(maps, pts, { layout: 'nhwc' }).data, want), 'tfjs');
    t.true(same(sampleSync({ data: values, dims: [n, h, w, c] }, { data: points, dims: [n, p, 2] }, { layout: 'nhwc' }).data, want), 'dims');
  } finally {
    maps.dispose();
    pts.dispose();
  }
});
