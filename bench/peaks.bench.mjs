// peaks over images (CenterNet's top-k over all classes) against per-plane peaks followed by a
// JavaScript merge of each image's planes, on the same inputs, in one run.
//
// Workloads: CenterNet's 80-class centre heatmaps of 128 x 128, batch 1 and 16: a few Gaussian
// centres per class over a low noise floor. Peers: peaksSync over: 'image' on all cores and on one,
// peaks (async) over: 'image', and peaksSync over: 'plane' plus a JS merge (value, channel, index).
// The merged answer is checked against over: 'image' before anything is timed.
//
// Writes bench/results/peaks.json; prints the table.
import { builtLibrary, environment, formatNumber, measureInterleaved, printTable, TIME_COLUMNS, writeResults } from './lib/harness.mjs';
import { random } from './lib/random.mjs';

const coordconv = builtLibrary();
const cores = coordconv.maxConcurrency;
const K = 100;
const C = 80, H = 128, W = 128;

function centres(n, seed) {
  const rand = random(seed);
  const data = new Float32Array(n * C * H * W);
  for (let p = 0; p < n * C; ++p) {
    const base = p * H * W;
    for (let i = 0; i < H * W; ++i) data[base + i] = 0.02 * rand();
    for (let o = 0, count = Math.floor(rand() * 4); o < count; ++o) {
      const cx = rand() * W, cy = rand() * H, peak = 0.2 + 0.8 * rand();
      for (let y = Math.max(0, Math.floor(cy - 8)); y < Math.min(H, cy + 8); ++y) {
        for (let x = Math.max(0, Math.floor(cx - 8)); x < Math.min(W, cx + 8); ++x) {
          const v = peak * Math.exp(-((x - cx) ** 2 + (y - cy) ** 2) / 8);
          if (v > data[base + y * W + x]) data[base + y * W + x] = v;
        }
      }
    }
  }
  return data;
}

// Per-plane peaks, then each image's C * K slots merged in JS, as a caller without over: 'image' would.
function planesThenMerge(input, n) {
  const r = coordconv.peaksSync(input, { k: K });
  const coords = new Float32Array(n * K * 2).fill(NaN);
  const scores = new Float32Array(n * K);
  const channels = new Uint32Array(n * K);
  const counts = new Uint32Array(n);
  for (let g = 0; g < n; ++g) {
    const all = [];
    for (let c = 0; c < C; ++c) {
      const p = g * C + c;
      for (let j = 0; j < r.counts[p]; ++j) all.push(p * K + j);
    }
    // Slots of one plane are in (value, index) order already; a stable sort by (value, channel) keeps it.
    all.sort((a, b) => r.scores[b] - r.scores[a] || Math.floor(a / K) - Math.floor(b / K));
    const keep = Math.min(K, all.length);
    for (let j = 0; j < keep; ++j) {
      const s = all[j], at = g * K + j;
      coords[2 * at] = r.coords[2 * s];
      coords[2 * at + 1] = r.coords[2 * s + 1];
      scores[at] = r.scores[s];
      channels[at] = Math.floor(s / K) % C;
    }
    counts[g] = keep;
  }
  return { coords, scores, channels, counts };
}

const same = (a, b) => a.length === b.length && a.every((v, i) => Object.is(v, b[i]));

const rows = [];
for (const n of [1, 16]) {
  const data = centres(n, 1234 + n);
  const input = { data, shape: [n, C, H, W] };
  const workload = `[${n}, ${C}, ${H}, ${W}] k=${K}`;
  const image = coordconv.peaksSync(input, { k: K, over: 'image' });
  const merged = planesThenMerge(input, n);
  for (const key of ['coords', 'scores', 'channels', 'counts']) {
    if (!same(image[key], merged[key])) throw new Error(`${workload}: over: 'image' and the JS merge disagree on ${key}`);
  }
  const withThreads = (threads, fn) => () => {
    coordconv.concurrency(threads);
    return fn();
  };
  const impls = [
    { name: `peaksSync over image (${cores} threads)`, fn: withThreads(cores, () => coordconv.peaksSync(input, { k: K, over: 'image' })) },
    { name: 'peaksSync over image (1 thread)', fn: withThreads(1, () => coordconv.peaksSync(input, { k: K, over: 'image' })) },
    { name: `peaks (async) over image (${cores} threads)`, fn: withThreads(cores, () => coordconv.peaks(input, { k: K, over: 'image' })) },
    { name: `peaksSync over plane + JS merge (${cores} threads)`, fn: withThreads(cores, () => planesThenMerge(input, n)) },
  ];
  const stats = await measureInterleaved(impls, { budgetMs: 8000 });
  coordconv.concurrency(cores);
  const base = stats[0].medianMs;
  impls.forEach((im, i) => rows.push({ workload, impl: im.name, ...stats[i], ratio: stats[i].medianMs / base }));
}

printTable(rows, [...TIME_COLUMNS, { key: 'ratio', title: 'x over image', format: (v) => formatNumber(v) }]);
const file = writeResults('peaks', { environment: environment({ simd: coordconv.simd().active }), rows });
console.log(`\nwrote ${file}`);
