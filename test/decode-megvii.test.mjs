// method 'megvii': mmpose 1.x's MegviiHeatmap.decode in heatmap pixels (gaussian_blur,
// get_heatmap_maximum on the blurred heatmap, the quarter step plus 0.5, scores / 255 + 0.5), quirks
// included, against the plain-JS reference written from mmpose's and OpenCV's source
// (test/helpers/mmpose-ref.mjs); the suite runs once per SIMD path.
import test from 'ava';
import { decode, decodeSync } from 'coordconv';
import { decodeBatchRef, gaussianPlane } from './helpers/decode-ref.mjs';
import { asHalves } from './helpers/half.mjs';
import { misalignedCopy, rng } from './helpers/inputs.mjs';
import { toNhwc } from './helpers/layout.mjs';

function batch(count, h, w, draw) {
  const data = new Float32Array(count * h * w);
  for (let i = 0; i < count; i++) data.set(draw(i), i * h * w);
  return data;
}

// The coordinates are the blurred argmax plus multiples of 0.25: exact. The blurred argmax of the
// native float32 blur and of the reference's double one are the same pixel unless two blurred
// values lie within a float's rounding, which these planes (sub-pixel centres, noise) never do.
// The score is the blurred maximum rescaled to the raw one, which each blur's rounding leaves
// within an ulp or two of it: scores agree within 2^-21 relative.
function sameAsMegviiRef(t, got, ref, label) {
  t.deepEqual(Array.from(got.valid), ref.valid, `${label} valid`);
  t.deepEqual(Array.from(got.coords), ref.coords.map((v) => (Number.isNaN(v) ? NaN : Math.fround(v))), `${label} coords`);
  ref.scores.forEach((s, i) => t.true(Math.abs(got.scores[i] - s) <= 2 ** -21 * Math.abs(s), `${label} score ${i}: ${got.scores[i]} vs ${s}`));
}
test('equals the reference exactly: sizes, kernels 1 to 25, Float32, Uint8 and float16, misaligned', (t) => {
  const random = rng(41);
  const cases = [[64, 48, {}], [17, 33, { kernel: 3 }], [9, 65, { kernel: 7 }], [31, 16, { kernel: 11 }], [8, 8, { kernel: 1 }], [20, 7, { kernel: 25 }], [24, 26, { kernel: 9 }], [40, 30, { kernel: 15 }]];
  for (const [h, w, options] of cases) {
    const n = 8;
    const f = batch(n, h, w, () => gaussianPlane(h, w, -1 + random() * (w + 1), -1 + random() * (h + 1), 1.5 + random()).map((v) => v + 0.02 * random()));
    const u = Uint8Array.from(f, (v) => Math.min(255, Math.round(v * 250)));
    const half = asHalves(f);
    for (const [input, ref, label] of [
      [{ data: f }, f, 'f32'],
      [{ data: misalignedCopy(f) }, f, 'f32 misaligned'],
      [{ data: u }, u, 'u8'],
      [{ data: misalignedCopy(u) }, u, 'u8 misaligned'],
      [{ data: half.bits, type: 'float16' }, half.floats, 'f16'],
    ]) {
      const got = decodeSync({ ...input, shape: [n, h, w] }, { method: 'megvii', ...options });
      sameAsMegviiRef(t, got, decodeBatchRef('megvii', ref, h, w, options), `${label} ${h}x${w} ${JSON.stringify(options)}`);
    }
  }
});

