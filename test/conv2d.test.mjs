// conv2d runs on the same engine as coordConv2d: stride, numeric padding, dilation, fused relu.
import test from 'ava';
import { conv2d } from 'coordconv';
import { convRef, fma32, padsOf } from './helpers/conv-ref.mjs';
import { randomArray, rng } from './helpers/inputs.mjs';

test('bit for bit the direct scalar loop: same, valid, stride, dilation, numeric padding, relu', (t) => {
  const random = rng(71);
  const configs = [
    [2, 3, 8, 9, 4, [3, 3], {}],
    [1, 2, 10, 17, 5, [3, 3], { padding: 'valid' }],
    [1, 1, 12, 33, 3, [4, 2], { padding: 'same' }],
    [2, 2, 9, 16, 9, [3, 3], { stride: 2, padding: 1 }],
    [1, 3, 11, 15, 2, [3, 3], { dilation: 2, padding: 2, activation: 'relu' }],
    [1, 1, 7, 65, 17, [3, 5], { dilation: [1, 3], padding: 'same' }],
    [1, 2, 5, 5, 3, [1, 1], { stride: [1, 2], padding: [1, 0] }],
  ];
  for (const [n, c, h, w, o, k, options] of configs) {
    const x = randomArray(random, n * c * h * w);
    const wt = randomArray(random, o * c * k[0] * k[1]);
    const bias = randomArray(random, o);
    const got = conv2d({ data: x, shape: [n, c, h, w] }, { data: wt, shape: [o, c, ...k] }, { ...options, bias });
    const pair = (v) => (v === undefined ? [1, 1] : typeof v === 'number' ? [v, v] : v);
    const ref = convRef(x, [n, c, h, w], wt, [o, c, ...k], {
      bias, stride: pair(options.stride), dilation: pair(options.dilation),
      pads: padsOf(options.padding ?? 'same', k, pair(options.dilation)), relu: options.activation === 'relu',
    });
    t.deepEqual(got.shape, ref.shape);
    t.deepEqual(Array.from(got.data), Array.from(ref.data), JSON.stringify(options));
  }
});

test('same keeps H x W, valid shrinks it; a channel mismatch names both shapes', (t) => {
  const x = { data: new Float32Array(2 * 70 * 100).fill(1), shape: [1, 2, 70, 100] };
  t.deepEqual(conv2d(x, { data: new Float32Array(2), shape: [1, 2, 1, 1] }).shape, [1, 1, 70, 100]);
  t.deepEqual(conv2d(x, { data: new Float32Array(2 * 9), shape: [1, 2, 3, 3] }, { padding: 'valid' }).shape, [1, 1, 68, 98]);
  t.throws(() => conv2d(x, { data: new Float32Array(3), shape: [1, 3, 1, 1] }), {
    instanceOf: RangeError,
    message: 'Expected 2 input channels (input is [1, 2, 70, 100]) for weight.shape[1] but received 3',
  });
});

test('fma32 reference sanity: one rounding, ties settled by the exact remainder', (t) => {
  // 1 + 2^-24 is a tie between 1 and 1 + 2^-23; fma adds (1 + 2^-23)(1 - 2^-23) - 1 = -2^-46 exactly.
  const { fround } = Math;
  t.is(fma32(fround(1 + 2 ** -23), fround(1 - 2 ** -23), -1), -(2 ** -46));
  t.is(fma32(3, 5, 7), 22);
  // (1 + 2^-12)^2 - (1 + 2^-11) = 2^-24 fused; a separately rounded product loses it (gives 0).
  const a = 1 + 2 ** -12;
  t.is(fma32(a, a, -(1 + 2 ** -11)), 2 ** -24);
  t.is(fround(fround(a * a) - (1 + 2 ** -11)), 0);
});

test('every path fuses the multiply-add: (1 + 2^-12)^2 - (1 + 2^-11) is 2^-24, not 0', (t) => {
  const a = 1 + 2 ** -12;
  const r = conv2d({ data: new Float32Array([a, a, a]), shape: [1, 1, 1, 3] }, { data: new Float32Array([a]), shape: [1, 1, 1, 1] }, { bias: new Float32Array([-(1 + 2 ** -11)]) });
  t.deepEqual(Array.from(r.data), [2 ** -24, 2 ** -24, 2 ** -24]);
});
