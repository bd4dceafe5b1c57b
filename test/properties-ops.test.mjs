// Property-based tests of the primitives relu, sum, argmax and conv2d, and of concurrency():
// results equal plain JS scalar references on random shapes, dtypes and hostile values; malformed
// calls throw exactly the documented error; inputs are never modified.
import test from 'ava';
import fc from 'fast-check';
import { argmax, concurrency, conv2d, maxConcurrency, relu, simd, sum } from 'coordconv';
import { convRef, padsOf, reluRef } from './helpers/conv-ref.mjs';
import { argmaxRef } from './helpers/decode-ref.mjs';
import { SIDES } from './helpers/inputs.mjs';
import { applyMistake, bytesOf, convSizes, convValues, f32Value, isError, planeBatch, planeInputMistake, runs, sameBytes, snapshot, thrown } from './helpers/arbitraries.mjs';

function planeViews(input) {
  const [h, w] = input.shape.slice(-2);
  const size = h * w;
  return Array.from({ length: input.data.length / size }, (_, p) => input.data.subarray(p * size, (p + 1) * size));
}

// A float32 tensor of any rank 1..8, at most ~4096 elements, possibly misaligned.
const f32Tensor = fc
  .record({
    shape: fc.array(fc.oneof(fc.constantFrom(...SIDES), fc.integer({ min: 1, max: 12 })), { minLength: 1, maxLength: 8 }),
    values: fc.array(f32Value, { minLength: 1, maxLength: 67 }),
    offset: fc.constantFrom(0, 1, 3),
  })
  .map(({ shape, values, offset }) => {
    let s = shape;
    while (s.reduce((a, b) => a * b, 1) > 4096) s = s.map((d) => Math.max(1, d >> 1));
    const n = s.reduce((a, b) => a * b, 1);
    const data = new Float32Array(new ArrayBuffer((n + offset) * 4), offset * 4, n);
    for (let i = 0; i < n; i++) data[i] = values[(i * 7) % values.length];
    return { data, shape: s };
  });

test('relu: max(x, +0) elementwise, NaN kept, shape kept, input untouched', (t) => {
  fc.assert(
    fc.property(f32Tensor, (input) => {
      const before = snapshot(input.data);
      const r = relu(input);
      return (
        r.data.length === input.data.length &&
        r.data !== input.data &&
        JSON.stringify(r.shape) === JSON.stringify(input.shape) &&
        r.data.every((v, i) => Object.is(v, reluRef(input.data[i]))) &&
        sameBytes(bytesOf(input.data), before)
      );
    }),
    runs(150),
  );
  t.pass();
});

// Summation order differs between paths (documented: relative difference below 1e-12), so a
// finite float sum is compared within n * 2^-52 of the sum of magnitudes; everything else exactly.
function sumMatches(plane, got) {
  let s = 0;
  let magnitude = 0;
  for (const v of plane) {
    s += v;
    magnitude += Math.abs(v);
  }
  if (plane instanceof Uint8Array || !Number.isFinite(s)) return Object.is(got, s) || (Number.isNaN(got) && Number.isNaN(s));
  return Math.abs(got - s) <= plane.length * 2 ** -52 * magnitude;
}

test('sum: one double-precision sum per plane, equal to the scalar reference', (t) => {
  fc.assert(
    fc.property(planeBatch(8000), (input) => {
      const before = snapshot(input.data);
      const r = sum(input);
      const planes = planeViews(input);
      return (
        r.data instanceof Float64Array &&
        JSON.stringify(r.shape) === JSON.stringify(input.shape.slice(0, -2)) &&
        r.data.length === planes.length &&
        planes.every((plane, p) => sumMatches(plane, r.data[p])) &&
        sameBytes(bytesOf(input.data), before)
      );
    }),
    runs(150),
  );
  t.pass();
});

test('argmax: per plane the first maximum, NaN and not finite where any value is NaN or infinite', (t) => {
  fc.assert(
    fc.property(planeBatch(8000), (input) => {
      const before = snapshot(input.data);
      const r = argmax(input);
      const planes = planeViews(input);
      return (
        JSON.stringify(r.shape) === JSON.stringify(input.shape.slice(0, -2)) &&
        planes.every((plane, p) => {
          const ref = argmaxRef(plane);
          return Object.is(r.values[p], ref.value) && r.indices[p] === ref.index && r.finite[p] === ref.finite;
        }) &&
        sameBytes(bytesOf(input.data), before)
      );
    }),
    runs(150),
  );
  t.pass();
});

for (const [name, call] of [['sum', sum], ['argmax', argmax]]) {
  test(`${name}: every malformed input throws exactly its documented error`, (t) => {
    fc.assert(
      fc.property(planeBatch(2000), planeInputMistake, (valid, mistake) => {
        const { input, error } = applyMistake(valid, mistake);
        return isError(thrown(() => call(input)), error);
      }),
      runs(150),
    );
    t.pass();
  });
}

