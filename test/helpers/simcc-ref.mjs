// Plain-JS SimCC decoding written from mmpose 1.x (codecs/utils/post_processing.py get_simcc_maximum
// and gaussian_blur1d, codecs/utils/refinement.py refine_simcc_dark, codecs/simcc_label.py decode)
// and from OpenCV's getGaussianKernel for the blur, as independent of lib/ and native/ as it can be:
// a loop per vector, the blur summed in double.
const f = Math.fround;

// OpenCV 4 getGaussianKernel(n, sigma <= 0): its fixed tables for n <= 9, else the Gaussian of
// sigma ((n - 1) / 2 - 1) * 0.3 + 0.8, normalised, rounded to float32 (CV_32F kernels).
const TABLES = {
  1: [1],
  3: [0.25, 0.5, 0.25],
  5: [0.0625, 0.25, 0.375, 0.25, 0.0625],
  7: [0.03125, 0.109375, 0.21875, 0.28125, 0.21875, 0.109375, 0.03125],
  9: [4, 13, 30, 51, 60, 51, 30, 13, 4].map((v) => v / 256),
};
export function opencvTaps(n) {
  if (TABLES[n]) return TABLES[n].slice();
  const sigma = ((n - 1) * 0.5 - 1) * 0.3 + 0.8;
  const g = Array.from({ length: n }, (_, i) => Math.exp(-((i - (n - 1) / 2) ** 2) / (2 * sigma * sigma)));
  const sum = g.reduce((a, b) => a + b, 0);
  return g.map((v) => f(v / sum));
}

// SimCCLabel.decode: x_blur = int((sigma * 20 - 7) // 3), minus one when even.
export function blurKernelRef(sigma) {
  let k = Math.floor((sigma * 20 - 7) / 3);
  if (k % 2 === 0) k -= 1;
  return k;
}

function argmaxRef(v) {
  let best = 0;
  let finite = true;
  for (let i = 0; i < v.length; i++) {
    if (!Number.isFinite(v[i])) finite = false;
    if (v[i] > v[best]) best = i;
  }
  return { index: best, value: v[best], finite };
}

// gaussian_blur1d on one vector: zero-padded by (kernel - 1) / 2 each side, blurred, rescaled to
// the vector's maximum (float32 arithmetic as NumPy does it, the blur itself in double).
function blurRef(v, kernel) {
  const taps = opencvTaps(kernel);
  const r = (kernel - 1) / 2;
  const out = new Float32Array(v.length);
  for (let j = 0; j < v.length; j++) {
    let s = 0;
    for (let t = 0; t < kernel; t++) {
      const at = j + t - r;
      if (at >= 0 && at < v.length) s += taps[t] * v[at];
    }
    out[j] = s;
  }
  let origin = -Infinity;
  let blurredMax = -Infinity;
  for (let j = 0; j < v.length; j++) {
    origin = Math.max(origin, v[j]);
    blurredMax = Math.max(blurredMax, out[j]);
  }
  const scale = f(f(origin) / blurredMax);
  for (let j = 0; j < v.length; j++) out[j] = f(out[j] * scale);
  return out;
}

// refine_simcc_dark for one vector at integer bin p: clip [1e-3, 50], log, edge pad 2, one
// Newton step, each operation rounded to float32.
export function refineDarkRef(v, p, kernel) {
  const b = blurRef(v, kernel);
  const L = (j) => {
    const c = Math.min(Math.max(b[Math.min(Math.max(j, 0), v.length - 1)], f(1e-3)), 50);
    return f(Math.log(c));
  };
  const dx = f(0.5 * f(L(p + 1) - L(p - 1)));
  const dxx = f(f(1e-9) + f(0.25 * f(f(L(p + 2) - f(2 * L(p))) + L(p - 2))));
  const refined = f(p - f(dx / dxx));
  return Number.isFinite(refined) ? refined : p;
}

/**
 * x [n * wx] and y [n * wy] flat; returns { coords, scores, valid } as lib/simcc.ts documents them:
 * get_simcc_maximum, then (method 'dark') refine_simcc_dark, then / splitRatio in float32.
 */
export function decodeSimccRef(x, y, n, { splitRatio = 2, minScore = 0, method = 'argmax', kernel = [0, 0] } = {}) {
  const wx = x.length / n;
  const wy = y.length / n;
  const coords = new Array(2 * n).fill(0);
  const scores = new Array(n).fill(0);
  const valid = new Array(n).fill(0);
  const ratio = f(splitRatio);
  for (let i = 0; i < n; i++) {
    const vx = Float32Array.from(x.subarray(i * wx, (i + 1) * wx));
    const vy = Float32Array.from(y.subarray(i * wy, (i + 1) * wy));
    const ax = argmaxRef(vx);
    const ay = argmaxRef(vy);
    const score = Math.min(ax.value, ay.value);
    if (!ax.finite || !ay.finite || !(score > minScore)) {
      coords[2 * i] = coords[2 * i + 1] = NaN;
      continue;
    }
    let px = ax.index;
    let py = ay.index;
    if (method === 'dark') {
      px = refineDarkRef(vx, ax.index, kernel[0]);
      py = refineDarkRef(vy, ay.index, kernel[1]);
    }
    coords[2 * i] = f(px / ratio);
    coords[2 * i + 1] = f(py / ratio);
    if (!Number.isFinite(coords[2 * i]) || !Number.isFinite(coords[2 * i + 1])) {  // overflowed float32: no answer
      coords[2 * i] = coords[2 * i + 1] = NaN;
      continue;
    }
    scores[i] = score;
    valid[i] = 1;
  }
  return { coords: Array.from(coords), scores: Array.from(scores), valid: Array.from(valid) };
}

/** A SimCC-like vector: a Gaussian of `sigma` bins at `centre` times `peak`, over `w` bins. */
export function simccVector(w, centre, sigma, peak = 1) {
  return Float32Array.from({ length: w }, (_, i) => peak * Math.exp(-((i - centre) ** 2) / (2 * sigma * sigma)));
}
