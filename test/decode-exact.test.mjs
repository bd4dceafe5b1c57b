import test from 'ava';
import { decodeSync } from 'coordconv';
import { decodeBatchRef, rng } from './helpers/decode-ref.mjs';
import { HEIGHTS, WIDTHS, misaligned, sameAsRef } from './helpers/compare.mjs';

test("'exact' decodes a one-hot plane to its pixel", (t) => {
  const data = new Float32Array(70 * 100);
  data[42 * 100 + 17] = 1;
  const r = decodeSync({ data, shape: [70, 100] }, { method: 'exact' });
  t.deepEqual(Array.from(r.coords), [17, 42]);
  t.deepEqual(Array.from(r.scores), [1]);
  t.deepEqual(Array.from(r.valid), [1]);
});

test("'exact' equals the JS reference over sizes, one-hot and not, Float32 and Uint8, misaligned", (t) => {
  const random = rng(51);
  for (const w of WIDTHS) {
    for (const h of HEIGHTS) {
      const n = 6;
      const f = new Float32Array(n * h * w);
      const u = new Uint8Array(n * h * w);
      for (let i = 0; i < n; i++) {
        const at = i * h * w + Math.floor(random() * h * w);
        f[at] = [1, 0.5, -1, NaN, Infinity, 3][i];
        u[at] = [1, 255, 0, 7, 9, 200][i];
        if (i === 5 && h * w > 1) {
          f[i * h * w + ((at - i * h * w + 1) % (h * w))] = 2; // two hot pixels
          u[i * h * w + ((at - i * h * w + 1) % (h * w))] = 2;
        }
      }
      for (const data of [f, u, misaligned(f), misaligned(u)]) {
        const got = decodeSync({ data, shape: [n, h, w] }, { method: 'exact' });
        sameAsRef(t, got, decodeBatchRef('exact', data, h, w), `${data.constructor.name} ${h}x${w}`);
      }
    }
  }
});