// Small convolutions: N, C, O up to 3, sides around the vector widths, kernels 1..5 (even too).
const convCase = fc
  .record({
    ...convSizes(5),
    padding: fc.constantFrom(undefined, 'same', 'valid'),
    withBias: fc.boolean(),
    ...convValues,
  })
  .map((k) => {
    const h = Math.min(k.h, 40);
    const w = Math.min(k.w, 70);
    const input = new Float32Array(k.n * k.c * h * w).map((_, i) => k.values[(i * 5) % k.values.length]);
    const weight = new Float32Array(k.o * k.c * k.kh * k.kw).map((_, i) => k.weights[(i * 3) % k.weights.length]);
    const bias = k.withBias ? new Float32Array(k.o).map((_, i) => k.weights[i % k.weights.length]) : undefined;
    return { ...k, h, w, input: { data: input, shape: [k.n, k.c, h, w] }, weight: { data: weight, shape: [k.o, k.c, k.kh, k.kw] }, bias };
  });

test('conv2d: bit-identical to the float32 scalar reference, or the documented error for a kernel too large', (t) => {
  fc.assert(
    fc.property(convCase, (k) => {
      const options = {};
      if (k.padding) options.padding = k.padding;
      if (k.bias) options.bias = k.bias;
      const before = [snapshot(k.input.data), snapshot(k.weight.data)];
      if (k.padding === 'valid' && (k.kh > k.h || k.kw > k.w)) {
        return isError(thrown(() => conv2d(k.input, k.weight, options)), [RangeError, `Expected a dilated kernel no larger than the padded input ${k.h} x ${k.w} for weight.shape but received [${k.weight.shape.join(', ')}] (spanning ${k.kh} x ${k.kw})`]);
      }
      const r = conv2d(k.input, k.weight, options);
      // The engine's documented arithmetic: fused multiply-add per tap, padding taps included as w * 0.
      const ref = convRef(k.input.data, k.input.shape, k.weight.data, k.weight.shape, { bias: k.bias ?? null, pads: padsOf(k.padding ?? 'same', [k.kh, k.kw]) });
      return (
        JSON.stringify(r.shape) === JSON.stringify(ref.shape) &&
        r.data.length === ref.data.length &&
        r.data.every((v, i) => Object.is(v, Math.fround(ref.data[i]))) &&
        sameBytes(bytesOf(k.input.data), before[0]) &&
        sameBytes(bytesOf(k.weight.data), before[1])
      );
    }),
    runs(60),
  );
  t.pass();
});

test('conv2d: mismatched channels, bias and options throw exactly their documented errors', (t) => {
  fc.assert(
    fc.property(convCase, fc.integer({ min: 0, max: 3 }), (k, which) => {
      if (which === 0) {
        const weight = { data: new Float32Array(k.o * (k.c + 1) * k.kh * k.kw), shape: [k.o, k.c + 1, k.kh, k.kw] };
        return isError(thrown(() => conv2d(k.input, weight)), [RangeError, `Expected ${k.c} input channels (input is [${k.input.shape.join(', ')}]) for weight.shape[1] but received ${k.c + 1}`]);
      }
      if (which === 1) {
        return isError(thrown(() => conv2d(k.input, k.weight, { bias: new Float32Array(k.o + 1) })), [RangeError, `Expected ${k.o} values (one per output channel) for options.bias but received ${k.o + 1}`]);
      }
      if (which === 2) {
        return isError(thrown(() => conv2d(k.input, k.weight, { bias: new Float64Array(k.o) })), [TypeError, `Expected a Float32Array for options.bias but received Float64Array(${k.o})`]);
      }
      return isError(thrown(() => conv2d(k.input, k.weight, { padding: 'full' })), [TypeError, 'Expected a non-negative integer or [rows, columns] for options.padding but received "full"']);
    }),
    runs(60),
  );
  t.pass();
});

test('concurrency: any positive integer is kept, capped at maxConcurrency, and results do not depend on it; anything else is refused', (t) => {
  const before = concurrency();
  try {
    fc.assert(
      fc.property(
        fc.oneof(fc.integer({ min: 1, max: 64 }), fc.constantFrom(0, -1, 1.5, NaN, Infinity, 2 ** 53, '2', null)),
        planeBatch(4000),
        (n, input) => {
          const kept = concurrency();
          if (typeof n === 'number' && Number.isSafeInteger(n) && n >= 1) {
            const reference = (concurrency(1), argmax(input));
            if (concurrency(n) !== Math.min(n, maxConcurrency)) return false;
            const r = argmax(input);
            return r.indices.every((v, i) => v === reference.indices[i]) && r.values.every((v, i) => Object.is(v, reference.values[i]));
          }
          const error = thrown(() => concurrency(n));
          const wanted = typeof n === 'number' ? [RangeError, `Expected a positive integer for concurrency but received ${n}`] : [TypeError, `Expected a positive integer for concurrency but received ${n === null ? 'null' : JSON.stringify(n)}`];
          return isError(error, wanted) && concurrency() === kept;
        },
      ),
      runs(60),
    );
  } finally {
    concurrency(before);
  }
  t.true(maxConcurrency >= 1);
  t.is(simd().active, process.env.COORDCONV_SIMD || simd().available[0]);
});
