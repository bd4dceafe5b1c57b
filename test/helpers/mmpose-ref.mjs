// Plain JavaScript references for mmpose 1.x's heatmap refinements, written from its source
// (mmpose/codecs/utils/post_processing.py: gaussian_blur, get_heatmap_maximum;
// mmpose/codecs/utils/refinement.py: refine_keypoints_dark_udp;
// mmpose/codecs/megvii_heatmap.py: MegviiHeatmap.decode) and OpenCV's (smooth.dispatch.cpp:
// getGaussianKernelBitExact; BORDER_DEFAULT = BORDER_REFLECT_101). Float32 where NumPy keeps
// float32 (Math.fround), the blur itself in double. They share nothing with the native code.
import { argmaxRef } from './decode-ref.mjs';

const f32 = Math.fround;
const INVALID = Object.freeze({ x: NaN, y: NaN, score: 0, valid: 0 });

// cv2.getGaussianKernel(n, 0, CV_32F): OpenCV's fixed binomial kernels for n <= 9, else the
// Gaussian of sigma 0.15 n + 0.35 normalised by 1 / sum, each tap rounded to float32.
export function opencvKernel(n) {
  const fixed = { 1: [256], 3: [64, 128, 64], 5: [16, 64, 96, 64, 16], 7: [8, 28, 56, 72, 56, 28, 8], 9: [4, 13, 30, 51, 60, 51, 30, 13, 4] };
  if (fixed[n]) return fixed[n].map((v) => f32(v / 256));
  const sigma = n * 0.15 + 0.35;
  const half = (n - 1) / 2;
  const values = [];
  for (let i = 0; i < n; i++) values.push(Math.exp(-((i - half) ** 2) / (2 * sigma * sigma)));
  const sum = values.reduce((a, b) => a + b, 0);
  return values.map((v) => f32(v / sum));
}

// BORDER_REFLECT_101: ... 2 1 | 0 1 2 ... n-1 | n-2 n-3 ...
function reflect101(i, n) {
  if (n === 1) return 0;
  while (i < 0 || i >= n) i = i < 0 ? -i : 2 * (n - 1) - i;
  return i;
}

// cv2.GaussianBlur(src, (n, n), 0) on an h x w float32 image, separable, BORDER_DEFAULT.
function cvGaussianBlur(src, h, w, n) {
  const g = opencvKernel(n);
  const r = (n - 1) / 2;
  const tmp = new Float64Array(h * w);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let s = 0;
      for (let t = 0; t < n; t++) s += g[t] * src[y * w + reflect101(x + t - r, w)];
      tmp[y * w + x] = s;
    }
  }
  const out = new Float32Array(h * w);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let s = 0;
      for (let t = 0; t < n; t++) s += g[t] * tmp[reflect101(y + t - r, h) * w + x];
      out[y * w + x] = s;
    }
  }
  return out;
}

// mmpose's gaussian_blur on one heatmap: zero-pad by (kernel - 1) / 2, cv2.GaussianBlur, crop, then
// heatmap *= origin_max / max(heatmap) in float32.
export function mmposeGaussianBlur(plane, h, w, kernel) {
  const b = (kernel - 1) / 2;
  const ph = h + 2 * b;
  const pw = w + 2 * b;
  const padded = new Float32Array(ph * pw);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) padded[(y + b) * pw + x + b] = plane[y * w + x];
  const blurred = cvGaussianBlur(padded, ph, pw, kernel);
  const out = new Float32Array(h * w);
  let originMax = -Infinity;
  let max = -Infinity;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      out[y * w + x] = blurred[(y + b) * pw + x + b];
      originMax = Math.max(originMax, plane[y * w + x]);
      max = Math.max(max, out[y * w + x]);
    }
  }
  const scale = f32(f32(originMax) / max);
  for (let i = 0; i < out.length; i++) out[i] = f32(out[i] * scale);
  return out;
}

