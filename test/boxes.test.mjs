// decodeBoxes: CenterNet's ctdet_decode against a plain-JS port of it (test/helpers/boxes-ref.mjs)
// on random heatmaps with plateaus, ties across classes, non-finite planes, in every dtype and both
// layouts, with and without offsets; CenterNet's K slots exactly when the threshold admits every
// peak; the shapes, empty batches, transfer, and the errors in the library's words.
import { readFileSync } from 'node:fs';
import test from 'ava';
import fc from 'fast-check';
import { decodeBoxes, decodeBoxesSync, peaksSync, simd } from 'coordconv';
import { boxesDiff, ctdetDecodeRef } from './helpers/boxes-ref.mjs';
import { runs } from './helpers/arbitraries.mjs';
import { asHalves } from './helpers/half.mjs';
import { toNhwc } from './helpers/layout.mjs';
import { randint, rng } from './helpers/inputs.mjs';

const LOWEST = -3.4028234663852886e38;  // the lowest float32: a threshold every finite value passes

test('the forced SIMD path is the one running', (t) => {
  t.is(simd().active, process.env.COORDCONV_SIMD || simd().available[0]);
});

// Values that tie and make plateaus (CenterNet's keep is hmax == heat, so a flat top keeps all its pixels).
const PALETTE = { float32: [-2, -0.5, 0, 0.125, 0.5, 0.75, 1], uint8: [0, 1, 26, 128, 255], float16: [-2, -0.5, 0, 0.125, 0.5, 0.75, 1] };

// A random batch: heat values (palette planes, smooth random planes, now and then a non-finite
// value), sizes and offsets in float32 or float16, as typed arrays and as the numbers they hold.
function batchOf(seed, { n, c, h, w, dtype, mapDtype, withOffsets }) {
  const random = rng(seed);
  const hw = h * w;
  const heat = [];
  for (let p = 0; p < n * c; p++) {
    const palette = random() < 0.6;
    for (let i = 0; i < hw; i++) {
      heat.push(palette ? PALETTE[dtype][randint(random, PALETTE[dtype].length)] : dtype === 'uint8' ? randint(random, 256) : random());
    }
    if (dtype !== 'uint8' && random() < 0.1) heat[p * hw + randint(random, hw)] = [NaN, Infinity, -Infinity][randint(random, 3)];
  }
  const typed = (values, type) => {
    if (type === 'uint8') return { data: Uint8Array.from(values), values: Uint8Array.from(values) };
    if (type === 'float16') {
      const { bits, floats } = asHalves(values);
      return { data: bits, values: floats, type: 'float16' };
    }
    const data = Float32Array.from(values);
    return { data, values: data };
  };
  const wh = Array.from({ length: n * 2 * hw }, () => (random() < 0.2 ? randint(random, 40) : -1 + 30 * random()));
  const reg = Array.from({ length: n * 2 * hw }, () => random());
  return { heat: typed(heat, dtype), wh: typed(wh, mapDtype), reg: withOffsets ? typed(reg, mapDtype) : undefined };
}

// The call's inputs in `layout`, rank 4 or (one image) rank 3.
function inputsOf(batch, { n, c, h, w }, layout, rank3) {
  const tensor = (t, channels) => {
    if (!t) return undefined;
    const data = layout === 'nhwc' ? toNhwc(t.data, n, channels, h, w) : t.data;
    const shape = layout === 'nhwc' ? [n, h, w, channels] : [n, channels, h, w];
    return { data, shape: rank3 ? shape.slice(1) : shape, ...(t.type ? { type: t.type } : {}) };
  };
  return { heatmaps: tensor(batch.heat, c), sizes: tensor(batch.wh, 2), offsets: tensor(batch.reg, 2) };
}

const shapes = fc.record({
  n: fc.integer({ min: 0, max: 3 }),
  c: fc.integer({ min: 0, max: 5 }),
  h: fc.integer({ min: 1, max: 12 }),
  w: fc.integer({ min: 1, max: 20 }),
  dtype: fc.constantFrom('float32', 'uint8', 'float16'),
  mapDtype: fc.constantFrom('float32', 'float16'),
  withOffsets: fc.boolean(),
});

