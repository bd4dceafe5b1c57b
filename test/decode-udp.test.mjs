// method 'udp': mmpose 1.x's UDPHeatmap decode in heatmap pixels (get_heatmap_maximum, then
// refine_keypoints_dark_udp), against the plain-JS reference written from mmpose's and OpenCV's
// source (test/helpers/mmpose-ref.mjs), on every dtype and layout; the suite runs once per SIMD path.
import test from 'ava';
import { concurrency, decode, decodeSync, simd } from 'coordconv';
import { closeToRef } from './helpers/compare.mjs';
import { decodeBatchRef, gaussianPlane } from './helpers/decode-ref.mjs';
import { asHalves } from './helpers/half.mjs';
import { misalignedCopy, rng } from './helpers/inputs.mjs';
import { toNhwc } from './helpers/layout.mjs';
import { opencvKernel, udpRef } from './helpers/mmpose-ref.mjs';

// The native blur runs in float32 with fused steps, the reference's in double; both take the logs
// and stencils in double (decodeBatchRef) and agree within TOL where the step moves at most 1 px.
// A longer step comes from a near-singular Hessian (a quantised or flat block at a border), which
// amplifies the blur's float32 rounding: there they agree within FAR_TOL. NumPy takes the logs in
// float32 (udpRef's default): within TOL too where the step moves at most 1 px.
const TOL = 1e-4;
const FAR_TOL = 1e-2;

// closeToRef, with FAR_TOL for the planes whose reference step is longer than 1 px.
function closeToUdpRef(t, got, data, h, w, options, label) {
  const ref = decodeBatchRef('udp', data, h, w, options);
  const argmax = decodeBatchRef('argmax', data, h, w);
  const far = ref.valid.map((_, i) => Math.hypot(ref.coords[2 * i] - argmax.coords[2 * i], ref.coords[2 * i + 1] - argmax.coords[2 * i + 1]) > 1);
  const pick = (r, keep) => ({
    coords: Array.from(r.coords).filter((_, j) => far[j >> 1] === keep),
    scores: Array.from(r.scores).filter((_, j) => far[j] === keep),
    valid: Array.from(r.valid).filter((_, j) => far[j] === keep),
  });
  closeToRef(t, pick(got, true), pick(ref, true), FAR_TOL, `${label} (steps over 1 px)`);
  return closeToRef(t, pick(got, false), pick(ref, false), TOL, label);
}

// The planes whose mmpose step (float32 logs) moves at most 1 px, compared with it.
function closeToNumpy(t, got, data, h, w, options, label) {
  for (let i = 0; i < data.length / (h * w); i++) {
    const plane = data.subarray(i * h * w, (i + 1) * h * w);
    const ref = udpRef(plane, h, w, options.kernel);
    const argmax = decodeBatchRef('argmax', plane, h, w);
    if (!ref.valid || Math.hypot(ref.x - argmax.coords[0], ref.y - argmax.coords[1]) > 1) continue;
    const d = Math.max(Math.abs(got.coords[2 * i] - ref.x), Math.abs(got.coords[2 * i + 1] - ref.y));
    if (!(d <= TOL)) t.fail(`${label} plane ${i}: ${got.coords[2 * i]}, ${got.coords[2 * i + 1]} vs NumPy-rounded ${ref.x}, ${ref.y}`);
  }
}

function batch(count, h, w, draw) {
  const data = new Float32Array(count * h * w);
  for (let i = 0; i < count; i++) data.set(draw(i), i * h * w);
  return data;
}

test('the kernel is OpenCV\'s for sigma 0: the fixed tables up to 9, then sigma 0.15 n + 0.35', (t) => {
  t.deepEqual(opencvKernel(5), [1 / 16, 4 / 16, 6 / 16, 4 / 16, 1 / 16]);
  t.deepEqual(opencvKernel(9).map((v) => v * 256), [4, 13, 30, 51, 60, 51, 30, 13, 4]);
  // 11 gives sigma 2 exactly, the DARK default: 'udp' and 'dark' blur alike there.
  const g = opencvKernel(11);
  const e = Array.from({ length: 11 }, (_, i) => Math.exp(-((i - 5) ** 2) / 8));
  const s = e.reduce((a, b) => a + b, 0);
  g.forEach((v, i) => t.true(Math.abs(v - e[i] / s) < 1e-7));
});