test('the quirks: +0.5 on both axes only where 1 < x < W - 1 and 1 < y < H - 1; score = max / 255 + 0.5', (t) => {
  const h = 12;
  const w = 10;
  // An impulse blurred by [1 4 6 4 1] / 16 (kernel 5) keeps its pixel as the blurred argmax, and
  // its neighbours tie: sign 0, so the step is the bare 0.5.
  const at = (x, y, v = 255) => {
    const p = new Float32Array(h * w);
    p[y * w + x] = v;
    return p;
  };
  const spots = [[5, 6], [1, 6], [5, 1], [8, 6], [5, 11], [2, 2], [7, 9], [0, 0]];
  const data = batch(spots.length, h, w, (i) => at(...spots[i]));
  const r = decodeSync({ data, shape: [spots.length, h, w] }, { method: 'megvii' });
  t.deepEqual(Array.from(r.coords), [5.5, 6.5, 1, 6, 5, 1, 8.5, 6.5, 5, 11, 2.5, 2.5, 7.5, 9.5, 0, 0]);
  // The blurred maximum is rescaled to the raw one (gaussian_blur), so 255 / 255 + 0.5 = 1.5.
  t.deepEqual(Array.from(r.scores), spots.map(() => 1.5));
  // A larger right and lower neighbour: 0.25 + 0.5.
  const p = at(5, 6, 200);
  p[6 * w + 6] = 120;
  p[7 * w + 5] = 120;
  t.deepEqual(Array.from(decodeSync({ data: p, shape: [h, w] }, { method: 'megvii', kernel: 3 }).coords), [5.75, 6.75]);
});

test('the argmax is the blurred plane\'s, not the raw one\'s; ties and plateaus take the first', (t) => {
  const h = 16;
  const w = 16;
  // A lone spike beside a broad bump: the raw argmax is the spike, the blurred one the bump.
  const p = gaussianPlane(h, w, 10.3, 9.6, 2.5, 0.9);
  p[3 * w + 3] = 1;
  const r = decodeSync({ data: p, shape: [h, w] }, { method: 'megvii' });
  sameAsMegviiRef(t, r, decodeBatchRef('megvii', p, h, w), 'spike');
  t.true(Math.abs(r.coords[0] - 10.3) < 1.5 && Math.abs(r.coords[1] - 9.6) < 1.5);
  const flat = new Float32Array(h * w).fill(0.25);
  const plateau = new Float32Array(h * w).fill(0.1);
  for (let y = 4; y < 12; y++) for (let x = 3; x < 13; x++) plateau[y * w + x] = 0.7;
  const data = new Float32Array([...flat, ...plateau]);
  sameAsMegviiRef(t, decodeSync({ data, shape: [2, h, w] }, { method: 'megvii' }), decodeBatchRef('megvii', data, h, w), 'flat and plateau');
});

test('validity: NaN or Inf invalid; the blurred maximum must be > minScore (<= 0 has no answer)', (t) => {
  const h = 8;
  const w = 8;
  const data = batch(5, h, w, () => gaussianPlane(h, w, 3.6, 4.2, 1.5));
  data[3] = NaN;
  data[64 + 3] = Infinity;
  data.fill(-0.5, 128, 192);
  data.fill(0, 192, 256);
  const r = decodeSync({ data, shape: [5, h, w] }, { method: 'megvii' });
  t.deepEqual(Array.from(r.valid), [0, 0, 0, 0, 1]);
  t.true(Array.from(r.coords.subarray(0, 8)).every(Number.isNaN));
  t.deepEqual(Array.from(r.scores.subarray(0, 4)), [0, 0, 0, 0]);
  // -0.5 everywhere: the blur rescaled to the maximum is -0.5 everywhere, valid for a lower cut.
  const logits = decodeSync({ data: data.subarray(128, 192), shape: [h, w] }, { method: 'megvii', minScore: -1 });
  t.deepEqual(Array.from(logits.valid), [1]);
  t.is(logits.scores[0], Math.fround(Math.fround(-0.5 / 255) + 0.5));
  // The cut is on the blurred maximum before the score's normalisation.
  const peak = Math.max(...data.subarray(256));
  t.deepEqual(Array.from(decodeSync({ data: data.subarray(256), shape: [h, w] }, { method: 'megvii', minScore: peak }).valid), [0]);
});

