// coordconv/fastify over real HTTP on loopback: results per content type and method against plain
// JavaScript answers, every error status with its message, load, back-pressure, timeouts, /health
// during a decode, shutdown with requests in flight, and the bounds and deadlines of the bodies
// being received (test/server-slow-clients.test.mjs has the hostile clients at scale).
import test from 'ava';
import net from 'node:net';
import Fastify from 'fastify';
import { decode, decodeSync } from 'coordconv';
import coordconv from 'coordconv/fastify';
import { decodeArgmaxRef, decodeSoftargmaxRef } from './helpers/decode-ref.mjs';
import { planesOf, rng } from './helpers/inputs.mjs';
import {
  expectedJson,
  gate,
  listen,
  npy,
  oneHot,
  post,
  raw,
  rawConnection,
  readNpz,
  waitForHealth,
} from './helpers/server.mjs';

const RAW = 'application/octet-stream';
const NPY = 'application/x-npy';
const rawHeaders = (dtype, shape) => ({ 'content-type': RAW, 'x-dtype': dtype, 'x-shape': shape.join(',') });

// Sends the same planes both ways and returns both JSON answers.
async function bothWays(url, data, shape, query = '') {
  const dtype = data instanceof Float32Array ? 'float32' : 'uint8';
  const a = await post(url, raw(data), rawHeaders(dtype, shape), query);
  const b = await post(url, npy(data, shape), { 'content-type': NPY }, query);
  return [a, b];
}

test('one-hot planes decode to their positions by every method, Float32 and Uint8, as .npy and as raw bytes', async (t) => {
  const { app, url } = await listen();
  t.teardown(() => app.close());
  const random = rng(6);
  const cases = [
    [Float32Array, [2, 3, 17, 33], 0.75],
    [Uint8Array, [5, 9, 16], 255],
    [Float32Array, [7, 1], 3],
    [Uint8Array, [1, 64, 65], 1],
  ];
  for (const [Type, shape, value] of cases) {
    const { data, positions } = oneHot(Type, shape, random, value);
    const expected = expectedJson(shape.slice(0, -2), positions.map(([x, y]) => ({ valid: 1, x, y, score: value })));
    for (const query of ['', '?method=argmax', '?method=quarter', '?method=dark', '?method=dark&kernel=5&sigma=1.5', '?method=centroid&threshold=0.25', '?method=exact']) {
      for (const response of await bothWays(url, data, shape, query)) {
        t.is(response.status, 200, `${shape} ${query}`);
        t.is(response.headers.get('content-type'), 'application/json; charset=utf-8');
        t.deepEqual(await response.json(), expected, `${Type.name} ${shape} ${query}`);
      }
    }
  }
});

test('random heatmaps: argmax and softargmax match plain JavaScript; invalid planes give null coordinates', async (t) => {
  const { app, url } = await listen();
  t.teardown(() => app.close());
  const random = rng(60);
  const [h, w] = [13, 31];
  const shape = [3, 4, h, w];
  const data = new Float32Array(3 * 4 * h * w).map(() => Math.fround(random() * 4 - 1));
  data.fill(0, 0, h * w); // plane 0: all zero, no maximum > 0
  data[h * w + 5] = NaN; // plane 1: not finite
  data.fill(-2, 2 * h * w, 3 * h * w); // plane 2: all negative
  const planes = planesOf(data, h, w);
  const argmax = expectedJson([3, 4], planes.map((p) => decodeArgmaxRef(p, h, w)));
  for (const response of await bothWays(url, data, shape)) t.deepEqual(await response.json(), argmax);
  t.deepEqual(argmax.valid.slice(0, 3), [0, 0, 0]);

  for (const response of await bothWays(url, data, shape, '?method=softargmax&beta=2.5')) {
    const body = await response.json();
    const want = planes.map((p) => decodeSoftargmaxRef(p, h, w, 2.5));
    t.deepEqual(body.valid, want.map((a) => a.valid));
    want.forEach((a, i) => {
      if (!a.valid) {
        t.deepEqual(body.coords.slice(2 * i, 2 * i + 2), [null, null]);
        return;
      }
      t.true(Math.abs(body.coords[2 * i] - a.x) < 1e-3 && Math.abs(body.coords[2 * i + 1] - a.y) < 1e-3, `plane ${i}`);
    });
  }
});

