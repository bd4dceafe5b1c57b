// One HTTP decode server for bench/server.bench.mjs, in its own process so the load generator
// never shares its event loop. argv[2]: 'coordconv' (the coordconv/fastify plugin as shipped) or
// 'js' (the same plugin and routes, decoding with bench/lib/js-decode.mjs on the event loop).
// Measures its own event-loop delay (perf_hooks.monitorEventLoopDelay) and reports it over IPC:
// message 'reset' starts a window, 'stats' ends it and answers with the percentiles in ms.
import { createRequire } from 'node:module';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';

import { jsDecode } from './js-decode.mjs';

const require = createRequire(import.meta.url);
const Fastify = require('fastify');
const coordconv = require('../../dist/fastify.js');

const impl = process.argv[2];
if (impl !== 'coordconv' && impl !== 'js') throw new Error(`decode-server: unknown implementation ${impl}`);

const app = Fastify({ logger: false });
let served = 0;
let window = { elu: performance.eventLoopUtilization(), cpu: process.cpuUsage() };
app.addHook('onResponse', async () => {
  served++;
});
await app.register(coordconv, {
  maxQueue: 1024, // the bench measures throughput and latency, not refusals
  requestTimeout: 0,
  ...(impl === 'js' ? { decoder: jsDecode } : {}),
});
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
