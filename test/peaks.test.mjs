import test from 'ava';
import { peaks, peaksSync, concurrency, maxConcurrency } from 'coordconv';
import { gaussianPlane, peaksRef } from './helpers/decode-ref.mjs';
import { rng, sizedBatches } from './helpers/inputs.mjs';

const f32 = (v) => (Number.isNaN(v) ? NaN : Math.fround(v));

function sameAsPeaksRef(t, got, data, h, w, options, label) {
  const n = data.length / (h * w);
  const k = options.k ?? 100;
  const threshold = (options.threshold ?? 0.1) * (data instanceof Uint8Array ? 255 : 1);
  const coords = [];
  const scores = [];
  const valid = [];
  const counts = [];
  for (let i = 0; i < n; i++) {
    const r = peaksRef(data.subarray(i * h * w, (i + 1) * h * w), h, w, { ...options, k, threshold });
    coords.push(...r.coords);
    scores.push(...r.scores);
    valid.push(...r.valid);
    counts.push(r.count);
  }
  t.deepEqual(Array.from(got.counts), counts, `${label} counts`);
  t.deepEqual(Array.from(got.valid), valid, `${label} valid`);
  t.deepEqual(Array.from(got.coords), coords.map(f32), `${label} coords`);
  t.deepEqual(Array.from(got.scores), scores.map(f32), `${label} scores`);
}

test('finds each of several separated blobs, strongest first', (t) => {
  const h = 64;
  const w = 96;
  const blobs = [[10.2, 12.7, 0.9], [50.6, 40.1, 0.6], [80.4, 8.8, 0.75], [30.3, 55.6, 0.3], [70, 50, 1]];
  const data = new Float32Array(h * w);
  for (const [cx, cy, a] of blobs) {
    const g = gaussianPlane(h, w, cx, cy, 2, a);
    for (let i = 0; i < g.length; i++) data[i] = Math.max(data[i], g[i]);
  }
  const r = peaksSync({ data, shape: [h, w] }, { k: 8 });
  t.deepEqual(Array.from(r.counts), [5]);
  t.is(r.k, 8);
  t.deepEqual(r.shape, []);
  const order = [...blobs].sort((a, b) => b[2] - a[2]);
  for (let j = 0; j < 5; j++) {
    t.is(r.coords[2 * j], Math.round(order[j][0]));
    t.is(r.coords[2 * j + 1], Math.round(order[j][1]));
    t.is(r.valid[j], 1);
  }
  t.deepEqual(Array.from(r.valid.subarray(5)), [0, 0, 0]);
  t.true(Array.from(r.coords.subarray(10)).every(Number.isNaN));
  t.deepEqual(Array.from(r.scores.subarray(5)), [0, 0, 0]);
});

test('ties order by index; a plateau of equal maxima gives each pixel; threshold and window apply', (t) => {
  const w = 6;
  const data = new Float32Array([
    0, 0, 0, 0, 0, 0,
    0, 0.5, 0.5, 0, 0, 0.5,
    0, 0, 0, 0, 0, 0,
    0.5, 0, 0, 0.05, 0, 0,
  ]);
  const r = peaksSync({ data, shape: [4, w] }, { k: 5 });
  t.deepEqual(Array.from(r.coords.subarray(0, 8)), [1, 1, 2, 1, 5, 1, 0, 3]);
  t.deepEqual(Array.from(r.counts), [4]);
  const low = peaksSync({ data, shape: [4, w] }, { k: 5, threshold: 0.05 });
  t.deepEqual(Array.from(low.counts), [5]);
  t.deepEqual(Array.from(low.coords.subarray(8, 10)), [3, 3]);
  // A 5 x 5 window: (3, 3) at 0.05 sees (5, 1) at 0.5 and (1, 1)... and stops being a peak.
  const wide = peaksSync({ data, shape: [4, w] }, { k: 5, threshold: 0.05, window: 5 });
  t.deepEqual(Array.from(wide.counts), [4]);
});

