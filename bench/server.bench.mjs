// HTTP load test: autocannon against `POST /decode` on loopback, with requests of
// 64 x 17 heatmaps of 64 x 48 (Float32, 13.4 MB each, sent as application/octet-stream), for
// 'argmax' and 'dark'. Side by side in the same run: coordconv's server (the coordconv/fastify
// plugin as shipped) and the same server decoding with a plain JavaScript loop on the event loop.
// Each server runs in its own process and measures its event-loop delay while the load runs.
// Targets: >= 5x the JavaScript-loop server's requests/s, event-loop delay p99 < 20 ms.
// Two ceilings run in the same session, decoding nothing: the same plugin answering without a
// decode, and node:http reading bodies into nothing. They bound what any decoder could reach
// here: the load generator shares the machine's cores with the server.
// Slow clients: the 'argmax' coordconv run again right after itself with 100 slow clients
// alongside (half send the headers of a 13.4 MB body and 1,000 bytes of it, then stall; half
// trickle a chunked body a byte every 500 ms; each connects again once the server cuts it off).
// Target: requests/s and p99 latency within 2x of the run without them.
//
// Writes bench/results/server.json (server.quick.json with BENCH_QUICK=1). Options: --duration <s> (default 10), --connections <n> (default 8).
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import { builtLibrary, environment as benchEnvironment, writeResults } from './lib/harness.mjs';
import { jsDecode } from './lib/js-decode.mjs';
import { random } from './lib/random.mjs';

const benchDir = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const autocannon = require('autocannon');
const coordconv = builtLibrary();

const { values } = parseArgs({ options: { duration: { type: 'string', default: '10' }, connections: { type: 'string', default: '8' } } });
// BENCH_QUICK=1 (bench/README.md): 2 s per row, results to server.quick.json.
const duration = process.env.BENCH_QUICK === '1' ? 2 : Number(values.duration);
const connections = Number(values.connections);
const SHAPE = [64, 17, 64, 48];
const METHODS = ['argmax', 'dark'];
const TARGET_RATIO = 5;
const TARGET_LOOP_P99_MS = 20;
const SLOW_CLIENTS = 100;
const TARGET_SLOW_FACTOR = 2;

// Pose-model-like heatmaps: one Gaussian peak (sigma 2 px) per plane at a random sub-pixel spot,
// over low noise.
function heatmaps([n, k, h, w], seed) {
  const r = random(seed);
  const data = new Float32Array(n * k * h * w);
  for (let p = 0; p < n * k; p++) {
    const cx = 2 + r() * (w - 4);
    const cy = 2 + r() * (h - 4);
    const base = p * h * w;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        data[base + y * w + x] = Math.exp(-((x - cx) ** 2 + (y - cy) ** 2) / 8) + 0.01 * r();
      }
    }
  }
  return data;
}

const data = heatmaps(SHAPE, 6);
const body = Buffer.from(data.buffer);
const headers = { 'content-type': 'application/octet-stream', 'x-dtype': 'float32', 'x-shape': SHAPE.join(',') };

// The JavaScript loop must give coordconv's answers before either is timed.
function checkSame(method, a, b, tolerance) {
  let worst = 0;
  for (let i = 0; i < a.valid.length; i++) {
    if (a.valid[i] !== b.valid[i]) throw new Error(`${method}: plane ${i} valid ${a.valid[i]} vs ${b.valid[i]}`);
    for (let c = 0; c < 2; c++) {
      const d = Math.abs(a.coords[2 * i + c] - b.coords[2 * i + c]);
      if (!(d <= tolerance)) throw new Error(`${method}: plane ${i} differs by ${d} px`);
      worst = Math.max(worst, d);
    }
  }
  return worst;
}
const agreement = {};
for (const method of METHODS) {
  const native = coordconv.decodeSync({ data, shape: SHAPE }, { method });
  const js = jsDecode({ data, shape: SHAPE }, { method });
  agreement[method] = checkSame(method, native, js, method === 'argmax' ? 0 : 0.01);
  console.log(`# ${method}: the JavaScript loop agrees with coordconv (max |d| ${agreement[method].toExponential(2)} px)`);
}

