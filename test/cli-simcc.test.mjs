// `coordconv decode-simcc`: two .npy files or one .npz in, the same coordinate files as decode out,
// against the plain-JS reference; usage errors exit 2 with one line.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeNpy, readNpySync, writeNpz } from 'coordconv';
import { decodeSimccRef, simccVector } from './helpers/simcc-ref.mjs';
import { rng } from './helpers/inputs.mjs';

const cli = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'cli', 'main.js');
const dir = mkdtempSync(path.join(tmpdir(), 'coordconv-cli-simcc-'));
test.after.always(() => rmSync(dir, { recursive: true, force: true }));

function run(...args) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const [N, K, WX, WY] = [2, 5, 96, 128];
const random = rng(11);
const x = new Float32Array(N * K * WX);
const y = new Float32Array(N * K * WY);
for (let i = 0; i < N * K; i++) {
  x.set(simccVector(WX, 4 + random() * (WX - 8), 5, random() - 0.2), i * WX);
  y.set(simccVector(WY, 4 + random() * (WY - 8), 5, random() - 0.2), i * WY);
}
writeFileSync(path.join(dir, 'x.npy'), encodeNpy({ data: x, shape: [N, K, WX] }));
writeFileSync(path.join(dir, 'y.npy'), encodeNpy({ data: y, shape: [N, K, WY] }));

test('--x/--y to .npy: x, y per keypoint, NaN where invalid, exactly the reference', (t) => {
  const r = run('decode-simcc', '--x', 'x.npy', '--y', 'y.npy', '--split-ratio', '1.5', '--out', 'xy.npy');
  t.is(r.code, 0, r.err);
  const ref = decodeSimccRef(x, y, N * K, { splitRatio: 1.5 });
  t.regex(r.out, new RegExp(`xy.npy: ${N * K} keypoints decoded \\(${ref.valid.reduce((a, b) => a + b)} valid\\)`));
  const got = readNpySync(path.join(dir, 'xy.npy'));
  t.deepEqual(got.shape, [N, K, 2]);
  t.deepEqual(Array.from(got.data), ref.coords.map((v) => (Number.isNaN(v) ? NaN : Math.fround(v))));
});

test('one .npz with simcc_x and simcc_y, dark with a sigma pair, min-score -Infinity, to .json', async (t) => {
  await writeNpz(path.join(dir, 'out.npz'), { simcc_x: { data: x, shape: [N, K, WX] }, simcc_y: { data: y, shape: [N, K, WY] } });
  const r = run('decode-simcc', 'out.npz', '--method', 'dark', '--sigma', '4.9,5.66', '--min-score', '-Infinity', '--out', 'xy.json');
  t.is(r.code, 0, r.err);
  const json = JSON.parse(readFileSync(path.join(dir, 'xy.json'), 'utf8'));
  const ref = decodeSimccRef(x, y, N * K, { method: 'dark', kernel: [29, 35], minScore: -Infinity });
  t.deepEqual(json.shape, [N, K]);
  t.deepEqual(json.valid, ref.valid);
  json.coords.flat().forEach((v, i) => t.true(Math.abs(v - ref.coords[i]) <= 2e-4, `${i}: ${v} vs ${ref.coords[i]}`));
  const csv = run('decode-simcc', 'out.npz', '--out', 'xy.csv');
  t.is(csv.code, 0, csv.err);
  t.is(readFileSync(path.join(dir, 'xy.csv'), 'utf8').split('\n')[0], 'i0,i1,x,y,score,valid');
});

test('usage errors exit 2 with one line: missing inputs, bad flags, the library\'s refusals', (t) => {
  const cases = [
    [['decode-simcc', '--x', 'x.npy', '--out', 'a.npy'], /needs --x X.npy and --y Y.npy, or one FILE.npz/],
    [['decode-simcc', '--x', 'x.npy', '--y', 'y.npy'], /needs --out coords.npy\|coords.csv\|coords.json/],
    [['decode-simcc', '--x', 'x.npy', '--y', 'y.npy', '--out', 'a.txt'], /--out must end in .npy, .csv or .json/],
    [['decode-simcc', '--x', 'nope.npy', '--y', 'y.npy', '--out', 'a.npy'], /cannot read nope.npy/],
    [['decode-simcc', '--x', 'x.npy', '--y', 'y.npy', '--split-ratio', 'two', '--out', 'a.npy'], /--split-ratio expects a number, got "two"/],
    [['decode-simcc', '--x', 'x.npy', '--y', 'x.npy', '--sigma', '3', '--out', 'a.npy'], /Expected only the keys splitRatio, method, minScore, out/],
    [['decode-simcc', '--x', 'x.npy', '--y', 'y.npy', '--method', 'dark', '--kernel', '4', '--out', 'a.npy'], /Expected an odd integer from 1 to 255 for --kernel/],
  ];
  for (const [args, message] of cases) {
    const r = run(...args);
    t.is(r.code, 2, args.join(' '));
    t.regex(r.err, message);
    t.is(r.err.trim().split('\n').length, 1);
  }
  const help = run('decode-simcc', '--help');
  t.is(help.code, 0);
  t.regex(help.out, /^Usage: coordconv decode-simcc/);
});
