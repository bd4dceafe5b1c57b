// .npz and .h5 files past 4 GiB (sparse: they cost no disk) read by readNpz, readH5 and the CLI in
// bounded memory: each read runs in a child whose peak RSS is measured, and must stay below the
// array it returns plus a small margin (readNpz and readH5), or far below the file (preview, which
// reads only the planes it draws). The files are built here, not by the library's writers: the
// .npz byte by byte from the zip specification, checked by Python's zipfile and NumPy where present.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { closeSync, ftruncateSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflatedNpz, sparseStoredNpz } from './helpers/sparse-archives.mjs';
import { hasNumpy, runPython } from './helpers/python.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { PNG } = createRequire(import.meta.url)('pngjs');
const dir = mkdtempSync(path.join(tmpdir(), 'coordconv-large-'));
test.after.always(() => rmSync(dir, { recursive: true, force: true }));

// Plain JS (and WebAssembly): once per suite. Serial: each child holds up to 4 GiB.
const once = !process.env.COORDCONV_ADDON && [undefined, '', 'avx2', 'neon'].includes(process.env.COORDCONV_SIMD);
const serial = once ? test.serial : test.skip;

const GiB = 2 ** 30;
const MiB = 2 ** 20;
const f32 = (v) => new Uint8Array(new Float32Array([v]).buffer);

// Heatmaps [2^18 + 4, 64, 64] of float32: 4 GiB + 64 KiB of data, zero but for these values.
const PLANES = 2 ** 18 + 4;
const PLANE = 64 * 64;
const MARKS = [
  [0, 7.5],
  [3 * PLANE + 5 * 64 + 7, 1], // plane 3 peaks at (x 7, y 5): preview draws it
  [GiB / 4 - 1, -11],
  [GiB / 4, 13.25],
  [GiB - 1, 1e30],
  [PLANES * PLANE - 1, 17],
];
const heatmaps = { name: 'heatmaps', dtype: '<f4', shape: [PLANES, 64, 64], itemSize: 4, marks: MARKS.map(([i, v]) => [i, f32(v)]) };

// Runs `body` (an async function body with `lib` = require('coordconv') and `file`) in a child;
// returns what it printed as JSON, with the child's peak RSS in bytes.
function child(body, file) {
  const script = `const lib = require(${JSON.stringify(root)}); const file = process.argv[1];
(async () => { const out = await (async () => { ${body} })(); console.log(JSON.stringify({ out, rss: process.resourceUsage().maxRSS * 1024 })); })()
  .catch((e) => { console.error(e.stack); process.exit(1); });`;
  const r = spawnSync(process.execPath, ['-e', script, file], { cwd: dir, encoding: 'utf8', maxBuffer: 16 * MiB });
  if (r.status !== 0) throw new Error(`child failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

// The values at the marks and next to them, as the child sees them.
const PROBE = `const probe = (d) => ${JSON.stringify(MARKS.map(([i]) => i))}.flatMap((i) => [d[i], i + 1 < d.length ? d[i + 1] : null]);`;
const expected = MARKS.flatMap(([i, v]) => [Math.fround(v), i + 1 < PLANES * PLANE ? (MARKS.find(([j]) => j === i + 1)?.[1] ?? 0) : null]);

// The CLI in a child: its exit code, its peak RSS and what it printed.
function cli(...args) {
  const main = path.join(root, 'dist', 'cli', 'main.js');
  const script = `require(${JSON.stringify(main)}).main(process.argv.slice(1)).then((code) => { console.log(JSON.stringify({ code, rss: process.resourceUsage().maxRSS * 1024 })); })`;
  const r = spawnSync(process.execPath, ['-e', script, ...args], { cwd: dir, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${args[0]} failed (${r.status}): ${r.stderr}`);
  return { ...JSON.parse(r.stdout.trim().split('\n').pop()), stdout: r.stdout };
}

// preview: the planes drawn, its peak RSS, and the red cross of plane 3.
function preview(file) {
  const out = path.join(dir, 'sheet.png');
  const { code, rss, stdout } = cli('preview', file, '--scale', '1', '--out', out);
  const png = PNG.sync.read(readFileSync(out));
  // Tile 3 of the first row: 2 + 3 * (64 + 2) from the left, 2 from the top.
  const at = ((2 + 5) * png.width + 2 + 3 * 66 + 7) * 4;
  return { code, rss, width: png.width, cross: [...png.data.subarray(at, at + 3)], stdout };
}

// decode to .npy, then the coordinates of plane 3 (x 7, y 5) and of the last plane (x 63, y 63).
function decodeTo(file) {
  const out = path.join(dir, 'coords.npy');
  const { code, rss } = cli('decode', file, '--out', out);
  const coords = child(`const a = await lib.readNpy(file); return { shape: a.shape, third: [...a.data.subarray(6, 8)], last: [...a.data.subarray(a.data.length - 2)] };`, out);
  return { code, rss, coords: coords.out };
}

