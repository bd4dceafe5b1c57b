import test from 'ava';
import { addCoords } from 'coordconv';
import { coordRef, coordRef32, radiusRef32 } from './helpers/encode-ref.mjs';
import { rng } from './helpers/inputs.mjs';

test('non-square input: xx runs over the width, yy over the height, against the closed form', (t) => {
  // 3 rows x 5 columns: the paper's reference code divides both by the same axis; the closed form
  // says xx = x / 4 * 2 - 1 and yy = y / 2 * 2 - 1.
  const r = addCoords({ data: new Float32Array(3 * 5), shape: [1, 1, 3, 5] });
  t.deepEqual(r.shape, [1, 3, 3, 5]);
  const xx = Array.from(r.data.subarray(15, 30));
  const yy = Array.from(r.data.subarray(30, 45));
  t.deepEqual(xx, [-1, -0.5, 0, 0.5, 1, -1, -0.5, 0, 0.5, 1, -1, -0.5, 0, 0.5, 1]);
  t.deepEqual(yy, [-1, -1, -1, -1, -1, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1]);
});

test('nchw and nhwc, withR, sizes 1 to 65, against the closed form (exact in float32)', (t) => {
  const random = rng(61);
  for (const [h, w] of [[1, 1], [1, 7], [7, 1], [2, 3], [9, 16], [17, 8], [13, 65]]) {
    for (const withR of [false, true]) {
      const n = 2, c = 3, extra = withR ? 3 : 2;
      const input = new Float32Array(n * c * h * w).map(() => random());
      const a = addCoords({ data: input, shape: [n, c, h, w] }, { withR });
      const b = addCoords({ data: input, shape: [n, h, w, c] }, { layout: 'nhwc', withR });
      t.deepEqual(a.shape, [n, c + extra, h, w]);
      t.deepEqual(b.shape, [n, h, w, c + extra]);
      for (let s = 0; s < n; s++) {
        for (let y = 0; y < h; y++) {
          for (let x = 0; x < w; x++) {
            const xx = coordRef32(x, w), yy = coordRef32(y, h);
            const want = [xx, yy, ...(withR ? [radiusRef32(xx, yy)] : [])];
            // Within float32 rounding of the pure double closed form too.
            t.true(Math.abs(xx - coordRef(x, w)) <= 2 ** -23 && Math.abs(yy - coordRef(y, h)) <= 2 ** -23);
            const nchw = [];
            for (let k = 0; k < c + extra; k++) nchw.push(a.data[((s * (c + extra) + k) * h + y) * w + x]);
            const nhwc = Array.from(b.data.subarray(((s * h + y) * w + x) * (c + extra), ((s * h + y) * w + x + 1) * (c + extra)));
            const inNchw = [], inNhwc = [];
            for (let k = 0; k < c; k++) {
              inNchw.push(input[((s * c + k) * h + y) * w + x]);
              inNhwc.push(input[((s * h + y) * w + x) * c + k]);
            }
            if (JSON.stringify(nchw) !== JSON.stringify([...inNchw, ...want]) || JSON.stringify(nhwc) !== JSON.stringify([...inNhwc, ...want])) {
              t.fail(`${h} x ${w} withR ${withR} at (${x}, ${y}): ${nchw} / ${nhwc}`);
              return;
            }
          }
        }
      }
    }
  }
  t.pass();
});

test('r is the distance from the centre: sqrt(2) in the corners, 0 at the centre of an odd plane', (t) => {
  const r = addCoords({ data: new Float32Array(5 * 7), shape: [1, 1, 5, 7] }, { withR: true });
  const rr = r.data.subarray(3 * 35);
  t.is(rr[0], Math.fround(Math.SQRT2));
  t.is(rr[2 * 7 + 3], 0);
});

test('bad input is a clear error', (t) => {
  t.throws(() => addCoords({ data: new Float32Array(6), shape: [1, 6] }), {
    instanceOf: RangeError,
    message: 'Expected rank 4 ([N, C, H, W] or [N, H, W, C]) for input.shape but received rank 2 [1, 6]',
  });
  t.throws(() => addCoords({ data: new Float32Array(6), shape: [1, 1, 2, 3] }, { layout: 'chw' }), {
    instanceOf: TypeError,
    message: "Expected one of 'nchw', 'nhwc' for options.layout but received \"chw\"",
  });
  t.throws(() => addCoords({ data: new Uint8Array(6), shape: [1, 1, 2, 3] }), {
    instanceOf: TypeError,
    message: 'Expected a Float32Array for input.data but received Uint8Array(6)',
  });
});
