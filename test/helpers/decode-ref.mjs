// Plain JavaScript references for the decoder methods, written from the published algorithms in
// double precision, one pixel at a time. They share nothing with the native code.
import { megviiRef, opencvKernel, udpRef } from './mmpose-ref.mjs';

// The argmax as the library defines it (ops.argmax and every decoder method): the first
// row-major index of the maximum, finite: 1; { value: NaN, index: 0, finite: 0 } when any value
// is NaN or +-Inf.
export function argmaxRef(plane) {
  let best = -Infinity;
  let index = -1;
  for (let i = 0; i < plane.length; i++) {
    const v = plane[i];
    if (!Number.isFinite(v)) return { value: NaN, index: 0, finite: 0 };
    if (index < 0 || v > best) {
      best = v;
      index = i;
    }
  }
  return { value: best, index, finite: 1 };
}

const INVALID = Object.freeze({ x: NaN, y: NaN, score: 0, valid: 0 });

export function decodeArgmaxRef(plane, h, w) {
  const am = argmaxRef(plane);
  if (!am.finite || !(am.value > 0)) return INVALID;
  return { x: am.index % w, y: Math.floor(am.index / w), score: am.value, valid: 1 };
}

// The quarter offset 0.25 * sign(right - left) per axis, where the rule lets an axis move:
// 'mmpose', mmpose 1.x's refine_keypoints (mmpose/codecs/utils/refinement.py): x when
// 1 < x < W - 1 and 0 < y < H, y when 1 < y < H - 1 and 0 < x < W; 'hrnet', HRNet's get_final_preds
// and mmpose 0.x's keypoints_from_heatmaps: both when 1 < x < W - 1 and 1 < y < H - 1.
export function decodeQuarterRef(plane, h, w, rule = 'mmpose') {
  const r = decodeArgmaxRef(plane, h, w);
  if (!r.valid) return r;
  const { x, y } = r;
  const inner = 1 < x && x < w - 1 && 1 < y && y < h - 1;
  const moveX = rule === 'hrnet' ? inner : 1 < x && x < w - 1 && 0 < y && y < h;
  const moveY = rule === 'hrnet' ? inner : 1 < y && y < h - 1 && 0 < x && x < w;
  let qx = x;
  let qy = y;
  if (moveX) qx += 0.25 * Math.sign(plane[y * w + x + 1] - plane[y * w + x - 1]);
  if (moveY) qy += 0.25 * Math.sign(plane[(y + 1) * w + x] - plane[(y - 1) * w + x]);
  return { ...r, x: qx, y: qy };
}

// The normalised Gaussian kernel of size n (as cv2.getGaussianKernel with sigma > 0).
export function gaussianKernel(n, sigma) {
  const r = (n - 1) / 2;
  const g = [];
  for (let i = 0; i < n; i++) g.push(Math.exp(-((i - r) ** 2) / (2 * sigma * sigma)));
  const s = g.reduce((a, b) => a + b, 0);
  return g.map((v) => v / s);
}

