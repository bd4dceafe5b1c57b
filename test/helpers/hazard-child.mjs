// Child process for the hostile tests: queues async calls, then does something hostile to their
// input while they wait, and prints what came back as JSON. Run with UV_THREADPOOL_SIZE=1 so a
// slow first job keeps the decode queued while the main thread acts.
import { pbkdf2 } from 'node:crypto';
import { MessageChannel } from 'node:worker_threads';
import { decode } from 'coordconv';

const mode = process.argv[2];
const [height, width] = [1024, 1031];
const hot = 777 * width + 1000;

function occupyThreadPool() {
  pbkdf2('coordconv', 'salt', 150000, 32, 'sha256', () => {});
}

async function main() {
  if (mode === 'exit-in-flight' || mode === 'exit-natural') {
    const pending = [];
    for (let k = 0; k < 64; k++) {
      const data = new Float32Array(16 * 128 * 128);
      data[k] = 1;
      pending.push(decode({ data, shape: [16, 128, 128] }));
    }
    if (mode === 'exit-in-flight') process.exit(0);
    return { settled: (await Promise.all(pending)).length };
  }
  const buffer = mode === 'resize' ? new ArrayBuffer(height * width * 4, { maxByteLength: height * width * 4 }) : new ArrayBuffer(height * width * 4);
  let data = new Float32Array(buffer);
  data[hot] = 1;
  occupyThreadPool();
  const promise = decode({ data, shape: [height, width] });
  if (mode === 'transfer') {
    // The buffer's memory now belongs to the clone; dropping that and collecting frees it.
    let moved = structuredClone(buffer, { transfer: [buffer] });
    moved = null;
  } else if (mode === 'postMessage') {
    const { port1, port2 } = new MessageChannel();
    port1.postMessage(buffer, [buffer]);
    port1.close();
    port2.close();
  } else if (mode === 'resize') {
    buffer.resize(0);
  } else if (mode === 'write') {
    data[0] = 5;  // a second non-zero pixel, written after the call
  } else {
    throw new Error(`unknown mode ${mode}`);
  }
  data = null;
  for (let i = 0; i < 4; i++) globalThis.gc();
  const r = await promise;
  return { detached: buffer.byteLength === 0, coords: [...r.coords], scores: [...r.scores], valid: [...r.valid] };
}

console.log(JSON.stringify(await main()));
