import { spawnSync } from 'node:child_process';
import path from 'node:path';
import vm from 'node:vm';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import fc from 'fast-check';
import { FLIP_INDICES, mergeFlipped, mergeFlippedSync, simd } from 'coordconv';
import { mergeHeatmapsRef, mergeSimccRef, sameFloats } from './helpers/flip-ref.mjs';
import { HOSTILE_F32, runs } from './helpers/arbitraries.mjs';
import { halfToFloat } from './helpers/half.mjs';
import { misalignedCopy, randint, rng } from './helpers/inputs.mjs';
import { toNchw, toNhwc } from './helpers/layout.mjs';

const DTYPES = ['float32', 'uint8', 'float16'];
// Half bit patterns that matter: zeros, subnormals, the largest finite, infinities, NaNs.
const HOSTILE_HALVES = [0x0000, 0x8000, 0x0001, 0x8001, 0x03ff, 0x0400, 0x7bff, 0xfbff, 0x7c00, 0xfc00, 0x7e00, 0x7c01, 0x3c00, 0xbc00];

// `count` values of a dtype: the array the library reads and the numbers it holds.
function values(dtype, count, random) {
  if (dtype === 'uint8') {
    const data = new Uint8Array(count).map(() => randint(random, 256));
    return { data, numbers: Array.from(data) };
  }
  if (dtype === 'float16') {
    const data = new Uint16Array(count).map(() => (random() < 0.1 ? HOSTILE_HALVES[randint(random, HOSTILE_HALVES.length)] : randint(random, 0x10000)));
    return { data, numbers: Array.from(data, halfToFloat), dtype: 'float16' };
  }
  const data = new Float32Array(count).map(() => (random() < 0.1 ? HOSTILE_F32[randint(random, HOSTILE_F32.length)] : (random() - 0.3) * 4));
  return { data, numbers: Array.from(data) };
}

function permutation(k, random) {
  const p = Array.from({ length: k }, (_, i) => i);
  for (let i = k - 1; i > 0; i--) {
    const j = randint(random, i + 1);
    [p[i], p[j]] = [p[j], p[i]];
  }
  return p;
}

// A heatmaps input of NCHW shape [n, k, h, w] in a layout, with its NCHW numbers.
function heatmaps(dtype, [n, k, h, w], layout, random) {
  const v = values(dtype, n * k * h * w, random);
  const tensor = (data, shape) => (v.dtype ? { data, shape, dtype: v.dtype } : { data, shape });
  if (layout === 'nchw') return { input: tensor(v.data, [n, k, h, w]), numbers: v.numbers };
  return { input: tensor(toNhwc(v.data, n, k, h, w), [n, h, w, k]), numbers: v.numbers };
}

const fromNchw = (data, [n, k, h, w], layout) => (layout === 'nchw' ? data : toNhwc(data, n, k, h, w));

test('the path forced by COORDCONV_SIMD is the one running', (t) => {
  t.is(simd().active, process.env.COORDCONV_SIMD || simd().available[0]);
});

test('heatmaps: every dtype pair, both layouts, shift on and off, widths around the vector sizes: the mmpose reference bit for bit', (t) => {
  const random = rng(13);
  const pairs = [['float32', 'float32'], ['uint8', 'uint8'], ['float16', 'float16'], ['float32', 'float16'], ['uint8', 'float32'], ['float16', 'uint8']];
  for (const w of [1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 32, 33, 47, 48, 63, 64, 65, 97]) {
    for (const [da, db] of pairs) {
      for (const layout of ['nchw', 'nhwc']) {
        const [n, k, h] = [1 + randint(random, 2), [1, 3, 17][randint(random, 3)], [1, 3][randint(random, 2)]];
        const shape = [n, k, h, w];
        const a = heatmaps(da, shape, layout, random);
        const b = heatmaps(db, shape, layout, random);
        const flipIndices = permutation(k, random);
        for (const shift of [false, true]) {
          const got = mergeFlippedSync(a.input, b.input, { flipIndices, shift, layout });
          const want = fromNchw(mergeHeatmapsRef(a.numbers, b.numbers, shape, flipIndices, shift), shape, layout);
          t.true(got.data instanceof Float32Array);
          t.deepEqual(got.shape, a.input.shape);
          t.is(sameFloats(got.data, want), '', `${da}/${db} ${layout} [${shape}] shift ${shift}`);
        }
      }
    }
  }
});

