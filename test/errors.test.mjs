import test from 'ava';
import { concurrency, decode, decodeSync } from 'coordconv';

const plane = () => new Float32Array(4);

function detachedFloat32(n) {
  const buffer = new ArrayBuffer(n * 4);
  const view = new Float32Array(buffer);
  structuredClone(buffer, { transfer: [buffer] });
  return view;
}

const cases = [
  ['a plain Array', { data: [1, 2, 3, 4], shape: [2, 2] }, undefined, TypeError,
    'Expected a Float32Array or Uint8Array for input.data but received [1, 2, 3, 4]'],
  ['a Float64Array', { data: new Float64Array(4), shape: [2, 2] }, undefined, TypeError,
    'Expected a Float32Array or Uint8Array (convert with Float32Array.from(data)) for input.data but received Float64Array(4)'],
  ['a Uint8ClampedArray', { data: new Uint8ClampedArray(4), shape: [2, 2] }, undefined, TypeError,
    'Expected a Float32Array or Uint8Array (convert with new Uint8Array(data.buffer, data.byteOffset, data.length)) for input.data but received Uint8ClampedArray(4)'],
  ['a detached buffer', { data: detachedFloat32(4), shape: [2, 2] }, undefined, TypeError,
    'Expected a Float32Array or Uint8Array with an attached buffer for input.data but received a detached Float32Array'],
  ['no input', null, undefined, TypeError, 'Expected an object { data, shape } for input but received null'],
  ['a bare typed array', plane(), undefined, TypeError,
    'Expected an object { data, shape } (pass { data: array, shape: [...] }) for input but received Float32Array(4)'],
  ['an Int32Array', { data: new Int32Array(4), shape: [2, 2] }, undefined, TypeError,
    'Expected a Float32Array or Uint8Array (convert with Float32Array.from(data)) for input.data but received Int32Array(4)'],
  ['a tfjs tensor of int32', { shape: [2, 2], dtype: 'int32', dataSync: () => new Int32Array(4) }, undefined, TypeError,
    "Expected a tfjs Tensor of dtype 'float32' (cast it with tf.cast(tensor, 'float32')) for input.dtype but received \"int32\""],
  ['a tfjs tensor of bool', { shape: [2, 2], dtype: 'bool', dataSync: () => new Uint8Array(4) }, undefined, TypeError,
    "Expected a tfjs Tensor of dtype 'float32' (cast it with tf.cast(tensor, 'float32')) for input.dtype but received \"bool\""],
  ['a NaN minScore', { data: plane(), shape: [2, 2] }, { minScore: NaN }, RangeError,
    'Expected a number or -Infinity (not NaN or +Infinity) for options.minScore but received NaN'],
  ['minScore for exact', { data: plane(), shape: [2, 2] }, { method: 'exact', minScore: 0 }, TypeError,
    'Expected only the keys method, out, layout, transform for options (method \'exact\') but received key "minScore"'],
  ['no shape', { data: plane() }, undefined, TypeError, 'Expected an array of numbers for input.shape but received undefined'],
  ['a string shape', { data: plane(), shape: '2x2' }, undefined, TypeError, 'Expected an array of numbers for input.shape but received "2x2"'],
  ['an unknown method', { data: plane(), shape: [2, 2] }, { method: 'magic' }, TypeError,
    "Expected one of 'argmax', 'quarter', 'dark', 'centroid', 'softargmax', 'exact' for options.method but received \"magic\""],
  ['options that are not an object', { data: plane(), shape: [2, 2] }, 'exact', TypeError,
    'Expected an options object for options but received "exact"'],
  ['an unknown option', { data: plane(), shape: [2, 2] }, { methd: 'exact' }, TypeError,
    'Expected only the keys method, out, layout, transform, minScore for options (method \'argmax\') but received key "methd"'],
  ['a length that is not the product of the shape', { data: new Float32Array(5), shape: [2, 2] }, undefined, RangeError,
    'Expected 4 elements (the product of shape [2, 2]) for input.data but received 5'],
  ['rank 1', { data: plane(), shape: [4] }, undefined, RangeError,
    'Expected rank 2 to 4 ([H, W], [N, H, W] or [N, C, H, W]) for input.shape but received rank 1 [4]'],
  ['rank 5', { data: plane(), shape: [1, 1, 1, 2, 2] }, undefined, RangeError,
    'Expected rank 2 to 4 ([H, W], [N, H, W] or [N, C, H, W]) for input.shape but received rank 5 [1, 1, 1, 2, 2]'],
  ['a zero height', { data: plane(), shape: [1, 0, 2] }, undefined, RangeError,
    'Expected integer dimensions (H and W positive, N and C >= 0) for input.shape but received [1, 0, 2]'],
  ['a negative dimension', { data: plane(), shape: [-1, 2, 2] }, undefined, RangeError,
    'Expected integer dimensions (H and W positive, N and C >= 0) for input.shape but received [-1, 2, 2]'],
  ['a fractional dimension', { data: plane(), shape: [2, 2.5] }, undefined, RangeError,
    'Expected integer dimensions (H and W positive, N and C >= 0) for input.shape but received [2, 2.5]'],
  ['a side past 2^24', { data: plane(), shape: [1, 2 ** 24 + 1] }, undefined, RangeError,
    'Expected height and width at most 16777216 for input.shape but received [1, 16777217]'],
  ['an element count past 2^53', { data: plane(), shape: [2 ** 20, 2 ** 20, 2 ** 20, 2 ** 20] }, undefined, RangeError,
    'Expected an element count below 2^53 for input.shape but received [1048576, 1048576, 1048576, 1048576] (1.2089258196146292e+24 elements)'],
];

for (const [title, input, options, Type, message] of cases) {
  test(`decodeSync: ${title}`, (t) => {
    t.throws(() => decodeSync(input, options), { instanceOf: Type, message });
  });
  test(`decode rejects, never throws: ${title}`, async (t) => {
    let promise;
    t.notThrows(() => {
      promise = decode(input, options);
    });
    await t.throwsAsync(promise, { instanceOf: Type, message });
  });
}

test('concurrency rejects anything but a positive integer and keeps its value', (t) => {
  const before = concurrency();
  t.throws(() => concurrency(0), { instanceOf: RangeError, message: 'Expected a positive integer for concurrency but received 0' });
  t.throws(() => concurrency(1.5), { instanceOf: RangeError, message: 'Expected a positive integer for concurrency but received 1.5' });
  t.throws(() => concurrency('2'), { instanceOf: TypeError, message: 'Expected a positive integer for concurrency but received "2"' });
  t.is(concurrency(), before);
});

test('an error from decode points at the caller', async (t) => {
  const error = await t.throwsAsync(decode({ data: plane(), shape: [3, 3] }));
  t.regex(error.stack, /errors\.test\.mjs/);
});