test('?method=udp, megvii and quarter&quarterRule=hrnet: the answers of decodeSync with the same options', async (t) => {
  const { app, url } = await listen();
  t.teardown(() => app.close());
  const random = rng(62);
  const [h, w] = [14, 17];
  const shape = [2, 3, h, w];
  const data = new Float32Array(6 * h * w);
  for (let p = 0; p < 6; p++) {
    const cx = random() * w;
    const cy = random() * h;
    for (let j = 0; j < h * w; j++) data[p * h * w + j] = Math.exp(-(((j % w) - cx) ** 2 + (Math.floor(j / w) - cy) ** 2) / 8) + 0.01 * random();
  }
  for (const [query, options] of [
    ['?method=udp&kernel=7', { method: 'udp', kernel: 7 }],
    ['?method=megvii', { method: 'megvii' }],
    ['?method=quarter&quarterRule=hrnet', { method: 'quarter', quarterRule: 'hrnet' }],
  ]) {
    const want = decodeSync({ data, shape }, options);
    for (const response of await bothWays(url, data, shape, query)) {
      const body = await response.json();
      t.deepEqual(body.coords, Array.from(want.coords), query);
      t.deepEqual(body.valid, Array.from(want.valid), query);
    }
  }
});

test('?layout=nhwc reads a channels-last body in place: the planar answer of the transposed planes, and the server default', async (t) => {
  const random = rng(61);
  const [n, h, w, c] = [2, 9, 13, 5];
  const data = new Float32Array(n * h * w * c).map(() => Math.fround(random()));
  // [N, H, W, C] -> the planes of [N, C, H, W], by plain loops.
  const planes = [];
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < c; k++) planes.push(Float32Array.from({ length: h * w }, (_, p) => data[(i * h * w + p) * c + k]));
  }
  const want = expectedJson([n, c], planes.map((p) => decodeArgmaxRef(p, h, w)));
  const { app, url } = await listen();
  t.teardown(() => app.close());
  for (const response of await bothWays(url, data, [n, h, w, c], '?layout=nhwc')) t.deepEqual(await response.json(), want);
  const planar = await post(url, npy(data, [n, h, w, c]), { 'content-type': NPY });
  t.is((await planar.json()).shape.join(), [n, h].join(), 'without the layout the body is [N, C, H, W] planes of 13 x 5');
  const served = await listen({ defaults: { layout: 'nhwc' } });
  t.teardown(() => served.app.close());
  for (const query of ['', '?method=argmax', '?method=quarter']) {
    const response = await post(served.url, npy(data, [n, h, w, c]), { 'content-type': NPY }, query);
    t.deepEqual((await response.json()).shape, [n, c], `default layout kept with ${query || 'no query'}`);
  }
  const bad = await post(url, npy(data, [n, h, w, c]), { 'content-type': NPY }, '?layout=hwc');
  t.is(bad.status, 400);
  t.is((await bad.json()).message, 'Expected one of \'nchw\', \'nhwc\' for options.layout but received "hwc"');
});

test('Accept: application/x-npy answers an .npz of coords, scores and valid with their dtypes and shapes', async (t) => {
  const { app, url } = await listen();
  t.teardown(() => app.close());
  const { data, positions } = oneHot(Uint8Array, [2, 3, 9, 10], rng(7), 200);
  data.fill(0, 9 * 10, 2 * 9 * 10); // plane 1 empty
  for (const accept of [NPY, 'application/x-npz', 'application/json;q=0.5, application/x-npy']) {
    const response = await post(url, npy(data, [2, 3, 9, 10]), { 'content-type': NPY, accept });
    t.is(response.status, 200);
    t.is(response.headers.get('content-type'), 'application/x-npz');
    const npz = readNpz(await response.arrayBuffer());
    t.deepEqual(Object.keys(npz).sort(), ['coords', 'scores', 'valid']);
    t.deepEqual([npz.coords.descr, npz.coords.shape], ['<f4', [2, 3, 2]]);
    t.deepEqual([npz.scores.descr, npz.scores.shape], ['<f4', [2, 3]]);
    t.deepEqual([npz.valid.descr, npz.valid.shape], ['|u1', [2, 3]]);
    const want = positions.map(([x, y], i) => (i === 1 ? [NaN, NaN] : [x, y])).flat();
    t.deepEqual([...npz.coords.data], want);
    t.deepEqual([...npz.scores.data], positions.map((_, i) => (i === 1 ? 0 : 200)));
    t.deepEqual([...npz.valid.data], positions.map((_, i) => (i === 1 ? 0 : 1)));
  }
  // One plane: 0-d scores and valid.
  const one = await post(url, npy(new Float32Array([0, 0, 1, 0]), [2, 2]), { 'content-type': NPY, accept: NPY });
  const npz = readNpz(await one.arrayBuffer());
  t.deepEqual([npz.coords.shape, [...npz.coords.data]], [[2], [0, 1]]);
  t.deepEqual([npz.scores.shape, [...npz.scores.data]], [[], [1]]);
  // JSON stays the answer for */* and for types it cannot give.
  for (const accept of ['*/*', 'text/html', 'application/x-npy;q=0.1, application/json']) {
    const r = await post(url, npy(new Float32Array([0, 0, 1, 0]), [2, 2]), { 'content-type': NPY, accept });
    t.deepEqual(await r.json(), { shape: [], coords: [0, 1], scores: [1], valid: [1] }, accept);
  }
});

