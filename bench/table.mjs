// Prints the Markdown performance section for README from a results file of a real run:
//   node bench/table.mjs            (bench/results/decode.json)
//   node bench/table.mjs other.json
//   --full adds one table per workload and method with times, GB/s and ratios
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { formatNumber, resultsDir } from './lib/harness.mjs';

const file = process.argv.slice(2).find((a) => !a.startsWith('--')) ?? path.join(resultsDir, 'decode.json');
const r = JSON.parse(readFileSync(file, 'utf8'));
const e = r.environment;
const cc = (row) => row.kind === 'coordconv';

console.log(`Measured with \`npm run bench\` on ${e.cpu} (${e.cores} cores), Node ${e.node}, SIMD path ${e.simd}, ` +
  `onnxruntime-node ${e.onnxruntime ?? 'absent'}, tfjs ${e.tfjs ?? 'absent'}, NumPy ${e.numpy ?? 'absent'}${e.scipy ? ' (with SciPy)' : ''}; ${e.date.slice(0, 10)}` +
  `${e.commit ? `, commit ${e.commit}` : ''}${e.loadAverage ? `, load average ${e.loadAverage[0]} on ${e.cores} cores` : ''}. ` +
  'Medians of interleaved rounds; throughput in planes per second (higher is better).\n');

// One matrix: implementations down, workload/method across, throughput in planes per second.
const columns = r.workloads.flatMap((w) => w.methods.map((method) => ({ w, method })))
  .filter(({ w, method }) => r.rows.some((x) => x.workload === w.id && x.method === method));
const impls = [...new Set(r.rows.map((x) => x.impl))];
const short = { 'onehot-f32': 'one-hot f32', 'onehot-u8': 'one-hot u8', 'heatmaps-f32': 'heatmaps f32' };
console.log(`| planes/s | ${columns.map(({ w, method }) => `${short[w.id] ?? w.id} \`${method}\``).join(' | ')} |`);
console.log(`| --- |${columns.map(() => ' ---: |').join('')}`);
for (const impl of impls) {
  const cells = columns.map(({ w, method }) => {
    const x = r.rows.find((y) => y.workload === w.id && y.method === method && y.impl === impl);
    return x ? formatNumber(x.planesPerSec) : '';
  });
  const isCc = r.rows.find((y) => y.impl === impl)?.kind === 'coordconv';
  console.log(`| ${isCc ? `**${impl}**` : impl} | ${cells.join(' | ')} |`);
}
console.log('');

const full = process.argv.includes('--full');
for (const w of full ? r.workloads : []) {
  for (const method of w.methods) {
    const rows = r.rows.filter((x) => x.workload === w.id && x.method === method);
    if (rows.length === 0) continue;
    const best = rows.filter(cc).find((x) => x.mode === 'sync' && x.threads === e.coordconvThreads);
    console.log(`**${w.title}, \`${method}\`**\n`);
    console.log(`| implementation | median ms | planes/s | GB/s | its time / coordconv's (sync, ${e.coordconvThreads} threads) |`);
    console.log('| --- | ---: | ---: | ---: | ---: |');
    for (const x of rows) {
      const ratio = best && !cc(x) ? x.medianMs / best.medianMs : null;
      const vs = ratio === null ? '' : `${ratio.toFixed(2)}x`;
      console.log(`| ${cc(x) ? `**${x.impl}**` : x.impl} | ${x.medianMs.toFixed(2)} | ${formatNumber(x.planesPerSec)} | ${x.gbPerSec.toFixed(2)} | ${vs} |`);
    }
    console.log('');
  }
}

const targeted = r.ratios.filter((x) => x.target !== null);
console.log('Targets (coordconv sync on all cores, ratios from the same run):\n');
console.log('| workload | method | against | target | measured | |');
console.log('| --- | --- | --- | ---: | ---: | --- |');
for (const x of targeted) {
  console.log(`| ${x.workload} | ${x.method} | ${x.peer} | >= ${x.target}x | ${x.ratio === null ? '-' : `${x.ratio.toFixed(2)}x`} | ${x.verdict} |`);
}
for (const n of r.notes) console.log(`\nNote: ${n}`);