test('shift moves the flipped-back map one pixel right and keeps its column 0, as heatmaps[..., 1:] = heatmaps[..., :-1]', (t) => {
  // One keypoint, one row: flipped back, b = [4, 3, 2, 1]; shifted, [4, 4, 3, 2].
  const a = { data: new Float32Array([0, 0, 0, 0]), shape: [1, 1, 4] };
  const b = { data: new Float32Array([2, 4, 6, 8]), shape: [1, 1, 4] };
  t.deepEqual(Array.from(mergeFlippedSync(a, b, { flipIndices: [0] }).data), [4, 3, 2, 1]);
  t.deepEqual(Array.from(mergeFlippedSync(a, b, { flipIndices: [0], shift: true }).data), [4, 4, 3, 2]);
  // Width 1: nothing to shift.
  const one = mergeFlippedSync({ data: new Float32Array([1]), shape: [1, 1, 1] }, { data: new Float32Array([3]), shape: [1, 1, 1] }, { flipIndices: [0], shift: true });
  t.deepEqual(Array.from(one.data), [2]);
});

test('the channels are gathered: output channel k averages channel k with flipped channel flipIndices[k]', (t) => {
  const a = { data: new Float32Array(3), shape: [3, 1, 1] };
  const b = { data: new Float32Array([10, 20, 30]), shape: [3, 1, 1] };
  // [1, 2, 0]: out[0] = b[1] / 2, out[1] = b[2] / 2, out[2] = b[0] / 2 (not the inverse permutation).
  t.deepEqual(Array.from(mergeFlippedSync(a, b, { flipIndices: [1, 2, 0] }).data), [10, 15, 5]);
});

test('rank 3 inputs ([K, H, W], [H, W, K]) and misaligned views', (t) => {
  const random = rng(3);
  for (const layout of ['nchw', 'nhwc']) {
    const shape = [1, 17, 5, 33];
    const a = heatmaps('float32', shape, layout, random);
    const b = heatmaps('float32', shape, layout, random);
    const drop = (x) => ({ data: misalignedCopy(x.input.data), shape: x.input.shape.slice(1) });
    const got = mergeFlippedSync(drop(a), drop(b), { flipIndices: 'coco17', shift: true, layout });
    t.deepEqual(got.shape, a.input.shape.slice(1));
    t.is(sameFloats(got.data, fromNchw(mergeHeatmapsRef(a.numbers, b.numbers, shape, FLIP_INDICES.coco17, true), shape, layout)), '');
  }
});

test('IEEE arithmetic: NaN and infinities propagate, the float32 sum overflows to Inf, subnormals are not flushed', (t) => {
  const max = 3.4028235e38;
  const sub = 2 ** -148;
  const a = new Float32Array([NaN, Infinity, Infinity, max, -max, sub, 2 ** -149, 1, -0]);
  // Reversed, so that flipped-back b lines up with a: [1, -Inf, 5, max, -max, 0, 0, NaN, -0].
  const b = new Float32Array([-0, NaN, 0, 0, -max, max, 5, -Infinity, 1]);
  const got = mergeFlippedSync({ data: a, shape: [1, 1, 9] }, { data: b, shape: [1, 1, 9] }, { flipIndices: [0] }).data;
  t.true(Number.isNaN(got[0]));
  t.true(Number.isNaN(got[1]));  // Inf + -Inf
  t.is(got[2], 2.5 + Infinity);
  t.is(got[3], Infinity);  // max + max overflows float32 before the halving
  t.is(got[4], -Infinity);
  t.is(got[5], 2 ** -149);  // a subnormal result, kept
  t.is(got[6], 0);  // 2^-150 rounds to even: +0
  t.true(Number.isNaN(got[7]));
  t.true(Object.is(got[8], -0));  // -0 + -0
});