test('the body may start at any offset and the plugin keeps its own content types to its routes', async (t) => {
  const { app, url } = await listen({ prefix: '/cc', defaults: { method: 'dark', sigma: 1 } }, (a) => {
    a.post('/echo', async (request) => request.body);
  });
  t.teardown(() => app.close());
  // The app's own JSON parser still works outside the plugin.
  const echo = await fetch(`${url}/echo`, { method: 'POST', body: '{"a":1}', headers: { 'content-type': 'application/json' } });
  t.deepEqual(await echo.json(), { a: 1 });
  // Defaults apply, the query overrides them key by key, another method drops them.
  const plane = new Float32Array(20 * 20);
  plane[7 * 20 + 11] = 2;
  const go = (q) => post(`${url}/cc`, raw(plane), rawHeaders('float32', [20, 20]), q).then((r) => r.json());
  t.deepEqual((await go('')).coords, [11, 7]);
  t.deepEqual((await go('?kernel=3')).coords, [11, 7]);
  t.deepEqual((await go('?method=argmax')).coords, [11, 7]);
  t.deepEqual((await go('?kernel=4')).message, 'Expected an odd integer from 1 to 255 for options.kernel but received 4');
});

test('bad requests get 400 with the library\'s message', async (t) => {
  const { app, url } = await listen();
  t.teardown(() => app.close());
  const f32 = new Float32Array(6 * 4);
  const cases = [
    [raw(f32), rawHeaders('float32', [6, 4]), '?method=magic', "Expected one of 'argmax', 'quarter', 'dark', 'centroid', 'softargmax', 'exact', 'udp', 'megvii' for options.method but received \"magic\""],
    [raw(f32), rawHeaders('float32', [6, 4]), '?sigma=2', "Expected only the keys method, out, layout, transform, minScore, offsets for options (method 'argmax') but received key \"sigma\""],
    [raw(f32), rawHeaders('float32', [6, 4]), '?method=dark&sigma=-1', "Expected a finite number > 0, or 0 (OpenCV's sigma for the kernel) for options.sigma but received -1"],
    [raw(f32), rawHeaders('float32', [6, 4]), '?method=dark&sigma=abc', "Expected a finite number > 0, or 0 (OpenCV's sigma for the kernel) for options.sigma but received \"abc\""],
    [raw(f32), rawHeaders('float32', [6, 4]), '?method=centroid&threshold=NaN', 'Expected a number from 0 to 1 for options.threshold but received NaN'],
    [raw(f32), rawHeaders('float32', [6, 4]), '?method=dark&kernel=3&kernel=5', 'Expected an odd integer from 1 to 255 for options.kernel but received an Array(2)'],
    [raw(f32), rawHeaders('float32', [6, 4]), '?out=x', 'Expected no key "out" for the query string but received key "out"'],
    [raw(f32), rawHeaders('float32', [6, 4]), '?transfer=true', 'Expected no key "transfer" for the query string but received key "transfer"'],
    // Not dropped unseen (found by test/properties-http.test.mjs): an assignment set the prototype.
    [raw(f32), rawHeaders('float32', [6, 4]), '?__proto__=x', "Expected only the keys method, out, layout, transform, minScore, offsets for options (method 'argmax') but received key \"__proto__\""],
    [raw(f32), rawHeaders('float32', [6, 4]), '?method=dark&__proto__=1&__proto__=2', "Expected only the keys method, out, layout, transform, minScore, kernel, sigma for options (method 'dark') but received key \"__proto__\""],
    [raw(f32), rawHeaders('float32', [6, 5]), '', 'Expected 30 elements (the product of shape [6, 5]) for input.data but received 24'],
    [raw(f32), rawHeaders('float32', [1, 1, 1, 6, 4]), '', 'Expected rank 2 to 4 ([H, W], [N, H, W] or [N, C, H, W]) for input.shape but received rank 5 [1, 1, 1, 6, 4]'],
    [raw(f32), rawHeaders('float32', [24]), '', 'Expected rank 2 to 4 ([H, W], [N, H, W] or [N, C, H, W]) for input.shape but received rank 1 [24]'],
    [raw(f32), rawHeaders('float32', [0, 24]), '', 'Expected integer dimensions (H and W positive, N and C >= 0) for input.shape but received [0, 24]'],
    [raw(f32), rawHeaders('float64', [6, 4]), '', 'Expected \'float32\' or \'uint8\' for header x-dtype but received "float64"'],
    [raw(f32), { 'content-type': RAW, 'x-shape': '6,4' }, '', "Expected 'float32' or 'uint8' for header x-dtype but received undefined"],
    [raw(f32), { 'content-type': RAW, 'x-dtype': 'uint8' }, '', 'Expected comma-separated dimensions such as "64,17,64,48" for header x-shape but received undefined'],
    [raw(f32), { 'content-type': RAW, 'x-dtype': 'uint8', 'x-shape': '6x16' }, '', 'Expected comma-separated dimensions such as "64,17,64,48" for header x-shape but received "6x16"'],
    [raw(f32).subarray(1), rawHeaders('float32', [6, 4]), '', 'Expected a whole number of 4-byte float32 elements for the request body but received 95 bytes'],
    [npy(new Float64Array(24), [6, 4]), { 'content-type': NPY }, '', "Expected a float32 or uint8 array (dtype '<f4' or '|u1') for the request body but received dtype '<f8' (send arr.astype(np.float32))"],
    [npy(new Float32Array(6), [6]), { 'content-type': NPY }, '', 'Expected rank 2 to 4 ([H, W], [N, H, W] or [N, C, H, W]) for input.shape but received rank 1 [6]'],
    [Buffer.from('not an array'), { 'content-type': NPY }, '', 'Expected a .npy file (magic \\x93NUMPY) for the request body but received other bytes'],
  ];
  for (const [body, headers, query, message] of cases) {
    const response = await post(url, body, headers, query);
    t.is(response.status, 400, message);
    t.deepEqual(await response.json(), { statusCode: 400, error: 'Bad Request', message });
  }
});

