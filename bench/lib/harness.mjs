// Shared pieces of every bench/*.bench.mjs: timing, the environment record, the printed table, the
// results JSON and the SVG chart. See bench/README.md for the convention.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { random } from './random.mjs';

export const benchDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const resultsDir = path.join(benchDir, 'results');

// coordconv as built at the repository root: bench/ measures dist/, never an installed copy. Exits
// with the build command when dist/ is missing.
export function builtLibrary() {
  const index = path.join(benchDir, '..', 'dist', 'index.js');
  if (!existsSync(index)) {
    console.error('coordconv is not built: run `npm ci` (or `npm run build`) at the repository root first.');
    process.exit(1);
  }
  return createRequire(import.meta.url)(index);
}

// BENCH_QUICK=1 shortens every measurement (for trying a bench file out, not for numbers).
const quick = process.env.BENCH_QUICK === '1';

/**
 * Times `fn` (sync or async): `warmup` untimed calls, then at least `minReps` timed calls and more
 * while the total stays under `budgetMs` (at most `maxReps`). Returns the median and the other
 * order statistics in milliseconds.
 */
export async function measure(fn, { warmup = 2, minReps = 5, maxReps = 25, budgetMs = 1500 } = {}) {
  if (quick) {
    warmup = 1;
    minReps = 3;
    maxReps = 3;
  }
  for (let i = 0; i < warmup; ++i) await fn();
  const samples = [];
  const start = performance.now();
  while (samples.length < minReps || (samples.length < maxReps && performance.now() - start < budgetMs)) {
    const t0 = performance.now();
    await fn();
    samples.push(performance.now() - t0);
  }
  return summarize(samples);
}

/**
 * Times several implementations in interleaved rounds: every round runs each once, in an order
 * shuffled from round to round (seeded: the same orders every run), so on a machine whose load
 * drifts every implementation sees the same mix of quiet and busy moments and their ratios stay
 * honest. A rotation would keep each impl behind the same neighbour in every round: one that leaves
 * work behind (a 555 MB array to free, buffers moved for the collector) then slowed the same impl
 * every time (channels-last argmax timed at 0.35x planes behind such a neighbour, 0.88x to 1.01x
 * alone). Each impl is
 * `{ fn, before?, selfTimed? }`: `before` runs untimed ahead of each call (switching a backend,
 * setting a thread count); a `selfTimed` fn returns its own time in ms (work timed inside another
 * process, such as Python). After `warmup` untimed calls each, at least `minRounds` rounds run,
 * and more while the total stays under `budgetMs` (at most `maxRounds`). With `warm`, every timed
 * call follows an untimed call of the same impl: on a batch that fits the cache, each is then timed
 * from the cache its own reading leaves, not from whatever the impl before it in the round evicted
 * (a peer with buffers of its own, a copy). Returns one summary per impl.
 */