test('coco17 is COCO\'s keypoint order; coco-wholebody133 is an involution that swaps the hands, feet and face sides', (t) => {
  t.deepEqual(FLIP_INDICES.coco17, [0, 2, 1, 4, 3, 6, 5, 8, 7, 10, 9, 12, 11, 14, 13, 16, 15]);
  const wb = FLIP_INDICES['coco-wholebody133'];
  t.is(wb.length, 133);
  t.deepEqual(wb.slice(0, 17), FLIP_INDICES.coco17);
  t.true(wb.every((j, i) => wb[j] === i));
  // Feet: left big toe 17 <-> right big toe 20; face: jaw ends 23 <-> 39, jaw middle 31 fixed;
  // nose bridge 50..53 fixed; hands: left root 91 <-> right root 112, left pinky tip 111 <-> 132.
  t.deepEqual([wb[17], wb[19], wb[23], wb[31], wb[50], wb[53], wb[91], wb[111], wb[112]], [20, 22, 39, 31, 50, 53, 112, 132, 91]);
  const random = rng(4);
  const shape = [1, 133, 2, 3];
  const a = heatmaps('float32', shape, 'nchw', random);
  const b = heatmaps('float32', shape, 'nchw', random);
  t.is(sameFloats(mergeFlippedSync(a.input, b.input, { flipIndices: 'coco-wholebody133' }).data, mergeHeatmapsRef(a.numbers, b.numbers, shape, wb, false)), '');
  t.true(Object.isFrozen(FLIP_INDICES) && Object.isFrozen(FLIP_INDICES.coco17));
});

test('SimCC: x flipped back and reordered, y reordered, each averaged, every dtype and width: the flip_vectors reference', (t) => {
  const random = rng(8);
  for (const lx of [1, 2, 15, 16, 17, 33, 64, 65, 384]) {
    for (const [dx, dy] of [['float32', 'float32'], ['uint8', 'float16'], ['float16', 'float32'], ['float16', 'float16']]) {
      const [n, k] = [1 + randint(random, 3), [1, 5, 17][randint(random, 3)]];
      const ly = [1, 16, 17, 31, 512][randint(random, 5)];
      const mk = () => {
        const x = values(dx, n * k * lx, random);
        const y = values(dy, n * k * ly, random);
        const tensor = (v, l) => (v.dtype ? { data: v.data, shape: [n, k, l], dtype: v.dtype } : { data: v.data, shape: [n, k, l] });
        return { input: { x: tensor(x, lx), y: tensor(y, ly) }, numbers: { x: x.numbers, y: y.numbers } };
      };
      const a = mk();
      const b = mk();
      const flipIndices = permutation(k, random);
      const got = mergeFlippedSync(a.input, b.input, { flipIndices });
      const want = mergeSimccRef(a.numbers, b.numbers, [n, k], [lx, ly], flipIndices);
      t.deepEqual([got.x.shape, got.y.shape], [[n, k, lx], [n, k, ly]]);
      t.is(sameFloats(got.x.data, want.x), '', `x ${dx} ${lx}`);
      t.is(sameFloats(got.y.data, want.y), '', `y ${dy} ${ly}`);
    }
  }
  // Rank 2 ([K, L]) as decodeSimcc takes it.
  const x = { data: new Float32Array([1, 2, 3, 4, 5, 6]), shape: [2, 3] };
  const y = { data: new Float32Array([1, 2, 3, 4]), shape: [2, 2] };
  const got = mergeFlippedSync({ x, y }, { x, y }, { flipIndices: [1, 0] });
  t.deepEqual(Array.from(got.x.data), [3.5, 3.5, 3.5, 3.5, 3.5, 3.5]);
  t.deepEqual(Array.from(got.y.data), [2, 3, 2, 3]);
  t.deepEqual(got.x.shape, [2, 3]);
});

