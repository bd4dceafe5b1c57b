import { readFileSync } from 'node:fs';
import test from 'ava';
import fc from 'fast-check';
import { decodeSimcc, decodeSimccSync, simccBlurKernel } from 'coordconv';
import { blurKernelRef, decodeSimccRef, opencvTaps, simccVector } from './helpers/simcc-ref.mjs';
import { closeToRef, sameAsRef } from './helpers/compare.mjs';
import { misalignedCopy, rng, SIDES } from './helpers/inputs.mjs';
import { asHalves } from './helpers/half.mjs';

// 'dark' blurs in float32 with fused multiply-adds (the reference in double), and the Newton step
// divides by the curvature, so refined bins agree within this many pixels on SimCC-like vectors
// (a peak of sigma >= 2 bins); argmax is exact.
const DARK_TOL = 2e-4;

const pair = (x, y, n, wx, wy, lead = [n]) => ({ x: { data: x, shape: [...lead, wx] }, y: { data: y, shape: [...lead, wy] } });

test('argmax: every width around the vector sizes, Float32 and Uint8, misaligned: exactly the reference', (t) => {
  const random = rng(1);
  const n = 5;
  for (const wx of SIDES) {
    const wy = SIDES[(SIDES.indexOf(wx) * 7 + 3) % SIDES.length];
    const xf = new Float32Array(n * wx).map(() => random() * 2 - 0.5);
    const yf = new Float32Array(n * wy).map(() => random() * 2 - 0.5);
    const xu = new Uint8Array(n * wx).map(() => Math.floor(random() * 256));
    const yu = new Uint8Array(n * wy).map(() => Math.floor(random() * 256));
    for (const [x, y] of [[xf, yf], [xu, yu], [misalignedCopy(xf), misalignedCopy(yf)], [xf, yu]]) {
      const got = decodeSimccSync(pair(x, y, n, wx, wy), { splitRatio: 2 });
      sameAsRef(t, got, decodeSimccRef(x, y, n, { splitRatio: 2 }), `${wx} x ${wy} ${x.constructor.name}/${y.constructor.name}`);
      t.deepEqual(got.shape, [n]);
    }
  }
});

test('coordinates are float32(bin) / float32(splitRatio), as mmpose divides a float32 array', (t) => {
  const x = simccVector(384, 101, 3);
  const y = simccVector(512, 333, 3);
  for (const splitRatio of [2, 1, 1.66, 3, 0.7, 2.5]) {
    const r = decodeSimccSync({ x: { data: x, shape: [1, 1, 384] }, y: { data: y, shape: [1, 1, 512] } }, { splitRatio });
    t.is(r.coords[0], Math.fround(101 / Math.fround(splitRatio)));
    t.is(r.coords[1], Math.fround(333 / Math.fround(splitRatio)));
  }
});

test('score is min(max x, max y); ties go to the first index; invalid where the score is <= 0', (t) => {
  const x = new Float32Array([0.1, 0.7, 0.7, 0.2, /**/ 0, 0, 0, 0, /**/ -1, -0.5, -2, -3, /**/ 0.3, 0.9, 0.1, 0]);
  const y = new Float32Array([0.5, 0.9, 0.9, /**/ 1, 2, 3, /**/ 5, 0, 0, /**/ 0.2, 0.1, 0.3]);
  const r = decodeSimccSync({ x: { data: x, shape: [4, 4] }, y: { data: y, dims: [4, 3] } }, { splitRatio: 1 });
  t.deepEqual(r.shape, [4]);
  t.deepEqual(Array.from(r.valid), [1, 0, 0, 1]);
  t.deepEqual(Array.from(r.scores), [Math.fround(0.7), 0, 0, Math.fround(0.3)]);
  t.deepEqual(Array.from(r.coords), [1, 1, NaN, NaN, NaN, NaN, 1, 2]);
});