test('equals the port of ctdet_decode: every dtype, both layouts, with and without offsets', (t) => {
  fc.assert(
    fc.property(
      shapes,
      fc.integer({ min: 0, max: 2 ** 31 }),
      fc.integer({ min: 1, max: 15 }),
      fc.constantFrom(LOWEST, -1, 0, 0.1, 0.5),
      fc.constantFrom(1, 3, 5),
      fc.constantFrom('nchw', 'nhwc'),
      (dims, seed, k, threshold, window, layout) => {
        const batch = batchOf(seed, dims);
        const uint8 = dims.dtype === 'uint8';
        const cut = uint8 ? Math.max(0, Math.min(1, threshold)) : threshold;
        const rank3 = dims.n === 1 && seed % 2 === 0;
        const { heatmaps, sizes, offsets } = inputsOf(batch, dims, layout, rank3);
        const r = decodeBoxesSync(heatmaps, { sizes, ...(offsets ? { offsets } : {}), k, threshold: cut, window, layout });
        const ref = ctdetDecodeRef(
          { heat: batch.heat.values, wh: batch.wh.values, reg: batch.reg?.values, ...dims },
          { k, threshold: uint8 ? cut * 255 : cut, window },
        );
        const diff = boxesDiff(r, ref, k);
        if (diff) t.log(`${JSON.stringify(dims)} seed ${seed} k ${k} threshold ${cut} window ${window} ${layout}: ${diff}`);
        const shapeOk = JSON.stringify(r.shape) === JSON.stringify(rank3 ? [] : [dims.n]) && r.k === k && r.boxes.length === dims.n * k * 4;
        return diff === '' && shapeOk;
      },
    ),
    runs(200),
  );
  t.pass();
});

// Heatmaps as CenterNet's detector hands them to ctdet_decode: sigmoid outputs (all > 0), with
// plateaus of equal values.
function sigmoidHeat(random, count) {
  const levels = [-3, -1, 0.5, 2];
  return Float32Array.from({ length: count }, () => 1 / (1 + Math.exp(-(random() < 0.3 ? levels[randint(random, 4)] : -4 + 8 * random()))));
}

test("a threshold that admits every peak gives CenterNet's K slots exactly, once an image has K peaks", (t) => {
  const random = rng(11);
  const n = 2, c = 3, h = 16, w = 16, k = 20;
  const heat = sigmoidHeat(random, n * c * h * w);
  const wh = Float32Array.from({ length: n * 2 * h * w }, () => 40 * random());
  const reg = Float32Array.from({ length: n * 2 * h * w }, () => random());
  const ref = ctdetDecodeRef({ heat, wh, reg, n, c, h, w }, { k });  // CenterNet literally: no threshold
  t.true(ref.every((slots) => slots.every((s) => s.score > 0)), 'every slot a peak');
  for (const threshold of [LOWEST, 0]) {
    const r = decodeBoxesSync({ data: heat, shape: [n, c, h, w] }, { sizes: { data: wh, shape: [n, 2, h, w] }, offsets: { data: reg, shape: [n, 2, h, w] }, k, threshold });
    t.is(boxesDiff(r, ref, k), '');
    t.deepEqual([...r.counts], [k, k]);
  }
});