test('planes scaled into the subnormals decode as mmpose decodes them (no flush to zero), the same pixel as at full scale', (t) => {
  const h = 20;
  const w = 16;
  const random = rng(7);
  // 1e-24 keeps the flushed blur (its maximum is above 2^-96) with subnormal tails; the others blur again.
  for (const scale of [1e-39, 1e-42, 1e-30, 1e-24]) {
    const data = batch(4, h, w, () => gaussianPlane(h, w, 2 + random() * 12, 2 + random() * 16, 1.5 + random()).map((v) => Math.fround(v * scale)));
    t.true(data.some((v) => v > 0 && v < 1.17549435e-38), `scale ${scale}: subnormal pixels`);
    const r = decodeSync({ data, shape: [4, h, w] }, { method: 'megvii', kernel: 5 });
    t.deepEqual(Array.from(r.valid), [1, 1, 1, 1], `scale ${scale}`);
    const ref = decodeBatchRef('megvii', data, h, w, { kernel: 5 });
    t.deepEqual(Array.from(r.coords), ref.coords.map(Math.fround), `scale ${scale}`);
  }
  // Below the smallest subnormal's reach the blur underflows to 0 in any float32 arithmetic: invalid.
  const gone = new Float32Array(h * w);
  gone[5 * w + 7] = 1e-45;
  t.deepEqual(Array.from(decodeSync({ data: gone, shape: [h, w] }, { method: 'megvii', kernel: 5 }).valid), [0]);
});

test('channels-last equals channels-first bit for bit, async, Float32 and Uint8', async (t) => {
  const random = rng(42);
  const [n, c, h, w] = [2, 19, 20, 24];
  const f = batch(n * c, h, w, () => gaussianPlane(h, w, random() * w, random() * h, 1.5 + random()).map((v) => v + 0.01 * random()));
  for (const data of [f, Uint8Array.from(f, (v) => Math.round(v * 250))]) {
    const want = decodeSync({ data, shape: [n, c, h, w] }, { method: 'megvii' });
    const got = await decode({ data: toNhwc(data, n, c, h, w), shape: [n, h, w, c] }, { method: 'megvii', layout: 'nhwc' });
    t.deepEqual(got.coords, want.coords);
    t.deepEqual(got.scores, want.scores);
    t.deepEqual(got.valid, want.valid);
  }
});

test('options: kernel odd 1 to 255, default 5 (the codec mmpose\'s MSPN and RSN configs decode with)', (t) => {
  const random = rng(43);
  const data = batch(6, 20, 20, () => gaussianPlane(20, 20, 3 + random() * 14, 3 + random() * 14, 2).map((v) => v + 0.05 * random()));
  t.deepEqual(decodeSync({ data, shape: [6, 20, 20] }, { method: 'megvii' }), decodeSync({ data, shape: [6, 20, 20] }, { method: 'megvii', kernel: 5 }));
  t.throws(() => decodeSync({ data, shape: [6, 20, 20] }, { method: 'megvii', kernel: 0 }), { instanceOf: RangeError, message: /for options\.kernel but received 0/ });
  t.throws(() => decodeSync({ data, shape: [6, 20, 20] }, { method: 'megvii', sigma: 1 }), {
    instanceOf: TypeError,
    message: "Expected only the keys method, out, layout, transform, minScore, kernel for options (method 'megvii') but received key \"sigma\"",
  });
});

test('one-pixel, one-row and one-column planes, kernels up to 255: the reference', (t) => {
  const random = rng(44);
  for (const [h, w] of [[1, 1], [1, 7], [7, 1], [2, 2], [3, 5], [4, 40]]) {
    for (const kernel of [1, 3, 11, 255]) {
      const data = batch(4, h, w, () => Float32Array.from({ length: h * w }, () => 0.05 + random()));
      const got = decodeSync({ data, shape: [4, h, w] }, { method: 'megvii', kernel });
      sameAsMegviiRef(t, got, decodeBatchRef('megvii', data, h, w, { kernel }), `${h}x${w} kernel ${kernel}`);
    }
  }
});