async function startServer(impl, execArgv) {
  const child = fork(path.join(benchDir, 'lib', 'decode-server.mjs'), [impl], { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const [{ url }] = await once(child, 'message');
  const ask = async (message, key) => {
    child.send(message);
    for (;;) {
      const [reply] = await once(child, 'message');
      if (reply[key] !== undefined) return reply[key];
    }
  };
  return { child, url, ask };
}

function load(url, method, seconds) {
  return new Promise((resolve, reject) => {
    autocannon(
      { url: `${url}/decode?method=${method}`, method: 'POST', headers, body, connections, duration: seconds, pipelining: 1 },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
  });
}

/**
 * Clients that hold uploads open without finishing them: half stall after the headers of a
 * 13.4 MB body and 1,000 bytes of it, half send a chunked body a byte every 500 ms. One that the
 * server cuts off (408 at a deadline, or a refusal) connects again 100 ms later.
 */
function slowClients(url, count) {
  const port = Number(new URL(url).port);
  const sized = `POST /decode?method=argmax HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/octet-stream\r\nx-dtype: float32\r\nx-shape: ${SHAPE.join(',')}\r\ncontent-length: ${body.length}\r\n\r\n`;
  const chunked = `POST /decode?method=argmax HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/octet-stream\r\nx-dtype: float32\r\nx-shape: ${SHAPE.join(',')}\r\ntransfer-encoding: chunked\r\n\r\n`;
  const trickling = new Set();
  const all = new Set();
  let stopped = false;
  let reconnects = 0;
  const open = (stall) => {
    const socket = net.connect(port, '127.0.0.1');
    all.add(socket);
    socket.on('error', () => {});
    socket.on('connect', () => {
      if (stall) socket.write(sized + '\0'.repeat(1000));
      else {
        socket.write(chunked);
        trickling.add(socket);
      }
    });
    socket.on('close', () => {
      all.delete(socket);
      trickling.delete(socket);
      if (stopped) return;
      reconnects++;
      setTimeout(() => open(stall), 100);
    });
  };
  for (let i = 0; i < count; i++) open(i % 2 === 0);
  const timer = setInterval(() => {
    for (const socket of trickling) socket.write('1\r\nx\r\n');
  }, 500);
  return {
    stop: () => {
      stopped = true;
      clearInterval(timer);
      for (const socket of all) socket.destroy();
      return { reconnects };
    },
  };
}

const loadAtStart = os.loadavg();
console.log(`# load average at start: ${loadAtStart.map((l) => l.toFixed(2)).join(', ')} (${os.cpus().length} cores)`);
const SERVER_NAMES = {
  coordconv: 'coordconv (coordconv/fastify)',
  js: 'JS loop on the event loop (same plugin)',
  none: 'ceiling: same plugin, no decode',
  drain: 'ceiling: node:http, body discarded',
};
// V8 starts a full (mark-compact) collection every few requests in a Fastify server taking 13 MB
// bodies, although its heap stays near 8 MB: a bigger initial old generation stops that. Node
// takes the flag only on its command line, so it is a deployment choice (`coordconv serve` makes
// it); the plain rows run with Node's defaults and carry the targets.
const TUNED = ['--initial-old-space-size=64'];
// [method, server, Node flags, slow clients alongside]
const RUNS = [
  ['argmax', 'coordconv'],
  ['argmax', 'coordconv', [], SLOW_CLIENTS],
  ['argmax', 'js'],
  ['dark', 'coordconv'],
  ['dark', 'js'],
  ['argmax', 'none'],
  ['argmax', 'drain'],
  ['argmax', 'coordconv', TUNED],
  ['argmax', 'js', TUNED],
  ['dark', 'coordconv', TUNED],
];
const rows = [];
for (const [method, impl, execArgv = [], slow = 0] of RUNS) {
  const server = await startServer(impl, execArgv);
  const slowLoad = slow ? slowClients(server.url, slow) : undefined;
  if (impl === 'coordconv' || impl === 'js') {
    // One request checked over HTTP: the server answers what the library answers.
    const check = await (await fetch(`${server.url}/decode?method=${method}`, { method: 'POST', body, headers })).json();
    const reference = coordconv.decodeSync({ data, shape: SHAPE }, { method });
    const expected = Array.from(reference.coords, (v) => (Number.isFinite(v) ? v : null));
    const tolerance = impl === 'js' && method === 'dark' ? 0.01 : 0;
    if (!check.coords.every((v, i) => Math.abs(v - expected[i]) <= tolerance)) throw new Error(`${impl} ${method}: the server's answer differs`);
  }
  await load(server.url, method, Math.min(2, duration)); // warm-up
  await server.ask('reset', 'reset');
  const result = await load(server.url, method, duration);
  const loop = await server.ask('stats', 'stats');
  const slowStats = slowLoad?.stop();
  server.child.send('stop');
  await once(server.child, 'exit');
  const row = {
    method: impl === 'none' || impl === 'drain' ? '-' : method,
    server: SERVER_NAMES[impl] + (execArgv.length ? `, ${execArgv.join(' ')}` : '') + (slow ? `, ${slow} slow clients alongside` : ''),
    impl,
    nodeFlags: execArgv,
    slowClients: slow,
    ...(slowStats ? { slowClientReconnects: slowStats.reconnects } : {}),
    requestsPerSec: result.requests.average,
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    loopDelayP50Ms: loop.p50,
    loopDelayP99Ms: loop.p99,
    loopDelayMaxMs: loop.max,
    eventLoopUtilization: loop.eventLoopUtilization,
    serverCpuMsPerRequest: loop.cpuMsPerRequest,
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    mbPerSec: result.throughput.average / 1e6,
  };
  rows.push(row);
  console.log(
    `${row.method.padEnd(7)} ${row.server.padEnd(66)} ${row.requestsPerSec.toFixed(1).padStart(7)} req/s  latency p50 ${String(row.latencyP50Ms).padStart(5)} ms p99 ${String(row.latencyP99Ms).padStart(5)} ms  event-loop delay p99 ${row.loopDelayP99Ms.toFixed(1).padStart(6)} ms (max ${row.loopDelayMaxMs.toFixed(1)}), utilization ${(100 * row.eventLoopUtilization).toFixed(0)}%, server CPU ${row.serverCpuMsPerRequest?.toFixed(1)} ms/request  non-2xx ${row.non2xx} errors ${row.errors}`,
  );
}

const plainRow = (method, impl) => rows.find((r) => r.method === method && r.impl === impl && r.nodeFlags.length === 0 && r.slowClients === 0);
const targets = METHODS.map((method) => {
  const native = plainRow(method, 'coordconv');
  const js = plainRow(method, 'js');
  const ratio = native.requestsPerSec / js.requestsPerSec;
  return {
    method,
    ratio,
    ratioTarget: TARGET_RATIO,
    ratioMet: ratio >= TARGET_RATIO,
    loopDelayP99Ms: native.loopDelayP99Ms,
    loopDelayTargetMs: TARGET_LOOP_P99_MS,
    loopDelayMet: native.loopDelayP99Ms < TARGET_LOOP_P99_MS,
    jsLoopDelayP99Ms: js.loopDelayP99Ms,
  };
});
// What a server that decodes nothing reaches, against the JavaScript loop: no decoder could
// serve more requests per second than these on this machine under this load generator.
const ceilings = ['none', 'drain'].map((impl) => {
  const ceiling = rows.find((r) => r.impl === impl);
  return {
    server: ceiling.server,
    requestsPerSec: ceiling.requestsPerSec,
    loopDelayP99Ms: ceiling.loopDelayP99Ms,
    ratioOverJs: Object.fromEntries(METHODS.map((method) => [method, ceiling.requestsPerSec / rows.find((r) => r.method === method && r.impl === 'js' && r.nodeFlags.length === 0).requestsPerSec])),
  };
});
console.log('\n# targets');
for (const t of targets) {
  console.log(
    `${t.method.padEnd(7)} req/s ${t.ratio.toFixed(2)}x the JS-loop server (target >= ${TARGET_RATIO}x: ${t.ratioMet ? 'MET' : 'MISSED'}); ` +
      `event-loop delay p99 ${t.loopDelayP99Ms.toFixed(1)} ms (target < ${TARGET_LOOP_P99_MS} ms: ${t.loopDelayMet ? 'MET' : 'MISSED'}; JS loop ${t.jsLoopDelayP99Ms.toFixed(1)} ms)`,
  );
}

for (const c of ceilings) {
  console.log(
    `${c.server}: ${c.requestsPerSec.toFixed(1)} req/s = ${METHODS.map((m) => `${c.ratioOverJs[m].toFixed(2)}x the ${m} JS-loop server`).join(', ')}; event-loop delay p99 ${c.loopDelayP99Ms.toFixed(1)} ms`,
  );
}

// The fast clients' service with slow clients alongside, against the run just before without them.
const slowClientsComparison = (() => {
  const without = plainRow('argmax', 'coordconv');
  const withSlow = rows.find((r) => r.slowClients > 0);
  const rateFactor = without.requestsPerSec / withSlow.requestsPerSec;
  const p99Factor = withSlow.latencyP99Ms / without.latencyP99Ms;
  return {
    slowClients: withSlow.slowClients,
    requestsPerSec: { without: without.requestsPerSec, with: withSlow.requestsPerSec, factor: rateFactor },
    latencyP99Ms: { without: without.latencyP99Ms, with: withSlow.latencyP99Ms, factor: p99Factor },
    target: TARGET_SLOW_FACTOR,
    met: rateFactor <= TARGET_SLOW_FACTOR && p99Factor <= TARGET_SLOW_FACTOR,
    slowClientReconnects: withSlow.slowClientReconnects,
  };
})();
console.log(
  `argmax with ${slowClientsComparison.slowClients} slow clients alongside: ${slowClientsComparison.requestsPerSec.with.toFixed(1)} req/s against ${slowClientsComparison.requestsPerSec.without.toFixed(1)} without (without / with ${slowClientsComparison.requestsPerSec.factor.toFixed(2)}), ` +
    `p99 ${slowClientsComparison.latencyP99Ms.with} ms against ${slowClientsComparison.latencyP99Ms.without} (with / without ${slowClientsComparison.latencyP99Ms.factor.toFixed(2)}); target: both at most ${TARGET_SLOW_FACTOR}: ${slowClientsComparison.met ? 'MET' : 'MISSED'}`,
);

// The same comparison with V8's bigger initial old generation (TUNED) for both servers.
const tuned = METHODS.map((method) => {
  const native = rows.find((r) => r.method === method && r.impl === 'coordconv' && r.nodeFlags.length > 0);
  const js = rows.find((r) => r.method === method && r.impl === 'js' && r.nodeFlags.length > 0) ?? rows.find((r) => r.method === method && r.impl === 'js' && r.nodeFlags.length === 0);
  return { method, nodeFlags: TUNED, requestsPerSec: native.requestsPerSec, ratio: native.requestsPerSec / js.requestsPerSec, jsNodeFlags: js.nodeFlags, loopDelayP99Ms: native.loopDelayP99Ms };
});
for (const t of tuned) {
  console.log(
    `${t.method.padEnd(7)} with ${TUNED.join(' ')}: ${t.requestsPerSec.toFixed(1)} req/s = ${t.ratio.toFixed(2)}x the JS-loop server (${t.jsNodeFlags.length ? 'same flag' : 'default flags'}); event-loop delay p99 ${t.loopDelayP99Ms.toFixed(1)} ms`,
  );
}

const environment = benchEnvironment({
  simd: coordconv.simd().active,
  concurrency: coordconv.concurrency(),
  autocannon: require('autocannon/package.json').version,
  fastify: require('fastify/package.json').version,
  // The machine is shared: its load during the run says how far the numbers can be trusted.
  loadAverageAtStart: loadAtStart,
  loadAverageAtEnd: os.loadavg(),
});
const file = writeResults('server', {
  name: 'server',
  description: 'POST /decode under autocannon: coordconv/fastify against the same server decoding with a JavaScript loop on the event loop',
  methodology: 'each server in its own process on loopback, 2 s warm-up then the timed run; two ceilings decode nothing (the plugin answering without a decode, node:http discarding bodies); event-loop delay measured inside the server with perf_hooks.monitorEventLoopDelay (5 ms resolution)',
  environment,
  workload: { shape: SHAPE, dtype: 'float32', bytesPerRequest: body.length, connections, durationSec: duration },
  agreement,
  rows,
  targets,
  ceilings,
  tuned,
  slowClientsComparison,
});
console.log(`\n# ${environment.cpu}, ${environment.cores} cores, Node ${environment.node}, SIMD ${environment.simd}, load average ${environment.loadAverageAtEnd.map((l) => l.toFixed(2)).join(', ')}; ${path.relative(process.cwd(), file)} written`);