test('async gives what sync gives; out arrays are written and returned; transfer: true hands the inputs back', async (t) => {
  const random = rng(5);
  const shape = [2, 17, 16, 12];
  const a = heatmaps('float16', shape, 'nchw', random);
  const b = heatmaps('float16', shape, 'nchw', random);
  const sync = mergeFlippedSync(a.input, b.input, { flipIndices: 'coco17', shift: true });
  const out = new Float32Array(sync.data.length);
  const async = await mergeFlipped(a.input, b.input, { flipIndices: 'coco17', shift: true, out });
  t.is(async.data, out);
  t.is(sameFloats(out, sync.data), '');
  const bits = [a.input.data.slice(), b.input.data.slice()];
  const moved = await mergeFlipped({ ...a.input, data: bits[0] }, { ...b.input, data: bits[1] }, { flipIndices: 'coco17', shift: true, transfer: true });
  t.is(bits[0].byteLength, 0);
  t.deepEqual(moved.input.map((d) => Array.from(d)), [Array.from(a.input.data), Array.from(b.input.data)]);
  t.is(sameFloats(moved.data, sync.data), '');

  const v = (l) => ({ data: new Float32Array(17 * l).map(() => random()), shape: [1, 17, l] });
  const s1 = { x: v(384), y: v(512) };
  const s2 = { x: v(384), y: v(512) };
  const simOut = { x: new Float32Array(17 * 384), y: new Float32Array(17 * 512) };
  const simAsync = await mergeFlipped(s1, s2, { flipIndices: 'coco17', out: simOut });
  const simSync = mergeFlippedSync(s1, s2, { flipIndices: 'coco17' });
  t.is(simAsync.x.data, simOut.x);
  t.is(sameFloats(simAsync.x.data, simSync.x.data) + sameFloats(simAsync.y.data, simSync.y.data), '');
});

test('empty batches: N = 0 and K = 0 give empty heatmaps of the right shape; SimCC refuses them as decodeSimcc does', async (t) => {
  const e = (shape, Type = Float32Array) => ({ data: new Type(0), shape });
  t.deepEqual(mergeFlippedSync(e([0, 17, 64, 48]), e([0, 17, 64, 48]), { flipIndices: 'coco17', shift: true }), { data: new Float32Array(0), shape: [0, 17, 64, 48] });
  t.deepEqual(mergeFlippedSync(e([2, 0, 4, 4]), e([2, 0, 4, 4]), { flipIndices: [] }).shape, [2, 0, 4, 4]);
  t.deepEqual(mergeFlippedSync(e([0, 4, 4, 17], Uint8Array), e([0, 4, 4, 17], Uint8Array), { flipIndices: 'coco17', layout: 'nhwc' }).shape, [0, 4, 4, 17]);
  t.deepEqual(mergeFlippedSync(e([3, 4, 4, 0]), e([3, 4, 4, 0]), { flipIndices: [], layout: 'nhwc' }).shape, [3, 4, 4, 0]);
  // SimCC vectors are read as decodeSimcc reads them, which takes no empty batch.
  const sim = { x: e([0, 17, 384]), y: e([0, 17, 512]) };
  await t.throwsAsync(mergeFlipped(sim, sim, { flipIndices: 'coco17' }), { instanceOf: RangeError, message: 'Expected positive integer dimensions for simcc.x.shape but received [0, 17, 384]' });
});

const hm = (shape, data = new Float32Array(shape.reduce((p, d) => p * d, 1))) => ({ data, shape });

