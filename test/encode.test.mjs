import test from 'ava';
import { encode, encodeSync } from 'coordconv';
import { encodeBatchRef, gaussianPlane32, roundHalfAway } from './helpers/encode-ref.mjs';
import { SIDES, rng } from './helpers/inputs.mjs';

// The gaussian is computed separably in float32 with a fixed polynomial exp: within this much of
// value * the closed form exp(-((x - cx)^2 + (y - cy)^2) / (2 sigma^2)), on every SIMD path.
const GAUSS_TOL = 1e-6;
function assertClose(t, got, ref, tol, label) {
  t.is(got.length, ref.length, `${label} length`);
  let worst = 0;
  for (let i = 0; i < ref.length; i++) {
    const d = Math.abs(got[i] - ref[i]);
    worst = Math.max(worst, d);
    if (!(d <= tol)) {
      t.fail(`${label}: element ${i} is ${got[i]}, reference ${ref[i]} (|diff| ${d} > ${tol})`);
      return worst;
    }
  }
  t.pass();
  return worst;
}

test('onehot: value at the rounded pixel, half away from zero, [N, 2] gives [N, 1, H, W]', (t) => {
  const coords = new Float32Array([2, 1, 2.5, 0.5, 0.49, 2.5, -0.5, 0]);
  const r = encodeSync({ data: coords, shape: [4, 2] }, { height: 3, width: 4 });
  t.deepEqual(r.shape, [4, 1, 3, 4]);
  t.true(r.data instanceof Float32Array);
  const hot = (i) => Array.from(r.data.subarray(i * 12, (i + 1) * 12)).flatMap((v, k) => (v ? [[k % 4, Math.floor(k / 4), v]] : []));
  t.deepEqual(hot(0), [[2, 1, 1]]);
  t.deepEqual(hot(1), [[3, 1, 1]]); // 2.5 -> 3, 0.5 -> 1
  t.deepEqual(hot(2), []); // y 2.5 -> 3: outside a height of 3
  t.deepEqual(hot(3), []); // x -0.5 -> -1: outside
});

test('onehot and square match the closed form over sizes, values, P points merged', (t) => {
  const random = rng(7);
  for (const w of SIDES) {
    for (const h of [1, 5, 9]) {
      for (const kind of ['onehot', 'square']) {
        const n = 2, c = 3, p = 3;
        const coords = new Float32Array(n * c * p * 2).map((_, i) => (i % 2 ? -3 + random() * (h + 6) : -3 + random() * (w + 6)));
        const options = { kind, value: 0.75, ...(kind === 'square' ? { radius: 1 + Math.floor(random() * 3) } : {}) };
        const r = encodeSync({ data: coords, shape: [n, c, p, 2] }, { height: h, width: w, ...options });
        t.deepEqual(r.shape, [n, c, h, w]);
        const ref = encodeBatchRef(coords, [n, c, p, 2], h, w, { ...options, radius: options.radius ?? 4 });
        t.deepEqual(Array.from(r.data), Array.from(ref, Math.fround), `${kind} ${h} x ${w}`);
      }
    }
  }
});

test('square: the default radius 4 draws the paper\'s 9 x 9 square, clipped at the edges', (t) => {
  const r = encodeSync({ data: new Float32Array([10, 10, 1, 1]), shape: [2, 2] }, { height: 20, width: 20, kind: 'square' });
  const count = (i) => r.data.subarray(i * 400, (i + 1) * 400).reduce((a, v) => a + v, 0);
  t.is(count(0), 81);
  t.is(count(1), 6 * 6); // columns and rows -3..5 clipped to 0..5
});

test('gaussian unbiased: the closed form at the exact sub-pixel centre, within the stated tolerance', (t) => {
  const random = rng(11);
  let worst = 0;
  for (const w of SIDES) {
    for (const h of [1, 2, 7, 17]) {
      const n = 2, c = 2;
      const coords = new Float32Array(n * c * 2).map((_, i) => (i % 2 ? -2 + random() * (h + 4) : -2 + random() * (w + 4)));
      const sigma = 0.5 + random() * 4;
      const value = 0.25 + random() * 2;
      const r = encodeSync({ data: coords, shape: [n, c, 2] }, { height: h, width: w, kind: 'gaussian', sigma, value });
      const ref = encodeBatchRef(coords, [n, c, 2], h, w, { kind: 'gaussian', sigma, value });
      worst = Math.max(worst, assertClose(t, r.data, ref, GAUSS_TOL * value, `${h} x ${w} sigma ${sigma}`));
    }
  }
  t.log(`largest |native - closed form| / value: ${worst}`);
});

