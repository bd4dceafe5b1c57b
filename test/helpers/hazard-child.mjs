// Child process for the hostile tests: queues async calls, then does something hostile to their
// input while they wait, and prints what came back as JSON. The pool's workers are held (the
// addon's _holdPool) so that the call stays queued until the main thread has acted.
import { setTimeout as sleep } from 'node:timers/promises';
import { MessageChannel } from 'node:worker_threads';
import { decode, decodeSync, encode, peaks } from 'coordconv';
import { addon } from '../../dist/addon.js';

const mode = process.argv[2];
const [height, width] = [1024, 1031];
const hot = 777 * width + 1000;

// Blocks every worker of coordconv's pool until release() is called. Deterministic, and no CPU
// is burnt meanwhile.
function occupyThreadPool() {
  return addon._holdPool();
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
  if (mode === 'encode-transfer') {
    // The coordinates' buffer moves away while encode waits; the planes are drawn from the copy.
    const release = occupyThreadPool();
    const coords = new Float32Array([1000, 777]);
    const promise = encode({ data: coords, shape: [1, 2] }, { height, width });
    let moved = structuredClone(coords.buffer, { transfer: [coords.buffer] });
    moved = null;
    for (let i = 0; i < 4; i++) globalThis.gc();
    await sleep(50);
    release();
    const r = await promise;
    const hot = [];
    r.data.forEach((v, i) => v !== 0 && hot.push(i));
    return { detached: coords.byteLength === 0, hot };
  }
  const buffer = mode === 'resize' ? new ArrayBuffer(height * width * 4, { maxByteLength: height * width * 4 }) : new ArrayBuffer(height * width * 4);
  let data = new Float32Array(buffer);
  data[hot] = 1;
  // The result arrays of an earlier call (which the library made, and used in place while that
  // call ran) passed back as out arrays are the caller's now, as any out arrays are.
  const blank = { data: new Float32Array(4), shape: [2, 2] };
  const earlier = mode === 'reused-out-transfer' ? await decode(blank) : mode === 'reused-sync-out-transfer' ? decodeSync(blank) : null;
  const release = occupyThreadPool();
  const out = earlier ? { coords: earlier.coords, scores: earlier.scores, valid: earlier.valid } : { coords: new Float32Array(2), scores: new Float32Array(1), valid: new Uint8Array(1) };
  const outTransfer = mode === 'out-transfer' || earlier !== null;
  const promise =
    mode === 'peaks-transfer' ? peaks({ data, shape: [height, width] }, { k: 2 }) :
    outTransfer ? decode({ data, shape: [height, width] }, { method: 'exact', out }) :
    decode({ data, shape: [height, width] }, { method: 'exact' });
  if (outTransfer) {
    // The caller's output array moves away while the call waits.
    let moved = structuredClone(out.coords.buffer, { transfer: [out.coords.buffer] });
    moved = null;
  } else if (mode === 'transfer' || mode === 'peaks-transfer') {
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
  // Collect the clone, give V8's concurrent sweeper time to free its memory, then let the
  // queued decode run.
  for (let i = 0; i < 4; i++) globalThis.gc();
  await sleep(50);
  globalThis.gc();
  await sleep(50);
  release();
  let r;
  try {
    r = await promise;
  } catch (error) {
    return { error: error.name, message: error.message, atCaller: /at async main .*hazard-child\.mjs/.test(error.stack), scores: [...out.scores], valid: [...out.valid] };
  }
  if (mode === 'peaks-transfer') return { detached: buffer.byteLength === 0, coords: [...r.coords.slice(0, 2)], scores: [...r.scores.slice(0, 1)], valid: [...r.valid.slice(0, 1)] };
  return { detached: buffer.byteLength === 0, coords: [...r.coords], scores: [...r.scores], valid: [...r.valid] };
}

console.log(JSON.stringify(await main()));
