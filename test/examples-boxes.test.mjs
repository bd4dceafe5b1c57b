// examples/centernet-boxes.mjs runs and prints the boxes worked out by hand: class 3 at (40, 20)
// with offset (0.25, 0.5) and size 12 x 8 is [34.25, 16.5, 46.25, 24.5] in heatmap pixels, times
// the stride 4; class 17 at (100, 64), offset (0.75, 0), 20 x 30: [90.75, 49, 110.75, 79] times 4;
// the third object (score 0.2) is under the threshold.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

test('examples/centernet-boxes.mjs prints the two boxes above the threshold, in input pixels', (t) => {
  const r = spawnSync(process.execPath, [path.join(root, 'examples', 'centernet-boxes.mjs')], { cwd: root, encoding: 'utf8', env: { ...process.env } });
  t.is(r.status, 0, r.stderr);
  t.deepEqual(r.stdout.trim().split('\n'), [
    '2 boxes (shape [1], 100 slots):',
    '  class 3 score 0.90 box [137, 66, 185, 98]',
    '  class 17 score 0.60 box [363, 196, 443, 316]',
  ]);
});
