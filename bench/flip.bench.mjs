// The flip test's merge (mergeFlippedSync) against the memory roofline and a plain JavaScript loop
// of mmpose's flip_heatmaps + average, on the same inputs in one run.
//
// The merge reads two inputs and writes one float32 output, so its roofline is the cheapest pass
// that moves the same bytes: a memcpy of the first input into the output (TypedArray.set) plus the
// read-only SIMD sweep of the second, one thread each (the merge's one-thread row is compared with
// it). Workloads: MSRA-style heatmaps 64 x 17 x 64 x 48 (float32 and float16, NCHW, shift), the same
// channels-last, and RTMPose SimCC pairs 256 x 17 x (384, 512).
//
// Writes bench/results/flip.json; prints the tables.
import { createRequire } from 'node:module';

import { builtLibrary, environment, formatNumber, measureInterleaved, printTable, TIME_COLUMNS, writeResults } from './lib/harness.mjs';
import { random } from './lib/random.mjs';

const coordconv = builtLibrary();
const require = createRequire(import.meta.url);
// The sweep is an internal addon function, not public API: bench/ reaches it through lib's loader.
const { addon } = require('../dist/addon.js');
const cores = coordconv.maxConcurrency;
const NAME = 'flip';
const COCO17 = coordconv.FLIP_INDICES.coco17;

const floats = (n, seed) => {
  const rand = random(seed);
  return new Float32Array(n).map(() => rand());
};
// Halves of values in [0, 1): the float32 bits' top 16 bits are not halves, so build them plainly.
const halves = (n, seed) => {
  const rand = random(seed);
  return new Uint16Array(n).map(() => 0x3000 + Math.floor(rand() * 0x0c00));  // 2^-3 .. about 0.9
};

// The JavaScript peer: flip_heatmaps (flip, gather, shift) and (a + b) * 0.5, NCHW float32.
function jsMerge(a, b, [n, k, h, w], out) {
  for (let i = 0; i < n; ++i) {
    for (let c = 0; c < k; ++c) {
      const src = (i * k + COCO17[c]) * h * w, dst = (i * k + c) * h * w;
      for (let y = 0; y < h; ++y) {
        const r = y * w;
        out[dst + r] = (a[dst + r] + b[src + r + w - 1]) * 0.5;
        for (let x = 1; x < w; ++x) out[dst + r + x] = (a[dst + r + x] + b[src + r + w - x]) * 0.5;
      }
    }
  }
  return out;
}

const shape = [64, 17, 64, 48];
const count = shape.reduce((p, d) => p * d, 1);
const WORKLOADS = [
  { id: 'heatmaps f32 nchw', a: { data: floats(count, 1), shape }, b: { data: floats(count, 2), shape }, options: { flipIndices: 'coco17', shift: true }, js: true },
  { id: 'heatmaps f16 nchw', a: { data: halves(count, 3), shape, dtype: 'float16' }, b: { data: halves(count, 4), shape, dtype: 'float16' }, options: { flipIndices: 'coco17', shift: true } },
  { id: 'heatmaps f32 nhwc', a: { data: floats(count, 5), shape: [64, 64, 48, 17] }, b: { data: floats(count, 6), shape: [64, 64, 48, 17] }, options: { flipIndices: 'coco17', shift: true, layout: 'nhwc' } },
  {
    id: 'simcc f32',
    a: { x: { data: floats(256 * 17 * 384, 7), shape: [256, 17, 384] }, y: { data: floats(256 * 17 * 512, 8), shape: [256, 17, 512] } },
    b: { x: { data: floats(256 * 17 * 384, 9), shape: [256, 17, 384] }, y: { data: floats(256 * 17 * 512, 10), shape: [256, 17, 512] } },
    options: { flipIndices: 'coco17' },
  },
];

