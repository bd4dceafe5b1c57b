// Dataset generation: 64 x 64 uint8 one-hot samples generated into memory vs zero-filling
// the same bytes, generated into a .npy file vs plain fs writes of the same bytes, and the resident
// memory of a one-million-sample run. Targets: >= 50% of each baseline's speed, < 512 MiB RSS.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, openSync, writeSync, closeSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { TIME_COLUMNS, builtLibrary, environment, formatNumber, measureInterleaved, printTable, writeResults } from './lib/harness.mjs';

const { generate, writeGenerated, simd } = builtLibrary();

const quick = process.env.BENCH_QUICK === '1';
const SIDE = 64;
const SAMPLE = SIDE * SIDE;
const BATCH = 4096; // samples per batch: 16 MiB of uint8 images
const SAMPLES = quick ? 8192 : 65536; // 256 MiB per run
const MILLION = 1_000_000;
const bytes = SAMPLES * SAMPLE;

// --- 1. in memory ------------------------------------------------------------------------------
// Both sides allocate a fresh batch and write every one of its bytes' pages: zero-fill writes all
// 16 MiB, the generator zeroes them on allocation and draws one pixel per sample.
const zeroFill = () => {
  for (let done = 0; done < SAMPLES; done += BATCH) {
    const b = new Uint8Array(Math.min(BATCH, SAMPLES - done) * SAMPLE);
    b.fill(0);
  }
};
const generateInMemory = async () => {
  let n = 0;
  for await (const batch of generate({ count: SAMPLES, dtype: 'uint8', kind: 'onehot', batchSize: BATCH, seed: 1 })) n += batch.count;
  if (n !== SAMPLES) throw new Error('short run');
};

// Check before timing: the generator's images hold exactly one 255 per sample.
{
  let first;
  for await (const batch of generate({ count: 64, dtype: 'uint8', batchSize: 64, seed: 1 })) first = batch;
  for (let s = 0; s < 64; s++) {
    const plane = first.images.data.subarray(s * SAMPLE, (s + 1) * SAMPLE);
    const hot = plane.reduce((a, v) => a + (v !== 0), 0);
    if (hot !== 1) throw new Error(`sample ${s} has ${hot} hot pixels`);
  }
}

// --- 2. into a file ------------------------------------------------------------------------------
const dir = mkdtempSync(path.join(os.tmpdir(), 'coordconv-dataset-bench-'));
const plainWrites = () => {
  const fd = openSync(path.join(dir, 'plain.bin'), 'w');
  try {
    for (let done = 0; done < SAMPLES; done += BATCH) {
      const b = new Uint8Array(Math.min(BATCH, SAMPLES - done) * SAMPLE);
      b.fill(0);
      writeSync(fd, b);
    }
  } finally {
    closeSync(fd);
  }
};
const generateToNpy = () => writeGenerated({ count: SAMPLES, dtype: 'uint8', kind: 'onehot', batchSize: BATCH, seed: 1, out: path.join(dir, 'npy') });

let mem;
let file;
try {
  mem = await measureInterleaved([{ fn: zeroFill }, { fn: generateInMemory }], { budgetMs: quick ? 1000 : 8000 });
  file = await measureInterleaved([{ fn: plainWrites }, { fn: generateToNpy }], { budgetMs: quick ? 1000 : 12000 });
  const images = statSync(path.join(dir, 'npy', 'images.npy')).size;
  if (images !== 128 + bytes) throw new Error(`images.npy holds ${images} bytes, expected ${128 + bytes}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}

// --- 3. one million samples: resident memory of a whole run in its own process ---------------------
// The CLI's path (writeGenerated) writing a 4.1 GB images.npy; its peak RSS comes from the OS.
const millionDir = mkdtempSync(path.join(os.tmpdir(), 'coordconv-dataset-million-'));
const count = quick ? 100_000 : MILLION;
let million;
try {
  const entry = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'index.js');
  const script = `
    const { writeGenerated } = require(${JSON.stringify(entry)});
    const t0 = performance.now();
    writeGenerated({ count: ${count}, dtype: 'uint8', kind: 'onehot', batchSize: ${BATCH}, seed: 7, out: ${JSON.stringify(millionDir)} })
      .then(() => console.log(JSON.stringify({ ms: performance.now() - t0, maxRssKiB: process.resourceUsage().maxRSS })));`;
  const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`million-sample run failed: ${r.stderr}`);
  million = JSON.parse(r.stdout);
} finally {
  rmSync(millionDir, { recursive: true, force: true });
}

// --- report --------------------------------------------------------------------------------------
const row = (workload, impl, s, kind) => ({
  workload,
  method: 'onehot uint8 64x64',
  impl,
  kind,
  threads: 1,
  ...s,
  samplesPerSec: SAMPLES / (s.medianMs / 1e3),
  gbPerSec: bytes / (s.medianMs / 1e3) / 1e9,
});
const rows = [
  row('memory', 'zero-fill (baseline)', mem[0], 'baseline'),
  row('memory', 'coordconv generate()', mem[1], 'coordconv'),
  row('file', 'plain fs writes (baseline)', file[0], 'baseline'),
  row('file', 'coordconv writeGenerated() .npy', file[1], 'coordconv'),
];
const memRatio = mem[0].medianMs / mem[1].medianMs;
const fileRatio = file[0].medianMs / file[1].medianMs;
const rssMiB = million.maxRssKiB / 1024;
printTable(rows, [
  ...TIME_COLUMNS,
  { key: 'samplesPerSec', title: 'samples/s', format: (v) => formatNumber(v) },
  { key: 'gbPerSec', title: 'GB/s', format: (v) => formatNumber(v) },
]);
const checks = [
  { target: 'generate in memory >= 50% of zero-fill', value: memRatio, pass: memRatio >= 0.5 },
  { target: 'generate into .npy >= 50% of plain fs writes', value: fileRatio, pass: fileRatio >= 0.5 },
  { target: `${count} samples to .npy under 512 MiB RSS`, value: rssMiB, pass: rssMiB < 512 },
];
console.log('');
for (const c of checks) console.log(`${c.pass ? 'PASS' : 'MISS'}  ${c.target}: ${c.target.includes('RSS') ? `${c.value.toFixed(0)} MiB` : `${(c.value * 100).toFixed(0)}%`}`);
console.log(`(${count} samples, ${(count * SAMPLE / 1e9).toFixed(1)} GB of images, in ${(million.ms / 1e3).toFixed(1)} s)`);

writeResults('dataset', {
  name: 'dataset',
  description: 'Generating 64 x 64 uint8 one-hot samples: into memory vs zero-filling the same bytes, into .npy vs plain fs writes, and the peak RSS of a one-million-sample run.',
  methodology: `${SAMPLES} samples per run in batches of ${BATCH}; implementations interleaved in rounds (measureInterleaved), medians compared. Every baseline allocates a fresh batch and writes all its bytes; the file baseline writes the same byte count with fs.writeSync. The RSS run is a separate process writing ${count} samples with writeGenerated (images.npy, locations.npy, val.npy) and reports process.resourceUsage().maxRSS.`,
  environment: environment({ simd: simd().active }),
  rows,
  ratios: { memoryVsZeroFill: memRatio, npyVsPlainWrites: fileRatio },
  checks,
  summary: { millionSamples: { count, seconds: million.ms / 1e3, maxRssMiB: rssMiB } },
  notes: ['Files go to the OS temporary folder; its page cache absorbs the writes on both sides alike.'],
});
