// The offsets option of decode ('argmax') and peaks: PoseNet's 2K-channel offsets and CenterNet's
// 2-channel reg map, read at each valid integer peak, against plain-JS references of the published
// decoders (PoseNet's getImageCoords, CenterNet's ctdet_decode; helpers/sample-ref.mjs) applied to
// the peaks the independent references find (helpers/decode-ref.mjs), for every heatmap dtype, both
// map dtypes, both layouts, ranks 2 to 4, over planes and images; async and transfer; invalid and
// NaN cases; every refusal with its exact message.
import test from 'ava';
import { createRequire } from 'node:module';
import { decode, decodeSync, peaks, peaksSync, simd } from 'coordconv';
import { centernetRef, mapReader, posenetRef } from './helpers/sample-ref.mjs';
import { decodeArgmaxRef, peaksImageRef, peaksRef } from './helpers/decode-ref.mjs';
import { asHalves } from './helpers/half.mjs';
import { rng } from './helpers/inputs.mjs';
import { toNhwc } from './helpers/layout.mjs';
import { bytesOf, sameBytes, thrown } from './helpers/arbitraries.mjs';

test('the forced SIMD path is the one running', (t) => {
  t.is(simd().active, process.env.COORDCONV_SIMD || simd().available[0]);
});

const same = (got, want) => got.length === want.length && Array.from(got).every((v, i) => Object.is(v, want[i]) || (Number.isNaN(v) && Number.isNaN(want[i])));

// Heatmaps in a dtype: what the library reads and the values the references read. Some planes are
// all <= 0 (invalid for 'argmax'), the rest have blobs and plateaus.
function heatmapsOf(dtype, n, c, h, w, random) {
  const values = new Float32Array(n * c * h * w);
  for (let p = 0; p < n * c; p++) {
    const dead = p % 5 === 3;
    for (let i = 0; i < h * w; i++) values[p * h * w + i] = dead ? -random() : Math.floor(random() * 8) / 8;
  }
  if (dtype === 'uint8') {
    const data = Uint8Array.from(values, (v) => Math.max(0, Math.round(v * 255)));
    return { input: { data }, values: Float32Array.from(data) };
  }
  if (dtype === 'float32') return { input: { data: values }, values };
  const { bits, floats } = asHalves(values);
  return { input: { data: bits, type: 'float16' }, values: floats };
}

// Offsets in input pixels (PoseNet) or fractions of a cell (CenterNet), as float32 or float16.
function mapOf(dtype, count, scale, random) {
  const values = Float32Array.from({ length: count }, () => (random() - 0.5) * scale);
  if (dtype === 'float32') return { input: { data: values }, values };
  const { bits, floats } = asHalves(values);
  return { input: { data: bits, type: 'float16' }, values: floats };
}

const SHAPES = [[1, 1, 1, 1], [2, 3, 5, 7], [1, 17, 9, 9], [3, 4, 1, 13], [2, 5, 8, 1]];

test('decode with PoseNet offsets is getImageCoords at the argmax cell, every dtype and layout', (t) => {
  const random = rng(1400);
  for (const dtype of ['float32', 'uint8', 'float16']) {
    for (const mapDtype of ['float32', 'float16']) {
      for (const [n, k, h, w] of SHAPES) {
        const heat = heatmapsOf(dtype, n, k, h, w, random);
        const map = mapOf(mapDtype, n * 2 * k * h * w, 32, random);
        const getOffset = mapReader(map.values, 'nchw', [n, 2 * k, h, w]);
        const want = new Float32Array(n * k * 2);
        const valid = [];
        for (let p = 0; p < n * k; p++) {
          const ref = decodeArgmaxRef(heat.values.subarray(p * h * w, (p + 1) * h * w), h, w);
          valid.push(ref.valid);
          const xy = ref.valid ? posenetRef(getOffset, Math.floor(p / k), p % k, k, ref.x, ref.y, 16) : [NaN, NaN];
          want.set(xy, 2 * p);
        }
        for (const layout of ['nchw', 'nhwc']) {
          const label = `${dtype} heatmaps, ${mapDtype} offsets, [${n}, ${k}, ${h}, ${w}] ${layout}`;
          const nhwc = layout === 'nhwc';
          const heatData = nhwc ? toNhwc(heat.input.data, n, k, h, w) : heat.input.data;
          const mapData = nhwc ? toNhwc(map.input.data, n, 2 * k, h, w) : map.input.data;
          const got = decodeSync(
            { ...heat.input, data: heatData, shape: nhwc ? [n, h, w, k] : [n, k, h, w] },
            { layout, offsets: { kind: 'posenet', map: { ...map.input, data: mapData, shape: nhwc ? [n, h, w, 2 * k] : [n, 2 * k, h, w] }, outputStride: 16 } },
          );
          t.true(same(got.coords, want), label);
          t.deepEqual(Array.from(got.valid), valid, label);
        }
      }
    }
  }
});

