// The flip test of a top-down heatmap model (mmpose's test_cfg flip_test=True): run the model on
// the crop and on the crop mirrored left to right, then merge the two outputs before decoding.
// Here the outputs are made up (a Gaussian per keypoint) so the example runs without a model.
//   node examples/flip.mjs
import { decodeSync, FLIP_INDICES, mergeFlipped, mergeFlippedSync } from 'coordconv';

const [N, K, H, W] = [1, 17, 64, 48];  // an MSRA 256 x 192 model's heatmaps
const truth = Array.from({ length: K }, (_, k) => [8 + ((k * 7) % 32) + 0.3, 6 + ((k * 11) % 50) + 0.6]);
const heatmaps = { data: new Float32Array(N * K * H * W), shape: [N, K, H, W] };
const flipped = { data: new Float32Array(N * K * H * W), shape: [N, K, H, W] };
const draw = (plane, cx, cy) => {
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) plane[y * W + x] = Math.exp(-((x - cx) ** 2 + (y - cy) ** 2) / 8);
};
truth.forEach(([x, y], k) => {
  draw(heatmaps.data.subarray(k * H * W, (k + 1) * H * W), x, y);
  // On the mirrored crop keypoint k is its mirror twin FLIP_INDICES.coco17[k] (a left wrist seen
  // as a right one), at input column 191 - 4x, which the MSRA codec (x / 4) puts at heatmap column
  // 47.75 - x: flipped back (47 - c) that is x - 0.75, and shift_heatmap (shift: true) moves it to
  // x + 0.25. The bias left is MSRA's; UDP models need no shift (shift: false).
  const twin = FLIP_INDICES.coco17[k];
  draw(flipped.data.subarray(twin * H * W, (twin + 1) * H * W), W - 0.25 - x, y);
});

// flip_heatmaps (flip back, swap left and right, shift) and (a + b) / 2, as mmpose's HeatmapHead.
const merged = mergeFlippedSync(heatmaps, flipped, { flipIndices: 'coco17', shift: true });
const unshifted = await mergeFlipped(heatmaps, flipped, { flipIndices: 'coco17' });

const error = (planes) => {
  const { coords } = decodeSync(planes, { method: 'dark' });
  return Math.max(...truth.map(([x, y], k) => Math.hypot(coords[2 * k] - x, coords[2 * k + 1] - y)));
};
console.log(`merged shape ${JSON.stringify(merged.shape)}, ${merged.data.constructor.name}`);
console.log(`largest error: plain ${error(heatmaps).toFixed(3)} px, merged with shift ${error(merged).toFixed(3)} px, without shift ${error(unshifted).toFixed(3)} px`);
