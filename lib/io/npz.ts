// NumPy's .npz: a zip archive of .npy files, one per named array. Written stored (uncompressed,
// like np.savez) with ZIP64 records when a size or offset needs them; read stored or deflated
// (np.savez_compressed) archives.
import { crc32, inflateRawSync } from 'node:zlib';
import { describe, rangeError, typeError } from '../errors';
import { formatShape } from '../validate';
import { AtomicFile } from './atomic';
import { NpzFile } from './npz-file';
import { CENTRAL, checkDirectory, dataStart, END, END64, findEnd, LOCAL, LOCATOR64, MAX32, parseDirectory, readEnd64, refuse, type ZipMember } from './zip-directory';
import { chunkElements, encodeNpy, npyHeader, npyItemSize, npyDtypeOf, parseNpy, writeWhole, NPY_DTYPES, type NpyArray, type NpyData, type NpyDtype, type NpyInput } from './npy';

// 1980-01-01 00:00, the zip epoch: the same arrays always give the same bytes.
const DOS_TIME = 0;
const DOS_DATE = (0 << 9) | (1 << 5) | 1;

export interface NpzWriterOptions {
  /** Write ZIP64 records for every entry even when small (as np.savez does). Default false. @example { zip64: true } */
  zip64?: boolean;
}

interface Entry {
  name: Uint8Array;
  offset: number;
  size: number;
  crc: number;
  zip64: boolean;
}

const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);

function checkName(name: unknown): string {
  if (typeof name !== 'string' || name.length === 0 || name.includes('/') || name.includes('\0')) {
    throw typeError('a non-empty array name without "/"', 'name', name);
  }
  return name;
}

function localHeader(entry: Entry): Uint8Array {
  const extra = entry.zip64 ? 20 : 0;
  const out = new Uint8Array(30 + entry.name.byteLength + extra);
  const v = new DataView(out.buffer);
  v.setUint32(0, LOCAL, true);
  v.setUint16(4, entry.zip64 ? 45 : 20, true);
  v.setUint16(6, 0x0800, true); // UTF-8 names
  v.setUint16(8, 0, true); // stored
  v.setUint16(10, DOS_TIME, true);
  v.setUint16(12, DOS_DATE, true);
  v.setUint32(14, entry.crc, true);
  v.setUint32(18, entry.zip64 ? MAX32 : entry.size, true);
  v.setUint32(22, entry.zip64 ? MAX32 : entry.size, true);
  v.setUint16(26, entry.name.byteLength, true);
  v.setUint16(28, extra, true);
  out.set(entry.name, 30);
  if (entry.zip64) {
    const at = 30 + entry.name.byteLength;
    v.setUint16(at, 1, true);
    v.setUint16(at + 2, 16, true);
    v.setBigUint64(at + 4, BigInt(entry.size), true);
    v.setBigUint64(at + 12, BigInt(entry.size), true);
  }
  return out;
}

function centralHeader(entry: Entry, force: boolean): Uint8Array {
  const bigSize = entry.zip64 || entry.size >= MAX32;
  const bigOffset = force || entry.offset >= MAX32;
  const extra = bigSize || bigOffset ? 4 + (bigSize ? 16 : 0) + (bigOffset ? 8 : 0) : 0;
  const out = new Uint8Array(46 + entry.name.byteLength + extra);
  const v = new DataView(out.buffer);
  v.setUint32(0, CENTRAL, true);
  v.setUint16(4, (3 << 8) | 45, true); // made by Unix, spec 4.5
  v.setUint16(6, extra ? 45 : 20, true);
  v.setUint16(8, 0x0800, true);
  v.setUint16(10, 0, true);
  v.setUint16(12, DOS_TIME, true);
  v.setUint16(14, DOS_DATE, true);
  v.setUint32(16, entry.crc, true);
  v.setUint32(20, bigSize ? MAX32 : entry.size, true);
  v.setUint32(24, bigSize ? MAX32 : entry.size, true);
  v.setUint16(28, entry.name.byteLength, true);
  v.setUint16(30, extra, true);
  v.setUint16(32, 0, true);
  v.setUint16(34, 0, true);
  v.setUint16(36, 0, true);
  v.setUint32(38, (0o100644 << 16) >>> 0, true);
  v.setUint32(42, bigOffset ? MAX32 : entry.offset, true);
  out.set(entry.name, 46);
  if (extra) {
    let at = 46 + entry.name.byteLength;
    v.setUint16(at, 1, true);
    v.setUint16(at + 2, extra - 4, true);
    at += 4;
    if (bigSize) {
      v.setBigUint64(at, BigInt(entry.size), true);
      v.setBigUint64(at + 8, BigInt(entry.size), true);
      at += 16;
    }
    if (bigOffset) v.setBigUint64(at, BigInt(entry.offset), true);
  }
  return out;
}

