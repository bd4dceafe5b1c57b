// CenterNet boxes (ctdet): the heatmaps after the sigmoid, the wh and reg heads, decoded to boxes
// in input pixels (output stride 4) in one call.
//   node examples/centernet-boxes.mjs
import { decodeBoxesSync } from 'coordconv';

const [C, H, W] = [80, 128, 128];
const hm = new Float32Array(C * H * W).fill(0.01);
const wh = new Float32Array(2 * H * W);
const reg = new Float32Array(2 * H * W);
// class, centre pixel x, y, its score, the sub-pixel offset and the box size (heatmap pixels).
const objects = [[3, 40, 20, 0.9, [0.25, 0.5], [12, 8]], [17, 100, 64, 0.6, [0.75, 0], [20, 30]], [3, 90, 100, 0.2, [0, 0], [4, 4]]];
for (const [c, x, y, score, [ox, oy], [w, h]] of objects) {
  hm[c * H * W + y * W + x] = score;
  reg[y * W + x] = ox;
  reg[H * W + y * W + x] = oy;
  wh[y * W + x] = w;
  wh[H * W + y * W + x] = h;
}

const r = decodeBoxesSync(
  { data: hm, shape: [1, C, H, W] },
  {
    sizes: { data: wh, shape: [1, 2, H, W] },
    offsets: { data: reg, shape: [1, 2, H, W] },
    k: 100,
    threshold: 0.3,  // CenterNet's demo vis_thresh
    transform: { data: Float64Array.of(4, 0, 0, 0, 4, 0), shape: [1, 2, 3] },  // heatmap to input pixels
  },
);
console.log(`${r.counts[0]} boxes (shape ${JSON.stringify(r.shape)}, ${r.k} slots):`);
for (let j = 0; j < r.counts[0]; j++) {
  console.log(`  class ${r.classes[j]} score ${r.scores[j].toFixed(2)} box [${[...r.boxes.subarray(4 * j, 4 * j + 4)].join(', ')}]`);
}
