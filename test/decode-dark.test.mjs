import test from 'ava';
import { concurrency, decode, decodeSync } from 'coordconv';
import { decodeBatchRef, decodeDarkRef, gaussianPlane } from './helpers/decode-ref.mjs';
import { closeToRef } from './helpers/compare.mjs';
import { misalignedCopy, rng } from './helpers/inputs.mjs';

// The native blur runs in float32 (the reference in double), so coordinates agree within this many
// pixels on well-conditioned heatmaps; every SIMD path computes the blur bit for bit alike.
const TOL = 1e-4;

test('a sigma 2 Gaussian with a sub-pixel centre on 64 x 48: mean error below 0.05 px', (t) => {
  const random = rng(21);
  const h = 64;
  const w = 48;
  const count = 200;
  const data = new Float32Array(count * h * w);
  const centres = [];
  for (let i = 0; i < count; i++) {
    const cx = 6 + random() * (w - 12);
    const cy = 6 + random() * (h - 12);
    centres.push([cx, cy]);
    data.set(gaussianPlane(h, w, cx, cy), i * h * w);
  }
  const r = decodeSync({ data, shape: [count, h, w] }, { method: 'dark' });
  let total = 0;
  for (let i = 0; i < count; i++) total += Math.hypot(r.coords[2 * i] - centres[i][0], r.coords[2 * i + 1] - centres[i][1]);
  t.log(`mean error ${total / count} px`);
  t.true(total / count < 0.05, `mean error ${total / count}`);
  t.true(r.valid.every((v) => v === 1));
});

test('matches the double-precision JS reference on noisy Gaussians, Float32 and Uint8, sizes and options', (t) => {
  const random = rng(22);
  const cases = [
    [64, 48, {}],
    [17, 33, { kernel: 5, sigma: 1 }],
    [9, 65, { kernel: 3, sigma: 0.8 }],
    [31, 16, { kernel: 11, sigma: 3 }],
    [8, 8, { kernel: 1, sigma: 1 }],
    [20, 7, { kernel: 25, sigma: 2.5 }],
    [6, 5, { kernel: 255, sigma: 40 }],
  ];
  let worst = 0;
  for (const [h, w, options] of cases) {
    const n = 6;
    const f = new Float32Array(n * h * w);
    for (let i = 0; i < n; i++) {
      const g = gaussianPlane(h, w, 1 + random() * (w - 2), 1 + random() * (h - 2), 1.5 + random());
      for (let j = 0; j < h * w; j++) f[i * h * w + j] = g[j] + 0.02 * random();
    }
    const u = f.map((v) => Math.round(v * 250));
    for (const data of [f, misalignedCopy(f), Uint8Array.from(u), misalignedCopy(Uint8Array.from(u))]) {
      const got = decodeSync({ data, shape: [n, h, w] }, { method: 'dark', ...options });
      worst = Math.max(worst, closeToRef(t, got, decodeBatchRef('dark', data, h, w, options), TOL, `${h}x${w}`));
    }
  }
  t.log(`largest difference from the reference: ${worst} px`);
});

test('sigma 0 blurs with OpenCV\'s kernel for the size, as the authors\' cv2.GaussianBlur(..., 0): the reference, and sigma 2 at kernel 11', (t) => {
  const random = rng(31);
  const [n, h, w] = [6, 24, 20];
  const f = new Float32Array(n * h * w);
  for (let i = 0; i < n; i++) {
    const g = gaussianPlane(h, w, 2 + random() * (w - 4), 2 + random() * (h - 4), 1.2 + random());
    for (let j = 0; j < h * w; j++) f[i * h * w + j] = g[j] + 0.05 * random();
  }
  const input = { data: f, shape: [n, h, w] };
  for (const kernel of [3, 5, 7, 9, 11, 17]) {
    const got = decodeSync(input, { method: 'dark', kernel, sigma: 0 });
    closeToRef(t, got, decodeBatchRef('dark', f, h, w, { kernel, sigma: 0 }), TOL, `kernel ${kernel}`);
  }
  // OpenCV's kernel 11 is the Gaussian of sigma 2, tap for tap; its kernel 5 is 1 4 6 4 1 / 16, not sigma 2's.
  t.deepEqual(decodeSync(input, { method: 'dark', sigma: 0 }).coords, decodeSync(input, { method: 'dark', sigma: 2 }).coords);
  t.notDeepEqual(decodeSync(input, { method: 'dark', kernel: 5, sigma: 0 }).coords, decodeSync(input, { method: 'dark', kernel: 5, sigma: 2 }).coords);
});

test('a sigma so small its square underflows blurs as no blur at all (kernel 1), not as NaN taps', (t) => {
  const [h, w] = [15, 15];
  const data = gaussianPlane(h, w, 7.3, 6.8, 2);
  const none = decodeSync({ data, shape: [h, w] }, { method: 'dark', kernel: 1 });
  t.not(none.coords[0], 7);
  for (const sigma of [1e-30, 1e-200, Number.MIN_VALUE]) {
    t.deepEqual(decodeSync({ data, shape: [h, w] }, { method: 'dark', sigma }).coords, none.coords, `sigma ${sigma}`);
  }
});