serial('a stored .npz of 4 GiB + 64 KiB, with a member past 4 GiB, reads by offset: every value where it was written, memory the array', (t) => {
  const file = path.join(dir, 'stored.npz');
  const size = sparseStoredNpz(file, [heatmaps, { name: 'after', dtype: '<i4', shape: [3], itemSize: 4, marks: [[0, Uint8Array.of(5, 0, 0, 0)], [2, Uint8Array.of(255, 255, 255, 255)]] }]);
  t.true(size > 4 * GiB + 64 * 1024);
  if (hasNumpy) {
    // An independent reader of the hand-built archive: zipfile's directory, and NumPy on the member past 4 GiB.
    const got = runPython(
      `
import sys, json, zipfile, numpy as np
z = zipfile.ZipFile(sys.argv[1])
info = [[i.filename, i.file_size, i.header_offset > 2**32] for i in z.infolist()]
print(json.dumps({'info': info, 'after': np.load(sys.argv[1])['after'].tolist()}))
`,
      [file],
    );
    t.deepEqual(got.info, [['heatmaps.npy', 128 + PLANES * PLANE * 4, false], ['after.npy', 128 + 12, true]]);
    t.deepEqual(got.after, [5, 0, -1]);
  }
  const r = child(`${PROBE} const { heatmaps, after } = await lib.readNpz(file); return { shape: heatmaps.shape, type: heatmaps.data.constructor.name, values: probe(heatmaps.data), after: [...after.data] };`, file);
  t.deepEqual(r.out, { shape: [PLANES, 64, 64], type: 'Float32Array', values: expected, after: [5, 0, -1] });
  t.true(r.rss < 4 * GiB + 256 * MiB, `peak RSS ${r.rss} bytes`);
  // One named array reads that array only.
  const small = child(`const got = await lib.readNpz(file, ['after']); return { keys: Object.keys(got), after: [...got.after.data] };`, file);
  t.deepEqual(small.out, { keys: ['after'], after: [5, 0, -1] });
  t.true(small.rss < 256 * MiB, `peak RSS ${small.rss} bytes`);
  const p = preview(file);
  t.regex(p.stdout, /"code":0/);
  t.deepEqual([p.width, p.cross], [4 * 64 + 5 * 2, [255, 40, 40]]);
  t.true(p.rss < 512 * MiB, `preview peak RSS ${p.rss} bytes`);
  // decode picks "heatmaps" (one of the usual names) and reads that array only.
  const d = decodeTo(file);
  t.deepEqual([d.code, d.coords], [0, { shape: [PLANES, 2], third: [7, 5], last: [63, 63] }]);
  t.true(d.rss < 4 * GiB + 512 * MiB, `decode peak RSS ${d.rss} bytes`);
  rmSync(file);
});

serial('a deflated .npz member inflating to 4 GiB + 64 KiB streams into the array: memory the array plus a window', async (t) => {
  const file = path.join(dir, 'deflated.npz');
  await deflatedNpz(file, heatmaps);
  const r = child(`${PROBE} const { heatmaps } = await lib.readNpz(file); return { shape: heatmaps.shape, values: probe(heatmaps.data) };`, file);
  t.deepEqual(r.out, { shape: [PLANES, 64, 64], values: expected });
  t.true(r.rss < 4 * GiB + 256 * MiB, `peak RSS ${r.rss} bytes`);
  const p = preview(file);
  t.deepEqual([p.code, p.cross], [0, [255, 40, 40]]);
  t.true(p.rss < 512 * MiB, `preview peak RSS ${p.rss} bytes`);
  rmSync(file);
});

// An HDF5 file as H5Writer makes them (chunked along the first axis, 1 MiB chunks), with only the
// chunks holding marks written (HDF5 reads the others as zeros), behind a 4 GiB user block: HDF5
// finds the superblock at 4 GiB, so every chunk lies past 4 GiB in the file.
async function sparseH5(file) {
  const h5wasm = await import('h5wasm/node');
  await h5wasm.ready;
  const inner = `${file}.inner`;
  const f = new h5wasm.File(inner, 'w');
  const ds = f.create_dataset({ name: 'heatmaps', data: new Float32Array(0), shape: [0, 64, 64], dtype: '<f', maxshape: [PLANES, 64, 64], chunks: [64, 64, 64] });
  ds.resize([PLANES, 64, 64]);
  for (const plane of new Set(MARKS.map(([index]) => Math.floor(index / PLANE)))) {
    const data = new Float32Array(PLANE);
    for (const [i, v] of MARKS) if (Math.floor(i / PLANE) === plane) data[i % PLANE] = v;
    ds.write_slice([[plane, plane + 1]], data);
  }
  f.close();
  const bytes = readFileSync(inner);
  rmSync(inner);
  const fd = openSync(file, 'w');
  ftruncateSync(fd, 4 * GiB);
  writeSync(fd, bytes, 0, bytes.length, 4 * GiB);
  closeSync(fd);
}

serial('an .h5 dataset of 4 GiB + 64 KiB, past a 4 GiB user block, reads in pieces of rows: memory the array', async (t) => {
  const file = path.join(dir, 'big.h5');
  await sparseH5(file);
  const r = child(`${PROBE} const { heatmaps } = await lib.readH5(file); return { shape: heatmaps.shape, type: heatmaps.data.constructor.name, values: probe(heatmaps.data) };`, file);
  t.deepEqual(r.out, { shape: [PLANES, 64, 64], type: 'Float32Array', values: expected });
  // More margin than the .npz reads: HDF5's WebAssembly heap, and the 16 MiB copies h5wasm hands
  // over for each piece, which wait for the garbage collector (measured: up to 320 MiB over the array).
  t.true(r.rss < 4 * GiB + 512 * MiB, `peak RSS ${r.rss} bytes`);
  const p = preview(file);
  t.deepEqual([p.code, p.cross], [0, [255, 40, 40]]);
  t.true(p.rss < 512 * MiB, `preview peak RSS ${p.rss} bytes`);
  const d = decodeTo(file);
  t.deepEqual([d.code, d.coords], [0, { shape: [PLANES, 2], third: [7, 5], last: [63, 63] }]);
  t.true(d.rss < 4 * GiB + 512 * MiB, `decode peak RSS ${d.rss} bytes`);
  rmSync(file);
});
