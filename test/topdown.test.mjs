// topdownTransforms against mmpose 1.x: a NumPy port's matrices and keypoints
// (test/fixtures/make_topdown.py), plain-JS references that solve mmpose's and CenterNet's warps
// from three point pairs as cv2.getAffineTransform does, and the closed facts: toInput after
// toImage is the codec's heatmap-to-crop scale, and a box's centre and corners land where
// bbox_xyxy2cs and _fix_aspect_ratio put them. Hostile options are refused in the library's shape.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import test from 'ava';
import fc from 'fast-check';
import { decodeSync, topdownTransforms } from 'coordconv';
import {
  bboxXyxy2cs,
  centernetAffine,
  compose,
  fixAspectRatio,
  getUdpWarpMatrix,
  getWarpMatrix,
  invert,
  mapPoint,
  mmposeToImage,
} from './helpers/transform-ref.mjs';
import { runs, thrown } from './helpers/arbitraries.mjs';

const fixture = JSON.parse(readFileSync(new URL('./fixtures/topdown.json', import.meta.url), 'utf8'));

// mmpose builds its warps from float32 points (cv2.getAffineTransform) and get_udp_warp_matrix
// stores float32 entries; the library's closed forms are in double: entries agree within this
// relative to max(1, |entry|). Image keypoints agree within MAX_PX pixels (mmpose rounds the
// codec's product to float32 before add_pred_to_datasample, 1.5e-5 px at 200 px).
const REL = 1e-6;
const MAX_PX = 5e-5;

const boxesOf = (list) => ({ data: Float64Array.from(list), shape: [list.length / 4, 4] });
const closeRel = (a, b, rel = REL) => Math.abs(a - b) <= rel * Math.max(1, Math.abs(b));
const matrixAt = (data, i) => Array.from(data.subarray(6 * i, 6 * i + 6));

for (const c of fixture.cases) {
  test(`NumPy fixture: ${c.name}`, (t) => {
    const n = c.boxes.length / 4;
    const got = topdownTransforms(boxesOf(c.boxes), { inputSize: c.inputSize, heatmapSize: c.heatmapSize, padding: c.padding, udp: c.udp, rotation: c.rotation });
    t.deepEqual(got.toImage.shape, [n, 2, 3]);
    t.deepEqual(got.toInput.shape, [n, 2, 3]);
    t.true(got.toImage.data instanceof Float64Array && got.toInput.data instanceof Float64Array);
    for (let i = 0; i < 6 * n; i++) t.true(closeRel(got.toInput.data[i], c.toInput[i]), `toInput[${i}] ${got.toInput.data[i]} vs ${c.toInput[i]}`);
    for (let i = 0; i < n; i++) {
      const m = matrixAt(got.toImage.data, i);
      for (let j = 0; j < c.points; j++) {
        const q = 2 * (i * c.points + j);
        const [x, y] = mapPoint(m, [c.heatmapPoints[q], c.heatmapPoints[q + 1]]);
        t.true(Math.abs(x - c.imagePoints[q]) <= MAX_PX && Math.abs(y - c.imagePoints[q + 1]) <= MAX_PX, `box ${i} point ${j}: ${x}, ${y} vs ${c.imagePoints[q]}, ${c.imagePoints[q + 1]}`);
      }
    }
  });
}