test('minScore: valid when score > minScore; -Infinity takes every finite keypoint (logits)', (t) => {
  const x = new Float32Array([-3, -1, -2, /**/ 0.2, 0.5, 0.1, /**/ NaN, 1, 0]);
  const y = new Float32Array([-4, -5, /**/ 0.4, 0.3, /**/ 1, 2]);
  const input = { x: { data: x, shape: [1, 3, 3] }, y: { data: y, shape: [1, 3, 2] } };
  const all = decodeSimccSync(input, { minScore: -Infinity, splitRatio: 1 });
  t.deepEqual(Array.from(all.valid), [1, 1, 0], 'a NaN vector stays invalid');
  t.deepEqual(Array.from(all.scores), [-4, Math.fround(0.4), 0]);
  t.deepEqual(Array.from(all.coords), [1, 0, 1, 0, NaN, NaN]);
  // The score is float32(0.4) = 0.4000000059604645; minScore is compared as the double it is.
  t.deepEqual(Array.from(decodeSimccSync(input, { minScore: Math.fround(0.4) }).valid), [0, 0, 0], 'strictly greater');
  t.deepEqual(Array.from(decodeSimccSync(input, { minScore: 0.4 }).valid), [0, 1, 0]);
  t.deepEqual(Array.from(decodeSimccSync(input, { minScore: -4 }).valid), [0, 1, 0]);
  t.deepEqual(Array.from(decodeSimccSync(input, { minScore: Infinity }).valid), [0, 0, 0]);
});

test('a vector holding NaN or an infinity makes its keypoint invalid, whatever minScore', (t) => {
  for (const bad of [NaN, Infinity, -Infinity]) {
    for (const at of [0, 16, 40]) {
      const x = simccVector(41, 20, 2);
      x[at] = bad;
      const y = simccVector(33, 10, 2);
      for (const [a, b] of [[x, y], [y, x]]) {
        const r = decodeSimccSync({ x: { data: a, shape: [1, a.length] }, y: { data: b, shape: [1, b.length] } }, { minScore: -Infinity });
        t.deepEqual(Array.from(r.valid), [0]);
        t.is(r.scores[0], 0);
        t.true(Number.isNaN(r.coords[0]) && Number.isNaN(r.coords[1]));
      }
    }
  }
});

test('the blur kernel from sigma is SimCCLabel.decode\'s int((sigma * 20 - 7) // 3), made odd', (t) => {
  // By hand: 4.9 -> 91 // 3 = 30 -> 29; 5.66 -> 106.2 // 3 = 35; 6 -> 113 // 3 = 37; 2 -> 33 // 3 = 11;
  // 0.5 -> 3 // 3 = 1; 6.93 -> 131.6 // 3 = 43; 3 -> 53 // 3 = 17 (mmpose's docs: K = 17 for sigma 3).
  const hand = { 4.9: 29, 5.66: 35, 6: 37, 2: 11, 0.5: 1, 6.93: 43, 3: 17 };
  for (const [s, k] of Object.entries(hand)) {
    t.is(simccBlurKernel(Number(s)), k, `sigma ${s}`);
    t.is(blurKernelRef(Number(s)), k, `reference, sigma ${s}`);
  }
  const random = rng(3);
  for (let i = 0; i < 2000; i++) {
    const s = 0.5 + random() * 38;
    t.is(simccBlurKernel(s), blurKernelRef(s), `sigma ${s}`);
  }
});

test('OpenCV\'s kernel for sigma 0: the fixed tables up to 9, and sigma 0.15 n + 0.35 above', (t) => {
  t.deepEqual(opencvTaps(3), [0.25, 0.5, 0.25]);
  // n = 11 gives sigma exactly 2: taps proportional to exp(-d^2 / 8).
  const g = Array.from({ length: 11 }, (_, i) => Math.exp(-((i - 5) ** 2) / 8));
  const sum = g.reduce((a, b) => a + b);
  opencvTaps(11).forEach((v, i) => t.true(Math.abs(v - g[i] / sum) < 1e-7));
});

// n vectors of w bins, each a Gaussian (peak 255 for Uint8) centred `margin` bins or more from the ends.
function noisyGaussians(random, n, w, sigmaBins, noise, Type = Float32Array, margin = 3) {
  const data = new Type(n * w);
  const centres = [];
  for (let i = 0; i < n; i++) {
    const c = margin + random() * (w - 2 * margin);
    centres.push(c);
    const peak = Type === Uint8Array ? 255 : 0.3 + random();
    const v = simccVector(w, c, sigmaBins, peak);
    for (let j = 0; j < w; j++) data[i * w + j] = Type === Uint8Array ? Math.round(v[j]) : v[j] + noise * (random() - 0.5);
  }
  return { data, centres };
}

