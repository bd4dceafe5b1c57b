// The CoordConv layer (coordConv2d, coordConv2dSync): bit for bit the direct loop over materialised
// coordinate channels, NumPy fixtures, the fused relu, and the hand-built network of two layers.
import { readFileSync } from 'node:fs';
import test from 'ava';
import { addCoords, conv2d, coordConv2d, coordConv2dSync, encodeSync, relu } from 'coordconv';
import { coordConvRef } from './helpers/conv-ref.mjs';
import { SIDES, randomArray, rng } from './helpers/inputs.mjs';

const fixtures = JSON.parse(readFileSync(new URL('./fixtures/coordconv.json', import.meta.url), 'utf8'));

// Against NumPy in float64 the float32 accumulation of at most 200 products of magnitude <= 1.5
// is within this much.
const NUMPY_TOL = 2e-5;

test('bit for bit the direct scalar loop over materialised coordinate channels, on every path', (t) => {
  const random = rng(41);
  const configs = [
    { n: 2, c: 1, h: 5, w: 7, o: 3, k: [3, 3], options: {} },
    { n: 1, c: 2, h: 9, w: 17, o: 9, k: [3, 3], options: { stride: 2, padding: 1 } },
    { n: 2, c: 3, h: 11, w: 8, o: 4, k: [3, 3], options: { dilation: 2, padding: 'same' }, withR: true },
    { n: 1, c: 1, h: 6, w: 33, o: 17, k: [5, 3], options: { padding: 'valid', activation: 'relu' } },
    { n: 3, c: 2, h: 4, w: 65, o: 2, k: [1, 1], options: { padding: 0 } },
    { n: 1, c: 4, h: 13, w: 31, o: 8, k: [3, 3], options: { stride: [2, 3], dilation: [2, 1], padding: [2, 0] } },
    { n: 1, c: 1, h: 3, w: 3, o: 5, k: [3, 3], options: { padding: 3, stride: 2 } },
    { n: 2, c: 1, h: 16, w: 15, o: 33, k: [2, 2], options: { padding: 'same', activation: 'relu' }, withR: true },
    { n: 1, c: 2, h: 1, w: 1, o: 1, k: [1, 1], options: {} },
    { n: 1, c: 1, h: 7, w: 64, o: 16, k: [3, 3], options: {} },
  ];
  for (const { n, c, h, w, o, k, options, withR = false } of configs) {
    const x = randomArray(random, n * c * h * w);
    const wshape = [o, c + (withR ? 3 : 2), ...k];
    const wt = randomArray(random, wshape.reduce((a, b) => a * b));
    const bias = random() < 0.7 ? randomArray(random, o) : undefined;
    const opts = { ...options, ...(bias ? { bias } : {}) };
    const got = coordConv2dSync({ data: x, shape: [n, c, h, w] }, { weight: { data: wt, shape: wshape }, withR, ...opts });
    const ref = coordConvRef(x, [n, c, h, w], wt, wshape, opts, withR);
    t.deepEqual(got.shape, ref.shape, JSON.stringify(options));
    t.deepEqual(Array.from(got.data), Array.from(ref.data), `${JSON.stringify({ n, c, h, w, o, k, options, withR })}`);
  }
});

test('every output width around the vector widths, misaligned views', (t) => {
  const random = rng(43);
  // And 47 = 32 + 15: one AVX-512 conv block of 32 floats (two AVX2 blocks of 16) and the longest tail.
  for (const w of [...SIDES, 47]) {
    const [n, c, h, o] = [1, 2, 3, 7];
    const x = randomArray(random, n * c * h * w);
    const wshape = [o, c + 2, 3, 3];
    const wt = randomArray(random, 7 * 4 * 9);
    const bias = randomArray(random, o);
    const shifted = new Float32Array(new ArrayBuffer(4 + x.byteLength), 4, x.length);
    shifted.set(x);
    const got = coordConv2dSync({ data: shifted, shape: [n, c, h, w] }, { weight: { data: wt, shape: wshape }, bias, padding: 1 });
    const ref = coordConvRef(x, [n, c, h, w], wt, wshape, { bias, padding: 1 }, false);
    t.deepEqual(Array.from(got.data), Array.from(ref.data), `width ${w}`);
  }
});

