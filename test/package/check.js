// Run inside a project that installed the packed tarball: decodes, encodes and searches a small
// batch through the installed package and compares with where the pixels were put. Prints the active SIMD path and
// the package's addon file on success; exits 1 with what differs otherwise.
'use strict';
const { decodeSync, encodeSync, peaksSync, simd } = require('coordconv');

const [N, H, W] = [24, 33, 47];
const failures = [];

// One-hot planes: plane i has its pixel at (x, y) = ((7 i + 3) mod W, (5 i + 1) mod H).
const onehot = new Uint8Array(N * H * W);
const where = [];
for (let i = 0; i < N; i++) {
  const [x, y] = [(7 * i + 3) % W, (5 * i + 1) % H];
  where.push([x, y]);
  onehot[i * H * W + y * W + x] = 255;
}
for (const method of ['argmax', 'exact']) {
  const r = decodeSync({ data: onehot, shape: [N, H, W] }, { method });
  where.forEach(([x, y], i) => {
    if (r.coords[2 * i] !== x || r.coords[2 * i + 1] !== y || r.valid[i] !== 1) {
      failures.push(`${method} plane ${i}: expected (${x}, ${y}) valid, received (${r.coords[2 * i]}, ${r.coords[2 * i + 1]}) valid=${r.valid[i]}`);
    }
  });
}

// Encoding those points as uint8 one-hot planes draws exactly the planes above, and peaks (k = 2)
// finds one peak per plane, at the pixel.
const xy = new Float32Array(where.flat());
const drawn = encodeSync({ data: xy, shape: [N, 2] }, { height: H, width: W, dtype: 'uint8' });
const differing = drawn.data.findIndex((v, i) => v !== onehot[i]);
if (differing !== -1) failures.push(`encodeSync: element ${differing} is ${drawn.data[differing]}, expected ${onehot[differing]}`);
const found = peaksSync({ data: onehot, shape: [N, H, W] }, { k: 2 });
where.forEach(([x, y], i) => {
  if (found.counts[i] !== 1 || found.coords[4 * i] !== x || found.coords[4 * i + 1] !== y) {
    failures.push(`peaksSync plane ${i}: expected 1 peak at (${x}, ${y}), received ${found.counts[i]} starting (${found.coords[4 * i]}, ${found.coords[4 * i + 1]})`);
  }
});

// Gaussian heatmaps (sigma 2) centred between pixels: 'dark' finds the centre to well under a pixel.
const heat = new Float32Array(N * H * W);
const centres = where.map(([x, y], i) => [Math.min(Math.max(x, 4), W - 5) + 0.3 + (i % 3) * 0.1, Math.min(Math.max(y, 4), H - 5) + 0.25]);
centres.forEach(([cx, cy], i) => {
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) heat[i * H * W + y * W + x] = Math.exp(-((x - cx) ** 2 + (y - cy) ** 2) / 8);
  }
});
const dark = decodeSync({ data: heat, shape: [N, H, W] }, { method: 'dark' });
centres.forEach(([cx, cy], i) => {
  const [x, y] = [dark.coords[2 * i], dark.coords[2 * i + 1]];
  if (!(Math.abs(x - cx) < 0.1 && Math.abs(y - cy) < 0.1)) {
    failures.push(`dark plane ${i}: expected (${cx.toFixed(2)}, ${cy.toFixed(2)}) within 0.1, received (${x}, ${y})`);
  }
});

if (failures.length > 0) {
  console.error(failures.slice(0, 10).join('\n'));
  process.exit(1);
}
console.log(`decoded ${3 * N}, encoded ${N} and searched ${N} planes correctly on the ${simd().active} path (${process.arch})`);
