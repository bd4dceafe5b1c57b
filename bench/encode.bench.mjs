// Encoding and CoordConv throughput: coordconv against its peers, on the same inputs, in one run.
//
// Workloads:
// - 'gaussian' encoding of 64 x 17 planes of 64 x 48 (sigma 2, unbiased): coordconv encodeSync
//   (all cores, 1 thread) and encode (async) against a plain JavaScript loop (the closed form per
//   pixel, and a separable loop: one exp row per axis, then the outer product) and NumPy vectorised
//   over the batch (the closed form broadcast, and the separable outer product), timed in Python.
// - coordConv2d, N = 256, 64 x 64, 3 x 3, padding 1, C in {1, 4, 8}, O in {8, 16, 32}: coordconv
//   (coordinate channels generated on the fly) against onnxruntime-node's Conv given the input with
//   the coordinate channels already concatenated (made by addCoords before timing), all threads and 1.
// Every peer's answer is checked against coordconv's before it is timed.
//
// Writes bench/results/encode.json; prints the tables.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

import { convModel } from './onnx-model.mjs';
import { TIME_COLUMNS, benchDir, builtLibrary, environment, formatNumber, measureInterleaved, printTable, writeResults } from './lib/harness.mjs';
import { NumpyPeers, python } from './lib/numpy-peers.mjs';
import { random } from './lib/random.mjs';

const root = path.resolve(benchDir, '..');
const coordconv = builtLibrary();
const require = createRequire(import.meta.url);
const cores = coordconv.maxConcurrency;
const NAME = 'encode';
const notes = [];
const rows = [];
const checks = [];

function worstDiff(a, b) {
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (!(d <= worst)) worst = Number.isNaN(d) ? Infinity : d;
  }
  return worst;
}

function check(workload, impl, diff, tol) {
  const ok = diff <= tol;
  checks.push({ workload, impl, maxAbsDiff: diff, tolerance: tol, ok });
  if (!ok) notes.push(`${workload}: ${impl} left out, its answer differs from coordconv by ${diff} (> ${tol})`);
  return ok;
}

function addRow(workload, impl, time, extra = {}) {
  rows.push({ workload, impl, kind: extra.kind ?? 'coordconv', threads: extra.threads ?? 1, ...time });
}

// --- Python ---------------------------------------------------------------------------------------
let numpyVersion = null;
{
  const r = spawnSync(python, ['-c', 'import numpy; print(numpy.__version__)'], { encoding: 'utf8' });
  if (r.status === 0) numpyVersion = r.stdout.trim();
  else notes.push(`NumPy rows skipped: ${python} with numpy was not found (Debian: apt-get install python3-numpy)`);
}
const tmp = mkdtempSync(path.join(os.tmpdir(), 'coordconv-encode-bench-'));
process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));