test('decode with CenterNet reg adds the reg at the argmax cell, shared by the classes; ranks 2 and 3', (t) => {
  const random = rng(1401);
  for (const [n, c, h, w] of SHAPES) {
    const heat = heatmapsOf('float32', n, c, h, w, random);
    const map = mapOf('float32', n * 2 * h * w, 1, random);
    const getReg = mapReader(map.values, 'nchw', [n, 2, h, w]);
    const want = new Float32Array(n * c * 2);
    for (let p = 0; p < n * c; p++) {
      const ref = decodeArgmaxRef(heat.values.subarray(p * h * w, (p + 1) * h * w), h, w);
      want.set(ref.valid ? centernetRef(getReg, Math.floor(p / c), ref.x, ref.y) : [NaN, NaN], 2 * p);
    }
    for (const layout of ['nchw', 'nhwc']) {
      const nhwc = layout === 'nhwc';
      const got = decodeSync(
        { data: nhwc ? toNhwc(heat.values, n, c, h, w) : heat.values, shape: nhwc ? [n, h, w, c] : [n, c, h, w] },
        { layout, offsets: { kind: 'centernet', map: { data: nhwc ? toNhwc(map.values, n, 2, h, w) : map.values, shape: nhwc ? [n, h, w, 2] : [n, 2, h, w] } } },
      );
      t.true(same(got.coords, want), `[${n}, ${c}, ${h}, ${w}] ${layout}`);
    }
  }
  // [N, H, W] planes are images of one channel, [H, W] one image: the maps are [N, 2, H, W] and [2, H, W].
  const plane = Float32Array.from([0, 0, 0, 0, 0, 1]);  // 2 x 3, peak at (2, 1)
  const reg = Float32Array.from([0, 0, 0, 0, 0, 0.25, 0, 0, 0, 0, 0, -0.5]);
  t.deepEqual(Array.from(decodeSync({ data: plane, shape: [2, 3] }, { offsets: { kind: 'centernet', map: { data: reg, shape: [2, 2, 3] } } }).coords), [2.25, 0.5]);
  t.deepEqual(Array.from(decodeSync({ data: plane, shape: [1, 2, 3] }, { offsets: { kind: 'centernet', map: { data: reg, shape: [1, 2, 2, 3] } } }).coords), [2.25, 0.5]);
  t.deepEqual(Array.from(decodeSync({ data: plane, shape: [2, 3] }, { offsets: { kind: 'posenet', map: { data: reg, shape: [2, 2, 3] }, outputStride: 8 } }).coords), [16 - 0.5, 8 + 0.25]);
});

