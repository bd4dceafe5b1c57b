import test from 'ava';
import { decodeSync } from 'coordconv';
import { decodeBatchRef } from './helpers/decode-ref.mjs';
import { closeToRef } from './helpers/compare.mjs';
import { rng, sizedBatches } from './helpers/inputs.mjs';

// exp runs in float32 (the fixed polynomial of native/exp_approx.h on every path, relative error
// below 2^-22), sums in double in an order that differs per path.
const TOL = 1e-4;

// On h[y][x] = a * x, softmax(beta * h) is geometric in x and uniform in y:
// E[x] = q / (1 - q) - W q^W / (1 - q^W) with q = exp(beta * a), E[y] = (H - 1) / 2.
function rampExpectation(a, beta, w) {
  const q = Math.exp(beta * a);
  return q / (1 - q) - (w * q ** w) / (1 - q ** w);
}

test('a linear ramp decodes to the closed-form expectation', (t) => {
  for (const [h, w, a, beta] of [[5, 17, 0.25, 1], [8, 64, 0.1, 2], [3, 33, -0.5, 1], [64, 48, 1 / 32, 10]]) {
    const data = new Float32Array(h * w);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data[y * w + x] = a * x;
    const r = decodeSync({ data, shape: [h, w] }, { method: 'softargmax', beta });
    const ex = rampExpectation(Math.fround(a), beta, w);
    t.true(Math.abs(r.coords[0] - ex) < TOL, `${h}x${w}: x ${r.coords[0]} vs ${ex}`);
    t.true(Math.abs(r.coords[1] - (h - 1) / 2) < TOL, `${h}x${w}: y ${r.coords[1]}`);
  }
});

test('a constant plane decodes to its centre, even when all values are negative', (t) => {
  const r = decodeSync({ data: new Float32Array(7 * 10).fill(-3), shape: [7, 10] }, { method: 'softargmax' });
  t.deepEqual(Array.from(r.coords), [4.5, 3]);
  t.deepEqual(Array.from(r.valid), [1]);
  t.deepEqual(Array.from(r.scores), [-3]);
});

test('large values do not overflow: the maximum is subtracted before exp', (t) => {
  const data = new Float32Array(4 * 4).fill(1e30);
  data[5] = 1e30 + 1e24;
  const r = decodeSync({ data, shape: [4, 4] }, { method: 'softargmax' });
  t.deepEqual(Array.from(r.coords), [1, 1]);
});

test('matches the double-precision JS reference over sizes, betas, Float32 and Uint8, misaligned', (t) => {
  const random = rng(41);
  const n = 2;
  for (const { h, w, views } of sizedBatches(n, () => random() * 6 - 3, () => Math.floor(random() * 256))) {
    for (const beta of [0.05, 1, 4]) {
      for (const data of views) {
        const got = decodeSync({ data, shape: [n, h, w] }, { method: 'softargmax', beta });
        closeToRef(t, got, decodeBatchRef('softargmax', data, h, w, { beta }), TOL, `${h}x${w} beta=${beta}`);
      }
    }
  }
});

test('NaN and Inf planes are invalid', (t) => {
  const data = new Float32Array(2 * 16);
  data[3] = NaN;
  data[16 + 3] = Infinity;
  t.deepEqual(Array.from(decodeSync({ data, shape: [2, 4, 4] }, { method: 'softargmax' }).valid), [0, 0]);
});

test('the default beta (20) decodes [0, 1] Gaussian heatmaps within 0.1 px, and Uint8 copies of them alike', (t) => {
  const random = rng(43);
  const [h, w, n] = [64, 48, 200];
  const truth = [];
  const f32 = new Float32Array(n * h * w);
  for (let i = 0; i < n; i++) {
    const cx = 8 + random() * (w - 16), cy = 8 + random() * (h - 16);
    truth.push(cx, cy);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) f32[(i * h + y) * w + x] = Math.exp(-((x - cx) ** 2 + (y - cy) ** 2) / 8);
  }
  const u8 = Uint8Array.from(f32, (v) => Math.round(v * 255));
  const floats = decodeSync({ data: f32, shape: [n, h, w] }, { method: 'softargmax' });
  const bytes = decodeSync({ data: u8, shape: [n, h, w] }, { method: 'softargmax' });
  let worst = 0, apart = 0;
  for (let i = 0; i < 2 * n; i++) {
    worst = Math.max(worst, Math.abs(floats.coords[i] - truth[i]), Math.abs(bytes.coords[i] - truth[i]));
    apart = Math.max(apart, Math.abs(floats.coords[i] - bytes.coords[i]));
  }
  t.log(`largest error ${worst.toFixed(4)} px; Float32 and Uint8 apart by at most ${apart.toFixed(4)} px`);
  t.true(worst < 0.1, `worst ${worst}`);
  t.true(apart < 0.05, `apart ${apart}`);
});
