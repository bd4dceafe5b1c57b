// The layouts meet the other input forms: float16 channels-last, peaks over images channels-last,
// empty channels-last batches. Each equals the planar call on a plain-JS transpose, bit for bit.
import test from 'ava';
import { decode, decodeSync, peaksSync, DECODE_METHODS } from 'coordconv';
import { asHalves } from './helpers/half.mjs';
import { randint, rng } from './helpers/inputs.mjs';
import { toNchw } from './helpers/layout.mjs';

// Heatmap-like channels: a blob at a random place per channel, noise, and now and then a tie,
// a negative plane or a NaN.
function channelsLast(random, n, h, w, c) {
  const data = new Float32Array(n * h * w * c);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < c; k++) {
      const cx = random() * w, cy = random() * h, kind = randint(random, 8);
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          let v = Math.exp(-((x - cx) ** 2 + (y - cy) ** 2) / 8) + 0.01 * random();
          if (kind === 0) v = 0.5;
          if (kind === 1) v -= 2;
          data[((i * h + y) * w + x) * c + k] = v;
        }
      }
      if (kind === 2) data[((i * h + randint(random, h)) * w + randint(random, w)) * c + k] = NaN;
    }
  }
  return data;
}

const OPTIONS = { argmax: {}, quarter: {}, dark: { kernel: 5, sigma: 1.5 }, centroid: {}, softargmax: { beta: 3 }, exact: {}, logits: { minScore: -Infinity } };

test('float16 channels-last equals Float32 planes of the same values: every method, decode and peaks', async (t) => {
  const random = rng(61);
  for (const [n, h, w, c] of [[2, 9, 11, 3], [1, 16, 12, 17], [3, 5, 7, 1], [1, 20, 24, 40]]) {
    const { bits, floats } = asHalves(channelsLast(random, n, h, w, c));
    const halves = { data: bits, shape: [n, h, w, c], type: 'float16' };
    const planes = { data: toNchw(floats, n, h, w, c), shape: [n, c, h, w] };
    for (const method of [...DECODE_METHODS, 'logits']) {
      const options = method === 'logits' ? OPTIONS.logits : { method, ...OPTIONS[method] };
      const want = decodeSync(planes, options);
      const got = decodeSync(halves, { ...options, layout: 'nhwc' });
      t.deepEqual(got, want, `${method} [${n}, ${h}, ${w}, ${c}]`);
    }
    t.deepEqual(await decode(halves, { layout: 'nhwc', method: 'dark' }), decodeSync(planes, { method: 'dark' }));
    for (const over of ['plane', 'image']) {
      const want = peaksSync(planes, { k: 6, over, threshold: 0.2 });
      t.deepEqual(peaksSync(halves, { k: 6, over, threshold: 0.2, layout: 'nhwc' }), want, `peaks over ${over}`);
    }
  }
});

test('peaks over images channels-last: the classes of [N, H, W, C] as those of [N, C, H, W]', (t) => {
  const random = rng(62);
  for (const [n, h, w, c] of [[1, 32, 32, 80], [4, 13, 9, 5], [2, 8, 8, 1]]) {
    const data = channelsLast(random, n, h, w, c);
    for (const k of [1, 7, 100]) {
      const want = peaksSync({ data: toNchw(data, n, h, w, c), shape: [n, c, h, w] }, { k, over: 'image', threshold: -1 });
      const got = peaksSync({ data, shape: [n, h, w, c] }, { k, over: 'image', threshold: -1, layout: 'nhwc' });
      t.deepEqual(got.shape, [n]);
      t.deepEqual(got, want);
    }
  }
  const one = channelsLast(random, 1, 6, 7, 4);
  const single = peaksSync({ data: one, shape: [6, 7, 4] }, { k: 3, over: 'image', layout: 'nhwc' });
  t.deepEqual(single.shape, []);
  t.deepEqual(single, peaksSync({ data: toNchw(one, 1, 6, 7, 4), shape: [4, 6, 7] }, { k: 3, over: 'image' }));
});

test('empty channels-last batches: N = 0 or C = 0 give empty results of the right shape', (t) => {
  for (const shape of [[0, 8, 8, 17], [3, 8, 8, 0], [8, 8, 0]]) {
    const data = new Float32Array(0);
    const lead = shape.length === 4 ? [shape[0], shape[3]] : [shape[2]];
    const r = decodeSync({ data, shape }, { layout: 'nhwc' });
    t.deepEqual(r.shape, lead);
    t.is(r.coords.length, 0);
    const p = peaksSync({ data, shape }, { layout: 'nhwc', k: 4 });
    t.deepEqual(p.shape, lead);
    t.is(p.coords.length, 0);
  }
  const img = peaksSync({ data: new Float32Array(0), shape: [3, 8, 8, 0] }, { layout: 'nhwc', k: 4, over: 'image' });
  t.deepEqual(img.shape, [3]);
  t.deepEqual(Array.from(img.counts), [0, 0, 0]);
  t.throws(() => decodeSync({ data: new Float32Array(0), shape: [3, 0, 8, 2] }, { layout: 'nhwc' }), {
    instanceOf: RangeError,
    message: 'Expected integer dimensions (H and W positive, N and C >= 0) for input.shape but received [3, 0, 8, 2]',
  });
});
