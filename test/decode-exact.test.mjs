import test from 'ava';
import { concurrency, conv2d, decode, decodeSync, maxConcurrency, relu, sum } from 'coordconv';
import { decodeExactRef } from './helpers/decode-ref.mjs';
import { SIDES, misaligned, randint, rng } from './helpers/inputs.mjs';

const exact = { method: 'exact' };

function onehot(height, width, x, y, value = 1, Type = Float32Array) {
  const data = new Type(height * width);
  data[y * width + x] = value;
  return data;
}

test("the CoordConv critique's case: one pixel on a 100 x 70 plane decodes exactly", (t) => {
  const random = rng(1);
  for (let trial = 0; trial < 200; trial++) {
    const x = randint(random, 100);
    const y = randint(random, 70);
    const r = decodeSync({ data: onehot(70, 100, x, y), shape: [70, 100] }, exact);
    t.deepEqual([...r.coords], [x, y]);
    t.deepEqual([...r.scores], [1]);
    t.deepEqual([...r.valid], [1]);
    t.deepEqual(r.shape, []);
  }
});

test('every position of a 64 x 64 plane decodes exactly, as one batch', (t) => {
  const data = new Float32Array(4096 * 4096);
  for (let i = 0; i < 4096; i++) data[i * 4096 + i] = 1;
  const r = decodeSync({ data, shape: [4096, 64, 64] }, exact);
  t.deepEqual(r.shape, [4096]);
  let wrong = 0;
  for (let i = 0; i < 4096; i++) {
    if (r.coords[2 * i] !== i % 64 || r.coords[2 * i + 1] !== Math.floor(i / 64) || r.valid[i] !== 1) wrong++;
  }
  t.is(wrong, 0);
});

test('a 4-D batch keeps [N, C] order and shape', (t) => {
  const [n, c, h, w] = [3, 5, 9, 13];
  const data = new Float32Array(n * c * h * w);
  const expected = [];
  const random = rng(2);
  for (let p = 0; p < n * c; p++) {
    const x = randint(random, w);
    const y = randint(random, h);
    data[p * h * w + y * w + x] = 1 + p;
    expected.push(x, y);
  }
  const r = decodeSync({ data, shape: [n, c, h, w] }, exact);
  t.deepEqual(r.shape, [n, c]);
  t.deepEqual([...r.coords], expected);
  t.deepEqual([...r.scores], Array.from({ length: n * c }, (_, p) => 1 + p));
});

test('Uint8 planes: the pixel value is the score', (t) => {
  const r = decodeSync({ data: onehot(70, 100, 99, 69, 255, Uint8Array), shape: [1, 1, 70, 100] }, exact);
  t.deepEqual([...r.coords], [99, 69]);
  t.deepEqual([...r.scores], [255]);
  t.deepEqual(r.shape, [1, 1]);
});

test('the score is the hot value and the coordinates do not depend on it', (t) => {
  for (const v of [1e-30, 0.5, 3.25, 255, 1e30]) {
    const r = decodeSync({ data: onehot(7, 11, 10, 6, v), shape: [7, 11] }, exact);
    t.deepEqual([...r.coords], [10, 6]);
    t.is(r.scores[0], Math.fround(v));
  }
});

test('planes that are not one-hot are invalid: NaN coordinates, score 0', (t) => {
  const cases = {
    empty: new Float32Array(64),
    two: Object.assign(new Float32Array(64), { 3: 1, 40: 1 }),
    nan: Object.assign(new Float32Array(64), { 5: NaN }),
    infinity: Object.assign(new Float32Array(64), { 5: Infinity }),
    'hot and NaN': Object.assign(new Float32Array(64), { 5: 1, 63: NaN }),
    negative: Object.assign(new Float32Array(64), { 5: -1 }),
  };
  const names = Object.keys(cases);
  const data = new Float32Array(names.length * 64);
  names.forEach((name, i) => data.set(cases[name], i * 64));
  const r = decodeSync({ data, shape: [names.length, 8, 8] }, exact);
  names.forEach((name, i) => {
    t.true(Number.isNaN(r.coords[2 * i]) && Number.isNaN(r.coords[2 * i + 1]), name);
    t.is(r.scores[i], 0, name);
    t.is(r.valid[i], 0, name);
  });
});

test('every plane size around the vector widths, hot pixel anywhere, misaligned views, both dtypes', (t) => {
  const random = rng(3);
  for (const Type of [Float32Array, Uint8Array]) {
    for (const width of SIDES) {
      for (const height of [1, 2, 3, 5]) {
        const planes = 6;
        const size = height * width;
        const data = misaligned(Type, planes * size, Type === Float32Array ? 1 : 3);
        // Hot pixel first, last, random; then an empty, a double and a late second pixel.
        const spots = [[0], [size - 1], [randint(random, size)], [], [0, size - 1], [size - 1, randint(random, size)]];
        spots.forEach((s, p) => s.forEach((i) => (data[p * size + i] = 7)));
        const r = decodeSync({ data, shape: [planes, height, width] }, exact);
        for (let p = 0; p < planes; p++) {
          const ref = decodeExactRef(data.subarray(p * size, (p + 1) * size), height, width);
          t.deepEqual([r.coords[2 * p], r.coords[2 * p + 1], r.scores[p], r.valid[p]], [ref.x, ref.y, ref.score, ref.valid], `${Type.name} ${planes}x${height}x${width} plane ${p}`);
        }
      }
    }
  }
});

