import test from 'ava';
import { decodeSync } from 'coordconv';
import { decodeBatchRef } from './helpers/decode-ref.mjs';
import { closeToRef } from './helpers/compare.mjs';
import { rng, sizedBatches } from './helpers/inputs.mjs';

// Sums run in double in a different order per SIMD path.
const TOL = 1e-5;

test('a filled square decodes exactly to its centre', (t) => {
  const h = 70;
  const w = 100;
  const data = new Float32Array(h * w);
  const bytes = new Uint8Array(h * w);
  // Columns 21..36 and rows 40..55: centre (28.5, 47.5).
  for (let y = 40; y <= 55; y++) {
    for (let x = 21; x <= 36; x++) {
      data[y * w + x] = 0.8;
      bytes[y * w + x] = 255;
    }
  }
  for (const d of [data, bytes]) {
    const r = decodeSync({ data: d, shape: [h, w] }, { method: 'centroid' });
    t.deepEqual(Array.from(r.coords), [28.5, 47.5]);
    t.deepEqual(Array.from(r.valid), [1]);
  }
  t.deepEqual(Array.from(decodeSync({ data, shape: [h, w] }, { method: 'centroid' }).scores), [Math.fround(0.8)]);
});

test('threshold picks the pixels >= threshold * max', (t) => {
  const data = new Float32Array([0, 0.5, 1, 0, 0.49, 0, 0, 0, 0]);
  // threshold 0.5: pixels 0.5 at (1, 0) and 1 at (2, 0): x = (0.5 + 2) / 1.5.
  const r = decodeSync({ data, shape: [3, 3] }, { method: 'centroid', threshold: 0.5 });
  t.is(r.coords[0], Math.fround(2.5 / 1.5));
  t.is(r.coords[1], 0);
  // threshold 1: only the maximum.
  t.deepEqual(Array.from(decodeSync({ data, shape: [3, 3] }, { method: 'centroid', threshold: 1 }).coords), [2, 0]);
});

test('matches the JS reference over sizes, thresholds, Float32 and Uint8, misaligned', (t) => {
  const random = rng(31);
  const n = 2;
  for (const { h, w, views } of sizedBatches(n, () => random() * 2 - 0.3, () => Math.floor(random() * 256))) {
    for (const threshold of [0, 0.3, 0.5, 1]) {
      for (const data of views) {
        const got = decodeSync({ data, shape: [n, h, w] }, { method: 'centroid', threshold });
        closeToRef(t, got, decodeBatchRef('centroid', data, h, w, { threshold }), TOL, `${h}x${w} t=${threshold}`);
      }
    }
  }
});

test('NaN, Inf and non-positive planes are invalid', (t) => {
  const data = new Float32Array(3 * 16).fill(1);
  data[5] = NaN;
  data[16 + 5] = -Infinity;
  data.fill(0, 32, 48);
  t.deepEqual(Array.from(decodeSync({ data, shape: [3, 4, 4] }, { method: 'centroid' }).valid), [0, 0, 0]);
});