test('a truncated or lying .npy header is a 400', async (t) => {
  const { app, url } = await listen();
  t.teardown(() => app.close());
  const good = npy(new Float32Array(24), [6, 4]);
  const cases = [
    [good.subarray(0, 9), 'Expected a .npy file (magic \\x93NUMPY) for the request body but received 9 bytes'],
    [good.subarray(0, 40), 'Expected a header of 118 bytes after the 10-byte prefix for the request body but received a file of 40 bytes (truncated)'],
    [good.subarray(0, good.length - 4), "Expected 96 data bytes (shape [6, 4] of '<f4') for the request body but received 92 (truncated)"],
    [npy(new Float32Array(24), [6, 5]), "Expected 120 data bytes (shape [6, 5] of '<f4') for the request body but received 96 (truncated)"],
    [npy(new Float32Array(24), [2, 4]), "Expected 32 data bytes (shape [2, 4] of '<f4') for the request body but received 96"],
    [npy(new Float32Array(24), [6, 4], { header: "{'descr': '<f4', 'fortran_order': True, 'shape': (6, 4), }" }), 'Expected C order (fortran_order False) for the request body but received fortran_order true'],
    [npy(new Float32Array(24), [6, 4], { header: "{'descr': '<f4', 'shape': (6, 4" }), 'Expected a .npy header dict (a tuple of non-negative integers) for the request body but received "{\'descr\': \'<f4\', \'shape\': (6, 4"'],
  ];
  // A header length that points past the end of the file.
  const long = Buffer.from(good);
  long.writeUInt16LE(0xfff0, 8);
  cases.push([long, 'Expected a header of 65520 bytes after the 10-byte prefix for the request body but received a file of 224 bytes (truncated)']);
  for (const [body, message] of cases) {
    const response = await post(url, body, { 'content-type': NPY });
    t.is(response.status, 400, message);
    t.is((await response.json()).message, message);
  }
});

test('413 past the body limit, 415 for other content types', async (t) => {
  const { app, url } = await listen({ bodyLimit: 1024 });
  t.teardown(() => app.close());
  const big = await post(url, raw(new Uint8Array(1025)), rawHeaders('uint8', [25, 41]));
  t.is(big.status, 413);
  t.deepEqual(await big.json(), { statusCode: 413, error: 'Payload Too Large', message: 'Expected a body of at most 1024 bytes for the request but received 1025 bytes' });
  // Streamed without a length: counted as it arrives.
  const stream = new ReadableStream({
    start(controller) {
      for (let i = 0; i < 4; i++) controller.enqueue(new Uint8Array(400));
      controller.close();
    },
  });
  const chunked = await post(url, stream, rawHeaders('uint8', [40, 40]), '', { duplex: 'half' });
  t.is(chunked.status, 413);
  t.is((await chunked.json()).message, 'Expected a body of at most 1024 bytes for the request but received more');
  const fits = await post(url, raw(new Uint8Array(1024)), rawHeaders('uint8', [32, 32]));
  t.is(fits.status, 200);
  for (const type of ['text/plain', 'application/json', 'image/png', undefined]) {
    const headers = type ? { 'content-type': type } : {};
    const body = type === undefined ? undefined : '{}';
    const response = await post(url, body, headers);
    t.is(response.status, 415, String(type));
    t.deepEqual(await response.json(), {
      statusCode: 415,
      error: 'Unsupported Media Type',
      message: `Expected a content-type of application/x-npy or application/octet-stream for the request but received ${type === undefined ? 'undefined' : `"${type}"`}`,
    });
  }
});