test("with fewer than K peaks, the used slots are CenterNet's first ones and its others score 0 (vis_thresh drops them)", (t) => {
  const h = 8, w = 8, c = 2;
  const heat = new Float32Array(c * h * w).fill(0.01);
  heat[0 * 64 + 3 * 8 + 2] = 0.9;
  heat[1 * 64 + 6 * 8 + 6] = 0.4;
  const wh = new Float32Array(2 * h * w).fill(3);
  const k = 5;
  // CenterNet's own K slots: both peaks, then suppressed pixels at score 0 (the 0.01 plateau is
  // no peak where it touches a larger value, and a peak elsewhere: ranked below the two).
  const ref = ctdetDecodeRef({ heat, wh, n: 1, c, h, w }, { k });
  const r = decodeBoxesSync({ data: heat, shape: [1, c, h, w] }, { sizes: { data: wh, shape: [1, 2, h, w] }, k, threshold: 0.1 });
  t.deepEqual([...r.counts], [2]);
  for (let j = 0; j < 2; j++) {
    t.deepEqual([...r.boxes.subarray(4 * j, 4 * j + 4)], ref[0][j].box);
    t.is(r.scores[j], ref[0][j].score);
    t.is(r.classes[j], ref[0][j].cls);
  }
  t.true(ref[0].slice(2).every((s) => s.score < 0.1));
  t.deepEqual([...r.valid], [1, 1, 0, 0, 0]);
  t.true([...r.boxes.subarray(8)].every(Number.isNaN));
});

test('the formula by hand: centre plus offset, half the size each side; without offsets the centre plus 0.5', (t) => {
  const h = 4, w = 5;
  const heat = new Float32Array(2 * h * w);
  heat[1 * 20 + 2 * 5 + 3] = 0.9;  // class 1 at x 3, y 2
  const wh = new Float32Array(2 * h * w);
  wh[0 * 20 + 13] = 4;  // width
  wh[1 * 20 + 13] = 3;  // height
  const reg = new Float32Array(2 * h * w);
  reg[0 * 20 + 13] = 0.25;
  reg[1 * 20 + 13] = 0.75;
  const heatmaps = { data: heat, shape: [1, 2, h, w] }, sizes = { data: wh, shape: [1, 2, h, w] };
  const a = decodeBoxesSync(heatmaps, { sizes, offsets: { data: reg, shape: [1, 2, h, w] }, k: 1 });
  t.deepEqual([...a.boxes], [3.25 - 2, 2.75 - 1.5, 3.25 + 2, 2.75 + 1.5]);
  t.deepEqual([...a.classes], [1]);
  t.is(a.scores[0], Math.fround(0.9));
  const b = decodeBoxesSync(heatmaps, { sizes, k: 1 });
  t.deepEqual([...b.boxes], [3.5 - 2, 2.5 - 1.5, 3.5 + 2, 2.5 + 1.5]);
});

test('scores, classes, valid and counts are those of peaks over images', (t) => {
  const random = rng(5);
  const n = 3, c = 7, h = 13, w = 17;
  const heat = sigmoidHeat(random, n * c * h * w);
  const wh = new Float32Array(n * 2 * h * w).fill(1);
  for (const threshold of [0.3, 0.6]) {
    const b = decodeBoxesSync({ data: heat, shape: [n, c, h, w] }, { sizes: { data: wh, shape: [n, 2, h, w] }, k: 30, threshold });
    const p = peaksSync({ data: heat, shape: [n, c, h, w] }, { over: 'image', k: 30, threshold });
    t.deepEqual(b.scores, p.scores);
    t.deepEqual(b.classes, p.channels);
    t.deepEqual(b.valid, p.valid);
    t.deepEqual(b.counts, p.counts);
  }
});

test('CenterNet [1, 80, 128, 128], sync and async alike, against the port', async (t) => {
  const random = rng(80);
  const c = 80, h = 128, w = 128, k = 100;
  const heat = Float32Array.from({ length: c * h * w }, () => random() ** 8);
  const wh = Float32Array.from({ length: 2 * h * w }, () => 64 * random());
  const reg = Float32Array.from({ length: 2 * h * w }, () => random());
  const args = () => [{ data: heat, shape: [1, c, h, w] }, { sizes: { data: wh, shape: [1, 2, h, w] }, offsets: { data: reg, shape: [1, 2, h, w] }, k, threshold: 0.1 }];
  const ref = ctdetDecodeRef({ heat, wh, reg, n: 1, c, h, w }, { k, threshold: 0.1 });
  t.is(boxesDiff(decodeBoxesSync(...args()), ref, k), '');
  t.is(boxesDiff(await decodeBoxes(...args()), ref, k), '');
  t.is(ref[0].filter((s) => s.valid).length, k);
});