function endRecords(count: number, cdOffset: number, cdSize: number, force: boolean): Uint8Array {
  const big = force || count >= 0xffff || cdOffset >= MAX32 || cdSize >= MAX32;
  const out = new Uint8Array((big ? 56 + 20 : 0) + 22);
  const v = new DataView(out.buffer);
  let at = 0;
  if (big) {
    v.setUint32(0, END64, true);
    v.setBigUint64(4, 44n, true);
    v.setUint16(12, 45, true);
    v.setUint16(14, 45, true);
    v.setUint32(16, 0, true);
    v.setUint32(20, 0, true);
    v.setBigUint64(24, BigInt(count), true);
    v.setBigUint64(32, BigInt(count), true);
    v.setBigUint64(40, BigInt(cdSize), true);
    v.setBigUint64(48, BigInt(cdOffset), true);
    v.setUint32(56, LOCATOR64, true);
    v.setUint32(60, 0, true);
    v.setBigUint64(64, BigInt(cdOffset + cdSize), true);
    v.setUint32(72, 1, true);
    at = 76;
  }
  v.setUint32(at, END, true);
  v.setUint16(at + 8, big ? 0xffff : count, true);
  v.setUint16(at + 10, big ? 0xffff : count, true);
  v.setUint32(at + 12, big ? MAX32 : cdSize, true);
  v.setUint32(at + 16, big ? MAX32 : cdOffset, true);
  return out;
}

/** One array being streamed into an {@link NpzWriter}. */
export interface NpzEntryWriter {
  /** Appends rows of the entry's dtype: `{ data, shape: [k, ...rest] }`, or bare elements in C order. */
  write(chunk: NpyData | NpyInput): Promise<void>;
  /** Ends the entry; throws when fewer elements than its shape holds were written. */
  end(): Promise<void>;
}

/**
 * Writes a .npz archive array by array, each streamed in chunks, through a temporary file renamed
 * into place by {@link close}. `np.load(file)[name]` gives each array back.
 * @example
 * const npz = await NpzWriter.open('set.npz');
 * await npz.add('locations', { data: xy, shape: [n, 2] });
 * const e = await npz.begin('images', { dtype: '|u1', shape: [n, 64, 64] });
 * await e.write(batch); await e.end();
 * await npz.close();
 */
export class NpzWriter {
  private readonly entries: Entry[] = [];
  private readonly names = new Set<string>();
  private active = false;

  private constructor(
    private readonly file: AtomicFile,
    private readonly force: boolean,
  ) {}

  static async open(file: string, options?: NpzWriterOptions): Promise<NpzWriter> {
    const zip64 = options?.zip64 ?? false;
    if (typeof zip64 !== 'boolean') throw typeError('a boolean', 'options.zip64', zip64);
    return new NpzWriter(await AtomicFile.open(file), zip64);
  }

