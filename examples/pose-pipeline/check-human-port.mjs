// Checks bench/lib/human-efficientpose.mjs (the port of @vladmandic/human's EfficientPose
// post-processing that bench/pose-pipeline.bench.mjs times) against Human itself: both read the
// same EfficientPose outputs (the photo's person crop, and that output with its channels rolled
// to other places, as the bench's crops are), and their keypoints (part, score, position,
// positionRaw) must be equal.
//   npm install && node check-human-port.mjs
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { humanEfficientPose as port } from '../../bench/lib/human-efficientpose.mjs';
import { decodeDetections, detectorMaps, loadDetector, personBoxes } from './lib/detector.mjs';
import { humanEfficientPose, humanKeypoints } from './lib/human.mjs';
import { readPng, rgbFloat } from './lib/image.mjs';
import { tf, useBackend } from './lib/models.mjs';
import { cropTransforms, loadPose, POSE_INPUT, poseHeatmaps, warpCrops } from './lib/pose.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const MIN_CONFIDENCE = 0.3;
await useBackend('wasm');
const photo = readPng(path.join(here, 'astronaut.png'));
const image = rgbFloat(photo);
const [heatT, whT] = detectorMaps(await loadDetector(), image);
const [person] = personBoxes(decodeDetections({ data: await heatT.data(), shape: heatT.shape }, { data: await whT.data(), shape: whT.shape })[0], photo);
const { toImage } = cropTransforms([person.box]);
const crop = warpCrops(image, toImage);
const heat = await poseHeatmaps(await loadPose(), crop);
const [, H, W, K] = heat.shape;

// The output, then rolled by (dx, dy) per channel.
function rolled(shift) {
  const data = new Float32Array(heat.data.length);
  for (let c = 0; c < K; ++c) {
    const [dx, dy] = shift(c);
    for (let y = 0; y < H; ++y) for (let x = 0; x < W; ++x) data[(y * W + x) * K + c] = heat.data[((((y - dy) % H) + H) % H * W + (((x - dx) % W) + W) % W) * K + c];
  }
  return { data, shape: heat.shape };
}
const outputs = [heat, rolled((c) => [7 * c - 50, 40 - 5 * c]), rolled((c) => [(c * 37) % 90, -((c * 23) % 70)])];

const human = await humanEfficientPose(MIN_CONFIDENCE);
let bad = 0;
for (const [i, out] of outputs.entries()) {
  const theirs = await humanKeypoints(human, crop, out);
  const t = tf.tensor(out.data, out.shape);
  const ours = (await port(tf, t, { inputSize: [W, H], imageSize: [W, H], minConfidence: MIN_CONFIDENCE, toImage: toImage.data }))
    .keypoints.map(({ part, score, position, positionRaw }) => ({ part, score, position, positionRaw }));
  t.dispose();
  const same = JSON.stringify(ours) === JSON.stringify(theirs);
  if (!same) ++bad;
  console.log(`output ${i}: ${theirs.length} keypoints from Human, the port's ${same ? 'equal' : `DIFFER: ${JSON.stringify(ours)} vs ${JSON.stringify(theirs)}`}`);
}
process.exit(bad === 0 ? 0 : 1);
