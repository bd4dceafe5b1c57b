// CenterNet's ctdet_decode (xingyizhou/CenterNet, src/lib/models/decode.py) in plain JavaScript,
// written from that code and sharing nothing with the library: _nms (a 3x3, or window x window,
// max pool with padding that never wins, keep = hmax == heat), _topk over all C * H * W values of
// an image (CenterNet's two-stage topk picks the same K), _tranpose_and_gather_feat of wh and reg
// at the chosen indices, and the box [xs - w / 2, ys - h / 2, xs + w / 2, ys + h / 2]. Float32
// arithmetic as PyTorch's float tensors: one rounding per operation.
//
// Inputs are NCHW number arrays: heat [N, C, H, W], wh and reg [N, 2, H, W] (reg optional).
// Two modes:
// - `threshold` undefined: CenterNet literally. Every value is heat * keep (a suppressed pixel
//   scores 0 and still competes), all K slots are filled; needs C * H * W >= K as torch.topk does.
// - `threshold` a number: the library's rule. Only pixels with keep and heat >= threshold compete,
//   and a class plane holding NaN or +-Inf has none; unused slots are NaN boxes, score 0, class 0.
// Ties (torch.topk leaves their order open) go to the lower class, then the lower row-major index.
const f = Math.fround;

function isPeak(plane, h, w, x, y, r) {
  const v = plane[y * w + x];
  for (let yy = Math.max(0, y - r); yy <= Math.min(h - 1, y + r); yy++) {
    for (let xx = Math.max(0, x - r); xx <= Math.min(w - 1, x + r); xx++) if (plane[yy * w + xx] > v) return false;
  }
  return true;
}

export function ctdetDecodeRef({ heat, wh, reg, n, c, h, w }, { k, threshold, window = 3 }) {
  const r = (window - 1) / 2, hw = h * w;
  const out = [];
  for (let g = 0; g < n; g++) {
    const all = [];
    for (let cls = 0; cls < c; cls++) {
      const plane = heat.slice((g * c + cls) * hw, (g * c + cls + 1) * hw);
      if (threshold !== undefined && !plane.every(Number.isFinite)) continue;
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          const v = plane[y * w + x];
          const keep = isPeak(plane, h, w, x, y, r);
          if (threshold === undefined) all.push({ v: keep ? v : 0, cls, i: y * w + x });
          else if (keep && v >= threshold) all.push({ v, cls, i: y * w + x });
        }
      }
    }
    all.sort((a, b) => b.v - a.v || a.cls - b.cls || a.i - b.i);
    if (threshold === undefined && all.length < k) throw new Error('torch.topk: k out of range');
    const slots = [];
    for (let j = 0; j < k; j++) {
      const p = all[j];
      if (!p) {
        slots.push({ box: [NaN, NaN, NaN, NaN], score: 0, cls: 0, valid: 0 });
        continue;
      }
      const x = p.i % w, y = Math.floor(p.i / w);
      const at = (a) => (g * 2 + a) * hw + p.i;
      const xs = reg ? f(x + reg[at(0)]) : f(x + 0.5);
      const ys = reg ? f(y + reg[at(1)]) : f(y + 0.5);
      const bw = f(wh[at(0)] / 2), bh = f(wh[at(1)] / 2);
      slots.push({ box: [f(xs - bw), f(ys - bh), f(xs + bw), f(ys + bh)], score: f(p.v), cls: p.cls, valid: 1 });
    }
    out.push(slots);
  }
  return out;
}

// Where result r (decodeBoxes' arrays) differs from the reference's images, as a message, or ''.
export function boxesDiff(r, ref, k) {
  for (let g = 0; g < ref.length; g++) {
    const count = ref[g].filter((s) => s.valid).length;
    if (r.counts[g] !== count) return `image ${g}: count ${r.counts[g]}, reference ${count}`;
    for (let j = 0; j < k; j++) {
      const s = g * k + j, want = ref[g][j];
      const box = [...r.boxes.subarray(4 * s, 4 * s + 4)];
      const same = box.every((v, a) => Object.is(v, want.box[a])) && Object.is(r.scores[s], want.score) && r.classes[s] === want.cls && r.valid[s] === want.valid;
      if (!same) {
        return `image ${g} slot ${j}: box ${box} score ${r.scores[s]} class ${r.classes[s]} valid ${r.valid[s]}, reference ${want.box} ${want.score} ${want.cls} ${want.valid}`;
      }
    }
  }
  return '';
}