  /** Starts the array `name` (stored as `name.npy`); write its elements, then call `end()`. */
  async begin(name: string, spec: { dtype: NpyDtype; shape: readonly number[] }): Promise<NpzEntryWriter> {
    checkName(name);
    if (this.active) throw new Error('Finish the previous array with end() before begin()');
    if (this.names.has(name)) throw rangeError('a name not yet in the archive', 'name', describe(name));
    if (!(NPY_DTYPES as string[]).includes(spec?.dtype)) throw typeError(`one of ${NPY_DTYPES.join(', ')}`, 'spec.dtype', spec?.dtype);
    const count = spec.shape.reduce((a, b) => a * b, 1);
    if (!Number.isSafeInteger(count) || !spec.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      throw rangeError('non-negative integer dimensions', 'spec.shape', formatShape(spec.shape));
    }
    const header = npyHeader(spec.dtype, spec.shape);
    const size = header.byteLength + count * npyItemSize(spec.dtype);
    const entry: Entry = {
      name: ascii(`${name}.npy`),
      offset: this.file.position,
      size,
      crc: 0,
      zip64: this.force || size >= MAX32,
    };
    this.names.add(name);
    this.active = true;
    const local = localHeader(entry);
    await this.file.write(local);
    await this.file.write(header);
    entry.crc = crc32(header);
    const dataStart = this.file.position;
    const expectedBytes = size - header.byteLength;
    const file = this.file;
    const dtype = spec.dtype;
    return {
      write: async (chunk: NpyData | NpyInput) => {
        const data = chunkElements(chunk, spec.shape);
        if (npyDtypeOf(data) !== (dtype === '|b1' ? '|u1' : dtype)) {
          throw typeError(`a typed array of dtype '${dtype}'`, 'chunk.data', data);
        }
        const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
        if (file.position - dataStart + bytes.byteLength > expectedBytes) {
          throw rangeError(`at most ${expectedBytes - (file.position - dataStart)} more bytes for ${name}`, 'chunk.data', String(bytes.byteLength));
        }
        // zlib.crc32 returns 0 for an empty view of an empty buffer (Node 20): skip empty chunks.
        if (bytes.byteLength > 0) entry.crc = crc32(bytes, entry.crc);
        await file.write(bytes);
      },
      end: async () => {
        const written = file.position - dataStart;
        if (written !== expectedBytes) {
          throw rangeError(`${expectedBytes} data bytes for ${name}`, 'the written data', String(written));
        }
        const patch = new Uint8Array(4);
        new DataView(patch.buffer).setUint32(0, entry.crc >>> 0, true);
        await file.writeAt(patch, entry.offset + 14);
        this.entries.push(entry);
        this.active = false;
      },
    };
  }

  /** Adds a whole in-memory array. */
  add(name: string, array: NpyInput): Promise<void> {
    return writeWhole(this, name, array);
  }

  /** Writes the central directory and renames the archive into place. */
  async close(): Promise<void> {
    if (this.active) {
      await this.abort();
      throw new Error('An array was begun but not ended; the archive was discarded');
    }
    try {
      const cdOffset = this.file.position;
      for (const entry of this.entries) await this.file.write(centralHeader(entry, this.force));
      const cdSize = this.file.position - cdOffset;
      await this.file.write(endRecords(this.entries.length, cdOffset, cdSize, this.force));
    } catch (error) {
      await this.abort();
      throw error;
    }
    await this.file.commit();
  }

  /** Discards the temporary file. */
  async abort(): Promise<void> {
    await this.file.abort();
  }
}

/**
 * Writes several arrays to one .npz (stored, like np.savez).
 * @example await writeNpz('set.npz', { images: { data, shape: [n, 64, 64] }, xy: { data: xy, shape: [n, 2] } });
 */
export async function writeNpz(file: string, arrays: Record<string, NpyInput>, options?: NpzWriterOptions): Promise<void> {
  if (typeof arrays !== 'object' || arrays === null) throw typeError('an object of named arrays', 'arrays', arrays);
  const npz = await NpzWriter.open(file, options);
  try {
    for (const [name, array] of Object.entries(arrays)) await npz.add(name, array);
  } catch (error) {
    await npz.abort();
    throw error;
  }
  await npz.close();
}

