import test from 'ava';
import { decodeSync, decode } from 'coordconv';
import { decodeBatchRef } from './helpers/decode-ref.mjs';
import { sameAsRef } from './helpers/compare.mjs';
import { rng } from './helpers/inputs.mjs';

const random = rng(71);
const n = 6;
const data = new Float32Array(n * 5 * 7).map(() => random());
const input = { data, shape: [2, 3, 5, 7] };
const fresh = () => ({ coords: new Float32Array(n * 2), scores: new Float32Array(n), valid: new Uint8Array(n) });

test('results land in the caller arrays, and the result holds those same arrays', async (t) => {
  for (const method of ['argmax', 'quarter', 'exact']) {
    const out = fresh();
    out.coords.fill(-7);
    const r = decodeSync(input, { method, out });
    t.is(r.coords, out.coords);
    t.is(r.scores, out.scores);
    t.is(r.valid, out.valid);
    t.deepEqual(r.shape, [2, 3]);
    sameAsRef(t, r, decodeBatchRef(method, data, 5, 7), method);
    const out2 = fresh();
    const a = await decode(input, { method, out: out2 });
    t.is(a.coords, out2.coords);
    t.deepEqual(a, r);
  }
});

test('views into one larger buffer work (they only must not overlap)', (t) => {
  const buffer = new ArrayBuffer(1024);
  const out = {
    coords: new Float32Array(buffer, 8, n * 2),
    scores: new Float32Array(buffer, 8 + n * 8, n),
    valid: new Uint8Array(buffer, 8 + n * 12 + 1, n),
  };
  const r = decodeSync(input, { out });
  sameAsRef(t, r, decodeBatchRef('argmax', data, 5, 7));
});

test('a wrong type or length is a clear error naming the array, and nothing is written', (t) => {
  const good = fresh();
  const check = (out, instanceOf, message) => {
    t.throws(() => decodeSync(input, { out }), { instanceOf, message });
  };
  check({ ...good, coords: new Float64Array(n * 2) }, TypeError, 'Expected a Float32Array for options.out.coords but received Float64Array(12)');
  check({ ...good, scores: [0, 0, 0, 0, 0, 0] }, TypeError, 'Expected a Float32Array for options.out.scores but received [0, 0, 0, 0, 0, 0]');
  check({ ...good, valid: new Int8Array(n) }, TypeError, 'Expected a Uint8Array for options.out.valid but received Int8Array(6)');
  check({ ...good, coords: new Float32Array(n * 2 + 1) }, RangeError, 'Expected a Float32Array of 12 elements for options.out.coords but received Float32Array(13)');
  check({ ...good, valid: new Uint8Array(n - 1) }, RangeError, 'Expected a Uint8Array of 6 elements for options.out.valid but received Uint8Array(5)');
  check({ coords: good.coords, scores: good.scores }, TypeError, 'Expected a Uint8Array for options.out.valid but received undefined');
  check({ ...good, extra: 1 }, TypeError, 'Expected only the keys coords, scores, valid for options.out but received key "extra"');
  check(new Float32Array(3), TypeError, 'Expected an object { coords, scores, valid } for options.out but received Float32Array(3)');
  t.deepEqual(Array.from(good.valid), [0, 0, 0, 0, 0, 0]);
});

test('an out array that shares memory with the input or another out array is a RangeError', async (t) => {
  const big = new Float32Array(n * 5 * 7 + 64);
  const inp = { data: big.subarray(0, n * 5 * 7), shape: [n, 5, 7] };
  const aliasing = { ...fresh(), scores: big.subarray(n * 5 * 7 - 2, n * 5 * 7 - 2 + n) };
  t.throws(() => decodeSync(inp, { out: aliasing }), {
    instanceOf: RangeError,
    message: 'Expected an array that does not share memory with the input for options.out.scores but received Float32Array(6)',
  });
  const bytes = new Uint8Array(big.buffer, 3, n);
  t.throws(() => decodeSync(inp, { out: { ...fresh(), valid: bytes } }), { instanceOf: RangeError });
  const shared = new Float32Array(n * 2);
  await t.throwsAsync(decode(input, { out: { ...fresh(), coords: shared, scores: shared.subarray(3, 3 + n) } }), {
    instanceOf: RangeError,
    message: 'Expected an array that does not share memory with options.out.coords for options.out.scores but received Float32Array(6)',
  });
  // Beside the input in one buffer, not overlapping: fine.
  const ok = decodeSync(inp, { out: { ...fresh(), scores: big.subarray(n * 5 * 7, n * 5 * 7 + n) } });
  t.is(ok.scores.buffer, big.buffer);
});
