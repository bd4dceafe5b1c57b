import test from 'ava';
import { decodeSync } from 'coordconv';
import { decodeBatchRef, gaussianPlane } from './helpers/decode-ref.mjs';
import { sameAsRef } from './helpers/compare.mjs';
import { asHalves } from './helpers/half.mjs';
import { rng, sizedBatches } from './helpers/inputs.mjs';
import { toNhwc } from './helpers/layout.mjs';

test('the step is 0.25 toward the larger neighbour, not 1', (t) => {
  const w = 5;
  const data = new Float32Array(5 * w);
  data[2 * w + 2] = 1; // peak at (2, 2)
  data[2 * w + 3] = 0.5; // right neighbour larger than left (0)
  data[1 * w + 2] = 0.3; // upper neighbour larger than lower (0)
  const r = decodeSync({ data, shape: [5, w] }, { method: 'quarter' });
  t.deepEqual(Array.from(r.coords), [2.25, 1.75]);
  t.deepEqual(Array.from(r.scores), [1]);
});

test('equal neighbours leave the axis alone; an axis on the border is not moved', (t) => {
  const w = 5;
  const data = new Float32Array(4 * w);
  data[1 * w + 2] = 1; // peak at (2, 1): y = 1 does not move (mmpose: 1 < y)
  data[1 * w + 1] = 0.5;
  data[1 * w + 3] = 0.5;
  data[2 * w + 2] = 0.9;
  t.deepEqual(Array.from(decodeSync({ data, shape: [4, w] }, { method: 'quarter' }).coords), [2, 1]);
  const edge = new Uint8Array(4 * w);
  edge[2 * w + 4] = 200; // peak at (4, 2): x has no right neighbour
  edge[2 * w + 3] = 100;
  edge[3 * w + 4] = 50;
  t.deepEqual(Array.from(decodeSync({ data: edge, shape: [4, w] }, { method: 'quarter' }).coords), [4, 2.25]);
});

// mmpose 1.x's refine_keypoints (mmpose/codecs/utils/refinement.py): x moves when 1 < x < W - 1 and
// 0 < y < H, y when 1 < y < H - 1 and 0 < x < W. HRNet's get_final_preds (and mmpose 0.x's
// keypoints_from_heatmaps): both only when 1 < x < W - 1 and 1 < y < H - 1. A peak whose every
// neighbour is larger on the right and below shows which axes move, pixel by pixel.
test('quarterRule: which axes move at x, y = 0, 1, 2, W - 2, W - 1, H - 2, H - 1', (t) => {
  const h = 7;
  const w = 9;
  const moves = { mmpose: [], hrnet: [] };
  const expected = { mmpose: [], hrnet: [] };
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const data = new Float32Array(h * w);
      data[y * w + x] = 1;
      if (x + 1 < w) data[y * w + x + 1] = 0.5;
      if (y + 1 < h) data[(y + 1) * w + x] = 0.5;
      for (const rule of ['mmpose', 'hrnet']) {
        const r = decodeSync({ data, shape: [h, w] }, { method: 'quarter', quarterRule: rule });
        moves[rule].push([r.coords[0] - x, r.coords[1] - y]);
        const inner = x > 1 && x < w - 1 && y > 1 && y < h - 1;
        const mx = rule === 'hrnet' ? inner : x > 1 && x < w - 1 && y > 0;
        const my = rule === 'hrnet' ? inner : y > 1 && y < h - 1 && x > 0;
        expected[rule].push([mx ? 0.25 : 0, my ? 0.25 : 0]);
      }
    }
  }
  t.deepEqual(moves, expected);
  // The cases the rules differ on, spelled out: x = 1 never moves; y = 0 keeps x still under mmpose.
  t.deepEqual(moves.mmpose[1 * w + 1], [0, 0]);
  t.deepEqual(moves.mmpose[0 * w + 4], [0, 0]);
  t.deepEqual(moves.mmpose[3 * w + 0], [0, 0]);
  t.deepEqual(moves.mmpose[1 * w + 4], [0.25, 0]);
  t.deepEqual(moves.hrnet[1 * w + 4], [0, 0]);
  t.deepEqual(moves.mmpose[3 * w + (w - 2)], [0.25, 0.25]);
  t.deepEqual(moves.mmpose[(h - 2) * w + 4], [0.25, 0.25]);
  t.deepEqual(moves.mmpose[(h - 1) * w + 4], [0.25, 0]);
});

test('quarterRule is checked: one of the two names', (t) => {
  const data = new Float32Array(9).fill(1);
  t.throws(() => decodeSync({ data, shape: [3, 3] }, { method: 'quarter', quarterRule: 'each' }), {
    instanceOf: TypeError,
    message: "Expected one of 'mmpose', 'hrnet' for options.quarterRule but received \"each\"",
  });
  t.throws(() => decodeSync({ data, shape: [3, 3] }, { method: 'argmax', quarterRule: 'mmpose' }), { instanceOf: TypeError, message: /received key "quarterRule"/ });
});

test('a sigma 2 Gaussian with a sub-pixel centre on 64 x 48: mean error below 0.25 px', (t) => {
  const random = rng(11);
  const h = 64;
  const w = 48;
  let total = 0;
  const count = 200;
  for (let i = 0; i < count; i++) {
    const cx = 6 + random() * (w - 12);
    const cy = 6 + random() * (h - 12);
    const r = decodeSync({ data: gaussianPlane(h, w, cx, cy), shape: [h, w] }, { method: 'quarter' });
    total += Math.hypot(r.coords[0] - cx, r.coords[1] - cy);
  }
  t.true(total / count < 0.25, `mean error ${total / count}`);
});

test('equals the JS reference exactly over sizes, Float32 and Uint8, misaligned, with ties, both rules', (t) => {
  const random = rng(12);
  const n = 3;
  for (const { h, w, views } of sizedBatches(n, () => Math.floor(random() * 8) / 8, () => Math.floor(random() * 4) * 85)) {
    for (const data of views) {
      for (const quarterRule of [undefined, 'mmpose', 'hrnet']) {
        const got = decodeSync({ data, shape: [n, h, w] }, { method: 'quarter', quarterRule });
        sameAsRef(t, got, decodeBatchRef('quarter', data, h, w, { quarterRule }), `${data.constructor.name} ${h}x${w} ${quarterRule}`);
      }
    }
  }
});

test('channels-last and float16 give the channels-first Float32 answer, both rules', (t) => {
  const random = rng(13);
  const [n, c, h, w] = [2, 5, 6, 7];
  const data = new Float32Array(n * c * h * w).map(() => Math.floor(random() * 8) / 8);
  for (const quarterRule of ['mmpose', 'hrnet']) {
    const want = decodeSync({ data, shape: [n, c, h, w] }, { method: 'quarter', quarterRule });
    const nhwc = decodeSync({ data: toNhwc(data, n, c, h, w), shape: [n, h, w, c] }, { method: 'quarter', quarterRule, layout: 'nhwc' });
    const half = decodeSync({ data: asHalves(data).bits, type: 'float16', shape: [n, c, h, w] }, { method: 'quarter', quarterRule });
    t.deepEqual(nhwc.coords, want.coords);
    t.deepEqual(half.coords, want.coords);
  }
});

test('NaN and Inf planes are invalid', (t) => {
  const data = new Float32Array(2 * 9).fill(1);
  data[4] = NaN;
  data[9 + 4] = -Infinity;
  const r = decodeSync({ data, shape: [2, 3, 3] }, { method: 'quarter' });
  t.deepEqual(Array.from(r.valid), [0, 0]);
  t.true(Array.from(r.coords).every(Number.isNaN));
});
