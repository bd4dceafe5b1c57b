// decode's minScore: a plane is valid when every value is finite and its maximum is > minScore, for
// every method but 'exact'; -Infinity decodes logits. Checked against the plain JS references and
// the rule itself, on random planes and at the boundary, Float32 and Uint8.
import test from 'ava';
import fc from 'fast-check';
import { decode, decodeSync } from 'coordconv';
import { argmaxRef, decodeQuarterRef, decodeSoftargmaxRef } from './helpers/decode-ref.mjs';
import { runs } from './helpers/arbitraries.mjs';
import { planesOf } from './helpers/inputs.mjs';

const SCORED = ['argmax', 'quarter', 'dark', 'centroid', 'softargmax'];

// Integer-valued planes below 0: shifting them by +10 is exact and keeps every comparison.
const negativePlanes = fc
  .record({ n: fc.integer({ min: 1, max: 4 }), h: fc.integer({ min: 1, max: 9 }), w: fc.integer({ min: 1, max: 9 }) })
  .chain(({ n, h, w }) =>
    fc.array(fc.integer({ min: -6, max: -1 }), { minLength: n * h * w, maxLength: n * h * w }).map((v) => ({ data: Float32Array.from(v), shape: [n, h, w] })),
  );

test('minScore -Infinity decodes all-negative planes: argmax, quarter and dark at the reference argmax (+ quarter step), softargmax as its reference', (t) => {
  fc.assert(
    fc.property(negativePlanes, (input) => {
      const [, h, w] = input.shape;
      const planes = planesOf(input.data, h, w);
      for (const method of ['argmax', 'quarter', 'dark', 'softargmax']) {
        const r = decodeSync(input, { method, minScore: -Infinity });
        for (let p = 0; p < planes.length; p++) {
          const am = argmaxRef(planes[p]);
          if (r.valid[p] !== 1 || r.scores[p] !== am.value) return false;
          let x = am.index % w;
          let y = Math.floor(am.index / w);
          if (method === 'quarter') ({ x, y } = decodeQuarterRef(planes[p].map((v) => v + 10), h, w));
          if (method === 'softargmax') ({ x, y } = decodeSoftargmaxRef(planes[p], h, w));
          const tol = method === 'softargmax' ? 1e-4 : 0;
          if (!(Math.abs(r.coords[2 * p] - x) <= tol && Math.abs(r.coords[2 * p + 1] - y) <= tol)) {
            t.log(`${method} plane ${p}: got ${r.coords[2 * p]}, ${r.coords[2 * p + 1]}, want ${x}, ${y}`);
            return false;
          }
        }
      }
      return true;
    }),
    runs(100),
  );
  t.pass();
});

const anyPlanes = fc
  .record({ n: fc.integer({ min: 1, max: 5 }), h: fc.integer({ min: 1, max: 8 }), w: fc.integer({ min: 1, max: 8 }) })
  .chain(({ n, h, w }) =>
    fc
      .array(fc.constantFrom(-2, -1, -0.5, 0, 0.25, 0.5, 1, 2, NaN, Infinity), { minLength: n * h * w, maxLength: n * h * w })
      .map((v) => ({ data: Float32Array.from(v), shape: [n, h, w] })),
  );

test('valid is exactly "all finite and max > minScore"; a valid plane decodes as it does by default where the default takes it', (t) => {
  fc.assert(
    fc.property(anyPlanes, fc.constantFrom(...SCORED), fc.constantFrom(-Infinity, -1, -0.5, 0, 0.25, 0.5, 1, 1e30), (input, method, minScore) => {
      if (method === 'centroid' && minScore < 0) return true;
      const [, h, w] = input.shape;
      const r = decodeSync(input, { method, minScore });
      const base = decodeSync(input, { method, minScore: method === 'softargmax' ? -Infinity : 0 });
      return planesOf(input.data, h, w).every((plane, p) => {
        const am = argmaxRef(plane);
        const want = am.finite && am.value > minScore ? 1 : 0;
        if (r.valid[p] !== want) return false;
        if (!want) return Number.isNaN(r.coords[2 * p]) && r.scores[p] === 0;
        if (r.scores[p] !== am.value) return false;
        return !base.valid[p] || (Object.is(r.coords[2 * p], base.coords[2 * p]) && Object.is(r.coords[2 * p + 1], base.coords[2 * p + 1]));
      });
    }),
    runs(200),
  );
  t.pass();
});

test('the boundary: a maximum equal to minScore is invalid, one float above it valid', (t) => {
  const at = 0.3;
  const above = Math.fround(Math.fround(0.3) + 2 ** -25);  // the next float (ulp 2^-25 in [0.25, 0.5))
  for (const method of SCORED) {
    const data = new Float32Array([0.1, Math.fround(at), 0, Math.fround(above), 0, 0]);
    const r = decodeSync({ data, shape: [2, 1, 3] }, { method, minScore: Math.fround(at) });
    t.deepEqual([...r.valid], [0, 1], method);
  }
});

test('Uint8: minScore is in the input units, 0 to 255', (t) => {
  const data = Uint8Array.from([0, 100, 0, 0, 0, 99, 0, 0, 0, 0, 0, 0]);
  for (const method of SCORED) {
    const r = decodeSync({ data, shape: [3, 2, 2] }, { method, minScore: 99 });
    t.deepEqual([...r.valid], [1, 0, 0], method);
    const all = decodeSync({ data, shape: [3, 2, 2] }, { method, minScore: method === 'centroid' ? 0 : -Infinity });
    t.deepEqual([...all.valid], method === 'centroid' ? [1, 1, 0] : [1, 1, 1], method);
  }
});

test('defaults are unchanged: argmax-based methods need max > 0, softargmax any finite plane', async (t) => {
  const data = new Float32Array([-1, -2, -3, -4]);
  for (const method of ['argmax', 'quarter', 'dark', 'centroid']) t.is(decodeSync({ data, shape: [2, 2] }, { method }).valid[0], 0, method);
  t.is(decodeSync({ data, shape: [2, 2] }, { method: 'softargmax' }).valid[0], 1);
  t.is((await decode({ data, shape: [2, 2] }, { minScore: -Infinity })).valid[0], 1);
});

test('minScore errors', (t) => {
  const input = { data: new Float32Array(4), shape: [2, 2] };
  const range = 'Expected a number or -Infinity (not NaN or +Infinity) for options.minScore but received';
  t.throws(() => decodeSync(input, { minScore: NaN }), { instanceOf: RangeError, message: `${range} NaN` });
  t.throws(() => decodeSync(input, { method: 'dark', minScore: Infinity }), { instanceOf: RangeError, message: `${range} Infinity` });
  t.throws(() => decodeSync(input, { minScore: '0' }), { instanceOf: TypeError, message: `${range} "0"` });
  t.throws(() => decodeSync(input, { method: 'centroid', minScore: -1 }), {
    instanceOf: RangeError,
    message: "Expected a number >= 0 (method 'centroid' weighs pixels by their values) for options.minScore but received -1",
  });
  t.throws(() => decodeSync(input, { method: 'exact', minScore: -Infinity }), {
    instanceOf: TypeError,
    message: 'Expected only the keys method, out, layout, transform for options (method \'exact\') but received key "minScore"',
  });
});
