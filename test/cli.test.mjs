import test from 'ava';
import { spawnSync } from 'node:child_process';
import { closeSync, ftruncateSync, mkdtempSync, openSync, readFileSync, rmSync, readdirSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { decodeSync, encodeNpy, npyHeader, readNpySync, writeNpz } from 'coordconv';
import { hasH5py, runPython } from './helpers/python.mjs';

const cli = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'cli', 'main.js');
const dir = mkdtempSync(path.join(tmpdir(), 'coordconv-cli-'));
test.after.always(() => rmSync(dir, { recursive: true, force: true }));

function run(...args) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test('--help everywhere exits 0 and names the command', (t) => {
  for (const args of [['--help'], ['generate', '--help'], ['decode', '--help'], ['preview', '-h'], ['bench', '--help']]) {
    const r = run(...args);
    t.is(r.code, 0, args.join(' '));
    t.regex(r.out, /^Usage: coordconv/m);
  }
  const bare = run();
  t.is(bare.code, 2);
  t.regex(bare.out, /Commands:/);
});

test('generate --preset not-so-clevr writes the reference datasets', (t) => {
  const r = run('generate', '--preset', 'not-so-clevr', '--split', 'quadrant', '--format', 'h5', '--dtype', 'uint8', '--out', 'nsc');
  t.is(r.code, 0, r.err);
  t.is(r.out.trim(), path.join('nsc', 'rectangle_4_quadrant.h5'));
  if (!hasH5py) return t.pass('h5py missing: contents not checked here (see not-so-clevr-files.test.mjs)');
  const shapes = runPython(
    `import sys, json, h5py
f = h5py.File(sys.argv[1], 'r')
print(json.dumps({k: [f[k].dtype.str] + list(f[k].shape) for k in f}))`,
    [path.join(dir, 'nsc', 'rectangle_4_quadrant.h5')],
  );
  t.deepEqual(shapes.train_image, ['|u1', 2407, 64, 64, 3]);
  t.deepEqual(shapes.val_locations, ['<i8', 729, 2]);
  t.is(Object.keys(shapes).length, 10);
});

test('generate --shard writes exactly the slice of the unsharded run', (t) => {
  const common = ['--size', '24x20', '--count', '100', '--kind', 'gaussian', '--sigma', '2', '--seed', '7', '--dtype', 'uint8', '--batch-size', '7'];
  t.is(run('generate', ...common, '--out', 'all').code, 0);
  const r = run('generate', ...common, '--shard', '3/16', '--out', 'shards');
  t.is(r.code, 0, r.err);
  t.deepEqual(readdirSync(path.join(dir, 'shards')).sort(), ['shard-03-of-16_images.npy', 'shard-03-of-16_locations.npy', 'shard-03-of-16_val.npy']);
  const all = readNpySync(path.join(dir, 'all', 'images.npy'));
  const shard = readNpySync(path.join(dir, 'shards', 'shard-03-of-16_images.npy'));
  const [begin, end] = [Math.floor((3 * 100) / 16), Math.floor((4 * 100) / 16)];
  t.deepEqual(all.shape, [100, 1, 24, 20]);
  t.deepEqual(shard.shape, [end - begin, 1, 24, 20]);
  t.deepEqual(shard.data, all.data.subarray(begin * 480, end * 480));
  const locations = readNpySync(path.join(dir, 'shards', 'shard-03-of-16_locations.npy'));
  t.deepEqual(locations.data, readNpySync(path.join(dir, 'all', 'locations.npy')).data.subarray(begin * 2, end * 2));
});

