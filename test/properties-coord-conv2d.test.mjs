// Property-based tests of addCoords, coordConv2dSync and coordConv2d: results equal the closed form
// of the coordinate channels and the plain JS convolution reference (coordinate channels
// materialised as ordinary inputs) on random shapes, layouts, strides, paddings, dilations,
// biases and hostile values; async equals sync; malformed options throw exactly the documented
// error; inputs are never modified.
import test from 'ava';
import fc from 'fast-check';
import { addCoords, coordConv2d, coordConv2dSync } from 'coordconv';
import { coordRef32, radiusRef32 } from './helpers/encode-ref.mjs';
import { coordConvRef, padsOf } from './helpers/conv-ref.mjs';
import { bytesOf, convSizes, convValues, f32Value, isError, runs, sameBytes, side, snapshot, thrown } from './helpers/arbitraries.mjs';

const SEED = 42;

// A float32 view of n values cycled from `values`, at byte offset 0 or 4 (misaligned for SIMD).
function f32View(n, values, offset) {
  const data = new Float32Array(new ArrayBuffer((n + offset) * 4), offset * 4, n);
  for (let i = 0; i < n; i++) data[i] = values[(i * 5) % values.length];
  return data;
}

const addCoordsCase = fc.record({
  n: fc.integer({ min: 1, max: 2 }),
  c: fc.integer({ min: 1, max: 3 }),
  h: fc.oneof(fc.constant(1), side),
  w: fc.oneof(fc.constant(1), side),
  layout: fc.constantFrom(undefined, 'nchw', 'nhwc'),
  withR: fc.constantFrom(undefined, false, true),
  values: fc.array(f32Value, { minLength: 1, maxLength: 23 }),
  offset: fc.constantFrom(0, 1),
});

test('addCoords: input channels copied bit for bit, then xx, yy (and r) from the closed form, both layouts', (t) => {
  fc.assert(
    fc.property(addCoordsCase, (k) => {
      const h = Math.min(k.h, 70);
      const w = Math.min(k.w, 140);
      const nhwc = k.layout === 'nhwc';
      const extra = k.withR ? 3 : 2;
      const shape = nhwc ? [k.n, h, w, k.c] : [k.n, k.c, h, w];
      const data = f32View(k.n * k.c * h * w, k.values, k.offset);
      const before = snapshot(data);
      const options = {};
      if (k.layout !== undefined) options.layout = k.layout;
      if (k.withR !== undefined) options.withR = k.withR;
      const r = addCoords({ data, shape }, options);
      const oc = k.c + extra;
      const wantShape = nhwc ? [k.n, h, w, oc] : [k.n, oc, h, w];
      if (JSON.stringify(r.shape) !== JSON.stringify(wantShape) || r.data.length !== k.n * oc * h * w) return false;
      const outBits = new Uint32Array(r.data.buffer, r.data.byteOffset, r.data.length);
      const inBits = new Uint32Array(data.slice().buffer);
      for (let b = 0; b < k.n; b++) {
        for (let y = 0; y < h; y++) {
          for (let x = 0; x < w; x++) {
            const xx = coordRef32(x, w);
            const yy = coordRef32(y, h);
            const at = (ch) => (nhwc ? ((b * h + y) * w + x) * oc + ch : ((b * oc + ch) * h + y) * w + x);
            for (let ch = 0; ch < k.c; ch++) {
              const src = nhwc ? ((b * h + y) * w + x) * k.c + ch : ((b * k.c + ch) * h + y) * w + x;
              if (outBits[at(ch)] !== inBits[src]) return false;
            }
            if (!Object.is(r.data[at(k.c)], xx) || !Object.is(r.data[at(k.c + 1)], yy)) return false;
            if (k.withR && !Object.is(r.data[at(k.c + 2)], radiusRef32(xx, yy))) return false;
          }
        }
      }
      return sameBytes(bytesOf(data), before);
    }),
    { seed: SEED, ...runs(120) },
  );
  t.pass();
});