test('peaks over planes with PoseNet offsets and over images with CenterNet reg equal the references', (t) => {
  const random = rng(1402);
  for (const [n, c, h, w] of [[1, 3, 16, 12], [2, 17, 9, 11], [3, 2, 1, 20]]) {
    const heat = heatmapsOf('float32', n, c, h, w, random);
    const planes = Array.from({ length: n * c }, (_, p) => heat.values.subarray(p * h * w, (p + 1) * h * w));
    const posenet = mapOf('float16', n * 2 * c * h * w, 20, random);
    const reg = mapOf('float32', n * 2 * h * w, 1, random);
    const getOffset = mapReader(posenet.values, 'nchw', [n, 2 * c, h, w]);
    const getReg = mapReader(reg.values, 'nchw', [n, 2, h, w]);
    const k = 6;
    const wantPlanes = [];
    for (let p = 0; p < n * c; p++) {
      const ref = peaksRef(planes[p], h, w, { k, threshold: 0.3 });
      for (let j = 0; j < k; j++) {
        wantPlanes.push(...(ref.valid[j] ? posenetRef(getOffset, Math.floor(p / c), p % c, c, ref.coords[2 * j], ref.coords[2 * j + 1], 8) : [NaN, NaN]));
      }
    }
    const wantImages = [];
    for (let i = 0; i < n; i++) {
      const ref = peaksImageRef(planes.slice(i * c, (i + 1) * c), h, w, { k, threshold: 0.3 });
      for (let j = 0; j < k; j++) wantImages.push(...(ref.valid[j] ? centernetRef(getReg, i, ref.coords[2 * j], ref.coords[2 * j + 1]) : [NaN, NaN]));
    }
    for (const layout of ['nchw', 'nhwc']) {
      const nhwc = layout === 'nhwc';
      const label = `[${n}, ${c}, ${h}, ${w}] ${layout}`;
      const input = { data: nhwc ? toNhwc(heat.values, n, c, h, w) : heat.values, shape: nhwc ? [n, h, w, c] : [n, c, h, w] };
      const pose = { ...posenet.input, data: nhwc ? toNhwc(posenet.input.data, n, 2 * c, h, w) : posenet.input.data, shape: nhwc ? [n, h, w, 2 * c] : [n, 2 * c, h, w] };
      const regMap = { data: nhwc ? toNhwc(reg.values, n, 2, h, w) : reg.values, shape: nhwc ? [n, h, w, 2] : [n, 2, h, w] };
      const byPlane = peaksSync(input, { layout, k, threshold: 0.3, offsets: { kind: 'posenet', map: pose, outputStride: 8 } });
      t.true(same(byPlane.coords, wantPlanes), `${label} over planes`);
      const byImage = peaksSync(input, { layout, k, threshold: 0.3, over: 'image', offsets: { kind: 'centernet', map: regMap } });
      t.true(same(byImage.coords, wantImages), `${label} over images`);
      // The rest of the result is the one without offsets.
      const plain = peaksSync(input, { layout, k, threshold: 0.3, over: 'image' });
      for (const key of ['scores', 'valid', 'counts', 'channels']) t.true(sameBytes(bytesOf(byImage[key]), bytesOf(plain[key])), `${label} ${key}`);
    }
  }
});

test('invalid results stay NaN; a NaN offset gives a NaN coordinate of a valid result', (t) => {
  const heat = Float32Array.from([0, 0, 0, 0, 0, 1, /* dead plane */ 0, 0, 0, 0, 0, 0]);  // [1, 2, 2, 3]
  const reg = new Float32Array(12).fill(0.5);
  reg[5] = NaN;
  const got = decodeSync({ data: heat, shape: [1, 2, 2, 3] }, { offsets: { kind: 'centernet', map: { data: reg, shape: [1, 2, 2, 3] } } });
  t.true(Number.isNaN(got.coords[0]));
  t.is(got.coords[1], 1.5);
  t.deepEqual(Array.from(got.valid), [1, 0]);
  t.true(Number.isNaN(got.coords[2]) && Number.isNaN(got.coords[3]));
});

test('async equals sync, with transfer too; empty batches', async (t) => {
  const random = rng(1403);
  const [n, k, h, w] = [2, 5, 9, 10];
  const heat = heatmapsOf('float32', n, k, h, w, random);
  const map = mapOf('float32', n * 2 * k * h * w, 16, random);
  const options = { offsets: { kind: 'posenet', map: { data: map.values, shape: [n, 2 * k, h, w] }, outputStride: 32 } };
  const want = decodeSync({ data: heat.values, shape: [n, k, h, w] }, options);
  const got = await decode({ data: heat.values.slice(), shape: [n, k, h, w] }, { ...options, transfer: true });
  t.true(sameBytes(bytesOf(got.coords), bytesOf(want.coords)));
  const wantPeaks = peaksSync({ data: heat.values, shape: [n, k, h, w] }, options);
  const gotPeaks = await peaks({ data: heat.values, shape: [n, k, h, w] }, options);
  t.true(sameBytes(bytesOf(gotPeaks.coords), bytesOf(wantPeaks.coords)));
  const empty = decodeSync({ data: new Float32Array(0), shape: [0, 3, 4, 4] }, { offsets: { kind: 'posenet', map: { data: new Float32Array(0), shape: [0, 6, 4, 4] }, outputStride: 8 } });
  t.is(empty.coords.length, 0);
  const none = peaksSync({ data: new Float32Array(0), shape: [2, 0, 4, 4] }, { over: 'image', offsets: { kind: 'centernet', map: { data: new Float32Array(64), shape: [2, 2, 4, 4] } } });
  t.deepEqual(Array.from(none.counts), [0, 0]);
});

