// Soak: a long run of async decodes of mixed sizes with forced garbage collection, sampling
// resident memory as it goes. After warm-up the resident set must stay flat.
//   npm run soak -- [--calls 1000000] [--in-flight 64] [--samples 40] [--warmup 0.1] [--max-growth 5]
// npm run soak pins V8's young generation (--min/--max-semi-space-size=16): otherwise V8 grows
// it in steps as it sees the allocation rate, adding 16 MB of RSS (heapTotal 20 -> 36 MB) a few
// hundred thousand calls in, which is V8 warming up, not memory the addon holds.
// Prints one line per sample (calls done, RSS, heap, external) and a summary; exits 1 when RSS
// grows more than --max-growth percent between the end of warm-up and the end, or when any
// decode gives a wrong answer.
import { decode } from 'coordconv';

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = Number(process.argv[i + 1]);
  if (!Number.isFinite(v) || v <= 0) throw new RangeError(`Expected a positive number for --${name} but received ${process.argv[i + 1]}`);
  return v;
}
if (typeof globalThis.gc !== 'function') {
  console.error('run with node --expose-gc');
  process.exit(2);
}
const calls = Math.floor(option('calls', 1_000_000));
const inFlight = Math.floor(option('in-flight', 64));
const samples = Math.floor(option('samples', 40));
const warmup = option('warmup', 0.1);
const maxGrowth = option('max-growth', 5);

// Mixed sizes: small planes made fresh for every call (as a server would), and larger ones, from
// one plane to 1 MB, reused. Each has one hot pixel per plane at a known place.
const SHAPES = [
  [Float32Array, [16, 16]], [Uint8Array, [7, 33]], [Float32Array, [4, 64, 64]], [Uint8Array, [8, 32, 32]],
  [Float32Array, [1, 2, 97, 131]], [Float32Array, [3, 17, 65]], [Uint8Array, [1, 1, 1, 1]], [Float32Array, [1, 512, 512]],
];
function makeInput(k) {
  const [Type, shape] = SHAPES[k % SHAPES.length];
  const [h, w] = shape.slice(-2);
  const planes = shape.slice(0, -2).reduce((a, b) => a * b, 1);
  const data = new Type(planes * h * w);
  const at = (k * 7919) % (h * w);
  for (let p = 0; p < planes; p++) data[p * h * w + at] = 1 + (p % 200);
  return { input: { data, shape }, x: at % w, y: Math.floor(at / w), planes };
}
const reused = SHAPES.map((_, k) => makeInput(k));

const mb = (bytes) => (bytes / 2 ** 20).toFixed(1);
const rows = [];
function sample(done) {
  globalThis.gc();
  const m = process.memoryUsage();
  const row = { calls: done, rss: m.rss, heapTotal: m.heapTotal, heapUsed: m.heapUsed, external: m.external, seconds: (performance.now() - start) / 1000 };
  rows.push(row);
  console.log(`${String(done).padStart(9)} calls  ${row.seconds.toFixed(1).padStart(7)} s  rss ${mb(m.rss).padStart(7)} MB  heap ${mb(m.heapUsed).padStart(6)} of ${mb(m.heapTotal).padStart(6)} MB  external ${mb(m.external).padStart(6)} MB`);
}

let wrong = 0;
let next = 0;
let done = 0;
const every = Math.max(1, Math.floor(calls / samples));
const start = performance.now();
sample(0);
async function lane() {
  while (next < calls) {
    const k = next++;
    // Bigger inputs are reused; the rest are made fresh, so every call also allocates.
    const c = k % SHAPES.length >= 4 ? reused[k % SHAPES.length] : makeInput(k);
    const r = await decode(c.input);
    for (let p = 0; p < c.planes; p++) if (r.valid[p] !== 1 || r.coords[2 * p] !== c.x || r.coords[2 * p + 1] !== c.y) wrong++;
    done++;
    if (done % 20000 === 0) globalThis.gc();
    if (done % every === 0) sample(done);
  }
}
await Promise.all(Array.from({ length: inFlight }, lane));
if (rows.at(-1).calls !== done) sample(done);

const base = rows.find((r) => r.calls >= warmup * calls) ?? rows[0];
const last = rows.at(-1);
const after = rows.filter((r) => r.calls >= base.calls);
const growth = (100 * (last.rss - base.rss)) / base.rss;
const peak = Math.max(...after.map((r) => r.rss));
const summary = {
  calls: done, wrong, seconds: Number(last.seconds.toFixed(1)), callsPerSecond: Math.round(done / last.seconds),
  rssMB: { start: Number(mb(rows[0].rss)), afterWarmup: Number(mb(base.rss)), end: Number(mb(last.rss)), peakAfterWarmup: Number(mb(peak)) },
  growthAfterWarmupPercent: Number(growth.toFixed(2)),
  peakGrowthPercent: Number(((100 * (peak - base.rss)) / base.rss).toFixed(2)),
  // What V8's heap has committed is in RSS too; outside it is the addon, libuv and malloc.
  heapTotalMB: { afterWarmup: Number(mb(base.heapTotal)), end: Number(mb(last.heapTotal)) },
  rssOutsideV8HeapMB: { afterWarmup: Number(mb(base.rss - base.heapTotal)), end: Number(mb(last.rss - last.heapTotal)) },
};
console.log(JSON.stringify(summary));
process.exit(wrong === 0 && growth <= maxGrowth ? 0 : 1);
