// Property-based tests of coordconv/fastify over real HTTP on loopback (one app, one ephemeral port,
// the plugin registered under six prefixes with different options; a second app with a short
// headers timeout for headers sent too slowly). For any request:
//   - a valid one (rank 2-4, float32 / uint8, hostile values, .npy or raw bytes, any method and
//     options in the query, JSON or .npz asked for) is answered 200 with exactly what decodeSync
//     gives for the same input and options;
//   - a corrupt one (random or damaged bodies, lying or malformed headers, other content types,
//     bad query strings, bodies past the limit, lying content-lengths, hand-made chunked framing,
//     garbage HTTP, connections cut mid-pipeline, bodies that stall or trickle past their
//     deadlines, headers sent a byte at a time) gets a 4xx whose JSON body is
//     { statusCode, error, message } with the documented message, never a 5xx, never a hang, and
//     a slow client is cut off no sooner than its deadline;
//   - fired together past maxInFlight + maxQueue, or under a short requestTimeout with slow
//     decodes and clients that give up, each gets one of the above or the documented 503 / 504;
//   - and afterwards the server answers a valid request correctly and /health shows nothing
//     running, queued or admitted (no leaked slot).
// The reference is the library itself (decodeSync, parseNpy) on the same bytes: these tests check
// the HTTP transport, not the decoder, which the other property files check against scalar
// JavaScript references. The rules for headers, query strings and JSON are written here from
// docs/server.md (test/helpers/http-props.mjs), not taken from lib/.
import test from 'ava';
import fc from 'fast-check';
import { STATUS_CODES } from 'node:http';
import { isDeepStrictEqual } from 'node:util';
import Fastify from 'fastify';
import coordconv from 'coordconv/fastify';
import { decode, decodeSync, parseNpy } from 'coordconv';
import { planeBatch, runs } from './helpers/arbitraries.mjs';
import { npy, raw, readNpz } from './helpers/server.mjs';
import { exchange, expectedJson, optionsOf, queryString, readResponses, sameValues, validQueryPairs, withDefaults } from './helpers/http-props.mjs';

const SEED = 20261128;
const NPY = 'application/x-npy';
const RAW = 'application/octet-stream';
const LIMIT = 48 * 1024; // bodyLimit of the /small and /tight prefixes
const DEFAULTS = { method: 'dark', kernel: 5, sigma: 1.5 };
const TIMEOUT = 5000; // ms: a request not answered by then is a hang
// What the /tight prefix answers past its limits.
const TIGHT_BUSY = [{ status: 503, message: '1 decodes are running and 3 requests waiting: retry later', retryAfter: '1' }];
// /slow: decodes that take 0 to 60 ms (a function of the input's size) under a 30 ms
// requestTimeout, so requests time out both waiting for a slot and while decoding.
const SLOW_TIMEOUT = 30;
const slowDecoder = async (input, options) => {
  await new Promise((resolve) => setTimeout(resolve, (input.data.length * 7) % 61));
  return decode(input, options);
};
const SLOW_REFUSALS = [
  { status: 503, message: '2 decodes are running and 4 requests waiting: retry later', retryAfter: '2' },
  { status: 503, message: `The decode waited ${SLOW_TIMEOUT} ms for a slot without starting: retry later`, retryAfter: '2' },
  { status: 504, message: `The decode did not finish within ${SLOW_TIMEOUT} ms` },
];

// /deadline: short body deadlines for the slow clients among the corruptions, and the server's
// headers timeout (Node's, with Fastify's 408 "Client Timeout").
// Under the sanitizers (test/run.mjs --asan) the server runs several times slower: longer deadlines.
const SCALE = process.env.LD_PRELOAD?.includes('asan') ? 4 : 1;
const IDLE_DEADLINE = 100 * SCALE;
const TOTAL_DEADLINE = 250 * SCALE;
const HEADERS_TIMEOUT = 300 * SCALE;
const SLOW_KINDS = ['slowBody', 'slowHeaders'];

let server;
let headersServer;
test.before(async () => {
  // Clients that give up may leave fetch's pool a connection that never sent a request, which
  // Node does not count as idle: close() ends every connection once the tests are done.
  const app = Fastify({ forceCloseConnections: true });
  await app.register(coordconv, { prefix: '/plain' });
  await app.register(coordconv, { prefix: '/defaults', defaults: DEFAULTS });
  await app.register(coordconv, { prefix: '/small', bodyLimit: LIMIT });
  await app.register(coordconv, { prefix: '/tight', bodyLimit: LIMIT, maxInFlight: 1, maxQueue: 3 });
  await app.register(coordconv, { prefix: '/slow', bodyLimit: LIMIT, maxInFlight: 2, maxQueue: 4, requestTimeout: SLOW_TIMEOUT, retryAfter: 2, decoder: slowDecoder });
  await app.register(coordconv, { prefix: '/deadline', bodyLimit: LIMIT, uploadIdleTimeout: IDLE_DEADLINE, uploadTimeout: TOTAL_DEADLINE });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  server = { app, url, port: Number(new URL(url).port) };
  // Its own app for the clients that send their headers too slowly: a short headers timeout,
  // checked often, that would also cut off the fresh connections of the other tests on a loaded
  // machine (the clock starts when the connection is accepted).
  const headersApp = Fastify({ forceCloseConnections: true, http: { headersTimeout: HEADERS_TIMEOUT, connectionsCheckingInterval: 20 } });
  await headersApp.register(coordconv, { prefix: '/deadline', bodyLimit: LIMIT });
  const headersUrl = await headersApp.listen({ port: 0, host: '127.0.0.1' });
  headersServer = { app: headersApp, url: headersUrl, port: Number(new URL(headersUrl).port) };
});
test.after.always(() => Promise.all([server?.app.close(), headersServer?.app.close()]));

