// The whole pipeline on a photo: CenterNet person boxes, 368 x 368 crops warped from them,
// EfficientPose heatmaps, coordconv from the heatmap tensor to keypoints in photo pixels, and the
// boxes and skeletons drawn on the photo.
//   npm install && node run.mjs [photo.png] [out.png] [--backend wasm|cpu]
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { decodeSync } from 'coordconv';

import { decodeDetections, detectorMaps, loadDetector, personBoxes } from './lib/detector.mjs';
import { drawBox, drawDot, drawLine, readPng, rgbFloat, writePng } from './lib/image.mjs';
import { useBackend } from './lib/models.mjs';
import { cropTransforms, KEYPOINTS, LIMBS, loadPose, poseHeatmaps, warpCrops } from './lib/pose.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const flag = args.indexOf('--backend');
const backend = flag >= 0 ? args.splice(flag, 2)[1] : 'wasm';
const [photoFile = path.join(here, 'astronaut.png'), outFile = path.join(here, 'pose.png')] = args;
// Human's body.minConfidence: a keypoint counts when its heatmap maximum is above it.
const MIN_SCORE = 0.3;

console.log(`tfjs backend: ${await useBackend(backend)}`);
const photo = readPng(photoFile);
const image = rgbFloat(photo);
const [detector, pose] = await Promise.all([loadDetector(), loadPose()]);

let t0 = performance.now();
const [heatT, whT] = detectorMaps(detector, image);
const heat = { data: await heatT.data(), shape: heatT.shape };
const wh = { data: await whT.data(), shape: whT.shape };
heatT.dispose();
whT.dispose();
const tDetector = performance.now() - t0;
t0 = performance.now();
const people = personBoxes(decodeDetections(heat, wh)[0], photo);
const tBoxes = performance.now() - t0;
console.log(`${people.length} person box${people.length === 1 ? '' : 'es'} (CenterNet ${tDetector.toFixed(0)} ms, coordconv decode ${tBoxes.toFixed(2)} ms)`);
if (people.length === 0) process.exit(0);

const { toImage } = cropTransforms(people.map((p) => p.box));
t0 = performance.now();
const crops = warpCrops(image, toImage);
const heatmaps = await poseHeatmaps(pose, crops);
crops.dispose();
const tPose = performance.now() - t0;
t0 = performance.now();
const kp = decodeSync(heatmaps, { layout: 'nhwc', minScore: MIN_SCORE, transform: toImage });
const tDecode = performance.now() - t0;
console.log(`EfficientPose on ${people.length} crop${people.length === 1 ? '' : 's'}: ${tPose.toFixed(0)} ms; coordconv decode to photo pixels: ${tDecode.toFixed(2)} ms`);

const K = KEYPOINTS.length;
people.forEach((person, i) => {
  drawBox(photo, person.box, [255, 200, 0]);
  const at = (j) => [kp.coords[2 * (i * K + j)], kp.coords[2 * (i * K + j) + 1]];
  for (const [a, b] of LIMBS) {
    if (kp.valid[i * K + a] && kp.valid[i * K + b]) drawLine(photo, ...at(a), ...at(b), [0, 255, 255], 3);
  }
  console.log(`person ${i}: box [${person.box.map((v) => v.toFixed(1)).join(', ')}], score ${person.score.toFixed(2)}`);
  for (let j = 0; j < K; ++j) {
    const ok = kp.valid[i * K + j];
    if (ok) drawDot(photo, ...at(j), [255, 40, 80]);
    console.log(`  ${KEYPOINTS[j].padEnd(14)} ${ok ? `${at(j).map((v) => v.toFixed(1).padStart(6)).join(' ')}  score ${kp.scores[i * K + j].toFixed(2)}` : `     -      -  (maximum <= ${MIN_SCORE})`}`);
  }
});
writePng(outFile, photo);
console.log(`wrote ${path.relative(process.cwd(), outFile) || outFile}`);
