// Many calls at once: 1,000 concurrent async decodes on mixed inputs all settle with the right
// answer or the right error; sync calls run while async ones are in flight; worker threads load
// the addon side by side and may be terminated mid-call; the process exits cleanly with calls
// still in flight.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import test from 'ava';
import { concurrency, decode, decodeSync, maxConcurrency } from 'coordconv';
import { decodeExactRef } from './helpers/decode-ref.mjs';
import { SIDES, randint, rng } from './helpers/inputs.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const exact = { method: 'exact' };

// Call k's input: a mixed batch (dtype, rank, sizes, one-hot or not), or every 10th call a
// malformed one with its exact error.
function makeCall(random, k) {
  if (k % 10 === 9) {
    return { input: { data: new Float32Array(10), shape: [3, 3] }, error: 'Expected 9 elements (the product of shape [3, 3]) for input.data but received 10' };
  }
  const Type = random() < 0.5 ? Float32Array : Uint8Array;
  const h = SIDES[randint(random, SIDES.length)];
  const w = SIDES[randint(random, SIDES.length)];
  const lead = [[], [1 + randint(random, 6)], [1 + randint(random, 3), 1 + randint(random, 3)]][randint(random, 3)];
  const planes = lead.reduce((a, b) => a * b, 1);
  const data = new Type(planes * h * w);
  for (let p = 0; p < planes; p++) {
    const hits = randint(random, 4) === 0 ? 2 : 1;
    for (let i = 0; i < hits; i++) data[p * h * w + randint(random, h * w)] = Type === Uint8Array ? 1 + randint(random, 255) : [1, 0.5, NaN, -1, 3e38][randint(random, 5)];
  }
  return { input: { data, shape: [...lead, h, w] } };
}

function matches(input, r) {
  const [h, w] = input.shape.slice(-2);
  const size = h * w;
  for (let p = 0; p < input.data.length / size; p++) {
    const ref = decodeExactRef(input.data.subarray(p * size, (p + 1) * size), h, w);
    const got = [r.coords[2 * p], r.coords[2 * p + 1], r.scores[p], r.valid[p]];
    if (![ref.x, ref.y, ref.score, ref.valid].every((v, i) => Object.is(v, got[i]))) return false;
  }
  return JSON.stringify(r.shape) === JSON.stringify(input.shape.slice(0, -2));
}

test('1,000 concurrent async decodes on mixed inputs all settle, each with its own right answer', async (t) => {
  const random = rng(1000);
  const calls = Array.from({ length: 1000 }, (_, k) => makeCall(random, k));
  const before = concurrency();
  let sync = 0;
  try {
    const promises = calls.map((c, k) => {
      // Vary the thread count while calls are queued, and run sync calls among them.
      if (k % 100 === 50) concurrency(1 + (k % maxConcurrency));
      if (k % 50 === 25 && !c.error) sync += matches(c.input, decodeSync(c.input, exact)) ? 1 : 0;
      return decode(c.input, exact);
    });
    const settled = await Promise.allSettled(promises);
    let right = 0;
    settled.forEach((s, k) => {
      const { input, error } = calls[k];
      if (error) right += s.status === 'rejected' && s.reason instanceof RangeError && s.reason.message === error ? 1 : 0;
      else right += s.status === 'fulfilled' && matches(input, s.value) ? 1 : 0;
    });
    t.is(right, 1000);
    t.is(sync, 20);
  } finally {
    concurrency(before);
  }
});

test('worker threads load the addon side by side; terminating one mid-call harms no other', async (t) => {
  const run = (id, calls, terminate) =>
    new Promise((resolve, reject) => {
      const worker = new Worker(path.join(here, 'helpers', 'worker-decode.mjs'), { workerData: { id, calls } });
      let result = null;
      worker.on('message', (m) => {
        if (m.started && terminate) worker.terminate();
        if (m.done !== undefined) result = m;
      });
      worker.on('error', reject);
      worker.on('exit', (code) => resolve({ code, result }));
    });
  const outcomes = await Promise.all([run(1, 200, false), run(2, 1000, true), run(3, 200, false), run(4, 1000, true)]);
  t.deepEqual(outcomes[0], { code: 0, result: { done: 200, wrong: 0 } });
  t.deepEqual(outcomes[2], { code: 0, result: { done: 200, wrong: 0 } });
  // A terminated worker exits with code 1 (0 had it finished first); whatever it had reported
  // is right, and the process survives it.
  for (const o of [outcomes[1], outcomes[3]]) {
    t.true((o.code === 1 || o.code === 0) && (o.result === null ? o.code === 1 : o.result.wrong === 0), JSON.stringify(o));
  }
  const r = await decode({ data: new Uint8Array([0, 0, 9, 0]), shape: [2, 2] });
  t.deepEqual([...r.coords], [0, 1]);
});

function child(mode) {
  return new Promise((resolve) => {
    const options = { cwd: path.join(here, '..'), env: { ...process.env, UV_THREADPOOL_SIZE: '2' }, timeout: 60000 };
    execFile(process.execPath, ['--expose-gc', path.join(here, 'helpers', 'hazard-child.mjs'), mode], options, (error, stdout, stderr) => {
      resolve({ status: error ? error.code : 0, signal: error ? error.signal : null, stdout, stderr });
    });
  });
}

test('the process exits cleanly with async calls still in flight (process.exit and natural exit)', async (t) => {
  const [exit, natural] = await Promise.all([child('exit-in-flight'), child('exit-natural')]);
  t.is(exit.status, 0, `signal ${exit.signal}\n${exit.stderr}`);
  t.is(exit.stderr, '');
  t.is(natural.status, 0, `signal ${natural.signal}\n${natural.stderr}`);
  t.deepEqual(JSON.parse(natural.stdout), { settled: 64 });
});

test('concurrency reports the threads calls will use: a value above the cores is capped at maxConcurrency', (t) => {
  const before = concurrency();
  try {
    t.is(concurrency(maxConcurrency + 62), maxConcurrency);
    t.is(concurrency(), maxConcurrency);
    t.is(concurrency(1), 1);
    t.is(concurrency(Number.MAX_SAFE_INTEGER), maxConcurrency);
    t.throws(() => concurrency(0), { instanceOf: RangeError });
    t.is(concurrency(), maxConcurrency, 'a refused value changes nothing');
  } finally {
    concurrency(before);
  }
});