// A prefix of the main app ('/plain'), or a whole base URL (the headers app's).
const base = (prefix) => (prefix.startsWith('http') ? prefix : `${server.url}${prefix}`);

// ---- requests and answers ----------------------------------------------------------------------

/**
 * POSTs a spec with fetch; `{ status, header, bytes }`, or `{ error }` (a hang is a TimeoutError).
 * With `abortAfter`, the client gives up after that many ms (an AbortError, if no answer came first).
 */
async function send(prefix, { body, headers, query = '' }, abortAfter) {
  const client = new AbortController();
  const giveUp = abortAfter === undefined ? undefined : setTimeout(() => client.abort(), abortAfter);
  try {
    const signal = AbortSignal.any([AbortSignal.timeout(TIMEOUT), client.signal]);
    const response = await fetch(`${base(prefix)}/decode${query}`, { method: 'POST', body, headers, duplex: 'half', signal });
    return { status: response.status, header: (name) => response.headers.get(name), bytes: Buffer.from(await response.arrayBuffer()) };
  } catch (error) {
    return { error };
  } finally {
    clearTimeout(giveUp);
  }
}

const describeText = (v) => (v === undefined ? 'undefined' : JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}...` : v));

/** What the library says about the same input and options: its result, or its message as a 400. */
function libraryAnswer(read, options) {
  try {
    return { status: 200, result: decodeSync(read(), options) };
  } catch (error) {
    if (error instanceof TypeError || error instanceof RangeError) return { status: 400, message: error.message };
    throw error;
  }
}

// docs/server.md: a .npy body holds float32 or uint8 (dtype '<f4' or '|u1'); other dtypes are
// refused before the library sees them, with the NumPy conversion to make.
const npyAnswer = (bytes, options) =>
  libraryAnswer(() => {
    const { dtype, data, shape } = parseNpy(bytes, 'the request body');
    if (dtype !== '<f4' && dtype !== '|u1') {
      throw new TypeError(`Expected a float32 or uint8 array (dtype '<f4' or '|u1') for the request body but received dtype '${dtype}' (send arr.astype(np.float32))`);
    }
    return { data, shape };
  }, options);

// The octet-stream rules of docs/server.md: x-dtype float32|uint8, x-shape comma-separated
// dimensions, a whole number of elements; the rest (rank, dimensions, count) is the library's.
function rawAnswer(bytes, dtype, shapeText, options) {
  if (dtype !== 'float32' && dtype !== 'uint8') return { status: 400, message: `Expected 'float32' or 'uint8' for header x-dtype but received ${describeText(dtype)}` };
  if (shapeText === undefined || !shapeText.split(',').every((p) => /^\d+$/.test(p.trim()))) {
    return { status: 400, message: `Expected comma-separated dimensions such as "64,17,64,48" for header x-shape but received ${describeText(shapeText)}` };
  }
  const size = dtype === 'float32' ? 4 : 1;
  if (bytes.length % size) return { status: 400, message: `Expected a whole number of ${size}-byte ${dtype} elements for the request body but received ${bytes.length} bytes` };
  const copy = Uint8Array.from(bytes);
  const data = dtype === 'float32' ? new Float32Array(copy.buffer) : copy;
  return libraryAnswer(() => ({ data, shape: shapeText.split(',').map((p) => Number(p.trim())) }), options);
}

/**
 * Checks one answer against its expectation: `{ status: 200, result, npz }` or `{ status, message }`,
 * and `or`: other answers the plugin documents for this request (503 / 504 with their messages and
 * Retry-After). `abortAfter`: the client gave up, so no answer is fine too.
 */
function check(t, response, want, label) {
  const fail = (why) => {
    t.log(`${label}: ${why}`);
    return false;
  };
  if (response.error) {
    if (want.abortAfter !== undefined && response.error.name === 'AbortError') return true;
    return fail(`no answer: ${response.error.name} ${response.error.message}`);
  }
  if (want.or && response.status !== want.status) {
    const quiet = () => false;
    const other = want.or.find((o) => o.status === response.status && checkError(response, o.status, o.message, quiet));
    if (!other) return checkError(response, want.status, want.message ?? '(a 200)', fail);
    return other.retryAfter === undefined || response.header('retry-after') === other.retryAfter || fail(`Retry-After ${response.header('retry-after')}, wanted ${other.retryAfter}`);
  }
  if (want.status !== 200) return checkError(response, want.status, want.message, fail);
  if (response.status !== 200) return fail(`status ${response.status}, wanted 200: ${response.bytes.toString().slice(0, 300)}`);
  const { result } = want;
  if (want.npz) {
    if (response.header('content-type') !== 'application/x-npz') return fail(`content-type ${response.header('content-type')}`);
    const z = readNpz(response.bytes);
    const ok =
      isDeepStrictEqual(Object.keys(z).sort(), ['coords', 'scores', 'valid']) &&
      isDeepStrictEqual([z.coords.descr, z.coords.shape], ['<f4', [...result.shape, 2]]) &&
      isDeepStrictEqual([z.scores.descr, z.scores.shape], ['<f4', result.shape]) &&
      isDeepStrictEqual([z.valid.descr, z.valid.shape], ['|u1', result.shape]) &&
      sameValues(z.coords.data, result.coords) && sameValues(z.scores.data, result.scores) && sameValues(z.valid.data, result.valid);
    return ok || fail(`.npz differs from decodeSync: ${JSON.stringify(expectedJson(result)).slice(0, 300)}`);
  }
  if (response.header('content-type') !== 'application/json; charset=utf-8') return fail(`content-type ${response.header('content-type')}`);
  const got = JSON.parse(response.bytes.toString());
  const expected = expectedJson(result);
  return isDeepStrictEqual(got, expected) || fail(`JSON differs from decodeSync:\n got ${JSON.stringify(got).slice(0, 400)}\nwant ${JSON.stringify(expected).slice(0, 400)}`);
}

// An error answer: exactly { statusCode, error, message }, the status's reason as error, and the
// message given (a string, or a RegExp where docs/server.md fixes only its form).
function checkError(response, status, message, fail) {
  const text = response.bytes.toString();
  if (response.status !== status) return fail(`status ${response.status}, wanted ${status} (${message}): ${text.slice(0, 300)}`);
  if (!/^application\/json\b/.test(response.header('content-type') ?? '')) return fail(`content-type ${response.header('content-type')}`);
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    return fail(`not JSON: ${text.slice(0, 200)}`);
  }
  if (!isDeepStrictEqual(Object.keys(body).sort(), ['error', 'message', 'statusCode'])) return fail(`keys ${Object.keys(body)}`);
  if (body.statusCode !== status || body.error !== STATUS_CODES[status]) return fail(`body ${text}`);
  const ok = typeof message === 'string' ? body.message === message : message.test(body.message);
  return ok || fail(`message ${JSON.stringify(body.message)}\n wanted ${message}`);
}

/** Polls a prefix's /health until nothing is running, queued or admitted; false after 3 s. */
async function idle(prefix) {
  const deadline = Date.now() + 3000;
  let health;
  while (Date.now() < deadline) {
    health = await (await fetch(`${base(prefix)}/health`, { signal: AbortSignal.timeout(TIMEOUT) })).json();
    if (health.running === 0 && health.queued === 0 && health.admitted === 0) return { ok: true };
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  return { ok: false, health };
}

// One fixed request whose answer is known: a 5 x 7 plane with its maximum at x = 4, y = 2.
const PROBE_PLANE = new Float32Array(35);
PROBE_PLANE[2 * 7 + 4] = 3;
async function stillServes(t, prefix) {
  const quiet = await idle(prefix);
  if (!quiet.ok) {
    t.log(`${prefix}/health never returned to idle: ${JSON.stringify(quiet.health)}`);
    return false;
  }
  const want = { status: 200, result: { shape: [], coords: [4, 2], scores: [3], valid: [1] } };
  // /slow may time the probe out on a loaded machine (its decoder waits 1 ms for 35 elements, its
  // timeout is 30 ms): a documented 503 / 504, then it tries again; one answer must be right. The
  // tries are spread over about 2.5 s, so one burst of load from a test file running beside this
  // one (the slow-client tests open 3,000 connections) cannot time them all out.
  for (let attempt = 0; prefix === '/slow' && attempt < 4; attempt++) {
    const response = await send(prefix, { body: npy(PROBE_PLANE, [5, 7]), headers: { 'content-type': NPY } });
    if (response.status === 200) return check(t, response, want, `${prefix} probe after the run`);
    if (!check(t, response, { ...want, or: SLOW_REFUSALS.slice(1) }, `${prefix} probe after the run`)) return false;
    await new Promise((resolve) => setTimeout(resolve, 250 * (attempt + 1)));
  }
  const response = await send(prefix, { body: npy(PROBE_PLANE, [5, 7]), headers: { 'content-type': NPY } });
  return check(t, response, want, `${prefix} probe after the run`);
}

// ---- valid requests ----------------------------------------------------------------------------

const NPY_TYPES = [NPY, 'APPLICATION/X-NPY', 'application/x-npy; charset=binary', 'Application/X-Npy ; a=b'];
const RAW_TYPES = [RAW, 'Application/Octet-Stream', 'application/octet-stream; x=y'];
const ACCEPTS = [
  [undefined, false],
  ['application/json', false],
  ['*/*', false],
  ['text/html', false],
  ['application/x-npy;q=0.1, application/json', false],
  [NPY, true],
  ['application/x-npz', true],
  ['application/json;q=0.5, application/x-npy', true],
];

const dtypeOf = (data) => (data instanceof Float32Array ? 'float32' : 'uint8');

/** A valid request: the batch, its body in either form, a query, an Accept header. */
const validRequest = (maxElements) =>
  fc
    .record({
      batch: planeBatch(maxElements),
      asNpy: fc.boolean(),
      type: fc.nat(),
      spaced: fc.boolean(),
      pairs: validQueryPairs,
      encodeKeys: fc.boolean(),
      accept: fc.constantFrom(...ACCEPTS),
    })
    .map(({ batch, asNpy, type, spaced, pairs, encodeKeys, accept: [accept, npz] }) => {
      const headers = [];
      let body;
      if (asNpy) {
        body = npy(batch.data, batch.shape);
        headers.push(['content-type', NPY_TYPES[type % NPY_TYPES.length]]);
      } else {
        body = raw(batch.data);
        headers.push(['content-type', RAW_TYPES[type % RAW_TYPES.length]], ['x-dtype', dtypeOf(batch.data)], ['x-shape', batch.shape.join(spaced ? ', ' : ',')]);
      }
      if (accept !== undefined) headers.push(['accept', accept]);
      return { body, headers, query: queryString(pairs, encodeKeys), pairs, batch, npz, label: `${asNpy ? 'npy' : 'raw'} ${dtypeOf(batch.data)} [${batch.shape}] ${queryString(pairs)} accept ${accept}` };
    });

test('valid requests: the answer (JSON or .npz) equals decodeSync of the same input and options', async (t) => {
  await fc.assert(
    fc.asyncProperty(validRequest(6000), fc.boolean(), async (spec, withPluginDefaults) => {
      const prefix = withPluginDefaults ? '/defaults' : '/plain';
      const options = withDefaults(optionsOf(spec.pairs), withPluginDefaults ? DEFAULTS : {});
      const want = { status: 200, result: decodeSync(spec.batch, options), npz: spec.npz };
      return check(t, await send(prefix, spec), want, `${prefix} ${spec.label}`);
    }),
    { seed: SEED, ...runs(80) },
  );
  t.true(await stillServes(t, '/plain'));
  t.true(await stillServes(t, '/defaults'));
});

// ---- corrupt requests --------------------------------------------------------------------------

const unit = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });
// Tokens of an x-shape header: decimal dimensions (zero, leading zeros and inner spaces included,
// which the rules allow and the library then judges) and tokens that are not dimensions.
const SHAPE_TOKENS = ['1', '2', '3', '7', '16', '17', '0', '01', ' 4', '5 ', '9999999999999999', 'x', '', '-1', '1.5', '1e3', '0x10', '+2', '2 3', '\xb3'];
const BAD_TYPES = ['text/plain', 'application/json', 'application/x-npyx', 'application/npy', 'image/png', 'application/x-npz', 'application/*', '*/*', 'application/x-npy, text/plain', 'application/x-npy/extra', 'multipart/form-data; boundary=----0123456789abcdefghijklmnopqrstuvwxyz', 'octet-stream'];
const BAD_DTYPES = ['float64', 'FLOAT32', 'Uint8', 'int8', '', 'f4', '<f4', 'uint8;', 'float32 x'];
// Query parts that are wrong on their own or next to a valid query: unknown keys (some of them
// Object.prototype's names), bad values, a key given twice, and `out`.
const BAD_QUERY_PARTS = [
  [['methd', 'dark']], [['Method', 'argmax']], [['threads', '2']], [['__proto__', 'x']], [['__proto__', '1'], ['__proto__', '2']], [['constructor', '1']],
  [['toString', 'x']], [['', '1']], [['a[b]', '1']], [['sigma', '2']], [['beta', '1']], [['method', 'magic']], [['method', '']], [['method', 'DARK']],
  [['method', null]], [['method', 'dark'], ['kernel', '4']], [['method', 'dark'], ['kernel', '0']], [['method', 'dark'], ['kernel', '257']], [['method', 'dark'], ['kernel', 'abc']],
  [['method', 'dark'], ['kernel', '1.5']], [['method', 'dark'], ['sigma', '0']], [['method', 'dark'], ['sigma', '-1']], [['method', 'dark'], ['sigma', 'NaN']],
  [['method', 'dark'], ['sigma', '1e999']], [['method', 'dark'], ['sigma', '']], [['method', 'centroid'], ['threshold', '1.5']], [['method', 'centroid'], ['threshold', '-0.1']],
  [['method', 'softargmax'], ['beta', '-Infinity']], [['method', 'dark'], ['method', 'dark']], [['method', 'dark'], ['kernel', '3'], ['kernel', '5']], [['out', '1']], [['out', null]],
  [['method', 'argmax'], ['threshold', '0.5']],
];

// One corruption of a valid base request. Each has exactly one thing wrong (so its expected answer
// follows from the documented rules), or is a transport-level fault sent over a raw socket.
const corruption = fc.oneof(
  fc.record({ kind: fc.constant('randomBytes'), bytes: fc.uint8Array({ maxLength: 400 }), magic: fc.boolean(), asNpy: fc.boolean() }),
  fc.record({
    kind: fc.constant('npyMutate'),
    how: fc.oneof(
      fc.record({ op: fc.constant('flip'), flips: fc.array(fc.tuple(fc.oneof(fc.integer({ min: 0, max: 127 }), unit), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 4 }) }),
      fc.record({ op: fc.constant('truncate'), at: unit }),
      fc.record({ op: fc.constant('extend'), bytes: fc.uint8Array({ minLength: 1, maxLength: 64 }) }),
    ),
  }),
  fc.record({ kind: fc.constant('rawLength'), delta: fc.integer({ min: -7, max: 9 }).filter((d) => d !== 0) }),
  fc.record({ kind: fc.constant('dtypeHeader'), dtype: fc.option(fc.constantFrom(...BAD_DTYPES, 'swap', 'twice'), { nil: undefined }) }),
  fc.record({ kind: fc.constant('shapeHeader'), tokens: fc.option(fc.array(fc.constantFrom(...SHAPE_TOKENS), { minLength: 1, maxLength: 6 }), { nil: undefined }), permute: fc.boolean() }),
  fc.record({ kind: fc.constant('contentType'), type: fc.option(fc.constantFrom(...BAD_TYPES), { nil: undefined }), asNpy: fc.boolean() }),
  fc.record({ kind: fc.constant('query'), bad: fc.constantFrom(...BAD_QUERY_PARTS), pairs: validQueryPairs, first: fc.boolean() }),
  fc.record({ kind: fc.constant('tooBig'), extra: fc.integer({ min: 1, max: 4096 }), stream: fc.boolean(), asNpy: fc.boolean() }),
  fc.record({ kind: fc.constant('lieLength'), delta: fc.oneof(fc.integer({ min: 1, max: 64 }), fc.integer({ min: -64, max: -1 })), fraction: fc.option(unit, { nil: undefined }) }),
  fc.record({ kind: fc.constant('chunked'), cuts: fc.array(unit, { maxLength: 6 }), upper: fc.boolean(), ext: fc.boolean(), fault: fc.option(fc.constantFrom('badHex', 'short', 'noCrlf', 'negative'), { nil: undefined, freq: 2 }) }),
  fc.record({ kind: fc.constant('garbage'), bytes: fc.uint8Array({ minLength: 1, maxLength: 200 }), ctl: fc.option(fc.tuple(unit, fc.constantFrom(0, 1, 7, 8, 11, 12, 14, 27, 31, 127)), { nil: undefined }) }),
  fc.record({ kind: fc.constant('pipelineAbort'), complete: fc.integer({ min: 1, max: 4 }), partial: unit }),
  fc.record({ kind: fc.constant('pipelined'), count: fc.integer({ min: 2, max: 4 }) }),
  // A body that stops (part of it sent, then nothing) or trickles a byte at a time, with a
  // Content-Length or chunked; headers sent a byte at a time, in time or far too slowly.
  fc.record({ kind: fc.constant('slowBody'), sized: fc.boolean(), trickle: fc.boolean(), sent: unit }),
  fc.record({ kind: fc.constant('slowHeaders'), fast: fc.boolean() }),
);

const http = (head, body) => Buffer.concat([Buffer.from(head, 'latin1'), body]);
const requestHead = (path, headers, length) =>
  `POST ${path} HTTP/1.1\r\nhost: 127.0.0.1\r\n${headers.map(([k, v]) => `${k}: ${v}\r\n`).join('')}${length === undefined ? '' : `content-length: ${length}\r\n`}\r\n`;

function chunkedBody(body, { cuts, upper, ext, fault }) {
  const at = [...new Set(cuts.map((u) => Math.floor(u * body.length)))].sort((a, b) => a - b);
  const pieces = [];
  let start = 0;
  for (const end of [...at, body.length]) {
    if (end <= start) continue;
    const size = (end - start).toString(16);
    pieces.push(Buffer.from(`${upper ? size.toUpperCase() : size}${ext ? ';name=value' : ''}\r\n`), body.subarray(start, end), Buffer.from('\r\n'));
    start = end;
  }
  if (fault === 'badHex') pieces.splice(0, 1, Buffer.from('zz\r\n'));
  if (fault === 'negative') pieces.splice(0, 1, Buffer.from('-1\r\n'));
  if (fault === 'noCrlf') pieces.splice(2, 1);
  pieces.push(Buffer.from(fault === 'short' ? 'ffff\r\nabc' : '0\r\n\r\n'));
  return Buffer.concat(pieces);
}

/**
 * The request a corruption makes of a base batch, and what must come back: `{ fetch, want }` for
 * requests fetch can send, `{ socket, responses }` for raw bytes, where `responses` is 'one' (one
 * answer, as `want` says), 'errors' (4xx answers only, at least one), 'any' (4xx answers only,
 * maybe none: bytes that do not start a request) or 'ok' (`want` for each of several answers).
 */
function corruptRequest(batch, c, path) {
  const dtype = dtypeOf(batch.data);
  const rawHeaders = [['content-type', RAW], ['x-dtype', dtype], ['x-shape', batch.shape.join(',')]];
  const good = npy(batch.data, batch.shape);
  const validAnswer = () => ({ status: 200, result: decodeSync(batch, {}) });
  switch (c.kind) {
    case 'randomBytes': {
      const bytes = Buffer.concat([c.magic ? Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]) : Buffer.alloc(0), c.bytes]);
      if (c.asNpy) return { fetch: { body: bytes, headers: [['content-type', NPY]] }, want: npyAnswer(bytes, {}) };
      return { fetch: { body: bytes, headers: rawHeaders }, want: rawAnswer(bytes, dtype, batch.shape.join(','), {}) };
    }
    case 'npyMutate': {
      let bytes = Buffer.from(good);
      if (c.how.op === 'flip') for (const [at, x] of c.how.flips) bytes[Number.isInteger(at) ? at % bytes.length : Math.floor(at * bytes.length)] ^= x;
      if (c.how.op === 'truncate') bytes = bytes.subarray(0, Math.floor(c.how.at * bytes.length));
      if (c.how.op === 'extend') bytes = Buffer.concat([bytes, c.how.bytes]);
      return { fetch: { body: bytes, headers: [['content-type', NPY]] }, want: npyAnswer(bytes, {}) };
    }
    case 'rawLength': {
      const bytes = c.delta < 0 ? raw(batch.data).subarray(0, Math.max(0, batch.data.byteLength + c.delta)) : Buffer.concat([raw(batch.data), Buffer.alloc(c.delta, 0x41)]);
      return { fetch: { body: bytes, headers: rawHeaders }, want: rawAnswer(bytes, dtype, batch.shape.join(','), {}) };
    }
    case 'dtypeHeader': {
      const headers = rawHeaders.filter(([k]) => k !== 'x-dtype');
      let sent = c.dtype;
      if (c.dtype === 'swap') sent = dtype === 'float32' ? 'uint8' : 'float32';
      if (c.dtype === 'twice') {
        headers.push(['x-dtype', dtype], ['x-dtype', dtype]);
        sent = `${dtype}, ${dtype}`; // a repeated header arrives joined by ", "
      }
      if (c.dtype !== undefined && c.dtype !== 'twice') headers.push(['x-dtype', sent]);
      return { fetch: { body: raw(batch.data), headers }, want: rawAnswer(raw(batch.data), sent, batch.shape.join(','), {}) };
    }
    case 'shapeHeader': {
      const headers = rawHeaders.filter(([k]) => k !== 'x-shape');
      let text;
      if (c.tokens) {
        text = c.tokens.join(',');
        headers.push(['x-shape', text]);
        text = text.replace(/^[ \t]+|[ \t]+$/g, ''); // HTTP drops the whitespace around a value
      } else if (c.permute) {
        text = [...batch.shape].reverse().join(','); // well formed, and a lie unless symmetric
        headers.push(['x-shape', text]);
      }
      return { fetch: { body: raw(batch.data), headers }, want: rawAnswer(raw(batch.data), dtype, text, {}) };
    }
    case 'contentType': {
      const body = c.asNpy ? good : raw(batch.data);
      const headers = c.asNpy ? [] : rawHeaders.filter(([k]) => k !== 'content-type');
      if (c.type !== undefined) headers.push(['content-type', c.type]);
      const message = `Expected a content-type of application/x-npy or application/octet-stream for the request but received ${describeText(c.type)}`;
      return { fetch: { body, headers }, want: { status: 415, message } };
    }
    case 'query': {
      const pairs = c.first ? [...c.bad, ...c.pairs] : [...c.pairs, ...c.bad];
      const want = pairs.some(([k]) => k === 'out')
        ? { status: 400, message: 'Expected no key "out" for the query string but received key "out"' }
        : libraryAnswer(() => batch, optionsOf(pairs));
      return { fetch: { body: good, headers: [['content-type', NPY]], query: queryString(pairs) }, want };
    }
    case 'tooBig': {
      const body = Buffer.alloc(LIMIT + c.extra, 7);
      const headers = c.asNpy ? [['content-type', NPY]] : rawHeaders;
      if (!c.stream) return { fetch: { body, headers }, want: { status: 413, message: `Expected a body of at most ${LIMIT} bytes for the request but received ${body.length} bytes` } };
      const stream = new ReadableStream({
        start(controller) {
          for (let at = 0; at < body.length; at += 8192) controller.enqueue(body.subarray(at, at + 8192));
          controller.close();
        },
      });
      return { fetch: { body: stream, headers }, want: { status: 413, message: `Expected a body of at most ${LIMIT} bytes for the request but received more` } };
    }
    case 'lieLength': {
      // Longer than the body (the client then half-closes), or shorter: a fixed amount or a fraction.
      const length = c.fraction === undefined || c.delta > 0 ? good.length + c.delta : Math.floor(c.fraction * good.length);
      return { socket: http(requestHead(path, [['content-type', NPY]], length), good), responses: 'errors', endAfter: 20 };
    }
    case 'chunked': {
      const bytes = http(requestHead(path, [['content-type', NPY], ['transfer-encoding', 'chunked'], ['connection', 'close']]), chunkedBody(good, c));
      if (c.fault) return { socket: bytes, responses: 'errors', endAfter: 20 };
      // Node drops requests not yet answered when the client half-closes: the server closes this one.
      return { socket: bytes, responses: 'ok', want: [validAnswer()], endAfter: TIMEOUT };
    }
    case 'garbage': {
      if (!c.ctl) return { socket: Buffer.from(c.bytes), responses: 'any' };
      // A control character inside the request line or a header: never valid HTTP/1.1.
      const head = Buffer.from(requestHead(path, [['content-type', NPY]], good.length), 'latin1');
      const at = 1 + Math.floor(c.ctl[0] * (head.length - 5));
      return { socket: Buffer.concat([head.subarray(0, at), Buffer.from([c.ctl[1]]), head.subarray(at), good]), responses: 'one', want: { status: 400, message: 'Client Error' } };
    }
    case 'pipelineAbort': {
      const one = http(requestHead(path, [['content-type', NPY]], good.length), good);
      const parts = Array.from({ length: c.complete }, () => one);
      parts.push(one.subarray(0, Math.floor(c.partial * one.length)));
      return { socket: Buffer.concat(parts), responses: 'cut' };
    }
    case 'pipelined': {
      // The last one asks the server to close after answering it.
      const one = http(requestHead(path, [['content-type', NPY]], good.length), good);
      const last = http(requestHead(path, [['content-type', NPY], ['connection', 'close']], good.length), good);
      return { socket: Buffer.concat([...Array.from({ length: c.count - 1 }, () => one), last]), responses: 'ok', want: Array.from({ length: c.count }, validAnswer), endAfter: TIMEOUT };
    }
    case 'slowBody': {
      const framing = c.sized ? [['content-length', good.length]] : [['transfer-encoding', 'chunked']];
      const headBytes = Buffer.from(requestHead(path, [['content-type', NPY], ...framing]), 'latin1');
      const piece = (bytes) => (c.sized || bytes.length === 0 ? bytes : Buffer.concat([Buffer.from(`${bytes.length.toString(16)}\r\n`), bytes, Buffer.from('\r\n')]));
      const of = c.sized ? ` of ${good.length}` : '';
      if (!c.trickle) {
        const sent = Math.floor(c.sent * good.length);
        return {
          socket: [[0, Buffer.concat([headBytes, piece(good.subarray(0, sent))])]],
          responses: 'one',
          want: { status: 408, message: `The request body stalled: no bytes for ${IDLE_DEADLINE} ms (${sent}${of} bytes received)` },
          cut: { since: 'sinceLastWrite', deadline: IDLE_DEADLINE },
        };
      }
      // A byte every 20 ms, never the whole body: the total deadline passes first.
      const count = Math.min(good.length - 1, 60);
      const pieces = Array.from({ length: count }, (_, i) => [20, piece(good.subarray(i, i + 1))]);
      return {
        socket: [[0, headBytes], ...pieces],
        responses: 'one',
        want: { status: 408, message: new RegExp(`^The request body did not arrive within ${TOTAL_DEADLINE} ms \\(\\d+${of} bytes received\\)$`) },
        cut: { since: 'sinceConnect', deadline: TOTAL_DEADLINE },
        // On a loaded machine the client's 20 ms timers can run late enough to leave it silent for
        // the idle deadline: then the stall answer is the documented one.
        stalled: {
          want: { status: 408, message: new RegExp(`^The request body stalled: no bytes for ${IDLE_DEADLINE} ms \\(\\d+${of} bytes received\\)$`) },
          cut: { since: 'sinceLastWrite', deadline: IDLE_DEADLINE },
        },
      };
    }
    case 'slowHeaders': {
      const bytes = http(requestHead(path, [['content-type', NPY], ['connection', 'close']], good.length), good);
      const headLength = bytes.indexOf('\r\n\r\n') + 4;
      if (c.fast) {
        // Each byte of the headers in its own write, as soon as the last is out; then the body.
        const pieces = Array.from({ length: headLength }, (_, i) => [0, bytes.subarray(i, i + 1)]);
        return { socket: [...pieces, [0, bytes.subarray(headLength)]], port: headersServer.port, responses: 'ok', want: [validAnswer()] };
      }
      // A byte every 50 ms: the headers would take seconds.
      const pieces = Array.from({ length: headLength }, (_, i) => [50, bytes.subarray(i, i + 1)]);
      return { socket: pieces, port: headersServer.port, responses: 'one', want: { status: 408, message: 'Client Timeout' }, cut: { since: 'sinceCreate', deadline: HEADERS_TIMEOUT } };
    }
    default:
      throw new Error(`unknown corruption ${c.kind}`);
  }
}

const asResponse = ({ status, headers, body }) => ({ status, header: (name) => headers[name], bytes: body });

// The plugin's messages, or what Fastify answers for what Node's HTTP parser refuses before any
// route runs ("Client Error", or 431's reason).
const ERROR_MESSAGE = /^Expected .+ for .+ but received |^Client Error$|^Request Header Fields Too Large$/s;

async function checkSocket(t, given, label) {
  const fail = (why) => {
    t.log(`${label}: ${why}`);
    return false;
  };
  const got = await exchange(given.port ?? server.port, given.socket, { endAfter: given.endAfter ?? 0, destroy: given.responses === 'cut', timeout: TIMEOUT });
  const spec = given.stalled && got.sinceLastWrite >= given.stalled.cut.deadline ? { ...given, ...given.stalled } : given;
  if (got.hang) return fail(`the connection was still open after ${TIMEOUT} ms: ${got.bytes.toString('latin1').slice(0, 200)}`);
  // A slow client is cut off at its deadline, never before (its clock started after `since`).
  if (spec.cut && !(got[spec.cut.since] >= spec.cut.deadline)) return fail(`cut off ${got[spec.cut.since].toFixed(0)} ms after (${spec.cut.since}), before its ${spec.cut.deadline} ms deadline`);
  if (spec.responses === 'cut') return true;
  const { responses, rest } = readResponses(got.bytes);
  if (rest.length) return fail(`bytes that are not a whole response: ${JSON.stringify(rest.toString('latin1').slice(0, 200))}`);
  if (spec.responses === 'ok') {
    if (responses.length !== spec.want.length) return fail(`${responses.length} answers, wanted ${spec.want.length}`);
    return responses.every((r, i) => check(t, asResponse(r), spec.want[i], `${label} answer ${i}`));
  }
  if (spec.responses === 'one') {
    if (responses.length !== 1) return fail(`${responses.length} answers, wanted 1`);
    return checkError(asResponse(responses[0]), spec.want.status, spec.want.message, fail);
  }
  if (spec.responses === 'errors' && responses.length === 0) return fail('no answer');
  // Every answer a 4xx with the house body and message.
  return responses.every((r) => ((r.status >= 400 && r.status < 500) || fail(`status ${r.status}`)) && checkError(asResponse(r), r.status, ERROR_MESSAGE, fail));
}

async function sendCorrupt(t, prefix, batch, c) {
  const spec = corruptRequest(batch, c, `${prefix.startsWith('http') ? new URL(prefix).pathname : prefix}/decode`);
  const label = `${prefix} ${c.kind} ${JSON.stringify(c).slice(0, 200)} [${batch.shape}] ${dtypeOf(batch.data)}`;
  if (spec.socket) return checkSocket(t, spec, label);
  return check(t, await send(prefix, spec.fetch), spec.want, label);
}

test('corrupt requests: each gets its documented 4xx with a JSON { statusCode, error, message }, never a 5xx or a hang; the server stays well', async (t) => {
  const kinds = new Set();
  const settings = { seed: SEED, ...runs(150) };
  await fc.assert(
    fc.asyncProperty(planeBatch(2000), corruption, async (batch, c) => {
      kinds.add(c.kind);
      const prefix = c.kind === 'slowBody' ? '/deadline' : c.kind === 'slowHeaders' ? `${headersServer.url}/deadline` : '/small';
      return (await sendCorrupt(t, prefix, batch, c)) && stillServes(t, prefix);
    }),
    settings,
  );
  // The fixed seed reaches every kind of corruption at the default count and above.
  if (settings.numRuns >= 150) t.is(kinds.size, 15, [...kinds].join(', '));
});

test('a mix of valid and corrupt requests fired together past maxInFlight + maxQueue: 200 with the right answer or 503 + Retry-After, 4xx for the corrupt; no slot leaks', async (t) => {
  const item = fc.oneof(
    { weight: 2, arbitrary: validRequest(1500).map((spec) => ({ spec })) },
    // The corruptions fetch can send; a corrupt request may also be refused with 503 before its
    // body is read, which the plugin documents for every request past the limit.
    { weight: 1, arbitrary: fc.tuple(planeBatch(1500), corruption.filter((c) => !['lieLength', 'chunked', 'garbage', 'pipelineAbort', 'pipelined', ...SLOW_KINDS].includes(c.kind))).map(([batch, c]) => ({ batch, c })) },
  );
  const statuses = new Map();
  const seen = (response) => {
    statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
    return response;
  };
  await fc.assert(
    fc.asyncProperty(fc.array(item, { minLength: 10, maxLength: 36 }), async (items) => {
      const jobs = items.map(({ spec, batch, c }, i) => {
        if (spec) {
          const want = { status: 200, result: decodeSync(spec.batch, optionsOf(spec.pairs)), npz: spec.npz, or: TIGHT_BUSY };
          return send('/tight', spec).then((response) => check(t, seen(response), want, `#${i} ${spec.label}`));
        }
        const corrupt = corruptRequest(batch, c, '/tight/decode');
        return send('/tight', corrupt.fetch).then((response) => check(t, seen(response), { ...corrupt.want, or: TIGHT_BUSY }, `#${i} ${c.kind} ${JSON.stringify(c).slice(0, 160)}`));
      });
      const results = await Promise.all(jobs);
      return results.every(Boolean) && stillServes(t, '/tight');
    }),
    { seed: SEED, endOnFailure: true, ...runs(12) },
  );
  t.log(`answers by status: ${JSON.stringify(Object.fromEntries([...statuses].sort((a, b) => a[0] - b[0])))}`);
  // Both outcomes of a valid request happen: the limits were reached, and not always.
  t.true(statuses.get(200) > 0 && statuses.get(503) > 0);
});

