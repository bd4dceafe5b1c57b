// Property-based tests of the decode entry points, decodeSync and decode, as calls: for any batch
// (random ranks, shapes, dtypes, hostile values, misaligned views) both return the scalar one-hot
// reference plane by plane; any malformed input or option throws (or rejects with) exactly the
// documented error; and the input is never modified. (Each method's results:
// properties-decode-methods.test.mjs.)
import test from 'ava';
import fc from 'fast-check';
import { decode, decodeSync, DECODE_METHODS } from 'coordconv';
import { decodeExactRef } from './helpers/decode-ref.mjs';
import { applyMistake, bytesOf, optionMistake, planeBatch, planeInputMistake, runs, sameBytes, snapshot } from './helpers/arbitraries.mjs';

// 'exact' named every time: the default method is 'argmax'.
const validOptions = fc.constantFrom({ method: 'exact' }, { method: 'exact', out: undefined });
const OPTION_MISTAKE = optionMistake(['method', 'out', 'layout', 'transform', 'minScore'], 'method', DECODE_METHODS, "options (method 'argmax')");

// The facts a decode result must satisfy, checked against the plain JS reference.
function checkDecode(t, input, r) {
  const [h, w] = input.shape.slice(-2);
  const size = h * w;
  const planes = input.data.length / size;
  if (!t.deepEqual(r.shape, input.shape.slice(0, -2))) return false;
  if (!(r.coords instanceof Float32Array && r.scores instanceof Float32Array && r.valid instanceof Uint8Array)) return false;
  if (r.coords.length !== 2 * planes || r.scores.length !== planes || r.valid.length !== planes) return false;
  for (let p = 0; p < planes; p++) {
    const ref = decodeExactRef(input.data.subarray(p * size, (p + 1) * size), h, w);
    const got = [r.coords[2 * p], r.coords[2 * p + 1], r.scores[p], r.valid[p]];
    const want = [ref.x, ref.y, ref.score, ref.valid];
    if (!got.every((v, i) => Object.is(v, want[i]))) {
      t.log(`plane ${p} of ${JSON.stringify(input.shape)} ${input.data.constructor.name}: got ${got}, want ${want}`);
      return false;
    }
    // Stated properties beyond the reference: a valid coordinate lies on the plane.
    if (r.valid[p] && !(r.coords[2 * p] >= 0 && r.coords[2 * p] < w && r.coords[2 * p + 1] >= 0 && r.coords[2 * p + 1] < h && r.scores[p] > 0)) return false;
  }
  return true;
}

test('decodeSync: any batch decodes like the reference, and its input is untouched', (t) => {
  fc.assert(
    fc.property(planeBatch(), validOptions, fc.boolean(), (input, options, asDims) => {
      const before = snapshot(input.data);
      const r = decodeSync(asDims ? { data: input.data, dims: input.shape } : input, options);
      return checkDecode(t, input, r) && sameBytes(bytesOf(input.data), before);
    }),
    runs(150),
  );
  t.pass();
});

test('decode (async): any batch decodes like the reference, and its input is untouched', async (t) => {
  await fc.assert(
    fc.asyncProperty(planeBatch(), validOptions, async (input, options) => {
      const before = snapshot(input.data);
      const r = await decode(input, options);
      return checkDecode(t, input, r) && sameBytes(bytesOf(input.data), before);
    }),
    runs(100),
  );
  t.pass();
});

const refused = (t, fn, [Type, message]) => {
  try {
    fn();
  } catch (error) {
    if (error instanceof Type && error.message === message) return true;
    t.log(`threw ${error?.name}: ${error?.message}\nwanted ${Type.name}: ${message}`);
    return false;
  }
  t.log(`returned, wanted ${Type.name}: ${message}`);
  return false;
};

test('decodeSync: every malformed input throws exactly its documented error, and writes nothing', (t) => {
  fc.assert(
    fc.property(planeBatch(2000), planeInputMistake, validOptions, (valid, mistake, options) => {
      const { input, error } = applyMistake(valid, mistake, 'input', { float16: true, emptyBatch: true });
      const data = input?.data;
      const before = ArrayBuffer.isView(data) && data.byteLength ? snapshot(data) : null;
      return refused(t, () => decodeSync(input, options), error) && (!before || sameBytes(bytesOf(data), before));
    }),
    runs(300),
  );
  t.pass();
});

test('decodeSync: every malformed option throws exactly its documented error', (t) => {
  fc.assert(
    fc.property(planeBatch(2000), OPTION_MISTAKE, (input, { options, error }) =>
      refused(t, () => decodeSync(input, options), error),
    ),
    runs(150),
  );
  t.pass();
});

test('decode: a malformed call never throws; it rejects with exactly the documented error', async (t) => {
  await fc.assert(
    fc.asyncProperty(planeBatch(2000), fc.oneof(planeInputMistake.map((m) => ({ m })), OPTION_MISTAKE.map((o) => ({ o }))), async (valid, { m, o }) => {
      const { input, error } = m ? applyMistake(valid, m, 'input', { float16: true, emptyBatch: true }) : { input: valid, error: o.error };
      let promise;
      try {
        promise = decode(input, o?.options);
      } catch {
        return false;
      }
      try {
        await promise;
      } catch (e) {
        return e instanceof error[0] && e.message === error[1];
      }
      return false;
    }),
    runs(150),
  );
  t.pass();
});
