// Outputs past 4 GiB (Node's Buffer limit) are plain ArrayBuffers (encode, addCoords and conv2d
// allocate theirs the same way); past the typed-array length
// limit, a RangeError in the library's words.
import test from 'ava';
import { encodeSync } from 'coordconv';

// Plain JS around one native call: once per suite (the avx2 pass, or the only pass of a forced path).
const once = !process.env.COORDCONV_ADDON && [undefined, '', 'avx2', 'neon'].includes(process.env.COORDCONV_SIMD);

(once ? test : test.skip)('encode writes a float32 output of 4 GiB + 64 KiB, one hot pixel in the right place', (t) => {
  const height = 2 ** 16 + 1;
  const width = 2 ** 14;
  let r = encodeSync({ data: new Float32Array([width - 1, height - 1]), shape: [1, 2] }, { height, width });
  t.deepEqual(r.shape, [1, 1, height, width]);
  t.is(r.data.length, height * width);
  t.is(r.data[height * width - 1], 1);
  t.is(r.data[height * width - 2], 0);
  t.is(r.data[0], 0);
  r = null;
});

test('an output longer than a typed array can be is a RangeError naming it', (t) => {
  const error = t.throws(() => encodeSync({ data: new Float32Array(4), shape: [2, 2] }, { height: 2 ** 16, width: 2 ** 15 + 1 }), {
    instanceOf: RangeError,
  });
  t.is(error.message, `Expected at most ${2 ** 32} elements (the longest typed array this Node.js makes) for the output but received ${2 * 2 ** 16 * (2 ** 15 + 1)} elements`);
});