test('NumPy fixture, end to end: decode with toImage puts argmax keypoints where mmpose does (float32)', (t) => {
  const c = fixture.cases[0];
  const n = c.boxes.length / 4, k = c.points, [hw, hh] = c.heatmapSize;
  // One-hot heatmaps at the fixture's integer keypoints (its first k / 2 per box are integers).
  const kk = k / 2;
  const heatmaps = new Float32Array(n * kk * hh * hw);
  for (let i = 0; i < n; i++) for (let j = 0; j < kk; j++) {
    const q = 2 * (i * k + j);
    heatmaps[(i * kk + j) * hh * hw + c.heatmapPoints[q + 1] * hw + c.heatmapPoints[q]] = 1;
  }
  const { toImage } = topdownTransforms(boxesOf(c.boxes), { inputSize: c.inputSize, heatmapSize: c.heatmapSize });
  const r = decodeSync({ data: heatmaps, shape: [n, kk, hh, hw] }, { transform: toImage });
  for (let i = 0; i < n; i++) for (let j = 0; j < kk; j++) {
    const q = 2 * (i * k + j), p = 2 * (i * kk + j);
    t.true(Math.abs(r.coords[p] - c.imagePoints[q]) <= MAX_PX + 3e-5 && Math.abs(r.coords[p + 1] - c.imagePoints[q + 1]) <= MAX_PX + 3e-5);
  }
});

// Boxes, sizes, paddings and rotations mmpose meets: sizes divisible by 4 or not, any box shape.
const box = fc
  .tuple(fc.double({ min: -500, max: 500, noNaN: true }), fc.double({ min: -500, max: 500, noNaN: true }), fc.double({ min: 0.5, max: 600, noNaN: true }), fc.double({ min: 0.5, max: 600, noNaN: true }))
  .map(([x, y, w, h]) => [x, y, x + w, y + h]);
const settings = fc.record({
  boxes: fc.array(box, { minLength: 1, maxLength: 5 }),
  inputSize: fc.tuple(fc.integer({ min: 8, max: 640 }), fc.integer({ min: 8, max: 640 })),
  down: fc.constantFrom(1, 2, 4, 8),
  padding: fc.double({ min: 0.5, max: 2, noNaN: true }),
  udp: fc.boolean(),
  rotation: fc.oneof(fc.constant(0), fc.double({ min: -360, max: 360, noNaN: true })),
});

const options = (s) => ({ inputSize: s.inputSize, heatmapSize: s.inputSize.map((v) => Math.max(2, Math.round(v / s.down))), padding: s.padding, udp: s.udp, rotation: s.rotation });

// How far a warp solved from float32 points (mmpose's and CenterNet's) may lie from the exact one:
// each point is off by up to 2^-24 of its magnitude (|c| + s), the direction of length s / 2 that
// sets the scale by twice that, so the linear part is off by `rel` of its size and the offset by
// that times the points' magnitude; an inverse warp (`to`: the crop's [w, h] it maps from) is off in
// its offset by that times the crop and by the rounding of the centre. A UDP matrix holds float32
// entries computed in double.
function closeToWarp(m, want, center, size, { udp = false, to } = {}) {
  const magnitude = Math.abs(center[0]) + Math.abs(center[1]) + size;
  const k = Math.max(Math.abs(want[0]), Math.abs(want[1]), Math.abs(want[3]), Math.abs(want[4]));
  if (udp) return m.every((v, j) => Math.abs(v - want[j]) <= 2 ** -23 * Math.abs(want[j]) + 1e-12 * k * magnitude);
  const rel = (8 * 2 ** -24 * magnitude) / size + 1e-12;
  const offset = to ? rel * k * (to[0] + to[1]) + 4 * 2 ** -24 * magnitude + 1e-9 : 2 * rel * k * magnitude + 1e-9;
  return m.every((v, j) => Math.abs(v - want[j]) <= (j % 3 === 2 ? offset : rel * k));
}

test('toInput is mmpose\'s warp (get_warp_matrix / get_udp_warp_matrix solved from its points), with any rotation', (t) => {
  fc.assert(
    fc.property(settings, (s) => {
      const o = options(s);
      const got = topdownTransforms(boxesOf(s.boxes.flat()), o);
      return s.boxes.every((b, i) => {
        const { center, scale } = bboxXyxy2cs(b, s.padding);
        const fixed = fixAspectRatio(scale, o.inputSize[0] / o.inputSize[1]);
        const want = s.udp ? getUdpWarpMatrix(center, fixed, s.rotation, o.inputSize) : getWarpMatrix(center, fixed, s.rotation, o.inputSize);
        return closeToWarp(matrixAt(got.toInput.data, i), want, center, fixed[0], { udp: s.udp });
      });
    }),
    runs(300),
  );
  t.pass();
});

