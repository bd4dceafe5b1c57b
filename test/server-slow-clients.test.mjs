// `coordconv serve` against slow and hostile clients, over real sockets on loopback (127.0.0.1):
// uploads that stall, chunked uploads that trickle, thousands of idle connections, headers sent a
// byte at a time. In each: a valid request sent meanwhile gets its right answer within 1 s, /health
// counts what it should, no place stays taken afterwards, every slow client is cut off at its
// deadline (408, connection closed: no earlier, and at most SLACK later), and the server's memory
// stays bounded (its growth is logged). One server with short deadlines, the cases one after
// another; the idle connections get a server with the defaults, whose headers deadline (10 s)
// leaves time to open 3,000 on a loaded machine.
//
// The idle-connections case holds 3,000 sockets in this process and as many in the server: it needs
// an open-file limit of at least IDLE_CONNECTIONS + 200 (Node raises its soft limit to the hard
// one at start; raise the hard one with `ulimit -Hn` if it is lower).
import test from 'ava';
import { totalmem } from 'node:os';
import { performance } from 'node:perf_hooks';
import { readResponses } from './helpers/http-props.mjs';
import { memoryOf, openFileLimit, rawConnection, raw, startServe, waitForHealth } from './helpers/server.mjs';

// A batch of 64 x 17 heatmaps of 64 x 48, float32: the body of the issue's stalled uploads.
const BIG = 64 * 17 * 64 * 48 * 4;
// Under the sanitizers (test/run.mjs --asan) the server runs several times slower, and setting up
// 300 clients must take less than their deadline: the deadlines are longer there.
const SCALE = process.env.LD_PRELOAD?.includes('asan') ? 3 : 1;
const IDLE = 1000 * SCALE; // --upload-idle-timeout
const TOTAL = 1500 * SCALE; // --upload-timeout
const HEADERS = 1000 * SCALE; // --headers-timeout
const CHECK_INTERVAL = Math.min(1000, HEADERS / 10); // how often Node checks headers timeouts (serve.ts)
const SLACK = 1000 * SCALE; // how late past its deadline a client may be cut off on a loaded machine
const ADMITTED = 250; // stalled uploads that fit in --max-upload-bytes; the rest are refused
const MAX_UPLOAD_BYTES = ADMITTED * BIG + 2 ** 20; // and room for small requests beside them
const IDLE_CONNECTIONS = 3000;

let server;
test.before(async () => {
  server = await startServe([
    '--upload-idle-timeout', String(IDLE),
    '--upload-timeout', String(TOTAL),
    '--headers-timeout', String(HEADERS),
    '--max-upload-bytes', String(MAX_UPLOAD_BYTES),
  ]);
});
test.after.always(() => server?.child.kill('SIGKILL'));

// A 5 x 7 plane whose maximum, 3, is at x = 4, y = 2.
const PLANE = new Float32Array(35);
PLANE[2 * 7 + 4] = 3;
const PLANE_ANSWER = { shape: [], coords: [4, 2], scores: [3], valid: [1] };

/** A valid request sent now: 200 with the plane's answer, within 1 s. */
async function probe(t, label) {
  const start = performance.now();
  const response = await fetch(`${server.url}/decode`, {
    method: 'POST',
    body: raw(PLANE),
    headers: { 'content-type': 'application/octet-stream', 'x-dtype': 'float32', 'x-shape': '5,7' },
    signal: AbortSignal.timeout(10000),
  });
  const body = await response.json();
  const ms = performance.now() - start;
  t.is(response.status, 200, label);
  t.deepEqual(body, PLANE_ANSWER, label);
  t.true(ms < 1000, `${label}: a valid request took ${ms.toFixed(0)} ms`);
  t.log(`${label}: a valid request answered in ${ms.toFixed(0)} ms`);
}

const health = async () => (await fetch(`${server.url}/health`)).json();

/** Samples the server's resident memory until stopped; `stop()` gives the growth over the first sample. */
function watchMemory() {
  const first = memoryOf(server.child.pid);
  if (!first) return { stop: () => undefined };
  let most = first.rss;
  const timer = setInterval(() => {
    most = Math.max(most, memoryOf(server.child.pid)?.rss ?? 0);
  }, 25);
  return {
    stop: () => {
      clearInterval(timer);
      most = Math.max(most, memoryOf(server.child.pid)?.rss ?? 0);
      return { before: first.rss, growth: most - first.rss };
    },
  };
}

