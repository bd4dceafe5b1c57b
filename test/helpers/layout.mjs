// Channels-last (NHWC) batches for the layout tests: a plain-JS transpose to NCHW and batches whose
// channels hold the planes the decoders find hard (ties, non-finite values, one-hot, blobs).
import { gaussianPlane } from './decode-ref.mjs';
import { randint } from './inputs.mjs';

// [N, H, W, C]: C = 1, 3, 16, 17 and 80 (one vector, a vector plus one, several vector groups),
// odd sides, one row, one column, N = 1 (split into channel blocks) and N past the threads.
export const NHWC_SHAPES = [
  [1, 5, 7, 1],
  [3, 9, 11, 3],
  [1, 17, 13, 16],
  [4, 8, 9, 17],
  [1, 12, 10, 80],
  [2, 1, 33, 5],
  [2, 21, 1, 4],
  [5, 6, 6, 2],
  [1, 31, 29, 9],
];

// [N, H, W, C] -> [N, C, H, W], element by element: the independent copy the NHWC call must match.
export function toNchw(data, n, h, w, c) {
  const out = new data.constructor(data.length);
  for (let i = 0; i < n; i++) {
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        for (let ch = 0; ch < c; ch++) out[((i * c + ch) * h + y) * w + x] = data[((i * h + y) * w + x) * c + ch];
      }
    }
  }
  return out;
}

// [N, C, H, W] -> [N, H, W, C].
export function toNhwc(data, n, c, h, w) {
  const out = new data.constructor(data.length);
  for (let i = 0; i < n; i++) {
    for (let ch = 0; ch < c; ch++) {
      for (let p = 0; p < h * w; p++) out[(i * h * w + p) * c + ch] = data[(i * c + ch) * h * w + p];
    }
  }
  return out;
}

const KINDS = ['random', 'ties', 'blob', 'onehot', 'zero', 'nonfinite', 'negative'];

// One plane of the given kind, as numbers (the caller stores them in its typed array).
function plane(kind, h, w, random, u8) {
  const n = h * w;
  const p = new Float64Array(n);
  switch (kind) {
    case 'random':
      for (let i = 0; i < n; i++) p[i] = u8 ? randint(random, 256) : random();
      break;
    case 'ties':
      for (let i = 0; i < n; i++) p[i] = randint(random, 3);
      break;
    case 'blob': {
      const g = gaussianPlane(h, w, random() * w, random() * h, 1 + random() * 2, u8 ? 255 : 1);
      for (let i = 0; i < n; i++) p[i] = u8 ? Math.round(g[i]) : g[i];
      break;
    }
    case 'onehot':
      p[randint(random, n)] = u8 ? 1 + randint(random, 255) : 0.25 + random();
      break;
    case 'zero':
      break;
    case 'nonfinite':
      for (let i = 0; i < n; i++) p[i] = random();
      if (!u8) p[randint(random, n)] = [NaN, Infinity, -Infinity][randint(random, 3)];
      break;
    case 'negative':
      for (let i = 0; i < n; i++) p[i] = u8 ? 0 : -1 - random();
      break;
  }
  return p;
}

// An [N, H, W, C] batch whose channels take the kinds in turn (from a random start), so that every
// block of channels mixes them.
export function nhwcBatch(Type, n, h, w, c, random) {
  const data = new Type(n * h * w * c);
  const start = randint(random, KINDS.length);
  for (let i = 0; i < n; i++) {
    for (let ch = 0; ch < c; ch++) {
      const p = plane(KINDS[(start + i * c + ch) % KINDS.length], h, w, random, Type === Uint8Array);
      for (let j = 0; j < h * w; j++) data[(i * h * w + j) * c + ch] = p[j];
    }
  }
  return data;
}