test('dark: within tolerance of the reference on noisy SimCC-like vectors, Float32 and Uint8, kernels from sigma and explicit', (t) => {
  const random = rng(4);
  const cases = [
    [384, 512, { sigma: [4.9, 5.66] }, 10],
    [192, 256, { sigma: 6 }, 12],
    [288, 384, { sigma: [6.93, 7.35] }, 14],
    [64, 48, { kernel: 1 }, 3],
    [64, 48, { kernel: [3, 5] }, 3],
    [65, 33, { kernel: [7, 9] }, 3],
    [40, 31, { kernel: 11 }, 4],
    [17, 16, { kernel: 255 }, 3],
  ];
  let worst = 0;
  for (const [wx, wy, options, sigmaBins] of cases) {
    const kernel = options.kernel === undefined
      ? [].concat(options.sigma, options.sigma).slice(0, 2).map(blurKernelRef)
      : [].concat(options.kernel, options.kernel).slice(0, 2);
    for (const Type of [Float32Array, Uint8Array]) {
      const n = 8;
      const x = noisyGaussians(random, n, wx, sigmaBins, 0.02, Type).data;
      const y = noisyGaussians(random, n, wy, sigmaBins, 0.02, Type).data;
      const got = decodeSimccSync(pair(x, y, n, wx, wy), { method: 'dark', ...options });
      const ref = decodeSimccRef(x, y, n, { method: 'dark', kernel });
      worst = Math.max(worst, closeToRef(t, got, ref, DARK_TOL, `${wx} x ${wy} ${JSON.stringify(options)} ${Type.name}`));
    }
  }
  t.log(`largest difference ${worst} px`);
});

test('dark: the refined bin of a clean Gaussian is within 0.05 bins of its centre; argmax is off by up to 0.5', (t) => {
  // Away from the ends: there the zero padding of the blur pulls the peak inwards (in mmpose too).
  const random = rng(5);
  const n = 100;
  const w = 384;
  const { data, centres } = noisyGaussians(random, n, w, 4.9 * 2, 0, Float32Array, 40);
  const y = simccVector(64, 30, 5);
  const ys = new Float32Array(n * 64);
  for (let i = 0; i < n; i++) ys.set(y, i * 64);
  const r = decodeSimccSync(pair(data, ys, n, w, 64), { method: 'dark', sigma: 4.9, splitRatio: 1 });
  const a = decodeSimccSync(pair(data, ys, n, w, 64), { splitRatio: 1 });
  let dark = 0;
  let argmax = 0;
  for (let i = 0; i < n; i++) {
    dark = Math.max(dark, Math.abs(r.coords[2 * i] - centres[i]));
    argmax = Math.max(argmax, Math.abs(a.coords[2 * i] - centres[i]));
  }
  t.log(`dark ${dark}, argmax ${argmax} bins`);
  t.true(dark < 0.05, `dark error ${dark}`);
  t.true(argmax > 0.3);
});

test('dark at the ends of the vector reads through edge padding, as mmpose does', (t) => {
  for (const [w, c] of [[32, 0], [32, 1], [32, 31], [32, 30], [5, 2], [1, 0], [2, 1]]) {
    const x = simccVector(w, c, 2);
    const y = simccVector(w, w - 1 - c, 2);
    const got = decodeSimccSync(pair(x, y, 1, w, w), { method: 'dark', kernel: [5, 7] });
    closeToRef(t, got, decodeSimccRef(x, y, 1, { method: 'dark', kernel: [5, 7] }), DARK_TOL, `w ${w} c ${c}`);
  }
});