test('a short requestTimeout, slow decodes and clients that give up: 200, 503 or 504 as documented, and every place comes back', async (t) => {
  const item = fc.oneof(
    { weight: 3, arbitrary: fc.record({ spec: validRequest(1500), abortAfter: fc.oneof({ weight: 2, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 60 }) }) }) },
    { weight: 1, arbitrary: fc.tuple(planeBatch(1500), corruption.filter((c) => ['npyMutate', 'shapeHeader', 'contentType', 'query', 'tooBig'].includes(c.kind))).map(([batch, c]) => ({ batch, c })) },
  );
  const statuses = new Map();
  const seen = (response) => {
    const key = response.error ? response.error.name : response.status;
    statuses.set(key, (statuses.get(key) ?? 0) + 1);
    return response;
  };
  await fc.assert(
    fc.asyncProperty(fc.array(item, { minLength: 6, maxLength: 24 }), async (items) => {
      const jobs = items.map(({ spec, abortAfter, batch, c }, i) => {
        if (spec) {
          const want = { status: 200, result: decodeSync(spec.batch, optionsOf(spec.pairs)), npz: spec.npz, or: SLOW_REFUSALS, abortAfter };
          return send('/slow', spec, abortAfter).then((response) => check(t, seen(response), want, `#${i} abort ${abortAfter} ${spec.label}`));
        }
        const corrupt = corruptRequest(batch, c, '/slow/decode');
        return send('/slow', corrupt.fetch).then((response) => check(t, seen(response), { ...corrupt.want, or: SLOW_REFUSALS }, `#${i} ${c.kind} ${JSON.stringify(c).slice(0, 160)}`));
      });
      const results = await Promise.all(jobs);
      return results.every(Boolean) && stillServes(t, '/slow');
    }),
    // A failing mix is reported as found: shrinking one would replay timeouts for minutes.
    { seed: SEED, endOnFailure: true, ...runs(8) },
  );
  // How many of each come back depends on the machine's timing; each one was checked above.
  t.log(`answers by status: ${JSON.stringify(Object.fromEntries(statuses))}`);
  t.pass();
});