const heat = { data: new Float32Array(2 * 3 * 4 * 5), shape: [2, 3, 4, 5] };
const pose = (shape, extra = {}) => ({ offsets: { kind: 'posenet', map: { data: new Float32Array(shape.reduce((a, b) => a * b, 1)), shape }, outputStride: 16, ...extra } });
const centre = (shape) => ({ offsets: { kind: 'centernet', map: { data: new Float32Array(shape.reduce((a, b) => a * b, 1)), shape } } });

const REFUSALS = [
  [{ method: 'dark', ...centre([2, 2, 4, 5]) }, TypeError, "Expected 'argmax' (options.offsets are read at the integer peak) for options.method but received \"dark\""],
  [{ method: 'quarter', ...centre([2, 2, 4, 5]) }, TypeError, "Expected 'argmax' (options.offsets are read at the integer peak) for options.method but received \"quarter\""],
  [{ offsets: 'posenet' }, TypeError, "Expected an object { kind: 'posenet' | 'centernet', map, ... } for options.offsets but received \"posenet\""],
  [{ offsets: { map: heat } }, TypeError, "Expected one of 'posenet', 'centernet' for options.offsets.kind but received undefined"],
  [{ offsets: { kind: 'hrnet', map: heat } }, TypeError, "Expected one of 'posenet', 'centernet' for options.offsets.kind but received \"hrnet\""],
  [{ offsets: { kind: 'centernet', map: heat.data } }, TypeError, 'Expected an object { data, shape } (pass { data: array, shape: [...] }) for options.offsets.map but received Float32Array(120)'],
  [{ offsets: { kind: 'centernet', map: { data: new Float32Array(80), shape: [2, 2, 4, 5] }, outputStride: 4 } }, TypeError, "Expected only the keys kind, map for options.offsets (kind 'centernet') but received key \"outputStride\""],
  [{ offsets: { kind: 'posenet', map: { data: new Float32Array(240), shape: [2, 6, 4, 5] } } }, TypeError, 'Expected a finite number > 0 for options.offsets.outputStride but received undefined'],
  [pose([2, 6, 4, 5], { outputStride: 0 }), RangeError, 'Expected a finite number > 0 for options.offsets.outputStride but received 0'],
  [pose([2, 6, 4, 5], { outputStride: Infinity }), RangeError, 'Expected a finite number > 0 for options.offsets.outputStride but received Infinity'],
  [pose([2, 3, 4, 5]), RangeError, 'Expected [2, 6, 4, 5] (6 channels (2K: y offsets then x) for heatmaps [2, 3, 4, 5]) for options.offsets.map.shape but received [2, 3, 4, 5]'],
  [pose([1, 6, 4, 5]), RangeError, 'Expected [2, 6, 4, 5] (6 channels (2K: y offsets then x) for heatmaps [2, 3, 4, 5]) for options.offsets.map.shape but received [1, 6, 4, 5]'],
  [centre([2, 2, 5, 4]), RangeError, 'Expected [2, 2, 4, 5] (2 channels (x then y) for heatmaps [2, 3, 4, 5]) for options.offsets.map.shape but received [2, 2, 5, 4]'],
  [centre([2, 4, 5]), RangeError, 'Expected [2, 2, 4, 5] (2 channels (x then y) for heatmaps [2, 3, 4, 5]) for options.offsets.map.shape but received [2, 4, 5]'],
  [{ offsets: { kind: 'centernet', map: { data: new Uint8Array(80), shape: [2, 2, 4, 5] } } }, TypeError, 'Expected a Float32Array or float16 bits (a Uint16Array with type: \'float16\') (offsets are signed pixels) for options.offsets.map.data but received Uint8Array(80)'],
  [{ offsets: { kind: 'centernet', map: { data: new Float32Array(79), shape: [2, 2, 4, 5] } } }, RangeError, 'Expected 80 elements (the product of shape [2, 2, 4, 5]) for options.offsets.map.data but received 79'],
];