export async function measureInterleaved(impls, { warmup = 1, minRounds = 5, maxRounds = 25, budgetMs = 6000, warm = false } = {}) {
  if (quick) {
    minRounds = 2;
    maxRounds = 2;
  }
  for (const im of impls) {
    for (let i = 0; i < warmup; ++i) {
      await im.before?.();
      await im.fn();
    }
  }
  const samples = impls.map(() => []);
  const shuffle = random(impls.length);
  const order = impls.map((_, k) => k);
  const start = performance.now();
  for (let round = 0; round < minRounds || (round < maxRounds && performance.now() - start < budgetMs); ++round) {
    for (let j = order.length - 1; j > 0; --j) {
      const i = Math.floor(shuffle() * (j + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    for (const k of order) {
      const im = impls[k];
      await im.before?.();
      if (warm && !im.selfTimed) await im.fn();  // a self-timed peer reads its own copy elsewhere
      const t0 = performance.now();
      const r = await im.fn();
      const t = performance.now() - t0;
      samples[k].push(im.selfTimed ? r : t);
    }
  }
  return samples.map(summarize);
}

export function summarize(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { medianMs: median, minMs: sorted[0], maxMs: sorted[sorted.length - 1], reps: sorted.length };
}

/**
 * The last-level cache as Linux's sysfs reports it (lscpu reads the same), e.g. "32768K"; getconf's
 * figure can be the host's under a hypervisor. 32 MiB when neither level is known.
 */
export function lastLevelCacheBytes() {
  for (const index of [3, 2]) {
    try {
      const text = readFileSync(`/sys/devices/system/cpu/cpu0/cache/index${index}/size`, 'utf8').trim();
      const m = /^(\d+)([KMG]?)$/.exec(text);
      if (m) return Number(m[1]) * { '': 1, K: 2 ** 10, M: 2 ** 20, G: 2 ** 30 }[m[2]];
    } catch {
      // no such level
    }
  }
  return 32 * 2 ** 20;
}

function gitCommit() {
  const r = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: benchDir, encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

/** CPU, cores, Node version and whatever the bench file adds (SIMD path, peer versions). */
export function environment(extra = {}) {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    date: new Date().toISOString(),
    // The machine's load when the results were written: a busy machine makes every number noisy.
    loadAverage: os.loadavg().map((v) => Number(v.toFixed(2))),
    commit: gitCommit(),
    ...extra,
  };
}

const fmt = (v, digits = 3) => {
  if (v === null || v === undefined || Number.isNaN(v)) return '-';
  if (Math.abs(v) >= 1e9) return `${(v / 1e9).toFixed(2)}G`;
  if (Math.abs(v) >= 1e6) return `${(v / 1e6).toFixed(2)}M`;
  if (Math.abs(v) >= 1e4) return `${(v / 1e3).toFixed(1)}k`;
  return Number(v.toPrecision(digits)).toString();
};
export { fmt as formatNumber };

// The columns a times table opens with; each bench adds its own after them.
export const TIME_COLUMNS = [
  { key: 'workload', title: 'workload', align: 'left' },
  { key: 'impl', title: 'implementation', align: 'left' },
  { key: 'medianMs', title: 'median ms', format: (v) => fmt(v) },
];

/** Prints rows of plain objects as an aligned text table with the given columns. */
export function printTable(rows, columns) {
  const cells = rows.map((r) => columns.map((c) => (c.format ? c.format(r[c.key], r) : String(r[c.key] ?? '-'))));
  const widths = columns.map((c, i) => Math.max(c.title.length, ...cells.map((row) => row[i].length)));
  const line = (parts) => parts.map((p, i) => (columns[i].align === 'left' ? p.padEnd(widths[i]) : p.padStart(widths[i]))).join('  ');
  console.log(line(columns.map((c) => c.title)));
  console.log(line(widths.map((w) => '-'.repeat(w))));
  for (const row of cells) console.log(line(row));
}

// A BENCH_QUICK run writes <name>.quick.json / .svg (ignored by git), never the real results.
const stem = (name) => (quick ? `${name}.quick` : name);

/** Writes bench/results/<name>.json (and returns its path). */
export function writeResults(name, payload) {
  mkdirSync(resultsDir, { recursive: true });
  const file = path.join(resultsDir, `${stem(name)}.json`);
  writeFileSync(file, `${JSON.stringify(payload, null, 2)}\n`);
  return file;
}

const escapeXml = (s) => String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]);

/**
 * A horizontal bar chart, one panel per group, bars on a log10 axis shared by all panels, as SVG
 * text. groups: [{ title, bars: [{ label, value, highlight }] }]; unit names the value.
 */
export function barChartSvg({ title, subtitle, unit, groups }) {
  const values = groups.flatMap((g) => g.bars.map((b) => b.value)).filter((v) => v > 0);
  const lo = Math.floor(Math.log10(Math.min(...values)));
  const hi = Math.ceil(Math.log10(Math.max(...values)));
  const labelW = 250, barW = 520, valueW = 90, rowH = 18, gap = 6, panelPad = 28, left = 10;
  const width = left + labelW + barW + valueW + 10;
  const scale = (v) => (v > 0 ? ((Math.log10(v) - lo) / (hi - lo || 1)) * barW : 0);
  const out = [];
  let y = 56;
  for (const g of groups) {
    out.push(`<text x="${left}" y="${y}" font-weight="bold">${escapeXml(g.title)}</text>`);
    y += 10;
    for (const b of g.bars) {
      const w = Math.max(1, scale(b.value));
      out.push(`<text x="${left + labelW - 6}" y="${y + rowH - 5}" text-anchor="end">${escapeXml(b.label)}</text>`);
      out.push(`<rect x="${left + labelW}" y="${y}" width="${w.toFixed(1)}" height="${rowH - 2}" fill="${b.highlight ? '#1f77b4' : b.roofline ? '#7f7f7f' : '#ff9f40'}"/>`);
      out.push(`<text x="${left + labelW + w + 4}" y="${y + rowH - 5}">${escapeXml(fmt(b.value))}</text>`);
      y += rowH;
    }
    y += panelPad - rowH + gap + 10;
  }
  // Decade grid lines and their labels at the bottom.
  const axisY = y;
  const grid = [];
  for (let d = lo; d <= hi; ++d) {
    const x = left + labelW + scale(10 ** d);
    grid.push(`<line x1="${x}" y1="44" x2="${x}" y2="${axisY - 8}" stroke="#ddd"/>`);
    grid.push(`<text x="${x}" y="${axisY + 6}" text-anchor="middle" fill="#555">1e${d}</text>`);
  }
  const height = axisY + 30;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${left}" y="20" font-size="15" font-weight="bold">${escapeXml(title)}</text>`,
    `<text x="${left}" y="38" fill="#555">${escapeXml(subtitle)}</text>`,
    ...grid,
    ...out,
    `<text x="${left + labelW + barW / 2}" y="${axisY + 22}" text-anchor="middle" fill="#555">${escapeXml(unit)} (log scale)</text>`,
    '</svg>',
    '',
  ].join('\n');
}

/** Writes bench/results/<name>.svg (and returns its path). */
export function writeSvg(name, svg) {
  mkdirSync(resultsDir, { recursive: true });
  const file = path.join(resultsDir, `${stem(name)}.svg`);
  writeFileSync(file, svg);
  return file;
}