test('50 concurrent requests are all answered, each with its own planes', async (t) => {
  const { app, url } = await listen({ maxInFlight: 2, maxQueue: 48 });
  t.teardown(() => app.close());
  const random = rng(50);
  const jobs = Array.from({ length: 50 }, (_, i) => {
    const shape = [1 + (i % 5), 3, 20 + (i % 7), 30 + (i % 11)];
    const Type = i % 2 ? Uint8Array : Float32Array;
    return { shape, ...oneHot(Type, shape, random, i + 1) };
  });
  const responses = await Promise.all(
    jobs.map(({ data, shape }, i) =>
      i % 3 === 0
        ? post(url, npy(data, shape), { 'content-type': NPY }, '?method=quarter')
        : post(url, raw(data), rawHeaders(data instanceof Uint8Array ? 'uint8' : 'float32', shape)),
    ),
  );
  for (const [i, response] of responses.entries()) {
    const { shape, positions } = jobs[i];
    t.is(response.status, 200);
    t.deepEqual(await response.json(), expectedJson(shape.slice(0, 2), positions.map(([x, y]) => ({ valid: 1, x, y, score: i + 1 }))), `request ${i}`);
  }
  // Each place is given back when its response has closed (just after the client has it).
  t.like(await waitForHealth(url, (h) => h.admitted === 0), { running: 0, queued: 0, admitted: 0 });
});

test('past maxInFlight + maxQueue a request gets 503 with Retry-After; /health answers during the decodes', async (t) => {
  const held = gate(decode);
  const { app, url } = await listen({ maxInFlight: 1, maxQueue: 1, retryAfter: 3, decoder: held.decoder });
  t.teardown(() => app.close());
  const plane = new Float32Array(8 * 8);
  plane[8 * 3 + 5] = 1;
  const send = () => post(url, raw(plane), rawHeaders('float32', [8, 8]));
  const first = send();
  await waitForHealth(url, (h) => h.running === 1);
  const second = send();
  const health = await waitForHealth(url, (h) => h.queued === 1);
  t.like(health, { status: 'ok', running: 1, queued: 1, admitted: 2, maxInFlight: 1, maxQueue: 1 });
  t.is(held.started, 1);

  const refused = await send();
  t.is(refused.status, 503);
  t.is(refused.headers.get('retry-after'), '3');
  t.deepEqual(await refused.json(), { statusCode: 503, error: 'Service Unavailable', message: '1 decodes are running and 1 requests waiting: retry later' });

  held.open();
  for (const response of await Promise.all([first, second])) t.deepEqual(await response.json(), { shape: [], coords: [5, 3], scores: [1], valid: [1] });
  t.is(held.started, 2);
  t.is((await send()).status, 200);
});

test('a request timeout gives 504 while decoding and 503 while queued; the slots come back', async (t) => {
  const held = gate(decode);
  const { app, url } = await listen({ maxInFlight: 1, maxQueue: 1, requestTimeout: 300, decoder: held.decoder });
  t.teardown(() => app.close());
  const plane = new Uint8Array(4 * 4);
  plane[6] = 9;
  const send = () => post(url, raw(plane), rawHeaders('uint8', [4, 4]));
  const running = send();
  await waitForHealth(url, (h) => h.running === 1);
  const queued = send();
  const [a, b] = await Promise.all([running, queued]);
  t.is(a.status, 504);
  t.deepEqual(await a.json(), { statusCode: 504, error: 'Gateway Timeout', message: 'The decode did not finish within 300 ms' });
  t.is(b.status, 503);
  t.is(b.headers.get('retry-after'), '1');
  t.is((await b.json()).message, 'The decode waited 300 ms for a slot without starting: retry later');
  // The timed-out decode still holds its slot (and the body) until it settles.
  t.like(await waitForHealth(url, (h) => h.admitted === 1), { running: 1, queued: 0, admitted: 1 });
  held.open();
  await waitForHealth(url, (h) => h.running === 0 && h.admitted === 0);
  t.deepEqual(await (await send()).json(), { shape: [], coords: [2, 1], scores: [9], valid: [1] });
});

test('a client that goes away while queued frees its place', async (t) => {
  const held = gate(decode);
  const { app, url } = await listen({ maxInFlight: 1, maxQueue: 1, decoder: held.decoder });
  t.teardown(() => app.close());
  const plane = new Float32Array([0, 1, 0, 0]);
  const send = (signal) => post(url, raw(plane), rawHeaders('float32', [2, 2]), '', { signal });
  const first = send();
  await waitForHealth(url, (h) => h.running === 1);
  const controller = new AbortController();
  const second = send(controller.signal).catch((error) => error);
  await waitForHealth(url, (h) => h.queued === 1);
  controller.abort();
  t.is((await second).name, 'AbortError');
  await waitForHealth(url, (h) => h.queued === 0 && h.admitted === 1);
  const third = send();
  await waitForHealth(url, (h) => h.queued === 1);
  held.open();
  t.is((await first).status, 200);
  t.is((await third).status, 200);
  t.is(held.started, 2);
});

