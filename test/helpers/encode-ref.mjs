// Plain JavaScript references for the encoder and AddCoords, written from their definitions in
// double precision, one pixel at a time. They share nothing with the native code.

// Round half away from zero, the encoder's documented rule (Math.round rounds -2.5 to -2).
export const roundHalfAway = (v) => Math.sign(v) * Math.round(Math.abs(v));

// One plane drawn from the points [[x, y], ...] with the encoder's options, merged by maximum,
// in double precision (a Float64Array of h * w).
export function encodePlaneRef(points, h, w, { kind = 'onehot', value = 1, radius = 4, sigma = 2, unbiased = true } = {}) {
  const out = new Float64Array(h * w);
  for (const [x, y] of points) {
    for (let py = 0; py < h; py++) {
      for (let px = 0; px < w; px++) {
        let v = 0;
        if (kind === 'onehot') {
          v = px === roundHalfAway(x) && py === roundHalfAway(y) ? value : 0;
        } else if (kind === 'square') {
          v = Math.abs(px - roundHalfAway(x)) <= radius && Math.abs(py - roundHalfAway(y)) <= radius ? value : 0;
        } else {
          const cx = unbiased ? x : roundHalfAway(x);
          const cy = unbiased ? y : roundHalfAway(y);
          const inside = unbiased || (Math.abs(px - cx) <= Math.floor(3 * sigma) && Math.abs(py - cy) <= Math.floor(3 * sigma));
          v = inside ? value * Math.exp(-((px - cx) ** 2 + (py - cy) ** 2) / (2 * sigma * sigma)) : 0;
        }
        out[py * w + px] = Math.max(out[py * w + px], v);
      }
    }
  }
  return out;
}

// A whole encode call's output (the points [N, C, P, 2] or fewer leading dimensions, drawn per
// plane by encodePlaneRef, the points whose `visible` flag is 0 left out), in double precision.
export function encodeBatchRef(coords, shape, h, w, options = {}, visible = null) {
  const n = shape[0];
  const c = shape.length >= 3 ? shape[1] : 1;
  const p = shape.length === 4 ? shape[2] : 1;
  const out = new Float64Array(n * c * h * w);
  for (let i = 0; i < n * c; i++) {
    const points = [];
    for (let k = 0; k < p; k++) {
      if (visible && !visible[i * p + k]) continue;
      points.push([coords[2 * (i * p + k)], coords[2 * (i * p + k) + 1]]);
    }
    out.set(encodePlaneRef(points, h, w, options), i * h * w);
  }
  return out;
}

// The AddCoords channel values from the closed form: xx = x / (W - 1) * 2 - 1 over the width,
// yy = y / (H - 1) * 2 - 1 over the height (0 where the side is 1), r = sqrt(xx^2 + yy^2).
export function coordRef(i, n) {
  return n === 1 ? 0 : (i / (n - 1)) * 2 - 1;
}

// The same, rounded to float32 after each operation as the documented float32 evaluation does.
export function coordRef32(i, n) {
  return n === 1 ? 0 : Math.fround(Math.fround(i / (n - 1)) * 2 - 1);
}
export function radiusRef32(xx, yy) {
  return Math.fround(Math.sqrt(Math.fround(Math.fround(xx * xx) + Math.fround(yy * yy))));
}

// The documented exp of the gaussian encoder (native/exp_approx.h), replayed in float32 with
// Math.fround after every operation: the native result must equal it bit for bit on every path.
// The encoder runs with subnormals flushed, so a result below 2^-126 in magnitude becomes 0.
const F = (v) => (Math.abs(v) < 2 ** -126 ? (v < 0 ? -0 : 0) : Math.fround(v));
const EXP = {
  min: F(-87), log2e: F(1.44269504088896341), round: F(12582912), ln2Hi: F(0.693359375), ln2Lo: F(-2.12194440e-4),
  p: [F(1.9875691500e-4), F(1.3981999507e-3), F(8.3334519073e-3), F(4.1665795894e-2), F(1.6666665459e-1), F(5.0000001201e-1)],
};
export function expApprox32(x) {
  if (!(x >= EXP.min)) return 0;
  const t = F(x * EXP.log2e);
  const n = F(F(t + EXP.round) - EXP.round);
  let r = F(x - F(n * EXP.ln2Hi));
  r = F(r - F(n * EXP.ln2Lo));
  const z = F(r * r);
  let y = EXP.p[0];
  for (let k = 1; k < 6; k++) y = F(F(y * r) + EXP.p[k]);
  y = F(F(y * z) + r);
  y = F(y + 1);
  return F(y * 2 ** n);
}

// One unbiased gaussian plane exactly as documented: g(t) = expApprox32(-(u * u)),
// u = (t + (-c)) * scale, scale = float32(1 / (sqrt(2) sigma)); pixel = (value * gy) * gx.
export function gaussianPlane32(h, w, cx, cy, sigma, value) {
  const scale = F(1 / (Math.sqrt(2) * sigma));
  const g = (i, c) => {
    const u = F(F(i + F(-c)) * scale);
    return expApprox32(-F(u * u));
  };
  const out = new Float32Array(h * w);
  for (let y = 0; y < h; y++) {
    const s = F(F(value) * g(y, cy));
    for (let x = 0; x < w; x++) out[y * w + x] = s > 0 ? F(s * g(x, cx)) : 0;
  }
  return out;
}
