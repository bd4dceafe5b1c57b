// The main job with an embedded default: build a batch of one-hot images in memory, decode it with
// the exact CoordConv network, print the accuracy and the images per second.
//   npm start                      4096 planes of 64 x 64
//   npm start -- --planes 16384 --height 70 --width 100 --dtype uint8
import { parseArgs } from 'node:util';
import { decode, decodeSync, simd, concurrency } from 'coordconv';

const USAGE = 'usage: npm start -- [--planes N] [--height H] [--width W] [--dtype float32|uint8] [--repeat R]';
let values;
try {
  ({ values } = parseArgs({
    options: {
      planes: { type: 'string', default: '4096' },
      height: { type: 'string', default: '64' },
      width: { type: 'string', default: '64' },
      dtype: { type: 'string', default: 'float32' },
      repeat: { type: 'string', default: '20' },
      help: { type: 'boolean', short: 'h' },
    },
  }));
} catch (error) {
  console.error(`${error.message.split('. ')[0]}\n${USAGE}`);
  process.exit(2);
}
if (values.help) {
  console.log(`The main job with an embedded default: decode a batch of one-hot images with the exact CoordConv network.\n${USAGE}`);
  process.exit(0);
}
const planes = Number(values.planes);
const height = Number(values.height);
const width = Number(values.width);
const repeat = Number(values.repeat);
if (![planes, height, width, repeat].every((n) => Number.isSafeInteger(n) && n > 0) || !['float32', 'uint8'].includes(values.dtype)) {
  console.error(USAGE);
  process.exit(2);
}

const size = height * width;
const data = values.dtype === 'uint8' ? new Uint8Array(planes * size) : new Float32Array(planes * size);
// A fresh array's untouched pages all map the kernel's one zero page, which stays in cache; writing
// every page gives the batch real memory, as a decoded model output has.
data.fill(0);
const truth = new Int32Array(planes);
let seed = 12345;
for (let p = 0; p < planes; p++) {
  seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
  truth[p] = seed % size;
  data[p * size + truth[p]] = values.dtype === 'uint8' ? 255 : 1;
}
const input = { data, shape: [planes, height, width] };

function accuracy(result) {
  let right = 0;
  for (let p = 0; p < planes; p++) {
    if (result.valid[p] && result.coords[2 * p] === truth[p] % width && result.coords[2 * p + 1] === Math.floor(truth[p] / width)) right++;
  }
  return right / planes;
}

function rate(seconds) {
  return `${((planes * repeat) / seconds / 1e6).toFixed(2)} M images/s (${((data.byteLength * repeat) / seconds / 1e9).toFixed(2)} GB/s)`;
}

decodeSync(input, { method: 'exact' }); // warm-up
let t0 = process.hrtime.bigint();
let result;
for (let r = 0; r < repeat; r++) result = decodeSync(input, { method: 'exact' });
const syncSeconds = Number(process.hrtime.bigint() - t0) / 1e9;

t0 = process.hrtime.bigint();
for (let r = 0; r < repeat; r++) result = await decode(input, { method: 'exact' });
const asyncSeconds = Number(process.hrtime.bigint() - t0) / 1e9;

console.log(`coordconv demo: ${planes} one-hot ${values.dtype} images of ${height} x ${width}, method 'exact'`);
console.log(`SIMD path ${simd().active}, ${concurrency()} thread(s), Node ${process.version}`);
console.log(`accuracy     ${(accuracy(result) * 100).toFixed(2)}% (${Math.round(accuracy(result) * planes)} / ${planes} exact)`);
console.log(`decodeSync   ${rate(syncSeconds)}`);
console.log(`decode       ${rate(asyncSeconds)}`);
