#!/usr/bin/env node
// The coordconv command: generate data sets, decode heatmap files, preview them, measure speed.
// Bad arguments or unreadable input print one line on stderr and exit with code 2.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { decodeSync, DECODE_METHODS, type DecodeOptions } from './decode';
import { writeGenerated } from './dataset/generate-files';
import { writeNotSoClevr } from './dataset/not-so-clevr-files';
import { readH5 } from './io/h5';
import { encodeNpy, readNpy, type NpyArray } from './io/npy';
import { readNpz } from './io/npz';
import { writeFileAtomic } from './io/atomic';
import { writePreview } from './preview';
import { runBench } from './bench';
import { serveCommand } from './cli/serve';

/** A wrong command line: printed as one line, exit code 2. */
class UsageError extends Error {}

const HELP: Record<string, string> = {
  main: `Usage: coordconv <command> [options]

Commands:
  generate   make a data set (the paper's Not-so-CLEVR, or large synthetic sets) as .npy/.npz/.h5
  decode     decode the heatmaps of a .npy/.npz/.h5 file to coordinates (.npy, .csv or .json)
  preview    draw a PNG contact sheet of planes with their decoded coordinates marked
  bench      measure coordconv's own speed on this machine
  serve      answer POST /decode over HTTP (Fastify, loopback by default)

Run 'coordconv <command> --help' for a command's options.`,
  generate: `Usage: coordconv generate --preset not-so-clevr [--split uniform|quadrant] [--format h5|npz|npy]
                     [--dtype float64|float32|uint8] --out DIR
       coordconv generate --count N [--size HxW] [--kind onehot|square|circle|gaussian] [--sigma S]
                     [--radius R] [--objects K] [--margin M] [--seed S] [--split uniform|quadrant]
                     [--val-fraction F] [--dtype float32|uint8] [--value V] [--batch-size B]
                     [--shard I/K] [--format npy|npz|h5] --out DIR

Not-so-CLEVR: the CoordConv paper's data, sample for sample, with the reference dataset names
(train_image, ..., val_normalized_locations); --dtype defaults to the reference's float64.
Synthetic: images [N, K, H, W], locations [N, K, 2] (x, y), val [N] (1 = val), streamed in
bounded memory. --shard I/K (I from 0 to K-1) writes exactly that slice of the whole run.
Defaults: --size 64x64 --kind onehot --sigma 2 --radius 4 --objects 1 --seed 0 --split uniform
--val-fraction 0.25 --dtype float32 --batch-size 1024 --format npy (h5 for the preset).`,
  decode: `Usage: coordconv decode FILE [--array NAME] [--channels-last] [--method M] [--kernel K]
                        [--sigma S] [--threshold T] [--beta B] --out coords.npy|coords.csv|coords.json

FILE is .npy, .npz or .h5 (--array picks an array of .npz/.h5; default: the only one, or
'onehots'/'images' when present). Planes are [H, W], [N, H, W] or [N, C, H, W]; --channels-last
reads [N, H, W, C]. float64 and integer data are converted to float32.
Methods: ${DECODE_METHODS.join(', ')} (default argmax).
The output holds x, y per plane (NaN where invalid); .csv and .json also hold score and valid.`,
  preview: `Usage: coordconv preview FILE [--array NAME] [--channels-last] [--count N] [--columns C]
                         [--method M] [--scale S] --out sheet.png

Draws the first N planes (default 16) in C columns (default 4), each scaled to 0..255 and
enlarged S times (default 2), with the decoded coordinate marked by a red cross.`,
  bench: `Usage: coordconv bench [--samples N]

Measures generation, .npy writing and decoding of 64 x 64 uint8 one-hot samples against
zero-filling and plain writes of the same bytes, on this machine. Default N = 100000.`,
};

function fail(message: string): never {
  throw new UsageError(message);
}

function readInt(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) fail(`${flag} expects a non-negative integer, got "${value}"`);
  return Number(value);
}

function readFloat(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) fail(`${flag} expects a number, got "${value}"`);
  return n;
}

