// A port, written for this bench, of @vladmandic/human 3.3.6's EfficientPose post-processing
// (src/body/efficientpose.ts: max2d() and the part of predict() after model.execute; MIT,
// Vladimir Mandic), with the tfjs calls it makes, in its order, awaiting each read as it does.
// Kept: squeeze, unstack along the channels, per channel reshape + max + data, and for a kept
// channel argMax, mod, div and two more reads; the score rounded to 2 decimals; positionRaw and
// position; the box, boxRaw and annotations over the kept keypoints. Changed: the output tensor
// is not disposed (the bench reuses it); the result is a fresh object per crop (Human reuses one
// cache object); each position is also mapped to photo pixels through the crop's affine, the
// top-down step Human does not have (it runs the model on the whole image).
//
// examples/pose-pipeline/check-human-port.mjs checks it against Human itself (equal keypoints).
// Its y is Human's: tf.div on the int32 argMax and a JS number divides in float32, so y is the
// row plus column / W (see test/pose-pipeline.test.mjs).

// src/body/efficientposecoords.ts
export const KPT = ['head', 'neck', 'rightShoulder', 'rightElbow', 'rightWrist', 'chest', 'leftShoulder', 'leftElbow', 'leftWrist', 'bodyCenter', 'rightHip', 'rightKnee', 'rightAnkle', 'leftHip', 'leftKnee', 'leftAnkle'];
const CONNECTED = {
  leftLeg: ['leftHip', 'leftKnee', 'leftAnkle'],
  rightLeg: ['rightHip', 'rightKnee', 'rightAnkle'],
  torso: ['leftShoulder', 'rightShoulder', 'rightHip', 'leftHip', 'leftShoulder'],
  leftArm: ['leftShoulder', 'leftElbow', 'leftWrist'],
  rightArm: ['rightShoulder', 'rightElbow', 'rightWrist'],
  head: [],
};

async function max2d(tf, inputs, minScore) {
  const [width, height] = inputs.shape;
  const reshaped = tf.reshape(inputs, [height * width]);
  const max = tf.max(reshaped, 0);
  const newScore = (await max.data())[0];
  if (newScore > minScore) {
    const coordinates = tf.argMax(reshaped, 0);
    const mod = tf.mod(coordinates, width);
    const x = (await mod.data())[0];
    const div = tf.div(coordinates, width);
    const y = (await div.data())[0];
    tf.dispose([reshaped, max, coordinates, mod, div]);
    return [x, y, newScore];
  }
  tf.dispose([reshaped, max]);
  return [0, 0, newScore];
}

/**
 * One crop: `resT` the model's output [1, H, W, 16], `inputSize` [W, H] of the model's input,
 * `imageSize` [W, H] of the image it read (the crop), `toImage` the crop's 2x3 affine (6 numbers).
 */
export async function humanEfficientPose(tf, resT, { inputSize, imageSize, minConfidence, toImage }) {
  const keypoints = [];
  const squeeze = tf.squeeze(resT);
  const stack = tf.unstack(squeeze, 2);
  tf.dispose(squeeze);
  for (let id = 0; id < stack.length; id++) {
    const [x, y, partScore] = await max2d(tf, stack[id], minConfidence);
    if (partScore > (minConfidence || 0)) {
      const position = [Math.round(imageSize[0] * x / inputSize[0]), Math.round(imageSize[1] * y / inputSize[1])];
      const [a, b, c, d, e, f] = toImage;
      keypoints.push({
        score: Math.round(100 * partScore) / 100,
        part: KPT[id],
        positionRaw: [x / inputSize[0], y / inputSize[1]],
        position,
        positionImage: [a * x + b * y + c, d * x + e * y + f],
      });
    }
  }
  stack.forEach((s) => tf.dispose(s));
  const score = keypoints.reduce((prev, curr) => (curr.score > prev ? curr.score : prev), 0);
  const xs = keypoints.map((k) => k.position[0]);
  const ys = keypoints.map((k) => k.position[1]);
  const box = [Math.min(...xs), Math.min(...ys), Math.max(...xs) - Math.min(...xs), Math.max(...ys) - Math.min(...ys)];
  const xRaw = keypoints.map((k) => k.positionRaw[0]);
  const yRaw = keypoints.map((k) => k.positionRaw[1]);
  const boxRaw = [Math.min(...xRaw), Math.min(...yRaw), Math.max(...xRaw) - Math.min(...xRaw), Math.max(...yRaw) - Math.min(...yRaw)];
  const annotations = {};
  for (const [name, indexes] of Object.entries(CONNECTED)) {
    const pt = [];
    for (let i = 0; i < indexes.length - 1; i++) {
      const pt0 = keypoints.find((k) => k.part === indexes[i]);
      const pt1 = keypoints.find((k) => k.part === indexes[i + 1]);
      if (pt0 && pt1 && pt0.score > (minConfidence || 0) && pt1.score > (minConfidence || 0)) pt.push([pt0.position, pt1.position]);
    }
    annotations[name] = pt;
  }
  return { keypoints, score, box, boxRaw, annotations };
}
