import test from 'ava';
import { generate, generateBatchSync, planGenerate } from 'coordconv';
import { collect, drawPlaneRef, sample } from './helpers/generate-ref.mjs';

test('centres and val flags follow the documented counter-based scheme (JS restatement)', async (t) => {
  for (const opts of [
    { count: 40, seed: 7 },
    { count: 25, seed: 4294967295, objects: 3, width: 17, height: 9, kind: 'square', radius: 2, split: 'quadrant' },
    { count: 30, seed: 1, margin: 5, valFraction: 0.6, width: 33 },
  ]) {
    const { locations, val } = await collect(generate, opts);
    const objects = opts.objects ?? 1;
    const ref = { ...opts, margin: opts.margin ?? (opts.kind === 'square' ? opts.radius : 0) };
    for (let i = 0; i < opts.count; i++) {
      const want = sample(i, ref);
      t.deepEqual([...locations.subarray(i * objects * 2, (i + 1) * objects * 2)], want.xy.flat(), `sample ${i}`);
      t.is(val[i], want.val, `val ${i}`);
    }
  }
});

test('far sample indices (above 2^32) use both halves of the index', (t) => {
  const plan = planGenerate({ count: 2 ** 40, seed: 3 });
  for (const i of [2 ** 32, 2 ** 32 + 1, 2 ** 40 - 1]) {
    const b = generateBatchSync(plan, i, 1);
    t.deepEqual([...b.locations.data], sample(i, { seed: 3 }).xy.flat());
    t.is(b.start, i);
  }
});

test('the same seed gives the same samples whatever the batch size', async (t) => {
  const base = { count: 53, seed: 11, kind: 'gaussian', sigma: 1.5, objects: 2, width: 20, height: 12 };
  const whole = await collect(generate, { ...base, batchSize: 1000 });
  t.is(whole.batches.length, 1);
  for (const batchSize of [1, 7, 16, 52]) {
    const other = await collect(generate, { ...base, batchSize });
    t.is(other.batches.length, Math.ceil(53 / batchSize));
    t.deepEqual(other.images, whole.images, `batchSize ${batchSize}`);
    t.deepEqual(other.locations, whole.locations);
    t.deepEqual(other.val, whole.val);
  }
});

test('shard i of k is exactly its slice of the unsharded run', async (t) => {
  const base = { count: 101, seed: 5, dtype: 'uint8', kind: 'circle', radius: 3, width: 24, height: 24, batchSize: 9 };
  const whole = await collect(generate, base);
  for (const k of [1, 2, 3, 16, 101]) {
    const parts = [];
    let expectedStart = 0;
    for (let index = 0; index < k; index++) {
      const shard = await collect(generate, { ...base, shard: { index, count: k } });
      const begin = Math.floor((index * 101) / k);
      const end = Math.floor(((index + 1) * 101) / k);
      t.is(begin, expectedStart);
      if (shard.batches.length) t.is(shard.batches[0].start, begin);
      t.is(shard.val.length, end - begin);
      t.deepEqual(shard.images, whole.images.subarray(begin * 576, end * 576), `shard ${index}/${k}`);
      t.deepEqual(shard.locations, whole.locations.subarray(begin * 2, end * 2));
      parts.push(shard);
      expectedStart = end;
    }
    t.is(expectedStart, 101);
  }
});

for (const kind of ['onehot', 'square', 'circle']) {
  for (const dtype of ['float32', 'uint8']) {
    test(`${kind} ${dtype}: every plane is the plain JS drawing at its centre`, async (t) => {
      const opts = { count: 12, seed: 9, kind, dtype, objects: 2, width: 31, height: 17, radius: 3 };
      const { images, locations } = await collect(generate, opts);
      const value = dtype === 'uint8' ? 255 : 1;
      let bad = 0;
      for (let p = 0; p < 24; p++) {
        const want = drawPlaneRef(kind, [locations[2 * p], locations[2 * p + 1]], { ...opts, value });
        const got = images.subarray(p * 31 * 17, (p + 1) * 31 * 17);
        for (let i = 0; i < want.length; i++) if (got[i] !== want[i]) bad++;
      }
      t.is(bad, 0);
      if (kind !== 'onehot') {
        for (let p = 0; p < 24; p++) {
          const [x, y] = [locations[2 * p], locations[2 * p + 1]];
          t.true(x >= 3 && x <= 27 && y >= 3 && y <= 13, 'default margin keeps the shape inside');
        }
      }
    });
  }
}

test('gaussian: peak at the centre, exp(-d^2 / 2 sigma^2) around it', async (t) => {
  const { images, locations } = await collect(generate, { count: 5, seed: 2, kind: 'gaussian', sigma: 2, width: 40, height: 30, margin: 6 });
  for (let s = 0; s < 5; s++) {
    const [x, y] = [locations[2 * s], locations[2 * s + 1]];
    const plane = images.subarray(s * 1200, (s + 1) * 1200);
    t.is(plane[y * 40 + x], 1);
    t.true(Math.abs(plane[y * 40 + x + 2] - Math.exp(-4 / 8)) < 1e-6);
    t.true(Math.abs(plane[(y - 3) * 40 + x + 1] - Math.exp(-10 / 8)) < 1e-6);
  }
});

test('uniform val fraction and quadrant rule hold over many samples', async (t) => {
  const { val } = await collect(generate, { count: 20000, seed: 123, kind: 'onehot', dtype: 'uint8', width: 8, height: 8, batchSize: 5000 });
  const fraction = val.reduce((a, b) => a + b, 0) / 20000;
  t.true(Math.abs(fraction - 0.25) < 4 * Math.sqrt((0.25 * 0.75) / 20000), `fraction ${fraction}`);
  const q = await collect(generate, { count: 500, seed: 1, split: 'quadrant', width: 10, height: 10, dtype: 'uint8' });
  for (let i = 0; i < 500; i++) t.is(q.val[i], q.locations[2 * i] > 5 && q.locations[2 * i + 1] > 5 ? 1 : 0);
});

test('bad options are clear errors', (t) => {
  t.throws(() => generate(), { instanceOf: TypeError, message: 'Expected an options object with count for options but received undefined' });
  t.throws(() => generate({ count: 0 }), { instanceOf: RangeError, message: `Expected an integer from 1 to ${Number.MAX_SAFE_INTEGER} for options.count but received 0` });
  t.throws(() => generate({ count: 5, kind: 'star' }), { instanceOf: TypeError, message: `Expected one of 'onehot', 'square', 'circle', 'gaussian' for options.kind but received "star"` });
  t.throws(() => generate({ count: 5, shard: { index: 5, count: 5 } }), { instanceOf: RangeError, message: 'Expected an integer from 0 to 4 for options.shard.index but received 5' });
  t.throws(() => generate({ count: 5, shard: { index: 0, count: 6 } }), { instanceOf: RangeError, message: 'Expected an integer from 1 to 5 for options.shard.count but received 6' });
  t.throws(() => generate({ count: 5, sigma: -1 }), { instanceOf: RangeError, message: 'Expected a finite number > 0 for options.sigma but received -1' });
  t.throws(() => generate({ count: 5, dtype: 'uint8', value: 256 }), { instanceOf: RangeError, message: 'Expected an integer from 1 to 255 for options.value but received 256' });
  t.throws(() => generate({ count: 5, margin: 40 }), { instanceOf: RangeError, message: 'Expected an integer from 0 to 31 for options.margin but received 40' });
  t.throws(() => generate({ count: 5, size: 3 }), { instanceOf: TypeError });
});