async function generateCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      help: { type: 'boolean', short: 'h' },
      preset: { type: 'string' },
      split: { type: 'string' },
      format: { type: 'string' },
      dtype: { type: 'string' },
      out: { type: 'string', short: 'o' },
      size: { type: 'string' },
      count: { type: 'string' },
      kind: { type: 'string' },
      sigma: { type: 'string' },
      radius: { type: 'string' },
      objects: { type: 'string' },
      margin: { type: 'string' },
      seed: { type: 'string' },
      'val-fraction': { type: 'string' },
      value: { type: 'string' },
      'batch-size': { type: 'string' },
      shard: { type: 'string' },
    },
  });
  if (values.help) return void console.log(HELP.generate);
  if (positionals.length) fail(`generate takes no positional arguments, got "${positionals[0]}"`);
  if (!values.out) fail('generate needs --out DIR');
  const out = values.out;
  if (values.preset !== undefined) {
    if (values.preset !== 'not-so-clevr') fail(`--preset must be not-so-clevr, got "${values.preset}"`);
    const synthetic = ['size', 'count', 'kind', 'sigma', 'radius', 'objects', 'margin', 'seed', 'val-fraction', 'value', 'batch-size', 'shard'] as const;
    const extra = synthetic.find((k) => values[k] !== undefined);
    if (extra) fail(`--${extra} does not apply to --preset not-so-clevr`);
    const files = await writeNotSoClevr({
      out,
      split: values.split as 'uniform' | 'quadrant' | undefined,
      format: (values.format ?? 'h5') as 'h5',
      dtype: values.dtype as 'float64' | undefined,
    });
    for (const f of files) console.log(f);
    return;
  }
  if (values.count === undefined) fail('generate needs --preset not-so-clevr or --count N');
  let height: number | undefined;
  let width: number | undefined;
  if (values.size !== undefined) {
    const m = /^(\d+)(?:x(\d+))?$/.exec(values.size);
    if (!m) fail(`--size expects HxW (like 128x128) or N, got "${values.size}"`);
    height = Number(m[1]);
    width = Number(m[2] ?? m[1]);
  }
  let shard: { index: number; count: number } | undefined;
  if (values.shard !== undefined) {
    const m = /^(\d+)\/(\d+)$/.exec(values.shard);
    if (!m) fail(`--shard expects I/K with I from 0 to K-1 (like 3/16), got "${values.shard}"`);
    shard = { index: Number(m[1]), count: Number(m[2]) };
    if (shard.count < 1 || shard.index >= shard.count) fail(`--shard expects I/K with I from 0 to K-1, got "${values.shard}"`);
  }
  const progress = process.stderr.isTTY ? progressBar() : undefined;
  const files = await writeGenerated({
    out,
    format: values.format as 'npy' | undefined,
    count: readInt(values.count, '--count')!,
    height,
    width,
    kind: values.kind as 'onehot' | undefined,
    sigma: readFloat(values.sigma, '--sigma'),
    radius: readInt(values.radius, '--radius'),
    objects: readInt(values.objects, '--objects'),
    margin: readInt(values.margin, '--margin'),
    seed: readInt(values.seed, '--seed'),
    split: values.split as 'uniform' | undefined,
    valFraction: readFloat(values['val-fraction'], '--val-fraction'),
    dtype: values.dtype as 'float32' | undefined,
    value: readFloat(values.value, '--value'),
    batchSize: readInt(values['batch-size'], '--batch-size'),
    shard,
    onProgress: progress?.update,
  });
  progress?.done();
  for (const f of files) console.log(f);
}