test('decode writes coordinates as .npy, .csv and .json; one-hots decode to their locations', (t) => {
  t.is(run('generate', '--count', '30', '--size', '16x12', '--seed', '3', '--format', 'npz', '--out', 'dec').code, 0);
  const npz = path.join('dec', 'data.npz');
  const r = run('decode', npz, '--array', 'images', '--method', 'argmax', '--out', 'xy.npy');
  t.is(r.code, 0, r.err);
  t.is(r.out.trim(), 'xy.npy: 30 planes decoded (30 valid)');
  const xy = readNpySync(path.join(dir, 'xy.npy'));
  t.deepEqual(xy.shape, [30, 1, 2]);
  t.is(run('decode', npz, '--array', 'nothing', '--out', 'bad.json').code, 2);
  t.is(run('decode', npz, '--array', 'images', '--out', 'xy.csv').code, 0);
  t.is(run('decode', npz, '--array', 'images', '--method', 'exact', '--out', 'xy.json').code, 0);
  // The locations array the generator wrote is the independent truth here.
  t.is(run('decode', npz, '--array', 'images', '--out', 'xy2.npy').code, 0);
  const truth = runLocations(npz);
  t.deepEqual([...xy.data], truth);
  const csv = readFileSync(path.join(dir, 'xy.csv'), 'utf8').trim().split('\n');
  t.is(csv[0], 'i0,i1,x,y,score,valid');
  t.is(csv.length, 31);
  t.deepEqual(csv[1].split(',').map(Number), [0, 0, truth[0], truth[1], 1, 1]);
  const json = JSON.parse(readFileSync(path.join(dir, 'xy.json'), 'utf8'));
  t.deepEqual(json.shape, [30, 1]);
  t.deepEqual(json.coords, truth); // flat x, y per plane, as the HTTP plugin answers
});

test('decode of an empty .npy ([0, 17, 64, 48] and [4, 0, 8, 8]) exits 0, says so and writes empty results', (t) => {
  for (const [shape, lead] of [[[0, 17, 64, 48], [0, 17]], [[4, 0, 8, 8], [4, 0]]]) {
    writeFileSync(path.join(dir, 'empty.npy'), encodeNpy({ data: new Float32Array(0), shape }));
    const r = run('decode', 'empty.npy', '--out', 'empty-xy.npy');
    t.is(r.code, 0, r.err);
    t.is(r.out.trim(), `empty-xy.npy: no planes to decode (input shape [${shape.join(', ')}]); wrote an empty result`);
    t.deepEqual(readNpySync(path.join(dir, 'empty-xy.npy')).shape, [...lead, 2]);
    t.is(run('decode', 'empty.npy', '--out', 'empty-xy.json').code, 0);
    t.deepEqual(JSON.parse(readFileSync(path.join(dir, 'empty-xy.json'), 'utf8')), { shape: lead, coords: [], scores: [], valid: [] });
  }
});

function runLocations(npz) {
  const r = spawnSync(process.execPath, ['-e', `const {readNpz}=require(${JSON.stringify(path.resolve(cli, '..', '..', 'index.js'))}); readNpz(${JSON.stringify(path.join(dir, npz))}).then(a=>console.log(JSON.stringify([...a.locations.data])))`], { encoding: 'utf8' });
  return JSON.parse(r.stdout);
}

test('preview writes a PNG contact sheet', (t) => {
  t.is(run('generate', '--count', '6', '--size', '10', '--kind', 'square', '--radius', '2', '--out', 'pv').code, 0);
  const r = run('preview', path.join('pv', 'images.npy'), '--count', '5', '--columns', '3', '--scale', '3', '--out', 'sheet.png');
  t.is(r.code, 0, r.err);
  const png = readFileSync(path.join(dir, 'sheet.png'));
  t.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  // IHDR: 3 columns and 2 rows of 30 x 30 tiles with 2-pixel gaps.
  t.is(png.readUInt32BE(16), 3 * 30 + 4 * 2);
  t.is(png.readUInt32BE(20), 2 * 30 + 3 * 2);
});

test('bench runs and prints its table', (t) => {
  const r = run('bench', '--samples', '3000');
  t.is(r.code, 0, r.err);
  t.regex(r.out, /generate one-hot uint8 in memory/);
  t.regex(r.out, /generate into \.npy/);
});