test('sizes and offsets are read as they are: a NaN size gives a NaN box in a valid slot, a negative one x2 < x1', (t) => {
  const heat = new Float32Array(2 * 9);
  heat[4] = 1;  // class 0 at (1, 1)
  heat[9 + 0] = 0.5;  // class 1 at (0, 0)
  const wh = new Float32Array(2 * 9);
  wh[4] = NaN;
  wh[9 + 4] = 2;
  wh[0] = -2;
  wh[9] = 2;
  const r = decodeBoxesSync({ data: heat, shape: [2, 3, 3] }, { sizes: { data: wh, shape: [2, 3, 3] }, k: 2 });
  t.deepEqual([...r.valid], [1, 1]);
  t.true(Number.isNaN(r.boxes[0]) && Number.isNaN(r.boxes[2]));
  t.deepEqual([...r.boxes.subarray(1, 2)], [0.5]);
  t.deepEqual([...r.boxes.subarray(4)], [1.5, -0.5, -0.5, 1.5]);
});

for (const layout of ['nchw', 'nhwc']) {
  test(`empty batches (${layout}): N = 0 gives empty arrays, C = 0 images with no boxes, sync and async`, async (t) => {
    const shape = (n, ch) => (layout === 'nchw' ? [n, ch, 4, 5] : [n, 4, 5, ch]);
    const call = (n, ch, f) => f({ data: new Float32Array(n * ch * 20), shape: shape(n, ch) }, { sizes: { data: new Float32Array(n * 40), shape: shape(n, 2) }, k: 3, layout });
    const transform = { data: new Float64Array(0), shape: [0, 2, 3] };
    const withTransform = (f) => f({ data: new Float32Array(0), shape: shape(0, 80) }, { sizes: { data: new Float32Array(0), shape: shape(0, 2) }, k: 3, layout, transform });
    for (const r of [call(0, 80, decodeBoxesSync), await call(0, 80, decodeBoxes), withTransform(decodeBoxesSync), await withTransform(decodeBoxes)]) {
      t.deepEqual(r.shape, [0]);
      t.is(r.boxes.length + r.scores.length + r.classes.length + r.valid.length + r.counts.length, 0);
    }
    for (const r of [call(2, 0, decodeBoxesSync), await call(2, 0, decodeBoxes)]) {
      t.deepEqual(r.shape, [2]);
      t.deepEqual([...r.counts], [0, 0]);
      t.deepEqual([...r.valid], [0, 0, 0, 0, 0, 0]);
      t.true([...r.boxes].every(Number.isNaN));
      t.deepEqual([...r.scores, ...r.classes], new Array(12).fill(0));
    }
  });
}

test('transfer: true moves the three inputs in, hands them back, and gives the answer of a copy', async (t) => {
  const random = rng(9);
  const n = 2, c = 3, h = 6, w = 7;
  const heat = sigmoidHeat(random, n * c * h * w);
  const wh = Float32Array.from({ length: n * 2 * h * w }, () => 10 * random());
  const reg = Float32Array.from({ length: n * 2 * h * w }, () => random());
  const want = decodeBoxesSync({ data: heat, shape: [n, c, h, w] }, { sizes: { data: wh, shape: [n, 2, h, w] }, offsets: { data: reg, shape: [n, 2, h, w] }, k: 4 });
  const copies = [heat.slice(), wh.slice(), reg.slice()];
  const r = await decodeBoxes({ data: copies[0], shape: [n, c, h, w] }, { sizes: { data: copies[1], shape: [n, 2, h, w] }, offsets: { data: copies[2], shape: [n, 2, h, w] }, k: 4, transfer: true });
  t.true(copies.every((a) => a.byteLength === 0));
  t.deepEqual(r.input.heatmaps, heat);
  t.deepEqual(r.input.sizes, wh);
  t.deepEqual(r.input.offsets, reg);
  for (const key of ['boxes', 'scores', 'classes', 'valid', 'counts']) t.deepEqual(r[key], want[key], key);
  // A view into a larger buffer is refused before anything moves.
  const heat2 = heat.slice(), big = new Float32Array(wh.length + 1);
  const refused = await decodeBoxes({ data: heat2, shape: [n, c, h, w] }, { sizes: { data: big.subarray(1), shape: [n, 2, h, w] }, transfer: true }).catch((e) => e);
  t.true(refused instanceof RangeError);
  t.is(refused.message, `Expected an array spanning its whole ArrayBuffer with transfer: true (or transfer: false, which copies it) for options.sizes.data but received a view of ${wh.length * 4} bytes at byte offset 4 of a ${big.byteLength}-byte ArrayBuffer`);
  t.is(heat2.byteLength, heat.byteLength);
});