// DARK (Zhang et al., CVPR 2020), following the authors' gaussian_blur and taylor: the plane,
// zero-padded, convolved with the full 2-D Gaussian (outer product of the 1-D kernel), rescaled to
// the original maximum, log(max(h, 1e-10)), one Newton step at the argmax.
export function decodeDarkRef(plane, h, w, kernel = 11, sigma = 2) {
  const r0 = decodeArgmaxRef(plane, h, w);
  if (!r0.valid) return r0;
  const { x: px, y: py } = r0;
  if (!(px >= 2 && px <= w - 3 && py >= 2 && py <= h - 3)) return r0;
  // sigma 0: cv2.GaussianBlur's own kernel for the size, as the authors' code blurs.
  const g = sigma === 0 ? opencvKernel(kernel) : gaussianKernel(kernel, sigma);
  const rad = (kernel - 1) / 2;
  const blurred = new Float64Array(h * w);
  let bmax = -Infinity;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let s = 0;
      for (let dy = -rad; dy <= rad; dy++) {
        const yy = y + dy;
        if (yy < 0 || yy >= h) continue;
        for (let dx = -rad; dx <= rad; dx++) {
          const xx = x + dx;
          if (xx < 0 || xx >= w) continue;
          s += g[dy + rad] * g[dx + rad] * plane[yy * w + xx];
        }
      }
      blurred[y * w + x] = s;
      if (s > bmax) bmax = s;
    }
  }
  // The authors' rescale, origin_max / np.max(blurred): negative when the blur is negative
  // everywhere (the log then reads the sign-flipped plane), infinite (NaN coordinates) at 0, where
  // the library keeps the argmax.
  if (!(r0.score > 0) || bmax === 0) return r0;
  const scale = r0.score / bmax;
  const L = (dx, dy) => Math.log(Math.max(blurred[(py + dy) * w + px + dx] * scale, 1e-10));
  const dx = 0.5 * (L(1, 0) - L(-1, 0));
  const dy = 0.5 * (L(0, 1) - L(0, -1));
  const dxx = 0.25 * (L(2, 0) - 2 * L(0, 0) + L(-2, 0));
  const dxy = 0.25 * (L(1, 1) - L(1, -1) - L(-1, 1) + L(-1, -1));
  const dyy = 0.25 * (L(0, 2) - 2 * L(0, 0) + L(0, -2));
  const det = dxx * dyy - dxy * dxy;
  if (det === 0) return r0;
  // offset = -H^-1 g, H^-1 = [[dyy, -dxy], [-dxy, dxx]] / det
  const ox = -(dyy * dx - dxy * dy) / det;
  const oy = -(-dxy * dx + dxx * dy) / det;
  return { ...r0, x: px + ox, y: py + oy };
}

export function decodeCentroidRef(plane, h, w, threshold = 0.5) {
  const r0 = decodeArgmaxRef(plane, h, w);
  if (!r0.valid) return r0;
  const cut = threshold * r0.score;
  let s = 0;
  let sx = 0;
  let sy = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const v = plane[y * w + x];
      if (v >= cut) {
        s += v;
        sx += v * x;
        sy += v * y;
      }
    }
  }
  return { ...r0, x: sx / s, y: sy / s };
}

// softmax(beta * h) with h in [0, 1] units: Uint8 values / 255 (docs/decoder.md); default beta 20.
export function decodeSoftargmaxRef(plane, h, w, beta = 20) {
  const am = argmaxRef(plane);
  if (!am.finite) return INVALID;
  const unit = plane instanceof Uint8Array ? 1 / 255 : 1;
  let s = 0;
  let sx = 0;
  let sy = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const e = Math.exp(beta * (plane[y * w + x] - am.value) * unit);
      s += e;
      sx += e * x;
      sy += e * y;
    }
  }
  return { x: sx / s, y: sy / s, score: am.value, valid: 1 };
}

// The one-hot decoder's answer: the single non-zero pixel, when it is finite and > 0.
export function decodeExactRef(plane, h, w) {
  let found = -1;
  for (let i = 0; i < plane.length; i++) {
    if (plane[i] !== 0) {
      if (found >= 0) return INVALID;
      found = i;
    }
  }
  if (found < 0 || !Number.isFinite(plane[found]) || !(plane[found] > 0)) return INVALID;
  return { x: found % w, y: Math.floor(found / w), score: plane[found], valid: 1 };
}

export const DECODE_REFS = {
  argmax: (p, h, w) => decodeArgmaxRef(p, h, w),
  quarter: (p, h, w, o = {}) => decodeQuarterRef(p, h, w, o.quarterRule),
  dark: (p, h, w, o = {}) => decodeDarkRef(p, h, w, o.kernel, o.sigma),
  centroid: (p, h, w, o = {}) => decodeCentroidRef(p, h, w, o.threshold),
  softargmax: (p, h, w, o = {}) => decodeSoftargmaxRef(p, h, w, o.beta),
  exact: (p, h, w) => decodeExactRef(p, h, w),
  // Logs and stencils in double, as the library takes them (mmpose-ref.mjs: NumPy's are float32).
  udp: (p, h, w, o = {}) => udpRef(p, h, w, o.kernel, { float32: false }),
  megvii: (p, h, w, o = {}) => megviiRef(p, h, w, o.kernel),
};