test.serial('bad arguments and unreadable files: one line on stderr, exit code 2', async (t) => {
  writeFileSync(path.join(dir, 'junk.npy'), 'not numpy at all');
  writeFileSync(path.join(dir, 'planes.npy'), encodeNpy({ data: new Float32Array(2 * 3 * 4), shape: [2, 3, 4] }));
  await writeNpz(path.join(dir, 'none.npz'), {});
  await writeNpz(path.join(dir, 'two.npz'), { a: { data: new Float32Array(4), shape: [2, 2] }, b: { data: new Float32Array(4), shape: [2, 2] } });
  const cases = [
    [['frob'], 'coordconv frob: unknown command "frob" (commands: generate, decode, decode-simcc, preview, bench, serve)'],
    [['generate', '--count', '10'], 'coordconv generate: generate needs --out DIR'],
    [['generate', '--count', '10', '--bogus', '--out', 'x'], "coordconv generate: Unknown option '--bogus'"],
    [['generate', '--count', 'ten', '--out', 'x'], 'coordconv generate: --count expects a non-negative integer, got "ten"'],
    [['generate', '--count', '10', '--size', '12by12', '--out', 'x'], 'coordconv generate: --size expects HxW (like 128x128) or N, got "12by12"'],
    [['generate', '--count', '10', '--shard', '16/16', '--out', 'x'], 'coordconv generate: --shard expects I/K with I from 0 to K-1, got "16/16"'],
    [['generate', '--count', '10', '--kind', 'star', '--out', 'x'], `coordconv generate: Expected one of 'onehot', 'square', 'circle', 'gaussian' for --kind but received "star"`],
    [['generate', '--preset', 'clevr', '--out', 'x'], 'coordconv generate: --preset must be not-so-clevr, got "clevr"'],
    [['generate', '--preset', 'not-so-clevr', '--count', '5', '--out', 'x'], 'coordconv generate: --count does not apply to --preset not-so-clevr'],
    [['decode', 'missing.npy', '--out', 'c.json'], 'coordconv decode: cannot read missing.npy'],
    [['decode', 'junk.npy', '--out', 'c.json'], 'coordconv decode: Expected a .npy file (magic \\x93NUMPY) for junk.npy but received other bytes'],
    [['decode', 'junk.npy', '--out', 'c.txt'], 'coordconv decode: --out must end in .npy, .csv or .json, got "c.txt"'],
    [['decode', 'planes.npy', '--method', 'magic', '--out', 'c.json'], `coordconv decode: Expected one of 'argmax', 'quarter', 'dark', 'centroid', 'softargmax', 'exact', 'udp', 'megvii' for --method but received "magic"`],
    [['decode', 'planes.npy', '--quarter-rule', 'hrnet', '--out', 'c.json'], 'coordconv decode: --quarter-rule applies to --method quarter, not --method argmax (the default)'],
    [['decode', 'planes.npy', '--method', 'quarter', '--quarter-rule', 'each', '--out', 'c.json'], `coordconv decode: Expected one of 'mmpose', 'hrnet' for --quarter-rule but received "each"`],
    [['decode', 'planes.npy', '--method', 'udp', '--sigma', '2', '--out', 'c.json'], 'coordconv decode: --sigma applies to --method dark, not --method udp'],
    [['decode', 'planes.npy', '--sigma', '2', '--out', 'c.json'], 'coordconv decode: --sigma applies to --method dark, not --method argmax (the default)'],
    [['decode', 'planes.npy', '--method', 'centroid', '--beta', '2', '--out', 'c.json'], 'coordconv decode: --beta applies to --method softargmax, not --method centroid'],
    [['decode', 'planes.npy', '--method', 'dark', '--kernel', '4', '--out', 'c.json'], 'coordconv decode: Expected an odd integer from 1 to 255 for --kernel but received 4'],
    [['decode', 'planes.npy', '--method', 'exact', '--min-score', '-1', '--out', 'c.json'], 'coordconv decode: --min-score applies to every --method but exact, not --method exact'],
    [['generate', '--count', '-5', '--out', 'x'], 'coordconv generate: --count expects a non-negative integer, got "-5"'],
    [['decode', 'planes.npy', '--out', path.join('planes.npy', 'c.json')], `coordconv decode: ENOTDIR: cannot write ${path.join('planes.npy', 'c.json')}: planes.npy is not a folder`],
    [['preview', 'junk.npy'], 'coordconv preview: preview needs --out sheet.png'],
    [['decode', 'none.npz', '--out', 'c.json'], 'coordconv decode: none.npz holds no numeric arrays'],
    [['preview', 'two.npz', '--out', 's.png'], 'coordconv preview: two.npz holds several arrays (a, b): pick one with --array NAME'],
    [['decode', 'two.npz', '--array', 'c', '--out', 'c.json'], 'coordconv decode: two.npz has no array "c" (it has a, b)'],
    [['bench', '--samples', '0'], 'coordconv bench: --samples must be at least 1'],
  ];
  // Two through a real process (exit code and stderr as a shell sees them), the rest in-process.
  for (const [args, line] of cases.slice(0, 2)) {
    const r = run(...args);
    t.is(r.code, 2, args.join(' '));
    t.is(r.err, `${line}\n`, args.join(' '));
  }
  const { main } = createRequire(import.meta.url)(cli);
  const cwd = process.cwd();
  const error = console.error;
  process.chdir(dir);
  try {
    for (const [args, line] of cases.slice(2)) {
      const lines = [];
      console.error = (text) => lines.push(text);
      const code = await main(args);
      console.error = error;
      t.is(code, 2, args.join(' '));
      t.deepEqual(lines, [line], args.join(' '));
    }
  } finally {
    console.error = error;
    process.chdir(cwd);
  }
});