test('requests pipelined on a connection that dies give back their places: queued ones at once, the running one when its decode ends', async (t) => {
  // Found by test/properties-http.test.mjs: Node never emits 'close' on a response queued behind
  // another on a pipelined connection, so these places were never given back.
  const held = gate(decode);
  const { app, url } = await listen({ maxInFlight: 1, maxQueue: 3, decoder: held.decoder });
  t.teardown(() => app.close());
  const body = npy(new Float32Array([0, 0, 5, 0]), [2, 2]);
  const one = Buffer.concat([Buffer.from(`POST /decode HTTP/1.1\r\nhost: x\r\ncontent-type: ${NPY}\r\ncontent-length: ${body.length}\r\n\r\n`), body]);
  const socket = net.connect(new URL(url).port, '127.0.0.1');
  socket.on('error', () => {});
  await new Promise((resolve) => socket.on('connect', resolve));
  socket.write(Buffer.concat([one, one, one]));
  t.like(await waitForHealth(url, (h) => h.running === 1 && h.queued === 2), { admitted: 3 });
  socket.destroy();
  t.like(await waitForHealth(url, (h) => h.queued === 0 && h.admitted === 1, 5000), { running: 1 });
  held.open();
  t.like(await waitForHealth(url, (h) => h.admitted === 0, 5000), { running: 0, queued: 0 });
  t.is(held.started, 1);
  t.deepEqual(await (await post(url, body, { 'content-type': NPY })).json(), { shape: [], coords: [0, 1], scores: [5], valid: [1] });
});

test('close() waits for the requests in flight, which all get their answers', async (t) => {
  const held = gate(decode);
  const { app, url } = await listen({ maxInFlight: 1, maxQueue: 2, decoder: held.decoder });
  const random = rng(9);
  const jobs = [0, 1, 2].map(() => oneHot(Float32Array, [2, 16, 16], random, 1));
  const pending = jobs.map(({ data }) => post(url, raw(data), rawHeaders('float32', [2, 16, 16])));
  await waitForHealth(url, (h) => h.running === 1 && h.queued === 2);
  let closed = false;
  const closing = app.close().then(() => {
    closed = true;
  });
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
  t.false(closed);
  held.open();
  const responses = await Promise.all(pending);
  for (const [i, response] of responses.entries()) {
    t.is(response.status, 200);
    t.deepEqual(await response.json(), expectedJson([2], jobs[i].positions.map(([x, y]) => ({ valid: 1, x, y, score: 1 }))));
  }
  await closing;
  t.true(closed);
  await t.throwsAsync(fetch(`${url}/health`));
});

test('bad plugin options fail at register with the library\'s messages', async (t) => {
  const cases = [
    [{ maxQueue: -1 }, RangeError, 'Expected an integer >= 0 for coordconv/fastify options.maxQueue but received -1'],
    [{ maxInFlight: 0 }, RangeError, 'Expected an integer >= 1 for coordconv/fastify options.maxInFlight but received 0'],
    [{ bodyLimit: '1' }, TypeError, 'Expected an integer >= 1 for coordconv/fastify options.bodyLimit but received "1"'],
    [{ maxQueue: 1, queue: 2 }, TypeError, /^Expected only the keys prefix, .* for coordconv\/fastify options but received key "queue"$/],
    [{ defaults: { method: 'dark', sigma: -2 } }, RangeError, "Expected a finite number > 0, or 0 (OpenCV's sigma for the kernel) for options.sigma but received -2"],
    [{ defaults: { out: {} } }, TypeError, 'Expected no key "out" for coordconv/fastify options.defaults but received key "out"'],
    [{ decoder: 1 }, TypeError, 'Expected a function for coordconv/fastify options.decoder but received 1'],
  ];
  for (const [options, type, message] of cases) {
    const app = Fastify();
    app.register(coordconv, options);
    const error = await t.throwsAsync(app.ready(), { instanceOf: type });
    if (typeof message === 'string') t.is(error.message, message);
    else t.regex(error.message, message);
    await app.close();
  }
});

test('pooled body buffers: a reused buffer carries only the new request, and none is reused while a decode reads it', async (t) => {
  // The first decode is held until released; the others run at once. Every decode records its
  // input's bytes on entry and checks them again when it ends.
  let release;
  const released = new Promise((resolve) => {
    release = resolve;
  });
  let calls = 0;
  const seen = [];
  const decoder = async (input, options) => {
    const first = calls++ === 0;
    const bytes = () => Uint8Array.from(new Uint8Array(input.data.buffer, input.data.byteOffset, input.data.byteLength));
    const before = bytes();
    if (first) await released;
    const result = await decode(input, options);
    seen.push({ first, same: Buffer.compare(before, bytes()) === 0 });
    return result;
  };
  const { app, url } = await listen({ maxInFlight: 2, maxQueue: 2, requestTimeout: 0, decoder });
  t.teardown(() => app.close());
  const shape = [3, 16, 16];
  const random = rng(11);
  const jobs = [0, 1, 2, 3].map(() => oneHot(Float32Array, shape, random, 1));
  const send = (data, init) => post(url, raw(data), rawHeaders('float32', shape), '', init);
  const answer = (job) => expectedJson([3], job.positions.map(([x, y]) => ({ valid: 1, x, y, score: 1 })));
  // Request 0's client goes away while its decode is held: its response closes, its body stays in use.
  const controller = new AbortController();
  const first = send(jobs[0].data, { signal: controller.signal }).catch((error) => error);
  await waitForHealth(url, (h) => h.running === 1);
  controller.abort();
  t.is((await first).name, 'AbortError');
  // Same-sized bodies now: none may land in request 0's buffer.
  for (const job of jobs.slice(1)) t.deepEqual(await (await send(job.data)).json(), answer(job));
  release();
  await waitForHealth(url, (h) => h.admitted === 0 && h.running === 0);
  t.deepEqual(seen.map((s) => s.same), [true, true, true, true]);
  t.true(seen[3].first);
  // And once free, the buffers serve later requests correctly.
  for (const job of jobs) t.deepEqual(await (await send(job.data)).json(), answer(job));
});

