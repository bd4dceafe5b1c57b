// `coordconv bench`: coordconv alone on this machine, as ratios against the plain operations on the
// same bytes (zero-filling memory, plain file writes). No peers: those live in the repository's bench/.
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { decodeSync } from '../decode';
import { generate } from '../dataset/generate';
import { writeGenerated } from '../dataset/generate-files';
import { simd } from '../simd';
import { fail, HELP_FLAG, parseFlags, readInt, stringFlags } from './flags';

export const summary = "measure coordconv's own speed on this machine";

export const USAGE = `Usage: coordconv bench [--samples N]

Measures generation, .npy writing and decoding of 64 x 64 uint8 one-hot samples against
zero-filling and plain writes of the same bytes, on this machine. Default N = 100000.`;

export async function run(argv: string[]): Promise<void> {
  const { values, positionals } = parseFlags({ args: argv, allowPositionals: true, options: { ...HELP_FLAG, ...stringFlags('samples') } });
  if (values.help) return void console.log(USAGE);
  if (positionals.length) fail(`bench takes no positional arguments, got "${positionals[0]}"`);
  const samples = readInt(values.samples, '--samples') ?? 100000;
  if (samples < 1) fail('--samples must be at least 1');
  console.table(await runBench(samples));
}

interface BenchRow {
  task: string;
  seconds: number;
  samplesPerSec: number;
  gbPerSec: number;
  /** Speed relative to the row's baseline (1 for baselines). */
  ratio: number;
}

const SIDE = 64;
const BATCH = 4096;

async function time(fn: () => Promise<void> | void): Promise<number> {
  const t0 = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

// The best of `reps` runs, so one noisy moment on a shared machine does not decide.
async function best(reps: number, fn: () => Promise<void> | void): Promise<number> {
  let min = Infinity;
  for (let i = 0; i < reps; i++) min = Math.min(min, await time(fn));
  return min;
}

/**
 * Times, for `samples` 64 x 64 uint8 one-hot samples: generating them in memory vs allocating and
 * zero-filling the same bytes; writing them to .npy vs plain writes of the same bytes; decoding them.
 */
async function runBench(samples: number): Promise<BenchRow[]> {
  const bytes = samples * SIDE * SIDE;
  const reps = 3;
  const row = (task: string, seconds: number, base?: number): BenchRow => ({
    task,
    seconds: Number(seconds.toFixed(4)),
    samplesPerSec: Math.round(samples / seconds),
    gbPerSec: Number((bytes / seconds / 1e9).toFixed(3)),
    ratio: Number((base === undefined ? 1 : base / seconds).toFixed(3)),
  });
  const zeroFill = await best(reps, () => {
    for (let done = 0; done < samples; done += BATCH) {
      const n = Math.min(BATCH, samples - done);
      new Uint8Array(n * SIDE * SIDE).fill(0);
    }
  });
  const gen = await best(reps, async () => {
    for await (const batch of generate({ count: samples, dtype: 'uint8', kind: 'onehot', batchSize: BATCH, seed: 1 })) void batch;
  });
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'coordconv-bench-'));
  try {
    const plain = await best(reps, async () => {
      const handle = await fs.open(path.join(dir, 'plain.bin'), 'w');
      try {
        for (let done = 0; done < samples; done += BATCH) {
          const n = Math.min(BATCH, samples - done);
          await handle.write(new Uint8Array(n * SIDE * SIDE).fill(0));
        }
      } finally {
        await handle.close();
      }
    });
    const npy = await best(reps, async () => {
      await writeGenerated({ count: samples, dtype: 'uint8', kind: 'onehot', batchSize: BATCH, seed: 1, out: dir });
    });
    const planes = Math.min(samples, 16384);
    let data: Uint8Array = new Uint8Array(0);
    for await (const batch of generate({ count: planes, dtype: 'uint8', batchSize: planes, seed: 1 })) data = batch.images.data;
    const dec = await best(reps, () => void decodeSync({ data, shape: [planes, SIDE, SIDE] }, { method: 'argmax' }));
    const decodeRow = row(`decode argmax (${planes} planes, ${simd().active})`, (dec * samples) / planes);
    return [
      row('zero-fill memory (baseline)', zeroFill),
      row('generate one-hot uint8 in memory', gen, zeroFill),
      row('plain fs writes (baseline)', plain),
      row('generate into .npy', npy, plain),
      decodeRow,
    ];
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}
