// decode and decodeSync with layout 'nhwc': channels-last [H, W, C] and [N, H, W, C] give, bit for
// bit, the NCHW call's result on a transposed copy made here by a plain loop, for every method,
// both dtypes and channel counts around the vector widths (the suite runs once per SIMD path);
// the results also match the independent per-plane references. Wrong ranks and layouts are refused.
import test from 'ava';
import { concurrency, decode, decodeSync, DECODE_METHODS } from 'coordconv';
import { closeToRef, sameAsRef } from './helpers/compare.mjs';
import { decodeBatchRef } from './helpers/decode-ref.mjs';
import { rng } from './helpers/inputs.mjs';
import { NHWC_SHAPES, nhwcBatch, toNchw } from './helpers/layout.mjs';
import { bytesOf, sameBytes } from './helpers/arbitraries.mjs';

const SHAPES = NHWC_SHAPES;
const OPTIONS = { argmax: {}, quarter: {}, dark: { kernel: 5, sigma: 1.5 }, centroid: { threshold: 0.3 }, softargmax: { beta: 3 }, exact: {}, udp: { kernel: 5 }, megvii: { kernel: 3 } };
const TOL = { dark: 1e-4, centroid: 1e-5, softargmax: 1e-4, udp: 1e-4 };

function sameResult(t, got, want, label) {
  t.true(sameBytes(bytesOf(got.coords), bytesOf(want.coords)), `${label} coords`);
  t.true(sameBytes(bytesOf(got.scores), bytesOf(want.scores)), `${label} scores`);
  t.true(sameBytes(bytesOf(got.valid), bytesOf(want.valid)), `${label} valid`);
}

for (const method of DECODE_METHODS) {
  test(`${method}: NHWC equals NCHW on the transposed batch, bit for bit, and the reference`, (t) => {
    const random = rng(1000 + DECODE_METHODS.indexOf(method));
    for (const Type of [Float32Array, Uint8Array]) {
      for (const [n, h, w, c] of SHAPES) {
        const label = `${Type.name} [${n}, ${h}, ${w}, ${c}]`;
        const data = nhwcBatch(Type, n, h, w, c, random);
        const planes = toNchw(data, n, h, w, c);
        const options = { method, ...OPTIONS[method] };
        const got = decodeSync({ data, shape: [n, h, w, c] }, { ...options, layout: 'nhwc' });
        const want = decodeSync({ data: planes, shape: [n, c, h, w] }, options);
        t.deepEqual(got.shape, [n, c], `${label} shape`);
        sameResult(t, got, want, label);
        const ref = decodeBatchRef(method, planes, h, w, OPTIONS[method]);
        if (method === 'dark' || method === 'udp') {
          // On flat or tied planes DARK's (and UDP's) Hessian is near singular and its step (tens of pixels)
          // amplifies the rounding of the blur; decode-dark.test.mjs holds the reference to 1e-4 px
          // on peaked planes. Here: the planes whose step stays within a pixel of the argmax.
          const argmax = decodeBatchRef('argmax', planes, h, w);
          const keep = ref.valid.map((_, i) => [0, 1].every((a) => Math.abs(ref.coords[2 * i + a] - argmax.coords[2 * i + a]) <= 1));
          const pick = (r) => ({
            coords: Array.from(r.coords).filter((_, j) => keep[j >> 1]),
            scores: Array.from(r.scores).filter((_, j) => keep[j]),
            valid: Array.from(r.valid).filter((_, j) => keep[j]),
          });
          closeToRef(t, pick(got), pick(ref), TOL[method], label);
        } else if (TOL[method]) {
          closeToRef(t, got, ref, TOL[method], label);
        } else {
          sameAsRef(t, got, ref, label);
        }
      }
    }
  });
}

test('[H, W, C] decodes to shape [C], as the [1, H, W, C] batch', (t) => {
  const random = rng(7);
  const data = nhwcBatch(Float32Array, 1, 13, 11, 17, random);
  for (const method of DECODE_METHODS) {
    const one = decodeSync({ data, shape: [13, 11, 17] }, { method, layout: 'nhwc' });
    const batch = decodeSync({ data, dims: [1, 13, 11, 17] }, { method, layout: 'nhwc' });
    t.deepEqual(one.shape, [17]);
    sameResult(t, one, batch, method);
  }
});

test('the same answers on one thread and on every thread, sync and async', async (t) => {
  const random = rng(8);
  const [n, h, w, c] = [1, 24, 20, 80];
  const data = nhwcBatch(Float32Array, n, h, w, c, random);
  const before = concurrency();
  try {
    for (const method of ['argmax', 'dark', 'softargmax']) {
      concurrency(1);
      const single = decodeSync({ data, shape: [n, h, w, c] }, { method, layout: 'nhwc' });
      concurrency(before);
      const all = decodeSync({ data, shape: [n, h, w, c] }, { method, layout: 'nhwc' });
      const async = await decode({ data, shape: [n, h, w, c] }, { method, layout: 'nhwc' });
      sameResult(t, all, single, `${method} threads`);
      sameResult(t, async, single, `${method} async`);
    }
  } finally {
    concurrency(before);
  }
});