// --- gaussian encoding ------------------------------------------------------------------------------
const G = { n: 64, c: 17, h: 64, w: 48, sigma: 2 };
const gid = `gaussian ${G.n}x${G.c} planes of ${G.h}x${G.w}`;
{
  const rand = random(4);
  const coords = new Float32Array(G.n * G.c * 2).map((_, i) => (i % 2 ? rand() * G.h : rand() * G.w));
  const shape = [G.n, G.c, 2];
  const options = { height: G.h, width: G.w, kind: 'gaussian', sigma: G.sigma };
  const expected = coordconv.encodeSync({ data: coords, shape }, options).data;
  const planes = G.n * G.c;
  const k = 1 / (2 * G.sigma * G.sigma);
  const jsDense = () => {
    const out = new Float32Array(planes * G.h * G.w);
    for (let p = 0; p < planes; p++) {
      const cx = coords[2 * p], cy = coords[2 * p + 1];
      for (let y = 0; y < G.h; y++) {
        for (let x = 0; x < G.w; x++) out[(p * G.h + y) * G.w + x] = Math.exp(-((x - cx) ** 2 + (y - cy) ** 2) * k);
      }
    }
    return out;
  };
  const jsSeparable = () => {
    const out = new Float32Array(planes * G.h * G.w);
    const gx = new Float64Array(G.w), gy = new Float64Array(G.h);
    for (let p = 0; p < planes; p++) {
      const cx = coords[2 * p], cy = coords[2 * p + 1];
      for (let x = 0; x < G.w; x++) gx[x] = Math.exp(-((x - cx) ** 2) * k);
      for (let y = 0; y < G.h; y++) gy[y] = Math.exp(-((y - cy) ** 2) * k);
      for (let y = 0; y < G.h; y++) {
        const base = (p * G.h + y) * G.w;
        for (let x = 0; x < G.w; x++) out[base + x] = gy[y] * gx[x];
      }
    }
    return out;
  };
  const impls = [
    { label: `coordconv encodeSync, ${cores} threads`, threads: cores, before: () => coordconv.concurrency(cores), fn: () => coordconv.encodeSync({ data: coords, shape }, options) },
    { label: 'coordconv encodeSync, 1 thread', threads: 1, before: () => coordconv.concurrency(1), fn: () => coordconv.encodeSync({ data: coords, shape }, options) },
    { label: `coordconv encode (async), ${cores} threads`, threads: cores, before: () => coordconv.concurrency(cores), fn: () => coordconv.encode({ data: coords, shape }, options) },
  ];
  for (const [label, fn] of [['JavaScript loop (closed form per pixel)', jsDense], ['JavaScript loop (separable)', jsSeparable]]) {
    if (check(gid, label, worstDiff(fn(), expected), 1e-6)) impls.push({ label, kind: 'js', fn });
  }
  let numpy = null;
  if (numpyVersion) {
    numpy = new NumpyPeers('encode_peers.py', path.join(tmp, 'coords.npy'), { data: coords, shape }, [String(G.h), String(G.w), String(G.sigma)]);
    for (const kind of ['dense', 'separable']) {
      const label = `NumPy vectorised (${kind === 'dense' ? 'closed form broadcast' : 'separable outer product'})`;
      try {
        if (check(gid, label, worstDiff(await numpy.result(kind), expected), 1e-6)) impls.push({ label, kind: 'numpy', selfTimed: true, fn: () => numpy.run(kind) });
      } catch (error) {
        notes.push(`${gid}: ${error.message}`);
      }
    }
  }
  const times = await measureInterleaved(impls, { minRounds: 15, maxRounds: 60, budgetMs: 15000 });
  impls.forEach((im, i) => addRow(gid, im.label, times[i], { kind: im.kind, threads: im.threads }));
  numpy?.close();
  coordconv.concurrency(cores);
}

// --- coordConv2d -------------------------------------------------------------------------------------
let ort = null;
try {
  ort = require('onnxruntime-node');
} catch {
  notes.push('onnxruntime-node is not installed in bench/: the coordConv2d peers were skipped');
}
const convConfigs = [[1, 8], [4, 16], [8, 32], [8, 8], [1, 32]];
const N = process.env.BENCH_QUICK === '1' ? 32 : 256;
for (const [C, O] of convConfigs) {
  const id = `coordConv2d N=${N} ${C}->${O} 64x64 3x3`;
  const rand = random(C * 100 + O);
  const H = 64, W = 64;
  const x = { data: new Float32Array(N * C * H * W).map(() => rand() * 2 - 1), shape: [N, C, H, W] };
  const weight = { data: new Float32Array(O * (C + 2) * 9).map(() => (rand() * 2 - 1) / Math.sqrt(9 * (C + 2))), shape: [O, C + 2, 3, 3] };
  const bias = new Float32Array(O).map(() => rand() * 0.2 - 0.1);
  const options = { weight, bias, padding: 1 };
  const expected = coordconv.coordConv2dSync(x, options).data;
  const impls = [cores, 1].map((threads) => ({
    label: `coordconv coordConv2dSync, ${threads} thread${threads > 1 ? 's' : ''}`, threads,
    before: () => coordconv.concurrency(threads), fn: () => coordconv.coordConv2dSync(x, options),
  }));
  const sessions = [];
  if (ort) {
    const withCoords = coordconv.addCoords(x);
    const model = convModel({ weight: weight.data, weightShape: weight.shape, bias, height: H, width: W, pads: [1, 1, 1, 1] });
    const tensor = new ort.Tensor('float32', withCoords.data, withCoords.shape);
    for (const threads of [cores, 1]) {
      const session = await ort.InferenceSession.create(model, {
        intraOpNumThreads: threads,
        interOpNumThreads: 1,
        graphOptimizationLevel: 'all',
        // ONNX Runtime's pool threads spin for a while after each run: in interleaved rounds that
        // spinning takes a core from whatever runs next, coordconv's second thread among them.
        extra: { session: { intra_op: { allow_spinning: '0' } } },
      });
      sessions.push(session);
      const run = async () => (await session.run({ x: tensor })).y.data;
      const label = `onnxruntime Conv (coords concatenated), ${threads} thread${threads > 1 ? 's' : ''}`;
      if (check(id, label, worstDiff(await run(), expected), 1e-4)) impls.push({ label, kind: 'onnxruntime', threads, fn: run });
    }
  }
  const times = await measureInterleaved(impls, { minRounds: 5, maxRounds: 15, budgetMs: 12000 });
  impls.forEach((im, i) => addRow(id, im.label, times[i], { kind: im.kind, threads: im.threads }));
  for (const s of sessions) await s.release();
  coordconv.concurrency(cores);
}