test('a sigma 2 Gaussian with a sub-pixel centre on 64 x 48: mean error below 0.01 px, every plane valid', (t) => {
  const random = rng(31);
  const h = 64;
  const w = 48;
  const centres = Array.from({ length: 200 }, () => [6 + random() * (w - 12), 6 + random() * (h - 12)]);
  const data = batch(200, h, w, (i) => gaussianPlane(h, w, centres[i][0], centres[i][1]));
  const r = decodeSync({ data, shape: [200, h, w] }, { method: 'udp' });
  let total = 0;
  centres.forEach(([cx, cy], i) => (total += Math.hypot(r.coords[2 * i] - cx, r.coords[2 * i + 1] - cy)));
  t.log(`mean error ${total / 200} px (${simd().active})`);
  t.true(total / 200 < 0.01, `mean error ${total / 200}`);
  t.true(r.valid.every((v) => v === 1));
});

test('matches the reference on noisy Gaussians: sizes, kernels 1 to 25, Float32, Uint8 and float16, misaligned', (t) => {
  const random = rng(32);
  const cases = [
    [64, 48, {}],
    [17, 33, { kernel: 5 }],
    [9, 65, { kernel: 3 }],
    [31, 16, { kernel: 17 }],
    [8, 8, { kernel: 1 }],
    [20, 7, { kernel: 25 }],
    [13, 29, { kernel: 7 }],
    [24, 24, { kernel: 9 }],
  ];
  let worst = 0;
  for (const [h, w, options] of cases) {
    const n = 8;
    const f = batch(n, h, w, () => {
      const g = gaussianPlane(h, w, -1 + random() * (w + 1), -1 + random() * (h + 1), 1.5 + random());
      return g.map((v) => v + 0.02 * random());
    });
    const u = Uint8Array.from(f, (v) => Math.min(255, Math.round(v * 250)));
    const half = asHalves(f);
    for (const [data, ref, label] of [
      [f, f, 'f32'],
      [misalignedCopy(f), f, 'f32 misaligned'],
      [u, u, 'u8'],
      [misalignedCopy(u), u, 'u8 misaligned'],
      [{ data: half.bits, type: 'float16' }, half.floats, 'f16'],
    ]) {
      const input = ArrayBuffer.isView(data) ? { data, shape: [n, h, w] } : { ...data, shape: [n, h, w] };
      const got = decodeSync(input, { method: 'udp', ...options });
      const what = `${label} ${h}x${w} ${JSON.stringify(options)}`;
      worst = Math.max(worst, closeToUdpRef(t, got, ref, h, w, options, what));
      closeToNumpy(t, got, ref, h, w, options, what);
    }
  }
  t.log(`largest difference from the reference: ${worst} px`);
});

test('refines at every keypoint, borders and corners included (edge padding), as mmpose does', (t) => {
  const h = 20;
  const w = 16;
  const spots = [[0.3, 9.2], [-0.6, 9.7], [15.4, 4.1], [16.3, 12.8], [7.3, 0.2], [6.6, 19.5], [0.2, 0.3], [15.7, 19.6], [1.2, 1.4], [14.3, 17.6]];
  const data = batch(spots.length, h, w, (i) => gaussianPlane(h, w, spots[i][0], spots[i][1], 2));
  const got = decodeSync({ data, shape: [spots.length, h, w] }, { method: 'udp' });
  closeToUdpRef(t, got, data, h, w, {}, 'borders');
  const argmax = decodeSync({ data, shape: [spots.length, h, w] });
  // At x = 0 or y = 0 the edge-padded stencil still moves the axis (unlike 'dark', which stops 2 px in).
  t.not(got.coords[0], argmax.coords[0]);
  t.not(got.coords[2 * 4 + 1], argmax.coords[2 * 4 + 1]);
});

