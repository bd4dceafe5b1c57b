// POST /decode-simcc over real HTTP on loopback: the two SimCC outputs in one .npz body, options in
// the query string, JSON and .npz answers against the plain-JS reference, and each refusal.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { crc32 } from 'node:zlib';
import { decodeSimccRef, simccVector } from './helpers/simcc-ref.mjs';
import { rng } from './helpers/inputs.mjs';
import { hasNumpy } from './helpers/python.mjs';
import { listen, npy, readNpz } from './helpers/server.mjs';

const NPZ = 'application/x-npz';
const send = (url, body, query = '', headers = {}) =>
  fetch(`${url}/decode-simcc${query}`, { method: 'POST', body, headers: { 'content-type': NPZ, ...headers } });
// A stored (uncompressed) zip of name.npy entries, written here from the zip format (APPNOTE 4.3),
// not by the library under test.
function npzOf(arrays) {
  const locals = [];
  const centrals = [];
  let offset = 0;
  for (const [name, { data, shape }] of Object.entries(arrays)) {
    const file = Buffer.from(`${name}.npy`, 'latin1');
    const bytes = npy(data, shape);
    const fields = (signature, size) => {
      const h = Buffer.alloc(size);
      h.writeUInt32LE(signature, 0);
      return h;
    };
    const local = fields(0x04034b50, 30);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc32(bytes), 14);
    local.writeUInt32LE(bytes.length, 18);
    local.writeUInt32LE(bytes.length, 22);
    local.writeUInt16LE(file.length, 26);
    const central = fields(0x02014b50, 46);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt32LE(crc32(bytes), 16);
    central.writeUInt32LE(bytes.length, 20);
    central.writeUInt32LE(bytes.length, 24);
    central.writeUInt16LE(file.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, file, bytes);
    centrals.push(central, file);
    offset += 30 + file.length + bytes.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(centrals.length / 2, 8);
  end.writeUInt16LE(centrals.length / 2, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}
const orNull = (v) => (Number.isFinite(v) ? v : null);

function vectors(seed, n, k, wx, wy) {
  const random = rng(seed);
  const x = new Float32Array(n * k * wx);
  const y = new Float32Array(n * k * wy);
  for (let i = 0; i < n * k; i++) {
    x.set(simccVector(wx, 5 + random() * (wx - 10), 6, random() - 0.1), i * wx);
    y.set(simccVector(wy, 5 + random() * (wy - 10), 6, random() - 0.1), i * wy);
  }
  return { x, y };
}

test('JSON and .npz answers equal the reference, argmax and dark, options from the query', async (t) => {
  const { app, url } = await listen();
  t.teardown(() => app.close());
  const [n, k, wx, wy] = [2, 17, 384, 512];
  const { x, y } = vectors(1, n, k, wx, wy);
  const body = npzOf({ x: { data: x, shape: [n, k, wx] }, y: { data: y, shape: [n, k, wy] } });
  for (const [query, options] of [
    ['', {}],
    ['?splitRatio=1.66&minScore=-Infinity', { splitRatio: 1.66, minScore: -Infinity }],
    ['?method=dark&sigma=4.9,5.66', { method: 'dark', kernel: [29, 35] }],
    ['?method=dark&kernel=7', { method: 'dark', kernel: [7, 7] }],
  ]) {
    const ref = decodeSimccRef(x, y, n * k, options);
    const response = await send(url, body, query);
    t.is(response.status, 200, query);
    const json = await response.json();
    t.deepEqual(json.shape, [n, k]);
    t.deepEqual(json.valid, ref.valid, query);
    t.deepEqual(json.scores, ref.scores.map((v) => Math.fround(v) + 0), query);  // JSON writes -0 as 0
    json.coords.forEach((v, i) => {
      const want = orNull(ref.coords[i]);
      if (want === null || options.method !== 'dark') t.is(v, want, `${query} coord ${i}`);
      else t.true(Math.abs(v - want) <= 2e-4, `${query} coord ${i}: ${v} vs ${want}`);
    });
  }
  const npz = await send(url, body, '', { accept: NPZ });
  t.is(npz.headers.get('content-type'), NPZ);
  const arrays = readNpz(await npz.arrayBuffer());
  const ref = decodeSimccRef(x, y, n * k);
  t.deepEqual(arrays.coords.shape, [n, k, 2]);
  t.deepEqual(Array.from(arrays.valid.data), ref.valid);
  t.deepEqual(Array.from(arrays.coords.data), ref.coords.map((v) => (Number.isNaN(v) ? NaN : Math.fround(v))));
});

test('a NumPy np.savez body with simcc_x and simcc_y (RTMPose\'s output names), Uint8 and rank 2', async (t) => {
  if (!hasNumpy) return t.pass('NumPy missing');
  const { app, url } = await listen();
  t.teardown(() => app.close());
  const code = `
import io, sys, numpy as np
r = np.random.RandomState(3)
b = io.BytesIO()
np.savez(b, simcc_x=r.randint(0, 256, size=(5, 40)).astype(np.uint8), simcc_y=r.randint(0, 256, size=(5, 30)).astype(np.uint8))
sys.stdout.buffer.write(b.getvalue())`;
  const python = spawnSync('/usr/bin/python3', ['-c', code], { env: { ...process.env, LD_PRELOAD: '' } });
  t.is(python.status, 0, String(python.stderr));
  const response = await send(url, python.stdout, '?splitRatio=2');
  t.is(response.status, 200);
  const json = await response.json();
  const check = spawnSync('/usr/bin/python3', ['-c', `${code.replace(/b = io[\s\S]*/, '')}
x = r.randint(0, 256, size=(5, 40)); y = r.randint(0, 256, size=(5, 30))
print(','.join(str(v) for v in np.stack((x.argmax(1), y.argmax(1)), -1).ravel() / 2))`], { encoding: 'utf8', env: { ...process.env, LD_PRELOAD: '' } });
  t.deepEqual(json.shape, [5]);
  t.deepEqual(json.coords, check.stdout.trim().split(',').map(Number));
});

test('refusals: 415 for other bodies, 400 with the library\'s message for bad entries, shapes and options', async (t) => {
  const { app, url } = await listen();
  t.teardown(() => app.close());
  const x = new Float32Array(3 * 8);
  const y = new Float32Array(3 * 6);
  const good = npzOf({ x: { data: x, shape: [3, 8] }, y: { data: y, shape: [3, 6] } });
  const cases = [
    [good, '', { 'content-type': 'application/x-npy' }, 415, 'Expected a content-type of application/x-npz for the request but received "application/x-npy"'],
    [npzOf({ a: { data: x, shape: [3, 8] } }), '', {}, 400, 'Expected .npz entries x and y (or simcc_x and simcc_y) for the request body but received entries "a"'],
    [npzOf({ x: { data: x, shape: [3, 8] }, y: { data: y, shape: [2, 9] } }), '', {}, 400, 'Expected the K of input.x [3, 8] for input.y.shape but received [2, 9]'],
    [npzOf({ x: { data: new Float64Array(24), shape: [3, 8] }, y: { data: y, shape: [3, 6] } }), '', {}, 400, "Expected a float32 or uint8 array (dtype '<f4' or '|u1') for the request body's x but received dtype '<f8' (send arr.astype(np.float32))"],
    [good, '?splitRatio=0', {}, 400, 'Expected a finite number > 0 (as float32) for options.splitRatio but received 0'],
    [good, '?method=dark&sigma=0.3', {}, 400, 'Expected a sigma whose blur kernel int((sigma * 20 - 7) // 3), made odd, is from 1 to 255 for options.sigma but received 0.3 (kernel -1)'],
    [good, '?out=1', {}, 400, 'Expected no key "out" for the query string but received key "out"'],
    [Buffer.from('not a zip'), '', {}, 400, undefined],
  ];
  for (const [body, query, headers, status, message] of cases) {
    const response = await send(url, body, query, headers);
    t.is(response.status, status, `${query} ${message}`);
    const json = await response.json();
    if (message !== undefined) t.is(json.message, message);
  }
  // The route still answers after every refusal.
  t.is((await send(url, good)).status, 200);
});