test('gaussian: peak exactly value at an integer centre, symmetric, and the default sigma is 2', (t) => {
  const r = encodeSync({ data: new Float32Array([5, 4]), shape: [1, 2] }, { height: 9, width: 11, kind: 'gaussian', value: 3 });
  t.is(r.data[4 * 11 + 5], 3);
  t.is(r.data[4 * 11 + 4], r.data[4 * 11 + 6]);
  t.is(r.data[3 * 11 + 5], r.data[5 * 11 + 5]);
  // One pixel away at sigma 2: 3 * exp(-1 / 8).
  t.true(Math.abs(r.data[4 * 11 + 6] - 3 * Math.exp(-1 / 8)) <= 3 * GAUSS_TOL);
});

test('gaussian unbiased: false centres at the rounded pixel inside floor(3 sigma) of it', (t) => {
  const random = rng(13);
  for (const w of [7, 16, 33, 64]) {
    for (const sigma of [1, 1.5, 2, 3]) {
      const n = 3, c = 2, p = 2;
      const h = 19;
      const coords = new Float32Array(n * c * p * 2).map((_, i) => (i % 2 ? -8 + random() * (h + 16) : -8 + random() * (w + 16)));
      const r = encodeSync({ data: coords, shape: [n, c, p, 2] }, { height: h, width: w, kind: 'gaussian', sigma, unbiased: false });
      const ref = encodeBatchRef(coords, [n, c, p, 2], h, w, { kind: 'gaussian', sigma, unbiased: false });
      assertClose(t, r.data, ref, GAUSS_TOL, `${w} sigma ${sigma}`);
      // Exactly zero outside the windows, as the reference.
      for (let i = 0; i < ref.length; i++) if (ref[i] === 0 && r.data[i] !== 0) t.fail(`pixel ${i} should be 0`);
    }
  }
  // sigma 2: a 13 x 13 window (6 sigma + 1), centre at the rounded coordinate.
  const one = encodeSync({ data: new Float32Array([15.4, 15.6]), shape: [1, 2] }, { height: 32, width: 32, kind: 'gaussian', unbiased: false });
  t.is(one.data.reduce((a, v) => a + (v > 0 ? 1 : 0), 0), 13 * 13);
  t.is(one.data[16 * 32 + 15], 1);
});

test('visible skips points (their coordinates may be NaN); P points merge by maximum', (t) => {
  const coords = new Float32Array([1, 1, NaN, NaN, 3, 2, 0, 0]);
  const visible = new Uint8Array([1, 0, 1, 0]);
  const r = encodeSync({ data: coords, shape: [2, 1, 2, 2] }, { height: 3, width: 4, visible });
  const expected = new Float32Array(24);
  expected[1 * 4 + 1] = 1;
  expected[12 + 2 * 4 + 3] = 1;
  t.deepEqual(r.data, expected);
  const g = encodeSync({ data: new Float32Array([2, 2, 3, 2]), shape: [1, 1, 2, 2] }, { height: 5, width: 6, kind: 'gaussian', sigma: 1 });
  // Pixel (2, 2) and (3, 2) are peaks; (2.5 isn't a pixel) the max of both at each.
  t.is(g.data[2 * 6 + 2], 1);
  t.is(g.data[2 * 6 + 3], 1);
});

test('uint8: value defaults to 255; gaussian is floor(v + 0.5) of the float value within 1', (t) => {
  const coords = new Float32Array([3, 2, 10.3, 6.7]);
  const oh = encodeSync({ data: coords, shape: [2, 2] }, { height: 9, width: 14, dtype: 'uint8' });
  t.true(oh.data instanceof Uint8Array);
  t.is(oh.data[2 * 14 + 3], 255);
  t.is(oh.data.reduce((a, v) => a + v, 0), 2 * 255);
  const sq = encodeSync({ data: coords, shape: [2, 2] }, { height: 9, width: 14, dtype: 'uint8', kind: 'square', radius: 1, value: 7 });
  t.is(sq.data.reduce((a, v) => a + v, 0), 7 * 9 + 7 * 9);
  for (const w of SIDES) {
    const g = encodeSync({ data: new Float32Array([w / 2 + 0.3, 3.6]), shape: [1, 2] }, { height: 8, width: w, dtype: 'uint8', kind: 'gaussian', sigma: 1.7 });
    const ref = encodeBatchRef([w / 2 + 0.3, 3.6], [1, 2], 8, w, { kind: 'gaussian', sigma: 1.7, value: 255 });
    for (let i = 0; i < ref.length; i++) {
      const want = Math.floor(ref[i] + 0.5);
      if (Math.abs(g.data[i] - want) > 1) t.fail(`width ${w} pixel ${i}: ${g.data[i]} vs ${want}`);
    }
    t.pass();
  }
});