test('rank 2 [K, W] gives shape [K]; rank 3 [N, K, W] gives [N, K]; onnxruntime dims', (t) => {
  const random = rng(6);
  const x = new Float32Array(2 * 3 * 10).map(random);
  const y = new Float32Array(2 * 3 * 12).map(random);
  const three = decodeSimccSync({ x: { data: x, dims: [2, 3, 10] }, y: { data: y, dims: [2, 3, 12] } });
  const two = decodeSimccSync({ x: { data: x, shape: [6, 10] }, y: { data: y, shape: [6, 12] } });
  t.deepEqual(three.shape, [2, 3]);
  t.deepEqual(two.shape, [6]);
  t.deepEqual(Array.from(three.coords), Array.from(two.coords));
  sameAsRef(t, three, decodeSimccRef(x, y, 6));
});

test('out: the results land in the caller\'s arrays, which the result holds', (t) => {
  const random = rng(7);
  const x = new Float32Array(4 * 20).map(random);
  const y = new Float32Array(4 * 30).map(random);
  const out = { coords: new Float32Array(8).fill(7), scores: new Float32Array(4), valid: new Uint8Array(4) };
  const r = decodeSimccSync(pair(x, y, 4, 20, 30), { out });
  t.is(r.coords, out.coords);
  t.is(r.scores, out.scores);
  t.is(r.valid, out.valid);
  sameAsRef(t, r, decodeSimccRef(x, y, 4));
});

test('async: the same answer, off the event loop; the input is copied at the call', async (t) => {
  const random = rng(8);
  const n = 64;
  const { data: x } = noisyGaussians(random, n, 384, 10, 0.05);
  const { data: y } = noisyGaussians(random, n, 512, 10, 0.05);
  const ref = decodeSimccRef(x, y, n, { method: 'dark', kernel: [29, 35] });
  const pending = decodeSimcc(pair(x, y, n, 384, 512), { method: 'dark', sigma: [4.9, 5.66] });
  x.fill(0);
  closeToRef(t, await pending, ref, DARK_TOL);
});

test('transfer: true moves both inputs and the out arrays, and hands them back', async (t) => {
  const random = rng(9);
  const x = new Float32Array(3 * 16).map(random);
  const y = new Uint8Array(3 * 24).map(() => Math.floor(random() * 256));
  const ref = decodeSimccRef(x, y, 3);
  const copies = [x.slice(), y.slice()];
  const out = { coords: new Float32Array(6), scores: new Float32Array(3), valid: new Uint8Array(3) };
  const r = await decodeSimcc(pair(x, y, 3, 16, 24), { transfer: true, out });
  t.is(x.byteLength, 0);
  t.is(y.byteLength, 0);
  t.is(out.coords.byteLength, 0);
  t.deepEqual(Array.from(r.input.x), Array.from(copies[0]));
  t.deepEqual(Array.from(r.input.y), Array.from(copies[1]));
  t.true(r.input.y instanceof Uint8Array);
  sameAsRef(t, r, ref);
  await t.throwsAsync(decodeSimcc(pair(x, y, 3, 16, 24), { transfer: true }), { instanceOf: TypeError });
  t.throws(() => decodeSimccSync(pair(copies[0], copies[1], 3, 16, 24), { transfer: true }), { instanceOf: TypeError });
});

test('property: argmax decoding equals the reference for any N, K, widths, values and minScore', (t) => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 3 }),
      fc.integer({ min: 1, max: 4 }),
      fc.integer({ min: 1, max: 70 }),
      fc.integer({ min: 1, max: 70 }),
      fc.constantFrom(0, -Infinity, 0.5, -1),
      fc.constantFrom(1, 2, 1.66, 3),
      fc.integer({ min: 0, max: 2 ** 31 }),
      (n, k, wx, wy, minScore, splitRatio, seed) => {
        const random = rng(seed);
        // Mostly small values with ties, some specials.
        const draw = () => {
          const u = random();
          return u < 0.02 ? NaN : u < 0.04 ? Infinity : Math.round((random() - 0.3) * 8) / 4;
        };
        const x = new Float32Array(n * k * wx).map(draw);
        const y = new Float32Array(n * k * wy).map(draw);
        const got = decodeSimccSync(pair(x, y, n * k, wx, wy, [n, k]), { minScore, splitRatio });
        const ref = decodeSimccRef(x, y, n * k, { minScore, splitRatio });
        return (
          JSON.stringify(Array.from(got.valid)) === JSON.stringify(ref.valid) &&
          JSON.stringify(Array.from(got.coords)) === JSON.stringify(ref.coords) &&
          JSON.stringify(Array.from(got.scores)) === JSON.stringify(ref.scores)
        );
      },
    ),
    { numRuns: 300 },
  );
  t.pass();
});