test('refusals: exact messages from decode and peaks, sync and async', async (t) => {
  for (const [options, Type, message] of REFUSALS) {
    t.throws(() => decodeSync(heat, options), { instanceOf: Type, message }, message);
    await t.throwsAsync(decode(heat, options), { instanceOf: Type, message }, message);
    if (options.method) continue;
    t.throws(() => peaksSync(heat, options), { instanceOf: Type, message }, `peaks ${message}`);
    await t.throwsAsync(peaks(heat, options), { instanceOf: Type, message }, `peaks ${message}`);
  }
  // The map follows the heatmaps' layout: an NCHW-shaped map for NHWC heatmaps does not fit.
  const nhwc = { data: heat.data, shape: [2, 4, 5, 3] };
  t.throws(() => decodeSync(nhwc, { layout: 'nhwc', ...pose([2, 6, 4, 5]) }), {
    instanceOf: RangeError,
    message: 'Expected [2, 4, 5, 6] (6 channels (2K: y offsets then x) for heatmaps [2, 4, 5, 3]) for options.offsets.map.shape but received [2, 6, 4, 5]',
  });
  // out may not share memory with the map.
  const map = new Float32Array(80);
  t.throws(() => decodeSync(heat, { offsets: { kind: 'centernet', map: { data: map, shape: [2, 2, 4, 5] } }, out: { coords: map.subarray(0, 12), scores: new Float32Array(6), valid: new Uint8Array(6) } }), {
    instanceOf: RangeError,
    message: 'Expected an array that does not share memory with the input for options.out.coords but received Float32Array(12)',
  });
});

// binding/ and native/ keep their own guard for offsets lib/ never sends.
test('the native guard refuses malformed offsets, for decode and peaks', async (t) => {
  const { addon } = createRequire(import.meta.url)('../dist/addon.js');
  const map = { kind: 'centernet', data: new Float32Array(2 * 2 * 4 * 5), dtype: 'float32', planes: 4, height: 4, width: 5, layout: 'nchw', channels: 1, images: 2, perImage: 3, outputStride: 0 };
  const decodeRequest = (offsets) => ({
    data: new Float32Array(120), dtype: 'float32', planes: 6, height: 4, width: 5, layout: 'nchw', channels: 1, threads: 1,
    method: 'argmax', kernel: 11, sigma: 2, threshold: 0.5, beta: 20, quarterRule: 'mmpose', minScore: 0, offsets,
    coords: new Float32Array(12), scores: new Float32Array(6), valid: new Uint8Array(6),
  });
  const peaksRequest = (offsets) => ({
    data: new Float32Array(120), dtype: 'float32', planes: 6, height: 4, width: 5, layout: 'nchw', channels: 1, threads: 1,
    over: 'plane', images: 6, perImage: 1, k: 2, threshold: 0.1, window: 3, offsets,
    coords: new Float32Array(24), scores: new Float32Array(12), valid: new Uint8Array(12), counts: new Uint32Array(6),
  });
  const cases = [
    [{ planes: 2, data: new Float32Array(40) }, 'internal: offsets: the map must hold 2 K (posenet) or 2 (centernet) planes per image'],
    [{ images: 3 }, 'internal: offsets: images and per_image do not match the planes'],
    [{ height: 5, width: 4 }, "internal: offsets: the map's sides must be the heatmaps'"],
    [{ kind: 'posenet', planes: 12, data: new Float32Array(240) }, 'internal: offsets: output stride must be finite and positive'],
    [{ kind: 'hrnet' }, 'internal: unknown offsets kind hrnet'],
    [{ data: new Float32Array(79) }, 'internal: data length does not match its shape'],
  ];
  for (const [change, message] of cases) {
    for (const request of [decodeRequest({ ...map, ...change }), peaksRequest({ ...map, ...change })]) {
      t.is(thrown(() => (request.k ? addon.peaksSync : addon.decodeSync)(request))?.message, message, JSON.stringify(change));
    }
  }
  const dark = { ...decodeRequest(map), method: 'dark' };
  t.is(thrown(() => addon.decodeSync(dark))?.message, 'internal: offsets need method argmax');
  t.is(thrown(() => addon.decodeSync(decodeRequest(7)))?.message, 'internal: offsets is not an object');
});
