// The input side of decode and preview: one FILE of planes (.npy, .npz or .h5) and its --array,
// --layout and --channels-last flags, read after --out has been checked, so a bad command line fails
// before any file is opened.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { H5File } from '../io/h5';
import { readNpyLeading, type NpyArray } from '../io/npy';
import { NpzFile } from '../io/npz-file';
import type { Layout } from '../validate';
import { fail, UsageError } from './flags';

/** The flags of the commands that read planes from a FILE. */
export const INPUT_FLAGS = { array: { type: 'string' }, layout: { type: 'string' }, 'channels-last': { type: 'boolean' } } as const;

/** Planes as Float32Array or Uint8Array, shaped as `layout` says. */
export interface Planes {
  data: Float32Array | Uint8Array;
  shape: number[];
  layout: Layout;
  /** Why the layout is what it is, when the file's names said so rather than a flag. */
  because?: string;
}

type InputValues = { out?: string; array?: string; layout?: string; 'channels-last'?: boolean };

// Not-so-CLEVR's image fields (generate --preset not-so-clevr, and the paper's own files) are
// channels-last: [N, 64, 64, 1] or [N, 64, 64, 3], read as planes they would be 64 x 1 strips.
const NOT_SO_CLEVR_IMAGE = /^(?:(?:train|val)_)?(?:image|imagegray|onehots)$/;
function knownLayout(name: string | undefined, shape: readonly number[]): string | undefined {
  if (name === undefined || !NOT_SO_CLEVR_IMAGE.test(name)) return undefined;
  const [, h, w, c] = shape;
  if (shape.length !== 4 || h !== 64 || w !== 64 || (c !== 1 && c !== 3)) return undefined;
  return `"${name}" is a Not-so-CLEVR image field, channels-last`;
}

// --layout, or --channels-last (its shorthand for nhwc); undefined when neither is given.
function flagLayout(values: InputValues): Layout | undefined {
  const named = values.layout;
  if (named !== undefined && named !== 'nchw' && named !== 'nhwc') fail(`--layout must be nchw or nhwc, got "${named}"`);
  if (values['channels-last'] && named === 'nchw') fail('--channels-last contradicts --layout nchw');
  return values['channels-last'] ? 'nhwc' : (named as Layout | undefined);
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
  values: InputValues,
  stem: string,
  outputs: readonly string[],
  planesWanted?: number,
): Promise<{ out: string; ext: string; planes: Planes }> {
  if (positionals.length !== 1) fail(`${command} needs exactly one input FILE`);
  if (!values.out) fail(`${command} needs --out ${outputs.map((ext) => `${stem}${ext}`).join('|')}`);
  const ext = path.extname(values.out).toLowerCase();
  if (!outputs.includes(ext)) fail(`--out must end in ${oneOf(outputs)}, got "${values.out}"`);
  const given = flagLayout(values);
  const leading = planesWanted === undefined ? undefined : leadingFor(planesWanted, given === 'nhwc');
  const { array, name } = await readArray(positionals[0], values.array, leading);
  const because = given === undefined ? knownLayout(name, array.shape) : undefined;
  const planes = toPlanes(array, given ?? (because ? 'nhwc' : 'nchw'));
  return { out: values.out, ext, planes: because ? { ...planes, because } : planes };
}

// How many entries of an array's first axis hold its first `planes` planes.
function leadingFor(planes: number, channelsLast: boolean): (shape: readonly number[]) => number {
  return (shape) => {
    const perEntry = channelsLast ? (shape.length === 4 ? shape[3] : Infinity) : shape.length >= 3 ? shape.slice(1, -2).reduce((a, b) => a * b, 1) : Infinity;
    return perEntry === Infinity || perEntry === 0 ? shape[0] : Math.ceil(planes / perEntry);
  };
}

/**
 * Reads one array from .npy, .npz or .h5; unreadable or ambiguous input is a UsageError. Only the
 * array picked is read, and with `leading` only as far as it says (a preview of a large file).
 */
