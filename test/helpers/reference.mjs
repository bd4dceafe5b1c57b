import { fma32 } from './conv-ref.mjs';
// Plain JavaScript references, written from the definitions, never from the native code.
const f = Math.fround;

// A small deterministic generator (mulberry32), so failures replay.
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const randint = (random, n) => Math.floor(random() * n);

// One-hot definition: exactly one non-zero element, finite and positive; its column and row.
export function exactDecodePlane(plane, height, width) {
  let count = 0;
  let at = -1;
  for (let i = 0; i < plane.length; i++) {
    if (plane[i] !== 0) {
      count++;
      at = i;
    }
  }
  const v = count === 1 ? plane[at] : NaN;
  if (count !== 1 || !Number.isFinite(v) || !(v > 0)) return { x: NaN, y: NaN, score: 0, valid: 0 };
  return { x: at % width, y: Math.floor(at / width), score: f(v), valid: 1 };
}

// Cross-correlation with zero padding, accumulated in float32 in the order bias, channel, row,
// column, one rounding after each product and each sum; taps falling in the padding are skipped.
export function conv2dRef(input, [n, c, h, w], weight, [o, wc, kh, kw], padding, bias = null) {
  const padTop = padding === 'same' ? Math.floor((kh - 1) / 2) : 0;
  const padLeft = padding === 'same' ? Math.floor((kw - 1) / 2) : 0;
  const oh = padding === 'same' ? h : h - kh + 1;
  const ow = padding === 'same' ? w : w - kw + 1;
  const out = new Float32Array(n * o * oh * ow);
  for (let b = 0; b < n; b++) {
    for (let oc = 0; oc < o; oc++) {
      for (let y = 0; y < oh; y++) {
        for (let x = 0; x < ow; x++) {
          let acc = bias ? bias[oc] : 0;
          for (let ic = 0; ic < wc; ic++) {
            for (let ky = 0; ky < kh; ky++) {
              const yi = y + ky - padTop;
              if (yi < 0 || yi >= h) continue;
              for (let kx = 0; kx < kw; kx++) {
                const xi = x + kx - padLeft;
                if (xi < 0 || xi >= w) continue;
                // One fused multiply-add per tap, as the conv engine computes it on every path.
                acc = fma32(weight[((oc * wc + ic) * kh + ky) * kw + kx], input[((b * c + ic) * h + yi) * w + xi], acc);
              }
            }
          }
          out[((b * o + oc) * oh + y) * ow + x] = acc;
        }
      }
    }
  }
  return { data: out, shape: [n, o, oh, ow] };
}

export const reluRef = (v) => (v <= 0 ? 0 : v);

export function argmaxRef(plane) {
  let best = -Infinity;
  let index = 0;
  for (let i = 0; i < plane.length; i++) {
    if (!Number.isFinite(plane[i])) return { value: NaN, index: 0, finite: 0 };
    if (plane[i] > best || i === 0) {
      best = plane[i];
      index = i;
    }
  }
  return { value: f(best), index, finite: 1 };
}

// A typed array of `length` elements whose view starts `offset` elements into its buffer, so
// kernels meet unaligned addresses.
export function misaligned(Type, length, offset) {
  return new Type(new ArrayBuffer((length + offset) * Type.BYTES_PER_ELEMENT), offset * Type.BYTES_PER_ELEMENT, length);
}

// Sizes around every vector width the kernels use (8, 16, 32 and 64 lanes), and odd ones.
export const EDGE_SIZES = [1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 97, 127, 128, 129];
