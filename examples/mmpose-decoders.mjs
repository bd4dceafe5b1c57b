// mmpose 1.x's heatmap decoders on one top-down sample: the heatmaps a UDP codec would train on
// (256 x 192 input, 64 x 48 heatmaps, sigma 2), decoded with 'udp', 'dark', 'quarter' and
// 'megvii', then mapped to input pixels the way each codec does it.
//   node examples/mmpose-decoders.mjs
import { decodeSync } from 'coordconv';

const [inW, inH, W, H, K] = [192, 256, 48, 64, 3];
// Keypoints in input pixels; UDP puts them on the heatmap at x * (W - 1) / (inW - 1).
const keypoints = [[96.3, 128.8], [40.1, 200.6], [150.7, 31.2]];
const heatmaps = new Float32Array(K * H * W);
keypoints.forEach(([x, y], k) => {
  const [cx, cy] = [(x * (W - 1)) / (inW - 1), (y * (H - 1)) / (inH - 1)];
  for (let j = 0; j < H * W; j++) heatmaps[k * H * W + j] = Math.exp(-(((j % W) - cx) ** 2 + (Math.floor(j / W) - cy) ** 2) / 8);
});
const input = { data: heatmaps, shape: [1, K, H, W] };

// UDPHeatmap.decode: refine in heatmap pixels, then x / (W - 1) * input width (mmpose's decode
// scales by the input size where its encoder used input size - 1: half a pixel at the far edge).
const udp = decodeSync(input, { method: 'udp', kernel: 11 });
// MSRAHeatmap.decode (unbiased: DARK; else refine_keypoints): x * input width / W.
const dark = decodeSync(input, { method: 'dark', kernel: 11, sigma: 2 });
const quarter = decodeSync(input, { method: 'quarter' });
const toInput = (r, k, udpMap) => {
  const [x, y] = [r.coords[2 * k], r.coords[2 * k + 1]];
  return udpMap ? [(x / (W - 1)) * inW, (y / (H - 1)) * inH] : [(x * inW) / W, (y * inH) / H];
};
const show = ([x, y]) => `(${x.toFixed(2)}, ${y.toFixed(2)})`;
for (let k = 0; k < K; k++) {
  const [x, y] = keypoints[k];
  const centre = [(x * (W - 1)) / (inW - 1), (y * (H - 1)) / (inH - 1)];
  console.log(`keypoint ${k}: heatmap centre ${show(centre)}, udp ${show([udp.coords[2 * k], udp.coords[2 * k + 1]])}; input ${show(keypoints[k])}, udp's map ${show(toInput(udp, k, true))}`);
}
console.log(`dark on the same heatmaps (MSRA's map): ${show(toInput(dark, 0, false))}, quarter: ${show(toInput(quarter, 0, false))}`);

// MegviiHeatmap (MSPN, RSN): heatmaps peak at 255; the score is max / 255 + 0.5.
const megvii = decodeSync({ data: heatmaps.map((v) => v * 255), shape: [1, K, H, W] }, { method: 'megvii' });
console.log(`megvii: ${show([megvii.coords[0], megvii.coords[1]])} in heatmap pixels, score ${megvii.scores[0].toFixed(4)}`);
