import test from 'ava';
import { decodeSync } from 'coordconv';
import { decodeBatchRef, gaussianPlane } from './helpers/decode-ref.mjs';
import { sameAsRef } from './helpers/compare.mjs';
import { rng, sizedBatches } from './helpers/inputs.mjs';

test('the step is 0.25 toward the larger neighbour, not 1', (t) => {
  const w = 5;
  const data = new Float32Array(5 * w);
  data[2 * w + 2] = 1; // peak at (2, 2)
  data[2 * w + 3] = 0.5; // right neighbour larger than left (0)
  data[1 * w + 2] = 0.3; // upper neighbour larger than lower (0)
  const r = decodeSync({ data, shape: [5, w] }, { method: 'quarter' });
  t.deepEqual(Array.from(r.coords), [2.25, 1.75]);
  t.deepEqual(Array.from(r.scores), [1]);
});

test('equal neighbours leave the axis alone; an axis on the border is not moved', (t) => {
  const w = 4;
  const data = new Float32Array(3 * w);
  data[0 * w + 1] = 1; // peak at (1, 0): y has no upper neighbour
  data[0 * w + 0] = 0.5;
  data[0 * w + 2] = 0.5;
  data[1 * w + 1] = 0.9;
  t.deepEqual(Array.from(decodeSync({ data, shape: [3, w] }, { method: 'quarter' }).coords), [1, 0]);
  const edge = new Uint8Array(3 * w);
  edge[1 * w + 3] = 200; // peak at (3, 1): x has no right neighbour
  edge[1 * w + 2] = 100;
  edge[2 * w + 3] = 50;
  t.deepEqual(Array.from(decodeSync({ data: edge, shape: [3, w] }, { method: 'quarter' }).coords), [3, 1.25]);
});

test('a sigma 2 Gaussian with a sub-pixel centre on 64 x 48: mean error below 0.25 px', (t) => {
  const random = rng(11);
  const h = 64;
  const w = 48;
  let total = 0;
  const count = 200;
  for (let i = 0; i < count; i++) {
    const cx = 6 + random() * (w - 12);
    const cy = 6 + random() * (h - 12);
    const r = decodeSync({ data: gaussianPlane(h, w, cx, cy), shape: [h, w] }, { method: 'quarter' });
    total += Math.hypot(r.coords[0] - cx, r.coords[1] - cy);
  }
  t.true(total / count < 0.25, `mean error ${total / count}`);
});

test('equals the JS reference exactly over sizes, Float32 and Uint8, misaligned, with ties', (t) => {
  const random = rng(12);
  const n = 3;
  for (const { h, w, views } of sizedBatches(n, () => Math.floor(random() * 8) / 8, () => Math.floor(random() * 4) * 85)) {
    for (const data of views) {
      const got = decodeSync({ data, shape: [n, h, w] }, { method: 'quarter' });
      sameAsRef(t, got, decodeBatchRef('quarter', data, h, w), `${data.constructor.name} ${h}x${w}`);
    }
  }
});

test('NaN and Inf planes are invalid', (t) => {
  const data = new Float32Array(2 * 9).fill(1);
  data[4] = NaN;
  data[9 + 4] = -Infinity;
  const r = decodeSync({ data, shape: [2, 3, 3] }, { method: 'quarter' });
  t.deepEqual(Array.from(r.valid), [0, 0]);
  t.true(Array.from(r.coords).every(Number.isNaN));
});