test('errors in the library words', async (t) => {
  const h = 4, w = 5;
  const heatmaps = () => ({ data: new Float32Array(2 * 3 * h * w), shape: [2, 3, h, w] });
  const sizes = () => ({ data: new Float32Array(2 * 2 * h * w), shape: [2, 2, h, w] });
  const cases = [
    [[heatmaps()], TypeError, 'Expected an options object with sizes for options but received undefined'],
    [[heatmaps(), {}], TypeError, 'Expected an object { data, shape } for options.sizes but received undefined'],
    [[heatmaps(), { sizes: sizes(), scale: 4 }], TypeError, "Expected only the keys sizes, offsets, layout, k, threshold, window, transform for options but received key \"scale\""],
    [[{ data: new Float32Array(h * w), shape: [h, w] }, { sizes: sizes() }], RangeError, 'Expected rank 3 or 4 ([C, H, W] or [N, C, H, W]) for heatmaps.shape but received rank 2 [4, 5]'],
    [[heatmaps(), { sizes: { data: new Float32Array(2 * 2 * h * 6), shape: [2, 2, h, 6] } }], RangeError, "Expected shape [2, 2, 4, 5] (the heatmaps' images, height and width; 2 channels) for options.sizes.shape but received [2, 2, 4, 6]"],
    [[heatmaps(), { sizes: { data: new Float32Array(3 * 2 * h * w), dims: [3, 2, h, w] } }], RangeError, "Expected shape [2, 2, 4, 5] (the heatmaps' images, height and width; 2 channels) for options.sizes.dims but received [3, 2, 4, 5]"],
    [[heatmaps(), { sizes: sizes(), offsets: { data: new Float32Array(2 * h * w), shape: [2, 1, h, w] } }], RangeError, "Expected shape [2, 2, 4, 5] (the heatmaps' images, height and width; 2 channels) for options.offsets.shape but received [2, 1, 4, 5]"],
    [[heatmaps(), { sizes: { data: new Uint8Array(2 * 2 * h * w), shape: [2, 2, h, w] } }], TypeError, 'Expected a Float32Array or float16 bits (a Uint16Array with type: \'float16\') (sizes and offsets are heatmap pixels) for options.sizes.data but received Uint8Array(80)'],
    [[heatmaps(), { sizes: { data: new Float32Array(3), shape: [2, 2, h, w] } }], RangeError, 'Expected 80 elements (the product of shape [2, 2, 4, 5]) for options.sizes.data but received 3'],
    [[heatmaps(), { sizes: sizes(), layout: 'nhwc' }], RangeError, "Expected shape [2, 3, 4, 2] (the heatmaps' images, height and width; 2 channels) for options.sizes.shape but received [2, 2, 4, 5]"],
    [[heatmaps(), { sizes: sizes(), transform: { data: new Float64Array(6), shape: [1, 2, 3] } }], RangeError, 'Expected shape [2, 2, 3] (one matrix per sample: the input\'s batch is 2) for options.transform.shape but received [1, 2, 3]'],
    [[heatmaps(), { sizes: sizes(), k: 0 }], RangeError, 'Expected a positive integer below 2^32 for options.k but received 0'],
    [[heatmaps(), { sizes: sizes(), k: 1.5 }], RangeError, 'Expected a positive integer below 2^32 for options.k but received 1.5'],
    [[heatmaps(), { sizes: sizes(), threshold: NaN }], RangeError, 'Expected a finite number for options.threshold but received NaN'],
    [[heatmaps(), { sizes: sizes(), threshold: -Infinity }], RangeError, 'Expected a finite number for options.threshold but received -Infinity'],
    [[{ data: new Uint8Array(2 * 3 * h * w), shape: [2, 3, h, w] }, { sizes: sizes(), threshold: 2 }], RangeError, 'Expected a number from 0 to 1 (Uint8 heatmaps: compared with value / 255) for options.threshold but received 2'],
    [[heatmaps(), { sizes: sizes(), window: 4 }], RangeError, 'Expected an odd integer from 1 to 255 for options.window but received 4'],
    [[heatmaps(), { sizes: sizes(), layout: 'hwc' }], TypeError, "Expected one of 'nchw', 'nhwc' for options.layout but received \"hwc\""],
    [[{ data: new Float64Array(2 * 3 * h * w), shape: [2, 3, h, w] }, { sizes: sizes() }], TypeError, 'Expected a Float32Array or Uint8Array (convert with Float32Array.from(data)) for heatmaps.data but received Float64Array(120)'],
    [[heatmaps(), { sizes: sizes(), transfer: true }], TypeError, 'Expected only the keys sizes, offsets, layout, k, threshold, window, transform for options but received key "transfer"'],
  ];
  for (const [args, Type, message] of cases) {
    t.throws(() => decodeBoxesSync(...args), { instanceOf: Type, message });
    if (!(args[1] && args[1].transfer)) await t.throwsAsync(decodeBoxes(...args), { instanceOf: Type, message });
  }
  // Sides past 2^24 and element counts past 2^53 are refused by the shape, before the data is read.
  t.throws(() => decodeBoxesSync({ data: new Float32Array(4), shape: [1, 1, 2 ** 25, 1] }, { sizes: sizes() }), {
    instanceOf: RangeError,
    message: 'Expected height and width at most 16777216 for heatmaps.shape but received [1, 1, 33554432, 1]',
  });
  t.throws(() => decodeBoxesSync({ data: new Float32Array(4), shape: [2 ** 20, 2 ** 20, 2 ** 8, 2 ** 8] }, { sizes: sizes() }), {
    instanceOf: RangeError,
    message: 'Expected an element count below 2^53 for heatmaps.shape but received [1048576, 1048576, 256, 256] (72057594037927940 elements)',
  });
  // A batch too large for a typed array is refused before any native call.
  t.throws(() => decodeBoxesSync(heatmaps(), { sizes: sizes(), k: 2 ** 32 - 1 }), { instanceOf: RangeError, message: /^Expected at most \d+ elements \(the longest typed array this Node.js makes\) for the output but received 34359738360 elements$/ });
});

