// Plain-JS references for reading maps at points and for the offsets conventions, written from the
// published algorithms, sharing nothing with the native code:
// - bilinear interpolation between pixel centres with the coordinate clamped to the map, which is
//   torch.nn.functional.grid_sample's padding_mode='border' with align_corners=True (the
//   clamp of the unnormalised coordinate before the 4 taps, aten/src/ATen/native/GridSampler.h
//   clip_coordinates) and OpenCV's remap with BORDER_REPLICATE;
// - PoseNet's getOffsetPoint / getImageCoords (tfjs-models posenet/src/multi_pose/util.ts):
//   y = heatmapY * outputStride + offsets[y, x, k], x = heatmapX * outputStride + offsets[y, x, k + K];
// - CenterNet's ctdet_decode (src/lib/models/decode.py): xs + reg[..., 0], ys + reg[..., 1].

// maps[n][c] at (row, col), for maps in either layout: get(n, c, row, col).
export function mapReader(data, layout, [n, c, h, w]) {
  return layout === 'nhwc'
    ? (i, ch, row, col) => data[((i * h + row) * w + col) * c + ch]
    : (i, ch, row, col) => data[((i * c + ch) * h + row) * w + col];
}

// One channel at one point, in double; the caller rounds to float32.
export function sampleRef(get, h, w, x, y, mode) {
  if (!Number.isFinite(x) || !Number.isFinite(y)) return NaN;
  const cx = Math.min(Math.max(x, 0), w - 1);
  const cy = Math.min(Math.max(y, 0), h - 1);
  if (mode === 'nearest') return get(Math.round(cy), Math.round(cx));  // Math.round: halves up
  const x0 = Math.floor(cx), y0 = Math.floor(cy);
  const x1 = Math.min(x0 + 1, w - 1), y1 = Math.min(y0 + 1, h - 1);
  const fx = cx - x0, fy = cy - y0;
  // A tap of weight 0 is not read, so a point on a pixel centre is that pixel (even beside an Inf).
  const row = (r) => (fx === 0 ? get(r, x0) : get(r, x0) * (1 - fx) + get(r, x1) * fx);
  return fy === 0 ? row(y0) : row(y0) * (1 - fy) + row(y1) * fy;
}

// Every channel of every point: [N, P, C] as a Float32Array.
export function sampleBatchRef(data, layout, [n, c, h, w], points, p, mode) {
  const get = mapReader(data, layout, [n, c, h, w]);
  const out = new Float32Array(n * p * c);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < p; j++) {
      const [x, y] = [points[(i * p + j) * 2], points[(i * p + j) * 2 + 1]];
      for (let ch = 0; ch < c; ch++) out[(i * p + j) * c + ch] = sampleRef((r, col) => get(i, ch, r, col), h, w, x, y, mode);
    }
  }
  return out;
}

// PoseNet's getImageCoords for keypoint k at heatmap cell (cellX, cellY) of image i, offsets with 2K channels.
export function posenetRef(getOffset, i, k, numKeypoints, cellX, cellY, outputStride) {
  return [
    Math.fround(cellX * outputStride + getOffset(i, k + numKeypoints, cellY, cellX)),
    Math.fround(cellY * outputStride + getOffset(i, k, cellY, cellX)),
  ];
}

// CenterNet's ctdet_decode for a peak at (cellX, cellY) of image i, reg with 2 channels (x, y).
export function centernetRef(getReg, i, cellX, cellY) {
  return [Math.fround(cellX + getReg(i, 0, cellY, cellX)), Math.fround(cellY + getReg(i, 1, cellY, cellX))];
}
