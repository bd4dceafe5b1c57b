// Property-based test of peaksSync: on random float32 batches (shapes, hostile values, misaligned
// views), for any k, threshold and window, every plane's peaks equal CenterNet's reference and the
// input is never modified.
import test from 'ava';
import fc from 'fast-check';
import { peaksSync } from 'coordconv';
import { peaksRef } from './helpers/decode-ref.mjs';
import { bytesOf, planeBatch, runs, sameBytes, snapshot } from './helpers/arbitraries.mjs';
import { planesOf } from './helpers/inputs.mjs';

const f32 = (v) => (Number.isNaN(v) ? NaN : Math.fround(v));

test('peaks: float32 planes equal the CenterNet reference for any k, threshold and window', (t) => {
  fc.assert(
    fc.property(planeBatch(6000, ['float32']), fc.integer({ min: 1, max: 12 }), fc.constantFrom(0, 0.1, 0.5, 1), fc.constantFrom(1, 3, 5, 7), (input, k, threshold, window) => {
      const before = snapshot(input.data);
      const r = peaksSync(input, { k, threshold, window });
      const [h, w] = input.shape.slice(-2);
      const list = planesOf(input.data, h, w);
      return (
        list.every((plane, p) => {
          const ref = peaksRef(plane, h, w, { k, threshold, window });
          if (r.counts[p] !== ref.count) return false;
          for (let j = 0; j < k; j++) {
            const s = p * k + j;
            if (!Object.is(r.coords[2 * s], f32(ref.coords[2 * j])) || !Object.is(r.coords[2 * s + 1], f32(ref.coords[2 * j + 1]))) return false;
            if (!Object.is(r.scores[s], f32(ref.scores[j])) || r.valid[s] !== ref.valid[j]) return false;
          }
          return true;
        }) && sameBytes(bytesOf(input.data), before)
      );
    }),
    runs(80),
  );
  t.pass();
});
