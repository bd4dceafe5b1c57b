// How the HTTP plugin reads request bodies: into SharedArrayBuffers the async decoder uses in place
// (copied with the addon's internal copyBytes), a bounded number of bytes per turn of the event
// loop (ReadBudget), within a total and an idle deadline, and counted against the bound of uploads
// in progress (UploadLimiter). Internals are reached through lib's compiled modules, like
// sweep.test.mjs.
import test from 'ava';
import { PassThrough, Readable } from 'node:stream';
import { decode } from 'coordconv';
import { addon } from '../dist/addon.js';
import { performance } from 'node:perf_hooks';
import { BodyPool, ReadBudget, readBody } from '../dist/server/body.js';
import { defaultMaxUploadBytes, defaultMaxUploads, UploadLimiter } from '../dist/server/limiter.js';
import { decodeArgmaxRef } from './helpers/decode-ref.mjs';
import { planesOf, rng } from './helpers/inputs.mjs';
import { expectedJson, listen, oneHot, post, raw } from './helpers/server.mjs';

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

test('copyBytes copies into shared and plain buffers at any offset, and nothing else', (t) => {
  for (const Buffer of [ArrayBuffer, SharedArrayBuffer]) {
    const target = new Uint8Array(new Buffer(40), 3, 30).fill(7);
    const source = Uint8Array.from({ length: 11 }, (_, i) => 100 + i);
    addon.copyBytes(target, 19, source);
    const expected = new Array(30).fill(7);
    for (let i = 0; i < 11; i++) expected[19 + i] = 100 + i;
    t.deepEqual(Array.from(target), expected, Buffer.name);
    t.deepEqual(Array.from(new Uint8Array(target.buffer, 0, 3)), [0, 0, 0], `${Buffer.name}: bytes before the view untouched`);
    t.deepEqual(Array.from(new Uint8Array(target.buffer, 33)), [0, 0, 0, 0, 0, 0, 0], `${Buffer.name}: bytes after the view untouched`);
    addon.copyBytes(target, 30, new Uint8Array(0));
  }
});

test('copyBytes refuses a copy past the end of its target, odd offsets and other arrays', (t) => {
  const target = new Uint8Array(16);
  const past = { instanceOf: RangeError, message: 'internal: copyBytes past the end of its target' };
  t.throws(() => addon.copyBytes(target, 6, new Uint8Array(11)), past);
  t.throws(() => addon.copyBytes(target, 17, new Uint8Array(0)), past);
  for (const offset of [-1, 0.5, NaN, Infinity]) t.throws(() => addon.copyBytes(target, offset, new Uint8Array(1)), past, String(offset));
  t.throws(() => addon.copyBytes(target, 0, new Float32Array(1)), { instanceOf: TypeError, message: 'internal: copyBytes expects Uint8Arrays' });
  t.throws(() => addon.copyBytes(target, '0', new Uint8Array(1)), { instanceOf: TypeError, message: 'internal: copyBytes expects an offset' });
  const detached = new Uint8Array(8);
  structuredClone(detached.buffer, { transfer: [detached.buffer] });
  t.throws(() => addon.copyBytes(target, 0, detached), past);
  t.deepEqual(Array.from(target), new Array(16).fill(0), 'nothing written');
});

test('ReadBudget pauses the stream that spends the turn\'s bytes and resumes it on the next turn', async (t) => {
  const budget = new ReadBudget(100);
  const [a, b, c] = [new PassThrough(), new PassThrough(), new PassThrough()];
  for (const s of [a, b, c]) s.resume();
  budget.spend(a, 60);
  t.false(a.isPaused());
  budget.spend(b, 40);
  t.true(b.isPaused(), 'the stream reaching the budget pauses');
  budget.spend(c, 1);
  t.true(c.isPaused(), 'so does every later one in the same turn');
  t.false(a.isPaused());
  c.destroy();
  await nextTurn();
  t.false(b.isPaused(), 'resumed on the next turn');
  t.true(c.isPaused(), 'a destroyed stream is left alone');
  budget.spend(a, 99);
  t.false(a.isPaused(), 'each turn starts with the whole budget');
});

