import test from 'ava';
import { decodeSync, decode, concurrency, maxConcurrency, DECODE_METHODS } from 'coordconv';
import { gaussianPlane } from './helpers/decode-ref.mjs';
import { rng } from './helpers/inputs.mjs';

// A batch of noisy Gaussian heatmaps, 64 x 48, with a few invalid planes mixed in.
function batch(n, h, w, seed) {
  const random = rng(seed);
  const data = new Float32Array(n * h * w);
  for (let i = 0; i < n; i++) {
    const g = gaussianPlane(h, w, 2 + random() * (w - 4), 2 + random() * (h - 4), 1 + 2 * random());
    for (let j = 0; j < h * w; j++) data[i * h * w + j] = g[j] + 0.05 * random();
  }
  data[5 * h * w + 17] = NaN;
  data.fill(0, 9 * h * w, 10 * h * w);
  return data;
}

const OPTIONS = {
  argmax: {}, quarter: {}, exact: {}, dark: { kernel: 7, sigma: 1.5 }, centroid: { threshold: 0.3 }, softargmax: { beta: 8 },
};

test('1 thread and all threads give bit-identical results, sync and async, every method', async (t) => {
  const n = 37;
  const h = 64;
  const w = 48;
  const data = batch(n, h, w, 81);
  const u8 = data.map((v) => Math.round(v * 200));
  const before = concurrency();
  try {
    for (const input of [{ data, shape: [n, h, w] }, { data: Uint8Array.from(u8), shape: [n, h, w] }]) {
      for (const method of DECODE_METHODS) {
        const options = { method, ...OPTIONS[method] };
        concurrency(1);
        const one = decodeSync(input, options);
        const oneAsync = await decode(input, options);
        concurrency(Math.max(2, maxConcurrency));
        const all = decodeSync(input, options);
        const allAsync = await decode(input, options);
        t.deepEqual(all, one, method);
        t.deepEqual(oneAsync, one, method);
        t.deepEqual(allAsync, one, method);
      }
    }
  } finally {
    concurrency(before);
  }
});

test('decode runs off the event loop: the loop turns while a slow batch decodes', async (t) => {
  const n = 512;
  const data = batch(n, 64, 48, 82);
  const events = [];
  const pending = decode({ data, shape: [n, 64, 48] }, { method: 'dark', kernel: 41, sigma: 6 }).then((r) => {
    events.push('decoded');
    return r;
  });
  setImmediate(() => events.push('loop turned'));
  const r = await pending;
  t.deepEqual(events, ['loop turned', 'decoded']);
  t.deepEqual(r, decodeSync({ data, shape: [n, 64, 48] }, { method: 'dark', kernel: 41, sigma: 6 }));
});

test('many concurrent async calls each settle with their own answer', async (t) => {
  const calls = [];
  for (let i = 0; i < 40; i++) {
    const data = new Float32Array(3 * 9 * 9);
    data[i % 81] = 1;
    data[81 + ((i * 7) % 81)] = 2;
    data[162 + ((i * 13) % 81)] = 3;
    calls.push(decode({ data, shape: [3, 9, 9] }).then((r) => [i, Array.from(r.coords)]));
  }
  for (const [i, coords] of await Promise.all(calls)) {
    const at = (k) => [k % 9, Math.floor(k / 9)];
    t.deepEqual(coords, [...at(i % 81), ...at((i * 7) % 81), ...at((i * 13) % 81)]);
  }
});