function progressBar() {
  const started = Date.now();
  let last = 0;
  return {
    update(done: number, total: number) {
      const now = Date.now();
      if (now - last < 100 && done < total) return;
      last = now;
      const width = 30;
      const filled = Math.round((done / total) * width);
      const rate = done / Math.max(0.001, (now - started) / 1000);
      process.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${((done / total) * 100).toFixed(1)}% ${done}/${total} (${Math.round(rate)}/s)`);
    },
    done() {
      process.stderr.write('\n');
    },
  };
}

/** Reads one array from .npy, .npz or .h5; unreadable or ambiguous input is a UsageError. */
export async function readArray(file: string, name: string | undefined): Promise<NpyArray> {
  try {
    await fs.access(file);
  } catch {
    fail(`cannot read ${file}`);
  }
  const ext = path.extname(file).toLowerCase();
  let arrays: Record<string, NpyArray>;
  try {
    if (ext === '.npy') {
      if (name !== undefined) fail('--array applies to .npz and .h5 files only');
      return await readNpy(file);
    }
    if (ext === '.npz') arrays = await readNpz(file);
    else if (ext === '.h5' || ext === '.hdf5') arrays = await readH5(file, name === undefined ? undefined : [name]);
    else return fail(`${file}: expected a .npy, .npz or .h5 file`);
  } catch (error) {
    // The readers' RangeErrors already name the file.
    if (error instanceof UsageError || error instanceof RangeError || error instanceof TypeError) throw error;
    return fail(`${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const keys = Object.keys(arrays);
  if (name !== undefined) {
    if (!(name in arrays)) fail(`${file} has no array "${name}" (it has ${keys.join(', ') || 'none'})`);
    return arrays[name];
  }
  if (keys.length === 1) return arrays[keys[0]];
  const preferred = ['onehots', 'images', 'train_onehots', 'heatmaps'].find((k) => k in arrays);
  if (preferred) return arrays[preferred];
  return fail(`${file} holds several arrays (${keys.join(', ')}): pick one with --array NAME`);
}

/** Planes as Float32Array or Uint8Array `[N, C, H, W]`-compatible shape. */
export function toPlanes(array: NpyArray, channelsLast: boolean): { data: Float32Array | Uint8Array; shape: number[] } {
  let data: Float32Array | Uint8Array;
  if (array.data instanceof Float32Array || (array.data instanceof Uint8Array && array.dtype !== '|b1')) data = array.data;
  else if (array.data instanceof BigInt64Array || array.data instanceof BigUint64Array) data = Float32Array.from(array.data as Iterable<bigint>, Number);
  else data = Float32Array.from(array.data as ArrayLike<number>);
  let shape = array.shape;
  if (channelsLast) {
    if (shape.length < 3) fail(`--channels-last needs [N, H, W, C] or [H, W, C], got shape [${shape.join(', ')}]`);
    const c = shape[shape.length - 1];
    const h = shape[shape.length - 3];
    const w = shape[shape.length - 2];
    const n = shape.length === 4 ? shape[0] : 1;
    if (c !== 1) {
      const moved = new (data.constructor as Float32ArrayConstructor | Uint8ArrayConstructor)(data.length);
      for (let i = 0; i < n; i++)
        for (let p = 0; p < h * w; p++) for (let k = 0; k < c; k++) moved[((i * c + k) * h * w) + p] = data[(i * h * w + p) * c + k];
      data = moved;
    }
    shape = shape.length === 4 ? [n, c, h, w] : [c, h, w];
  }
  if (shape.length < 2 || shape.length > 4) fail(`expected planes [H, W], [N, H, W] or [N, C, H, W], got shape [${shape.join(', ')}]`);
  return { data, shape };
}

function decodeOptions(values: Record<string, string | boolean | undefined>): DecodeOptions {
  const method = (values.method as string | undefined) ?? 'argmax';
  const opts: Record<string, unknown> = { method };
  for (const key of ['kernel', 'sigma', 'threshold', 'beta']) {
    if (values[key] !== undefined) opts[key] = readFloat(values[key] as string, `--${key}`);
  }
  return opts as unknown as DecodeOptions;
}

async function decodeCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      help: { type: 'boolean', short: 'h' },
      out: { type: 'string', short: 'o' },
      array: { type: 'string' },
      'channels-last': { type: 'boolean' },
      method: { type: 'string' },
      kernel: { type: 'string' },
      sigma: { type: 'string' },
      threshold: { type: 'string' },
      beta: { type: 'string' },
    },
  });
  if (values.help) return void console.log(HELP.decode);
  if (positionals.length !== 1) fail('decode needs exactly one input FILE');
  if (!values.out) fail('decode needs --out coords.npy|coords.csv|coords.json');
  const outExt = path.extname(values.out).toLowerCase();
  if (!['.npy', '.csv', '.json'].includes(outExt)) fail(`--out must end in .npy, .csv or .json, got "${values.out}"`);
  const planes = toPlanes(await readArray(positionals[0], values.array), values['channels-last'] ?? false);
  const result = decodeSync(planes, decodeOptions(values));
  const lead = result.shape;
  const n = result.valid.length;
  if (outExt === '.npy') {
    await writeFileAtomic(values.out, [encodeNpy({ data: result.coords, shape: [...lead, 2] })]);
  } else if (outExt === '.json') {
    const coords = [];
    for (let i = 0; i < n; i++) coords.push([num(result.coords[2 * i]), num(result.coords[2 * i + 1])]);
    const text = JSON.stringify({ shape: lead, coords, scores: Array.from(result.scores, num), valid: Array.from(result.valid) });
    await writeFileAtomic(values.out, [Buffer.from(`${text}\n`)]);
  } else {
    const index = lead.map((_, k) => `i${k}`);
    const lines = [[...index, 'x', 'y', 'score', 'valid'].join(',')];
    for (let i = 0; i < n; i++) {
      const idx: number[] = [];
      let rest = i;
      for (let k = lead.length - 1; k >= 0; k--) {
        idx.unshift(rest % lead[k]);
        rest = Math.floor(rest / lead[k]);
      }
      lines.push([...idx, result.coords[2 * i], result.coords[2 * i + 1], result.scores[i], result.valid[i]].join(','));
    }
    await writeFileAtomic(values.out, [Buffer.from(`${lines.join('\n')}\n`)]);
  }
  console.log(`${values.out}: ${n} planes decoded (${result.valid.reduce((a, b) => a + b, 0)} valid)`);
}