test('a timer due while bodies stream runs between their chunks, not after them', async (t) => {
  const budget = new ReadBudget(64 * 1024);
  const chunks = 64;
  let read = 0;
  let readWhenTimerRan = -1;
  const stream = Readable.from((function* () {
    for (let i = 0; i < chunks; i++) yield Buffer.alloc(64 * 1024);
  })(), { objectMode: false });
  setTimeout(() => {
    readWhenTimerRan = read;
  }, 0);
  await new Promise((resolve) => {
    stream.on('data', (chunk) => {
      read++;
      budget.spend(stream, chunk.length);
    });
    stream.on('end', resolve);
  });
  t.is(read, chunks);
  t.true(readWhenTimerRan >= 0 && readWhenTimerRan < chunks, `the timer ran after ${readWhenTimerRan} of ${chunks} chunks`);
});

test('bodies with a content-length reach the decoder in a SharedArrayBuffer; chunked ones in an ArrayBuffer', async (t) => {
  const seen = [];
  const { app, url } = await listen({
    decoder: (input, options) => {
      seen.push(input.data.buffer.constructor.name);
      return decode(input, options);
    },
  });
  t.teardown(() => app.close());
  const shape = [3, 5, 17, 33];
  const { data } = oneHot(Float32Array, shape, rng(4), 2.5);
  const expected = expectedJson([3, 5], planesOf(data, 17, 33).map((p) => ({ ...decodeArgmaxRef(p, 17, 33), score: 2.5 })));
  const headers = { 'content-type': 'application/octet-stream', 'x-dtype': 'float32', 'x-shape': shape.join(',') };
  const sized = await post(url, raw(data), headers);
  t.is(sized.status, 200);
  t.deepEqual(await sized.json(), expected);
  const bytes = raw(data);
  const chunked = await post(url, Readable.toWeb(Readable.from([bytes.subarray(0, 1001), bytes.subarray(1001)])), headers, '', { duplex: 'half' });
  t.is(chunked.status, 200);
  t.deepEqual(await chunked.json(), expected);
  t.deepEqual(seen, ['SharedArrayBuffer', 'ArrayBuffer']);
});

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const MiB = 2 ** 20;

test('a body that stops for the idle deadline is refused with 408 and connection: close; a buffer it was given goes back to the pool', async (t) => {
  const pool = new BodyPool(4 * MiB);
  const stream = new PassThrough();
  const start = performance.now();
  const reading = readBody(stream, '4096', MiB, pool, new ReadBudget(MiB), { deadlines: { total: 0, idle: 120, startedAt: start } });
  stream.write(Buffer.alloc(100));
  await sleep(60);
  stream.write(Buffer.alloc(50)); // the idle clock starts again here
  const error = await t.throwsAsync(reading);
  t.is(error.statusCode, 408);
  t.deepEqual(error.headers, { connection: 'close' });
  t.is(error.message, 'The request body stalled: no bytes for 120 ms (150 of 4096 bytes received)');
  t.true(performance.now() - start >= 180, `refused after ${performance.now() - start} ms`);
  t.is(pool.idleBytes, 0, 'a body that sent too little of itself was never given a buffer');
  // 100 KB of a 200 KB body: past the first 64 KiB it has its buffer, which the pool gets back.
  const big = new PassThrough();
  const reading2 = readBody(big, String(200000), MiB, pool, new ReadBudget(MiB), { deadlines: { total: 0, idle: 100, startedAt: performance.now() } });
  big.write(Buffer.alloc(100000, 5));
  const error2 = await t.throwsAsync(reading2);
  t.is(error2.message, 'The request body stalled: no bytes for 100 ms (100000 of 200000 bytes received)');
  t.is(pool.idleBytes, 200000);
});

test('a sized body is staged until 64 KiB of it have come, then read into one pooled buffer: the bytes arrive whole and in order', async (t) => {
  const pool = new BodyPool(4 * MiB);
  for (const [length, cuts] of [[10, [3, 7]], [65536, [1, 65535]], [70000, [100, 65535, 65537, 69999]], [300000, [65536, 131072]]]) {
    const bytes = Uint8Array.from({ length }, (_, i) => (i * 7 + 3) & 255);
    const stream = new PassThrough();
    const reading = readBody(stream, String(length), MiB, pool, new ReadBudget(MiB));
    let at = 0;
    for (const cut of [...cuts, length]) {
      stream.write(Buffer.from(bytes.subarray(at, cut)));
      at = cut;
    }
    stream.end();
    const { bytes: got, pooled } = await reading;
    t.true(pooled);
    t.true(got.buffer instanceof SharedArrayBuffer);
    t.true(Buffer.from(bytes).equals(got), `${length} bytes cut at ${cuts}`);
    pool.give(got);
  }
});

