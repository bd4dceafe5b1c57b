// Helpers for the HTTP property tests: raw-socket exchanges (for what fetch will not send: lying
// content-lengths, hand-made chunked bodies, garbage), a reader for the HTTP/1.1 responses that
// come back, the expected JSON of a decode, and the option / query-string generators.
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import fc from 'fast-check';

/**
 * Writes `bytes` to host:port, half-closes after `endAfter` ms (or destroys, with `destroy`), and
 * resolves with everything the server sent once it closes the connection; `{ hang: true }` if it
 * has not closed within `timeout` ms (the socket is then destroyed). `bytes` may also be a slow
 * client's schedule, `[[delayMs, bytes], ...]`: each piece written that long after the previous
 * one, and then nothing more (no half-close), until the server closes the connection. The answer
 * also says when that was: `sinceCreate` (the socket), `sinceConnect` and `sinceLastWrite`, in ms.
 */
export function exchange(port, bytes, { endAfter = 0, destroy = false, timeout = 4000 } = {}) {
  return new Promise((resolve) => {
    const createdAt = performance.now();
    const socket = net.connect(port, '127.0.0.1');
    socket.setNoDelay(true);
    const chunks = [];
    let done = false;
    let ending;
    let connectedAt;
    let lastWrite;
    const finish = (value) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      clearTimeout(ending);
      socket.destroy();
      const now = performance.now();
      resolve({ ...value, sinceCreate: now - createdAt, sinceConnect: now - connectedAt, sinceLastWrite: now - lastWrite });
    };
    const timer = setTimeout(() => finish({ hang: true, bytes: Buffer.concat(chunks) }), timeout);
    socket.on('data', (chunk) => chunks.push(chunk));
    // A reset after the server answered and closed is an ordinary end here.
    socket.on('error', () => {});
    socket.on('close', () => finish({ hang: false, bytes: Buffer.concat(chunks) }));
    socket.on('connect', () => {
      connectedAt = performance.now();
      lastWrite = connectedAt;
      if (Array.isArray(bytes)) {
        const next = (i) => {
          if (i === bytes.length || done) return;
          ending = setTimeout(() => {
            lastWrite = performance.now();
            socket.write(bytes[i][1]);
            next(i + 1);
          }, bytes[i][0]);
        };
        next(0);
        return;
      }
      socket.write(bytes);
      ending = setTimeout(() => {
        if (destroy) finish({ hang: false, destroyed: true, bytes: Buffer.concat(chunks) });
        else socket.end();
      }, endAfter);
    });
  });
}

/**
 * Splits the bytes a server sent into HTTP/1.1 responses: `{ status, headers, body }` each, the
 * body by its content-length. Returns `{ responses, rest }`: `rest` is what could not be read as a
 * complete response (it must be empty).
 */
export function readResponses(bytes) {
  const responses = [];
  let at = 0;
  while (at < bytes.length) {
    const end = bytes.indexOf('\r\n\r\n', at, 'latin1');
    if (end < 0) break;
    const [statusLine, ...lines] = bytes.toString('latin1', at, end).split('\r\n');
    const m = /^HTTP\/1\.[01] (\d{3}) /.exec(statusLine);
    if (!m) break;
    const headers = {};
    for (const line of lines) {
      const colon = line.indexOf(':');
      headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    const status = Number(m[1]);
    // 1xx and 204/304 carry no body; every other answer here has a content-length.
    const length = status < 200 || status === 204 || status === 304 ? 0 : Number(headers['content-length']);
    if (!Number.isSafeInteger(length) || end + 4 + length > bytes.length) break;
    responses.push({ status, headers, body: bytes.subarray(end + 4, end + 4 + length) });
    at = end + 4 + length;
  }
  return { responses, rest: bytes.subarray(at) };
}

// JSON has no -0, NaN or infinities: the answer writes a non-finite value as null (docs/server.md)
// and -0 reads back as 0.
const jsonNumber = (v) => (Number.isFinite(v) ? (v === 0 ? 0 : v) : null);

/** The JSON answer docs/server.md describes for a decode result. */
export function expectedJson(result) {
  return {
    shape: result.shape,
    coords: Array.from(result.coords, jsonNumber),
    scores: Array.from(result.scores, jsonNumber),
    valid: Array.from(result.valid),
  };
}

/** Elementwise Object.is: NaN equals NaN, -0 differs from 0 (for the .npz answer, bit-exact floats). */
export const sameValues = (a, b) => a.length === b.length && Array.prototype.every.call(a, (v, i) => Object.is(v, b[i]));

// A number as query-string text, in one of the spellings that read as the same number.
const numberText = (value) =>
  fc.constantFrom('plain', 'plus', 'exp', 'point').map((form) => {
    const text = String(value);
    if (form === 'plus') return `+${text}`;
    if (form === 'exp' && !/e/i.test(text)) return `${text}e0`;
    if (form === 'point' && Number.isInteger(value)) return `${text}.0`;
    return text;
  });

const num = (arb) => arb.chain((value) => numberText(value));

/**
 * Valid decode options as query-string pairs [key, text]: any method (or none) with any subset of
 * its options, numbers spelt in several ways.
 */
export const validQueryPairs = fc.oneof(
  fc.constant([]),
  fc.constantFrom('argmax', 'quarter', 'exact').map((m) => [['method', m]]),
  fc
    .record(
      {
        kernel: num(fc.integer({ min: 0, max: 6 }).map((k) => 2 * k + 1)),
        sigma: num(fc.oneof(fc.constantFrom(0.5, 1, 2, 1e-3), fc.double({ min: 0.05, max: 8, noNaN: true }))),
      },
      { requiredKeys: [] },
    )
    .map((o) => [['method', 'dark'], ...Object.entries(o)]),
  fc.record({ threshold: num(fc.oneof(fc.constantFrom(0, 1, 0.5), fc.double({ min: 0, max: 1, noNaN: true }))) }, { requiredKeys: [] }).map((o) => [['method', 'centroid'], ...Object.entries(o)]),
  fc.record({ beta: num(fc.oneof(fc.constantFrom(1, 10, 0.5), fc.double({ min: 0.01, max: 30, noNaN: true }))) }, { requiredKeys: [] }).map((o) => [['method', 'softargmax'], ...Object.entries(o)]),
);

/** Pairs as a query string, each key's characters percent-encoded or not. */
export function queryString(pairs, encodeAll = false) {
  if (pairs.length === 0) return '';
  const key = (k) => (encodeAll ? [...k].map((c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`).join('') : encodeURIComponent(k));
  return `?${pairs.map(([k, v]) => (v === null ? key(k) : `${key(k)}=${encodeURIComponent(v)}`)).join('&')}`;
}

// docs/server.md: "Values that read as numbers are passed as numbers, the rest as strings", and a
// key given twice arrives as the array of its texts. Written from the doc, not from lib/.
const READS_AS_NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$|^(NaN|Infinity|-Infinity)$/;

/** The options object a query string stands for (own properties only, `__proto__` included). */
export function optionsOf(pairs) {
  const grouped = new Map();
  for (const [k, v] of pairs) grouped.set(k, [...(grouped.get(k) ?? []), v ?? '']);
  return Object.fromEntries(
    [...grouped].map(([k, values]) => [k, values.length > 1 ? values : READS_AS_NUMBER.test(values[0]) ? Number(values[0]) : values[0]]),
  );
}

/** docs/server.md: the plugin's defaults fill what the query leaves out; a query naming another method uses none. */
export function withDefaults(options, defaults) {
  if (options.method !== undefined && options.method !== defaults.method) return options;
  return { ...defaults, ...options };
}
