// peaks and peaksSync with layout 'nhwc': channels-last [H, W, C] and [N, H, W, C] give, bit for
// bit, the NCHW call's result on a transposed copy made by a plain loop, and the per-plane
// reference's, for both dtypes, channel counts around the vector widths, images split into bands
// of rows, and the de-interleaving fallback.
import test from 'ava';
import { concurrency, peaks, peaksSync } from 'coordconv';
import { peaksRef } from './helpers/decode-ref.mjs';
import { rng } from './helpers/inputs.mjs';
import { NHWC_SHAPES, nhwcBatch, toNchw } from './helpers/layout.mjs';
import { bytesOf, sameBytes } from './helpers/arbitraries.mjs';
import { asHalves } from './helpers/half.mjs';

// The first seven of the decode tests' shapes (the last two add nothing peaks does not see here).
const SHAPES = NHWC_SHAPES.slice(0, 7);

function sameResult(t, got, want, label) {
  for (const key of ['coords', 'scores', 'valid', 'counts']) t.true(sameBytes(bytesOf(got[key]), bytesOf(want[key])), `${label} ${key}`);
}

const f32 = (v) => (Number.isNaN(v) ? NaN : Math.fround(v));

test('NHWC equals NCHW on the transposed batch, bit for bit, and the reference', (t) => {
  const random = rng(2000);
  for (const Type of [Float32Array, Uint8Array]) {
    for (const [n, h, w, c] of SHAPES) {
      for (const options of [{ k: 5 }, { k: 3, window: 5, threshold: 0.3 }, { k: 200, window: 1, threshold: 0 }]) {
        const label = `${Type.name} [${n}, ${h}, ${w}, ${c}] ${JSON.stringify(options)}`;
        const data = nhwcBatch(Type, n, h, w, c, random);
        const planes = toNchw(data, n, h, w, c);
        const got = peaksSync({ data, shape: [n, h, w, c] }, { ...options, layout: 'nhwc' });
        const want = peaksSync({ data: planes, shape: [n, c, h, w] }, options);
        t.deepEqual(got.shape, [n, c], `${label} shape`);
        sameResult(t, got, want, label);
        const threshold = (options.threshold ?? 0.1) * (Type === Uint8Array ? 255 : 1);
        for (let p = 0; p < n * c; p++) {
          const ref = peaksRef(planes.subarray(p * h * w, (p + 1) * h * w), h, w, { ...options, threshold });
          const at = (a, per) => Array.from(a.subarray(p * per, (p + 1) * per));
          if (got.counts[p] !== ref.count) t.fail(`${label} plane ${p} count ${got.counts[p]} vs ${ref.count}`);
          t.deepEqual(at(got.coords, 2 * options.k), ref.coords.map(f32), `${label} plane ${p} coords`);
          t.deepEqual(at(got.scores, options.k), ref.scores.map(f32), `${label} plane ${p} scores`);
        }
      }
    }
  }
});

test('one image in bands of rows on every thread, on one thread and async', async (t) => {
  const [n, h, w, c] = [1, 160, 180, 40];
  const data = nhwcBatch(Float32Array, n, h, w, c, rng(2001));
  const planes = toNchw(data, n, h, w, c);
  const want = peaksSync({ data: planes, shape: [n, c, h, w] }, { k: 7 });
  const before = concurrency();
  try {
    concurrency(1);
    sameResult(t, peaksSync({ data, shape: [n, h, w, c] }, { k: 7, layout: 'nhwc' }), want, 'one thread');
    concurrency(before);
    sameResult(t, peaksSync({ data, shape: [n, h, w, c] }, { k: 7, layout: 'nhwc' }), want, 'every thread');
    sameResult(t, await peaks({ data, shape: [n, h, w, c] }, { k: 7, layout: 'nhwc' }), want, 'async');
  } finally {
    concurrency(before);
  }
});

test('k = H * W over 2100 channels (top-k heaps past 256 MiB on 2 threads: the de-interleaved path) gives the same answer', (t) => {
  const [n, h, w, c] = [1, 64, 64, 2100];
  const data = nhwcBatch(Uint8Array, n, h, w, c, rng(2003));
  const options = { k: h * w, threshold: 0.2 };
  const got = peaksSync({ data, shape: [n, h, w, c] }, { ...options, layout: 'nhwc' });
  sameResult(t, got, peaksSync({ data: toNchw(data, n, h, w, c), shape: [n, c, h, w] }, options), 'fallback');
});

