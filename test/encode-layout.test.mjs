// encode's `layout: 'nhwc'`: the same values as the planar output, interleaved per pixel.
import test from 'ava';
import { encode, encodeSync } from 'coordconv';
import { encodeBatchRef } from './helpers/encode-ref.mjs';
import { randint, rng } from './helpers/inputs.mjs';
import { toNhwc } from './helpers/layout.mjs';

function randomCase(random) {
  const n = 1 + randint(random, 4);
  const c = [1, 2, 3, 16, 17][randint(random, 5)];
  const p = 1 + randint(random, 3);
  const h = 1 + randint(random, 20);
  const w = 1 + randint(random, 20);
  const rank = 2 + randint(random, 3);
  const shape = rank === 2 ? [n, 2] : rank === 3 ? [n, c, 2] : [n, c, p, 2];
  const points = shape.slice(0, -1).reduce((a, b) => a * b, 1);
  const coords = new Float32Array(points * 2).map((_, j) => -2 + random() * ((j % 2 ? h : w) + 4));
  return { shape, coords, n, c: rank === 2 ? 1 : c, h, w };
}

test('nhwc holds, bit for bit, the planar output interleaved: every kind and dtype, [N, 2] to [N, C, P, 2]', (t) => {
  const random = rng(41);
  for (let trial = 0; trial < 60; trial++) {
    const { shape, coords, n, c, h, w } = randomCase(random);
    for (const kind of ['onehot', 'square', 'gaussian']) {
      for (const dtype of ['float32', 'uint8']) {
        const extra = { onehot: {}, square: { radius: 1 }, gaussian: { sigma: 1.5, unbiased: trial % 2 === 0 } }[kind];
        const options = { height: h, width: w, kind, dtype, ...extra };
        const planar = encodeSync({ data: coords, shape }, options);
        const last = encodeSync({ data: coords, shape }, { ...options, layout: 'nhwc' });
        t.deepEqual(last.shape, [n, h, w, c]);
        t.is(last.data.constructor, planar.data.constructor);
        t.deepEqual(last.data, toNhwc(planar.data, n, c, h, w), `${kind} ${dtype} ${shape}`);
      }
    }
  }
});

test('nhwc onehot and square equal the closed-form reference, channels last', (t) => {
  const random = rng(42);
  for (let trial = 0; trial < 30; trial++) {
    const { shape, coords, n, c, h, w } = randomCase(random);
    for (const kind of ['onehot', 'square']) {
      const ref = toNhwc(encodeBatchRef(coords, shape, h, w, { kind, radius: 2 }), n, c, h, w);
      const got = encodeSync({ data: coords, shape }, { height: h, width: w, kind, ...(kind === 'square' ? { radius: 2 } : {}), layout: 'nhwc' });
      t.deepEqual(Array.from(got.data), Array.from(ref), `${kind} ${shape}`);
    }
  }
});

test('nhwc async equals sync, and one image with many channels splits over threads alike', async (t) => {
  const random = rng(43);
  const coords = new Float32Array(80 * 2).map(() => random() * 30);
  const options = { height: 31, width: 29, kind: 'gaussian', layout: 'nhwc' };
  const sync = encodeSync({ data: coords, shape: [1, 80, 2] }, options);
  const async = await encode({ data: coords, shape: [1, 80, 2] }, options);
  t.deepEqual(async.shape, [1, 31, 29, 80]);
  t.deepEqual(async.data, sync.data);
  const planar = encodeSync({ data: coords, shape: [1, 80, 2] }, { ...options, layout: 'nchw' });
  t.deepEqual(sync.data, toNhwc(planar.data, 1, 80, 31, 29));
});

test('an unknown layout is a TypeError naming options.layout', (t) => {
  const error = t.throws(() => encodeSync({ data: new Float32Array(2), shape: [1, 2] }, { height: 2, width: 2, layout: 'chw' }), {
    instanceOf: TypeError,
  });
  t.is(error.message, 'Expected one of \'nchw\', \'nhwc\' for options.layout but received "chw"');
});