test("ties go to the first row-major index, and NaN or Inf in one channel spoils that channel alone", (t) => {
  // [1, 2, 3, 4]: channel 0 ties everywhere, channel 1 peaks twice, channel 2 holds NaN, channel 3 -Inf.
  const [h, w, c] = [2, 3, 4];
  const planes = [
    [5, 5, 5, 5, 5, 5],
    [0, 1, 9, 2, 9, 0],
    [1, 2, NaN, 3, 0, 0],
    [1, 2, 3, 4, -Infinity, 0],
  ];
  const data = new Float32Array(h * w * c);
  planes.forEach((p, ch) => p.forEach((v, j) => (data[j * c + ch] = v)));
  const r = decodeSync({ data, shape: [h, w, c] }, { layout: 'nhwc' });
  t.deepEqual(Array.from(r.coords), [0, 0, 2, 0, NaN, NaN, NaN, NaN]);
  t.deepEqual(Array.from(r.scores), [5, 9, 0, 0]);
  t.deepEqual(Array.from(r.valid), [1, 1, 0, 0]);
});

test('the input is not modified', (t) => {
  const data = nhwcBatch(Float32Array, 2, 9, 10, 17, rng(9));
  const copy = data.slice();
  for (const method of DECODE_METHODS) decodeSync({ data, shape: [2, 9, 10, 17] }, { method, layout: 'nhwc' });
  t.true(sameBytes(bytesOf(data), bytesOf(copy)));
});

test('wrong ranks for each layout, unknown layouts and oversized sides are refused', (t) => {
  const data = new Float32Array(24);
  t.throws(() => decodeSync({ data, shape: [4, 6] }, { layout: 'nhwc' }), {
    instanceOf: RangeError,
    message: "Expected rank 3 or 4 ([H, W, C] or [N, H, W, C]) for layout 'nhwc' for input.shape but received rank 2 [4, 6]",
  });
  t.throws(() => decodeSync({ data, shape: [1, 1, 2, 3, 4] }, { layout: 'nhwc' }), {
    instanceOf: RangeError,
    message: "Expected rank 3 or 4 ([H, W, C] or [N, H, W, C]) for layout 'nhwc' for input.shape but received rank 5 [1, 1, 2, 3, 4]",
  });
  t.throws(() => decodeSync({ data, shape: [1, 1, 2, 3, 4] }, { layout: 'nchw' }), {
    instanceOf: RangeError,
    message: 'Expected rank 2 to 4 ([H, W], [N, H, W] or [N, C, H, W]) for input.shape but received rank 5 [1, 1, 2, 3, 4]',
  });
  for (const layout of ['NHWC', 'chw', '', 1, null]) {
    t.throws(() => decodeSync({ data, shape: [2, 3, 4] }, { layout }), {
      instanceOf: TypeError,
      message: `Expected one of 'nchw', 'nhwc' for options.layout but received ${typeof layout === 'string' ? JSON.stringify(layout) : String(layout)}`,
    });
  }
  // H and W are the dimensions before C: the side limit applies to them, not to C.
  t.throws(() => decodeSync({ data: new Float32Array(2 ** 24 + 1), shape: [1, 2 ** 24 + 1, 1] }, { layout: 'nhwc' }), {
    instanceOf: RangeError,
    message: 'Expected height and width at most 16777216 for input.shape but received [1, 16777217, 1]',
  });
  const wide = decodeSync({ data: new Uint8Array(2 ** 24 + 1).fill(3, 5, 6), shape: [1, 1, 2 ** 24 + 1] }, { layout: 'nhwc' });
  t.deepEqual(wide.shape, [2 ** 24 + 1]);
  t.is(wide.valid[5], 1);
  t.is(wide.valid[4], 0);
  t.deepEqual([wide.coords[10], wide.coords[11]], [0, 0]);
});

// One channel is stride 1: 'dark''s whole-plane fallback (a peak so faint its blurred window falls
// under the log floor) must read the image where it lies (the fuzzer found it reading nothing).
test("dark's whole-plane fallback on a one-channel channels-last image equals the planar call", (t) => {
  const [n, h, w] = [3, 9, 11];
  const data = new Float32Array(n * h * w);
  for (let i = 0; i < n; i++) {
    data[i * h * w + (3 + i) * w + 5] = 1e-30;
    data[i * h * w + (3 + i) * w + 6] = 5e-31;
  }
  const planar = decodeSync({ data, shape: [n, 1, h, w] }, { method: 'dark' });
  const last = decodeSync({ data, shape: [n, h, w, 1] }, { method: 'dark', layout: 'nhwc' });
  t.deepEqual(last, planar);
  t.deepEqual(Array.from(last.valid), [1, 1, 1]);
});

// One channel: the NHWC images are the NCHW planes, in the same memory, and so are the answers,
// offsets read from a two-channel map of either layout included.
test('one channel, with offsets: NHWC [N, H, W, 1] gives the NCHW call on the same bytes', (t) => {
  const random = rng(41);
  const [n, h, w] = [3, 9, 11];
  const heat = Float32Array.from({ length: n * h * w }, () => random() * 2 - 0.5);
  const offNhwc = Float32Array.from({ length: n * h * w * 2 }, () => random() * 6 - 3);
  const offNchw = toNchw(offNhwc, n, h, w, 2);
  for (const [kind, extra] of [['posenet', { outputStride: 8 }], ['centernet', {}]]) {
    const a = decodeSync({ data: heat, shape: [n, h, w, 1] }, { layout: 'nhwc', offsets: { kind, map: { data: offNhwc, shape: [n, h, w, 2] }, ...extra } });
    const b = decodeSync({ data: heat, shape: [n, 1, h, w] }, { offsets: { kind, map: { data: offNchw, shape: [n, 2, h, w] }, ...extra } });
    t.deepEqual(a.shape, [n, 1], kind);
    t.true(sameBytes(a.coords, b.coords) && sameBytes(a.scores, b.scores) && sameBytes(a.valid, b.valid), kind);
  }
});