// test/fixtures/make_ctdet.py: ctdet_decode ported to NumPy (stable sorts for torch.topk's ties).
const fixtures = JSON.parse(readFileSync(new URL('./fixtures/ctdet.json', import.meta.url), 'utf8'));
for (const c of fixtures.cases) {
  test(`NumPy fixture: ${c.name}`, (t) => {
    const [n, , h, w] = c.heat.shape;
    const k = c.k;
    const map = (m) => (m ? { data: Float32Array.from(m.data), shape: m.shape } : undefined);
    const heatmaps = map(c.heat), sizes = map(c.wh), offsets = map(c.reg);
    const want = { boxes: Float32Array.from(c.boxes), scores: Float32Array.from(c.scores) };
    // Every peak admitted: CenterNet's K slots, and where an image has fewer peaks its remaining
    // slots are suppressed pixels of score 0.
    for (const layout of ['nchw', 'nhwc']) {
      const tensor = (m, ch) => m && (layout === 'nchw' ? m : { data: toNhwc(m.data, n, ch, h, w), shape: [n, h, w, ch] });
      const r = decodeBoxesSync(tensor(heatmaps, c.heat.shape[1]), { sizes: tensor(sizes, 2), ...(offsets ? { offsets: tensor(offsets, 2) } : {}), k, threshold: LOWEST, layout });
      for (let g = 0; g < n; g++) {
        const count = r.counts[g];
        for (let j = 0; j < k; j++) {
          const s = g * k + j;
          if (j < count) {
            t.deepEqual([...r.boxes.subarray(4 * s, 4 * s + 4)], [...want.boxes.subarray(4 * s, 4 * s + 4)], `${layout} image ${g} slot ${j}`);
            t.is(r.scores[s], want.scores[s]);
            t.is(r.classes[s], c.classes[s]);
          } else {
            t.is(want.scores[s], 0, `image ${g} slot ${j}: CenterNet's slot past the peaks scores 0`);
          }
        }
      }
    }
    // CenterNet's vis_thresh after the fact (score > vis_thresh) keeps the boxes a threshold keeps
    // here (no score in the fixture equals it).
    const cut = 0.94;
    const r = decodeBoxesSync(heatmaps, { sizes, ...(offsets ? { offsets } : {}), k, threshold: cut });
    for (let g = 0; g < n; g++) {
      const kept = [...want.scores.subarray(g * k, (g + 1) * k)].filter((v) => v > cut).length;
      t.true(kept < k);
      t.is(r.counts[g], kept);
      t.deepEqual(r.boxes.subarray(4 * g * k, 4 * (g * k + kept)), want.boxes.subarray(4 * g * k, 4 * (g * k + kept)));
    }
  });
}

