import test from 'ava';
import { createRequire } from 'node:module';
import { previewPng } from 'coordconv';

const { PNG } = createRequire(import.meta.url)('pngjs');
const pixel = (png, x, y) => [...png.data.subarray((y * png.width + x) * 4, (y * png.width + x) * 4 + 3)];

test('tiles are scaled to 0..255 grey with a red cross on the decoded coordinate', (t) => {
  // Two 8 x 8 one-hot planes: (x 5, y 2) and (x 0, y 7).
  const data = new Float32Array(2 * 64);
  data[2 * 8 + 5] = 0.5;
  data[64 + 7 * 8 + 0] = 3;
  const { png, shown } = previewPng({ data, shape: [2, 8, 8] }, { columns: 2, scale: 1 });
  t.is(shown, 2);
  const img = PNG.sync.read(png);
  t.is(img.width, 2 * 8 + 3 * 2);
  t.is(img.height, 8 + 2 * 2);
  t.deepEqual(pixel(img, 2 + 5, 2 + 2), [255, 40, 40], 'cross centre on (5, 2) of the first tile');
  t.deepEqual(pixel(img, 2 + 5, 2 + 5), [255, 40, 40], 'vertical arm');
  t.deepEqual(pixel(img, 2 + 1, 2 + 6), [0, 0, 0], 'a cold pixel is black');
  t.deepEqual(pixel(img, 0, 0), [40, 44, 52], 'the gap is background');
  t.deepEqual(pixel(img, 12 + 0, 2 + 7), [255, 40, 40], 'second tile, (0, 7)');
  t.deepEqual(pixel(img, 12 + 7, 2 + 0), [0, 0, 0]);
});

test('uint8 planes, a limited count and bad options', (t) => {
  const data = new Uint8Array(5 * 4 * 4).fill(7);
  const { png, shown } = previewPng({ data, shape: [5, 1, 4, 4] }, { count: 3, columns: 2, scale: 2 });
  t.is(shown, 3);
  const img = PNG.sync.read(png);
  t.is(img.width, 2 * 8 + 3 * 2);
  t.is(img.height, 2 * 8 + 3 * 2);
  t.throws(() => previewPng({ data, shape: [5, 4, 4] }, { count: 0 }), { instanceOf: RangeError, message: 'Expected an integer from 1 to 4096 for options.count but received 0' });
  t.throws(() => previewPng({ data, shape: [5, 4, 4] }, { scale: 'big' }), { instanceOf: TypeError, message: 'Expected an integer from 1 to 64 for options.scale but received "big"' });
});
