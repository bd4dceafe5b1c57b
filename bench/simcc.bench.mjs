// SimCC decoding throughput (RTMPose, DWPose, RTMW outputs): coordconv against NumPy's
// get_simcc_maximum / refine_simcc_dark as mmpose 1.x writes them, a plain JavaScript loop, and the
// read-only SIMD sweep of the same bytes (the memory roofline), on the same inputs in one run.
//
// Workloads: body, 256 x 17 keypoints with x [.., 384] and y [.., 512] (RTMPose 256 x 192, split
// ratio 2); whole body, 256 x 133 with x [.., 576] and y [.., 768] (RTMW/DWPose 384 x 288).
// 'argmax' on both, 'dark' (sigma 4.9, 5.66) on the body workload. Every peer's answer is
// checked against coordconv's before it is timed.
//
// Writes bench/results/simcc.json; prints the tables.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

import { builtLibrary, environment, formatNumber, lastLevelCacheBytes, measureInterleaved, printTable, TIME_COLUMNS, writeResults } from './lib/harness.mjs';
import { NumpyPeers, python } from './lib/numpy-peers.mjs';
import { random } from './lib/random.mjs';

const coordconv = builtLibrary();
const require = createRequire(import.meta.url);
// The sweep is an internal addon function, not public API: bench/ reaches it through lib's loader.
const { addon } = require('../dist/addon.js');
const cores = coordconv.maxConcurrency;
const NAME = 'simcc';
const notes = [];
const checks = [];
const tmp = mkdtempSync(path.join(os.tmpdir(), 'coordconv-simcc-bench-'));

// A SimCC-like vector per keypoint: a Gaussian of `sigma` bins at a random bin, plus a little
// noise; every page is written.
function vectors(n, w, sigma, seed) {
  const rand = random(seed);
  const data = new Float32Array(n * w);
  for (let i = 0; i < n; ++i) {
    const c = 20 + rand() * (w - 40);
    const peak = 0.2 + rand();
    for (let j = 0; j < w; ++j) data[i * w + j] = peak * Math.exp(-((j - c) ** 2) / (2 * sigma * sigma)) + 0.01 * rand();
  }
  return data;
}

// The JavaScript peer: get_simcc_maximum as a loop (first index of the maximum, min of the maxima).
function jsSimcc(x, y, n, wx, wy) {
  const coords = new Float32Array(2 * n);
  const scores = new Float32Array(n);
  for (let i = 0; i < n; ++i) {
    let bx = 0, by = 0;
    for (let j = 1; j < wx; ++j) if (x[i * wx + j] > x[i * wx + bx]) bx = j;
    for (let j = 1; j < wy; ++j) if (y[i * wy + j] > y[i * wy + by]) by = j;
    const s = Math.min(x[i * wx + bx], y[i * wy + by]);
    scores[i] = s;
    coords[2 * i] = s > 0 ? bx / 2 : NaN;
    coords[2 * i + 1] = s > 0 ? by / 2 : NaN;
  }
  return coords;
}

function maxDiff(a, b) {
  let worst = 0;
  for (let i = 0; i < a.length; ++i) {
    if (Number.isNaN(a[i]) !== Number.isNaN(b[i]) || (Number.isNaN(a[i]) && b[i] !== -0.5)) return Infinity;
    if (!Number.isNaN(a[i])) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  }
  return worst;
}

const WORKLOADS = [
  { id: 'body-17', n: 256, k: 17, wx: 384, wy: 512, methods: ['argmax', 'dark'] },
  { id: 'wholebody-133', n: 256, k: 133, wx: 576, wy: 768, methods: ['argmax'] },
];
const rows = [];
const ratios = [];
let numpyVersion = null;