test('bad flip indices: each refusal names the index and what it must be, and nothing is written', (t) => {
  const a = hm([1, 3, 2, 2]);
  const out = new Float32Array(12).fill(7);
  const cases = [
    [undefined, TypeError, "Expected a permutation of 0..K-1 (K = 3, the keypoint channels of heatmaps [1, 3, 2, 2]) as an array or an integer typed array, or a preset ('coco17', 'coco-wholebody133') for options.flipIndices but received undefined"],
    [[0, 1], RangeError, 'Expected 3 indices (K, the keypoint channels of heatmaps [1, 3, 2, 2]) for options.flipIndices but received 2 indices'],
    [[0, 1, 1], RangeError, 'Expected each index once (a permutation) for options.flipIndices[2] but received 1, already at options.flipIndices[1]'],
    [[0, 1, 3], RangeError, 'Expected an integer from 0 to 2 for options.flipIndices[2] but received 3'],
    [[0, -1, 2], RangeError, 'Expected an integer from 0 to 2 for options.flipIndices[1] but received -1'],
    [[0, 1.5, 2], RangeError, 'Expected an integer from 0 to 2 for options.flipIndices[1] but received 1.5'],
    [[0, '1', 2], RangeError, "Expected an integer from 0 to 2 for options.flipIndices[1] but received \"1\""],
    [[NaN, 1, 2], RangeError, 'Expected an integer from 0 to 2 for options.flipIndices[0] but received NaN'],
    ['coco17', RangeError, "Expected a preset for 3 keypoints (the keypoint channels of heatmaps [1, 3, 2, 2]) for options.flipIndices but received \"coco17\" (17 keypoints)"],
    ['coco', RangeError, "Expected a permutation of 0..K-1 (K = 3, the keypoint channels of heatmaps [1, 3, 2, 2]) as an array or an integer typed array, or a preset ('coco17', 'coco-wholebody133') for options.flipIndices but received \"coco\""],
    ['toString', RangeError, "Expected a permutation of 0..K-1 (K = 3, the keypoint channels of heatmaps [1, 3, 2, 2]) as an array or an integer typed array, or a preset ('coco17', 'coco-wholebody133') for options.flipIndices but received \"toString\""],
    [new Float32Array([0, 1, 2]), TypeError, "Expected a permutation of 0..K-1 (K = 3, the keypoint channels of heatmaps [1, 3, 2, 2]) as an array or an integer typed array, or a preset ('coco17', 'coco-wholebody133') for options.flipIndices but received Float32Array(3)"],
    [new Int32Array([0, 1, 1]), RangeError, 'Expected each index once (a permutation) for options.flipIndices[2] but received 1, already at options.flipIndices[1]'],
    [new Int16Array([0, -1, 2]), RangeError, 'Expected an integer from 0 to 2 for options.flipIndices[1] but received -1'],
    [new Uint8Array([0, 1]), RangeError, 'Expected 3 indices (K, the keypoint channels of heatmaps [1, 3, 2, 2]) for options.flipIndices but received 2 indices'],
  ];
  for (const [flipIndices, Type, message] of cases) {
    t.throws(() => mergeFlippedSync(a, a, { flipIndices, out }), { instanceOf: Type, message });
  }
  t.true(out.every((v) => v === 7));
});

test('flipIndices as an integer typed array is the same permutation as the plain array', (t) => {
  const random = rng(5);
  const a = hm([2, 3, 2, 4], Float32Array.from({ length: 48 }, () => random()));
  const b = hm([2, 3, 2, 4], Float32Array.from({ length: 48 }, () => random()));
  const want = mergeFlippedSync(a, b, { flipIndices: [2, 1, 0] });
  // Output channel 0 at column 0 averages a's channel 0 with b's channel 2 at the last column.
  t.is(want.data[0], Math.fround((a.data[0] + b.data[2 * 8 + 3]) * 0.5));
  for (const Type of [Int8Array, Uint8Array, Int16Array, Uint16Array, Int32Array, Uint32Array]) {
    t.deepEqual(mergeFlippedSync(a, b, { flipIndices: Type.from([2, 1, 0]) }).data, want.data, Type.name);
  }
  // One made in another realm (a vm context) is an integer typed array too.
  const foreign = vm.runInNewContext('Int32Array.from([2, 1, 0])');
  t.false(foreign instanceof Int32Array);
  t.deepEqual(mergeFlippedSync(a, b, { flipIndices: foreign }).data, want.data);
});