test('toInput after toImage is the heatmap-to-crop scale: MSRA float32(w / W), UDP (w - 1) / (W - 1)', (t) => {
  fc.assert(
    fc.property(settings, (s) => {
      const o = options(s);
      const got = topdownTransforms(boxesOf(s.boxes.flat()), o);
      const [w, h] = o.inputSize, [hw, hh] = o.heatmapSize;
      const kx = s.udp ? (w - 1) / (hw - 1) : Math.fround(w / hw), ky = s.udp ? (h - 1) / (hh - 1) : Math.fround(h / hh);
      return s.boxes.every((_, i) => {
        const both = compose(matrixAt(got.toInput.data, i), matrixAt(got.toImage.data, i));
        const want = [kx, 0, 0, 0, ky, 0];
        // add_pred_to_datasample's per-axis sh / h and the warp's sw / w differ by the rounding
        // of _fix_aspect_ratio's division; the translation by that rounding times the crop size.
        return both.every((v, j) => Math.abs(v - want[j]) <= 1e-9 * Math.max(w, h));
      });
    }),
    runs(300),
  );
  t.pass();
});

test('without rotation toImage is the codec\'s decode then add_pred_to_datasample', (t) => {
  fc.assert(
    fc.property(settings, fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), (s, u, v) => {
      const o = { ...options(s), rotation: 0 };
      const got = topdownTransforms(boxesOf(s.boxes.flat()), o);
      const point = [Math.fround(u * (o.heatmapSize[0] - 1)), Math.fround(v * (o.heatmapSize[1] - 1))];
      return s.boxes.every((b, i) => {
        const { center, scale } = bboxXyxy2cs(b, s.padding);
        const fixed = fixAspectRatio(scale, o.inputSize[0] / o.inputSize[1]);
        const want = mmposeToImage(point, { center, scale: fixed }, o.inputSize, o.heatmapSize, s.udp);
        const [x, y] = mapPoint(matrixAt(got.toImage.data, i), point);
        // mmpose rounds the MSRA product to float32: half an ulp of the input coordinate, scaled.
        const tol = (Math.max(...o.inputSize) * 2 ** -24 * Math.max(...fixed)) / Math.min(...o.inputSize) + 1e-9 * (Math.abs(center[0]) + Math.abs(center[1]) + Math.max(...fixed));
        return Math.abs(x - want[0]) <= tol && Math.abs(y - want[1]) <= tol;
      });
    }),
    runs(300),
  );
  t.pass();
});

test('with rotation (MSRA) toImage is CenterNet\'s transform_preds inverse warp to the heatmap, and toInput CenterNet\'s get_affine_transform', (t) => {
  fc.assert(
    fc.property(settings, (s) => {
      const o = { ...options(s), udp: false };
      // CenterNet's warp is isotropic: the heatmap must keep the input's aspect (as every model's does).
      o.heatmapSize = [o.inputSize[0] / s.down, o.inputSize[1] / s.down].map(Math.round);
      if (o.heatmapSize[0] * s.down !== o.inputSize[0] || o.heatmapSize[1] * s.down !== o.inputSize[1]) return true;
      const got = topdownTransforms(boxesOf(s.boxes.flat()), o);
      return s.boxes.every((b, i) => {
        const { center, scale } = bboxXyxy2cs(b, s.padding);
        const fixed = fixAspectRatio(scale, o.inputSize[0] / o.inputSize[1]);
        const back = centernetAffine(center, fixed, s.rotation, o.heatmapSize, true);
        const crop = centernetAffine(center, fixed, s.rotation, o.inputSize);
        return closeToWarp(matrixAt(got.toImage.data, i), back, center, fixed[0], { to: o.heatmapSize }) && closeToWarp(matrixAt(got.toInput.data, i), crop, center, fixed[0]);
      });
    }),
    runs(300),
  );
  t.pass();
});

