// One HTTP decode server for bench/server.bench.mjs, in its own process so the load generator
// never shares its event loop. argv[2]: 'coordconv' (the coordconv/fastify plugin as shipped),
// 'js' (the same plugin and routes, decoding with bench/lib/js-decode.mjs on the event loop), or
// one of two ceilings that decode nothing: 'none' (the same plugin, answering every plane invalid
// without looking at it: what receiving and answering cost) and 'drain' (node:http alone, reading
// each body into nothing and answering {}: what this machine's loopback and Node allow at all).
// Measures its own event-loop delay (perf_hooks.monitorEventLoopDelay) and reports it over IPC:
// message 'reset' starts a window, 'stats' ends it and answers with the percentiles in ms.
import http from 'node:http';
import { createRequire } from 'node:module';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';

import { jsDecode } from './js-decode.mjs';

const require = createRequire(import.meta.url);
const Fastify = require('fastify');
const coordconv = require('../../dist/fastify.js');

const impl = process.argv[2];
const DECODERS = {
  coordconv: undefined,
  js: jsDecode,
  none: (input) => {
    const planes = input.data.length / (input.shape.at(-1) * input.shape.at(-2));
    return { shape: input.shape.slice(0, -2), coords: new Float32Array(2 * planes).fill(NaN), scores: new Float32Array(planes), valid: new Uint8Array(planes) };
  },
};
if (!(impl in DECODERS) && impl !== 'drain') throw new Error(`decode-server: unknown implementation ${impl}`);

let served = 0;
let window = { elu: performance.eventLoopUtilization(), cpu: process.cpuUsage() };
let app;
if (impl === 'drain') {
  const server = http.createServer((request, response) => {
    request.on('data', () => {});
    request.on('end', () => {
      served++;
      response.setHeader('content-type', 'application/json');
      response.end('{}');
    });
  });
  app = {
    listen: ({ port, host }) => new Promise((resolve) => server.listen(port, host, () => resolve(`http://${host}:${server.address().port}`))),
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(resolve); }),
  };
} else {
  app = Fastify({ logger: false });
  app.addHook('onResponse', async () => {
    served++;
  });
  await app.register(coordconv, {
    maxQueue: 1024, // the bench measures throughput and latency, not refusals
    requestTimeout: 0,
    ...(DECODERS[impl] ? { decoder: DECODERS[impl] } : {}),
  });
}
const histogram = monitorEventLoopDelay({ resolution: 5 });
histogram.enable();

process.on('message', (message) => {
  if (message === 'reset') {
    histogram.reset();
    served = 0;
    window = { elu: performance.eventLoopUtilization(), cpu: process.cpuUsage() };
    process.send({ reset: true });
  } else if (message === 'stats') {
    const ms = (ns) => ns / 1e6;
    const cpu = process.cpuUsage(window.cpu);
    process.send({
      stats: {
        p50: ms(histogram.percentile(50)),
        p99: ms(histogram.percentile(99)),
        max: ms(histogram.max),
        mean: ms(histogram.mean),
        served,
        // Share of the window the event loop was busy, and this process's CPU time (all its
        // threads: the event loop, libuv's pool, coordconv's native threads) per answered request.
        eventLoopUtilization: performance.eventLoopUtilization(window.elu).utilization,
        cpuMsPerRequest: served ? (cpu.user + cpu.system) / 1e3 / served : null,
      },
    });
  } else if (message === 'stop') {
    void app.close().then(() => process.exit(0));
  }
});

const url = await app.listen({ port: 0, host: '127.0.0.1' });
process.send({ url });
