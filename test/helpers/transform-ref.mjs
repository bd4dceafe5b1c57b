// Plain-JS references for the transform option and topdownTransforms, written from mmpose 1.x
// (mmpose/structures/bbox/transforms.py, datasets/transforms/topdown_transforms.py,
// codecs/msra_heatmap.py, codecs/udp_heatmap.py, models/pose_estimators/topdown.py) and CenterNet
// (src/lib/utils/image.py), independent of the library's closed forms: the warps are solved from
// three point pairs as cv2.getAffineTransform does.

/** (x, y) -> (a x + b y + c, d x + e y + f) in double, rounded to float32, for valid points only. */
export function applyTransformsRef(coords, valid, matrices, samples) {
  const out = Float32Array.from(coords);
  const points = valid.length;
  const per = samples === 0 ? 0 : points / samples;
  for (let p = 0; p < points; p++) {
    if (!valid[p]) continue;
    const m = matrices.subarray(6 * Math.floor(p / per), 6 * Math.floor(p / per) + 6);
    const x = coords[2 * p], y = coords[2 * p + 1];
    out[2 * p] = Math.fround(m[0] * x + m[1] * y + m[2]);
    out[2 * p + 1] = Math.fround(m[3] * x + m[4] * y + m[5]);
  }
  return out;
}

/** The 2x3 affine mapping three points onto three others (cv2.getAffineTransform), by Cramer's rule. */
export function affineFrom3(src, dst) {
  const [[x0, y0], [x1, y1], [x2, y2]] = src;
  const det = x0 * (y1 - y2) - y0 * (x1 - x2) + (x1 * y2 - x2 * y1);
  const row = (v0, v1, v2) => [
    (v0 * (y1 - y2) - y0 * (v1 - v2) + (v1 * y2 - v2 * y1)) / det,
    (x0 * (v1 - v2) - v0 * (x1 - x2) + (x1 * v2 - x2 * v1)) / det,
    (x0 * (y1 * v2 - y2 * v1) - y0 * (x1 * v2 - x2 * v1) + v0 * (x1 * y2 - x2 * y1)) / det,
  ];
  return [...row(dst[0][0], dst[1][0], dst[2][0]), ...row(dst[0][1], dst[1][1], dst[2][1])];
}

const f32pt = ([x, y]) => [Math.fround(x), Math.fround(y)];
const thirdPoint = (a, b) => [b[0] - (a[1] - b[1]), b[1] + (a[0] - b[0])];  // _get_3rd_point / get_3rd_point

/** bbox_xyxy2cs with padding. */
export function bboxXyxy2cs([x1, y1, x2, y2], padding) {
  return { center: [(x2 + x1) * 0.5, (y2 + y1) * 0.5], scale: [(x2 - x1) * padding, (y2 - y1) * padding] };
}

/** TopdownAffine._fix_aspect_ratio (aspect = w / h). */
export function fixAspectRatio([w, h], aspect) {
  return w > h * aspect ? [w, w / aspect] : [h * aspect, h];
}

/** get_warp_matrix(center, scale, rot, output_size, inv) with fix_aspect_ratio=True, its points in float32. */
export function getWarpMatrix(center, scale, rot, [dstW, dstH], inv = false) {
  const r = rot * (Math.PI / 180);
  const sn = Math.sin(r), cs = Math.cos(r);
  const srcDir = [cs * (scale[0] * -0.5), sn * (scale[0] * -0.5)];  // _rotate_point([-w / 2, 0], r)
  const src0 = f32pt(center), src1 = f32pt([center[0] + srcDir[0], center[1] + srcDir[1]]);
  const dst0 = f32pt([dstW * 0.5, dstH * 0.5]), dst1 = f32pt([dstW * 0.5 - dstW * 0.5, dstH * 0.5]);
  const src = [src0, src1, f32pt(thirdPoint(src0, src1))];
  const dst = [dst0, dst1, f32pt(thirdPoint(dst0, dst1))];
  return inv ? affineFrom3(dst, src) : affineFrom3(src, dst);
}

/** CenterNet's get_affine_transform(center, scale, rot, output_size, inv) (its direction along -y). */
export function centernetAffine(center, scale, rot, [dstW, dstH], inv = false) {
  const r = (Math.PI * rot) / 180;
  const sn = Math.sin(r), cs = Math.cos(r);
  const p = [0, scale[0] * -0.5];
  const srcDir = [p[0] * cs - p[1] * sn, p[0] * sn + p[1] * cs];  // get_dir
  const src0 = f32pt(center), src1 = f32pt([center[0] + srcDir[0], center[1] + srcDir[1]]);
  const dst0 = f32pt([dstW * 0.5, dstH * 0.5]), dst1 = f32pt([dstW * 0.5, dstH * 0.5 - dstW * 0.5]);
  const src = [src0, src1, f32pt(thirdPoint(src0, src1))];
  const dst = [dst0, dst1, f32pt(thirdPoint(dst0, dst1))];
  return inv ? affineFrom3(dst, src) : affineFrom3(src, dst);
}

/** get_udp_warp_matrix: written entry by entry into a float32 array, as mmpose does. */
export function getUdpWarpMatrix(center, scale, rot, [w, h]) {
  const r = rot * (Math.PI / 180);
  const input = [center[0] * 2, center[1] * 2];
  const sx = (w - 1) / scale[0], sy = (h - 1) / scale[1];
  const cs = Math.cos(r), sn = Math.sin(r);
  return [
    cs * sx, -sn * sx, sx * (-0.5 * input[0] * cs + 0.5 * input[1] * sn + 0.5 * scale[0]),
    sn * sy, cs * sy, sy * (-0.5 * input[0] * sn - 0.5 * input[1] * cs + 0.5 * scale[1]),
  ].map(Math.fround);
}

/** MSRAHeatmap.decode's scaling (keypoints * float32(input / heatmap)) then add_pred_to_datasample. */
export function mmposeToImage([x, y], { center, scale }, [w, h], [hw, hh], udp) {
  const input = udp
    ? [(x / (hw - 1)) * w, (y / (hh - 1)) * h]  // UDPHeatmap.decode
    : [Math.fround(x * Math.fround(w / hw)), Math.fround(y * Math.fround(h / hh))];  // float32 * float32
  return [(input[0] / w) * scale[0] + center[0] - 0.5 * scale[0], (input[1] / h) * scale[1] + center[1] - 0.5 * scale[1]];
}

/** (x, y) through a 2x3 matrix, in double. */
export const mapPoint = (m, [x, y]) => [m[0] * x + m[1] * y + m[2], m[3] * x + m[4] * y + m[5]];

/** The 2x3 product a o b (b first). */
export const compose = (a, b) => [
  a[0] * b[0] + a[1] * b[3], a[0] * b[1] + a[1] * b[4], a[0] * b[2] + a[1] * b[5] + a[2],
  a[3] * b[0] + a[4] * b[3], a[3] * b[1] + a[4] * b[4], a[3] * b[2] + a[4] * b[5] + a[5],
];

/** The inverse of a 2x3 affine. */
export function invert(m) {
  const det = m[0] * m[4] - m[1] * m[3];
  const a = m[4] / det, b = -m[1] / det, d = -m[3] / det, e = m[0] / det;
  return [a, b, -(a * m[2] + b * m[5]), d, e, -(d * m[2] + e * m[5])];
}