// transform: each corner (x1, y1), (x2, y2) through its image's matrix, as ctdet_post_process
// applies transform_preds to dets[:, 0:2] and dets[:, 2:4]; in double, rounded to float32 once.
test('transform maps the two corners of each used box by its image matrix, unused slots stay NaN', async (t) => {
  const random = rng(21);
  const n = 3, c = 4, h = 10, w = 12, k = 150;
  const heat = sigmoidHeat(random, n * c * h * w);
  const wh = Float32Array.from({ length: n * 2 * h * w }, () => 20 * random());
  const reg = Float32Array.from({ length: n * 2 * h * w }, () => random());
  const matrices = Float64Array.from({ length: n * 6 }, () => -3 + 6 * random());
  matrices.set([4, 0, 0, 0, 4, 0], 0);  // image 0: the output stride of 4 alone
  for (const layout of ['nchw', 'nhwc']) {
    const tensor = (data, ch) => (layout === 'nchw' ? { data, shape: [n, ch, h, w] } : { data: toNhwc(data, n, ch, h, w), shape: [n, h, w, ch] });
    const options = { sizes: tensor(wh, 2), offsets: tensor(reg, 2), k, threshold: 0.6, layout };
    const plain = decodeBoxesSync(tensor(heat, c), options);
    // Float32 matrices are read as the doubles they hold.
    const m32 = Float32Array.from(matrices);
    const runs = [
      [decodeBoxesSync(tensor(heat, c), { ...options, transform: { data: matrices, shape: [n, 2, 3] } }), matrices],
      [await decodeBoxes(tensor(heat, c), { ...options, transform: { data: m32, shape: [n, 2, 3] } }), m32],
    ];
    for (const [r, m] of runs) {
      t.deepEqual(r.scores, plain.scores);
      t.deepEqual(r.classes, plain.classes);
      t.deepEqual(r.valid, plain.valid);
      t.deepEqual(r.counts, plain.counts);
      for (let s = 0; s < n * k; s++) {
        const g = Math.floor(s / k);
        const [a, b, cc, d, e, f] = m.subarray(6 * g, 6 * g + 6);
        const want = [];
        for (const corner of [0, 2]) {
          const x = plain.boxes[4 * s + corner], y = plain.boxes[4 * s + corner + 1];
          want.push(Math.fround(a * x + b * y + cc), Math.fround(d * x + e * y + f));
        }
        t.deepEqual([...r.boxes.subarray(4 * s, 4 * s + 4)], plain.valid[s] ? want : [NaN, NaN, NaN, NaN], `${layout} slot ${s}`);
      }
      t.true(plain.counts.every((v) => v > 0 && v < k), `used and unused slots in every image: ${plain.counts}`);
      t.deepEqual([...r.boxes.subarray(0, 4 * plain.counts[0])], [...plain.boxes.subarray(0, 4 * plain.counts[0])].map((v) => v * 4));
    }
  }
  // One image ([C, H, W]) takes [2, 3].
  const one = decodeBoxesSync({ data: heat.subarray(0, c * h * w), shape: [c, h, w] }, { sizes: { data: wh.subarray(0, 2 * h * w), shape: [2, h, w] }, k, threshold: 0.6, transform: { data: Float64Array.of(1, 0, 5, 0, 1, -5), shape: [2, 3] } });
  const base = decodeBoxesSync({ data: heat.subarray(0, c * h * w), shape: [c, h, w] }, { sizes: { data: wh.subarray(0, 2 * h * w), shape: [2, h, w] }, k, threshold: 0.6 });
  t.deepEqual([...one.boxes.subarray(0, 4 * base.counts[0])], [...base.boxes.subarray(0, 4 * base.counts[0])].map((v, i) => Math.fround(v + (i % 2 === 0 ? 5 : -5))));
});

