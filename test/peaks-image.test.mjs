// peaks with over: 'image': CenterNet's top-k over all the channels of each image, against a plain
// JS reference that takes every max-pool peak of every channel and sorts them; the result shapes
// for every rank; logits with a negative threshold; Uint8 thresholds as before.
import test from 'ava';
import fc from 'fast-check';
import { peaks, peaksSync } from 'coordconv';
import { peaksImageRef, peaksRef } from './helpers/decode-ref.mjs';
import { runs } from './helpers/arbitraries.mjs';
import { planesOf, rng } from './helpers/inputs.mjs';

const f32 = (v) => (Number.isNaN(v) ? NaN : Math.fround(v));

// Whether image g of result r holds exactly the reference's slots.
function sameAsImageRef(r, g, ref, k) {
  if (r.counts[g] !== ref.count) return false;
  for (let j = 0; j < k; j++) {
    const s = g * k + j;
    if (!Object.is(r.coords[2 * s], f32(ref.coords[2 * j])) || !Object.is(r.coords[2 * s + 1], f32(ref.coords[2 * j + 1]))) return false;
    if (!Object.is(r.scores[s], f32(ref.scores[j])) || r.valid[s] !== ref.valid[j] || r.channels[s] !== ref.channels[j]) return false;
  }
  return true;
}

// Values from a small set, so that ties across channels and within planes are common.
const batch = fc
  .record({
    n: fc.integer({ min: 0, max: 3 }),
    c: fc.integer({ min: 0, max: 6 }),
    h: fc.integer({ min: 1, max: 12 }),
    w: fc.integer({ min: 1, max: 20 }),
    dtype: fc.constantFrom('float32', 'uint8'),
  })
  .chain(({ n, c, h, w, dtype }) =>
    fc
      .array(dtype === 'uint8' ? fc.constantFrom(0, 1, 26, 128, 255) : fc.constantFrom(-2, -0.5, 0, 0.1, 0.5, 0.75, 1, NaN), {
        minLength: n * c * h * w,
        maxLength: n * c * h * w,
      })
      .map((values) => ({ shape: [n, c, h, w], data: dtype === 'uint8' ? Uint8Array.from(values) : Float32Array.from(values) })),
  );

test('over images equals the reference: every peak of every channel, sorted by value, channel, index', (t) => {
  fc.assert(
    fc.property(batch, fc.integer({ min: 1, max: 15 }), fc.constantFrom(-1, 0, 0.1, 0.5), fc.constantFrom(1, 3, 5), (input, k, threshold, window) => {
      const uint8 = input.data instanceof Uint8Array;
      const cut = uint8 ? Math.max(0, threshold) : threshold;
      const r = peaksSync(input, { k, threshold: cut, window, over: 'image' });
      const [n, c, h, w] = input.shape;
      if (!t.deepEqual(r.shape, [n]) || r.k !== k || r.channels.length !== n * k || r.counts.length !== n) return false;
      const planes = planesOf(input.data, h, w);
      for (let g = 0; g < n; g++) {
        const ref = peaksImageRef(planes.slice(g * c, (g + 1) * c), h, w, { k, threshold: uint8 ? cut * 255 : cut, window });
        if (!sameAsImageRef(r, g, ref, k)) {
          t.log(`image ${g} of ${JSON.stringify(input.shape)} ${input.data.constructor.name} k=${k} threshold=${cut} window=${window}`);
          return false;
        }
      }
      return true;
    }),
    runs(150),
  );
  t.pass();
});

test('over images, the ranks: [H, W] is one image of one channel, [C, H, W] one image, [N, C, H, W] N images', (t) => {
  const random = rng(7);
  const h = 9, w = 11;
  const data = new Float32Array(3 * 4 * h * w).map(() => random());
  const planes = planesOf(data, h, w);
  const two = peaksSync({ data: data.subarray(0, h * w), shape: [h, w] }, { k: 5, over: 'image' });
  t.deepEqual(two.shape, []);
  t.true(sameAsImageRef(two, 0, peaksImageRef(planes.slice(0, 1), h, w, { k: 5 }), 5));
  const three = peaksSync({ data: data.subarray(0, 4 * h * w), shape: [4, h, w] }, { k: 5, over: 'image' });
  t.deepEqual(three.shape, []);
  t.is(three.channels.length, 5);
  t.true(sameAsImageRef(three, 0, peaksImageRef(planes.slice(0, 4), h, w, { k: 5 }), 5));
  const four = peaksSync({ data, shape: [3, 4, h, w] }, { k: 5, over: 'image' });
  t.deepEqual(four.shape, [3]);
  for (let g = 0; g < 3; g++) t.true(sameAsImageRef(four, g, peaksImageRef(planes.slice(4 * g, 4 * g + 4), h, w, { k: 5 }), 5));
  // 'plane' keeps its shapes and has no channels.
  const plane = peaksSync({ data, shape: [3, 4, h, w] }, { k: 5 });
  t.deepEqual(plane.shape, [3, 4]);
  t.is(plane.channels, undefined);
});