test('shapes, options and out arrays: refused in the library\'s words; async rejects with the same', async (t) => {
  const a = hm([1, 3, 2, 2]);
  const opts = { flipIndices: [0, 2, 1] };
  const cases = [
    [() => [a, hm([1, 3, 2, 3]), opts], RangeError, 'Expected the shape of heatmaps [1, 3, 2, 2] for flippedHeatmaps.shape but received [1, 3, 2, 3]'],
    [() => [a, hm([3, 1, 2, 2]), opts], RangeError, 'Expected the shape of heatmaps [1, 3, 2, 2] for flippedHeatmaps.shape but received [3, 1, 2, 2]'],
    [() => [a, hm([3, 2, 2]), opts], RangeError, 'Expected the shape of heatmaps [1, 3, 2, 2] for flippedHeatmaps.shape but received [3, 2, 2]'],
    [() => [hm([2, 2]), hm([2, 2]), opts], RangeError, 'Expected rank 3 or 4 ([K, H, W] or [N, K, H, W]) for heatmaps.shape but received rank 2 [2, 2]'],
    [() => [a, { data: new Float32Array(11), shape: [1, 3, 2, 2] }, opts], RangeError, 'Expected 12 elements (the product of shape [1, 3, 2, 2]) for flippedHeatmaps.data but received 11'],
    [() => [a, { data: new Int16Array(12), shape: [1, 3, 2, 2] }, opts], TypeError, 'Expected a Float32Array or Uint8Array (convert with Float32Array.from(data)) for flippedHeatmaps.data but received Int16Array(12)'],
    [() => [a, a], TypeError, 'Expected an options object with flipIndices for options but received undefined'],
    [() => [a, a, { ...opts, shfit: true }], TypeError, 'Expected only the keys flipIndices, shift, layout, out for options but received key "shfit"'],
    [() => [a, a, { ...opts, shift: 1 }], TypeError, 'Expected a boolean for options.shift but received 1'],
    [() => [a, a, { ...opts, layout: 'hwc' }], TypeError, 'Expected one of \'nchw\', \'nhwc\' for options.layout but received "hwc"'],
    [() => [a, a, { ...opts, out: new Float32Array(11) }], RangeError, 'Expected a Float32Array of 12 elements for options.out but received Float32Array(11)'],
    [() => [a, a, { ...opts, out: new Uint8Array(12) }], TypeError, 'Expected a Float32Array for options.out but received Uint8Array(12)'],
    [() => [a, a, { ...opts, out: a.data }], RangeError, 'Expected an array that does not share memory with the input for options.out but received Float32Array(12)'],
    [() => [hm([1, 2 ** 25, 1]), hm([1, 2 ** 25, 1]), { flipIndices: [0] }], RangeError, 'Expected height and width at most 16777216 for heatmaps.shape but received [1, 33554432, 1]'],
    [() => [hm([2 ** 30, 2 ** 30, 2 ** 20, 1], new Float32Array(0)), a, opts], RangeError, 'Expected an element count below 2^53 for heatmaps.shape but received [1073741824, 1073741824, 1048576, 1] (1.2089258196146292e+24 elements)'],
    [() => [a, a, { ...opts, transfer: true }], TypeError, 'Expected only the keys flipIndices, shift, layout, out for options but received key "transfer"'],
  ];
  for (const [args, Type, message] of cases) {
    t.throws(() => mergeFlippedSync(...args()), { instanceOf: Type, message });
    if (!message.includes('"transfer"')) await t.throwsAsync(mergeFlipped(...args()), { instanceOf: Type, message });
  }
});