test('float16 on the de-interleaved path equals Float32 planes of the same values, a NaN and an Infinity dropping their planes', (t) => {
  const [n, h, w, c] = [1, 64, 64, 2100];
  const { bits, floats } = asHalves(nhwcBatch(Float32Array, n, h, w, c, rng(2004)));
  bits[(5 * w + 7) * c + 3] = 0x7e00;  // NaN in channel 3
  floats[(5 * w + 7) * c + 3] = NaN;
  bits[(60 * w + 1) * c + 2099] = 0x7c00;  // +Infinity in the last channel
  floats[(60 * w + 1) * c + 2099] = Infinity;
  const options = { k: h * w, threshold: 0.2 };
  const got = peaksSync({ data: bits, dtype: 'float16', shape: [n, h, w, c] }, { ...options, layout: 'nhwc' });
  const want = peaksSync({ data: toNchw(floats, n, h, w, c), shape: [n, c, h, w] }, options);
  sameResult(t, got, want, 'float16 fallback');
  t.is(got.counts[3], 0);
  t.is(got.counts[2099], 0);
  t.true(got.counts[0] > 0);
});

test('[H, W, C] gives shape [C]; wrong ranks and layouts are refused', (t) => {
  const data = nhwcBatch(Uint8Array, 1, 6, 7, 3, rng(2002));
  const one = peaksSync({ data, shape: [6, 7, 3] }, { layout: 'nhwc', k: 4 });
  t.deepEqual(one.shape, [3]);
  sameResult(t, one, peaksSync({ data: toNchw(data, 1, 6, 7, 3), shape: [3, 6, 7] }, { k: 4 }), '[H, W, C]');
  t.throws(() => peaksSync({ data, shape: [42, 3] }, { layout: 'nhwc' }), {
    instanceOf: RangeError,
    message: "Expected rank 3 or 4 ([H, W, C] or [N, H, W, C]) for layout 'nhwc' for input.shape but received rank 2 [42, 3]",
  });
  t.throws(() => peaksSync({ data, shape: [6, 7, 3] }, { layout: 'hwc' }), {
    instanceOf: TypeError,
    message: `Expected one of 'nchw', 'nhwc' for options.layout but received "hwc"`,
  });
});

// Over images, channels-last keeps one heap per image for all its channels when each image is one
// work unit (images >= threads) and a heap per channel when images are split into bands: both must
// give the NCHW over-image call's answer on the transposed batch, channels and ties included, with
// planes that are not finite dropped whole, whatever k is against H * W and H * W * C.
test("over: 'image' NHWC equals NCHW on the transposed batch, on one thread and every thread, with non-finite planes", async (t) => {
  const random = rng(2002);
  const before = concurrency();
  try {
    for (const Type of [Float32Array, Uint8Array]) {
      for (const [n, h, w, c] of [...SHAPES, [1, 40, 30, 80], [3, 6, 5, 9]]) {
        const data = nhwcBatch(Type, n, h, w, c, random);
        if (Type === Float32Array && c > 1) {
          // Image 0's channel 1 gets a NaN far from its peaks, the last image's last channel an Infinity.
          data[((0 * h + h - 1) * w + w - 1) * c + 1] = NaN;
          data[(((n - 1) * h + 0) * w + 0) * c + c - 1] = Infinity;
        }
        const planes = toNchw(data, n, h, w, c);
        for (const k of [1, 7, 100, h * w + 1, h * w * c + 3]) {
          for (const threads of [1, before]) {
            concurrency(threads);
            const label = `${Type.name} [${n}, ${h}, ${w}, ${c}] k ${k} threads ${threads}`;
            const options = { k, over: 'image', threshold: Type === Uint8Array ? 0 : -1 };
            const want = peaksSync({ data: planes, shape: [n, c, h, w] }, options);
            const got = peaksSync({ data, shape: [n, h, w, c] }, { ...options, layout: 'nhwc' });
            for (const key of ['coords', 'scores', 'valid', 'counts', 'channels']) t.true(sameBytes(bytesOf(got[key]), bytesOf(want[key])), `${label} ${key}`);
          }
        }
        const async = await peaks({ data, shape: [n, h, w, c] }, { k: 9, over: 'image', layout: 'nhwc' });
        sameResult(t, async, peaksSync({ data: planes, shape: [n, c, h, w] }, { k: 9, over: 'image' }), `${Type.name} async`);
      }
    }
  } finally {
    concurrency(before);
  }
});

test('float16 channels-last, one channel (read as the planes it is) and several (widened): the Float32 planes\' answer on the same values', (t) => {
  const random = rng(2003);
  for (const [n, h, w, c] of [[2, 9, 7, 1], [1, 5, 7, 1], [2, 6, 5, 3]]) {
    const { bits, floats } = asHalves(nhwcBatch(Float32Array, n, h, w, c, random));
    const planes = toNchw(floats, n, h, w, c);
    for (const options of [{ k: 4 }, { k: 3, over: 'image', threshold: -1 }]) {
      const label = `[${n}, ${h}, ${w}, ${c}] ${JSON.stringify(options)}`;
      const got = peaksSync({ data: bits, shape: [n, h, w, c], type: 'float16' }, { ...options, layout: 'nhwc' });
      const want = peaksSync({ data: planes, shape: [n, c, h, w] }, options);
      for (const key of ['coords', 'scores', 'valid', 'counts', ...(options.over ? ['channels'] : [])]) t.true(sameBytes(bytesOf(got[key]), bytesOf(want[key])), `${label} ${key}`);
    }
  }
});
