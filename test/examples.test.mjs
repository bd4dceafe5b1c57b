// examples/centernet.mjs runs and prints the three objects it draws, in CenterNet's order.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

test('examples/centernet.mjs finds the three centres, strongest first, and decodes logits with minScore', (t) => {
  const r = spawnSync(process.execPath, [path.join(root, 'examples', 'centernet.mjs')], { cwd: root, encoding: 'utf8', env: { ...process.env } });
  t.is(r.status, 0, r.stderr);
  t.deepEqual(r.stdout.trim().split('\n'), [
    '3 centres over 80 classes (shape [1]):',
    '  class 3 at (40, 20), logit 4',
    '  class 3 at (90, 100), logit 2.5',
    '  class 17 at (100, 64), logit 1.5',
    'valid by default:        0 0 0 1',
    'valid, minScore -Inf:    1 1 1 1',
    'empty batch result shape: [0,17]',
  ]);
});
