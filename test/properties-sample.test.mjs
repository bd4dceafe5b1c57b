// Property-based test of sampleSync: on random maps (shapes, dtypes, layouts, hostile values,
// misaligned views) read at random points (inside, outside, on halves, hostile floats), every value
// equals the plain-JS reference of the bilinear / nearest formula with the border clamp, NHWC equals
// NCHW on the transposed maps, and neither input is modified.
import test from 'ava';
import fc from 'fast-check';
import { sampleSync } from 'coordconv';
import { sampleBatchRef } from './helpers/sample-ref.mjs';
import { HOSTILE_F32, bytesOf, runs, sameBytes, snapshot } from './helpers/arbitraries.mjs';
import { halfToFloat } from './helpers/half.mjs';
import { misalignedCopy } from './helpers/inputs.mjs';
import { toNhwc } from './helpers/layout.mjs';

const same = (got, want) => got.length === want.length && got.every((v, i) => Object.is(v, want[i]) || (Number.isNaN(v) && Number.isNaN(want[i])));

const shape = fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 9 }), fc.integer({ min: 1, max: 17 }), fc.integer({ min: 1, max: 17 }), fc.integer({ min: 0, max: 12 }));
const coordinate = fc.oneof(
  fc.integer({ min: -3, max: 20 }),
  fc.integer({ min: -6, max: 40 }).map((v) => v / 2),
  fc.double({ min: -4, max: 24, noNaN: true }).map(Math.fround),
  fc.constantFrom(...HOSTILE_F32),
);
const value = {
  float32: fc.oneof({ weight: 4, arbitrary: fc.double({ min: -1e3, max: 1e3, noNaN: true }) }, { weight: 1, arbitrary: fc.constantFrom(...HOSTILE_F32) }).map(Math.fround),
  uint8: fc.integer({ min: 0, max: 255 }),
  float16: fc.integer({ min: 0, max: 0xffff }),
};

test('sample: every dtype and layout equals the reference at any point, inputs untouched', (t) => {
  fc.assert(
    fc.property(shape, fc.constantFrom('float32', 'uint8', 'float16'), fc.constantFrom('nearest', 'bilinear'), fc.nat(), fc.boolean(), (dims, dtype, mode, seed, misalign) => {
      const [n, c, h, w, p] = dims;
      const count = n * c * h * w;
      const raw = fc.sample(fc.array(value[dtype], { minLength: count, maxLength: count }), { seed, numRuns: 1 })[0];
      const pts = Float32Array.from(fc.sample(fc.array(coordinate, { minLength: n * p * 2, maxLength: n * p * 2 }), { seed: seed + 1, numRuns: 1 })[0]);
      const Type = dtype === 'float32' ? Float32Array : dtype === 'uint8' ? Uint8Array : Uint16Array;
      const data = Type.from(raw);
      const values = dtype === 'float16' ? Float32Array.from(data, halfToFloat) : Float32Array.from(data);
      const tag = dtype === 'float16' ? { type: 'float16' } : {};
      const maps = misalign ? misalignedCopy(data) : data;
      const points = misalign ? misalignedCopy(pts) : pts;
      const [mapsBefore, pointsBefore] = [snapshot(maps), snapshot(points)];
      const want = sampleBatchRef(values, 'nchw', [n, c, h, w], pts, p, mode);
      const got = sampleSync({ data: maps, shape: [n, c, h, w], ...tag }, { data: points, shape: [n, p, 2] }, { mode });
      const nhwc = sampleSync({ data: toNhwc(data, n, c, h, w), shape: [n, h, w, c], ...tag }, { data: pts, shape: [n, p, 2] }, { mode, layout: 'nhwc' });
      return same(got.data, want) && same(nhwc.data, want) && sameBytes(bytesOf(maps), mapsBefore) && sameBytes(bytesOf(points), pointsBefore);
    }),
    runs(150),
  );
  t.pass();
});
