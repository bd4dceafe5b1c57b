// A direct scalar convolution in plain JavaScript: AddCoords materialised as ordinary channels,
// zero padding, stride and dilation, written from PyTorch's Conv2d definition. It shares nothing
// with the native engine (no row scratch, no phases, no tiles).
import { coordRef32, radiusRef32 } from './encode-ref.mjs';

// Materialises [N, C, H, W] plus the coordinate channels (2 or 3, or 0) as float32 values.
export function withCoordChannels(input, [n, c, h, w], extra) {
  if (extra === 0) return { data: input, shape: [n, c, h, w] };
  const outC = c + extra;
  const out = new Float32Array(n * outC * h * w);
  for (let b = 0; b < n; b++) {
    out.set(input.subarray(b * c * h * w, (b + 1) * c * h * w), b * outC * h * w);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const xx = coordRef32(x, w);
        const yy = coordRef32(y, h);
        const base = b * outC * h * w + y * w + x;
        out[base + c * h * w] = xx;
        out[base + (c + 1) * h * w] = yy;
        if (extra === 3) out[base + (c + 2) * h * w] = radiusRef32(xx, yy);
      }
    }
  }
  return { data: out, shape: [n, outC, h, w] };
}

// fma32(a, b, c): a * b + c rounded once to float32, for float32 a, b, c. a * b is exact in a
// double (48 significant bits); the sum is split exactly into s + e (TwoSum), and the one case
// where rounding s alone to float32 could differ from rounding s + e (s exactly halfway between
// two floats) is settled by the sign of e.
const f32box = new Float32Array(1);
const i32box = new Int32Array(f32box.buffer);
function adjacentFloat(r, up) {
  if (r === 0) return up ? 2 ** -149 : -(2 ** -149);
  f32box[0] = r;
  i32box[0] += (r > 0) === up ? 1 : -1;
  return f32box[0];
}
export function fma32(a, b, c) {
  const p = a * b;
  const s = p + c;
  const bb = s - p;
  const e = (p - (s - bb)) + (c - bb);
  const r = Math.fround(s);
  if (e === 0 || r === s || !Number.isFinite(s)) return r;
  const other = adjacentFloat(r, r < s);
  if (s !== (r + other) / 2) return r;
  return e > 0 ? Math.max(r, other) : Math.min(r, other);
}

// max(v, 0) with NaN kept and -0 made +0: the relu op and the convolution's fused activation.
export const reluRef = (v) => (v <= 0 ? 0 : v);

// conv of input [N, C, H, W] (coordinate channels already included) with weight [O, C, kh, kw].
// float32: true rounds like the engine (acc = fma32(w, v, acc), in the order channel, row, column,
// padding taps included as w * 0); false accumulates in double.
export function convRef(input, shape, weight, wshape, {
  bias = null, stride = [1, 1], dilation = [1, 1], pads = [0, 0, 0, 0], relu = false, float32 = true,
} = {}) {
  const [n, c, h, w] = shape;
  const [o, , kh, kw] = wshape;
  const [sh, sw] = stride;
  const [dh, dw] = dilation;
  const [pt, pl, pb, pr] = pads;
  const oh = Math.floor((h + pt + pb - dh * (kh - 1) - 1) / sh) + 1;
  const ow = Math.floor((w + pl + pr - dw * (kw - 1) - 1) / sw) + 1;
  const out = new Float64Array(n * o * oh * ow);
  for (let b = 0; b < n; b++) {
    for (let q = 0; q < o; q++) {
      for (let yo = 0; yo < oh; yo++) {
        for (let xo = 0; xo < ow; xo++) {
          let acc = bias ? bias[q] : 0;
          for (let ch = 0; ch < c; ch++) {
            for (let ky = 0; ky < kh; ky++) {
              for (let kx = 0; kx < kw; kx++) {
                const yi = yo * sh + ky * dh - pt;
                const xi = xo * sw + kx * dw - pl;
                const v = yi >= 0 && yi < h && xi >= 0 && xi < w ? input[((b * c + ch) * h + yi) * w + xi] : 0;
                const wv = weight[((q * c + ch) * kh + ky) * kw + kx];
                acc = float32 ? fma32(wv, v, acc) : acc + wv * v;
              }
            }
          }
          if (relu) acc = reluRef(acc);
          out[((b * o + q) * oh + yo) * ow + xo] = acc;
        }
      }
    }
  }
  return { data: out, shape: [n, o, oh, ow] };
}

// PyTorch's padding rules: 'same' splits dilation * (k - 1) with the smaller half first.
export function padsOf(padding, [kh, kw], [dh, dw] = [1, 1]) {
  if (padding === 'same') {
    const th = dh * (kh - 1);
    const tw = dw * (kw - 1);
    return [Math.floor(th / 2), Math.floor(tw / 2), th - Math.floor(th / 2), tw - Math.floor(tw / 2)];
  }
  if (padding === 'valid') return [0, 0, 0, 0];
  const [ph, pw] = typeof padding === 'number' ? [padding, padding] : padding;
  return [ph, pw, ph, pw];
}

// The CoordConv layer from its definition: AddCoords materialised as channels, then convRef,
// with the layer's options (stride and dilation a number or a pair, padding as padsOf takes it).
export function coordConvRef(input, shape, weight, wshape, { bias, stride, dilation, padding = 'same', activation } = {}, withR = false) {
  const pair = (v) => (v === undefined ? [1, 1] : typeof v === 'number' ? [v, v] : v);
  const full = withCoordChannels(input, shape, withR ? 3 : 2);
  return convRef(full.data, full.shape, weight, wshape, {
    bias: bias ?? null, stride: pair(stride), dilation: pair(dilation), pads: padsOf(padding, wshape.slice(2), pair(dilation)),
    relu: activation === 'relu',
  });
}
