// The flip test's merge in plain JavaScript, written step by step from mmpose 1.x
// (mmpose/models/utils/tta.py and the heads' predict), sharing nothing with lib/ or native/:
//   flip_heatmaps(h, flip_indices, 'heatmap', shift):  h.flip(-1), then h[:, flip_indices], then
//     with shift  h[..., 1:] = h[..., :-1].clone()
//   flip_vectors(x, y, flip_indices):  x[:, flip_indices].flip(-1), y[:, flip_indices]
//   HeatmapHead / SimCCHead.predict:  (a + b) * 0.5 in float32.
// Values are plain numbers (NCHW, or [N, K, L] vectors); the result a Float32Array.

// torch's float32 (a + b) * 0.5: the sum rounded to float32, then halved and rounded again (a
// float32 sum through a double is correctly rounded: 53 >= 2 * 24 + 2).
const average = (a, b) => Math.fround(Math.fround(a + b) * 0.5);

// h.flip(-1) over [N, C, H, W] values.
function flipLast(values, rows, w) {
  const out = new Array(values.length);
  for (let r = 0; r < rows; r++) for (let x = 0; x < w; x++) out[r * w + x] = values[r * w + (w - 1 - x)];
  return out;
}

// h[:, idx]: channel c of the result is channel idx[c].
function gatherChannels(values, n, k, plane, idx) {
  const out = new Array(values.length);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < k; c++) {
      for (let p = 0; p < plane; p++) out[(i * k + c) * plane + p] = values[(i * k + idx[c]) * plane + p];
    }
  }
  return out;
}

// h[..., 1:] = h[..., :-1].clone(): column x >= 1 takes column x - 1; column 0 keeps its value.
function shiftRight(values, rows, w) {
  const out = values.slice();
  for (let r = 0; r < rows; r++) for (let x = 1; x < w; x++) out[r * w + x] = values[r * w + x - 1];
  return out;
}

export function flipHeatmapsRef(values, [n, k, h, w], flipIndices, shift) {
  let f = flipLast(values, n * k * h, w);
  f = gatherChannels(f, n, k, h * w, flipIndices);
  if (shift) f = shiftRight(f, n * k * h, w);
  return f;
}

// mergeFlipped for heatmaps, NCHW values of shape [N, K, H, W].
export function mergeHeatmapsRef(a, b, shape, flipIndices, shift) {
  const f = flipHeatmapsRef(b, shape, flipIndices, shift);
  return Float32Array.from(a, (v, i) => average(v, f[i]));
}

// mergeFlipped for SimCC: x and y of [N, K, Lx] / [N, K, Ly].
export function mergeSimccRef(a, b, [n, k], [lx, ly], flipIndices) {
  const fx = flipLast(gatherChannels(b.x, n, k, lx, flipIndices), n * k, lx);
  const fy = gatherChannels(b.y, n, k, ly, flipIndices);
  return { x: Float32Array.from(a.x, (v, i) => average(v, fx[i])), y: Float32Array.from(a.y, (v, i) => average(v, fy[i])) };
}

// Equal as float32 bit patterns, any NaN matching any NaN (IEEE fixes no payload for a sum).
export function sameFloats(got, want) {
  if (got.length !== want.length) return `length ${got.length}, want ${want.length}`;
  for (let i = 0; i < got.length; i++) {
    const g = got[i], w = want[i];
    if (Number.isNaN(g) && Number.isNaN(w)) continue;
    if (!Object.is(g, w)) return `element ${i}: ${g}, want ${w}`;
  }
  return '';
}