// The windowed blur is kept only where it provably gives the whole plane's answer; the cases where
// it cannot (the clip binds, the Hessian is near singular) take the whole plane, as the reference.
test('where the clip binds or the step is ill-conditioned: tails, large values, plateaus, ties, logits', (t) => {
  const h = 32;
  const w = 28;
  const planes = [
    gaussianPlane(h, w, 13.3, 15.6, 2, 1e-3), // below the clip's 1e-3 nearly everywhere
    gaussianPlane(h, w, 13.3, 15.6, 2, 2.5e-3), // the clip binds in part of the block
    gaussianPlane(h, w, 40, 15.6, 2, 1), // a peak 12 px past the border: its tail
    gaussianPlane(h, w, 10.2, 11.7, 2, 100), // above 50 at the peak: the upper clip binds
    gaussianPlane(h, w, 10.2, 11.7, 2, 60).map((v) => v + 0.5),
    new Float32Array(h * w).fill(0.5), // a plateau: the argmax is pixel 0
    (() => {
      const p = new Float32Array(h * w).fill(0.1);
      for (let y = 8; y < 24; y++) for (let x = 6; x < 22; x++) p[y * w + x] = 0.8; // a plateau inside
      return p;
    })(),
    (() => {
      const p = gaussianPlane(h, w, 9, 9, 1.5);
      p.set(gaussianPlane(h, w, 20, 20, 1.5).subarray(16 * w), 16 * w); // two equal peaks: the first wins
      return p;
    })(),
  ];
  const data = batch(planes.length, h, w, (i) => planes[i]);
  const got = decodeSync({ data, shape: [planes.length, h, w] }, { method: 'udp' });
  closeToUdpRef(t, got, data, h, w, {}, 'hostile planes');
  // The flat plane's argmax is its corner, where the zero padding lowers the blur; edge padding
  // makes the outer neighbour the corner itself, so the step is -g / h = -0.5 on each axis.
  t.true(Math.abs(got.coords[10] + 0.5) < 1e-5 && Math.abs(got.coords[11] + 0.5) < 1e-5, `${got.coords[10]}, ${got.coords[11]}`);
  // Logits: every value negative, so every clipped value is 1e-3 and the step 0; the argmax stands.
  const logits = gaussianPlane(h, w, 10.4, 12.2, 2, 6).map((v) => v - 8);
  const l = decodeSync({ data: logits, shape: [h, w] }, { method: 'udp', minScore: -Infinity });
  t.deepEqual(Array.from(l.coords), [10, 12]);
  t.deepEqual(Array.from(l.valid), [1]);
  t.deepEqual(Array.from(decodeSync({ data: logits, shape: [h, w] }, { method: 'udp' }).valid), [0]);
});

test('Uint8 planes are read as value / 255: the same answer as the Float32 plane of those values', (t) => {
  const random = rng(33);
  const h = 48;
  const w = 40;
  const u = Uint8Array.from(batch(12, h, w, () => gaussianPlane(h, w, 4 + random() * 32, 4 + random() * 40, 2)), (v) => Math.round(v * 255));
  const a = decodeSync({ data: u, shape: [12, h, w] }, { method: 'udp' });
  const b = decodeSync({ data: Float32Array.from(u, (v) => v / 255), shape: [12, h, w] }, { method: 'udp' });
  for (let i = 0; i < a.coords.length; i++) t.true(Math.abs(a.coords[i] - b.coords[i]) < 1e-4, `coord ${i}: ${a.coords[i]} vs ${b.coords[i]}`);
  // The score is the raw maximum, in the input's units.
  t.deepEqual(Array.from(a.scores), Array.from({ length: 12 }, (_, i) => Math.max(...u.subarray(i * h * w, (i + 1) * h * w))));
});

