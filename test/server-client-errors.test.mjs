// How `coordconv serve` closes a connection it gives up on before a request exists (past the
// headers deadline, malformed headers, headers too large): the answer Fastify's default gives,
// then a FIN, and the connection kept reading until the client closes it or the linger ends
// (RFC 9112, 9.6). A client still sending after the answer sees no reset, so a reset can never
// discard an answer it has not read yet; a request it completes after the answer is not run.
import test from 'ava';
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { readResponses } from './helpers/http-props.mjs';
import { startServe } from './helpers/server.mjs';

const SCALE = process.env.LD_PRELOAD?.includes('asan') ? 3 : 1;
const HEADERS = 500 * SCALE; // --headers-timeout
const LINGER = 2000; // lib/server/client-error.ts
const SLACK = 1000 * SCALE;

let server;
test.before(async () => {
  server = await startServe(['--headers-timeout', String(HEADERS), '--upload-timeout', String(4 * HEADERS)]);
});
test.after.always(() => server?.child.kill('SIGKILL'));

const health = async () => (await fetch(`${server.url}/health`)).json();

/**
 * A client that keeps its side open after the server's FIN and writes `more` every 10 ms until
 * `afterEnd` ms after that FIN (never, if Infinity), then ends its side.
 */
function persistentClient(first, more, afterEnd) {
  const socket = net.connect({ port: server.port, host: '127.0.0.1', allowHalfOpen: true });
  const chunks = [];
  const client = { errors: [], endedAt: undefined, writesAfterEnd: 0 };
  const start = performance.now();
  socket.on('data', (chunk) => chunks.push(chunk));
  socket.on('error', (error) => client.errors.push(error.code));
  socket.on('end', () => {
    client.endedAt = performance.now() - start;
  });
  socket.write(first);
  const timer = setInterval(() => {
    if (socket.destroyed) return clearInterval(timer);
    if (client.endedAt !== undefined && performance.now() - start >= client.endedAt + afterEnd) {
      clearInterval(timer);
      socket.end();
      return;
    }
    if (client.endedAt !== undefined) client.writesAfterEnd++;
    socket.write(more);
  }, 10);
  client.closed = new Promise((resolve) => socket.once('close', () => {
    clearInterval(timer);
    resolve({ at: performance.now() - start, bytes: Buffer.concat(chunks) });
  }));
  return client;
}

const answerOf = (bytes) => {
  const { responses, rest } = readResponses(bytes);
  return { count: responses.length, rest: rest.length, status: responses[0]?.status, headers: responses[0]?.headers, json: responses[0] && JSON.parse(responses[0].body.toString()) };
};

const HEAD = 'POST /decode HTTP/1.1\r\nhost: x\r\ncontent-type: application/octet-stream\r\nx-dtype: float32\r\nx-shape: 5,7\r\ncontent-length: 140\r\n';

test.serial('a client still sending its headers at the deadline gets the whole 408, then a FIN, and its later writes are not reset', async (t) => {
  // Header bytes every 10 ms past the deadline, and for 1 s (within the linger) after the FIN.
  const client = persistentClient(`${HEAD}x-pad: `, 'a', 1000);
  const { at, bytes } = await client.closed;
  const answer = answerOf(bytes);
  t.is(answer.count, 1);
  t.is(answer.rest, 0);
  t.is(answer.status, 408);
  t.deepEqual(answer.json, { error: 'Request Timeout', message: 'Client Timeout', statusCode: 408 });
  t.is(answer.headers?.connection, 'close');
  t.true(client.endedAt >= HEADERS && client.endedAt <= HEADERS + SLACK, `FIN at ${client.endedAt?.toFixed(0)} ms`);
  // Writes went on after the FIN and none of them met a reset.
  t.true(client.writesAfterEnd > 10, `${client.writesAfterEnd} writes after the FIN`);
  t.deepEqual(client.errors, []);
  t.true(at >= client.endedAt + 1000 && at < client.endedAt + 1000 + SLACK, `FIN at ${client.endedAt?.toFixed(0)} ms, closed at ${at.toFixed(0)} ms`);
});

// The server's close reaches a half-open client as a reset of its next write.
test.serial('a client that never closes its side is closed by the server once the linger ends', async (t) => {
  const client = persistentClient(`${HEAD}x-pad: `, 'a', Infinity);
  const { at, bytes } = await client.closed;
  t.is(answerOf(bytes).status, 408);
  t.true(at >= client.endedAt + LINGER - 50 && at <= client.endedAt + LINGER + SLACK, `FIN at ${client.endedAt?.toFixed(0)} ms, closed at ${at.toFixed(0)} ms`);
});

test.serial('a request completed after the 408 is not run', async (t) => {
  const before = (await health()).pooledBytes;
  // The headers stop short of their end until past the deadline, then the rest and a body of 140 bytes.
  const late = `\r\n${'\0'.repeat(140)}`;
  const socket = net.connect({ port: server.port, host: '127.0.0.1', allowHalfOpen: true });
  const chunks = [];
  socket.on('data', (chunk) => chunks.push(chunk));
  socket.on('error', () => {});
  const closed = new Promise((resolve) => socket.once('close', resolve));
  socket.write(HEAD);
  await new Promise((resolve) => socket.once('end', resolve));
  socket.write(late);
  await new Promise((resolve) => setTimeout(resolve, 300 * SCALE));
  socket.end();
  await closed;
  const answer = answerOf(Buffer.concat(chunks));
  t.is(answer.count, 1);
  t.is(answer.status, 408);
  // A decode that ran would have read its body into a pooled buffer.
  const after = await health();
  t.like(after, { running: 0, queued: 0, admitted: 0, uploads: 0, uploadBytes: 0, pooledBytes: before });
});

for (const [label, request, status, error, message] of [
  ['malformed headers', 'GET /health HTTP/1.1\r\nho st\r\n\r\n', 400, 'Bad Request', 'Client Error'],
  ['headers past the size limit', `GET /health HTTP/1.1\r\nx-big: ${'a'.repeat(20000)}\r\n\r\n`, 431, 'Request Header Fields Too Large', 'Exceeded maximum allowed HTTP header size'],
]) {
  test.serial(`${label}: ${status} with Fastify's body and connection: close, and what follows is read, not reset`, async (t) => {
    const client = persistentClient(request, 'more garbage\r\n', 500);
    const { bytes } = await client.closed;
    const answer = answerOf(bytes);
    t.is(answer.count, 1);
    t.is(answer.status, status);
    t.deepEqual(answer.json, { error, message, statusCode: status });
    t.is(answer.headers?.connection, 'close');
    t.deepEqual(client.errors, []);
    t.true(client.writesAfterEnd > 5, `${client.writesAfterEnd} writes after the FIN`);
  });
}
