import test from 'ava';
import { readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import fc from 'fast-check';
import { allocate, ALLOCATE_DTYPES, decode, decodeSync, peaks } from 'coordconv';
import { decodeArgmaxRef } from './helpers/decode-ref.mjs';
import { rng } from './helpers/inputs.mjs';
import { runs, sameBytes } from './helpers/arbitraries.mjs';

// allocate: typed arrays over library memory, which the async calls read and write in place
// (binding/library_memory.h). Each answer is checked against the plain-JS argmax reference.

const [h, w] = [33, 47];

function fillPlanes(data, n, seed) {
  const random = rng(seed);
  for (let i = 0; i < data.length; i++) data[i] = random() * 0.5;
  for (let p = 0; p < n; p++) data[p * h * w + Math.floor(random() * h * w)] = 1 + random();
  return data;
}

function expectRef(t, r, data, n) {
  for (let p = 0; p < n; p++) {
    const want = decodeArgmaxRef(data.subarray(p * h * w, (p + 1) * h * w), h, w);
    t.deepEqual([r.coords[2 * p], r.coords[2 * p + 1], r.scores[p]], [want.x, want.y, Math.fround(want.score)], `plane ${p}`);
  }
}

test('each dtype gives its typed array, zero-filled, of the length asked; 0 gives an empty array', (t) => {
  const types = { float32: Float32Array, float16: Uint16Array, uint8: Uint8Array, uint32: Uint32Array };
  t.deepEqual([...ALLOCATE_DTYPES], Object.keys(types));
  for (const [dtype, Type] of Object.entries(types)) {
    const a = allocate(dtype, 1000);
    t.true(a instanceof Type, dtype);
    t.is(a.length, 1000);
    t.is(a.byteLength, 1000 * Type.BYTES_PER_ELEMENT);
    t.true(a.every((v) => v === 0), `${dtype} is zero-filled`);
    t.is(allocate(dtype, 0).length, 0);
  }
});

test('bad dtypes and lengths are errors naming what was expected', (t) => {
  t.throws(() => allocate('float64', 4), { instanceOf: TypeError, message: /Expected one of 'float32', 'float16', 'uint8', 'uint32' for dtype but received "float64"/ });
  t.throws(() => allocate(undefined, 4), { instanceOf: TypeError, message: /Expected one of 'float32', 'float16', 'uint8', 'uint32' for dtype but received undefined/ });
  t.throws(() => allocate('toString', 4), { instanceOf: TypeError, message: /for dtype but received "toString"/ });
  t.throws(() => allocate('float32', -1), { message: /for length but received -1/ });
  t.throws(() => allocate('float32', 2.5), { message: /for length but received 2.5/ });
  t.throws(() => allocate('float32', '8'), { message: /for length/ });
  t.throws(() => allocate('uint8', 2 ** 53), { message: /for length/ });
});

test('an async decode reads library memory in place and writes library out arrays in place', async (t) => {
  const n = 12;
  const data = fillPlanes(allocate('float32', n * h * w), n, 1);
  const out = { coords: allocate('float32', 2 * n), scores: allocate('float32', n), valid: allocate('uint8', n) };
  const r = await decode({ data, shape: [n, h, w] }, { method: 'argmax', out });
  t.is(r.coords, out.coords);
  t.is(r.valid, out.valid);
  t.true(r.valid.every((v) => v === 1));
  expectRef(t, r, data, n);
  t.deepEqual(Array.from(decodeSync({ data, shape: [n, h, w] }).coords), Array.from(r.coords), 'sync reads it too');
  // Writes made after the call returned are seen by the next call: the memory is the caller's.
  data.fill(0);
  fillPlanes(data, n, 2);
  expectRef(t, await decode({ data, shape: [n, h, w] }, { out }), data, n);
});

test('transfer: true leaves a library array where it is (it is used in place anyway) and hands it back', async (t) => {
  const n = 3;
  const data = fillPlanes(allocate('float32', n * h * w), n, 3);
  const r = await decode({ data, shape: [n, h, w] }, { transfer: true });
  t.is(r.input, data);
  t.is(data.length, n * h * w, 'not detached');
  expectRef(t, r, data, n);
  const u8 = allocate('uint8', n * h * w);
  u8[7] = 9;
  t.is((await peaks({ data: u8, shape: [n, h, w] }, { k: 2, transfer: true })).input, u8);
});

test('dropping every reference, cloning the buffer or sending it to a worker while calls run frees nothing under them', async (t) => {
  const n = 64;
  const expected = fillPlanes(new Float32Array(n * h * w), n, 4);
  const want = decodeSync({ data: expected, shape: [n, h, w] });
  const check = (r) => t.deepEqual([Array.from(r.coords), Array.from(r.scores)], [Array.from(want.coords), Array.from(want.scores)]);
  // Dropped: nothing but the call holds the memory, and a collection runs while it is in flight.
  {
    const pending = [];
    for (let k = 0; k < 8; k++) {
      const data = allocate('float32', n * h * w);
      data.set(expected);
      pending.push(decode({ data, shape: [n, h, w] }));
    }
    globalThis.gc();
    (await Promise.all(pending)).forEach(check);
  }
  // Cloned with a transfer list, and sent to a worker that is then terminated.
  const data = allocate('float32', n * h * w);
  data.set(expected);
  const running = decode({ data, shape: [n, h, w] });
  let cloned = null;
  try {
    cloned = structuredClone(data.buffer, { transfer: [data.buffer] });
  } catch {
    // A runtime may refuse to move external memory; then nothing moved.
  }
  const worker = new Worker('const { parentPort } = require("node:worker_threads"); parentPort.on("message", (m) => parentPort.postMessage(m.byteLength));', { eval: true });
  try {
    worker.postMessage(data.buffer, data.buffer.byteLength ? [data.buffer] : []);
  } catch {
    // likewise
  }
  await worker.terminate();
  cloned = null;
  globalThis.gc();
  check(await running);
  t.is(cloned, null);
});

test('property: on any batch, library input and out arrays give decodeSync\'s answer on a plain copy, for Float32 and Uint8', async (t) => {
  await fc.assert(
    fc.asyncProperty(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 40 }), fc.boolean(), fc.integer(), async (n, ph, pw, bytes, seed) => {
      const random = rng(seed);
      const data = allocate(bytes ? 'uint8' : 'float32', n * ph * pw);
      for (let i = 0; i < data.length; i++) data[i] = bytes ? Math.floor(random() * 256) : random() * 4 - 2;
      const out = { coords: allocate('float32', 2 * n), scores: allocate('float32', n), valid: allocate('uint8', n) };
      const got = await decode({ data, shape: [n, ph, pw] }, { out });
      const want = decodeSync({ data: data.slice(), shape: [n, ph, pw] });
      return got.coords === out.coords && sameBytes(got.coords, want.coords) && sameBytes(got.scores, want.scores) && sameBytes(got.valid, want.valid);
    }),
    { numRuns: runs(60) },
  );
  t.pass();
});

