import test from 'ava';
import { decodeSync, decode } from 'coordconv';
import { decodeBatchRef, gaussianPlane } from './helpers/decode-ref.mjs';
import { sameAsRef } from './helpers/compare.mjs';
import { rng, sizedBatches } from './helpers/inputs.mjs';

test("'argmax' is the default method", (t) => {
  const data = new Float32Array(12);
  data[7] = 3;
  const r = decodeSync({ data, shape: [3, 4] });
  t.deepEqual(Array.from(r.coords), [3, 1]);
  t.deepEqual(Array.from(r.scores), [3]);
  t.deepEqual(Array.from(r.valid), [1]);
  t.deepEqual(r.shape, []);
});

test('a Gaussian with a sub-pixel centre decodes within 0.5 px on each axis', (t) => {
  const random = rng(1);
  const h = 64;
  const w = 48;
  for (let i = 0; i < 50; i++) {
    const cx = 6 + random() * (w - 12);
    const cy = 6 + random() * (h - 12);
    const r = decodeSync({ data: gaussianPlane(h, w, cx, cy), shape: [h, w] }, { method: 'argmax' });
    t.true(Math.abs(r.coords[0] - cx) <= 0.5 && Math.abs(r.coords[1] - cy) <= 0.5, `${cx}, ${cy} -> ${r.coords}`);
  }
});

test('ties go to the first row-major index', (t) => {
  const data = new Float32Array(5 * 9).fill(0.25);
  data[2 * 9 + 7] = 1;
  data[3 * 9 + 1] = 1;
  data[4 * 9 + 0] = 1;
  t.deepEqual(Array.from(decodeSync({ data, shape: [5, 9] }).coords), [7, 2]);
  const flat = new Uint8Array(5 * 9).fill(9);
  t.deepEqual(Array.from(decodeSync({ data: flat, shape: [5, 9] }).coords), [0, 0]);
});

test('a plane holding NaN or Inf, or whose maximum is not above 0, is invalid', (t) => {
  const planes = new Float32Array(5 * 16).fill(0.5);
  planes[3] = NaN;
  planes[16 + 9] = Infinity;
  planes[32 + 15] = -Infinity;
  planes.fill(0, 48, 64);
  planes.fill(-2, 64, 80);
  const r = decodeSync({ data: planes, shape: [5, 4, 4] });
  t.deepEqual(Array.from(r.valid), [0, 0, 0, 0, 0]);
  t.true(Array.from(r.coords).every(Number.isNaN));
  t.deepEqual(Array.from(r.scores), [0, 0, 0, 0, 0]);
  t.deepEqual(Array.from(decodeSync({ data: new Uint8Array(16), shape: [4, 4] }).valid), [0]);
});

test('equals the JS reference exactly over sizes around the vector widths, Float32 and Uint8, misaligned', (t) => {
  const random = rng(2);
  const n = 3;
  for (const { h, w, views } of sizedBatches(n, () => Math.floor(random() * 16) / 8 - 0.5, () => Math.floor(random() * 256))) {
    for (const data of views) {
      const got = decodeSync({ data, shape: [n, h, w] }, { method: 'argmax' });
      sameAsRef(t, got, decodeBatchRef('argmax', data, h, w), `${data.constructor.name} ${h}x${w}`);
    }
  }
});

test('a hot pixel anywhere in a 255-valued Uint8 plane, at every position of a 65-wide row', (t) => {
  const h = 3;
  const w = 65;
  const data = new Uint8Array(h * w * w);
  for (let i = 0; i < w; i++) {
    data.fill(254, i * h * w, (i + 1) * h * w);
    data[i * h * w + w + i] = 255;
  }
  const got = decodeSync({ data, shape: [w, h, w] });
  sameAsRef(t, got, decodeBatchRef('argmax', data, h, w));
});

test('rank 4 input keeps its leading dimensions; async equals sync', async (t) => {
  const random = rng(3);
  const data = new Float32Array(2 * 3 * 7 * 11).map(() => random());
  const sync = decodeSync({ data, shape: [2, 3, 7, 11] });
  const async = await decode({ data, dims: [2, 3, 7, 11] });
  t.deepEqual(sync.shape, [2, 3]);
  t.deepEqual(async, sync);
});