test('equals the JS reference over sizes, k, windows and thresholds, Float32 and Uint8, misaligned', (t) => {
  const random = rng(61);
  const n = 2;
  for (const { h, w, views } of sizedBatches(n, () => Math.floor(random() * 10) / 10, () => Math.floor(random() * 6) * 51)) {
    for (const options of [{}, { k: 3, window: 1, threshold: 0.5 }, { k: 7, window: 5, threshold: 0 }]) {
      for (const data of views) {
        const got = peaksSync({ data, shape: [n, h, w] }, options);
        sameAsPeaksRef(t, got, data, h, w, options, `${data.constructor.name} ${h}x${w} ${JSON.stringify(options)}`);
      }
    }
  }
});

test('a plane holding NaN or Inf has no peaks; the others are unaffected', (t) => {
  const data = new Float32Array(3 * 16);
  data[5] = 1;
  data[16 + 5] = 1;
  data[16 + 9] = NaN;
  data[32 + 2] = -Infinity;
  const r = peaksSync({ data, shape: [3, 4, 4] }, { k: 2 });
  t.deepEqual(Array.from(r.counts), [1, 0, 0]);
  t.deepEqual(Array.from(r.valid), [1, 0, 0, 0, 0, 0]);
});

test('Uint8 threshold is on the 0..1 scale: 0.1 admits 26 and up', (t) => {
  const data = new Uint8Array([25, 0, 0, 0, 0, 0, 0, 26]);
  const r = peaksSync({ data, shape: [2, 4] }, { k: 2 });
  t.deepEqual(Array.from(r.coords), [3, 1, NaN, NaN]);
  t.deepEqual(Array.from(r.scores), [26, 0]);
});

test('rank 4 keeps leading dimensions; async equals sync; 1 thread equals all threads', async (t) => {
  const random = rng(62);
  const data = new Float32Array(3 * 5 * 12 * 19).map(() => random());
  const shape = [3, 5, 12, 19];
  const sync = peaksSync({ data, shape }, { k: 4 });
  t.deepEqual(sync.shape, [3, 5]);
  t.is(sync.coords.length, 3 * 5 * 4 * 2);
  t.deepEqual(await peaks({ data, shape }, { k: 4 }), sync);
  const before = concurrency();
  try {
    concurrency(1);
    const one = peaksSync({ data, shape }, { k: 4 });
    concurrency(maxConcurrency);
    t.deepEqual(peaksSync({ data, shape }, { k: 4 }), one);
    t.deepEqual(one, sync);
  } finally {
    concurrency(before);
  }
});

test('option errors', async (t) => {
  const input = { data: new Float32Array(4), shape: [2, 2] };
  t.throws(() => peaksSync(input, { k: 0 }), { instanceOf: RangeError, message: 'Expected a positive integer below 2^32 for options.k but received 0' });
  t.throws(() => peaksSync(input, { k: '3' }), { instanceOf: TypeError, message: 'Expected a positive integer below 2^32 for options.k but received "3"' });
  t.throws(() => peaksSync(input, { window: 4 }), { instanceOf: RangeError, message: 'Expected an odd integer from 1 to 255 for options.window but received 4' });
  t.throws(() => peaksSync(input, { threshold: NaN }), { instanceOf: RangeError, message: 'Expected a finite number for options.threshold but received NaN' });
  t.throws(() => peaksSync(input, { threshold: -Infinity }), { instanceOf: RangeError, message: 'Expected a finite number for options.threshold but received -Infinity' });
  t.throws(() => peaksSync({ data: new Uint8Array(4), shape: [2, 2] }, { threshold: 1.5 }), {
    instanceOf: RangeError,
    message: 'Expected a number from 0 to 1 (Uint8 input: compared with value / 255) for options.threshold but received 1.5',
  });
  t.throws(() => peaksSync(input, { over: 'images' }), { instanceOf: TypeError, message: "Expected one of 'plane', 'image' for options.over but received \"images\"" });
  t.throws(() => peaksSync(input, { sigma: 1 }), { instanceOf: TypeError, message: 'Expected only the keys k, threshold, window, over, layout, transform for options but received key "sigma"' });
  await t.throwsAsync(peaks(input, { k: -1 }), { instanceOf: RangeError, message: 'Expected a positive integer below 2^32 for options.k but received -1' });
});
