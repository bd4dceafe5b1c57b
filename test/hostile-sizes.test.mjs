// Hostile input: sizes that overflow 32 and 64 bits, data shorter than its shape, and buffers
// transferred, detached, resized or written while an async call waits in the queue. (Exit with
// calls in flight is in concurrency.test.mjs.)
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { argmax, conv2d, decode, decodeBoxesSync, decodeSync, mergeFlippedSync, peaksSync, relu, sampleSync, sum } from 'coordconv';

const here = path.dirname(fileURLToPath(import.meta.url));
// The raw addon, to check that binding/ and native/ still bounds-check what lib/ would never send.
const { addon } = createRequire(import.meta.url)(path.join(here, '..', 'dist', 'addon.js'));

// Each entry point with the name its messages give the planes and the lowest rank it takes (the
// other arguments are well formed).
const planeEntryPoints = {
  decodeSync: ['input', (input) => decodeSync(input)],
  sum: ['input', (input) => sum(input)],
  argmax: ['input', (input) => argmax(input)],
  sampleSync: ['maps', (input) => sampleSync(input, { data: new Float32Array(2), shape: [1, 2] }), 3],
  decodeBoxesSync: ['heatmaps', (input) => decodeBoxesSync(input, { sizes: { data: new Float32Array(2), shape: [2, 1, 1] } }), 3],
  mergeFlippedSync: ['heatmaps', (input) => mergeFlippedSync(input, input, { flipIndices: [0] }), 3],
};

const hostileShapes = [
  // 2^32 elements: wraps to 0 in 32-bit arithmetic.
  [[65536, 65536], 'Expected 4294967296 elements (the product of shape [65536, 65536]) for input.data but received 4'],
  // 2^32 + 4: wraps to 4 in 32 bits, which is the data's length.
  [[2, 2147483650], 'Expected height and width at most 16777216 for input.shape but received [2, 2147483650]'],
  [[257, 4096, 4096], 'Expected 4311744512 elements (the product of shape [257, 4096, 4096]) for input.data but received 4'],
  // 2^64 elements: wraps to 0 in 64-bit arithmetic.
  [[65536, 65536, 65536, 65536], 'Expected an element count below 2^53 for input.shape but received [65536, 65536, 65536, 65536] (18446744073709552000 elements)'],
  // 2^64 + 4 (rounded in float64 to 2^64): the 64-bit product of the real sizes wraps to 4.
  [[4294967297, 4294967297, 1, 4], 'Expected an element count below 2^53 for input.shape but received [4294967297, 4294967297, 1, 4] (73786976329197940000 elements)'],
  [[16777216, 16777216, 16777216, 16777216], 'Expected an element count below 2^53 for input.shape but received [16777216, 16777216, 16777216, 16777216] (7.922816251426434e+28 elements)'],
  // The largest dimensions a shape may have: 2^152 elements.
  [[2 ** 52, 2 ** 52, 2 ** 24, 2 ** 24], 'Expected an element count below 2^53 for input.shape but received [4503599627370496, 4503599627370496, 16777216, 16777216] (5.70899077082384e+45 elements)'],
];

for (const [name, [input, call, minRank = 2]] of Object.entries(planeEntryPoints)) {
  test(`${name}: element counts overflowing 32 and 64 bits are RangeErrors`, (t) => {
    for (const [shape, message] of hostileShapes.filter(([shape]) => shape.length >= minRank)) {
      t.throws(() => call({ data: new Float32Array(4), shape }), { instanceOf: RangeError, message: message.replace('input.', `${input}.`) }, `${shape}`);
    }
  });
  test(`${name}: data shorter or longer than its shape is a RangeError`, (t) => {
    for (const [length, shape] of [[0, [1, 1, 1]], [15, [1, 4, 4]], [17, [1, 4, 4]], [63, [1, 4, 4, 4]], [1, [1, 3, 5]]]) {
      const count = shape.reduce((a, b) => a * b);
      t.throws(() => call({ data: new Uint8Array(length), shape }), {
        instanceOf: RangeError,
        message: `Expected ${count} elements (the product of shape [${shape.join(', ')}]) for ${input}.data but received ${length}`,
      });
    }
  });
}

