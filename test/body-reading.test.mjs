// How the HTTP plugin reads request bodies: into SharedArrayBuffers the async decoder uses in place
// (copied with the addon's internal copyBytes), a bounded number of bytes per turn of the event
// loop (ReadBudget). Internals are reached through lib's compiled modules, like sweep.test.mjs.
import test from 'ava';
import { PassThrough, Readable } from 'node:stream';
import { decode } from 'coordconv';
import { addon } from '../dist/addon.js';
import { ReadBudget } from '../dist/server/body.js';
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