test('NumPy fixtures: non-square, stride 2, dilation 2, padding edges, withR, relu', (t) => {
  t.true(fixtures.conv.length >= 7);
  for (const f of fixtures.conv) {
    const [n, c, h, w] = f.input.shape;
    const extra = f.withR ? 3 : 2;
    t.is(f.weight.shape[1], c + extra);
    const got = coordConv2dSync(
      { data: new Float32Array(f.input.data), shape: f.input.shape },
      {
        weight: { data: new Float32Array(f.weight.data), shape: f.weight.shape },
        ...(f.bias ? { bias: new Float32Array(f.bias) } : {}),
        stride: f.stride, dilation: f.dilation,
        padding: [f.pads[0], f.pads[1]],
        withR: f.withR,
        activation: f.relu ? 'relu' : 'none',
      },
    );
    t.deepEqual(got.shape, f.output.shape, f.name);
    let worst = 0;
    for (let i = 0; i < f.output.data.length; i++) worst = Math.max(worst, Math.abs(got.data[i] - f.output.data[i]));
    t.true(worst <= NUMPY_TOL, `${f.name}: worst ${worst} ([${n}, ${c}, ${h}, ${w}])`);
  }
});

test('fused relu equals relu of the plain output; async equals sync', async (t) => {
  const random = rng(47);
  const x = { data: randomArray(random, 2 * 3 * 10 * 12), shape: [2, 3, 10, 12] };
  const weight = { data: randomArray(random, 6 * 6 * 9), shape: [6, 6, 3, 3] };
  const plain = coordConv2dSync(x, { weight, withR: true, padding: 1 });
  const fused = coordConv2dSync(x, { weight, withR: true, padding: 1, activation: 'relu' });
  t.deepEqual(fused, relu(plain));
  t.true(plain.data.some((v) => v < 0));
  t.deepEqual(await coordConv2d(x, { weight, withR: true, padding: 1, activation: 'relu' }), fused);
});

test('coordConv2d equals addCoords followed by conv2d', (t) => {
  const random = rng(53);
  const x = { data: randomArray(random, 2 * 2 * 9 * 14), shape: [2, 2, 9, 14] };
  const weight = { data: randomArray(random, 4 * 5 * 9), shape: [4, 5, 3, 3] };
  const bias = randomArray(random, 4);
  const options = { bias, stride: 2, padding: 1, dilation: 1 };
  t.deepEqual(coordConv2dSync(x, { weight, withR: true, ...options }), conv2d(addCoords(x, { withR: true }), weight, options));
});