// ---- uploads in progress ------------------------------------------------------------------------

const stalledHead = (length, path = '/decode') =>
  `POST ${path} HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: ${RAW}\r\nx-dtype: uint8\r\nx-shape: 1,${length}\r\ncontent-length: ${length}\r\n\r\n`;

test('a stalled upload holds no decode place: with one slot and no queue, a valid request is still answered', async (t) => {
  const { app, url } = await listen({ maxInFlight: 1, maxQueue: 0, uploadIdleTimeout: 5000 });
  t.teardown(() => app.close());
  const stalled = rawConnection(new URL(url).port);
  t.teardown(() => stalled.socket.destroy());
  await stalled.connected;
  stalled.write(stalledHead(4096));
  stalled.write(Buffer.alloc(100));
  t.like(await waitForHealth(url, (h) => h.uploads === 1, 5000), { uploadBytes: 4096, admitted: 0, running: 0, queued: 0 });
  const plane = new Float32Array([0, 0, 0, 7]);
  t.deepEqual(await (await post(url, raw(plane), rawHeaders('float32', [2, 2]))).json(), { shape: [], coords: [1, 1], scores: [7], valid: [1] });
  // The client going away gives its upload place back.
  stalled.socket.destroy();
  t.like(await waitForHealth(url, (h) => h.uploads === 0, 5000), { uploadBytes: 0, admitted: 0 });
});

test('past maxUploads a request gets 503 with Retry-After before its body is read; past its idle deadline a stalled one gets 408, its connection closed', async (t) => {
  // Long enough for the refused request to arrive first while the other tests of this file run.
  const { app, url } = await listen({ maxUploads: 2, uploadIdleTimeout: 1500, retryAfter: 4 });
  t.teardown(() => app.close());
  const port = new URL(url).port;
  const stalled = [rawConnection(port), rawConnection(port)];
  await Promise.all(stalled.map((c) => c.connected));
  for (const c of stalled) {
    c.write(stalledHead(5000));
    c.write(Buffer.alloc(10));
  }
  await waitForHealth(url, (h) => h.uploads === 2, 5000);
  // Its body never ends (fetch sends the headers with the first chunk): the answer cannot have waited for it.
  const never = new ReadableStream({ start: (controller) => controller.enqueue(new Uint8Array(10)), pull: () => new Promise(() => {}) });
  const refused = await post(url, never, rawHeaders('uint8', [1, 5000]), '', { duplex: 'half' });
  t.is(refused.status, 503);
  t.is(refused.headers.get('retry-after'), '4');
  t.deepEqual(await refused.json(), { statusCode: 503, error: 'Service Unavailable', message: '2 request bodies are being received: retry later' });
  for (const c of stalled) {
    const { at, bytes } = await c.closed;
    const text = bytes.toString('latin1');
    t.regex(text, /^HTTP\/1\.1 408 Request Timeout\r\n/);
    t.regex(text, /\r\nconnection: close\r\n/i);
    t.true(text.endsWith('\r\n\r\n{"statusCode":408,"error":"Request Timeout","message":"The request body stalled: no bytes for 1500 ms (10 of 5000 bytes received)"}'), text);
    t.true(at - c.lastWrite >= 1500, `cut off ${at - c.lastWrite} ms after the last byte`);
  }
  t.like(await waitForHealth(url, (h) => h.uploads === 0, 5000), { uploadBytes: 0, admitted: 0, maxUploads: 2 });
  t.is((await post(url, raw(new Uint8Array([0, 3])), rawHeaders('uint8', [1, 2]))).status, 200);
});

