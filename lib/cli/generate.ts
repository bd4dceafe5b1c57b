// `coordconv generate`: the paper's Not-so-CLEVR data set, or large synthetic sets, as .npy/.npz/.h5.
import { writeGenerated } from '../dataset/generate-files';
import { writeNotSoClevr } from '../dataset/not-so-clevr-files';
import { fail, HELP_FLAG, OUT_FLAG, parseFlags, readFloat, readInt, stringFlags } from './flags';
import { progressBar } from './progress';

export const summary = "make a data set (the paper's Not-so-CLEVR, or large synthetic sets) as .npy/.npz/.h5";

export const USAGE = `Usage: coordconv generate --preset not-so-clevr [--split uniform|quadrant] [--format h5|npz|npy]
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
--val-fraction 0.25 --dtype float32 --batch-size 1024 --format npy (h5 for the preset).`;

// The flags of synthetic sets, which the preset does not take.
const SYNTHETIC = ['size', 'count', 'kind', 'sigma', 'radius', 'objects', 'margin', 'seed', 'val-fraction', 'value', 'batch-size', 'shard'] as const;

function readSize(value: string | undefined): { height?: number; width?: number } {
  if (value === undefined) return {};
  const m = /^(\d+)(?:x(\d+))?$/.exec(value);
  if (!m) fail(`--size expects HxW (like 128x128) or N, got "${value}"`);
  return { height: Number(m[1]), width: Number(m[2] ?? m[1]) };
}

function readShard(value: string | undefined): { index: number; count: number } | undefined {
  if (value === undefined) return undefined;
  const m = /^(\d+)\/(\d+)$/.exec(value);
  if (!m) fail(`--shard expects I/K with I from 0 to K-1 (like 3/16), got "${value}"`);
  const shard = { index: Number(m[1]), count: Number(m[2]) };
  if (shard.count < 1 || shard.index >= shard.count) fail(`--shard expects I/K with I from 0 to K-1, got "${value}"`);
  return shard;
}

export async function run(argv: string[]): Promise<void> {
  const { values, positionals } = parseFlags({
    args: argv,
    allowPositionals: true,
    options: { ...HELP_FLAG, ...OUT_FLAG, ...stringFlags('preset', 'split', 'format', 'dtype', ...SYNTHETIC) },
  });
  if (values.help) return void console.log(USAGE);
  if (positionals.length) fail(`generate takes no positional arguments, got "${positionals[0]}"`);
  if (!values.out) fail('generate needs --out DIR');
  const out = values.out;
  if (values.preset !== undefined) {
    if (values.preset !== 'not-so-clevr') fail(`--preset must be not-so-clevr, got "${values.preset}"`);
    const extra = SYNTHETIC.find((k) => values[k] !== undefined);
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
  const { height, width } = readSize(values.size);
  const shard = readShard(values.shard);
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
