// `coordconv decode FILE --out coords.npy|.csv|.json`: the heatmaps of a file to coordinates.
import { decodeSync, DECODE_METHODS, type DecodeOptions } from '../decode';
import { checkMethodFlags, HELP_FLAG, METHOD_FLAGS, METHOD_OPTIONS, optionKey, OUT_FLAG, parseFlags, readFloat, type MethodFlagValues } from './flags';
import { INPUT_FLAGS, readInput } from './input';
import { COORDS_FILES, writeCoords } from './output';

export const summary = 'decode the heatmaps of a .npy/.npz/.h5 file to coordinates (.npy, .csv or .json)';

export const USAGE = `Usage: coordconv decode FILE [--array NAME] [--layout nchw|nhwc] [--method M] [--kernel K]
                        [--sigma S] [--threshold T] [--beta B] [--min-score M]
                        [--quarter-rule mmpose|hrnet] --out coords.npy|coords.csv|coords.json

FILE is .npy, .npz or .h5 (--array picks an array of .npz/.h5; default: the only one, or
'onehots'/'images' when present). Planes are [H, W], [N, H, W] or [N, C, H, W]; --layout nhwc
(or --channels-last) reads [H, W, C] or [N, H, W, C] in place. Not-so-CLEVR's image fields
([N, 64, 64, 1] or [N, 64, 64, 3], named image, imagegray or onehots) are read channels-last
unless --layout says otherwise. float64 and integer data are converted to float32.
Methods: ${DECODE_METHODS.join(', ')} (default argmax). --min-score: a plane is valid when its
score is above it (default 0; -Infinity takes every finite plane, for logits). --quarter-rule:
where quarter moves an axis (mmpose, the default, or hrnet). --kernel: dark's, udp's (default 11)
or megvii's (default 5) blur.
The output holds x, y per plane (NaN where invalid); .csv and .json also hold score and valid.`;

// The library checks the options' ranges.
function decodeOptions(values: MethodFlagValues): DecodeOptions {
  checkMethodFlags(values);
  const opts: Record<string, unknown> = { method: values.method ?? 'argmax' };
  for (const key of METHOD_OPTIONS) {
    const value = values[key];
    // -Infinity (take every finite plane: logits) is a --min-score value readFloat refuses;
    // --quarter-rule is a name, which the library judges.
    if (value === undefined) continue;
    if (key === 'quarter-rule') opts.quarterRule = value;
    else opts[optionKey(key)] = key === 'min-score' && value === '-Infinity' ? -Infinity : readFloat(value, `--${key}`);
  }
  return opts as unknown as DecodeOptions;
}

export async function run(argv: string[]): Promise<void> {
  const { values, positionals } = parseFlags({
    args: argv,
    allowPositionals: true,
    options: { ...HELP_FLAG, ...OUT_FLAG, ...INPUT_FLAGS, ...METHOD_FLAGS },
  });
  if (values.help) return void console.log(USAGE);
  const { out, ext, planes } = await readInput('decode', positionals, values, 'coords', COORDS_FILES);
  const result = decodeSync({ data: planes.data, shape: planes.shape }, { ...decodeOptions(values), layout: planes.layout });
  await writeCoords(out, ext, result);
  if (result.valid.length === 0) return void console.log(`${out}: no planes to decode (input shape [${planes.shape.join(', ')}]); wrote an empty result`);
  const read = planes.because ? ` (read as [N, H, W, C]: ${planes.because}; --layout nchw reads it as planes)` : '';
  console.log(`${out}: ${result.valid.length} planes decoded (${result.valid.reduce((a, b) => a + b, 0)} valid)${read}`);
}