// Every plane of a batch through a reference: { coords, scores, valid } as plain arrays.
export function decodeBatchRef(method, data, h, w, options = {}) {
  const n = data.length / (h * w);
  const coords = [];
  const scores = [];
  const valid = [];
  for (let i = 0; i < n; i++) {
    const r = DECODE_REFS[method](data.subarray(i * h * w, (i + 1) * h * w), h, w, options);
    coords.push(r.x, r.y);
    scores.push(r.score);
    valid.push(r.valid);
  }
  return { coords, scores, valid };
}

// CenterNet's decode, pixel by pixel: a peak equals the maximum of the window around it (pixels
// outside the plane left out) and is >= threshold; sorted by value descending, index ascending.
export function peaksRef(plane, h, w, { k = 100, threshold = 0.1, window = 3 } = {}) {
  const r = (window - 1) / 2;
  const found = [];
  if (plane.every((v) => Number.isFinite(v))) {
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const v = plane[y * w + x];
        if (!(v >= threshold)) continue;
        let isMax = true;
        for (let yy = Math.max(0, y - r); yy <= Math.min(h - 1, y + r) && isMax; yy++) {
          for (let xx = Math.max(0, x - r); xx <= Math.min(w - 1, x + r); xx++) {
            if (plane[yy * w + xx] > v) {
              isMax = false;
              break;
            }
          }
        }
        if (isMax) found.push({ v, i: y * w + x });
      }
    }
  }
  found.sort((a, b) => b.v - a.v || a.i - b.i);
  const kept = found.slice(0, k);
  const coords = [];
  const scores = [];
  const valid = [];
  for (let j = 0; j < k; j++) {
    const p = kept[j];
    coords.push(p ? p.i % w : NaN, p ? Math.floor(p.i / w) : NaN);
    scores.push(p ? p.v : 0);
    valid.push(p ? 1 : 0);
  }
  return { coords, scores, valid, count: kept.length };
}

// An unbiased Gaussian blob exp(-((x - cx)^2 + (y - cy)^2) / (2 sigma^2)), sampled at pixel centres.
export function gaussianPlane(h, w, cx, cy, sigma = 2, peak = 1) {
  const p = new Float32Array(h * w);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) p[y * w + x] = peak * Math.exp(-((x - cx) ** 2 + (y - cy) ** 2) / (2 * sigma * sigma));
  }
  return p;
}

// CenterNet's top-k over all classes of an image: every max-pool peak of every channel, sorted by
// value descending, then channel ascending, then row-major index ascending (torch.topk leaves ties
// unordered; the library fixes this order). `planes` are the image's channels.
export function peaksImageRef(planes, h, w, { k = 100, threshold = 0.1, window = 3 } = {}) {
  const all = [];
  planes.forEach((plane, c) => {
    const ref = peaksRef(plane, h, w, { k: h * w, threshold, window });
    for (let j = 0; j < ref.count; j++) all.push({ v: ref.scores[j], c, x: ref.coords[2 * j], y: ref.coords[2 * j + 1] });
  });
  all.sort((a, b) => b.v - a.v || a.c - b.c || a.y * w + a.x - (b.y * w + b.x));
  const kept = all.slice(0, k);
  const coords = [];
  const scores = [];
  const valid = [];
  const channels = [];
  for (let j = 0; j < k; j++) {
    const p = kept[j];
    coords.push(p ? p.x : NaN, p ? p.y : NaN);
    scores.push(p ? p.v : 0);
    valid.push(p ? 1 : 0);
    channels.push(p ? p.c : 0);
  }
  return { coords, scores, valid, channels, count: kept.length };
}