test('addCoords: malformed options and shapes throw exactly their documented errors', (t) => {
  const input = { data: new Float32Array(6), shape: [1, 1, 2, 3] };
  fc.assert(
    fc.property(
      fc.oneof(
        fc.string({ maxLength: 40 }).filter((s) => s !== 'nchw' && s !== 'nhwc').map((layout) => ({ options: { layout }, error: [TypeError, `Expected one of 'nchw', 'nhwc' for options.layout but received ${JSON.stringify(layout)}`] })),
        fc.oneof(fc.integer(), fc.string({ maxLength: 40 }), fc.constant(null)).map((withR) => ({ options: { withR }, error: [TypeError, `Expected a boolean for options.withR but received ${withR === null ? 'null' : typeof withR === 'string' ? JSON.stringify(withR) : withR}`] })),
      ),
      ({ options, error }) => {
        const before = snapshot(input.data);
        return isError(thrown(() => addCoords(input, options)), error) && sameBytes(bytesOf(input.data), before);
      },
    ),
    { seed: SEED, ...runs(60) },
  );
  t.pass();
});

// Small CoordConv layers: N, C, O up to 3, sides around the vector widths, kernels
// 1..4, stride 1..3, dilation 1..3, padding 'same' (stride 1 only), 'valid' or a number / pair.
const coordConvCase = fc
  .record({
    ...convSizes(4),
    stride: fc.oneof(fc.constant(undefined), fc.integer({ min: 1, max: 3 }), fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 }))),
    dilation: fc.oneof(fc.constant(undefined), fc.integer({ min: 1, max: 3 }), fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 }))),
    padding: fc.oneof(fc.constant(undefined), fc.constantFrom('same', 'valid'), fc.integer({ min: 0, max: 2 }), fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 2 }))),
    withR: fc.constantFrom(undefined, false, true),
    relu: fc.boolean(),
    withBias: fc.boolean(),
    ...convValues,
    offset: fc.constantFrom(0, 1),
  })
  .map((k) => {
    const h = Math.min(k.h, 33);
    const w = Math.min(k.w, 65);
    const extra = k.withR ? 3 : 2;
    const data = f32View(k.n * k.c * h * w, k.values, k.offset);
    const weight = new Float32Array(k.o * (k.c + extra) * k.kh * k.kw).map((_, i) => k.weights[(i * 3) % k.weights.length]);
    const bias = k.withBias ? new Float32Array(k.o).map((_, i) => k.weights[i % k.weights.length]) : undefined;
    const options = { weight: { data: weight, shape: [k.o, k.c + extra, k.kh, k.kw] } };
    for (const key of ['stride', 'dilation', 'padding', 'withR']) if (k[key] !== undefined) options[key] = k[key];
    if (k.relu) options.activation = 'relu';
    if (bias) options.bias = bias;
    return { ...k, h, w, extra, input: { data, shape: [k.n, k.c, h, w] }, options, bias };
  });

const pair = (v) => (v === undefined ? [1, 1] : typeof v === 'number' ? [v, v] : v);