test('a chunked body reserves its bytes as they come: past maxUploadBytes, 503 with Retry-After and the connection closed', async (t) => {
  const { app, url } = await listen({ bodyLimit: 1024, maxUploadBytes: 1024 });
  t.teardown(() => app.close());
  const port = new URL(url).port;
  const sized = rawConnection(port);
  t.teardown(() => sized.socket.destroy());
  await sized.connected;
  sized.write(stalledHead(1000));
  await waitForHealth(url, (h) => h.uploadBytes === 1000, 5000);
  const chunked = rawConnection(port);
  await chunked.connected;
  chunked.write(`POST /decode HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: ${RAW}\r\nx-dtype: uint8\r\nx-shape: 1,30\r\ntransfer-encoding: chunked\r\n\r\n`);
  chunked.write('a\r\n0123456789\r\n');
  await waitForHealth(url, (h) => h.uploadBytes === 1010, 5000);
  chunked.write('14\r\n01234567890123456789\r\n');
  const { bytes } = await chunked.closed;
  const text = bytes.toString('latin1');
  t.regex(text, /^HTTP\/1\.1 503 Service Unavailable\r\n/);
  t.regex(text, /\r\nretry-after: 1\r\n/i);
  t.regex(text, /\r\nconnection: close\r\n/i);
  t.true(text.endsWith('{"statusCode":503,"error":"Service Unavailable","message":"Request bodies of 1010 bytes in all are being received and 20 more would pass 1024: retry later"}'), text);
  t.like(await waitForHealth(url, (h) => h.uploads === 1, 5000), { uploadBytes: 1000 });
});

test('uploadTimeout and uploadIdleTimeout 0 set no deadline: a body sent in two parts with a pause is read', async (t) => {
  const { app, url } = await listen({ uploadTimeout: 0, uploadIdleTimeout: 0 });
  t.teardown(() => app.close());
  const c = rawConnection(new URL(url).port);
  await c.connected;
  c.write(stalledHead(4).replace('content-length', 'connection: close\r\ncontent-length'));
  c.write(Buffer.from([0, 0]));
  await new Promise((resolve) => setTimeout(resolve, 200));
  c.write(Buffer.from([9, 0]));
  const text = (await c.closed).bytes.toString('latin1');
  t.regex(text, /^HTTP\/1\.1 200 OK\r\n/);
  t.true(text.endsWith('{"shape":[],"coords":[2,0],"scores":[9],"valid":[1]}'), text);
});

test('bad upload options fail at register with the library\'s messages', async (t) => {
  const cases = [
    [{ maxUploads: 0 }, RangeError, 'Expected an integer >= 1 for coordconv/fastify options.maxUploads but received 0'],
    [{ maxUploads: 1.5 }, RangeError, 'Expected an integer >= 1 for coordconv/fastify options.maxUploads but received 1.5'],
    [{ bodyLimit: 1000, maxUploadBytes: 999 }, RangeError, 'Expected an integer >= bodyLimit (1000) for coordconv/fastify options.maxUploadBytes but received 999'],
    [{ maxUploadBytes: '1' }, TypeError, 'Expected an integer >= bodyLimit (67108864) for coordconv/fastify options.maxUploadBytes but received "1"'],
    [{ uploadTimeout: -1 }, RangeError, 'Expected an integer >= 0 for coordconv/fastify options.uploadTimeout but received -1'],
    [{ uploadIdleTimeout: null }, TypeError, 'Expected an integer >= 0 for coordconv/fastify options.uploadIdleTimeout but received null'],
  ];
  for (const [options, type, message] of cases) {
    const app = Fastify();
    app.register(coordconv, options);
    const error = await t.throwsAsync(app.ready(), { instanceOf: type });
    t.is(error.message, message);
    await app.close();
  }
});

test('an empty batch (N or C = 0) answers 200 with empty arrays, as JSON and as .npz', async (t) => {
  const { app, url } = await listen();
  t.teardown(() => app.close());
  for (const [shape, lead] of [[[0, 17, 64, 48], [0, 17]], [[4, 0, 8, 8], [4, 0]], [[0, 64, 48], [0]]]) {
    for (const [body, headers] of [[raw(new Float32Array(0)), rawHeaders('float32', shape)], [npy(new Uint8Array(0), shape), { 'content-type': NPY }]]) {
      const r = await post(url, body, headers);
      t.is(r.status, 200);
      t.deepEqual(await r.json(), { shape: lead, coords: [], scores: [], valid: [] });
    }
    const r = await post(url, npy(new Float32Array(0), shape), { 'content-type': NPY, accept: NPY });
    t.is(r.status, 200);
    const npz = readNpz(await r.arrayBuffer());
    t.deepEqual([npz.coords.shape, npz.scores.shape, npz.valid.shape], [[...lead, 2], lead, lead]);
  }
});

test('minScore in the query string decodes logits', async (t) => {
  const { app, url } = await listen();
  t.teardown(() => app.close());
  const data = new Float32Array([-3, -1, -2, -5]);
  const r = await post(url, raw(data), rawHeaders('float32', [2, 2]), '?minScore=-Infinity');
  t.deepEqual(await r.json(), { shape: [], coords: [1, 0], scores: [-1], valid: [1] });
});