for (const workload of WORKLOADS) {
  const { id, n, k, wx, wy } = workload;
  const count = n * k;
  const x = vectors(count, wx, 9.8, 1);
  const y = vectors(count, wy, 11.3, 2);
  const input = { x: { data: x, shape: [n, k, wx] }, y: { data: y, shape: [n, k, wy] } };
  const mib = ((x.byteLength + y.byteLength) / 2 ** 20);
  console.log(`\n${id}: x [${n}, ${k}, ${wx}], y [${n}, ${k}, ${wy}], float32, ${mib.toFixed(1)} MiB`);
  const options = { argmax: { splitRatio: 2 }, dark: { splitRatio: 2, method: 'dark', sigma: [4.9, 5.66] } };
  const reference = Object.fromEntries(workload.methods.map((m) => [m, coordconv.decodeSimccSync(input, options[m]).coords]));
  const impls = [];
  for (const method of workload.methods) {
    for (const threads of [cores, 1]) {
      impls.push({ method, impl: `coordconv decodeSimccSync, ${threads} thread${threads > 1 ? 's' : ''}`, kind: 'coordconv', threads, before: () => coordconv.concurrency(threads), fn: () => coordconv.decodeSimccSync(input, options[method]) });
    }
  }
  impls.push({ method: 'argmax', impl: 'coordconv decodeSimcc (async)', kind: 'coordconv-async', threads: cores, before: () => coordconv.concurrency(cores), fn: () => coordconv.decodeSimcc(input, options.argmax) });
  for (const threads of [cores, 1]) {
    impls.push({ method: 'argmax', impl: `sweep (roofline), ${threads} thread${threads > 1 ? 's' : ''}`, kind: 'roofline', threads, fn: () => addon._sweep({ data: x, threads }) | addon._sweep({ data: y, threads }) });
  }
  const js = maxDiff(reference.argmax, jsSimcc(x, y, count, wx, wy));
  checks.push({ workload: id, impl: 'JavaScript loop', agrees: js === 0 });
  if (js === 0) impls.push({ method: 'argmax', impl: 'JavaScript loop', kind: 'js', threads: 1, fn: () => jsSimcc(x, y, count, wx, wy) });

  const yFile = path.join(tmp, `${id}-y.npy`);
  writeFileSync(yFile, coordconv.encodeNpy({ data: y, shape: [n, k, wy] }));
  const py = new NumpyPeers('simcc_peers.py', path.join(tmp, `${id}-x.npy`), { data: x, shape: [n, k, wx] }, [yFile]);
  try {
    numpyVersion = JSON.parse(await py.ask('info')).numpy;
    for (const method of workload.methods) {
      await py.run(method);
      const diff = maxDiff(reference[method], await py.result(method));
      // argmax: the same bins, divided alike; dark: float32 blur sums in another order.
      const ok = method === 'argmax' ? diff === 0 : diff <= 1e-3;
      checks.push({ workload: id, impl: `NumPy ${method}`, agrees: ok, maxDiffPx: diff });
      console.log(`  NumPy ${method} vs coordconv: max coordinate difference ${diff.toExponential(2)} px`);
      if (ok) impls.push({ method, impl: method === 'argmax' ? 'NumPy get_simcc_maximum' : 'NumPy refine_simcc_dark', kind: 'numpy', threads: 1, selfTimed: true, fn: () => py.run(method) });
    }
  } catch (error) {
    notes.push(`${id}: NumPy peer (${python}): ${error.message}`);
  }
  // A batch that fits the last-level cache is read warm by every impl (see measureInterleaved).
  const times = await measureInterleaved(impls, { budgetMs: 8000, warm: x.byteLength + y.byteLength <= lastLevelCacheBytes() });
  py.close();
  for (const [i, im] of impls.entries()) {
    rows.push({ workload: id, method: im.method, impl: im.impl, kind: im.kind, threads: im.threads, ...times[i], planesPerSec: count / (times[i].medianMs / 1e3), gbPerSec: (x.byteLength + y.byteLength) / (times[i].medianMs / 1e3) / 1e9 });
  }
  coordconv.concurrency(cores);
  printTable(rows.filter((r) => r.workload === id), [
    ...TIME_COLUMNS.slice(1),
    { key: 'method', title: 'method', align: 'left' },
    { key: 'gbPerSec', title: 'GB/s', format: (v) => formatNumber(v) },
    { key: 'planesPerSec', title: 'keypoints/s', format: (v) => formatNumber(v) },
  ]);
  const find = (method, pred) => rows.find((r) => r.workload === id && r.method === method && pred(r));
  for (const method of workload.methods) {
    const ours = find(method, (r) => r.kind === 'coordconv' && r.threads === cores);
    const peers = [
      [find('argmax', (r) => r.kind === 'roofline' && r.threads === cores), 0.8, true],
      [find(method, (r) => r.kind === 'numpy'), null, false],
      [find(method, (r) => r.kind === 'js'), null, false],
    ];
    for (const [peer, target, roofline] of peers) {
      if (!peer || !ours || (roofline && method !== 'argmax')) continue;
      const ratio = peer.medianMs / ours.medianMs;
      ratios.push({ workload: id, method, peer: peer.impl, ratio, target, verdict: target === null ? '-' : ratio >= target ? 'PASS' : 'MISS' });
    }
  }
}

console.log('\nRatios (peer time / coordconv time, coordconv sync on all cores; for the sweep: sweep time / coordconv time)');
printTable(ratios, [
  { key: 'workload', title: 'workload', align: 'left' },
  { key: 'method', title: 'method', align: 'left' },
  { key: 'peer', title: 'peer', align: 'left' },
  { key: 'ratio', title: 'ratio', format: (v) => `${formatNumber(v)}x` },
  { key: 'target', title: 'target', format: (v) => (v === null ? '-' : `>= ${v}x`) },
  { key: 'verdict', title: 'verdict', align: 'left' },
]);
rmSync(tmp, { recursive: true, force: true });
const file = writeResults(NAME, {
  name: NAME,
  description: 'SimCC decoding (get_simcc_maximum, refine_simcc_dark) against NumPy, a JavaScript loop and the memory roofline',
  methodology: 'measureInterleaved rounds (median; a batch that fits the last-level cache read warm by each impl: an untimed call before each timed one); NumPy timed inside Python with perf_counter; every peer checked first',
  environment: environment({ simd: coordconv.simd().active, numpy: numpyVersion }),
  rows,
  ratios,
  checks,
  notes,
});
console.log(`\nwrote ${file}`);
