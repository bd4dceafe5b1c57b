// Property-based tests of layout 'nhwc' on decode and peaks: for any [N, C, H, W] batch (channel
// counts around the vector widths, hostile values, misaligned views, both dtypes) stored
// channels-last by a plain loop, the NHWC call gives bit for bit what the NCHW call gives on the
// planes, for every method and for peaks, and leaves its input untouched.
import test from 'ava';
import fc from 'fast-check';
import { decodeSync, peaksSync, DECODE_METHODS } from 'coordconv';
import { bytesOf, layoutShape, planeBatch, runs, sameBytes, snapshot } from './helpers/arbitraries.mjs';
import { misalignedCopy } from './helpers/inputs.mjs';
import { toNhwc } from './helpers/layout.mjs';

// Channels-last, misaligned when the planes are.
const channelsLast = (planes, n, c, h, w) => (planes.byteOffset ? misalignedCopy(toNhwc(planes, n, c, h, w)) : toNhwc(planes, n, c, h, w));

const batch = planeBatch(30000, ['float32', 'uint8'], layoutShape());
const same = (a, b, keys) => keys.every((key) => sameBytes(bytesOf(a[key]), bytesOf(b[key])));

test('decodeSync: NHWC equals NCHW on the same planes, every method', (t) => {
  fc.assert(
    fc.property(batch, fc.constantFrom(...DECODE_METHODS), ({ data: planes, shape: [n, c, h, w] }, method) => {
      const data = channelsLast(planes, n, c, h, w);
      const before = snapshot(data);
      const got = decodeSync({ data, shape: [n, h, w, c] }, { method, layout: 'nhwc' });
      const want = decodeSync({ data: planes, shape: [n, c, h, w] }, { method });
      return got.shape.join() === [n, c].join() && same(got, want, ['coords', 'scores', 'valid']) && sameBytes(snapshot(data), before);
    }),
    runs(150),
  );
  t.pass();
});

test('peaksSync: NHWC equals NCHW on the same planes', (t) => {
  const options = fc.record({ k: fc.integer({ min: 1, max: 40 }), window: fc.constantFrom(1, 3, 5, 7), threshold: fc.constantFrom(0, 0.1, 0.5, 1) });
  fc.assert(
    fc.property(batch, options, ({ data: planes, shape: [n, c, h, w] }, opts) => {
      const data = channelsLast(planes, n, c, h, w);
      const before = snapshot(data);
      const got = peaksSync({ data, shape: [n, h, w, c] }, { ...opts, layout: 'nhwc' });
      const want = peaksSync({ data: planes, shape: [n, c, h, w] }, opts);
      return got.shape.join() === [n, c].join() && same(got, want, ['coords', 'scores', 'valid', 'counts']) && sameBytes(snapshot(data), before);
    }),
    runs(100),
  );
  t.pass();
});
