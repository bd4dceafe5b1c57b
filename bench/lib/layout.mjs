// The layout section of decode.bench.mjs: channels-last ([N, H, W, C], tfjs' convention) against
// the same heatmaps plane after plane ([N, C, H, W]), in one run, for decode and peaks. Also the
// way a caller managed before layout 'nhwc': a JavaScript transpose to NCHW, then the NCHW call.
// Every NHWC answer is checked bit for bit against the NCHW call's before anything is timed.
import { formatNumber, measureInterleaved, printTable } from './harness.mjs';
import { random } from './random.mjs';

// N images of C Gaussian heatmaps (sigma 2, peak 1, centres at least 6 px inside), channels-last,
// and the same planes as [N, C, H, W].
function heatmapsBoth(n, h, w, c, seed) {
  const rand = random(seed);
  const nhwc = new Float32Array(n * h * w * c);
  const nchw = new Float32Array(n * c * h * w);
  const gx = new Float64Array(w);
  const gy = new Float64Array(h);
  for (let i = 0; i < n; ++i) {
    for (let ch = 0; ch < c; ++ch) {
      const cx = 6 + rand() * (w - 13), cy = 6 + rand() * (h - 13);
      for (let x = 0; x < w; ++x) gx[x] = Math.exp(-((x - cx) ** 2) / 8);
      for (let y = 0; y < h; ++y) gy[y] = Math.exp(-((y - cy) ** 2) / 8);
      const plane = (i * c + ch) * h * w;
      for (let y = 0; y < h; ++y) {
        for (let x = 0; x < w; ++x) {
          const v = gx[x] * gy[y];
          nchw[plane + y * w + x] = v;
          nhwc[((i * h + y) * w + x) * c + ch] = v;
        }
      }
    }
  }
  return { nhwc, nchw };
}

function jsTranspose(data, n, h, w, c) {
  const out = new Float32Array(data.length);
  for (let i = 0; i < n; ++i) {
    for (let p = 0; p < h * w; ++p) {
      const src = (i * h * w + p) * c;
      for (let ch = 0; ch < c; ++ch) out[(i * c + ch) * h * w + p] = data[src + ch];
    }
  }
  return out;
}

const sameBytes = (a, b) => Buffer.compare(Buffer.from(a.buffer, a.byteOffset, a.byteLength), Buffer.from(b.buffer, b.byteOffset, b.byteLength)) === 0;

const WORKLOADS = [
  { id: 'nhwc 64x64x48x17', shape: [64, 64, 48, 17], op: 'decode', methods: ['argmax', 'dark', 'softargmax'] },
  { id: 'nhwc 64x368x368x16', shape: [64, 368, 368, 16], op: 'decode', methods: ['argmax', 'dark'] },
  { id: 'nhwc 1x128x128x80', shape: [1, 128, 128, 80], op: 'peaks', methods: ['peaks'] },
  { id: 'nhwc 16x128x128x80', shape: [16, 128, 128, 80], op: 'peaks', methods: ['peaks'] },
];

// Rows { workload, method, impl, medianMs, ..., planesPerSec } and ratios NHWC / NCHW (target 0.8).
export async function layoutSection(coordconv, cores) {
  const rows = [];
  const ratios = [];
  const checks = [];
  console.log(`\n## Layout: NHWC in place against NCHW planes (sync, ${cores} threads)`);
  for (const [seed, wl] of WORKLOADS.entries()) {
    const [n, h, w, c] = wl.shape;
    const { nhwc, nchw } = heatmapsBoth(n, h, w, c, 100 + seed);
    const inNhwc = { data: nhwc, shape: [n, h, w, c] };
    const inNchw = { data: nchw, shape: [n, c, h, w] };
    for (const method of wl.methods) {
      const call = (input, layout) =>
        wl.op === 'peaks' ? coordconv.peaksSync(input, { k: 100, layout }) : coordconv.decodeSync(input, { method, layout });
      const a = call(inNhwc, 'nhwc'), b = call(inNchw, 'nchw');
      const ok = ['coords', 'scores', 'valid'].every((key) => sameBytes(a[key], b[key]));
      checks.push({ workload: wl.id, peer: `${method} nhwc`, against: `${method} nchw`, ok, detail: ok ? 'equal' : 'differs' });
      if (!ok) {
        console.log(`  ! ${wl.id} ${method}: NHWC differs from NCHW (rows left out)`);
        continue;
      }
      const impls = [
        { impl: 'NHWC in place (layout: nhwc)', fn: () => call(inNhwc, 'nhwc') },
        { impl: 'NCHW planes', fn: () => call(inNchw, 'nchw') },
      ];
      const times = await measureInterleaved(impls, { budgetMs: 4000, maxRounds: 15 });
      // The transpose the option replaces, on the big decode workload only: it is slow, and timed
      // on its own, as the array it allocates and drops slows whatever runs after it.
      if (wl.op === 'decode' && method === 'argmax') {
        impls.push({ impl: 'JavaScript transpose, then NCHW', fn: () => call({ data: jsTranspose(nhwc, n, h, w, c), shape: [n, c, h, w] }, 'nchw') });
        times.push(...(await measureInterleaved(impls.slice(2), { budgetMs: 4000, maxRounds: 5 })));
      }
      const got = impls.map((im, i) => {
        const row = { workload: wl.id, method, impl: im.impl, kind: 'coordconv-layout', threads: cores, ...times[i], planesPerSec: (n * c) / (times[i].medianMs / 1e3) };
        rows.push(row);
        return row;
      });
      const ratio = got[1].medianMs / got[0].medianMs;
      ratios.push({ workload: wl.id, method, coordconv: got[0].impl, peer: got[1].impl, ratio, target: 0.8, verdict: ratio >= 0.8 ? 'PASS' : 'MISS' });
      if (got[2]) ratios.push({ workload: wl.id, method, coordconv: got[0].impl, peer: got[2].impl, ratio: got[2].medianMs / got[0].medianMs, target: null, verdict: '' });
    }
  }
  printTable(rows, [
    { key: 'workload', title: 'workload', align: 'left' },
    { key: 'method', title: 'method', align: 'left' },
    { key: 'impl', title: 'implementation', align: 'left' },
    { key: 'medianMs', title: 'median ms', format: (v) => v.toFixed(2) },
    { key: 'reps', title: 'reps' },
    { key: 'planesPerSec', title: 'planes/s', format: (v) => formatNumber(v) },
  ]);
  return { rows, ratios, checks };
}
