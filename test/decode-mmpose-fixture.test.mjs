// 'udp', 'megvii' and 'quarter' against mmpose's decodes as NumPy computes them
// (test/fixtures/mmpose_refine.py, written from mmpose's source; the fixture is made by
// make_mmpose_refine.py): float32 logs, NumPy's index arithmetic and np.linalg.inv included.
import test from 'ava';
import { readFileSync } from 'node:fs';
import { decodeSync } from 'coordconv';

const { cases } = JSON.parse(readFileSync(new URL('./fixtures/mmpose_refine.json', import.meta.url), 'utf8'));

test('the fixture covers peaks at the borders and inside, four sizes and kernels', (t) => {
  t.is(cases.length, 4);
  const atBorder = cases.flatMap((c) => {
    const [, h, w] = c.shape;
    return c.udp.filter((v, i) => (i % 2 ? v < 1 || v > h - 2 : v < 1 || v > w - 2)).length;
  });
  t.true(atBorder.reduce((a, b) => a + b, 0) >= 3);
});

for (const [i, c] of cases.entries()) {
  const [n, h, w] = c.shape;
  const input = { data: Float32Array.from(c.data), shape: c.shape };
  test(`case ${i} (${h} x ${w}): udp within 1e-4 px, megvii and quarter exactly`, (t) => {
    const udp = decodeSync(input, { method: 'udp', kernel: c.udpKernel });
    for (let j = 0; j < 2 * n; j++) {
      // Steps longer than 1 px come from near-singular Hessians, which amplify the float32 logs
      // NumPy takes (decode-udp.test.mjs): 1e-2 px there.
      const argmax = decodeSync(input).coords[j];
      const tol = Math.abs(c.udp[j] - argmax) > 1 ? 1e-2 : 1e-4;
      t.true(Math.abs(udp.coords[j] - c.udp[j]) <= tol, `udp coord ${j}: ${udp.coords[j]} vs ${c.udp[j]}`);
    }
    t.deepEqual(Array.from(udp.scores), c.udpScores.map(Math.fround));
    const megvii = decodeSync(input, { method: 'megvii', kernel: c.megviiKernel });
    t.deepEqual(Array.from(megvii.coords), c.megvii.map(Math.fround));
    megvii.scores.forEach((s, j) => t.true(Math.abs(s - c.megviiScores[j]) <= 2 ** -21 * c.megviiScores[j], `megvii score ${j}`));
    t.deepEqual(Array.from(decodeSync(input, { method: 'quarter' }).coords), c.quarter.map(Math.fround));
  });
}
