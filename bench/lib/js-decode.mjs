// The decoder a server would otherwise write by hand: plain JavaScript loops, on the event loop.
// 'argmax' and 'dark' (DARK, Zhang et al. 2020: zero-padded separable Gaussian blur, rescale to
// the original maximum, log, one Newton step at the argmax), to the same definitions as
// coordconv's, so the answers can be checked against it before anything is timed.

function gaussianTaps(kernel, sigma) {
  const r = (kernel - 1) / 2;
  const g = Array.from({ length: kernel }, (_, i) => Math.exp(-((i - r) ** 2) / (2 * sigma * sigma)));
  const sum = g.reduce((a, b) => a + b, 0);
  return g.map((v) => v / sum);
}

function argmaxOf(data, start, n) {
  let at = 0;
  let best = data[start];
  let finite = true;
  for (let i = 0; i < n; i++) {
    const v = data[start + i];
    if (!Number.isFinite(v)) finite = false;
    if (v > best) {
      best = v;
      at = i;
    }
  }
  return { at, best, finite };
}

function blur(data, start, h, w, taps, tmp, out) {
  const r = (taps.length - 1) / 2;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let acc = 0;
      for (let t = 0; t < taps.length; t++) {
        const xx = x + t - r;
        if (xx >= 0 && xx < w) acc += taps[t] * data[start + y * w + xx];
      }
      tmp[y * w + x] = acc;
    }
  }
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let acc = 0;
      for (let t = 0; t < taps.length; t++) {
        const yy = y + t - r;
        if (yy >= 0 && yy < h) acc += taps[t] * tmp[yy * w + x];
      }
      out[y * w + x] = acc;
    }
  }
}

/** Decodes `{ data, shape }` like coordconv's decodeSync, for 'argmax' and 'dark' (kernel, sigma). */
export function jsDecode(input, options = {}) {
  const { data, shape } = input;
  const method = options.method ?? 'argmax';
  if (method !== 'argmax' && method !== 'dark') throw new RangeError(`jsDecode: no method ${method}`);
  const h = shape[shape.length - 2];
  const w = shape[shape.length - 1];
  const n = h * w;
  const planes = data.length / n;
  const coords = new Float32Array(planes * 2);
  const scores = new Float32Array(planes);
  const valid = new Uint8Array(planes);
  const taps = method === 'dark' ? gaussianTaps(options.kernel ?? 11, options.sigma ?? 2) : null;
  const tmp = taps ? new Float64Array(n) : null;
  const blurred = taps ? new Float64Array(n) : null;
  for (let p = 0; p < planes; p++) {
    const start = p * n;
    const { at, best, finite } = argmaxOf(data, start, n);
    if (!finite || !(best > 0)) {
      coords[2 * p] = NaN;
      coords[2 * p + 1] = NaN;
      continue;
    }
    const px = at % w;
    const py = (at - px) / w;
    let x = px;
    let y = py;
    if (taps && px >= 2 && px + 2 < w && py >= 2 && py + 2 < h) {
      blur(data, start, h, w, taps, tmp, blurred);
      let bmax = 0;
      for (let i = 0; i < n; i++) if (blurred[i] > bmax) bmax = blurred[i];
      if (bmax > 0) {
        const scale = best / bmax;
        const L = (dx, dy) => Math.log(Math.max(blurred[(py + dy) * w + px + dx] * scale, 1e-10));
        const c = L(0, 0);
        const gx = 0.5 * (L(1, 0) - L(-1, 0));
        const gy = 0.5 * (L(0, 1) - L(0, -1));
        const dxx = 0.25 * (L(2, 0) - 2 * c + L(-2, 0));
        const dyy = 0.25 * (L(0, 2) - 2 * c + L(0, -2));
        const dxy = 0.25 * (L(1, 1) - L(1, -1) - L(-1, 1) + L(-1, -1));
        const det = dxx * dyy - dxy * dxy;
        if (det !== 0) {
          const ox = -(dyy * gx - dxy * gy) / det;
          const oy = -(dxx * gy - dxy * gx) / det;
          if (Number.isFinite(ox) && Number.isFinite(oy)) {
            x = px + ox;
            y = py + oy;
          }
        }
      }
    }
    coords[2 * p] = x;
    coords[2 * p + 1] = y;
    scores[p] = best;
    valid[p] = 1;
  }
  return { coords, scores, valid, shape: shape.slice(0, -2) };
}