test('tfjs tensors (channels-last, read with dataSync) and misaligned views are read as { data, shape } copies', (t) => {
  const random = rng(31);
  const n = 2, c = 3, h = 7, w = 9;
  const heat = sigmoidHeat(random, n * c * h * w);
  const wh = Float32Array.from({ length: n * 2 * h * w }, () => 10 * random());
  const reg = Float32Array.from({ length: n * 2 * h * w }, () => random());
  const want = decodeBoxesSync({ data: heat, shape: [n, c, h, w] }, { sizes: { data: wh, shape: [n, 2, h, w] }, offsets: { data: reg, shape: [n, 2, h, w] }, k: 6 });
  const tensor = (data, ch) => ({ shape: [n, h, w, ch], dtype: 'float32', dataSync: () => toNhwc(data, n, ch, h, w) });
  const viaTfjs = decodeBoxesSync(tensor(heat, c), { sizes: tensor(wh, 2), offsets: tensor(reg, 2), k: 6, layout: 'nhwc' });
  const shifted = (data) => {
    const view = new data.constructor(new ArrayBuffer((data.length + 1) * data.BYTES_PER_ELEMENT), data.BYTES_PER_ELEMENT, data.length);
    view.set(data);
    return view;
  };
  const halves = asHalves([...wh]);
  const misaligned = decodeBoxesSync({ data: shifted(heat), shape: [n, c, h, w] }, { sizes: { data: shifted(wh), shape: [n, 2, h, w] }, offsets: { data: shifted(reg), shape: [n, 2, h, w] }, k: 6 });
  for (const r of [viaTfjs, misaligned]) for (const key of ['boxes', 'scores', 'classes', 'valid', 'counts']) t.deepEqual(r[key], want[key], key);
  // float16 sizes one element into their buffer: the halves' values.
  const halfWant = decodeBoxesSync({ data: heat, shape: [n, c, h, w] }, { sizes: { data: halves.floats, shape: [n, 2, h, w] }, k: 6 });
  const halfGot = decodeBoxesSync({ data: heat, shape: [n, c, h, w] }, { sizes: { data: shifted(halves.bits), shape: [n, 2, h, w], type: 'float16' }, k: 6 });
  t.deepEqual(halfGot.boxes, halfWant.boxes);
});