test('a point far outside the canvas draws nothing; huge finite coordinates are fine', (t) => {
  for (const kind of ['onehot', 'square', 'gaussian']) {
    const r = encodeSync({ data: new Float32Array([1e30, -1e30, -50, 3]), shape: [2, 2] }, { height: 6, width: 7, kind, ...(kind === 'gaussian' ? { unbiased: false } : {}) });
    t.true(r.data.every((v) => v === 0), kind);
  }
  const r = encodeSync({ data: new Float32Array([3e38, 1]), shape: [1, 2] }, { height: 4, width: 4, kind: 'gaussian' });
  t.true(r.data.every((v) => v === 0));
});

test('misaligned coordinate views and the async form give the same planes', async (t) => {
  const coords = new Float32Array([4.2, 3.3, 7.7, 1.1]);
  const buffer = new ArrayBuffer(4 + coords.byteLength);
  const view = new Float32Array(buffer, 4, coords.length);
  view.set(coords);
  const options = { height: 9, width: 17, kind: 'gaussian', sigma: 1.5 };
  const a = encodeSync({ data: coords, shape: [1, 2, 2] }, options);
  const b = encodeSync({ data: view, shape: [1, 2, 2] }, options);
  const c = await encode({ data: view, dims: [1, 2, 2] }, options);
  t.deepEqual(a, b);
  t.deepEqual(a, c);
});

test('a non-finite coordinate is a RangeError naming its index; nothing is returned', async (t) => {
  const data = new Float32Array([1, 2, 3, 4, 5, Infinity]);
  t.throws(() => encodeSync({ data, shape: [3, 2] }, { height: 4, width: 4 }), {
    instanceOf: RangeError,
    message: 'Expected a finite coordinate for coords.data[5] (the y of point [2]) but received Infinity',
  });
  const nan = new Float32Array(2 * 3 * 2 * 2);
  nan[2 * 7] = NaN;
  t.throws(() => encodeSync({ data: nan, shape: [2, 3, 2, 2] }, { height: 4, width: 4 }), {
    instanceOf: RangeError,
    message: 'Expected a finite coordinate for coords.data[14] (the x of point [1, 0, 1]) but received NaN',
  });
  await t.throwsAsync(encode({ data, shape: [3, 2] }, { height: 4, width: 4 }), { instanceOf: RangeError });
});

test('bad options and shapes are clear errors', (t) => {
  const data = new Float32Array(4);
  const bad = (coords, options, type, message) => t.throws(() => encodeSync(coords, options), { instanceOf: type, message });
  bad({ data, shape: [2, 2] }, { width: 4 }, TypeError, 'Expected a positive integer up to 16777216 for options.height but received undefined');
  bad({ data, shape: [2, 2] }, { height: 0, width: 4 }, RangeError, 'Expected a positive integer up to 16777216 for options.height but received 0');
  bad({ data, shape: [2, 2] }, undefined, TypeError, 'Expected an options object with height and width for options but received undefined');
  bad({ data, shape: [1, 4] }, { height: 4, width: 4 }, RangeError, 'Expected a last dimension of 2 (x, y) for coords.shape but received [1, 4]');
  bad({ data, shape: [2, 2] }, { height: 4, width: 4, kind: 'disc' }, TypeError, "Expected one of 'onehot', 'square', 'gaussian' for options.kind but received \"disc\"");
  bad({ data, shape: [2, 2] }, { height: 4, width: 4, sigma: 0, kind: 'gaussian' }, RangeError, 'Expected a finite number > 0 for options.sigma but received 0');
  bad({ data, shape: [2, 2] }, { height: 4, width: 4, value: -1 }, RangeError, 'Expected a finite number > 0 for options.value but received -1');
  bad({ data, shape: [2, 2] }, { height: 4, width: 4, value: 256, dtype: 'uint8' }, RangeError, 'Expected an integer from 1 to 255 for options.value but received 256');
  bad({ data, shape: [2, 2] }, { height: 4, width: 4, value: 300, dtype: 'uint8', kind: 'gaussian' }, RangeError, 'Expected a number in (0, 255] for options.value but received 300');
  bad({ data, shape: [2, 2] }, { height: 4, width: 4, kind: 'square', radius: 1.5 }, RangeError, 'Expected a non-negative integer for options.radius but received 1.5');
  bad({ data, shape: [2, 2] }, { height: 4, width: 4, visible: new Uint8Array(3) }, RangeError, 'Expected 2 elements (one per point, [2]) for options.visible but received 3');
  bad({ data, shape: [2, 2] }, { height: 4, width: 4, kind: 'gaussian', unbiased: 1 }, TypeError, 'Expected a boolean for options.unbiased but received 1');
  bad({ data, shape: [2, 2] }, { height: 4, width: 4, colour: 1 }, TypeError,
    'Expected only the keys height, width, kind, value, visible, dtype, layout for options (kind \'onehot\') but received key "colour"');
  // Each kind takes its own keys: a key of another kind is a mistake, not silently ignored.
  bad({ data, shape: [2, 2] }, { height: 4, width: 4, sigma: 2 }, TypeError,
    'Expected only the keys height, width, kind, value, visible, dtype, layout for options (kind \'onehot\') but received key "sigma"');
  bad({ data, shape: [2, 2] }, { height: 4, width: 4, kind: 'gaussian', radius: 2 }, TypeError,
    'Expected only the keys height, width, kind, value, visible, dtype, layout, sigma, unbiased for options (kind \'gaussian\') but received key "radius"');
  bad({ data, shape: [2, 2] }, { height: 4, width: 4, kind: 'square', unbiased: false }, TypeError,
    'Expected only the keys height, width, kind, value, visible, dtype, layout, radius for options (kind \'square\') but received key "unbiased"');
  bad({ data, shape: [2, 2] }, [4, 4], TypeError, 'Expected an options object for options but received [4, 4]');
  bad({ data: new Uint8Array(4), shape: [2, 2] }, { height: 4, width: 4 }, TypeError, 'Expected a Float32Array for coords.data but received Uint8Array(4)');
});