// Where the curvature is near 0 (a peak wider than its vector, a kernel far longer) the step is
// large and float32 rounding errors grow with it: within DARK_TOL times the step, or DARK_TOL.
test('property: dark stays within tolerance of the reference on random Gaussian peaks', (t) => {
  fc.assert(
    fc.property(
      fc.integer({ min: 8, max: 400 }),
      fc.double({ min: 0.1, max: 0.9, noNaN: true }),
      fc.double({ min: 2, max: 12, noNaN: true }),
      fc.constantFrom(1, 3, 5, 7, 9, 11, 29, 35),
      (w, at, sigmaBins, kernel) => {
        const x = simccVector(w, at * (w - 1), sigmaBins, 0.8);
        const got = decodeSimccSync(pair(x, x, 1, w, w), { method: 'dark', kernel, splitRatio: 1 });
        const ref = decodeSimccRef(x, x, 1, { method: 'dark', kernel: [kernel, kernel], splitRatio: 1 });
        // The step is dx / dxx of logs of float32 sums taken in another order: an error e in them
        // moves it by about e (1 + step^2) / |dx|, so a flat blurred peak (a kernel wider than the
        // vector, where dxx is tiny and the step huge, as mmpose computes it too) is ill-conditioned.
        const step = Math.abs(ref.coords[0] - Math.round(at * (w - 1)));
        return Math.abs(got.coords[0] - ref.coords[0]) <= DARK_TOL * Math.max(1, step * step) && got.valid[0] === 1;
      },
    ),
    { numRuns: 300 },
  );
  t.pass();
});

