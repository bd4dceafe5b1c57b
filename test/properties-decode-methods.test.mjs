// Property-based tests of every decoder method and of `out` arrays: random shapes, dtypes,
// hostile values and misaligned views. argmax, quarter and exact equal their references exactly;
// dark, centroid and softargmax keep their stated invariants on any input (validity rule, the
// score is the plane's maximum, finite coordinates, centroid and softargmax inside the plane);
// `out` arrays receive exactly the default result. (The entry points' contract, with malformed
// calls: properties-decode-api.test.mjs; peaks: properties-peaks.test.mjs.)
import test from 'ava';
import fc from 'fast-check';
import { decode, decodeSync } from 'coordconv';
import { argmaxRef, DECODE_REFS } from './helpers/decode-ref.mjs';
import { bytesOf, planeBatch, runs, sameBytes, snapshot } from './helpers/arbitraries.mjs';
import { planesOf } from './helpers/inputs.mjs';

const f32 = (v) => (Number.isNaN(v) ? NaN : Math.fround(v));

for (const method of ['argmax', 'quarter', 'exact']) {
  test(`${method}: every plane equals the reference exactly`, (t) => {
    fc.assert(
      fc.property(planeBatch(20000), (input) => {
        const before = snapshot(input.data);
        const r = decodeSync(input, { method });
        const [h, w] = input.shape.slice(-2);
        const list = planesOf(input.data, h, w);
        return (
          list.every((plane, p) => {
            const ref = DECODE_REFS[method](plane, h, w);
            return Object.is(r.coords[2 * p], f32(ref.x)) && Object.is(r.coords[2 * p + 1], f32(ref.y)) && Object.is(r.scores[p], f32(ref.score)) && r.valid[p] === ref.valid;
          }) && sameBytes(bytesOf(input.data), before)
        );
      }),
      runs(100),
    );
    t.pass();
  });
}

const methodOptions = fc.oneof(
  fc.record({ method: fc.constant('dark'), kernel: fc.constantFrom(1, 3, 5, 11, 25), sigma: fc.constantFrom(0.5, 1, 2, 3.5) }),
  fc.record({ method: fc.constant('centroid'), threshold: fc.constantFrom(0, 0.1, 0.5, 0.9, 1) }),
  fc.record({ method: fc.constant('softargmax'), beta: fc.constantFrom(0.01, 1, 10, 1000) }),
);

test('dark, centroid, softargmax: the stated invariants hold on any input', (t) => {
  fc.assert(
    fc.property(planeBatch(6000), methodOptions, (input, options) => {
      const before = snapshot(input.data);
      const r = decodeSync(input, options);
      const [h, w] = input.shape.slice(-2);
      const list = planesOf(input.data, h, w);
      return (
        list.every((plane, p) => {
          const am = argmaxRef(plane);
          const shouldBeValid = options.method === 'softargmax' ? am.finite === 1 : am.finite === 1 && am.value > 0;
          const [x, y] = [r.coords[2 * p], r.coords[2 * p + 1]];
          if (!shouldBeValid) return r.valid[p] === 0 && Number.isNaN(x) && Number.isNaN(y) && r.scores[p] === 0;
          if (r.valid[p] !== 1 || r.scores[p] !== f32(am.value) || !Number.isFinite(x) || !Number.isFinite(y)) return false;
          // A weighted mean of pixel centres stays inside the plane (float32 rounding aside).
          if (options.method !== 'dark') return x >= -1e-3 && x <= w - 1 + 1e-3 && y >= -1e-3 && y <= h - 1 + 1e-3;
          return true;
        }) && sameBytes(bytesOf(input.data), before)
      );
    }),
    runs(100),
  );
  t.pass();
});