test('float16 planes: the same overflowing shapes and short data are the same RangeErrors (decode and peaks)', async (t) => {
  for (const [shape, message] of hostileShapes) {
    const input = { data: new Uint16Array(4), shape, type: 'float16' };
    t.throws(() => decodeSync(input), { instanceOf: RangeError, message }, `${shape}`);
    t.throws(() => peaksSync(input), { instanceOf: RangeError, message }, `${shape}`);
    await t.throwsAsync(decode(input), { instanceOf: RangeError, message });
  }
  t.throws(() => decodeSync({ data: new Uint16Array(15), dims: [4, 4], type: 'float16' }), {
    instanceOf: RangeError,
    message: 'Expected 16 elements (the product of shape [4, 4]) for input.data but received 15',
  });
  // 2^62 halves (2^63 bytes): refused by the length check before a byte is read.
  t.throws(() => addon.decodeSync(request({ data: new Uint16Array(16), dtype: 'float16', planes: 2 ** 30, height: 2 ** 16, width: 2 ** 16 })), {
    message: 'internal: data length does not match its shape',
  });
});

test('decode rejects hostile sizes rather than throwing', async (t) => {
  for (const [shape, message] of hostileShapes) {
    await t.throwsAsync(decode({ data: new Float32Array(4), shape }), { instanceOf: RangeError, message });
  }
});

test('relu and conv2d: overflowing shapes are RangeErrors', (t) => {
  t.throws(() => relu({ data: new Float32Array(4), shape: [65536, 65536, 65536, 65536] }), {
    instanceOf: RangeError,
    message: 'Expected an element count below 2^53 for input.shape but received [65536, 65536, 65536, 65536] (18446744073709552000 elements)',
  });
  t.throws(() => relu({ data: new Float32Array(4), shape: [65536, 65536] }), {
    instanceOf: RangeError,
    message: 'Expected 4294967296 elements (the product of shape [65536, 65536]) for input.data but received 4',
  });
  t.throws(() => conv2d({ data: new Float32Array(1), shape: [1, 1, 1, 1] }, { data: new Float32Array(1), shape: [4294967296, 1, 1, 1] }), {
    instanceOf: RangeError,
    message: 'Expected 4294967296 elements (the product of shape [4294967296, 1, 1, 1]) for weight.data but received 1',
  });
});

// What lib/ never sends: binding/ and native/ must still refuse it, with a plain error, not a crash.
function request(overrides) {
  return {
    data: new Float32Array(16), planes: 1, height: 4, width: 4, layout: 'nchw', channels: 1, threads: 1, method: 'exact', kernel: 11, sigma: 2, threshold: 0.5, beta: 1, quarterRule: 'mmpose', minScore: 0,
    coords: new Float32Array(2), scores: new Float32Array(1), valid: new Uint8Array(1), ...overrides,
  };
}

test('the native decode refuses sizes that overflow 64 bits or disagree with the data', (t) => {
  const cases = [
    [{ planes: 2 ** 32, height: 2 ** 16, width: 2 ** 16 }, 'internal: data length does not match its shape'],
    [{ planes: 2 ** 52, height: 2 ** 24, width: 2 ** 24 }, 'internal: data length does not match its shape'],
    [{ planes: 1, height: 4, width: 5 }, 'internal: data length does not match its shape'],
    [{ planes: 4, height: 2 ** 1, width: 2, coords: new Float32Array(7) }, 'internal: coords is too short'],
    [{ planes: 1, height: 16, width: 1, valid: new Uint8Array(0) }, 'internal: valid is too short'],
    [{ planes: 0, height: 0, width: 0, data: new Float32Array(0) }, 'internal: plane height and width must be positive'],
    [{ planes: 1, height: 1, width: 16, threads: 0 }, 'internal: threads must be positive'],
    [{ planes: -1 }, 'internal: planes is not a size'],
    [{ height: 2 ** 53 }, 'internal: height is not a size'],
    // Channels-last: channels must divide the planes, be 1 for NCHW, and be a size.
    [{ planes: 4, height: 2, width: 2, layout: 'nhwc', channels: 3, coords: new Float32Array(8), scores: new Float32Array(4), valid: new Uint8Array(4) }, 'internal: channels must be positive and divide the planes for NHWC'],
    [{ layout: 'nhwc', channels: 0 }, 'internal: channels must be positive and divide the planes for NHWC'],
    [{ layout: 'nchw', channels: 2 }, 'internal: channels must be 1 for NCHW'],
    [{ layout: 'nhwc', channels: 2 ** 64 }, 'internal: channels is not a size'],
    [{ width: NaN }, 'internal: width is not a size'],
  ];
  for (const [overrides, message] of cases) {
    t.throws(() => addon.decodeSync(request(overrides)), { message }, JSON.stringify(overrides));
  }
  t.throws(() => addon.decodeSync(request({ data: new Float64Array(16) })), { instanceOf: TypeError, message: 'internal: data is not float32 or uint8' });
  t.throws(() => addon.decodeSync(request({ layout: 'hwc' })), { instanceOf: TypeError, message: 'internal: unknown layout hwc' });
});