test('roundHalfAway reference sanity', (t) => {
  t.is(roundHalfAway(2.5), 3);
  t.is(roundHalfAway(-2.5), -3);
  t.is(roundHalfAway(0.49), 0);
});

test('gaussian: bit for bit the documented float32 evaluation (fixed polynomial exp), every path', (t) => {
  const random = rng(17);
  for (const w of SIDES) {
    const h = 5;
    const cx = random() * w, cy = random() * h;
    const sigma = 0.3 + random() * 5;
    const value = Math.fround(0.5 + random());
    const r = encodeSync({ data: new Float32Array([cx, cy]), shape: [1, 2] }, { height: h, width: w, kind: 'gaussian', sigma, value });
    t.deepEqual(r.data, gaussianPlane32(h, w, Math.fround(cx), Math.fround(cy), sigma, value), `width ${w}`);
  }
});

test('gaussian tails hold no subnormals: every non-zero value is at least 2^-126', (t) => {
  const r = encodeSync({ data: new Float32Array([3.3, 2.2, 40.7, 60.1]), shape: [2, 2] }, { height: 64, width: 48, kind: 'gaussian', sigma: 2 });
  let zeros = 0;
  for (const v of r.data) {
    if (v === 0) zeros++;
    else if (!(v >= 2 ** -126)) t.fail(`subnormal ${v}`);
  }
  t.true(zeros > 0);
});

test('several points per plane on the direct-store path: first gaussian stored, the rest merged', (t) => {
  // The first point of an unbiased gaussian plane writes its rows directly (no clearing pass);
  // later points merge by maximum. Against the closed form, float32 and uint8, hidden first points.
  const random = rng(29);
  const n = 3, c = 2, p = 3, h = 11, w = 19;
  const coords = new Float32Array(n * c * p * 2).map((_, i) => (i % 2 ? random() * h : random() * w));
  const visible = new Uint8Array(n * c * p).map((_, i) => (i % 4 === 0 ? 0 : 1));
  for (const dtype of ['float32', 'uint8']) {
    const r = encodeSync({ data: coords, shape: [n, c, p, 2] }, { height: h, width: w, kind: 'gaussian', sigma: 1.3, visible, dtype });
    const ref = encodeBatchRef(coords, [n, c, p, 2], h, w, { kind: 'gaussian', sigma: 1.3, value: dtype === 'uint8' ? 255 : 1 }, visible);
    const tol = dtype === 'uint8' ? 1 : GAUSS_TOL;
    assertClose(t, r.data, dtype === 'uint8' ? ref.map((v) => Math.floor(v + 0.5)) : ref, tol, dtype);
  }
  // No visible point at all: the plane is all zeros even though the output is not zero-filled.
  const none = encodeSync({ data: new Float32Array(4), shape: [2, 2] }, { height: 5, width: 5, kind: 'gaussian', visible: new Uint8Array(2) });
  t.true(none.data.every((v) => v === 0));
});