// JSON has no NaN: invalid planes are null.
const num = (v: number): number | null => (Number.isFinite(v) ? v : null);

async function previewCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      help: { type: 'boolean', short: 'h' },
      out: { type: 'string', short: 'o' },
      array: { type: 'string' },
      'channels-last': { type: 'boolean' },
      count: { type: 'string' },
      columns: { type: 'string' },
      method: { type: 'string' },
      scale: { type: 'string' },
    },
  });
  if (values.help) return void console.log(HELP.preview);
  if (positionals.length !== 1) fail('preview needs exactly one input FILE');
  if (!values.out) fail('preview needs --out sheet.png');
  if (path.extname(values.out).toLowerCase() !== '.png') fail(`--out must end in .png, got "${values.out}"`);
  const planes = toPlanes(await readArray(positionals[0], values.array), values['channels-last'] ?? false);
  const shown = await writePreview(values.out, planes, {
    count: readInt(values.count, '--count'),
    columns: readInt(values.columns, '--columns'),
    scale: readInt(values.scale, '--scale'),
    method: (values.method ?? 'argmax') as 'argmax',
  });
  console.log(`${values.out}: ${shown} planes`);
}

async function benchCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { help: { type: 'boolean', short: 'h' }, samples: { type: 'string' } },
  });
  if (values.help) return void console.log(HELP.bench);
  if (positionals.length) fail(`bench takes no positional arguments, got "${positionals[0]}"`);
  const samples = readInt(values.samples, '--samples') ?? 100000;
  if (samples < 1) fail('--samples must be at least 1');
  const rows = await runBench(samples);
  console.table(rows);
}

// A command resolves with nothing (exit 0) or, when it ran in a child process, that one's exit code.
const COMMANDS: Record<string, (argv: string[]) => Promise<void | number | undefined>> = {
  generate: generateCommand,
  decode: decodeCommand,
  preview: previewCommand,
  bench: benchCommand,
  serve: serveCommand,
};

/** Runs the CLI; resolves with the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    console.log(HELP.main);
    return command === undefined ? 2 : 0;
  }
  const run = COMMANDS[command];
  try {
    if (!run) fail(`unknown command "${command}" (commands: ${Object.keys(COMMANDS).join(', ')})`);
    const code = await run(rest);
    return typeof code === 'number' ? code : 0;
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    const usage =
      error instanceof UsageError ||
      error instanceof TypeError ||
      error instanceof RangeError ||
      (typeof e?.code === 'string' && (e.code.startsWith('ERR_PARSE_ARGS') || ['ENOENT', 'EACCES', 'EISDIR', 'ENOTDIR', 'EEXIST'].includes(e.code)));
    const message = (e?.message ?? String(error)).split('\n')[0].replace(/\. To specify a positional argument.*$/, '');
    console.error(`coordconv ${command}: ${message}`);
    return usage ? 2 : 1;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