// 'dark' blurs only the window its Newton step reads, falling back to the whole plane where that
// could change the answer (docs/decoder.md): on a batch of pose-like heatmaps with centres anywhere,
// at and beyond every border, split over the threads, it stays with the whole-plane reference.
test('the windowed blur matches the whole-plane reference on 400 random heatmaps, borders included, on 2 threads', async (t) => {
  const random = rng(23);
  const h = 64;
  const w = 48;
  const count = 400;
  const data = new Float32Array(count * h * w);
  for (let i = 0; i < count; i++) {
    const edge = i % 4 === 0;  // a quarter of the peaks within 3 px of a border, or just past it
    const cx = edge ? (random() < 0.5 ? -1 + 4 * random() : w - 3 + 4 * random()) : random() * w;
    const cy = edge && i % 8 === 0 ? (random() < 0.5 ? -1 + 4 * random() : h - 3 + 4 * random()) : random() * h;
    const g = gaussianPlane(h, w, cx, cy, 1.5 + 1.5 * random());
    for (let j = 0; j < h * w; j++) data[i * h * w + j] = g[j] + 0.01 * random();
  }
  const ref = decodeBatchRef('dark', data, h, w);
  const previous = concurrency();
  concurrency(2);
  try {
    const sync = decodeSync({ data, shape: [count, h, w] }, { method: 'dark' });
    const worst = closeToRef(t, sync, ref, TOL, 'sync');
    const u8 = Uint8Array.from(data, (v) => Math.round(v * 250));
    closeToRef(t, await decode({ data: u8, shape: [count, h, w] }, { method: 'dark' }), decodeBatchRef('dark', u8, h, w), TOL, 'async u8');
    t.log(`largest difference from the reference: ${worst} px`);
  } finally {
    concurrency(previous);
  }
});

test('the argmax stands near the border and where the Hessian is singular', (t) => {
  const h = 12;
  const w = 12;
  // Peak at x = 1: no Newton step.
  const border = gaussianPlane(h, w, 1.3, 6.2);
  const b = decodeSync({ data: border, shape: [h, w] }, { method: 'dark' });
  t.deepEqual(Array.from(b.coords), [1, 6]);
  // A lone 1e-12 peak: every rescaled value is below 1e-10, the log is flat, the Hessian zero.
  const flat = new Float32Array(h * w);
  flat[6 * w + 5] = 1e-12;
  const f = decodeSync({ data: flat, shape: [h, w] }, { method: 'dark' });
  t.deepEqual(Array.from(f.coords), [5, 6]);
  t.deepEqual(decodeDarkRef(flat, h, w).x, 5);
  t.deepEqual(Array.from(f.valid), [1]);
});

test('a positive peak whose blur is negative everywhere: the step runs on the sign-flipped plane, as the authors\' rescale makes it', (t) => {
  const h = 15;
  const w = 13;
  const random = rng(41);
  // Logit-like: strongly negative around one small positive pixel; the blur is < 0 everywhere, so
  // origin_max / max(blurred) < 0 and log(max(h * scale, 1e-10)) reads the flipped plane.
  const data = Float32Array.from({ length: h * w }, () => -1 - random());
  data[7 * w + 6] = 0.25;
  const r = decodeSync({ data, shape: [h, w] }, { method: 'dark' });
  const ref = decodeDarkRef(data, h, w);
  t.not(ref.x, 6, 'the reference steps');
  t.true(Math.abs(r.coords[0] - ref.x) < TOL && Math.abs(r.coords[1] - ref.y) < TOL, `${r.coords} vs ${ref.x}, ${ref.y}`);
  t.is(r.valid[0], 1);
});

test('NaN, Inf and non-positive planes are invalid', (t) => {
  const data = new Float32Array(3 * 64).fill(0.5);
  data[10] = NaN;
  data[64 + 10] = Infinity;
  data.fill(-1, 128, 192);
  const r = decodeSync({ data, shape: [3, 8, 8] }, { method: 'dark' });
  t.deepEqual(Array.from(r.valid), [0, 0, 0]);
});

test('subnormal tails: matches the reference, and the caller thread keeps its floating-point mode', (t) => {
  // A narrow Gaussian on 64 x 48 leaves thousands of subnormal floats in its tails; the blur
  // flushes them to zero (values below 1.2e-38 cannot move the answer), then restores the mode.
  const h = 64;
  const w = 48;
  const random = rng(23);
  const n = 8;
  const data = new Float32Array(n * h * w);
  for (let i = 0; i < n; i++) data.set(gaussianPlane(h, w, 8 + random() * 30, 8 + random() * 46, 1.2 + random()), i * h * w);
  t.true(data.some((v) => v > 0 && v < 1.17549435e-38));
  const got = decodeSync({ data, shape: [n, h, w] }, { method: 'dark' });
  closeToRef(t, got, decodeBatchRef('dark', data, h, w), TOL);
  const tiny = Number.parseFloat(`5e-${324 - Math.min(1, n - 8)}`);
  t.true(tiny * 1.5 > 0, 'subnormal doubles still work on this thread');
  t.true(Math.fround(1e-40) > 0);
});