test('the crop centre maps to the box centre; the crop corners to the aspect-fixed, padded box', (t) => {
  const b = [10, 20, 110, 220];
  for (const udp of [false, true]) {
    const { toInput } = topdownTransforms(boxesOf(b), { inputSize: [192, 256], heatmapSize: [48, 64], udp });
    const back = invert(matrixAt(toInput.data, 0));
    // Box 100 x 200, padded 125 x 250, widened to 187.5 x 250 (192 / 256 = 0.75), centred (60, 120).
    const o = udp ? [95.5, 127.5] : [96, 128];
    t.deepEqual(mapPoint(back, o).map((v) => +v.toFixed(9)), [60, 120]);
    const corner = udp ? [191, 255] : [192, 256];
    t.deepEqual(mapPoint(back, corner).map((v) => +v.toFixed(9)), [60 + 187.5 / 2, 120 + 125]);
  }
});

test('UDP turns the crop the other way from get_warp_matrix for the same rotation (as mmpose)', (t) => {
  const b = boxesOf([0, 0, 100, 100]);
  const plain = topdownTransforms(b, { inputSize: [64, 64], heatmapSize: [16, 16], rotation: 90 }).toInput.data;
  const udp = topdownTransforms(b, { inputSize: [64, 64], heatmapSize: [16, 16], rotation: 90, udp: true }).toInput.data;
  // get_warp_matrix: M = (w / sw) R(-90) = k [[0, 1], [-1, 0]]; get_udp_warp_matrix: diag(f) R(90) = f [[0, -1], [1, 0]].
  t.true(Math.abs(plain[0]) < 1e-15 && plain[1] > 0 && plain[3] < 0);
  t.true(Math.abs(udp[0]) < 1e-15 && udp[1] < 0 && udp[3] > 0);
});

test('per-box rotations: each box gets its own, like one call per box', (t) => {
  const list = [10, 20, 110, 220, 5, 5, 300, 40];
  const both = topdownTransforms(boxesOf(list), { inputSize: [192, 256], heatmapSize: [48, 64], rotation: Float32Array.of(15, -30) });
  const first = topdownTransforms(boxesOf(list.slice(0, 4)), { inputSize: [192, 256], heatmapSize: [48, 64], rotation: Math.fround(15) });
  const second = topdownTransforms(boxesOf(list.slice(4)), { inputSize: [192, 256], heatmapSize: [48, 64], rotation: -30 });
  t.deepEqual(Array.from(both.toImage.data), [...first.toImage.data, ...second.toImage.data]);
  t.deepEqual(Array.from(both.toInput.data), [...first.toInput.data, ...second.toInput.data]);
});

test('N = 0 boxes: empty matrices of shape [0, 2, 3]; Float32Array boxes read as their values', (t) => {
  const empty = topdownTransforms({ data: new Float64Array(0), shape: [0, 4] }, { inputSize: [192, 256], heatmapSize: [48, 64], rotation: [] });
  t.deepEqual(empty.toImage.shape, [0, 2, 3]);
  t.is(empty.toImage.data.length, 0);
  t.is(empty.toInput.data.length, 0);
  const f32 = topdownTransforms({ data: Float32Array.of(10.5, 20, 110, 220.25), shape: [1, 4] }, { inputSize: [192, 256], heatmapSize: [48, 64] });
  const f64 = topdownTransforms(boxesOf([10.5, 20, 110, 220.25]), { inputSize: [192, 256], heatmapSize: [48, 64] });
  t.deepEqual(f32, f64);
  // An onnxruntime-node Tensor's dims, as the library's other inputs take them.
  t.deepEqual(topdownTransforms({ data: Float32Array.of(10.5, 20, 110, 220.25), dims: [1, 4] }, { inputSize: [192, 256], heatmapSize: [48, 64] }), f64);
  t.throws(() => topdownTransforms({ data: new Float32Array(5), dims: [1, 5] }, { inputSize: [192, 256], heatmapSize: [48, 64] }), {
    instanceOf: RangeError,
    message: 'Expected shape [N, 4] (x1, y1, x2, y2 per box) for boxes.dims but received [1, 5]',
  });
});

