// Checks the two stand-ins for MB3-CenterNet's in-graph decode against the graph itself, on the
// photo's real maps: coordconv's (lib/detector.mjs, used by run.mjs) and the tfjs-ops port that
// bench/pose-pipeline.bench.mjs times (bench/lib/centernet-graph.mjs). Both must give the graph's
// 'tower_0/detections' [1, 100, 6] bit for bit (coordconv's boxes are rounded to float32 first:
// lib/detector.mjs computes them in double).
//   npm install && node check-centernet.mjs [--backend wasm|cpu]
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { centernetGraphDecode } from '../../bench/lib/centernet-graph.mjs';
import { decodeDetections, detectorMaps, loadDetector } from './lib/detector.mjs';
import { readPng, rgbFloat } from './lib/image.mjs';
import { tf, useBackend } from './lib/models.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const flag = process.argv.indexOf('--backend');
await useBackend(flag >= 0 ? process.argv[flag + 1] : 'wasm');
const model = await loadDetector();
const [heatT, whT] = detectorMaps(model, rgbFloat(readPng(path.join(here, 'astronaut.png'))));
const graph = await model.execute({ 'tower_0/keypoints': heatT, 'tower_0/wh': whT }, 'tower_0/detections').data();
const port = await centernetGraphDecode(tf, heatT, whT).data();
const ours = decodeDetections({ data: await heatT.data(), shape: heatT.shape }, { data: await whT.data(), shape: whT.shape })[0]
  .flatMap((d) => [...d.box, d.score, d.class].map(Math.fround));

const differing = (a) => a.reduce((n, v, i) => n + (v === graph[i] ? 0 : 1), 0) + Math.abs(a.length - graph.length);
const results = { 'coordconv peaksSync + distances': differing(ours), 'bench/lib/centernet-graph.mjs (tfjs ops)': differing(Array.from(port)) };
for (const [name, bad] of Object.entries(results)) console.log(`${name}: ${bad === 0 ? 'the graph\'s 600 values exactly' : `${bad} of 600 values differ`}`);
process.exit(Object.values(results).every((bad) => bad === 0) ? 0 : 1);