// UDPHeatmap.decode's 'gaussian' branch in heatmap pixels: get_heatmap_maximum on the raw heatmap,
// then refine_keypoints_dark_udp. Uint8 planes are read as value / 255 (the library's rule for
// this method). Where mmpose's np.linalg.inv would raise (a singular H + eps I) or the step is not
// finite, the library keeps the argmax; so does this reference. `float32: false` takes the logs
// and stencils in double, as the library does (NumPy rounds them to float32; on ill-conditioned
// blocks, flat or quantised, that rounding moves the step by more than the tests' tolerance).
export function udpRef(plane, h, w, kernel = 11, { float32 = true } = {}) {
  const f32 = float32 ? Math.fround : (v) => v;
  const am = argmaxRef(plane);
  if (!am.finite || !(am.value > 0)) return INVALID;
  const px = am.index % w;
  const py = Math.floor(am.index / w);
  const values = plane instanceof Uint8Array ? Float32Array.from(plane, (v) => v / 255) : Float32Array.from(plane);
  const blurred = mmposeGaussianBlur(values, h, w, kernel);
  // np.clip(heatmaps, 1e-3, 50.) then np.log, in float32.
  const logs = Array.from(blurred, (v) => f32(Math.log(Math.min(Math.max(v, Math.fround(1e-3)), 50))));
  // np.pad(..., mode='edge') by one, flattened; the keypoint's index in it and its neighbours'.
  const W2 = w + 2;
  const pad = new Float64Array((h + 2) * W2);
  for (let y = 0; y < h + 2; y++) {
    for (let x = 0; x < W2; x++) pad[y * W2 + x] = logs[Math.min(Math.max(y - 1, 0), h - 1) * w + Math.min(Math.max(x - 1, 0), w - 1)];
  }
  const index = px + 1 + (py + 1) * W2;
  const i_ = pad[index];
  const ix1 = pad[index + 1];
  const iy1 = pad[index + W2];
  const ix1y1 = pad[index + W2 + 1];
  const ix1_y1_ = pad[index - W2 - 1];
  const ix1_ = pad[index - 1];
  const iy1_ = pad[index - 2 - w];
  // float32 stencils, as NumPy computes them on float32 arrays.
  const dx = f32(0.5 * f32(ix1 - ix1_));
  const dy = f32(0.5 * f32(iy1 - iy1_));
  const dxx = f32(f32(ix1 - f32(2 * i_)) + ix1_);
  const dyy = f32(f32(iy1 - f32(2 * i_)) + iy1_);
  let s = ix1y1;
  for (const [v, sign] of [[ix1, -1], [iy1, -1], [i_, 1], [i_, 1], [ix1_, -1], [iy1_, -1], [ix1_y1_, 1]]) s = f32(s + sign * v);
  const dxy = f32(0.5 * s);
  // hessian + np.finfo(np.float32).eps * np.eye(2), inverted in float64.
  const eps = 2 ** -23;
  const a = dxx + eps;
  const d = dyy + eps;
  const det = a * d - dxy * dxy;
  const ox = -(d * dx - dxy * dy) / det;
  const oy = -(a * dy - dxy * dx) / det;
  if (det === 0 || !Number.isFinite(ox) || !Number.isFinite(oy)) return { x: px, y: py, score: am.value, valid: 1 };
  return { x: f32(px + ox), y: f32(py + oy), score: am.value, valid: 1 };
}

// MegviiHeatmap.decode in heatmap pixels (before its * scale_factor): gaussian_blur, then
// get_heatmap_maximum on the blurred heatmap (<= 0: no answer), the quarter step plus 0.5 where
// 1 < px < W - 1 and 1 < py < H - 1, and scores / 255.0 + 0.5 in float32.
export function megviiRef(plane, h, w, kernel = 5) {
  if (!argmaxRef(plane).finite) return INVALID;
  const b = mmposeGaussianBlur(plane, h, w, kernel);
  const am = argmaxRef(b);
  if (!am.finite || !(am.value > 0)) return INVALID;
  const px = am.index % w;
  const py = Math.floor(am.index / w);
  let x = px;
  let y = py;
  if (1 < px && px < w - 1 && 1 < py && py < h - 1) {
    x += Math.sign(f32(b[py * w + px + 1] - b[py * w + px - 1])) * 0.25 + 0.5;
    y += Math.sign(f32(b[(py + 1) * w + px] - b[(py - 1) * w + px])) * 0.25 + 0.5;
  }
  return { x, y, score: f32(f32(am.value / 255) + 0.5), valid: 1 };
}
