import test from 'ava';
import { argmax, conv2d, relu, sum } from 'coordconv';
import { convRef, padsOf, reluRef } from './helpers/conv-ref.mjs';
import { argmaxRef } from './helpers/decode-ref.mjs';
import { SIDES, misaligned, rng } from './helpers/inputs.mjs';

function randomFloats(random, n, Type = Float32Array, offset = 0) {
  const a = misaligned(Type, n, offset);
  for (let i = 0; i < n; i++) a[i] = Type === Uint8Array ? Math.floor(random() * 256) : random() * 4 - 2;
  return a;
}

test('conv2d equals the float32 scalar loop bit for bit: same and valid, odd and even kernels, bias', (t) => {
  const random = rng(10);
  const cases = [
    [[1, 1, 1, 1], [1, 1, 1, 1]],
    [[2, 3, 7, 9], [4, 3, 3, 3]],
    [[1, 2, 5, 33], [2, 2, 5, 5]],
    [[3, 1, 17, 65], [1, 1, 3, 3]],
    [[1, 2, 4, 6], [3, 2, 2, 4]],
    [[1, 1, 2, 3], [1, 1, 5, 7]],
    [[2, 1, 9, 129], [2, 1, 1, 3]],
  ];
  for (const [inShape, wShape] of cases) {
    for (const padding of ['same', 'valid']) {
      if (padding === 'valid' && (wShape[2] > inShape[2] || wShape[3] > inShape[3])) continue;
      const input = randomFloats(random, inShape.reduce((a, b) => a * b), Float32Array, 1);
      const weight = randomFloats(random, wShape.reduce((a, b) => a * b), Float32Array, 3);
      const bias = randomFloats(random, wShape[0]);
      const got = conv2d({ data: input, shape: inShape }, { data: weight, shape: wShape }, { padding, bias });
      const ref = convRef(input, inShape, weight, wShape, { bias, pads: padsOf(padding, wShape.slice(2)) });
      t.deepEqual(got.shape, ref.shape);
      t.deepEqual(got.data, Float32Array.from(ref.data), `${inShape} * ${wShape} ${padding}`);
    }
  }
});

test('conv2d propagates NaN to exactly the outputs whose window reads it, even through zero taps', (t) => {
  const input = new Float32Array([NaN, 1, 2, 3, 4, 5]);
  const got = conv2d({ data: input, shape: [1, 1, 1, 6] }, { data: new Float32Array([0, 1, 0]), shape: [1, 1, 1, 3] });
  t.true(Number.isNaN(got.data[0]) && Number.isNaN(got.data[1]));
  t.deepEqual([...got.data.subarray(2)], [2, 3, 4, 5]);
});

test('relu: max(x, 0), NaN stays NaN, -0 becomes +0, any length', (t) => {
  const random = rng(11);
  for (const n of [...SIDES, 1000]) {
    const data = randomFloats(random, n, Float32Array, 1);
    const specials = [NaN, -0, 0, -Infinity, Infinity, 1e-45, -1e-45];
    specials.forEach((v, i) => i < n && (data[(i * 7) % n] = v));
    const got = relu({ data, shape: [n] });
    t.deepEqual(got.data, Float32Array.from(data, reluRef), `n=${n}`);
  }
});

test('sum: Uint8 planes exactly, Float32 planes within 1e-12 relative of a double loop', (t) => {
  const random = rng(12);
  for (const width of SIDES) {
    const height = 3;
    const planes = 4;
    const bytes = randomFloats(random, planes * height * width, Uint8Array, 5);
    const floats = randomFloats(random, planes * height * width, Float32Array, 1);
    const su = sum({ data: bytes, shape: [planes, height, width] });
    const sf = sum({ data: floats, shape: [planes, height, width] });
    t.deepEqual(su.shape, [planes]);
    for (let p = 0; p < planes; p++) {
      let u = 0;
      let d = 0;
      for (let i = p * height * width; i < (p + 1) * height * width; i++) {
        u += bytes[i];
        d += floats[i];
      }
      t.is(su.data[p], u);
      t.true(Math.abs(sf.data[p] - d) <= 1e-12 * Math.max(1, Math.abs(d)) * height * width, `width ${width}`);
    }
  }
});

test('sum of 255s over a plane larger than 2^24 bytes stays exact', (t) => {
  const data = new Uint8Array(4097 * 4099).fill(255);
  t.is(sum({ data, shape: [4097, 4099] }).data[0], 255 * 4097 * 4099);
});

test('argmax: first index of the maximum, identical to the scalar loop, both dtypes', (t) => {
  const random = rng(13);
  for (const Type of [Float32Array, Uint8Array]) {
    for (const width of SIDES) {
      const height = 2;
      const planes = 5;
      const size = height * width;
      const data = randomFloats(random, planes * size, Type, Type === Uint8Array ? 1 : 1);
      // Plane 1: ties everywhere; plane 2: the maximum is the last element; plane 3: all equal to 0.
      for (let i = 0; i < size; i++) data[size + i] = i % 3 === 0 ? 9 : 1;
      data[3 * size - 1] = Type === Uint8Array ? 255 : 1e6;
      data.fill(0, 3 * size, 4 * size);
      const r = argmax({ data, shape: [planes, height, width] });
      for (let p = 0; p < planes; p++) {
        const ref = argmaxRef(data.subarray(p * size, (p + 1) * size));
        t.deepEqual([r.values[p], r.indices[p], r.finite[p]], [ref.value, ref.index, ref.finite], `${Type.name} ${width} plane ${p}`);
      }
    }
  }
});

test('argmax flags NaN and infinities, and reports -0 as it stands', (t) => {
  const data = new Float32Array([1, NaN, 0, 0, -Infinity, 0, -0, 0, 0, Infinity, 5, 0]);
  const r = argmax({ data, shape: [4, 1, 3] });
  t.deepEqual([...r.finite], [0, 0, 1, 0]);
  t.true(Object.is(r.values[2], -0));
  t.is(r.indices[2], 0);
  t.true(Number.isNaN(r.values[0]));
});
