// examples/centernet.mjs runs and prints the three objects it draws, in CenterNet's order;
// examples/mmpose-decoders.mjs prints mmpose's decoders' answers.
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

test('examples/mmpose-decoders.mjs: udp finds the encoded centres, the codecs\' maps and megvii\'s score', (t) => {
  const r = spawnSync(process.execPath, [path.join(root, 'examples', 'mmpose-decoders.mjs')], { cwd: root, encoding: 'utf8', env: { ...process.env } });
  t.is(r.status, 0, r.stderr);
  t.deepEqual(r.stdout.trim().split('\n'), [
    'keypoint 0: heatmap centre (23.70, 31.82), udp (23.70, 31.82); input (96.30, 128.80), udp\'s map (96.80, 129.30)',
    'keypoint 1: heatmap centre (9.87, 49.56), udp (9.87, 49.56); input (40.10, 200.60), udp\'s map (40.31, 201.39)',
    'keypoint 2: heatmap centre (37.08, 7.71), udp (37.08, 7.71); input (150.70, 31.20), udp\'s map (151.49, 31.32)',
    'dark on the same heatmaps (MSRA\'s map): (94.79, 127.29), quarter: (95.00, 127.00)',
    'megvii: (24.25, 32.25) in heatmap pixels, score 1.4846',
  ]);
});
