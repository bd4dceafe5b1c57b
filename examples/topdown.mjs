// Top-down pose estimation, the way mmpose 1.x runs it: each person box is cropped to the model's
// 192 x 256 input (TopdownAffine's warp), the model outputs 48 x 64 heatmaps per keypoint, and the
// keypoints go back to the photo. Here the heatmaps are made up (a Gaussian where each keypoint
// lies in the crop) so the example runs without a model; with onnxruntime-node, warp each crop with
// toInput (cv2.warpAffine's matrix), run the session and pass its output as it is.
//   node examples/topdown.mjs
import { decodeSync, topdownTransforms } from 'coordconv';

const [K, inputSize, heatmapSize] = [3, [192, 256], [48, 64]];
// Two people in a 640 x 480 photo (x1, y1, x2, y2) and where their keypoints truly are.
const boxes = { data: Float64Array.of(100, 50, 220, 400, 380, 120, 600, 330), shape: [2, 4] };
const truth = [[[160.3, 80.6], [130.2, 200.1], [190.7, 380.4]], [[400.5, 150.2], [500.1, 220.8], [590.9, 310.3]]];

const { toImage, toInput } = topdownTransforms(boxes, { inputSize, heatmapSize });

// The model's part, faked: heatmap pixel = crop pixel / 4 (MSRA: 192 / 48), a sigma-2 Gaussian.
const [W, H] = heatmapSize;
const heatmaps = new Float32Array(2 * K * H * W);
truth.forEach((person, n) => person.forEach(([x, y], k) => {
  const m = toInput.data.subarray(6 * n, 6 * n + 6);
  const cx = (m[0] * x + m[1] * y + m[2]) / 4, cy = (m[3] * x + m[4] * y + m[5]) / 4;
  for (let i = 0; i < H * W; i++) heatmaps[(n * K + k) * H * W + i] = Math.exp(-(((i % W) - cx) ** 2 + (Math.floor(i / W) - cy) ** 2) / 8);
}));

// Heatmaps [N, K, H, W] straight to photo coordinates: DARK refinement, then each person's matrix.
const { coords, valid } = decodeSync({ data: heatmaps, shape: [2, K, H, W] }, { method: 'dark', transform: toImage });
truth.forEach((person, n) => {
  const found = person.map((_, k) => `(${coords[2 * (n * K + k)].toFixed(1)}, ${coords[2 * (n * K + k) + 1].toFixed(1)})`);
  console.log(`person ${n}: ${found.join(' ')}`);
});
const error = Math.max(...truth.flatMap((person, n) => person.map(([x, y], k) => Math.hypot(coords[2 * (n * K + k)] - x, coords[2 * (n * K + k) + 1] - y))));
console.log(`${valid.reduce((a, b) => a + b)} valid, largest error ${error < 0.5 ? 'below 0.5' : error.toFixed(2)} px`);