const OK = { inputSize: [192, 256], heatmapSize: [48, 64] };
const BOX = boxesOf([10, 20, 110, 220]);

test('hostile boxes are refused in the library\'s shape', (t) => {
  const cases = [
    [null, TypeError, 'Expected an object { data, shape } for boxes but received null'],
    [[1, 2, 3, 4], TypeError, 'Expected an object { data, shape } for boxes but received [1, 2, 3, 4]'],
    [{ data: [1, 2, 3, 4], shape: [1, 4] }, TypeError, 'Expected a Float32Array or Float64Array for boxes.data but received [1, 2, 3, 4]'],
    [{ data: Int32Array.of(1, 2, 3, 4), shape: [1, 4] }, TypeError, 'Expected a Float32Array or Float64Array for boxes.data but received Int32Array(4)'],
    [{ data: new Float64Array(4), shape: '1,4' }, TypeError, 'Expected an array of numbers for boxes.shape but received "1,4"'],
    [{ data: new Float64Array(4), shape: [4] }, RangeError, 'Expected shape [N, 4] (x1, y1, x2, y2 per box) for boxes.shape but received [4]'],
    [{ data: new Float64Array(6), shape: [2, 3] }, RangeError, 'Expected shape [N, 4] (x1, y1, x2, y2 per box) for boxes.shape but received [2, 3]'],
    [{ data: new Float64Array(4), shape: [-1, 4] }, RangeError, 'Expected shape [N, 4] (x1, y1, x2, y2 per box) for boxes.shape but received [-1, 4]'],
    [{ data: new Float64Array(4), shape: [1.5, 4] }, RangeError, 'Expected shape [N, 4] (x1, y1, x2, y2 per box) for boxes.shape but received [1.5, 4]'],
    [{ data: new Float64Array(4), shape: [2, 4] }, RangeError, 'Expected 8 elements (the product of shape [2, 4]) for boxes.data but received 4'],
    [boxesOf([0, 0, NaN, 10]), RangeError, 'Expected finite boxes with x2 >= x1, y2 >= y1 and a positive width or height for boxes.data but received [0, 0, NaN, 10] at box 0'],
    [boxesOf([0, 0, 10, 10, 0, -Infinity, 10, 10]), RangeError, 'Expected finite boxes with x2 >= x1, y2 >= y1 and a positive width or height for boxes.data but received [0, -Infinity, 10, 10] at box 1'],
    [boxesOf([10, 0, 5, 10]), RangeError, 'Expected finite boxes with x2 >= x1, y2 >= y1 and a positive width or height for boxes.data but received [10, 0, 5, 10] at box 0'],
    [boxesOf([3, 4, 3, 4]), RangeError, 'Expected finite boxes with x2 >= x1, y2 >= y1 and a positive width or height for boxes.data but received [3, 4, 3, 4] at box 0'],
    [boxesOf([-1e308, 0, 1e308, 10]), RangeError, 'Expected boxes whose padded, aspect-fixed size is finite and positive for boxes.data but received [-1e+308, 0, 1e+308, 10] at box 0 (size Infinity x Infinity)'],
    // Positive sizes so small that the scale into the crop (input / size) overflows, or back (size / input) underflows to 0.
    [boxesOf([0, 0, 1e-307, 1e-307]), RangeError, 'Expected boxes whose padded, aspect-fixed size gives finite, non-zero scales between image and input for boxes.data but received [0, 0, 1e-307, 1e-307] at box 0 (size 1.2499999999999998e-307 x 1.6666666666666664e-307)'],
    [boxesOf([0, 0, 5e-324, 5e-324]), RangeError, 'Expected boxes whose padded, aspect-fixed size gives finite, non-zero scales between image and input for boxes.data but received [0, 0, 5e-324, 5e-324] at box 0 (size 5e-324 x 5e-324)'],
  ];
  for (const [boxes, Type, message] of cases) t.throws(() => topdownTransforms(boxes, OK), { instanceOf: Type, message });
});

