// One error path in binding/: an operation's sync and async entry points report the same failure
// with the same class and message, for a request binding/ refuses and for a failure inside native code.
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { coordConv2d, coordConv2dSync } from 'coordconv';

const here = path.dirname(fileURLToPath(import.meta.url));
// The raw addon, to send what lib/ never would.
const { addon } = createRequire(import.meta.url)(path.join(here, '..', 'dist', 'addon.js'));

// The sanitizer's operator new reports an allocation it cannot satisfy and aborts the process
// instead of throwing std::bad_alloc, so the out-of-memory path only exists in the plain build.
const underAsan = /libasan/.test(process.env.LD_PRELOAD ?? '');

// What a call threw or its Promise rejected with: class and message.
async function failureOf(call) {
  try {
    await call();
  } catch (error) {
    return { name: error.constructor.name, message: error.message };
  }
  return null;
}

// Only the convolution's scratch can be made too large to allocate without a caller array as
// large: its per-thread rows grow with stride x (padded width / stride + 1) per (channel, kernel
// row), here 2^11 x 2^11 x 3 x 2^24 floats (768 TiB, more than any process can map, so nothing
// is committed), for a 16 MiB weight. decode, peaks and encode size their scratch by the planes
// they read or write, which the caller must have allocated first: no safe request exhausts them.
(underAsan ? test.skip : test)('conv: scratch too large to allocate is the same RangeError from coordConv2dSync and coordConv2d', async (t) => {
  const channels = 2 ** 11, kernelH = 2 ** 11;
  const input = { data: new Float32Array(channels - 3), shape: [1, channels - 3, 1, 1] };
  const weight = { data: new Float32Array(channels * kernelH), shape: [1, channels, kernelH, 1] };
  const options = { weight, withR: true, padding: [2 ** 10, 2 ** 24], stride: [1, 2 ** 24] };
  const expected = { name: 'RangeError', message: 'Expected enough memory for conv to run but received an allocation failure' };
  t.deepEqual(await failureOf(() => coordConv2dSync(input, options)), expected);
  t.deepEqual(await failureOf(() => coordConv2d(input, options)), expected);
});

const planes = (overrides) => ({ data: new Float32Array(16), planes: 1, height: 4, width: 4, threads: 1, ...overrides });
const decodeRequest = (overrides) => planes({
  layout: 'nchw', channels: 1, method: 'dark', kernel: 3, sigma: 1, threshold: 0.5, beta: 1, quarterRule: 'mmpose', minScore: 0,
  coords: new Float32Array(2), scores: new Float32Array(1), valid: new Uint8Array(1), ...overrides,
});
const peaksRequest = (overrides) => planes({
  layout: 'nchw', channels: 1, k: 2, window: 3, threshold: 0.1, over: 'plane', images: 1, perImage: 1,
  coords: new Float32Array(4), scores: new Float32Array(2), valid: new Uint8Array(2), counts: new Uint32Array(1), ...overrides,
});
const encodeRequest = (overrides) => ({
  coords: new Float32Array(2), visible: null, planes: 1, points: 1, height: 4, width: 4, kind: 'gaussian',
  layout: 'nchw', channels: 1, radius: 1, sigma: 1, unbiased: true, value: 1, threads: 1, output: new Float32Array(16), ...overrides,
});
const convRequest = (overrides) => ({
  input: new Float32Array(16), batch: 1, channels: 1, height: 4, width: 4, coordChannels: 0, weight: new Float32Array(9),
  outChannels: 1, kernelH: 3, kernelW: 3, strideH: 1, strideW: 1, dilationH: 1, dilationW: 1,
  padTop: 1, padLeft: 1, padBottom: 1, padRight: 1, relu: false, bias: null, threads: 1, output: new Float32Array(16), ...overrides,
});

const shared = new Float32Array(32);
const refused = [
  ['decode', decodeRequest({ kernel: 4 }), 'RangeError', 'internal: kernel must be odd, 1 to 255'],
  ['decode', decodeRequest({ method: 'nearest' }), 'TypeError', 'internal: unknown decode method nearest'],
  ['decode', decodeRequest({ scores: shared.subarray(0, 1), coords: shared.subarray(0, 2) }), 'RangeError', 'internal: output arrays overlap the input or each other'],
  ['decode', decodeRequest({ minScore: NaN }), 'RangeError', 'internal: minScore is not finite'],
  ['decode', decodeRequest({ method: 'centroid', minScore: -1 }), 'RangeError', 'internal: min_score must be finite and >= 0 for centroid'],
  ['peaks', peaksRequest({ window: 0 }), 'RangeError', 'internal: window must be odd, 1 to 255'],
  ['peaks', peaksRequest({ over: 'image', images: 2, perImage: 1 }), 'RangeError', 'internal: coords is too short'],
  ['peaks', peaksRequest({ over: 'image', perImage: 2 }), 'TypeError', 'internal: classes is not a typed array'],
  ['peaks', peaksRequest({ over: 'image', perImage: 2, classes: new Uint32Array(2) }), 'RangeError', 'internal: images and per_image do not match the planes'],
  ['peaks', peaksRequest({ data: shared.subarray(0, 16), scores: shared.subarray(15, 17) }), 'RangeError', 'internal: output arrays overlap the input or each other'],
  ['encode', encodeRequest({ sigma: 0 }), 'RangeError', 'internal: sigma must be finite and positive'],
  ['encode', encodeRequest({ output: new Float32Array(15) }), 'RangeError', 'internal: output length does not match'],
  ['conv', convRequest({ strideH: 0 }), 'RangeError', 'internal: every dimension must be positive'],
  ['conv', convRequest({ input: shared.subarray(0, 16), output: shared.subarray(8, 24) }), 'RangeError', 'internal: output arrays overlap the input or each other'],
];

for (const [name, request, className, message] of refused) {
  test(`${name}: ${message} is the same ${className} from ${name}Sync and ${name}`, async (t) => {
    const expected = { name: className, message };
    t.deepEqual(await failureOf(() => addon[`${name}Sync`](request)), expected);
    t.deepEqual(await failureOf(() => addon[name](request)), expected);
  });
}

test('conv: inputs may share memory with each other (only outputs are checked for overlap)', async (t) => {
  const request = convRequest({ input: shared.subarray(0, 16), weight: shared.subarray(4, 13), output: new Float32Array(16) });
  t.notThrows(() => addon.convSync(request));
  await t.notThrowsAsync(addon.conv(request));
});