test('quarter, either rule: every plane equals the reference exactly', (t) => {
  fc.assert(
    fc.property(planeBatch(20000), fc.constantFrom('mmpose', 'hrnet'), (input, quarterRule) => {
      const r = decodeSync(input, { method: 'quarter', quarterRule });
      const [h, w] = input.shape.slice(-2);
      return planesOf(input.data, h, w).every((plane, p) => {
        const ref = DECODE_REFS.quarter(plane, h, w, { quarterRule });
        return Object.is(r.coords[2 * p], f32(ref.x)) && Object.is(r.coords[2 * p + 1], f32(ref.y)) && Object.is(r.scores[p], f32(ref.score)) && r.valid[p] === ref.valid;
      });
    }),
    runs(100),
  );
  t.pass();
});

// mmpose's refinements on any input. 'udp': valid as 'argmax', the raw maximum as its score,
// finite coordinates (the step is not bounded). 'megvii': invalid on a plane with a NaN or an
// infinity; a valid plane's coordinates are a pixel, or a pixel plus 0.25, 0.5 or 0.75 per axis
// (1 < x < W - 1 and 1 < y < H - 1 only), and its score is some blurred maximum m as m / 255 + 0.5.
test('udp and megvii: the stated invariants hold on any input', (t) => {
  const options = fc.oneof(
    fc.record({ method: fc.constant('udp'), kernel: fc.constantFrom(1, 3, 5, 11, 25) }),
    fc.record({ method: fc.constant('megvii'), kernel: fc.constantFrom(1, 3, 5, 9, 15) }),
  );
  fc.assert(
    fc.property(planeBatch(6000), options, (input, o) => {
      const before = snapshot(input.data);
      const r = decodeSync(input, o);
      const [h, w] = input.shape.slice(-2);
      return (
        planesOf(input.data, h, w).every((plane, p) => {
          const am = argmaxRef(plane);
          const [x, y] = [r.coords[2 * p], r.coords[2 * p + 1]];
          if (o.method === 'udp') {
            if (!(am.finite === 1 && am.value > 0)) return r.valid[p] === 0 && Number.isNaN(x) && Number.isNaN(y) && r.scores[p] === 0;
            return r.valid[p] === 1 && r.scores[p] === f32(am.value) && Number.isFinite(x) && Number.isFinite(y);
          }
          if (am.finite === 0) return r.valid[p] === 0 && Number.isNaN(x) && r.scores[p] === 0;
          if (r.valid[p] === 0) return Number.isNaN(x) && Number.isNaN(y) && r.scores[p] === 0;
          const [px, py] = [Math.floor(x), Math.floor(y)];
          const inner = 1 < px && px < w - 1 && 1 < py && py < h - 1;
          const steps = [x - px, y - py];
          const stepOk = inner ? steps.every((d) => [0.25, 0.5, 0.75].includes(d)) : steps.every((d) => d === 0);
          return px >= 0 && px < w && py >= 0 && py < h && stepOk && r.scores[p] >= 0.5;
        }) && sameBytes(bytesOf(input.data), before)
      );
    }),
    runs(100),
  );
  t.pass();
});

// Out arrays at misaligned offsets receive exactly what a call without them returns, sync and async.
test('out arrays: the result is written into them, equal to the default result', async (t) => {
  await fc.assert(
    fc.asyncProperty(planeBatch(6000), fc.constantFrom('argmax', 'quarter', 'exact', 'centroid', 'udp', 'megvii'), fc.constantFrom(0, 1, 3), fc.boolean(), async (input, method, offset, async) => {
      const n = input.data.length / (input.shape.at(-1) * input.shape.at(-2));
      const at = (Type, length) => new Type(new ArrayBuffer((length + offset) * Type.BYTES_PER_ELEMENT), offset * Type.BYTES_PER_ELEMENT, length).fill(7);
      const out = { coords: at(Float32Array, 2 * n), scores: at(Float32Array, n), valid: at(Uint8Array, n) };
      const plain = decodeSync(input, { method });
      const r = async ? await decode(input, { method, out }) : decodeSync(input, { method, out });
      return (
        r.coords === out.coords && r.scores === out.scores && r.valid === out.valid &&
        out.coords.every((v, i) => Object.is(v, plain.coords[i])) && out.scores.every((v, i) => Object.is(v, plain.scores[i])) && out.valid.every((v, i) => v === plain.valid[i])
      );
    }),
    runs(80),
  );
  t.pass();
});