test('errors: the exact messages, and nothing is written on failure', (t) => {
  const x = new Float32Array(2 * 3 * 4);
  const y = new Float32Array(2 * 3 * 5);
  const X = { data: x, shape: [2, 3, 4] };
  const Y = { data: y, shape: [2, 3, 5] };
  const cases = [
    [[undefined], TypeError, 'Expected an object { x, y } for input but received undefined'],
    [[{ x: X }], TypeError, 'Expected an object { data, shape } for input.y but received undefined'],
    [[{ x: X, y: { data: y, shape: [6, 5] } }], RangeError, 'Expected the rank of input.x [2, 3, 4] for input.y.shape but received rank 2 [6, 5]'],
    [[{ x: X, y: { data: y, dims: [3, 2, 5] } }], RangeError, 'Expected the N and K of input.x [2, 3, 4] for input.y.dims but received [3, 2, 5]'],
    [[{ x: { data: x, shape: [6, 4] }, y: { data: y, shape: [5, 6] } }], RangeError, 'Expected the K of input.x [6, 4] for input.y.shape but received [5, 6]'],
    [[{ x: { data: x, shape: [24] }, y: Y }], RangeError, 'Expected rank 2 or 3 ([K, W] or [N, K, W]) for input.x.shape but received rank 1 [24]'],
    [[{ x: { data: x, shape: [1, 2, 3, 4] }, y: Y }], RangeError, 'Expected rank 2 or 3 ([K, W] or [N, K, W]) for input.x.shape but received rank 4 [1, 2, 3, 4]'],
    [[{ x: { data: x, shape: [1, 2 ** 24 + 1] }, y: Y }], RangeError, 'Expected a vector length at most 16777216 for input.x.shape but received [1, 16777217]'],
    [[{ x: { data: x, shape: [2 ** 40, 2 ** 20] }, y: Y }], RangeError, 'Expected an element count below 2^53 for input.x.shape but received [1099511627776, 1048576] (1152921504606847000 elements)'],
    [[{ x: { data: x, shape: [2, 3, 5] }, y: Y }], RangeError, 'Expected 30 elements (the product of shape [2, 3, 5]) for input.x.data but received 24'],
    [[{ x: { data: new Float64Array(24), shape: [2, 3, 4] }, y: Y }], TypeError, 'Expected a Float32Array or Uint8Array (convert with Float32Array.from(data)) for input.x.data but received Float64Array(24)'],
    [[{ x: X, y: Y }, { splitRatio: 0 }], RangeError, 'Expected a finite number > 0 (as float32) for options.splitRatio but received 0'],
    [[{ x: X, y: Y }, { splitRatio: 1e39 }], RangeError, 'Expected a finite number > 0 (as float32) for options.splitRatio but received 1e+39'],
    [[{ x: X, y: Y }, { splitRatio: '2' }], TypeError, 'Expected a finite number > 0 (as float32) for options.splitRatio but received "2"'],
    [[{ x: X, y: Y }, { minScore: NaN }], RangeError, 'Expected a number (not NaN) for options.minScore but received NaN'],
    [[{ x: X, y: Y }, { method: 'quarter' }], TypeError, "Expected one of 'argmax', 'dark' for options.method but received \"quarter\""],
    [[{ x: X, y: Y }, { sigma: 2 }], TypeError, "Expected only the keys splitRatio, method, minScore, out, transform for options (method 'argmax') but received key \"sigma\""],
    [[{ x: X, y: Y }, { method: 'dark', sigma: 0.3 }], RangeError, 'Expected a sigma whose blur kernel int((sigma * 20 - 7) // 3), made odd, is from 1 to 255 for options.sigma but received 0.3 (kernel -1)'],
    [[{ x: X, y: Y }, { method: 'dark', sigma: [2, 40] }], RangeError, 'Expected a sigma whose blur kernel int((sigma * 20 - 7) // 3), made odd, is from 1 to 255 for options.sigma[1] but received 40 (kernel 263)'],
    [[{ x: X, y: Y }, { method: 'dark', sigma: [2] }], RangeError, 'Expected one number or a pair [x, y] for options.sigma but received [2]'],
    [[{ x: X, y: Y }, { method: 'dark', kernel: [3, 257] }], RangeError, 'Expected an odd integer from 1 to 255 for options.kernel[1] but received 257'],
    [[{ x: X, y: Y }, { method: 'dark', kernel: 3, sigma: 2 }], TypeError, "Expected either options.sigma or options.kernel for options (method 'dark') but received both"],
    [[{ x: X, y: Y }, { out: { coords: new Float32Array(12), scores: new Float32Array(6), valid: new Uint8Array(5) } }], RangeError, 'Expected a Uint8Array of 6 elements for options.out.valid but received Uint8Array(5)'],
    [[{ x: X, y: Y }, { out: { coords: new Float32Array(y.buffer, 0, 12), scores: new Float32Array(6), valid: new Uint8Array(6) } }], RangeError, 'Expected an array that does not share memory with the input for options.out.coords but received Float32Array(12)'],
  ];
  for (const [args, instanceOf, message] of cases) {
    t.throws(() => decodeSimccSync(...args), { instanceOf, message });
  }
  const out = { coords: new Float32Array(12).fill(5), scores: new Float32Array(6).fill(5), valid: new Uint8Array(6).fill(5) };
  t.throws(() => decodeSimccSync({ x: X, y: Y }, { out, method: 'dark', kernel: 4 }), { instanceOf: RangeError });
  t.true(out.coords.every((v) => v === 5) && out.valid.every((v) => v === 5));
});

test('errors reject the async entry point with the caller\'s stack', async (t) => {
  const error = await t.throwsAsync(decodeSimcc({ x: { data: new Float32Array(4), shape: [1, 4] }, y: { data: new Float32Array(4), shape: [2, 2] } }), {
    instanceOf: RangeError,
    message: 'Expected the K of input.x [1, 4] for input.y.shape but received [2, 2]',
  });
  t.regex(error.stack, /decode-simcc\.test\.mjs/);
});