test("layout 'nhwc': counts overflowing 2^53 and 64 bits, sides past 2^24 and huge C are refused or decoded", (t) => {
  const data = new Float32Array(4);
  for (const [shape, message] of [
    [[65536, 65536, 65536, 65536], 'Expected an element count below 2^53 for input.shape but received [65536, 65536, 65536, 65536] (18446744073709552000 elements)'],
    [[4294967297, 1, 4, 4294967297], 'Expected an element count below 2^53 for input.shape but received [4294967297, 1, 4, 4294967297] (73786976329197940000 elements)'],
    [[1, 2 ** 24 + 1, 1, 1], 'Expected height and width at most 16777216 for input.shape but received [1, 16777217, 1, 1]'],
    [[2 ** 24, 2 ** 24, 2 ** 24], 'Expected an element count below 2^53 for input.shape but received [16777216, 16777216, 16777216] (4.722366482869645e+21 elements)'],
    [[2, 2, 2 ** 31], 'Expected 8589934592 elements (the product of shape [2, 2, 2147483648]) for input.data but received 4'],
  ]) {
    t.throws(() => decodeSync({ data, shape }, { layout: 'nhwc' }), { instanceOf: RangeError, message }, `${shape}`);
    t.throws(() => peaksSync({ data, shape }, { layout: 'nhwc' }), { instanceOf: RangeError, message }, `peaks ${shape}`);
  }
  // C = 2^22 channels of a 2 x 2 image (in chunks of channels for the argmax, de-interleaved
  // blocks for 'exact'): each channel's one hot pixel found.
  const c = 2 ** 22;
  const big = new Uint8Array(4 * c);
  for (let ch = 0; ch < c; ch += 4099) big[(ch % 4) * c + ch] = 1 + (ch % 250);
  for (const method of ['argmax', 'exact']) {
    const r = decodeSync({ data: big, shape: [2, 2, c] }, { layout: 'nhwc', method });
    t.deepEqual(r.shape, [c]);
    let wrong = 0;
    for (let ch = 0; ch < c; ch++) {
      const hot = ch % 4099 === 0;
      const want = hot ? [(ch % 4) % 2, (ch % 4) >> 1, 1 + (ch % 250), 1] : [NaN, NaN, 0, 0];
      const got = [r.coords[2 * ch], r.coords[2 * ch + 1], r.scores[ch], r.valid[ch]];
      if (!got.every((v, i) => Object.is(v, want[i]))) wrong++;
    }
    t.is(wrong, 0, method);
  }
});

test('the native primitives refuse buffers shorter than the sizes they are given', (t) => {
  const planes = { data: new Uint8Array(16), planes: 2, height: 2, width: 4, threads: 1 };
  t.throws(() => addon.sum({ ...planes, output: new Float64Array(1) }), { message: 'internal: output is too short' });
  t.throws(() => addon.sum({ ...planes, planes: 2 ** 62, output: new Float64Array(2) }), { message: 'internal: planes is not a size' });
  t.throws(() => addon.argmax({ ...planes, height: 2 ** 31, width: 2 ** 31, planes: 4, values: new Float32Array(2), indices: new Float64Array(2), finite: new Uint8Array(2) }),
    { message: 'internal: data length does not match its shape' });
  t.throws(() => addon.argmax({ ...planes, height: 2 ** 15, width: 2 ** 17, planes: 4, values: new Float32Array(4), indices: new Float64Array(4), finite: new Uint8Array(4) }),
    { message: 'internal: data length does not match its shape' });
  t.throws(() => addon.relu({ input: new Float32Array(9), output: new Float32Array(8), threads: 1 }), { message: 'internal: output is too short' });
  const conv = {
    input: new Float32Array(16), batch: 1, channels: 1, height: 4, width: 4, coordChannels: 0, weight: new Float32Array(9),
    outChannels: 1, kernelH: 3, kernelW: 3, strideH: 1, strideW: 1, dilationH: 1, dilationW: 1,
    padTop: 1, padLeft: 1, padBottom: 1, padRight: 1, relu: false, bias: null, threads: 1, output: new Float32Array(16),
  };
  t.notThrows(() => addon.convSync(conv));
  t.throws(() => addon.convSync({ ...conv, batch: 2 ** 32, channels: 2 ** 32 }));
  t.throws(() => addon.convSync({ ...conv, kernelH: 5 }), { message: 'internal: an array length does not match its shape' });
  t.throws(() => addon.convSync({ ...conv, output: new Float32Array(15) }), { message: 'internal: an array length does not match its shape' });
  t.throws(() => addon.convSync({ ...conv, bias: new Float32Array(0) }), { message: 'internal: bias is too short' });
});

