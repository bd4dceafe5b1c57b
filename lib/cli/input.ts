// The input side of decode and preview: one FILE of planes (.npy, .npz or .h5) and its --array and
// --channels-last flags, read after --out has been checked, so a bad command line fails before any
// file is opened.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { readH5 } from '../io/h5';
import { readNpyLeading, type NpyArray } from '../io/npy';
import { readNpz } from '../io/npz';
import { fail, UsageError } from './flags';

/** The flags of the commands that read planes from a FILE. */
export const INPUT_FLAGS = { array: { type: 'string' }, 'channels-last': { type: 'boolean' } } as const;

/** Planes as Float32Array or Uint8Array with an `[N, C, H, W]`-compatible shape. */
export interface Planes {
  data: Float32Array | Uint8Array;
  shape: number[];
}

// "a, b or c"
const oneOf = (items: readonly string[]): string => (items.length === 1 ? items[0] : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`);

/**
 * Checks that `command` got exactly one FILE and an --out ending in one of `outputs` (`stem` names
 * the example output of the message when --out is missing), then reads FILE's planes.
 */
export async function readInput(
  command: string,
  positionals: readonly string[],
  values: { out?: string; array?: string; 'channels-last'?: boolean },
  stem: string,
  outputs: readonly string[],
  planesWanted?: number,
): Promise<{ out: string; ext: string; planes: Planes }> {
  if (positionals.length !== 1) fail(`${command} needs exactly one input FILE`);
  if (!values.out) fail(`${command} needs --out ${outputs.map((ext) => `${stem}${ext}`).join('|')}`);
  const ext = path.extname(values.out).toLowerCase();
  if (!outputs.includes(ext)) fail(`--out must end in ${oneOf(outputs)}, got "${values.out}"`);
  const channelsLast = values['channels-last'] ?? false;
  const planes = toPlanes(await readArray(positionals[0], values.array, planesWanted === undefined ? undefined : leadingFor(planesWanted, channelsLast)), channelsLast);
  return { out: values.out, ext, planes };
}

// How many entries of a .npy file's first axis hold its first `planes` planes.
function leadingFor(planes: number, channelsLast: boolean): (shape: readonly number[]) => number {
  return (shape) => {
    const perEntry = channelsLast ? (shape.length === 4 ? shape[3] : Infinity) : shape.length >= 3 ? shape.slice(1, -2).reduce((a, b) => a * b, 1) : Infinity;
    return perEntry === Infinity || perEntry === 0 ? shape[0] : Math.ceil(planes / perEntry);
  };
}

/**
 * Reads one array from .npy, .npz or .h5; unreadable or ambiguous input is a UsageError. With
 * `leading`, a .npy file is read only as far as it says (the other formats are read whole).
 */
async function readArray(file: string, name: string | undefined, leading?: (shape: readonly number[]) => number): Promise<NpyArray> {
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
      return await readNpyLeading(file, leading);
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

// float64 and integer data become float32; --channels-last moves [N, H, W, C] to [N, C, H, W].
function toPlanes(array: NpyArray, channelsLast: boolean): Planes {
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
