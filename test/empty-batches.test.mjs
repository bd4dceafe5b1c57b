// Batches of no planes (N = 0 or C = 0; H and W still >= 1) give empty results of the right shape
// from decode, decodeSync and peaks (both scopes), sync and async, with transfer and with out.
import test from 'ava';
import { decode, decodeSync, DECODE_METHODS, peaks, peaksSync } from 'coordconv';

const SHAPES = [
  [[0, 17, 64, 48], [0, 17]],
  [[4, 0, 64, 48], [4, 0]],
  [[0, 64, 48], [0]],
  [[0, 0, 1, 1], [0, 0]],
];

for (const [shape, lead] of SHAPES) {
  for (const Type of [Float32Array, Uint8Array]) {
    test(`decode ${JSON.stringify(shape)} ${Type.name}: every method gives empty arrays of shape ${JSON.stringify(lead)}`, async (t) => {
      for (const method of DECODE_METHODS) {
        for (const r of [decodeSync({ data: new Type(0), shape }, { method }), await decode({ data: new Type(0), shape }, { method })]) {
          t.deepEqual(r.shape, lead, method);
          t.deepEqual([r.coords.length, r.scores.length, r.valid.length], [0, 0, 0], method);
        }
      }
      const moved = await decode({ data: new Type(0), shape }, { transfer: true });
      t.is(moved.input.length, 0);
      const out = { coords: new Float32Array(0), scores: new Float32Array(0), valid: new Uint8Array(0) };
      const into = await decode({ data: new Type(0), shape }, { out, transfer: true });
      t.deepEqual(into.shape, lead);
      t.is(decodeSync({ data: new Type(0), shape }, { out: { coords: new Float32Array(0), scores: new Float32Array(0), valid: new Uint8Array(0) } }).coords.length, 0);
    });
  }
  test(`peaks ${JSON.stringify(shape)}: over planes empty, over images one empty image per N`, async (t) => {
    const k = 7;
    const input = () => ({ data: new Float32Array(0), shape });
    for (const r of [peaksSync(input(), { k }), await peaks(input(), { k, transfer: true })]) {
      t.deepEqual(r.shape, lead);
      t.deepEqual([r.coords.length, r.scores.length, r.valid.length, r.counts.length], [0, 0, 0, 0]);
    }
    const images = shape.length === 4 ? shape[0] : 1;
    for (const r of [peaksSync(input(), { k, over: 'image' }), await peaks(input(), { k, over: 'image', transfer: true })]) {
      t.deepEqual(r.shape, shape.length === 4 ? [shape[0]] : []);
      t.is(r.coords.length, images * k * 2);
      t.true(r.coords.every(Number.isNaN));
      t.deepEqual([...r.scores, ...r.valid, ...r.counts, ...r.channels], new Array(images * k * 3 + images).fill(0));
    }
  });
}

test('H or W of 0 stays an error, and the data must still match the shape', (t) => {
  const what = 'Expected integer dimensions (H and W positive, N and C >= 0) for input.shape but received';
  t.throws(() => decodeSync({ data: new Float32Array(0), shape: [3, 0, 4] }), { instanceOf: RangeError, message: `${what} [3, 0, 4]` });
  t.throws(() => peaksSync({ data: new Float32Array(0), shape: [0, 4, 0] }), { instanceOf: RangeError, message: `${what} [0, 4, 0]` });
  t.throws(() => decodeSync({ data: new Float32Array(1), shape: [0, 2, 2] }), {
    instanceOf: RangeError,
    message: 'Expected 0 elements (the product of shape [0, 2, 2]) for input.data but received 1',
  });
});

test('encode of an empty batch of coordinates ([0, 2], [0, 17, 2], [4, 0, 5, 2]) gives planes of that batch, none drawn', async (t) => {
  const { encode, encodeSync } = await import('coordconv');
  for (const [shape, out] of [[[0, 2], [0, 1, 8, 6]], [[0, 17, 2], [0, 17, 8, 6]], [[4, 0, 5, 2], [4, 0, 8, 6]]]) {
    const r = encodeSync({ data: new Float32Array(0), shape }, { height: 8, width: 6 });
    t.deepEqual([r.shape, r.data.length], [out, 0]);
    const a = await encode({ data: new Float32Array(0), shape }, { height: 8, width: 6, kind: 'gaussian', transfer: true });
    t.deepEqual([a.shape, a.data.length, a.input.length], [out, 0, 0]);
  }
  t.throws(() => encodeSync({ data: new Float32Array(0), shape: [2, 3, 0, 2] }, { height: 8, width: 6 }), {
    instanceOf: RangeError,
    message: 'Expected integer dimensions (N and C >= 0, P >= 1, then 2) for coords.shape but received [2, 3, 0, 2]',
  });
});