/**
 * Parses a .npz held in memory: every `name.npy` entry, stored or deflated, CRC-checked.
 * @example const { images, xy } = parseNpz(readFileSync('set.npz'));
 */
export function parseNpz(bytes: Uint8Array, name = 'the .npz file'): Record<string, NpyArray> {
  const bad = refuse(name);
  const size = bytes.byteLength;
  let end = findEnd(bytes, size, bad);
  if (end.end64At !== undefined) end = readEnd64(bytes.subarray(end.end64At, end.end64At + 56), bad);
  checkDirectory(end, size, bad);
  const out: Record<string, NpyArray> = {};
  for (const member of parseDirectory(bytes.subarray(end.cdOffset, end.cdOffset + end.cdSize), end, size, bad)) {
    // Other members (a zip may hold anything) are not arrays: skipped, as readNpz skips them.
    if (!member.name.endsWith('.npy')) continue;
    const start = dataStart(member, bytes.subarray(member.offset, member.offset + 30), size, bad);
    const raw = bytes.subarray(start, start + member.compressed);
    let content: Uint8Array;
    if (member.method === 0) content = raw;
    else if (member.method === 8) {
      try {
        content = inflateRawSync(raw);
      } catch (error) {
        content = bad(`a valid deflate stream for ${member.name}`, (error as Error).message);
      }
    } else throw unsupported(member, name);
    if (content.byteLength !== member.size) bad(`${member.size} bytes of ${member.name}`, String(content.byteLength));
    if (crc32(content) >>> 0 !== member.crc) bad(`a matching CRC-32 for ${member.name}`, 'a mismatch (corrupt data)');
    out[member.name.slice(0, -4)] = parseNpy(content, `${name}:${member.name}`);
  }
  return out;
}

const unsupported = (member: ZipMember, name: string): RangeError => rangeError('stored or deflated entries', name, `compression method ${member.method} for ${member.name}`);

/**
 * Reads the arrays of a .npz file (all, or those in `names`), of any size: only the archive's tail
 * and central directory are read whole; each array is read straight into its own buffer, in place
 * for stored members, through a streaming inflate for deflated ones, and CRC-checked.
 * @example const { images } = await readNpz('set.npz');
 */
export async function readNpz(file: string, names?: readonly string[]): Promise<Record<string, NpyArray>> {
  const archive = await NpzFile.open(file);
  try {
    const out: Record<string, NpyArray> = {};
    for (const key of archive.names) if (!names || names.includes(key)) out[key] = await archive.read(key);
    return out;
  } finally {
    await archive.close();
  }
}

/**
 * Encodes several arrays as one .npz held in memory (stored, like np.savez; ZIP64 records only
 * when a size or offset needs them), for answers that never touch a file: the HTTP decoder's.
 * @example const bytes = encodeNpz({ coords: { data: xy, shape: [n, 2] } }); // np.load(io.BytesIO(bytes))
 */
export function encodeNpz(arrays: Record<string, NpyInput>): Uint8Array {
  if (typeof arrays !== 'object' || arrays === null) throw typeError('an object of named arrays', 'arrays', arrays);
  const parts: Uint8Array[] = [];
  const entries: Entry[] = [];
  let position = 0;
  const push = (bytes: Uint8Array) => {
    parts.push(bytes);
    position += bytes.byteLength;
  };
  for (const [name, array] of Object.entries(arrays)) {
    checkName(name);
    const npy = encodeNpy(array);
    const entry: Entry = { name: ascii(`${name}.npy`), offset: position, size: npy.byteLength, crc: npy.byteLength > 0 ? crc32(npy) >>> 0 : 0, zip64: npy.byteLength >= MAX32 };
    entries.push(entry);
    push(localHeader(entry));
    push(npy);
  }
  const cdOffset = position;
  for (const entry of entries) push(centralHeader(entry, false));
  push(endRecords(entries.length, cdOffset, position - cdOffset, false));
  const out = new Uint8Array(position);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.byteLength;
  }
  return out;
}