test('a body that keeps coming but takes longer than the total deadline is refused with 408; bytes within both deadlines are read', async (t) => {
  const pool = new BodyPool(0);
  const trickle = async (stream, pieces, gap) => {
    for (let i = 0; i < pieces && !stream.destroyed; i++) {
      stream.write(Buffer.from([i]));
      await sleep(gap);
    }
    stream.end();
  };
  // The total deadline counts from startedAt, the request's arrival, not from the read.
  const slow = new PassThrough();
  const reading = readBody(slow, undefined, 1000, pool, new ReadBudget(MiB), { deadlines: { total: 150, idle: 1000, startedAt: performance.now() - 50 } });
  const writing = trickle(slow, 20, 20);
  const error = await t.throwsAsync(reading);
  t.is(error.statusCode, 408);
  t.regex(error.message, /^The request body did not arrive within 150 ms \(\d bytes received\)$/);
  t.true(Number(/\((\d+) bytes/.exec(error.message)[1]) <= 6, error.message);
  slow.destroy();
  await writing;
  // Chunks 40 ms apart for 600 ms under a 300 ms idle deadline, within the total one: read whole.
  const steady = new PassThrough();
  const read = readBody(steady, '15', 1000, pool, new ReadBudget(MiB), { deadlines: { total: 5000, idle: 300, startedAt: performance.now() } });
  await trickle(steady, 15, 40);
  t.deepEqual([...(await read).bytes], Array.from({ length: 15 }, (_, i) => i));
});

test('a chunked body asks before keeping each chunk, and a refusal ends the read with that error', async (t) => {
  const asked = [];
  const refusal = Object.assign(new Error('full'), { statusCode: 503 });
  const stream = new PassThrough();
  const reading = readBody(stream, undefined, 1000, new BodyPool(0), new ReadBudget(MiB), {
    grow: (bytes) => {
      asked.push(bytes);
      return asked.length === 3 ? refusal : undefined;
    },
  });
  for (const n of [10, 20, 30, 40]) stream.write(Buffer.alloc(n));
  t.is(await t.throwsAsync(reading), refusal);
  t.deepEqual(asked, [10, 20, 30]);
  // A body with a Content-Length reserved it at the door: nothing to ask.
  const sized = new PassThrough();
  const read = readBody(sized, '3', 1000, new BodyPool(0), new ReadBudget(MiB), { grow: () => t.fail('asked for a sized body') });
  sized.end(Buffer.from([1, 2, 3]));
  t.deepEqual([...(await read).bytes], [1, 2, 3]);
});

test('UploadLimiter bounds the uploads in progress by count and by bytes, and gives both back once', (t) => {
  const uploads = new UploadLimiter(2, 100);
  const a = uploads.start(60);
  t.truthy(a);
  t.false(uploads.fits(41), 'past the bytes');
  t.is(uploads.start(41), null);
  const b = uploads.start(0);
  t.deepEqual([uploads.count, uploads.bytes], [2, 60]);
  t.is(uploads.start(0), null, 'past the count');
  t.true(b.grow(40));
  t.false(b.grow(1), 'a chunk past the bytes is refused, and nothing reserved');
  t.deepEqual([uploads.count, uploads.bytes, b.bytes], [2, 100, 40]);
  a.end();
  a.end();
  t.deepEqual([uploads.count, uploads.bytes], [1, 40]);
  b.end();
  t.false(b.grow(1), 'an ended upload reserves nothing');
  t.deepEqual([uploads.count, uploads.bytes], [0, 0]);
});

test('the default upload bounds follow the documented rule: a quarter of the memory, at least two bodies; one upload per MiB, from 16 to 1024', (t) => {
  const GiB = 2 ** 30;
  t.is(defaultMaxUploadBytes(64 * MiB, 8 * GiB), 2 * GiB);
  t.is(defaultMaxUploadBytes(64 * MiB, 256 * MiB), 128 * MiB);
  t.is(defaultMaxUploadBytes(MiB, 16 * MiB), 4 * MiB);
  t.is(defaultMaxUploadBytes(MiB, 16 * MiB + 3), 4 * MiB, 'whole bytes');
  t.is(defaultMaxUploads(2 * GiB), 1024);
  t.is(defaultMaxUploads(GiB), 1024);
  t.is(defaultMaxUploads(GiB - 1), 1023);
  t.is(defaultMaxUploads(128 * MiB), 128);
  t.is(defaultMaxUploads(4 * MiB), 16);
});
