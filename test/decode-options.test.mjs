import test from 'ava';
import { decodeSync, decode, DECODE_METHODS } from 'coordconv';

const input = { data: new Float32Array(12), shape: [3, 4] };

test('the methods, argmax first', (t) => {
  t.deepEqual([...DECODE_METHODS], ['argmax', 'quarter', 'dark', 'centroid', 'softargmax', 'exact', 'udp', 'megvii']);
});

test('an unknown method is a TypeError naming the choices', (t) => {
  t.throws(() => decodeSync(input, { method: 'hrnet' }), {
    instanceOf: TypeError,
    message: "Expected one of 'argmax', 'quarter', 'dark', 'centroid', 'softargmax', 'exact', 'udp', 'megvii' for options.method but received \"hrnet\"",
  });
  t.throws(() => decodeSync(input, { method: 3 }), { instanceOf: TypeError });
  t.throws(() => decodeSync(input, 'dark'), { instanceOf: TypeError, message: 'Expected an options object for options but received "dark"' });
});

test('options that do not apply to the method are a TypeError', (t) => {
  t.throws(() => decodeSync(input, { sigma: 2 }), {
    instanceOf: TypeError,
    message: "Expected only the keys method, out, layout, transform, minScore, offsets for options (method 'argmax') but received key \"sigma\"",
  });
  t.throws(() => decodeSync(input, { method: 'dark', threshold: 0.5 }), {
    instanceOf: TypeError,
    message: "Expected only the keys method, out, layout, transform, minScore, kernel, sigma for options (method 'dark') but received key \"threshold\"",
  });
  t.throws(() => decodeSync(input, { method: 'centroid', beta: 1 }), {
    instanceOf: TypeError,
    message: "Expected only the keys method, out, layout, transform, minScore, threshold for options (method 'centroid') but received key \"beta\"",
  });
  t.throws(() => decodeSync(input, { method: 'softargmax', kernel: 3 }), {
    instanceOf: TypeError,
    message: "Expected only the keys method, out, layout, transform, minScore, beta for options (method 'softargmax') but received key \"kernel\"",
  });
  t.throws(() => decodeSync(input, { method: 'exact', beta: 1 }), { instanceOf: TypeError });
});

test('bad values are RangeErrors in the one message format', (t) => {
  const cases = [
    [{ method: 'dark', kernel: 4 }, 'Expected an odd integer from 1 to 255 for options.kernel but received 4'],
    [{ method: 'dark', kernel: 0 }, 'Expected an odd integer from 1 to 255 for options.kernel but received 0'],
    [{ method: 'dark', kernel: -3 }, 'Expected an odd integer from 1 to 255 for options.kernel but received -3'],
    [{ method: 'dark', kernel: 3.5 }, 'Expected an odd integer from 1 to 255 for options.kernel but received 3.5'],
    [{ method: 'dark', kernel: 257 }, 'Expected an odd integer from 1 to 255 for options.kernel but received 257'],
    [{ method: 'dark', sigma: -1 }, "Expected a finite number > 0, or 0 (OpenCV's sigma for the kernel) for options.sigma but received -1"],
    [{ method: 'dark', sigma: Infinity }, "Expected a finite number > 0, or 0 (OpenCV's sigma for the kernel) for options.sigma but received Infinity"],
    [{ method: 'dark', sigma: NaN }, "Expected a finite number > 0, or 0 (OpenCV's sigma for the kernel) for options.sigma but received NaN"],
    [{ method: 'centroid', threshold: -0.1 }, 'Expected a number from 0 to 1 for options.threshold but received -0.1'],
    [{ method: 'centroid', threshold: 1.01 }, 'Expected a number from 0 to 1 for options.threshold but received 1.01'],
    [{ method: 'centroid', threshold: NaN }, 'Expected a number from 0 to 1 for options.threshold but received NaN'],
    [{ method: 'softargmax', beta: 0 }, 'Expected a finite number > 0 for options.beta but received 0'],
    [{ method: 'softargmax', beta: -2 }, 'Expected a finite number > 0 for options.beta but received -2'],
  ];
  for (const [options, message] of cases) t.throws(() => decodeSync(input, options), { instanceOf: RangeError, message });
  t.throws(() => decodeSync(input, { method: 'dark', sigma: '2' }), {
    instanceOf: TypeError,
    message: "Expected a finite number > 0, or 0 (OpenCV's sigma for the kernel) for options.sigma but received \"2\"",
  });
});

test('async calls reject with the same errors, at the caller', async (t) => {
  const error = await t.throwsAsync(decode(input, { method: 'dark', kernel: 2 }), {
    instanceOf: RangeError,
    message: 'Expected an odd integer from 1 to 255 for options.kernel but received 2',
  });
  t.regex(error.stack, /decode-options\.test\.mjs/);
});

test('defaults: dark kernel 11 sigma 2, centroid threshold 0.5, softargmax beta 20', (t) => {
  const data = new Float32Array(16 * 16);
  for (let i = 0; i < data.length; i++) data[i] = Math.exp(-(((i % 16) - 7.3) ** 2 + (Math.floor(i / 16) - 8.6) ** 2) / 5);
  const shape = [16, 16];
  const same = (a, b) => t.deepEqual(Array.from(decodeSync({ data, shape }, a).coords), Array.from(decodeSync({ data, shape }, b).coords));
  same({ method: 'dark' }, { method: 'dark', kernel: 11, sigma: 2 });
  same({ method: 'centroid' }, { method: 'centroid', threshold: 0.5 });
  same({ method: 'softargmax' }, { method: 'softargmax', beta: 20 });
  t.notDeepEqual(Array.from(decodeSync({ data, shape }, { method: 'dark', sigma: 1 }).coords), Array.from(decodeSync({ data, shape }, { method: 'dark' }).coords));
});