// --- tables ---------------------------------------------------------------------------------------------
console.log('\n## Times (median ms; min and max over the repetitions)');
printTable(rows, [
  ...TIME_COLUMNS,
  { key: 'minMs', title: 'min ms', format: (v) => formatNumber(v) },
  { key: 'maxMs', title: 'max ms', format: (v) => formatNumber(v) },
  { key: 'reps', title: 'reps' },
]);

// Ratios: the peer's time over coordconv's with the same thread count (all cores unless 1).
const ratios = [];
for (const r of rows.filter((row) => row.kind !== 'coordconv')) {
  const oneThread = r.kind === 'onnxruntime' && r.threads === 1;
  const cc = rows.find((c) => c.workload === r.workload && c.kind === 'coordconv' && c.impl.includes('Sync') && c.threads === (oneThread ? 1 : cores));
  const isGauss = r.workload === gid;
  const target = isGauss ? 10 : 1;
  ratios.push({ workload: r.workload, coordconv: cc.impl, peer: r.impl, ratio: r.medianMs / cc.medianMs, target, verdict: r.medianMs / cc.medianMs >= target ? 'PASS' : 'MISS' });
}
console.log('\n## Ratios: peer time / coordconv time, same run (ONNX Runtime 1 thread against coordconv 1 thread)');
printTable(ratios, [
  { key: 'workload', title: 'workload', align: 'left' },
  { key: 'peer', title: 'peer', align: 'left' },
  { key: 'ratio', title: 'ratio', format: (v) => `${v.toFixed(2)}x` },
  { key: 'target', title: 'target', format: (v) => `>= ${v}x` },
  { key: 'verdict', title: 'verdict', align: 'left' },
]);

const env = environment({
  simd: coordconv.simd().active,
  simdAvailable: coordconv.simd().available,
  coordconvThreads: cores,
  onnxruntime: ort ? require('onnxruntime-node/package.json').version : null,
  numpy: numpyVersion,
  loadAverage: os.loadavg().map((v) => Number(v.toFixed(2))),
});
console.log(`\nCPU ${env.cpu} (${env.cores} cores), Node ${env.node}, SIMD path ${env.simd}, NumPy ${env.numpy ?? 'absent'}, onnxruntime-node ${env.onnxruntime ?? 'absent'}, load average ${env.loadAverage.join(' ')}`);
for (const n of notes) console.log(`note: ${n}`);
const summary = { pass: ratios.filter((r) => r.verdict === 'PASS').length, miss: ratios.filter((r) => r.verdict === 'MISS').length };
console.log(`targets: ${summary.pass} PASS, ${summary.miss} MISS`);
const file = writeResults(NAME, {
  name: NAME,
  description: "Encoding ('gaussian') and coordConv2d throughput: coordconv against peers on the same inputs.",
  methodology: 'Every implementation of a workload is checked against coordconv first, warmed up once, then timed in interleaved rounds (each round runs each implementation once, in an order shuffled per round, seeded), so load drifting on a shared machine hits all alike; times are medians in ms (min and max kept). NumPy peers run in a Python process serving the same coordinates and time themselves with time.perf_counter. Every peer result was checked against coordconv before timing. The ONNX Runtime input already holds the coordinate channels (made by addCoords, untimed); coordconv generates them inside the convolution.',
  environment: env,
  rows,
  ratios,
  checks,
  summary,
  notes,
});
console.log(`wrote ${path.relative(root, file)}`);
