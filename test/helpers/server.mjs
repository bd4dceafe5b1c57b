// Helpers for the HTTP tests: a server on an ephemeral loopback port (in process, or `coordconv
// serve` as a child), raw connections that record when the server cuts them off, request bodies built here
// (a .npy writer written from the format's spec, so it can also lie), a stored-zip and .npy reader
// for .npz answers, plain JavaScript decoders, and a gate that holds decodes until released.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
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

// ---- slow and hostile clients ----------------------------------------------------------------

/**
 * Starts `coordconv serve --port 0 ...flags` as a user runs it (its own entry, with the heap flag
 * it would respawn itself with, so the server is this child); resolves once it listens.
 */
export async function startServe(flags) {
  const entry = fileURLToPath(new URL('../../dist/cli/serve.js', import.meta.url));
  const child = spawn(process.execPath, ['--initial-old-space-size=64', entry, '--port', '0', ...flags], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk) => {
    out += chunk;
  });
  const url = await new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`coordconv serve exited with ${code} before listening: ${out}`)));
  });
  return { child, url, port: Number(new URL(url).port), output: () => out };
}

/** A process's resident and peak resident memory in bytes (Linux: /proc/<pid>/status), or undefined elsewhere. */
export function memoryOf(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)[1]) * 1024;
    return { rss: kb('VmRSS'), peak: kb('VmHWM') };
  } catch {
    return undefined;
  }
}

/** This process's open-file limit (Linux: /proc/self/limits; Node raises it to the hard limit at start), or undefined. */
export function openFileLimit() {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8').split('\n').find((l) => l.startsWith('Max open files'));
    const soft = Number(line.slice('Max open files'.length).trim().split(/\s+/)[0]);
    return Number.isSafeInteger(soft) ? soft : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A raw connection to 127.0.0.1:port that records what the server sends and when it closes the
 * connection: `write(bytes)` notes the time of the client's last byte (`lastWrite`, taken before
 * the write), `closed` resolves with `{ at, bytes }`, `connected` on connect (`connectedAt`; the
 * server may have accepted it since `createdAt`, before this process saw it). performance.now() times.
 */
export function rawConnection(port) {
  const createdAt = performance.now();
  const socket = net.connect(port, '127.0.0.1');
  socket.setNoDelay(true);
  const chunks = [];
  const conn = { socket, createdAt, lastWrite: undefined, connectedAt: undefined, firstByteAt: undefined };
  socket.on('error', () => {});
  socket.on('data', (chunk) => {
    conn.firstByteAt ??= performance.now();
    chunks.push(chunk);
  });
  conn.connected = new Promise((resolve) => socket.once('connect', () => {
    conn.connectedAt = performance.now();
    resolve();
  }));
  conn.closed = new Promise((resolve) => socket.once('close', () => resolve({ at: performance.now(), bytes: Buffer.concat(chunks) })));
  conn.received = () => Buffer.concat(chunks);
  conn.write = (bytes) => {
    if (socket.destroyed) return;
    conn.lastWrite = performance.now();
    socket.write(bytes);
  };
  return conn;
}
