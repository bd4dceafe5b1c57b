// generate() restated in plain JS, independent of lib/: the documented sampling scheme,
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

// The onehot, square and circle targets drawn at the centre (x, y), pixel by pixel.
export function drawPlaneRef(kind, [x, y], { width, height, radius = 4, value }) {
  const out = new Float64Array(width * height);
  for (let r = 0; r < height; r++) {
    for (let c = 0; c < width; c++) {
      let on = false;
      if (kind === 'onehot') on = r === y && c === x;
      if (kind === 'square') on = Math.abs(r - y) <= radius && Math.abs(c - x) <= radius;
      if (kind === 'circle') on = (c - x) ** 2 + (r - y) ** 2 <= radius * radius;
      out[r * width + c] = on ? value : 0;
    }
  }
  return out;
}

// One run of the library's generate(options), its batches joined: images, locations and val as
// single arrays, and each batch's start. The library comes in as `generate`, so this file stays
// free of lib/.
export async function collect(generate, options) {
  const batches = [];
  for await (const b of generate(options)) batches.push(b);
  const join = (parts, Type) => {
    const out = new Type(parts.reduce((a, p) => a + p.length, 0));
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  };
  const Images = options.dtype === 'uint8' ? Uint8Array : Float32Array;
  return {
    batches,
    starts: batches.map((b) => b.start),
    images: join(batches.map((b) => b.images.data), Images),
    locations: join(batches.map((b) => b.locations.data), Float32Array),
    val: join(batches.map((b) => b.val), Uint8Array),
  };
}