test('CenterNet [1, 80, 128, 128], async and sync alike, against the reference', async (t) => {
  const random = rng(80);
  const h = 128, w = 128, c = 80, k = 100;
  const data = new Float32Array(c * h * w).map(() => random() ** 8);
  const ref = peaksImageRef(planesOf(data, h, w), h, w, { k, threshold: 0.1 });
  const sync = peaksSync({ data, shape: [1, c, h, w] }, { k, over: 'image' });
  const viaAsync = await peaks({ data, shape: [1, c, h, w] }, { k, over: 'image' });
  t.true(sameAsImageRef(sync, 0, ref, k));
  t.true(sameAsImageRef(viaAsync, 0, ref, k));
  t.is(ref.count, k);
});

test('a tie across channels goes to the lower channel, then the lower row-major index', (t) => {
  const h = 3, w = 3;
  const data = new Float32Array(3 * h * w);
  data[2 * 9 + 0] = 0.9;  // channel 2, index 0
  data[1 * 9 + 8] = 0.9;  // channel 1, index 8
  data[1 * 9 + 6] = 0.5;  // channel 1, index 6: a peak, after channel 0's equal one
  data[0 * 9 + 4] = 0.5;  // channel 0, index 4
  const r = peaksSync({ data, shape: [1, 3, h, w] }, { k: 3, over: 'image' });
  t.deepEqual([...r.channels], [1, 2, 0]);
  t.deepEqual([...r.coords], [2, 2, 0, 0, 1, 1]);
  t.deepEqual([...r.counts], [3]);
});

test('logits: a negative threshold finds the peaks of sigmoid(x) >= sigmoid(threshold)', (t) => {
  const random = rng(3);
  const h = 16, w = 20;
  const logits = new Float32Array(2 * h * w).map(() => -6 + 8 * random());
  const probabilities = logits.map((x) => 1 / (1 + Math.exp(-x)));
  const cut = -1;
  for (const over of ['plane', 'image']) {
    const a = peaksSync({ data: logits, shape: [2, h, w] }, { k: 30, threshold: cut, over });
    // The sigmoid is monotone, so the peaks are the same pixels, as long as no two neighbours round
    // to one float after it (checked: the reference on the probabilities finds as many).
    const planes = planesOf(probabilities, h, w);
    const ref = over === 'plane' ? planes.map((p) => peaksRef(p, h, w, { k: 30, threshold: 1 / (1 + Math.exp(1)) })) : null;
    if (over === 'plane') {
      for (let p = 0; p < 2; p++) {
        t.is(a.counts[p], ref[p].count);
        t.deepEqual([...a.coords.subarray(p * 60, p * 60 + 2 * ref[p].count)], ref[p].coords.slice(0, 2 * ref[p].count));
      }
    } else {
      const image = peaksImageRef(planes, h, w, { k: 30, threshold: 1 / (1 + Math.exp(1)) });
      t.is(a.counts[0], image.count);
      t.deepEqual([...a.channels], image.channels);
    }
  }
});

test('Uint8 thresholds keep their meaning: value / 255 >= threshold', (t) => {
  const data = Uint8Array.from([0, 25, 0, 0, 0, 0, 0, 26, 0]);
  const r = peaksSync({ data, shape: [3, 3] }, { threshold: 0.1, k: 2 });
  t.deepEqual([...r.counts], [1]);
  t.deepEqual([...r.coords.subarray(0, 2)], [1, 2]);
  t.is(r.scores[0], 26);
});

test('over images with transfer: true hands back the input and fills channels', async (t) => {
  const data = new Float32Array(2 * 4);
  data[4 + 3] = 1;
  const r = await peaks({ data, shape: [2, 2, 2] }, { k: 1, over: 'image', transfer: true });
  t.is(data.byteLength, 0);
  t.is(r.input.length, 8);
  t.deepEqual([...r.channels], [1]);
  t.deepEqual([...r.coords], [1, 1]);
});
