// A worker thread that loads the addon in its own environment and decodes until told to stop,
// or is terminated with calls in flight.
import { parentPort, workerData } from 'node:worker_threads';
import { decode } from 'coordconv';

const { id, calls } = workerData;
const [h, w] = [37, 61];
let wrong = 0;
const pending = [];
for (let k = 0; k < calls; k++) {
  const data = new Float32Array(8 * h * w);
  const at = (id * 131 + k * 17) % (h * w);
  for (let p = 0; p < 8; p++) data[p * h * w + at] = 1 + p;
  // Every other call moves its buffer into the call (transfer: true), so termination meets both paths.
  pending.push(decode({ data, shape: [8, h, w] }, { transfer: k % 2 === 1 }).then((r) => {
    for (let p = 0; p < 8; p++) if (r.coords[2 * p] !== at % w || r.coords[2 * p + 1] !== Math.floor(at / w)) wrong++;
  }));
}
parentPort.postMessage({ started: calls });
await Promise.all(pending);
parentPort.postMessage({ done: calls, wrong });
