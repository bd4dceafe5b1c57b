import test from 'ava';
import { coordConv2d, decode, decodeSync, encode, peaks } from 'coordconv';
import { decodeArgmaxRef } from './helpers/decode-ref.mjs';
import { rng } from './helpers/inputs.mjs';

// transfer: true moves the caller's ArrayBuffer into the call instead of copying it (lib/call.ts):
// the caller's array is detached, the job reads the moved memory in place, and the result hands it
// back as result.input (and the result's arrays are the out arrays, moved likewise).

const [h, w] = [37, 45];

// Planes with one hot pixel each at a known place, as a model's output tensor holds them.
function planes(Type, n, seed) {
  const random = rng(seed);
  const data = new Type(n * h * w);
  const at = [];
  for (let p = 0; p < n; p++) {
    const i = Math.floor(random() * h * w);
    data[p * h * w + i] = Type === Uint8Array ? 200 : 0.5 + random();
    at.push(i);
  }
  return { data, at };
}

function expectHot(t, r, at) {
  at.forEach((i, p) => t.deepEqual([r.coords[2 * p], r.coords[2 * p + 1]], [i % w, Math.floor(i / w)], `plane ${p}`));
}

test('a Float32Array over its own buffer (as onnxruntime-node and tfjs dataSync() give them) moves in, and comes back as result.input', async (t) => {
  for (const Type of [Float32Array, Uint8Array]) {
    const { data, at } = planes(Type, 9, 1);
    const copy = data.slice();
    const r = await decode({ data, shape: [9, h, w] }, { transfer: true });
    t.is(data.byteLength, 0, 'the caller array is detached');
    t.is(data.buffer.byteLength, 0);
    expectHot(t, r, at);
    t.true(r.input instanceof Type);
    t.deepEqual(r.input, copy, 'the input comes back as it was');
    // The memory can go round again.
    expectHot(t, await decode({ data: r.input, shape: [9, h, w] }, { transfer: true }), at);
  }
});

test('out arrays move in too and are the result arrays; without out, the results are the library\'s own', async (t) => {
  const { data, at } = planes(Float32Array, 5, 2);
  const out = { coords: new Float32Array(10), scores: new Float32Array(5), valid: new Uint8Array(5) };
  const r = await decode({ data, shape: [5, h, w] }, { method: 'argmax', out, transfer: true });
  t.is(out.coords.byteLength, 0);
  t.is(out.valid.byteLength, 0);
  expectHot(t, r, at);
  t.deepEqual(Array.from(r.valid), [1, 1, 1, 1, 1]);
  t.is(r.coords.length, 10);
});

test('a view at a non-zero offset, or short of its buffer\'s end, is a RangeError naming the fix; nothing is detached', async (t) => {
  const big = new Float32Array(3 * h * w + 8);
  const offset = new Float32Array(big.buffer, 16, h * w);
  offset[5] = 1;
  await t.throwsAsync(decode({ data: offset, shape: [h, w] }, { transfer: true }), {
    instanceOf: RangeError,
    message: `Expected an array spanning its whole ArrayBuffer with transfer: true (or transfer: false, which copies it) for input.data but received a view of ${h * w * 4} bytes at byte offset 16 of a ${big.byteLength}-byte ArrayBuffer`,
  });
  const head = new Float32Array(big.buffer, 0, h * w);
  await t.throwsAsync(decode({ data: head, shape: [h, w] }, { transfer: true }), { instanceOf: RangeError });
  // A valid input with a partial out array: the refusal comes before anything moves.
  const { data } = planes(Float32Array, 1, 3);
  const coords = new Float32Array(new ArrayBuffer(64), 8, 2);
  await t.throwsAsync(decode({ data, shape: [h, w] }, { out: { coords, scores: new Float32Array(1), valid: new Uint8Array(1) }, transfer: true }), {
    instanceOf: RangeError,
    message: /for options\.out\.coords but received a view of 8 bytes at byte offset 8/,
  });
  t.is(big.byteLength, (3 * h * w + 8) * 4);
  t.is(data.byteLength, h * w * 4, 'the valid input did not move either');
  t.deepEqual([...(await decode({ data: offset, shape: [h, w] })).coords], [5, 0], 'transfer: false still copies it');
});

