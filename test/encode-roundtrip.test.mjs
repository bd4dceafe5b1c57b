// decode(encode(c)) gives c back: exactly for 'onehot' with 'exact' and for 'square' with
// 'centroid', within 0.01 px for interior 'gaussian' points (>= 4 px from the borders) with 'dark'.
import test from 'ava';
import { decode, decodeSync, encode, encodeSync } from 'coordconv';
import { rng } from './helpers/inputs.mjs';

test("onehot + 'exact': integer coordinates come back exactly, float32 and uint8, sync and async", async (t) => {
  const random = rng(3);
  for (const [h, w] of [[1, 1], [7, 9], [64, 48], [17, 65]]) {
    const n = 5, c = 3;
    const coords = new Float32Array(n * c * 2).map((_, i) => Math.floor(random() * (i % 2 ? h : w)));
    for (const dtype of ['float32', 'uint8']) {
      const planes = encodeSync({ data: coords, shape: [n, c, 2] }, { height: h, width: w, dtype });
      const r = decodeSync(planes, { method: 'exact' });
      t.deepEqual(r.coords, coords, `${h} x ${w} ${dtype}`);
      t.true(r.valid.every((v) => v === 1));
    }
    const planes = await encode({ data: coords, shape: [n, c, 2] }, { height: h, width: w });
    t.deepEqual((await decode(planes, { method: 'exact' })).coords, coords);
  }
});

test("onehot + 'exact': sub-pixel coordinates come back rounded half away from zero", (t) => {
  const coords = new Float32Array([2.5, 0.5, 3.49, 1.51, 0.2, 2.7]);
  const r = decodeSync(encodeSync({ data: coords, shape: [3, 2] }, { height: 4, width: 5 }), { method: 'exact' });
  t.deepEqual(Array.from(r.coords), [3, 1, 3, 2, 0, 3]);
});

test("square + 'centroid': the centre comes back exactly while the square is inside", (t) => {
  const random = rng(5);
  const h = 40, w = 33;
  for (const radius of [0, 1, 4, 6]) {
    const n = 8;
    const coords = new Float32Array(n * 2).map((_, i) => radius + Math.floor(random() * ((i % 2 ? h : w) - 2 * radius)));
    for (const dtype of ['float32', 'uint8']) {
      const planes = encodeSync({ data: coords, shape: [n, 2] }, { height: h, width: w, kind: 'square', radius, dtype });
      const r = decodeSync(planes, { method: 'centroid' });
      t.deepEqual(r.coords, coords, `radius ${radius} ${dtype}`);
    }
  }
});

// "Interior" (docs/encoder.md): at least 2 sigma = 4 px from every border, where DARK's 5 x 5 stencil
// and its blur see the whole Gaussian; nearer, the zero padding pulls the step (0.05 px at 3 px,
// 0.2 px at 2 px, measured).
test("gaussian + 'dark': interior sub-pixel points (>= 4 px from every border) come back within 0.01 px", (t) => {
  const random = rng(9);
  const h = 64, w = 48, n = 64, c = 17;
  const coords = new Float32Array(n * c * 2).map((_, i) => 4 + random() * ((i % 2 ? h : w) - 9));
  const planes = encodeSync({ data: coords, shape: [n, c, 2] }, { height: h, width: w, kind: 'gaussian', sigma: 2 });
  const r = decodeSync(planes, { method: 'dark' });
  let worst = 0;
  for (let i = 0; i < coords.length; i++) worst = Math.max(worst, Math.abs(r.coords[i] - coords[i]));
  t.log(`largest |decoded - encoded| over ${n * c} points: ${worst} px`);
  t.true(worst <= 0.01, `worst ${worst}`);
});
