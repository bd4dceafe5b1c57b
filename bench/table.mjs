// Prints the Markdown performance section for README from a results file of a real run:
//   node bench/table.mjs            (bench/results/decode.json)
//   node bench/table.mjs other.json
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { formatNumber, resultsDir } from './lib/harness.mjs';

const file = process.argv[2] ?? path.join(resultsDir, 'decode.json');
const r = JSON.parse(readFileSync(file, 'utf8'));
const e = r.environment;
const cc = (row) => row.kind === 'coordconv';

console.log(`Measured with \`npm run bench\` on ${e.cpu} (${e.cores} cores), Node ${e.node}, SIMD path ${e.simd}, ` +
  `onnxruntime-node ${e.onnxruntime ?? 'absent'}, tfjs ${e.tfjs ?? 'absent'}, NumPy ${e.numpy ?? 'absent'}${e.scipy ? ' (with SciPy)' : ''}; ${e.date.slice(0, 10)}. ` +
  'Medians of interleaved rounds; throughput in planes per second (higher is better).\n');

for (const w of r.workloads) {
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