// From 4 MiB, allocate maps whole 2 MiB pages and asks for transparent huge pages
// (binding/library_memory.cc): every byte still reads zero, the last one included, and is written
// and decoded like any other; where the kernel grants huge pages on request only, it grants them.
test('a large allocation is zero to its last byte, usable in place, and in madvise mode backed by huge pages', async (t) => {
  const n = 5 * 1024 * 1024 + 3;  // bytes, not a multiple of any page
  const bytes = allocate('uint8', n);
  t.is(bytes.length, n);
  let nonzero = 0;
  for (let i = 0; i < n; i += 4093) nonzero += bytes[i];
  t.is(nonzero + bytes[n - 1], 0);
  bytes[n - 1] = 7;
  t.is(bytes[n - 1], 7);

  const planes = Math.floor((6 << 20) / (4 * h * w));
  const data = allocate('float32', planes * h * w);
  const hugeBefore = anonHugeKiB();
  fillPlanes(data, planes, 41);
  const hugeGained = anonHugeKiB() - hugeBefore;
  const copy = Float32Array.from(data);
  const r = await decode({ data, shape: [planes, h, w] });
  expectRef(t, r, copy, planes);
  if (thpMode() === 'madvise') t.true(hugeGained >= 2048, `huge pages gained: ${hugeGained} KiB`);
});

// The staging blocks an async call copies a plain ArrayBuffer's input into are huge pages from
// 4 MiB on too (native/block_pool.cc): a 24 MiB input, larger than any other this file stages, is
// copied into a new block when the call is made, and the copy decodes like the input.
test.serial('an async call copies a large plain input into huge pages in madvise mode, and decodes the copy', async (t) => {
  const planes = Math.floor((24 << 20) / (4 * h * w));
  const data = new Float32Array(planes * h * w);
  fillPlanes(data, planes, 43);
  const before = anonHugeKiB();
  const pending = decode({ data, shape: [planes, h, w] });
  const during = anonHugeKiB();
  expectRef(t, await pending, data, planes);
  if (thpMode() === 'madvise') t.true(during - before >= 16384, `huge pages gained: ${during - before} KiB`);
});

function anonHugeKiB() {
  const smaps = readOr('/proc/self/smaps_rollup', '');
  const m = /AnonHugePages:\s+(\d+) kB/.exec(smaps);
  return m ? Number(m[1]) : 0;
}

// The kernel's transparent huge page mode ('always', 'madvise', 'never'), or '' where it has none.
function thpMode() {
  const m = /\[(\w+)\]/.exec(readOr('/sys/kernel/mm/transparent_hugepage/enabled', ''));
  return m ? m[1] : '';
}

function readOr(path, fallback) {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return fallback;
  }
}