test('an onnxruntime Tensor ({ data, dims }) is accepted as is', (t) => {
  const tensor = { type: 'float32', data: onehot(4, 6, 2, 3), dims: [1, 1, 4, 6], size: 24 };
  const r = decodeSync(tensor, exact);
  t.deepEqual([...r.coords], [2, 3]);
  t.deepEqual(r.shape, [1, 1]);
});

test('decode (async) equals decodeSync', async (t) => {
  const random = rng(4);
  const data = new Float32Array(257 * 33 * 47);
  for (let p = 0; p < 257; p++) if (p % 5) data[p * 33 * 47 + randint(random, 33 * 47)] = 1 + p;
  const input = { data, shape: [257, 33, 47] };
  const sync = decodeSync(input, exact);
  const async = await decode(input, exact);
  t.deepEqual(async, sync);
});

// The literal network of the CoordConv critique (README): DX = ReLU(conv([A, X], [W, -1])), x = W - sum(DX), built
// from the engine's own conv2d, relu and sum primitives.
test('composing conv2d, relu and sum literally gives the same coordinates', (t) => {
  const random = rng(5);
  for (const [height, width] of [[70, 100], [64, 64], [5, 33], [17, 1]]) {
    const planes = 8;
    const size = height * width;
    const batch = new Float32Array(planes * size);
    for (let p = 0; p < planes; p++) batch[p * size + randint(random, size)] = 1;
    const fast = decodeSync({ data: batch, shape: [planes, height, width] }, exact);
    for (const [axis, extent] of [['x', width], ['y', height]]) {
      // Channels per sample: the one-hot A, then the coordinate channel X (or Y).
      const stacked = new Float32Array(planes * 2 * size);
      for (let p = 0; p < planes; p++) {
        stacked.set(batch.subarray(p * size, (p + 1) * size), p * 2 * size);
        for (let i = 0; i < size; i++) stacked[p * 2 * size + size + i] = axis === 'x' ? i % width : Math.floor(i / width);
      }
      // 3 x 3 kernels that are zero but for their centre taps: W on A, -1 on X.
      const taps = new Float32Array(18);
      taps[4] = extent;
      taps[13] = -1;
      const weight = { data: taps, shape: [1, 2, 3, 3] };
      const d = relu(conv2d({ data: stacked, shape: [planes, 2, height, width] }, weight));
      const sums = sum({ data: d.data, shape: [planes, height, width] }).data;
      for (let p = 0; p < planes; p++) {
        const literal = extent - sums[p];
        t.is(literal, fast.coords[2 * p + (axis === 'x' ? 0 : 1)], `${height}x${width} plane ${p} ${axis}`);
      }
    }
  }
});

test('one thread and all threads give identical results', (t) => {
  const random = rng(6);
  const data = new Uint8Array(1001 * 19 * 23);
  for (let p = 0; p < 1001; p++) if (p % 7) data[p * 19 * 23 + randint(random, 19 * 23)] = 1 + (p % 255);
  const input = { data, shape: [7, 143, 19, 23] };
  const before = concurrency();
  try {
    concurrency(1);
    const one = decodeSync(input, exact);
    concurrency(maxConcurrency);
    const all = decodeSync(input, exact);
    t.deepEqual(all, one);
  } finally {
    concurrency(before);
  }
});

test('decode keeps its input alive until it settles, even when the caller drops it', async (t) => {
  const pending = [];
  for (let k = 0; k < 8; k++) {
    const data = new Float32Array(512 * 64 * 64);
    for (let p = 0; p < 512; p++) data[p * 4096 + ((p * 37 + k) % 4096)] = 1;
    pending.push(decode({ data, shape: [512, 64, 64] }, exact));
  }
  for (let i = 0; i < 5; i++) globalThis.gc();
  const results = await Promise.all(pending);
  results.forEach((r, k) => {
    for (let p = 0; p < 512; p++) {
      const i = (p * 37 + k) % 4096;
      t.deepEqual([r.coords[2 * p], r.coords[2 * p + 1]], [i % 64, Math.floor(i / 64)]);
    }
  });
});

test('the event loop keeps turning while decode runs', async (t) => {
  const planes = 4096;
  const data = new Float32Array(planes * 64 * 64);
  for (let p = 0; p < planes; p++) data[p * 4096 + (p % 4096)] = 1;
  let turns = 0;
  let settled = false;
  const spin = () => {
    if (settled) return;
    turns++;
    setImmediate(spin);
  };
  const pending = decode({ data, shape: [planes, 64, 64] }, exact).finally(() => (settled = true));
  setImmediate(spin);
  const r = await pending;
  t.is(r.valid.reduce((a, b) => a + b, 0), planes);
  t.true(turns > 0, `the loop turned ${turns} times during the decode`);
});

test('async calls of changing sizes stay correct while staging blocks are reused', async (t) => {
  const random = rng(8);
  for (let round = 0; round < 40; round++) {
    const planes = 1 + randint(random, 300);
    const height = 1 + randint(random, 40);
    const width = 1 + randint(random, 70);
    const size = height * width;
    const data = new Float32Array(planes * size);
    for (let p = 0; p < planes; p++) if (p % 3) data[p * size + randint(random, size)] = 1 + p;
    const r = await decode({ data, shape: [planes, height, width] }, exact);
    for (let p = 0; p < planes; p++) {
      const ref = decodeExactRef(data.subarray(p * size, (p + 1) * size), height, width);
      if (r.valid[p] !== ref.valid || (ref.valid && (r.coords[2 * p] !== ref.x || r.coords[2 * p + 1] !== ref.y))) {
        t.fail(`round ${round}, plane ${p} of ${planes} x ${height} x ${width}`);
        return;
      }
    }
  }
  t.pass();
});