// The preview reads only the planes it draws: a sparse 4 GiB .npy, and a child whose peak memory
// stays far below the file's size. Plain JS: not again under ASan (test/run.mjs runs this file
// with one SIMD path).
const once = !process.env.COORDCONV_ADDON;
(once ? test : test.skip)('preview of a 4 GiB .npy reads only its first planes', (t) => {
  const file = path.join(dir, 'huge.npy');
  const shape = [2 ** 18, 64, 64];
  const header = npyHeader('<f4', shape);
  const fd = openSync(file, 'w');
  writeSync(fd, header, 0, header.length, 0);
  ftruncateSync(fd, header.length + 4 * 2 ** 30);
  writeSync(fd, new Uint8Array(new Float32Array([1]).buffer), 0, 4, header.length + 4 * (3 * 64 * 64 + 5 * 64 + 7));
  closeSync(fd);
  const main = path.resolve(cli, '..', 'main.js');
  const script = `require(${JSON.stringify(main)}).main(process.argv.slice(1)).then((code) => { console.log(JSON.stringify({ code, rss: process.resourceUsage().maxRSS })); })`;
  const r = spawnSync(process.execPath, ['-e', script, 'preview', file, '--scale', '1', '--out', 'huge.png'], { cwd: dir, encoding: 'utf8' });
  t.is(r.status, 0, r.stderr);
  const { code, rss } = JSON.parse(r.stdout.trim().split('\n').pop());
  t.is(code, 0);
  t.true(rss < 512 * 1024, `peak RSS ${rss} KiB`);
  t.regex(r.stdout, /huge\.png: 16 planes/);
  const png = readFileSync(path.join(dir, 'huge.png'));
  t.is(png.readUInt32BE(16), 4 * 64 + 5 * 2);
  rmSync(file);
});

test('decode --min-score -Infinity takes logit planes (every value negative) as valid, argmax as the reference', (t) => {
  const data = Float32Array.from({ length: 2 * 3 * 4 }, (_, i) => -((i * 7) % 24) - 1);
  writeFileSync(path.join(dir, 'logits.npy'), encodeNpy({ data, shape: [2, 3, 4] }));
  t.is(run('decode', 'logits.npy', '--out', 'logits0.json').code, 0);
  t.deepEqual(JSON.parse(readFileSync(path.join(dir, 'logits0.json'), 'utf8')).valid, [0, 0]);
  const r = run('decode', 'logits.npy', '--min-score', '-Infinity', '--out', 'logits.json');
  t.is(r.code, 0, r.err);
  const json = JSON.parse(readFileSync(path.join(dir, 'logits.json'), 'utf8'));
  t.deepEqual(json.valid, [1, 1]);
  for (let p = 0; p < 2; p++) {
    const plane = Array.from(data.subarray(p * 12, (p + 1) * 12));
    const best = plane.indexOf(Math.max(...plane));
    t.deepEqual(json.coords.slice(2 * p, 2 * p + 2), [best % 4, Math.floor(best / 4)]);
    t.is(json.scores[p], plane[best]);
  }
});