test('hostile options are refused in the library\'s shape', (t) => {
  const cases = [
    [undefined, TypeError, 'Expected an options object for options but received undefined'],
    [{ ...OK, inputsize: [1, 2] }, TypeError, 'Expected only the keys inputSize, heatmapSize, padding, udp, rotation for options but received key "inputsize"'],
    [{ heatmapSize: [48, 64] }, TypeError, 'Expected [width, height], integers >= 1 for options.inputSize but received undefined'],
    [{ ...OK, inputSize: [192] }, RangeError, 'Expected [width, height], integers >= 1 for options.inputSize but received [192]'],
    [{ ...OK, inputSize: [192, 0] }, RangeError, 'Expected [width, height], integers >= 1 for options.inputSize but received [192, 0]'],
    [{ ...OK, inputSize: [192.5, 256] }, RangeError, 'Expected [width, height], integers >= 1 for options.inputSize but received [192.5, 256]'],
    [{ ...OK, heatmapSize: [48, NaN] }, RangeError, 'Expected [width, height], integers >= 1 for options.heatmapSize but received [48, NaN]'],
    [{ ...OK, heatmapSize: 48 }, TypeError, 'Expected [width, height], integers >= 1 for options.heatmapSize but received 48'],
    [{ ...OK, udp: true, heatmapSize: [1, 64] }, RangeError, 'Expected [width, height], integers >= 2 for options.heatmapSize but received [1, 64]'],
    [{ ...OK, udp: true, inputSize: [192, 1] }, RangeError, 'Expected [width, height], integers >= 2 for options.inputSize but received [192, 1]'],
    [{ ...OK, udp: 1 }, TypeError, 'Expected a boolean for options.udp but received 1'],
    [{ ...OK, padding: 0 }, RangeError, 'Expected a finite number > 0 for options.padding but received 0'],
    [{ ...OK, padding: Infinity }, RangeError, 'Expected a finite number > 0 for options.padding but received Infinity'],
    [{ ...OK, padding: '1.25' }, TypeError, 'Expected a finite number > 0 for options.padding but received "1.25"'],
    [{ ...OK, rotation: NaN }, RangeError, 'Expected a finite number of degrees, or one per box for options.rotation but received NaN'],
    [{ ...OK, rotation: '30' }, TypeError, 'Expected 1 finite numbers of degrees (one per box), or one number for options.rotation but received "30"'],
    [{ ...OK, rotation: [1, 2] }, RangeError, 'Expected 1 finite numbers of degrees (one per box), or one number for options.rotation but received [1, 2]'],
    [{ ...OK, rotation: [Infinity] }, RangeError, 'Expected 1 finite numbers of degrees (one per box), or one number for options.rotation but received Infinity at index 0'],
  ];
  for (const [opts, Type, message] of cases) t.throws(() => topdownTransforms(BOX, opts), { instanceOf: Type, message });
  t.is(thrown(() => topdownTransforms(BOX, OK)), null);
});

test('examples/topdown.mjs puts both people\'s keypoints back in the photo', (t) => {
  const root = new URL('..', import.meta.url);
  const r = spawnSync(process.execPath, [new URL('examples/topdown.mjs', root).pathname], { cwd: root, encoding: 'utf8' });
  t.is(r.status, 0, r.stderr);
  t.deepEqual(r.stdout.trim().split('\n'), [
    'person 0: (160.3, 80.6) (130.2, 200.1) (190.7, 380.4)',
    'person 1: (400.5, 150.2) (500.1, 220.8) (590.9, 310.3)',
    '6 valid, largest error below 0.5 px',
  ]);
});
