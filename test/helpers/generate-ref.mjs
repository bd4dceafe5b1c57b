// The documented sampling scheme of generate(), restated in plain JS (BigInt-free, independent of lib/):
// word(seed, i, k) = lowbias32(lowbias32(lowbias32(lowbias32(seed) ^ lo(i)) ^ hi(i)) ^ k).
function lowbias32(h) {
  h = (h ^ (h >>> 16)) >>> 0;
  h = Number((BigInt(h) * 0x7feb352dn) & 0xffffffffn);
  h = (h ^ (h >>> 15)) >>> 0;
  h = Number((BigInt(h) * 0x846ca68bn) & 0xffffffffn);
  return (h ^ (h >>> 16)) >>> 0;
}

export function word(seed, i, k) {
  const lo = i % 2 ** 32;
  const hi = Math.floor(i / 2 ** 32);
  return lowbias32((lowbias32((lowbias32((lowbias32(seed) ^ lo) >>> 0) ^ hi) >>> 0) ^ k) >>> 0);
}

/** Centres and val flag of sample i. */
export function sample(i, { seed = 0, objects = 1, margin = 0, width = 64, height = 64, split = 'uniform', valFraction = 0.25 }) {
  const pick = (w, range) => Number((BigInt(w >>> 8) * BigInt(range)) / 16777216n);
  const xy = [];
  let quadrant = false;
  for (let j = 0; j < objects; j++) {
    const x = margin + pick(word(seed, i, 2 * j), width - 2 * margin);
    const y = margin + pick(word(seed, i, 2 * j + 1), height - 2 * margin);
    xy.push([x, y]);
    if (x / width > 0.5 && y / height > 0.5) quadrant = true;
  }
  let val;
  if (split === 'quadrant') val = quadrant;
  else {
    const a = word(seed, i, 0xfffffffe) >>> 5;
    const b = word(seed, i, 0xffffffff) >>> 6;
    val = (a * 67108864 + b) / 9007199254740992 < valFraction;
  }
  return { xy, val: val ? 1 : 0 };
}