test('decode --method udp, megvii and quarter --quarter-rule hrnet write the library\'s answers', (t) => {
  const h = 9;
  const w = 10;
  const data = new Float32Array(2 * h * w);
  for (let p = 0; p < 2; p++) {
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data[p * h * w + y * w + x] = Math.exp(-((x - 1.3 - 5 * p) ** 2 + (y - 4.6) ** 2) / 8);
  }
  writeFileSync(path.join(dir, 'mm.npy'), encodeNpy({ data, shape: [2, h, w] }));
  for (const [flags, options] of [
    [['--method', 'udp', '--kernel', '7'], { method: 'udp', kernel: 7 }],
    [['--method', 'megvii'], { method: 'megvii' }],
    [['--method', 'quarter', '--quarter-rule', 'hrnet'], { method: 'quarter', quarterRule: 'hrnet' }],
    [['--method', 'quarter'], { method: 'quarter' }],
  ]) {
    const r = run('decode', 'mm.npy', ...flags, '--out', 'mm.json');
    t.is(r.code, 0, r.err);
    const json = JSON.parse(readFileSync(path.join(dir, 'mm.json'), 'utf8'));
    const want = decodeSync({ data, shape: [2, h, w] }, options);
    t.deepEqual(json.coords, Array.from(want.coords), flags.join(' '));
  }
});

// [N, H, W, C] from plain loops: channel k of image i has its hot pixel at (x, y) = (k + i, 2k).
function channelsLastOnehots(n, h, w, c) {
  const data = new Float32Array(n * h * w * c);
  const truth = [];
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < c; k++) {
      const x = (k + i) % w, y = (2 * k) % h;
      data[((i * h + y) * w + x) * c + k] = 1;
      truth.push(x, y);
    }
  }
  return { data, truth };
}

test('decode reads Not-so-CLEVR image fields channels-last by name, and --layout decides otherwise', async (t) => {
  const { data, truth } = channelsLastOnehots(5, 64, 64, 1);
  await writeNpz(path.join(dir, 'clevr.npz'), { train_onehots: { data, shape: [5, 64, 64, 1] }, train_locations: { data: new Int32Array(10), shape: [5, 2] } });
  const r = run('decode', 'clevr.npz', '--method', 'exact', '--out', 'clevr.json');
  t.is(r.code, 0, r.err);
  t.regex(r.out, /5 planes decoded \(5 valid\) \(read as \[N, H, W, C\]: "train_onehots" is a Not-so-CLEVR image field, channels-last; --layout nchw reads it as planes\)/);
  const json = JSON.parse(readFileSync(path.join(dir, 'clevr.json'), 'utf8'));
  t.deepEqual(json.shape, [5, 1]);
  t.deepEqual(json.coords, truth);
  const planes = run('decode', 'clevr.npz', '--layout', 'nchw', '--out', 'clevr-planes.json');
  t.is(planes.code, 0, planes.err);
  t.regex(planes.out, /320 planes decoded/);
});

test('decode --layout nhwc (and --channels-last) reads [N, H, W, C] files in place', (t) => {
  const { data, truth } = channelsLastOnehots(2, 8, 9, 3);
  writeFileSync(path.join(dir, 'nhwc.npy'), encodeNpy({ data, shape: [2, 8, 9, 3] }));
  for (const flag of [['--layout', 'nhwc'], ['--channels-last']]) {
    const r = run('decode', 'nhwc.npy', ...flag, '--method', 'exact', '--out', 'nhwc.json');
    t.is(r.code, 0, r.err);
    const json = JSON.parse(readFileSync(path.join(dir, 'nhwc.json'), 'utf8'));
    t.deepEqual(json.shape, [2, 3]);
    t.deepEqual(json.coords, truth);
  }
  t.is(run('decode', 'nhwc.npy', '--layout', 'hwc', '--out', 'x.json').err, 'coordconv decode: --layout must be nchw or nhwc, got "hwc"\n');
  t.is(run('decode', 'nhwc.npy', '--layout', 'nchw', '--channels-last', '--out', 'x.json').err, 'coordconv decode: --channels-last contradicts --layout nchw\n');
});