test('SimCC pairs: shapes and options refused in the library\'s words', async (t) => {
  const v = (shape) => ({ data: new Float32Array(shape.reduce((p, d) => p * d, 1)), shape });
  const s = { x: v([1, 3, 8]), y: v([1, 3, 6]) };
  const opts = { flipIndices: [0, 2, 1] };
  const cases = [
    [[s, { x: v([1, 3, 8]), y: v([1, 3, 7]) }, opts], RangeError, 'Expected the shape of simcc.y [1, 3, 6] for flippedSimcc.y.shape but received [1, 3, 7]'],
    [[s, { x: v([1, 3, 9]), y: v([1, 3, 6]) }, opts], RangeError, 'Expected the shape of simcc.x [1, 3, 8] for flippedSimcc.x.shape but received [1, 3, 9]'],
    [[s, { x: v([1, 3, 8]) }, opts], TypeError, 'Expected an object { data, shape } for flippedSimcc.y but received undefined'],
    [[s, { x: v([1, 3, 8]), y: v([1, 2, 6]) }, opts], RangeError, 'Expected the N and K of flippedSimcc.x [1, 3, 8] for flippedSimcc.y.shape but received [1, 2, 6]'],
    [[s, s, { ...opts, layout: 'nchw' }], TypeError, 'Expected only the keys flipIndices, out for options (SimCC) but received key "layout"'],
    [[s, s, { ...opts, shift: true }], TypeError, 'Expected only the keys flipIndices, out for options (SimCC) but received key "shift"'],
    [[s, s, { flipIndices: 'coco17' }], RangeError, "Expected a preset for 3 keypoints (the keypoints of simcc.x [1, 3, 8]) for options.flipIndices but received \"coco17\" (17 keypoints)"],
    [[{ x: v([1, 1, 2 ** 25]), y: v([1, 1, 2]) }, s, { flipIndices: [0] }], RangeError, 'Expected a vector length at most 16777216 for simcc.x.shape but received [1, 1, 33554432]'],
    [[s, s, { ...opts, out: { x: new Float32Array(24) } }], TypeError, 'Expected a Float32Array for options.out.y but received undefined'],
    [[s, s, { ...opts, out: { x: new Float32Array(24), y: s.y.data } }], RangeError, 'Expected an array that does not share memory with the input for options.out.y but received Float32Array(18)'],
  ];
  for (const [args, Type, message] of cases) {
    t.throws(() => mergeFlippedSync(...args), { instanceOf: Type, message });
    await t.throwsAsync(mergeFlipped(...args), { instanceOf: Type, message });
  }
});

test('property: random shapes, dtypes, layouts, permutations and shift match the mmpose reference', (t) => {
  const dtype = fc.constantFrom(...DTYPES);
  fc.assert(
    fc.property(
      fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 20 }), fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 70 })),
      dtype,
      dtype,
      fc.constantFrom('nchw', 'nhwc'),
      fc.boolean(),
      fc.integer(),
      (shape, da, db, layout, shift, seed) => {
        const random = rng(seed >>> 0);
        const a = heatmaps(da, shape, layout, random);
        const b = heatmaps(db, shape, layout, random);
        const flipIndices = permutation(shape[1], random);
        const got = mergeFlippedSync(a.input, b.input, { flipIndices, shift, layout });
        return sameFloats(got.data, fromNchw(mergeHeatmapsRef(a.numbers, b.numbers, shape, flipIndices, shift), shape, layout)) === '';
      },
    ),
    runs(150),
  );
  t.pass();
});

test('threads: a batch large enough to split over the pool gives the reference (NHWC with K past a chunk too)', (t) => {
  const random = rng(21);
  for (const [shape, layout] of [[[8, 17, 64, 48], 'nchw'], [[2, 5000, 2, 3], 'nhwc'], [[1, 1, 1, 9000], 'nchw'], [[1, 3, 1, 5000], 'nhwc']]) {
    const a = heatmaps('float16', shape, layout, random);
    const b = heatmaps('float32', shape, layout, random);
    const flipIndices = permutation(shape[1], random);
    const got = mergeFlippedSync(a.input, b.input, { flipIndices, shift: true, layout });
    t.is(sameFloats(got.data, fromNchw(mergeHeatmapsRef(a.numbers, b.numbers, shape, flipIndices, true), shape, layout)), '', `${layout} [${shape}]`);
  }
});

// toNchw is the inverse the NHWC fixtures above rely on.
test('the layout helpers round-trip', (t) => {
  const d = Float32Array.from({ length: 2 * 3 * 4 * 5 }, (_, i) => i);
  t.deepEqual(toNchw(toNhwc(d, 2, 3, 4, 5), 2, 4, 5, 3), d);
});

test('examples/flip.mjs runs: with shift the merged MSRA peak is 0.125 px off, without it 0.375 px', (t) => {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const r = spawnSync(process.execPath, [path.join(root, 'examples', 'flip.mjs')], { cwd: root, encoding: 'utf8', env: { ...process.env } });
  t.is(r.status, 0, r.stderr);
  t.deepEqual(r.stdout.trim().split('\n'), [
    'merged shape [1,17,64,48], Float32Array',
    'largest error: plain 0.000 px, merged with shift 0.125 px, without shift 0.375 px',
  ]);
});
