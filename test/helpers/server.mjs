// Helpers for the HTTP tests: a server on an ephemeral loopback port, request bodies built here
// (a .npy writer written from the format's spec, so it can also lie), a stored-zip and .npy reader
// for .npz answers, plain JavaScript decoders, and a gate that holds decodes until released.
import Fastify from 'fastify';
import coordconv from 'coordconv/fastify';

/** Starts an app with the plugin on 127.0.0.1, port 0. */
export async function listen(options = {}, setup = () => {}) {
  const app = Fastify();
  await setup(app);
  await app.register(coordconv, options);
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return { app, url };
}

const DESCR = { Float32Array: '<f4', Uint8Array: '|u1', Float64Array: '<f8', Int16Array: '<i2' };

/**
 * A .npy file (version 1.0): header dict padded with spaces to a 64-byte boundary, then the bytes.
 * `header` overrides the dict's text (for lying headers); `descr` and `shape` its fields.
 */
export function npy(data, shape, { descr = DESCR[data.constructor.name], header } = {}) {
  const dims = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let text = header ?? `{'descr': '${descr}', 'fortran_order': False, 'shape': ${dims}, }`;
  const total = Math.ceil((10 + text.length + 1) / 64) * 64;
  text = text.padEnd(total - 10 - 1, ' ') + '\n';
  const out = Buffer.alloc(total + data.byteLength);
  Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]).copy(out, 0);
  out.writeUInt16LE(text.length, 8);
  out.write(text, 10, 'latin1');
  Buffer.from(data.buffer, data.byteOffset, data.byteLength).copy(out, total);
  return out;
}

/** The octet-stream form: the raw little-endian bytes (this machine is little-endian). */
export const raw = (data) => Buffer.from(data.buffer, data.byteOffset, data.byteLength);

function readNpyMember(bytes) {
  const major = bytes[6];
  const length = major === 1 ? bytes.readUInt16LE(8) : bytes.readUInt32LE(8);
  const start = (major === 1 ? 10 : 12) + length;
  const text = bytes.toString('latin1', major === 1 ? 10 : 12, start);
  const descr = /'descr': '([^']+)'/.exec(text)[1];
  const dims = /'shape': \(([^)]*)\)/.exec(text)[1];
  const shape = dims.split(',').map((d) => d.trim()).filter((d) => d !== '').map(Number);
  const body = bytes.subarray(start);
  const copy = new Uint8Array(body.length);
  copy.set(body);
  const Type = { '<f4': Float32Array, '|u1': Uint8Array }[descr];
  return { descr, shape, data: new Type(copy.buffer) };
}

/** Reads a stored (uncompressed) zip from its central directory; every member as a parsed .npy. */
export function readNpz(buffer) {
  const bytes = Buffer.from(buffer);
  const end = bytes.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = bytes.readUInt16LE(end + 10);
  let at = bytes.readUInt32LE(end + 16);
  const out = {};
  for (let i = 0; i < count; i++) {
    if (bytes.readUInt32LE(at) !== 0x02014b50) throw new Error('bad central directory');
    const method = bytes.readUInt16LE(at + 10);
    const size = bytes.readUInt32LE(at + 20);
    const nameLength = bytes.readUInt16LE(at + 28);
    const skip = nameLength + bytes.readUInt16LE(at + 30) + bytes.readUInt16LE(at + 32);
    const offset = bytes.readUInt32LE(at + 42);
    const name = bytes.toString('latin1', at + 46, at + 46 + nameLength);
    if (method !== 0) throw new Error('compressed member');
    const dataStart = offset + 30 + bytes.readUInt16LE(offset + 26) + bytes.readUInt16LE(offset + 28);
    out[name.replace(/\.npy$/, '')] = readNpyMember(bytes.subarray(dataStart, dataStart + size));
    at += 46 + skip;
  }
  return out;
}

/** Planes with one hot pixel each at a seeded position; also their positions. */
export function oneHot(Type, shape, random, value = 1) {
  const [h, w] = shape.slice(-2);
  const planes = shape.slice(0, -2).reduce((a, b) => a * b, 1);
  const data = new Type(planes * h * w);
  const positions = [];
  for (let p = 0; p < planes; p++) {
    const x = Math.floor(random() * w);
    const y = Math.floor(random() * h);
    data[p * h * w + y * w + x] = value;
    positions.push([x, y]);
  }
  return { data, positions };
}

/** Expected JSON for planes whose answers are known: NaN becomes null, as in the response. */
export function expectedJson(lead, answers) {
  return {
    shape: lead,
    coords: answers.flatMap((a) => (a.valid ? [a.x, a.y] : [null, null])),
    scores: answers.map((a) => (a.valid ? a.score : 0)),
    valid: answers.map((a) => a.valid),
  };
}

/** Holds every decode until `open()`; `started` counts the decodes that reached the gate. */
export function gate(decode) {
  let open;
  const opened = new Promise((resolve) => {
    open = resolve;
  });
  const state = { started: 0, open };
  state.decoder = async (input, options) => {
    state.started++;
    await opened;
    return decode(input, options);
  };
  return state;
}

/**
 * Polls /health until `until(health)` holds; each poll is one real request, so no timer guesses.
 * Past `timeout` ms (default none) it throws with the last health seen.
 */
export async function waitForHealth(url, until, timeout = Infinity) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const health = await (await fetch(`${url}/health`)).json();
    if (until(health)) return health;
    if (Date.now() > deadline) throw new Error(`/health did not get there within ${timeout} ms: ${JSON.stringify(health)}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** POST {url}/decode{query} with a body and headers. */
export const post = (url, body, headers = {}, query = '', init = {}) => fetch(`${url}/decode${query}`, { method: 'POST', body, headers, ...init });
