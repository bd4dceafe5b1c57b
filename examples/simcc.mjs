// RTMPose-style SimCC decoding: a 256 x 192 model with split ratio 2 outputs simcc_x [N, 17, 384]
// and simcc_y [N, 17, 512]. Here the outputs are made up (a Gaussian per keypoint at a known
// place) so the example runs without a model; with onnxruntime-node pass the session's outputs
// as they are: decodeSimcc({ x: outputs.simcc_x, y: outputs.simcc_y }, ...).
//   node examples/simcc.mjs
import { decodeSimcc, decodeSimccSync } from 'coordconv';

const [N, K, W, H, ratio] = [2, 17, 192, 256, 2];
const truth = Array.from({ length: N * K }, (_, i) => [10 + ((i * 37) % (W - 20)) + 0.3, 10 + ((i * 53) % (H - 20)) + 0.7]);
const gaussian = (bins, centre, sigma) => Float32Array.from({ length: bins }, (_, b) => Math.exp(-((b - centre) ** 2) / (2 * sigma * sigma)));
const simccX = { data: new Float32Array(N * K * W * ratio), dims: [N, K, W * ratio] };
const simccY = { data: new Float32Array(N * K * H * ratio), dims: [N, K, H * ratio] };
truth.forEach(([x, y], i) => {
  simccX.data.set(gaussian(W * ratio, x * ratio, 4.9 * ratio), i * W * ratio);
  simccY.data.set(gaussian(H * ratio, y * ratio, 5.66 * ratio), i * H * ratio);
});

// mmpose's SimCCLabel.decode: argmax / split ratio, score = min of the two maxima.
const plain = decodeSimccSync({ x: simccX, y: simccY }, { splitRatio: ratio });
// With use_dark and the model's label sigma: the sub-bin refinement, here on libuv's pool.
const dark = await decodeSimcc({ x: simccX, y: simccY }, { splitRatio: ratio, method: 'dark', sigma: [4.9, 5.66] });

const error = (r) => Math.max(...truth.map(([x, y], i) => Math.hypot(r.coords[2 * i] - x, r.coords[2 * i + 1] - y)));
console.log(`shape ${JSON.stringify(plain.shape)}, ${plain.valid.reduce((a, b) => a + b)} valid, score ${plain.scores[0].toFixed(3)}`);
console.log(`largest error: argmax ${error(plain).toFixed(3)} px, dark ${error(dark).toFixed(4)} px`);