// test/fixtures/make_simcc.py: mmpose's decode re-implemented in NumPy (float32, the blur by
// np.correlate). Where mmpose writes -1 (score <= 0) this library reports invalid.
const fixtures = JSON.parse(readFileSync(new URL('./fixtures/simcc.json', import.meta.url), 'utf8'));
for (const c of fixtures.cases) {
  test(`NumPy fixture: ${c.name}`, (t) => {
    const x = Float32Array.from(c.x.data);
    const y = Float32Array.from(c.y.data);
    const options = c.sigma ? { splitRatio: c.splitRatio, method: 'dark', sigma: c.sigma } : { splitRatio: c.splitRatio };
    const r = decodeSimccSync({ x: { data: x, shape: c.x.shape }, y: { data: y, shape: c.y.shape } }, options);
    let worst = 0;
    c.scores.forEach((score, i) => {
      const invalid = score <= 0;
      t.is(r.valid[i], invalid ? 0 : 1, `keypoint ${i}`);
      if (invalid) return;
      t.is(r.scores[i], Math.fround(score));
      for (const axis of [0, 1]) {
        const want = Math.fround(c.keypoints[2 * i + axis]);
        if (!c.sigma) t.is(r.coords[2 * i + axis], want);
        worst = Math.max(worst, Math.abs(r.coords[2 * i + axis] - want));
      }
    });
    t.log(`largest difference ${worst} px`);
    t.true(worst <= DARK_TOL, `${worst}`);
  });
}

test('a coordinate that overflows float32 (a tiny splitRatio) makes the keypoint invalid', (t) => {
  const x = simccVector(400, 399, 3);
  const y = simccVector(400, 1, 3);
  const r = decodeSimccSync({ x: { data: x, shape: [1, 400] }, y: { data: y, shape: [1, 400] } }, { splitRatio: 1e-37 });
  t.deepEqual(Array.from(r.valid), [0]);
  t.true(Number.isNaN(r.coords[0]));
  t.is(r.scores[0], 0);
  const ok = decodeSimccSync({ x: { data: x, shape: [1, 400] }, y: { data: y, shape: [1, 400] } }, { splitRatio: 1e-35 });
  t.deepEqual(Array.from(ok.valid), [1]);
  t.is(ok.coords[0], Math.fround(399 / Math.fround(1e-35)));
});

test('float16 x and y (onnxruntime-node tensors, type float16) decode bit for bit like Float32 vectors of the same values', async (t) => {
  const random = rng(16);
  for (const [n, wx, wy] of [[7, 384, 512], [3, 17, 33], [40, 576, 768]]) {
    const x = noisyGaussians(random, n, wx, 5, 0.05).data;
    const y = noisyGaussians(random, n, wy, 5, 0.05).data;
    // Ties, a negative vector and a NaN: the rules hold for halves as for floats.
    x.fill(0.5, 0, 8);
    y.fill(-1, wy, 2 * wy);
    x[2 * wx + 3] = NaN;
    const hx = asHalves(x);
    const hy = asHalves(y);
    for (const options of [{}, { method: 'dark', sigma: [4.9, 5.66] }, { minScore: -Infinity }, { splitRatio: 1.5 }]) {
      const want = decodeSimccSync(pair(hx.floats, hy.floats, n, wx, wy), options);
      const halves = { x: { data: hx.bits, dims: [n, wx], type: 'float16' }, y: { data: hy.bits, dims: [n, wy], type: 'float16' } };
      const got = decodeSimccSync(halves, options);
      t.deepEqual(got, want, `${n} x ${wx} / ${wy} ${JSON.stringify(options)}`);
      t.deepEqual(await decodeSimcc(halves, options), want);
      // One axis float16, the other Float32.
      t.deepEqual(decodeSimccSync({ x: halves.x, y: { data: hy.floats, shape: [n, wy] } }, options), want);
    }
  }
});

test('a bare Uint16Array as SimCC vectors is refused with what to pass', (t) => {
  const error = t.throws(() => decodeSimccSync({ x: { data: new Uint16Array(8), shape: [2, 4] }, y: { data: new Float32Array(8), shape: [2, 4] } }), { instanceOf: TypeError });
  t.is(error.message, "Expected a Float32Array or Uint8Array for input.x.data but received Uint16Array(8): a Uint16Array holds float16 bits only with type: 'float16'; pass { data, shape, type: 'float16' }");
});
