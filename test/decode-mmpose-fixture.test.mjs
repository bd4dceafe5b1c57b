// 'udp', 'megvii' and 'quarter' against mmpose's decodes as NumPy and OpenCV compute them
// (test/fixtures/mmpose_refine.py, written from mmpose's source, blurring with cv2.GaussianBlur
// itself; the fixture is made by make_mmpose_refine.py): float32 logs, NumPy's index arithmetic
// and np.linalg.inv included.
import test from 'ava';
import { readFileSync } from 'node:fs';
import { decodeSync } from 'coordconv';

const { cases } = JSON.parse(readFileSync(new URL('./fixtures/mmpose_refine.json', import.meta.url), 'utf8'));

test('the fixture covers noisy peaks, MegviiHeatmap targets, symmetric peaks, two-row planes and random sizes and kernels, borders included', (t) => {
  const kinds = ['noisy peaks', 'MegviiHeatmap targets', 'symmetric peaks', 'two rows', 'random'];
  t.deepEqual(kinds.map((k) => cases.filter((c) => c.name.startsWith(k)).length), [4, 4, 4, 3, 24]);
  const random = cases.filter((c) => c.name.startsWith('random'));
  t.true(random.some((c) => c.shape[1] === 1 || c.shape[2] === 1) && new Set(random.map((c) => c.megviiKernel)).size >= 6);
  const atBorder = cases.flatMap((c) => {
    const [, h, w] = c.shape;
    return c.udp.filter((v, i) => (i % 2 ? v < 1 || v > h - 2 : v < 1 || v > w - 2)).length;
  });
  t.true(atBorder.reduce((a, b) => a + b, 0) >= 3);
  // On exactly symmetric peaks, OpenCV's rounding leaves the two neighbours of some peaks unequal:
  // 'megvii' steps a quarter pixel off the centre there, and coordconv must step the same way.
  const symmetric = cases.filter((c) => c.name.startsWith('symmetric'));
  const offCentre = symmetric.flatMap((c) => c.megvii.filter((v, i) => v !== (i % 2 ? c.shape[1] : c.shape[2]) / 2));
  t.true(offCentre.length > 0);
});

for (const [i, c] of cases.entries()) {
  const [n, h, w] = c.shape;
  const input = { data: Float32Array.from(c.data), shape: c.shape };
  test(`case ${i} (${c.name}): udp within 1e-4 px, megvii and quarter exactly`, (t) => {
    const udp = decodeSync(input, { method: 'udp', kernel: c.udpKernel });
    const argmax = decodeSync(input).coords;
    for (let j = 0; j < 2 * n; j++) {
      if (j % 2 && j < 2 * (c.equalRows ?? 0)) {
        // Two equal rows: H + eps I is near-singular (hyy = eps) and the exact step along y is 0.
        // NumPy's float32 stencils leave a cancellation residue in hxy that moves mmpose's y by up
        // to a few hundredths of a pixel; coordconv's stencils in double give the exact 0.
        t.is(udp.coords[j], argmax[j], `udp y of plane ${j >> 1}`);
        t.true(Math.abs(c.udp[j] - argmax[j]) <= 0.05, `mmpose's y of plane ${j >> 1}: ${c.udp[j]}`);
        continue;
      }
      // Steps longer than 1 px come from near-singular Hessians, which amplify the float32 logs
      // NumPy takes (decode-udp.test.mjs): 1e-2 px there.
      const tol = Math.abs(c.udp[j] - argmax[j]) > 1 ? 1e-2 : 1e-4;
      t.true(Math.abs(udp.coords[j] - c.udp[j]) <= tol, `udp coord ${j}: ${udp.coords[j]} vs ${c.udp[j]}`);
    }
    t.deepEqual(Array.from(udp.scores), c.udpScores.map(Math.fround));
    const megvii = decodeSync(input, { method: 'megvii', kernel: c.megviiKernel });
    t.deepEqual(Array.from(megvii.coords), c.megvii.map(Math.fround));
    megvii.scores.forEach((s, j) => t.true(Math.abs(s - c.megviiScores[j]) <= 2 ** -21 * c.megviiScores[j], `megvii score ${j}`));
    t.deepEqual(Array.from(decodeSync(input, { method: 'quarter' }).coords), c.quarter.map(Math.fround));
  });
}