const rows = [];
const ratios = [];
const checks = [];
for (const wl of WORKLOADS) {
  const arrays = wl.a.x ? [[wl.a.x.data, wl.b.x.data], [wl.a.y.data, wl.b.y.data]] : [[wl.a.data, wl.b.data]];
  const outs = arrays.map(([a]) => new Float32Array(a.length));
  const bytes = arrays.reduce((s, [a, b]) => s + a.byteLength + b.byteLength, 0) + outs.reduce((s, o) => s + o.byteLength, 0);
  console.log(`\n${wl.id}: ${(bytes / 2 ** 20).toFixed(1)} MiB read and written`);
  const impls = [];
  // With `out`, as a server's hot path calls it (and as the roofline writes into outs); without,
  // the output's fresh pages are faulted in by the first write, in the call.
  const withOut = { ...wl.options, out: wl.a.x ? { x: outs[0], y: outs[1] } : outs[0] };
  for (const threads of [cores, 1]) {
    impls.push({ impl: `coordconv mergeFlippedSync, out, ${threads} thread${threads > 1 ? 's' : ''}`, kind: 'coordconv', threads, before: () => coordconv.concurrency(threads), fn: () => coordconv.mergeFlippedSync(wl.a, wl.b, withOut) });
  }
  impls.push({ impl: `coordconv mergeFlippedSync, new output, ${cores} threads`, kind: 'coordconv-alloc', threads: cores, before: () => coordconv.concurrency(cores), fn: () => coordconv.mergeFlippedSync(wl.a, wl.b, wl.options) });
  // The roofline needs float32 sources to copy into the float32 output: only for float32 workloads.
  if (arrays[0][0] instanceof Float32Array) {
    impls.push({
      impl: 'memcpy + sweep (roofline), 1 thread',
      kind: 'roofline',
      threads: 1,
      fn: () => arrays.reduce((s, [a, b], i) => (outs[i].set(a), s | addon._sweep({ data: new Uint8Array(b.buffer, b.byteOffset, b.byteLength), threads: 1 })), 0),
    });
  }
  if (wl.js) {
    // The loop writes into its own array: the merge's `out` is outs[0].
    const jsOut = new Float32Array(count);
    const want = coordconv.mergeFlippedSync(wl.a, wl.b, wl.options).data;
    const got = jsMerge(wl.a.data, wl.b.data, shape, new Float32Array(count));
    const agrees = got.every((v, i) => v === want[i]);
    checks.push({ workload: wl.id, impl: 'JavaScript loop', agrees });
    if (agrees) impls.push({ impl: 'JavaScript loop', kind: 'js', threads: 1, fn: () => jsMerge(wl.a.data, wl.b.data, shape, jsOut) });
  }
  const times = await measureInterleaved(impls, { budgetMs: 5000 });
  for (const [i, im] of impls.entries()) rows.push({ workload: wl.id, impl: im.impl, kind: im.kind, threads: im.threads, ...times[i], gbPerSec: bytes / (times[i].medianMs / 1e3) / 1e9 });
  coordconv.concurrency(cores);
  printTable(rows.filter((r) => r.workload === wl.id), [...TIME_COLUMNS.slice(1), { key: 'gbPerSec', title: 'GB/s moved', format: (v) => formatNumber(v) }]);
  const find = (pred) => rows.find((r) => r.workload === wl.id && pred(r));
  const one = find((r) => r.kind === 'coordconv' && r.threads === 1);
  const all = find((r) => r.kind === 'coordconv' && r.threads === cores);
  const roof = find((r) => r.kind === 'roofline');
  const js = find((r) => r.kind === 'js');
  if (roof) ratios.push({ workload: wl.id, peer: roof.impl, ours: one.impl, ratio: roof.medianMs / one.medianMs });
  if (js) ratios.push({ workload: wl.id, peer: js.impl, ours: all.impl, ratio: js.medianMs / all.medianMs });
}

console.log('\nRatios (peer time / coordconv time)');
printTable(ratios, [
  { key: 'workload', title: 'workload', align: 'left' },
  { key: 'peer', title: 'peer', align: 'left' },
  { key: 'ours', title: 'coordconv', align: 'left' },
  { key: 'ratio', title: 'ratio', format: (v) => `${formatNumber(v)}x` },
]);
const file = writeResults(NAME, {
  name: NAME,
  description: 'The flip test merge (mergeFlippedSync) against the memory roofline (memcpy + read sweep) and a JavaScript loop',
  methodology: 'measureInterleaved rounds (median); the JavaScript loop checked bit for bit first',
  environment: environment({ simd: coordconv.simd().active }),
  rows,
  ratios,
  checks,
});
console.log(`\nwrote ${file}`);
