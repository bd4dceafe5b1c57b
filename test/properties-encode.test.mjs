// Property-based tests of encode/encodeSync: onehot and square planes equal the scalar reference
// exactly for any points (inside, outside, on halves), sizes and values; the async form equals
// the sync one; encoding one point inside the plane and decoding it with 'exact' gives the point
// back, rounded half away from zero. Inputs are never modified.
import test from 'ava';
import fc from 'fast-check';
import { decodeSync, encode, encodeSync } from 'coordconv';
import { encodeBatchRef, roundHalfAway } from './helpers/encode-ref.mjs';
import { bytesOf, runs, sameBytes, side, snapshot } from './helpers/arbitraries.mjs';

const encodeCase = fc
  .record({
    n: fc.integer({ min: 1, max: 3 }),
    p: fc.integer({ min: 1, max: 4 }),
    h: side,
    w: side,
    kind: fc.constantFrom('onehot', 'square'),
    radius: fc.integer({ min: 0, max: 6 }),
    value: fc.constantFrom(1, 0.5, 255, 1e-30, 3e38),
    points: fc.array(fc.tuple(fc.double({ min: -4, max: 1, noNaN: true }), fc.double({ min: -4, max: 1, noNaN: true }), fc.boolean()), { minLength: 12, maxLength: 12 }),
  })
  .map((c) => {
    const h = Math.min(c.h, 70);
    const w = Math.min(c.w, 70);
    const coords = new Float32Array(c.n * c.p * 2);
    for (let i = 0; i < c.n * c.p; i++) {
      const [fx, fy, half] = c.points[i % c.points.length];
      // Positions across the plane and a few pixels beyond it, some exactly on .5.
      const x = Math.fround(half ? Math.floor(fx * (w + 4)) + 0.5 : fx * (w + 4));
      const y = Math.fround(half ? Math.floor(fy * (h + 4)) + 0.5 : fy * (h + 4));
      coords[2 * i] = x + (i % 3);
      coords[2 * i + 1] = y + (i % 2);
    }
    return { ...c, h, w, coords };
  });

test('encodeSync and encode: onehot and square planes equal the reference exactly', async (t) => {
  await fc.assert(
    fc.asyncProperty(encodeCase, fc.boolean(), async (c, async) => {
      const input = { data: c.coords, shape: [c.n, 1, c.p, 2] };
      const options = { height: c.h, width: c.w, kind: c.kind, value: c.value, ...(c.kind === 'square' ? { radius: c.radius } : {}) };
      const before = snapshot(c.coords);
      const r = async ? await encode(input, options) : encodeSync(input, options);
      const ref = encodeBatchRef(c.coords, [c.n, 1, c.p, 2], c.h, c.w, { kind: c.kind, value: c.value, radius: c.radius });
      return (
        JSON.stringify(r.shape) === JSON.stringify([c.n, 1, c.h, c.w]) &&
        r.data.length === ref.length &&
        r.data.every((v, i) => v === Math.fround(ref[i])) &&
        sameBytes(bytesOf(c.coords), before)
      );
    }),
    runs(80),
  );
  t.pass();
});

test('encode one point, decode it exactly: the point comes back rounded half away from zero', (t) => {
  fc.assert(
    fc.property(side, side, fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (h, w, fx, fy) => {
      const x = Math.fround(fx * (w - 1));
      const y = Math.fround(fy * (h - 1));
      const planes = encodeSync({ data: new Float32Array([x, y]), shape: [1, 2] }, { height: h, width: w });
      const r = decodeSync({ data: planes.data, shape: planes.shape }, { method: 'exact' });
      return r.valid[0] === 1 && r.coords[0] === roundHalfAway(x) && r.coords[1] === roundHalfAway(y);
    }),
    runs(100),
  );
  t.pass();
});
