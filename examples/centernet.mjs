// CenterNet-style decoding of logits: the top 100 centres over all 80 classes of an image, the
// keypoint decode of logit heatmaps with minScore, and an empty batch.
//   node examples/centernet.mjs
import { decodeSync, peaksSync } from 'coordconv';

const [C, H, W] = [80, 128, 128];
// Logits: -8 everywhere, three objects (class, x, y, logit at the centre).
const objects = [[3, 40, 20, 4], [17, 100, 64, 1.5], [3, 90, 100, 2.5]];
const logits = new Float32Array(C * H * W).fill(-8);
for (const [c, cx, cy, top] of objects) {
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const v = top - ((x - cx) ** 2 + (y - cy) ** 2) / 4;
      const i = c * H * W + y * W + x;
      if (v > logits[i]) logits[i] = v;
    }
  }
}

// A probability of 0.3 is the logit log(0.3 / 0.7): no sigmoid needed, it is monotone.
const r = peaksSync({ data: logits, shape: [1, C, H, W] }, { k: 100, over: 'image', threshold: Math.log(0.3 / 0.7) });
console.log(`${r.counts[0]} centres over ${C} classes (shape ${JSON.stringify(r.shape)}):`);
for (let j = 0; j < r.counts[0]; j++) {
  console.log(`  class ${r.channels[j]} at (${r.coords[2 * j]}, ${r.coords[2 * j + 1]}), logit ${r.scores[j]}`);
}

// Keypoint heatmaps as logits: the default minScore (0) drops planes whose maximum is <= 0.
const planes = { data: logits.subarray(0, 4 * H * W), shape: [4, H, W] };
console.log('valid by default:       ', [...decodeSync(planes).valid].join(' '));
console.log('valid, minScore -Inf:   ', [...decodeSync(planes, { minScore: -Infinity }).valid].join(' '));

// An empty batch decodes to empty arrays of the right shape.
console.log('empty batch result shape:', JSON.stringify(decodeSync({ data: new Float32Array(0), shape: [0, 17, 64, 48] }).shape));