const MB = 2 ** 20;
// ASan's allocator keeps redzones and a quarantine: about 3.5x the bytes per connection.
const MEMORY_SCALE = SCALE > 1 ? 2 : 1;
function checkMemory(t, watch, bound, label) {
  bound *= MEMORY_SCALE;
  const memory = watch.stop();
  if (!memory) return t.log(`${label}: memory not measured on this platform`);
  t.log(`${label}: server memory ${(memory.before / MB).toFixed(0)} MB, at most +${(memory.growth / MB).toFixed(1)} MB`);
  t.true(memory.growth < bound, `${label}: the server grew by ${(memory.growth / MB).toFixed(1)} MB`);
}

/** Nothing running, queued, admitted or uploading: every place has come back. */
async function allPlacesBack(t, label) {
  const h = await waitForHealth(server.url, (x) => x.uploads === 0 && x.admitted === 0, 5000);
  t.like(h, { status: 'ok', running: 0, queued: 0, admitted: 0, uploads: 0, uploadBytes: 0 }, label);
  return h;
}

/** The one answer a connection got, parsed, with its JSON body. */
function onlyAnswer(bytes) {
  const { responses, rest } = readResponses(bytes);
  if (responses.length !== 1 || rest.length) return undefined;
  const [r] = responses;
  return { ...r, json: JSON.parse(r.body.toString()) };
}

const statusOf = (c) => readResponses(c.received()).responses[0]?.status;