test('coordConv2dSync and coordConv2d: equal the JS reference over explicit coordinate channels, or the documented error', async (t) => {
  await fc.assert(
    fc.asyncProperty(coordConvCase, async (k) => {
      const stride = pair(k.stride);
      const dilation = pair(k.dilation);
      const padding = k.padding ?? 'same';
      const before = [snapshot(k.input.data), snapshot(k.options.weight.data), k.bias ? snapshot(k.bias) : null];
      const untouched = () =>
        sameBytes(bytesOf(k.input.data), before[0]) && sameBytes(bytesOf(k.options.weight.data), before[1]) && (!k.bias || sameBytes(bytesOf(k.bias), before[2]));
      if (padding === 'same' && (stride[0] !== 1 || stride[1] !== 1)) {
        const want = [RangeError, `Expected stride 1 with padding 'same' for options.stride but received [${stride.join(', ')}]`];
        const rejected = await coordConv2d(k.input, k.options).then(() => null, (e) => e);
        return isError(thrown(() => coordConv2dSync(k.input, k.options)), want) && isError(rejected, want) && untouched();
      }
      const pads = padsOf(padding, [k.kh, k.kw], dilation);
      const spanH = dilation[0] * (k.kh - 1) + 1;
      const spanW = dilation[1] * (k.kw - 1) + 1;
      if (spanH > k.h + pads[0] + pads[2] || spanW > k.w + pads[1] + pads[3]) {
        const want = [RangeError, `Expected a dilated kernel no larger than the padded input ${k.h + pads[0] + pads[2]} x ${k.w + pads[1] + pads[3]} for options.weight.shape but received [${k.options.weight.shape.join(', ')}] (spanning ${spanH} x ${spanW})`];
        const rejected = await coordConv2d(k.input, k.options).then(() => null, (e) => e);
        return isError(thrown(() => coordConv2dSync(k.input, k.options)), want) && isError(rejected, want) && untouched();
      }
      const sync = coordConv2dSync(k.input, k.options);
      const async = await coordConv2d(k.input, k.options);
      const ref = coordConvRef(k.input.data, k.input.shape, k.options.weight.data, k.options.weight.shape, k.options, k.extra === 3);
      return (
        JSON.stringify(sync.shape) === JSON.stringify(ref.shape) &&
        JSON.stringify(async.shape) === JSON.stringify(ref.shape) &&
        sync.data.length === ref.data.length &&
        sync.data.every((v, i) => Object.is(v, Math.fround(ref.data[i]))) &&
        sameBytes(bytesOf(async.data), bytesOf(sync.data)) &&
        untouched()
      );
    }),
    { seed: SEED, ...runs(150) },
  );
  t.pass();
});

test('coordConv2dSync and coordConv2d: mismatched weights, bias and options throw exactly their documented errors', async (t) => {
  await fc.assert(
    fc.asyncProperty(coordConvCase, fc.integer({ min: 0, max: 4 }), async (k, which) => {
      // A valid base (padding 'same', stride and dilation 1, always fits) with one mistake added.
      const { weight } = k.options;
      const base = { weight };
      if (k.withR !== undefined) base.withR = k.withR;
      if (k.bias) base.bias = k.bias;
      const [o, wc, kh, kw] = weight.shape;
      let options;
      let want;
      if (which === 0) {
        options = { ...base, weight: { data: new Float32Array(o * (wc + 1) * kh * kw), shape: [o, wc + 1, kh, kw] } };
        want = [RangeError, `Expected ${wc} input channels (C = ${k.c}, then xx, yy${k.withR ? ', r' : ''}) for options.weight.shape[1] but received ${wc + 1}`];
      } else if (which === 1) {
        options = { ...base, bias: new Float32Array(o + 1) };
        want = [RangeError, `Expected ${o} values (one per output channel) for options.bias but received ${o + 1}`];
      } else if (which === 2) {
        options = { ...base, dilation: 0 };
        want = [RangeError, 'Expected a positive integer or [rows, columns] for options.dilation but received 0'];
      } else if (which === 3) {
        options = { ...base, activation: 'tanh' };
        want = [TypeError, "Expected one of 'none', 'relu' for options.activation but received \"tanh\""];
      } else {
        options = { ...base, padding: -1 };
        want = [RangeError, 'Expected a non-negative integer or [rows, columns] for options.padding but received -1'];
      }
      const rejected = await coordConv2d(k.input, options).then(() => null, (e) => e);
      return isError(thrown(() => coordConv2dSync(k.input, options)), want) && isError(rejected, want);
    }),
    { seed: SEED, ...runs(60) },
  );
  t.pass();
});