async function readArray(
  file: string,
  name: string | undefined,
  leading?: (shape: readonly number[]) => number,
): Promise<{ array: NpyArray; name?: string }> {
  try {
    await fs.access(file);
  } catch {
    fail(`cannot read ${file}`);
  }
  const ext = path.extname(file).toLowerCase();
  let archive: { names: string[]; read(name: string, leading?: (shape: readonly number[]) => number): NpyArray | Promise<NpyArray>; close(): unknown };
  try {
    if (ext === '.npy') {
      if (name !== undefined) fail('--array applies to .npz and .h5 files only');
      return { array: await readNpyLeading(file, leading) };
    }
    if (ext === '.npz') archive = await NpzFile.open(file);
    else if (ext === '.h5' || ext === '.hdf5') archive = await H5File.open(file);
    else return fail(`${file}: expected a .npy, .npz or .h5 file`);
  } catch (error) {
    return rethrow(file, error);
  }
  try {
    const picked = pick(file, archive.names, name);
    return { array: await archive.read(picked, leading), name: picked };
  } catch (error) {
    return rethrow(file, error);
  } finally {
    await archive.close();
  }
}

// The readers' RangeErrors already name the file; anything else is said with it.
function rethrow(file: string, error: unknown): never {
  if (error instanceof UsageError || error instanceof RangeError || error instanceof TypeError) throw error;
  return fail(`${file}: ${error instanceof Error ? error.message : String(error)}`);
}

// The array --array names, the only one, or the first of the usual names.
function pick(file: string, keys: readonly string[], name: string | undefined): string {
  if (name !== undefined) {
    if (!keys.includes(name)) fail(`${file} has no array "${name}" (it has ${keys.join(', ') || 'none'})`);
    return name;
  }
  if (keys.length === 0) fail(`${file} holds no numeric arrays`);
  if (keys.length === 1) return keys[0];
  const preferred = ['onehots', 'images', 'train_onehots', 'heatmaps'].find((k) => keys.includes(k));
  if (preferred) return preferred;
  return fail(`${file} holds several arrays (${keys.join(', ')}): pick one with --array NAME`);
}

// float64 and integer data become float32; the shape is checked against the layout's ranks.
function toPlanes(array: NpyArray, layout: Layout): Planes {
  let data: Float32Array | Uint8Array;
  if (array.data instanceof Float32Array || (array.data instanceof Uint8Array && array.dtype !== '|b1')) data = array.data;
  else if (array.data instanceof BigInt64Array || array.data instanceof BigUint64Array) data = Float32Array.from(array.data as Iterable<bigint>, Number);
  else data = Float32Array.from(array.data as ArrayLike<number>);
  const shape = array.shape;
  if (layout === 'nhwc' && (shape.length < 3 || shape.length > 4)) {
    fail(`channels-last planes are [N, H, W, C] or [H, W, C], got shape [${shape.join(', ')}]`);
  }
  if (layout === 'nchw' && (shape.length < 2 || shape.length > 4)) {
    fail(`expected planes [H, W], [N, H, W] or [N, C, H, W], got shape [${shape.join(', ')}]`);
  }
  return { data, shape, layout };
}

/** Channels-last planes moved to [N, C, H, W] (preview draws planes), or the planes as they are. */
export function channelsFirst(planes: Planes): { data: Float32Array | Uint8Array; shape: number[] } {
  const { data, shape } = planes;
  if (planes.layout === 'nchw') return { data, shape };
  const [h, w, c] = shape.slice(-3);
  const n = shape.length === 4 ? shape[0] : 1;
  const moved = new (data.constructor as Float32ArrayConstructor | Uint8ArrayConstructor)(data.length);
  for (let i = 0; i < n; i++) {
    for (let p = 0; p < h * w; p++) for (let k = 0; k < c; k++) moved[(i * c + k) * h * w + p] = data[(i * h * w + p) * c + k];
  }
  return { data: moved, shape: shape.length === 4 ? [n, c, h, w] : [c, h, w] };
}