test('the hand-built network: two 1 x 1 CoordConv layers reproduce encode onehot exactly', (t) => {
  // Input: the integer point (x0, y0) tiled over two channels. Layer 1 (ReLU) makes
  //   Px = ReLU(i - x0), Nx = ReLU(x0 - i) (likewise for y) and a constant K = 2^23 + 2^22,
  // with i = (W - 1) / 2 * xx + (W - 1) / 2 from the coordinate channel. Layer 2 (ReLU) sums
  //   (1 + K) - Px - Nx - Py - Ny, then - K: the accumulator holds values of magnitude >= 2^23,
  // where float32 steps are 1, so the rounding error of xx snaps away and the result is exactly
  // ReLU(1 - |i - x0| - |j - y0|): 1 at the point, 0 elsewhere.
  const K = 2 ** 23 + 2 ** 22;
  for (const [h, w] of [[64, 48], [7, 13], [33, 5], [1, 9]]) {
    const random = rng(h * 100 + w);
    const n = 12;
    const pts = [];
    for (let i = 0; i < n; i++) pts.push([Math.floor(random() * (w + 4)) - 2, Math.floor(random() * (h + 4)) - 2]);
    const input = new Float32Array(n * 2 * h * w);
    pts.forEach(([x0, y0], b) => {
      input.fill(x0, b * 2 * h * w, b * 2 * h * w + h * w);
      input.fill(y0, b * 2 * h * w + h * w, (b + 1) * 2 * h * w);
    });
    const sx = (w - 1) / 2, sy = (h - 1) / 2;
    // Layer 1: channels [x0, y0, xx, yy] -> [Px, Nx, Py, Ny, K].
    const w1 = new Float32Array([
      -1, 0, sx, 0,
      1, 0, -sx, 0,
      0, -1, 0, sy,
      0, 1, 0, -sy,
      0, 0, 0, 0,
    ]);
    const b1 = new Float32Array([sx, -sx, sy, -sy, K]);
    const hidden = coordConv2dSync({ data: input, shape: [n, 2, h, w] }, { weight: { data: w1, shape: [5, 4, 1, 1] }, bias: b1, activation: 'relu', padding: 0 });
    // Layer 2: channels [Px, Nx, Py, Ny, K, xx, yy] -> one plane.
    const w2 = new Float32Array([-1, -1, -1, -1, -1, 0, 0]);
    const out = coordConv2dSync(hidden, { weight: { data: w2, shape: [1, 7, 1, 1] }, bias: new Float32Array([1 + K]), activation: 'relu', padding: 'valid' });
    const expected = encodeSync({ data: new Float32Array(pts.flat()), shape: [n, 2] }, { height: h, width: w, kind: 'onehot' });
    t.deepEqual(out.shape, expected.shape);
    t.true(expected.data.some((v) => v === 1), 'some points fall inside');
    t.deepEqual(out.data, expected.data, `${h} x ${w}`);
  }
});

test('bad weights and geometry are clear errors', (t) => {
  const x = { data: new Float32Array(2 * 5 * 6), shape: [1, 2, 5, 6] };
  const w = (shape) => ({ data: new Float32Array(shape.reduce((a, b) => a * b)), shape });
  const bad = (options, type, message) => t.throws(() => coordConv2dSync(x, options), { instanceOf: type, message });
  bad({ weight: w([3, 5, 3, 3]) }, RangeError, 'Expected 4 input channels (C = 2, then xx, yy) for options.weight.shape[1] but received 5');
  bad({ weight: w([3, 4, 3, 3]), withR: true }, RangeError, 'Expected 5 input channels (C = 2, then xx, yy, r) for options.weight.shape[1] but received 4');
  bad({ weight: w([3, 4, 3, 3]), stride: 2 }, RangeError, "Expected stride 1 with padding 'same' for options.stride but received [2, 2]");
  bad({ weight: w([3, 4, 7, 3]), padding: 'valid' }, RangeError,
    'Expected a dilated kernel no larger than the padded input 5 x 6 for options.weight.shape but received [3, 4, 7, 3] (spanning 7 x 3)');
  bad({ weight: w([3, 4, 3, 3]), dilation: 0 }, RangeError, 'Expected a positive integer or [rows, columns] for options.dilation but received 0');
  bad({ weight: w([3, 4, 3, 3]), padding: -1 }, RangeError, 'Expected a non-negative integer or [rows, columns] for options.padding but received -1');
  bad({ weight: w([3, 4, 3, 3]), padding: 'full' }, TypeError, 'Expected a non-negative integer or [rows, columns] for options.padding but received "full"');
  bad({ weight: w([3, 4, 3, 3]), bias: new Float32Array(2) }, RangeError, 'Expected 3 values (one per output channel) for options.bias but received 2');
  bad({ weight: w([3, 4, 3, 3]), activation: 'tanh' }, TypeError, "Expected one of 'none', 'relu' for options.activation but received \"tanh\"");
  bad({}, TypeError, 'Expected an object { data, shape } for options.weight but received undefined');
  t.throws(() => coordConv2dSync(x), { instanceOf: TypeError, message: 'Expected an options object with weight for options but received undefined' });
});