function hazard(mode) {
  return new Promise((resolve) => {
    const options = { cwd: path.join(here, '..'), timeout: 60000 };
    execFile(process.execPath, ['--expose-gc', path.join(here, 'helpers', 'hazard-child.mjs'), mode], options, (error, stdout, stderr) => {
      const status = error ? error.code : 0;
      const signal = error ? error.signal : null;
      resolve({ status, signal, stderr, result: status === 0 && stdout ? JSON.parse(stdout) : null });
    });
  });
}

// Without the copy in binding/staging.h, 'transfer' and 'postMessage' read memory the GC had
// already freed: a segfault on the release build, heap-use-after-free under ASan.
for (const mode of ['transfer', 'postMessage', 'resize', 'write']) {
  test(`decode: the input buffer ${mode === 'write' ? 'written' : mode === 'resize' ? 'resized to 0' : `transferred (${mode})`} while the call is queued decodes the input as it was at the call`, async (t) => {
    const { status, signal, stderr, result } = await hazard(mode);
    t.is(status, 0, `signal ${signal}\n${stderr}`);
    t.is(signal, null);
    t.deepEqual(result.coords, [1000, 777]);
    t.deepEqual(result.scores, [1]);
    t.deepEqual(result.valid, [1]);
    if (mode !== 'write') t.true(result.detached);
  });
}

test('peaks: the input buffer transferred while the call is queued finds the peak as it was at the call', async (t) => {
  const { status, signal, stderr, result } = await hazard('peaks-transfer');
  t.is(status, 0, `signal ${signal}\n${stderr}`);
  t.deepEqual(result, { detached: true, coords: [1000, 777], scores: [1], valid: [1] });
});

// Without staging the worker wrote its results into memory the GC had freed; without taking the
// library's own result arrays off its list when handed out (lib/fresh.ts), it wrote those passed
// back as out in place, into memory the GC had freed.
const OUT_TRANSFERS = {
  'out-transfer': 'an out array',
  'reused-out-transfer': 'a result array of an earlier decode passed back as out',
  'reused-sync-out-transfer': 'a result array of an earlier decodeSync passed back as out',
};
for (const [mode, what] of Object.entries(OUT_TRANSFERS)) {
  test(`decode: ${what}, transferred while the call is queued, makes it reject with a TypeError whose stack runs through the awaiting caller; no other out array is written`, async (t) => {
    const { status, signal, stderr, result } = await hazard(mode);
    t.is(status, 0, `signal ${signal}\n${stderr}`);
    t.deepEqual(result, {
      error: 'TypeError',
      message: 'Expected output arrays that stay attached until the call settles for decode but received one detached or resized while it ran',
      atCaller: true,
      scores: [0],
      valid: [0],
    });
  });
}

test('decode: an out array that aliases the input is a RangeError, in an ArrayBuffer or a SharedArrayBuffer', async (t) => {
  for (const Buffer of [ArrayBuffer, SharedArrayBuffer]) {
    const buffer = new Buffer(64 * 4 + 64);
    const data = new Float32Array(buffer, 0, 64);
    const out = { coords: new Float32Array(buffer, 60 * 4, 2), scores: new Float32Array(1), valid: new Uint8Array(1) };
    const message = 'Expected an array that does not share memory with the input for options.out.coords but received Float32Array(2)';
    t.throws(() => decodeSync({ data, shape: [8, 8] }, { out }), { instanceOf: RangeError, message }, Buffer.name);
    await t.throwsAsync(decode({ data, shape: [8, 8] }, { out }), { instanceOf: RangeError, message }, Buffer.name);
  }
});

test('encode: the coordinates transferred while the call is queued are drawn as they were at the call', async (t) => {
  const { status, signal, stderr, result } = await hazard('encode-transfer');
  t.is(status, 0, `signal ${signal}\n${stderr}`);
  t.deepEqual(result, { detached: true, hot: [777 * 1031 + 1000] });
});
