// Property-based tests of generate(): on random small sizes, counts, kinds, splits and seeds, the
// run is a pure function of its options whatever the batch size, shard i of k is exactly its slice
// of the unsharded run, centres and val flags follow the documented scheme (the JS restatement in
// helpers/generate-ref.mjs) and the drawn onehot / square / circle planes equal a plain JS drawing.
import test from 'ava';
import fc from 'fast-check';
import { generate } from 'coordconv';
import { collect, drawPlaneRef, sample } from './helpers/generate-ref.mjs';
import { runs } from './helpers/arbitraries.mjs';

const SEED = 42;

const sameArray = (a, b) => a.constructor === b.constructor && a.length === b.length && a.every((v, i) => Object.is(v, b[i]));

const runCase = fc
  .record({
    count: fc.integer({ min: 1, max: 24 }),
    width: fc.integer({ min: 5, max: 19 }),
    height: fc.integer({ min: 5, max: 19 }),
    kind: fc.constantFrom('onehot', 'square', 'circle', 'gaussian'),
    radius: fc.integer({ min: 0, max: 2 }),
    objects: fc.integer({ min: 1, max: 3 }),
    seed: fc.oneof(fc.constantFrom(0, 1, 4294967295), fc.integer({ min: 0, max: 4294967295 })),
    split: fc.constantFrom('uniform', 'quadrant'),
    valFraction: fc.constantFrom(0, 0.25, 0.5, 1),
    dtype: fc.constantFrom('float32', 'uint8'),
    batchA: fc.integer({ min: 1, max: 30 }),
    batchB: fc.integer({ min: 1, max: 30 }),
    shards: fc.integer({ min: 1, max: 5 }),
  })
  .map((k) => ({ ...k, shards: Math.min(k.shards, k.count) }));

test('generate: same seed, same samples whatever the batch size; shards concatenate to the whole run; centres follow the documented scheme', async (t) => {
  await fc.assert(
    fc.asyncProperty(runCase, async (k) => {
      const options = {
        count: k.count, width: k.width, height: k.height, kind: k.kind, objects: k.objects, seed: k.seed,
        split: k.split, valFraction: k.valFraction, dtype: k.dtype,
      };
      if (k.kind === 'square' || k.kind === 'circle') options.radius = k.radius;
      const a = await collect(generate, { ...options, batchSize: k.batchA });
      const b = await collect(generate, { ...options, batchSize: k.batchB });
      const plane = k.width * k.height;
      const perSample = k.objects * plane;
      if (a.val.length !== k.count || a.images.length !== k.count * perSample || a.locations.length !== k.count * k.objects * 2) return false;
      if (!sameArray(a.images, b.images) || !sameArray(a.locations, b.locations) || !sameArray(a.val, b.val)) return false;
      if (a.starts.some((s, i) => s !== i * k.batchA)) return false;
      // Centres and val from the documented counter-based scheme.
      const margin = k.kind === 'square' || k.kind === 'circle' ? k.radius : 0;
      const value = k.dtype === 'uint8' ? 255 : 1;
      for (let i = 0; i < k.count; i++) {
        const want = sample(i, { seed: k.seed, objects: k.objects, margin, width: k.width, height: k.height, split: k.split, valFraction: k.valFraction });
        if (a.val[i] !== want.val) return false;
        for (let j = 0; j < k.objects; j++) {
          const [x, y] = want.xy[j];
          if (a.locations[(i * k.objects + j) * 2] !== x || a.locations[(i * k.objects + j) * 2 + 1] !== y) return false;
          if (k.kind === 'gaussian') continue;
          const base = (i * k.objects + j) * plane;
          const drawn = drawPlaneRef(k.kind, [x, y], { width: k.width, height: k.height, radius: k.radius, value });
          for (let q = 0; q < plane; q++) if (a.images[base + q] !== drawn[q]) return false;
        }
      }
      // Shard i of k: floor(i * count / k) up to floor((i + 1) * count / k) of the whole run.
      for (let index = 0; index < k.shards; index++) {
        const begin = Math.floor((index * k.count) / k.shards);
        const end = Math.floor(((index + 1) * k.count) / k.shards);
        const s = await collect(generate, { ...options, batchSize: k.batchB, shard: { index, count: k.shards } });
        if (s.val.length !== end - begin) return false;
        if (end > begin && s.starts[0] !== begin) return false;
        if (!sameArray(s.images, a.images.subarray(begin * perSample, end * perSample))) return false;
        if (!sameArray(s.locations, a.locations.subarray(begin * k.objects * 2, end * k.objects * 2))) return false;
        if (!sameArray(s.val, a.val.subarray(begin, end))) return false;
      }
      return true;
    }),
    { seed: SEED, ...runs(100) },
  );
  t.pass();
});