/** The connections of `conns` answered `status`, once there are `count` of them or `ms` have passed. */
async function answeredWith(conns, status, count, ms) {
  const deadline = performance.now() + ms;
  for (;;) {
    const found = conns.filter((c) => statusOf(c) === status);
    if (found.length >= count || performance.now() > deadline) return found;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const head = (headers) => `POST /decode HTTP/1.1\r\nhost: 127.0.0.1\r\n${headers.map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`;
const BIG_HEAD = head([['content-type', 'application/octet-stream'], ['x-dtype', 'float32'], ['x-shape', '64,17,64,48'], ['content-length', BIG]]);

/**
 * Checks when a connection was cut off: no sooner than `deadline` after `from` (a time before the
 * server's clock for it started), and at most `late` ms past `deadline` after `to` (a time after).
 */
function cutAt(t, closedAt, [from, to], deadline, late, label) {
  const after = closedAt - from;
  const past = closedAt - to - deadline;
  t.true(after >= deadline && past <= late, `${label}: cut off ${after.toFixed(0)} ms after it started (deadline ${deadline} ms), ${past.toFixed(0)} ms past its deadline`);
}

test.serial('300 stalled uploads of 13.4 MB: the ones past --max-upload-bytes get 503 at once, the rest hold no decode slot and get 408 at the idle deadline, their buffers back in the pool', async (t) => {
  const watch = watchMemory();
  const conns = Array.from({ length: 300 }, () => rawConnection(server.port));
  await Promise.all(conns.map((c) => c.connected));
  // Half send 1,000 bytes of their body, too little to be given a buffer; half 100,000, which
  // takes one (from the pool when it has one) that must go back to it.
  conns.forEach((c, i) => {
    c.sent = i % 2 ? 100000 : 1000;
    c.write(BIG_HEAD);
    c.write(Buffer.alloc(c.sent, 1));
  });
  t.like(await waitForHealth(server.url, (h) => h.uploads === ADMITTED, 5000), { uploadBytes: ADMITTED * BIG, maxUploadBytes: MAX_UPLOAD_BYTES, running: 0, queued: 0, admitted: 0 });
  await probe(t, 'beside 300 stalled uploads');

  // Those past the bound were answered before their body was read (they sent at most 100,000 bytes of it).
  const refused = await answeredWith(conns, 503, 300 - ADMITTED, 5000);
  t.is(refused.length, 300 - ADMITTED);
  for (const c of refused) {
    const answer = onlyAnswer(c.received());
    t.is(answer?.status, 503);
    t.is(answer.headers['retry-after'], '1');
    t.deepEqual(answer.json, {
      statusCode: 503,
      error: 'Service Unavailable',
      message: `Request bodies of ${ADMITTED * BIG} bytes in all are being received and ${BIG} more would pass ${MAX_UPLOAD_BYTES}: retry later`,
    });
    // Their connection stays open while Node discards the rest of their body (up to its
    // requestTimeout); this test does not wait for that.
    c.socket.destroy();
  }

  const stalled = conns.filter((c) => !refused.includes(c));
  for (const c of stalled) {
    const { at, bytes } = await c.closed;
    const answer = onlyAnswer(bytes);
    t.is(answer?.status, 408);
    t.is(answer.headers.connection, 'close');
    t.is(answer.json.message, `The request body stalled: no bytes for ${IDLE} ms (${c.sent} of ${BIG} bytes received)`);
    cutAt(t, at, [c.lastWrite, c.lastWrite], IDLE, SLACK, 'a stalled upload');
  }
  const after = await allPlacesBack(t, 'after the stalled uploads');
  // The buffers of those that had one went back to the pool (kept up to its 256 MiB, the rest left
  // to the collector).
  t.true(after.pooledBytes >= BIG && after.pooledBytes <= 256 * MB, `pooledBytes ${after.pooledBytes}`);
  checkMemory(t, watch, 128 * MB, '300 stalled uploads');
});

test.serial('50 chunked uploads trickling a byte every 100 ms: no decode slot held, 408 at the total deadline', async (t) => {
  const watch = watchMemory();
  const conns = Array.from({ length: 50 }, () => rawConnection(server.port));
  await Promise.all(conns.map((c) => c.connected));
  const chunkedHead = head([['content-type', 'application/octet-stream'], ['x-dtype', 'uint8'], ['x-shape', '64,64'], ['transfer-encoding', 'chunked']]);
  for (const c of conns) {
    c.write(chunkedHead);
    c.headAt = c.lastWrite;
    c.sent = 0;
  }
  // A byte each, as a one-byte chunk: never a stretch of IDLE without one.
  const trickle = setInterval(() => {
    for (const c of conns) {
      c.write('1\r\nx\r\n');
      c.sent++;
    }
  }, 100);
  t.teardown(() => clearInterval(trickle));
  const during = await waitForHealth(server.url, (h) => h.uploads === 50, 5000);
  t.like(during, { running: 0, queued: 0, admitted: 0 });
  t.true(during.uploadBytes <= 50 * conns[0].sent, `uploadBytes ${during.uploadBytes}: only what has arrived`);
  await probe(t, 'beside 50 trickling uploads');

  for (const c of conns) {
    const { at, bytes } = await c.closed;
    const answer = onlyAnswer(bytes);
    t.is(answer?.status, 408);
    t.is(answer.headers.connection, 'close');
    const m = /^The request body did not arrive within (\d+) ms \((\d+) bytes received\)$/.exec(answer.json.message);
    t.truthy(m, answer.json.message);
    t.is(Number(m[1]), TOTAL);
    t.true(Number(m[2]) >= 1 && Number(m[2]) <= c.sent, `${m[2]} bytes received of ${c.sent} sent`);
    cutAt(t, at, [c.headAt, c.headAt], TOTAL, SLACK, 'a trickling upload');
  }
  clearInterval(trickle);
  await allPlacesBack(t, 'after the trickling uploads');
  checkMemory(t, watch, 64 * MB, '50 trickling uploads');
});

test.serial('3,000 idle connections under the default limits: a valid request is answered meanwhile, /health is right, memory stays small', async (t) => {
  const limit = openFileLimit();
  if (limit !== undefined && limit < IDLE_CONNECTIONS + 200) {
    t.fail(`${IDLE_CONNECTIONS} idle connections need ${IDLE_CONNECTIONS + 200} open files in this process and the server; the limit is ${limit}: raise ulimit -Hn`);
    return;
  }
  // serve with its defaults: the connections stay within --max-connections (4096) and are open
  // well within --headers-timeout (10 s), which would then close them (the case below shows that
  // cut with a short deadline).
  const defaults = await startServe([]);
  t.teardown(() => defaults.child.kill('SIGKILL'));
  const before = memoryOf(defaults.child.pid);
  const conns = [];
  // A hundred at a time, each batch followed by a request the server answers after accepting
  // them: more at once could overflow its accept backlog (511), and the kernel would then leave
  // some connected here but never accepted there.
  for (let i = 0; i < IDLE_CONNECTIONS; i += 100) {
    const batch = Array.from({ length: Math.min(100, IDLE_CONNECTIONS - i) }, () => rawConnection(defaults.port));
    await Promise.all(batch.map((c) => c.connected));
    await fetch(`${defaults.url}/health`);
    conns.push(...batch);
  }
  const start = performance.now();
  const response = await fetch(`${defaults.url}/decode`, { method: 'POST', body: raw(PLANE), headers: { 'content-type': 'application/octet-stream', 'x-dtype': 'float32', 'x-shape': '5,7' } });
  t.is(response.status, 200);
  t.deepEqual(await response.json(), PLANE_ANSWER);
  const ms = performance.now() - start;
  t.true(ms < 1000, `a valid request took ${ms.toFixed(0)} ms`);
  t.log(`beside ${IDLE_CONNECTIONS} idle connections: a valid request answered in ${ms.toFixed(0)} ms`);
  // The documented defaults, from this machine's memory (docs/server.md): a quarter of it (at
  // least twice the 64 MiB body limit), and one upload per MiB of that, from 16 to 1024.
  const memoryBytes = Math.min(totalmem(), process.constrainedMemory?.() || Infinity);
  const maxUploadBytes = Math.max(2 * 64 * MB, Math.floor(memoryBytes / 4));
  t.like(await (await fetch(`${defaults.url}/health`)).json(), {
    status: 'ok', running: 0, queued: 0, admitted: 0, uploads: 0, uploadBytes: 0, maxUploadBytes, maxUploads: Math.min(1024, Math.max(16, Math.floor(maxUploadBytes / MB))),
  });
  t.is(conns.filter((c) => c.socket.destroyed || c.received().length > 0).length, 0, 'every idle connection still open and unanswered');
  const after = memoryOf(defaults.child.pid);
  if (before && after) {
    const growth = after.rss - before.rss;
    t.log(`${IDLE_CONNECTIONS} idle connections: server memory ${(before.rss / MB).toFixed(0)} MB, +${(growth / MB).toFixed(1)} MB (${(growth / IDLE_CONNECTIONS / 1024).toFixed(1)} KiB each)`);
    t.true(growth < 128 * MB * MEMORY_SCALE, `the server grew by ${(growth / MB).toFixed(1)} MB`);
  }
  for (const c of conns) c.socket.destroy();
});

test.serial('headers sent a byte at a time: in time, the request is answered; too slow, or none at all, 408 at the headers deadline', async (t) => {
  const watch = watchMemory();
  const body = raw(PLANE);
  const bytes = Buffer.from(head([['content-type', 'application/octet-stream'], ['x-dtype', 'float32'], ['x-shape', '5,7'], ['content-length', body.length], ['connection', 'close']]), 'latin1');
  // 50 clients send a byte every 50 ms: the headers would take 9 s. 50 more send nothing.
  const slow = Array.from({ length: 50 }, () => rawConnection(server.port));
  const idle = Array.from({ length: 50 }, () => rawConnection(server.port));
  await Promise.all([...slow, ...idle].map((c) => c.connected));
  let at = 0;
  const drip = setInterval(() => {
    if (at < bytes.length) for (const c of slow) c.write(bytes.subarray(at, at + 1));
    at++;
  }, 50);
  t.teardown(() => clearInterval(drip));
  // One sends its headers a byte per write, each after the last has gone out, then its body.
  const quick = rawConnection(server.port);
  await quick.connected;
  for (let i = 0; i < bytes.length; i++) {
    await new Promise((resolve) => quick.socket.write(bytes.subarray(i, i + 1), resolve));
  }
  quick.write(body);
  const answer = onlyAnswer((await quick.closed).bytes);
  t.is(answer?.status, 200);
  t.deepEqual(answer?.json, PLANE_ANSWER);
  await probe(t, 'beside 50 clients sending headers a byte every 50 ms');
  t.like(await health(), { uploads: 0, admitted: 0 });

  for (const [conns, label] of [[slow, 'a client sending its headers a byte every 50 ms'], [idle, 'a connection that sends nothing']]) {
    for (const c of conns) {
      const { at: closedAt, bytes: got } = await c.closed;
      const cut = onlyAnswer(got);
      t.is(cut?.status, 408);
      t.is(cut?.json.message, 'Client Timeout');
      cutAt(t, closedAt, [c.createdAt, c.connectedAt], HEADERS, CHECK_INTERVAL + SLACK, label);
    }
  }
  clearInterval(drip);
  await allPlacesBack(t, 'after the slow headers');
  checkMemory(t, watch, 64 * MB, 'headers a byte at a time');
});
