// `coordconv decode-simcc --x x.npy --y y.npy --out coords.npy|.csv|.json`: SimCC outputs
// (RTMPose, DWPose, RTMW) to keypoints, written as decode writes its coordinates.
import * as path from 'node:path';
import { readNpy, type NpyArray } from '../io/npy';
import { readNpz } from '../io/npz';
import { decodeSimccSync, SIMCC_METHODS, type SimccInput, type SimccOptions } from '../simcc';
import type { PlaneTensor } from '../tensor';
import { fail, HELP_FLAG, OUT_FLAG, parseFlags, readFloat, stringFlags } from './flags';
import { COORDS_FILES, writeCoords } from './output';

export const summary = 'decode SimCC outputs (RTMPose, DWPose, RTMW) to keypoints (.npy, .csv or .json)';

export const USAGE = `Usage: coordconv decode-simcc (--x X.npy --y Y.npy | FILE.npz) [--split-ratio R]
                        [--method argmax|dark] [--sigma S[,SY] | --kernel K[,KY]] [--min-score M]
                        --out coords.npy|coords.csv|coords.json

The x vectors are [N, K, Wx] or [K, Wx], the y vectors [N, K, Wy] or [K, Wy] (float32 or uint8;
float64 and integers are converted to float32), from two .npy files or one .npz holding x and y
(or simcc_x and simcc_y). --split-ratio is bins per pixel (default 2). Methods: ${SIMCC_METHODS.join(', ')}
(default argmax); dark takes the label sigma (default 6) or the blur kernels. --min-score: valid
when the score is above it (default 0; --min-score -Infinity for logits).
The output holds x, y per keypoint (NaN where invalid); .csv and .json also hold score and valid.`;

const FLAGS = { ...HELP_FLAG, ...OUT_FLAG, ...stringFlags('x', 'y', 'split-ratio', 'method', 'sigma', 'kernel', 'min-score') };

// As decode reads planes: float32 and uint8 as they are, other numbers as float32.
function vectors(array: NpyArray): PlaneTensor {
  const { data, shape, dtype } = array;
  if (data instanceof Float32Array || (data instanceof Uint8Array && dtype !== '|b1')) return { data, shape };
  if (data instanceof BigInt64Array || data instanceof BigUint64Array) return { data: Float32Array.from(data as Iterable<bigint>, Number), shape };
  return { data: Float32Array.from(data as ArrayLike<number>), shape };
}

async function readVectors(positionals: readonly string[], x: string | undefined, y: string | undefined): Promise<SimccInput> {
  if (positionals.length === 1 && x === undefined && y === undefined) {
    const file = positionals[0];
    if (path.extname(file).toLowerCase() !== '.npz') fail(`${file}: expected a .npz file holding x and y (or --x X.npy --y Y.npy)`);
    const arrays = await readNpz(file).catch((error: Error) => fail(`cannot read ${file}: ${error.message}`));
    for (const [a, b] of [['x', 'y'], ['simcc_x', 'simcc_y']]) {
      if (arrays[a] && arrays[b]) return { x: vectors(arrays[a]), y: vectors(arrays[b]) };
    }
    return fail(`${file} has no arrays x and y, nor simcc_x and simcc_y (it has ${Object.keys(arrays).join(', ') || 'none'})`);
  }
  if (positionals.length !== 0 || x === undefined || y === undefined) fail('decode-simcc needs --x X.npy and --y Y.npy, or one FILE.npz');
  const read = (file: string) => readNpy(file).catch((error: Error) => fail(`cannot read ${file}: ${error.message}`));
  return { x: vectors(await read(x)), y: vectors(await read(y)) };
}

// "a" or "a,b", each a number.
function readPair(value: string | undefined, flag: string): number | [number, number] | undefined {
  if (value === undefined) return undefined;
  const parts = value.split(',');
  if (parts.length > 2) fail(`${flag} expects a number or two separated by a comma, got "${value}"`);
  const numbers = parts.map((p) => readFloat(p, flag) as number);
  return numbers.length === 1 ? numbers[0] : [numbers[0], numbers[1]];
}

export async function run(argv: string[]): Promise<void> {
  const { values, positionals } = parseFlags({ args: argv, allowPositionals: true, options: FLAGS });
  if (values.help) return void console.log(USAGE);
  if (!values.out) fail(`decode-simcc needs --out ${COORDS_FILES.map((ext) => `coords${ext}`).join('|')}`);
  const ext = path.extname(values.out).toLowerCase();
  if (!COORDS_FILES.includes(ext)) fail(`--out must end in .npy, .csv or .json, got "${values.out}"`);
  const minScore = values['min-score'];
  const options: Record<string, unknown> = {
    splitRatio: readFloat(values['split-ratio'], '--split-ratio'),
    method: values.method,
    sigma: readPair(values.sigma, '--sigma'),
    kernel: readPair(values.kernel, '--kernel'),
    minScore: minScore === '-Infinity' ? -Infinity : readFloat(minScore, '--min-score'),
  };
  // Unset flags leave the library's defaults (and its refusal of sigma/kernel without dark).
  for (const key of Object.keys(options)) if (options[key] === undefined) delete options[key];
  const input = await readVectors(positionals, values.x, values.y);
  const result = decodeSimccSync(input, options as SimccOptions);
  await writeCoords(values.out, ext, result);
  console.log(`${values.out}: ${result.valid.length} keypoints decoded (${result.valid.reduce((a, b) => a + b, 0)} valid)`);
}