test('channels-last equals channels-first bit for bit, sync and async on 2 threads, Float32 and Uint8', async (t) => {
  const random = rng(34);
  const [n, c, h, w] = [3, 17, 24, 20];
  const f = batch(n * c, h, w, () => gaussianPlane(h, w, -1 + random() * (w + 1), -1 + random() * (h + 1), 1.5 + random()).map((v) => v + 0.01 * random()));
  const previous = concurrency();
  concurrency(2);
  try {
    for (const data of [f, Uint8Array.from(f, (v) => Math.round(v * 250))]) {
      const want = decodeSync({ data, shape: [n, c, h, w] }, { method: 'udp', kernel: 7 });
      const got = await decode({ data: toNhwc(data, n, c, h, w), shape: [n, h, w, c] }, { method: 'udp', kernel: 7, layout: 'nhwc' });
      t.deepEqual(got.coords, want.coords);
      t.deepEqual(got.scores, want.scores);
      t.deepEqual(got.valid, want.valid);
    }
  } finally {
    concurrency(previous);
  }
});

test('NaN and Inf planes are invalid; minScore cuts on the raw maximum', (t) => {
  const data = batch(4, 8, 8, () => gaussianPlane(8, 8, 3.2, 4.1));
  data[10] = NaN;
  data[64 + 10] = -Infinity;
  const r = decodeSync({ data, shape: [4, 8, 8] }, { method: 'udp', minScore: 0.5 });
  t.deepEqual(Array.from(r.valid), [0, 0, 1, 1]);
  t.deepEqual(Array.from(decodeSync({ data, shape: [4, 8, 8] }, { method: 'udp', minScore: 0.995 }).valid), [0, 0, 0, 0]);
});

test('options: kernel odd 1 to 255 (default 11); no sigma, no quarterRule', (t) => {
  const data = gaussianPlane(9, 9, 4.3, 4.6);
  t.deepEqual(decodeSync({ data, shape: [9, 9] }, { method: 'udp' }).coords, decodeSync({ data, shape: [9, 9] }, { method: 'udp', kernel: 11 }).coords);
  t.throws(() => decodeSync({ data, shape: [9, 9] }, { method: 'udp', kernel: 4 }), { instanceOf: RangeError, message: /for options\.kernel but received 4/ });
  t.throws(() => decodeSync({ data, shape: [9, 9] }, { method: 'udp', kernel: 257 }), { instanceOf: RangeError, message: /for options\.kernel but received 257/ });
  t.throws(() => decodeSync({ data, shape: [9, 9] }, { method: 'udp', sigma: 2 }), {
    instanceOf: TypeError,
    message: "Expected only the keys method, out, layout, transform, minScore, kernel for options (method 'udp') but received key \"sigma\"",
  });
});

test('one-pixel, one-row and one-column planes, kernels up to 255: the reference, edge padding throughout', (t) => {
  const random = rng(35);
  for (const [h, w] of [[1, 1], [1, 7], [7, 1], [2, 2], [3, 5], [2, 40]]) {
    for (const kernel of [1, 3, 11, 255]) {
      const data = batch(4, h, w, () => Float32Array.from({ length: h * w }, () => 0.05 + random()));
      const got = decodeSync({ data, shape: [4, h, w] }, { method: 'udp', kernel });
      // Kernel 255 (sigma 38.6) flattens a plane this small to within float32 rounding of a
      // constant: the curvature the step divides by is of that rounding's size, so any float32 run
      // of the algorithm (mmpose's too) gives rounding-dependent steps there. Finite, and valid.
      if (kernel === 255) t.true(got.coords.every(Number.isFinite), `${h}x${w} kernel 255`);
      else closeToUdpRef(t, got, data, h, w, { kernel }, `${h}x${w} kernel ${kernel}`);
      t.true(got.valid.every((v) => v === 1));
    }
  }
});