test('transfer must be a boolean, and is an async option only', async (t) => {
  const { data } = planes(Float32Array, 1, 4);
  await t.throwsAsync(decode({ data, shape: [h, w] }, { transfer: 1 }), { instanceOf: TypeError, message: 'Expected a boolean for options.transfer but received 1' });
  t.throws(() => decodeSync({ data, shape: [h, w] }, { transfer: true }), {
    instanceOf: TypeError,
    message: 'Expected only the keys method, out, layout, transform, minScore for options (method \'argmax\') but received key "transfer"',
  });
  t.is(data.byteLength, h * w * 4);
});

test('a SharedArrayBuffer is used in place and stays attached', async (t) => {
  const { data: local, at } = planes(Float32Array, 3, 5);
  const data = new Float32Array(new SharedArrayBuffer(local.byteLength));
  data.set(local);
  const r = await decode({ data, shape: [3, h, w] }, { transfer: true });
  expectHot(t, r, at);
  t.is(data.byteLength, local.byteLength);
  t.is(r.input, data);
});

test('a resizable ArrayBuffer moves in whole; the caller can no longer resize it while the call runs', async (t) => {
  const n = 4;
  const buffer = new ArrayBuffer(n * h * w * 4, { maxByteLength: 2 * n * h * w * 4 });
  const data = new Float32Array(buffer, 0, n * h * w);
  const { data: src, at } = planes(Float32Array, n, 6);
  data.set(src);
  const pending = decode({ data, shape: [n, h, w] }, { transfer: true });
  t.throws(() => buffer.resize(0), { instanceOf: TypeError });
  t.is(structuredClone(buffer, { transfer: [buffer] }).byteLength, 0, 'a second transfer moves nothing');
  const r = await pending;
  expectHot(t, r, at);
  t.true(r.input.buffer.resizable);
  t.is(r.input.length, n * h * w);
});

test('peaks, encode and coordConv2d take transfer: true with the same answers as without', async (t) => {
  const random = rng(7);
  const heat = new Float32Array(2 * h * w).map(() => random());
  const want = await peaks({ data: heat.slice(), shape: [2, h, w] }, { k: 5 });
  const got = await peaks({ data: heat, shape: [2, h, w] }, { k: 5, transfer: true });
  t.is(heat.byteLength, 0);
  t.deepEqual(got.coords, want.coords);
  t.deepEqual(got.scores, want.scores);
  t.is(got.input.length, 2 * h * w);

  const xy = new Float32Array([3, 4, 10.5, 20.25]);
  const drawn = await encode({ data: xy.slice(), shape: [2, 2] }, { height: h, width: w, kind: 'gaussian', sigma: 2 });
  const moved = await encode({ data: xy, shape: [2, 2] }, { height: h, width: w, kind: 'gaussian', sigma: 2, transfer: true });
  t.is(xy.byteLength, 0);
  t.deepEqual(moved.data, drawn.data);
  t.deepEqual(Array.from(moved.input), [3, 4, 10.5, 20.25]);

  const x = { data: new Float32Array(2 * 3 * 6 * 7).map(() => random() - 0.5), shape: [2, 3, 6, 7] };
  const weight = { data: new Float32Array(4 * 5 * 3 * 3).map(() => random() - 0.5), shape: [4, 5, 3, 3] };
  const plain = await coordConv2d({ data: x.data.slice(), shape: x.shape }, { weight, padding: 1 });
  const fast = await coordConv2d(x, { weight, padding: 1, transfer: true });
  t.is(x.data.byteLength, 0);
  t.is(weight.data.byteLength, 4 * 5 * 3 * 3 * 4, 'weights are copied, never moved');
  t.deepEqual(fast.data, plain.data);
});

test('transfer and copy agree with the reference on a batch of random heatmaps, many calls in flight', async (t) => {
  const random = rng(8);
  const n = 6;
  const jobs = [];
  for (let k = 0; k < 40; k++) {
    const data = new Float32Array(n * h * w).map(() => random());
    const ref = [];
    for (let p = 0; p < n; p++) ref.push(decodeArgmaxRef(data.subarray(p * h * w, (p + 1) * h * w), h, w));
    jobs.push(decode({ data, shape: [n, h, w] }, { transfer: k % 2 === 0 }).then((r) => ref.forEach((e, p) => t.deepEqual([r.coords[2 * p], r.coords[2 * p + 1]], [e.x, e.y]))));
  }
  await Promise.all(jobs);
});
