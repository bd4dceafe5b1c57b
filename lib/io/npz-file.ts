// A .npz file read in bounded memory, whatever its size: the tail and the central directory are
// read to list the members; a member's array is read straight into its own buffer, in place by
// offset when stored (np.savez, NpzWriter), through a streaming inflate when deflated
// (np.savez_compressed): the array plus a window of a few MiB, never the whole file.
import { promises as fs } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { pipeline, Readable, type Transform } from 'node:stream';
import { createInflateRaw, crc32 } from 'node:zlib';
import { rangeError } from '../errors';
import { readNpyFrom, type NpyArray } from './npy';
import { checkDirectory, dataStart, findEnd, parseDirectory, readEnd64, refuse, TAIL_BYTES, type ZipMember } from './zip-directory';

// Pieces read from the file, and inflated, at a time.
const PIECE = 1 << 20;
// An inflated member's first bytes are kept: the .npy reads go back to the header once.
const KEEP = 1 << 20;
// A central directory entry is about 100 bytes; this allows millions of members.
const MAX_DIRECTORY = 1 << 28;

/** The bytes at `position` (fewer at the end of the file). */
async function readAt(handle: FileHandle, position: number, length: number): Promise<Uint8Array> {
  const out = new Uint8Array(length);
  let done = 0;
  while (done < length) {
    const { bytesRead } = await handle.read(out, done, length - done, position + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return out.subarray(0, done);
}

/** The compressed bytes of a member, in pieces. */
async function* fileBytes(handle: FileHandle, start: number, length: number): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < length; at += PIECE) {
    const piece = await readAt(handle, start + at, Math.min(PIECE, length - at));
    if (piece.byteLength === 0) return;
    yield piece;
  }
}

/** An open .npz file: its array names, each array read on demand. */
export class NpzFile {
  private constructor(
    private readonly handle: FileHandle,
    private readonly file: string,
    private readonly size: number,
    private readonly members: Map<string, ZipMember>,
  ) {}

  /** Opens a .npz file and reads its central directory; malformed archives are RangeErrors naming the file. */
  static async open(file: string): Promise<NpzFile> {
    const handle = await fs.open(file, 'r');
    try {
      const size = (await handle.stat()).size;
      const bad = refuse(file);
      const tailLength = Math.min(size, TAIL_BYTES);
      let end = findEnd(await readAt(handle, size - tailLength, tailLength), size, bad);
      if (end.end64At !== undefined) end = readEnd64(await readAt(handle, end.end64At, 56), bad);
      checkDirectory(end, size, bad);
      if (end.cdSize > MAX_DIRECTORY) bad(`a central directory of at most ${MAX_DIRECTORY} bytes`, String(end.cdSize));
      const members = new Map<string, ZipMember>();
      for (const member of parseDirectory(await readAt(handle, end.cdOffset, end.cdSize), end, size, bad)) {
        if (member.name.endsWith('.npy')) members.set(member.name.slice(0, -4), member);
      }
      return new NpzFile(handle, file, size, members);
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  /** The arrays the archive holds (its `name.npy` members), in directory order. */
  get names(): string[] {
    return [...this.members.keys()];
  }

  /**
   * Reads one array; with `leading`, given the array's shape, only that many entries of its first
   * axis (a preview: the CRC is then not checked, as the member is not read to its end).
   */
  async read(name: string, leading?: (shape: readonly number[]) => number): Promise<NpyArray> {
    const member = this.members.get(name);
    if (!member) throw rangeError(`one of the archive's arrays (${this.names.join(', ') || 'none'})`, 'name', JSON.stringify(name));
    const bad = refuse(this.file);
    const start = dataStart(member, await readAt(this.handle, member.offset, 30), this.size, bad);
    const label = `${this.file}:${member.name}`;
    if (member.method === 0) {
      // A stored member's bytes are its content: sizes that differ are a broken directory (as parseNpz says).
      if (member.compressed !== member.size) bad(`${member.size} bytes of ${member.name}`, String(member.compressed));
      // The CRC runs over the member's bytes in order: the header read (from 0) and then the data.
      let crc = 0;
      let covered = 0;
      const read = async (target: Uint8Array, position: number): Promise<number> => {
        const n = (await this.handle.read(target, 0, target.byteLength, start + position)).bytesRead;
        if (position === 0) crc = covered = 0;
        if (position === covered && n > 0) {
          crc = crc32(target.subarray(0, n), crc);
          covered += n;
        }
        return n;
      };
      const array = await readNpyFrom(read, member.size, label, leading);
      if (covered === member.size && crc >>> 0 !== member.crc) bad(`a matching CRC-32 for ${member.name}`, 'a mismatch (corrupt data)');
      return array;
    }
    if (member.method !== 8) throw rangeError('stored or deflated entries', this.file, `compression method ${member.method} for ${member.name}`);
    const inflated = new InflatedMember(fileBytes(this.handle, start, member.compressed), member, bad);
    try {
      const array = await readNpyFrom((target, position) => inflated.read(target, position), member.size, label, leading);
      await inflated.finish(leading !== undefined);
      return array;
    } finally {
      inflated.destroy();
    }
  }

  async close(): Promise<void> {
    await this.handle.close();
  }
}

/**
 * A deflated member as a sequential source of its inflated bytes: reads move forward through the
 * stream; the first KEEP bytes stay for the header, which the .npy reads take twice.
 */
class InflatedMember {
  private readonly stream: Transform;
  private readonly chunks: AsyncIterator<Buffer>;
  private kept: Uint8Array = new Uint8Array(0);
  private pending: Uint8Array = new Uint8Array(0);
  private pendingStart = 0;
  private total = 0;
  private crc = 0;

  constructor(
    source: AsyncGenerator<Uint8Array>,
    private readonly member: ZipMember,
    private readonly bad: (what: string, received: string) => never,
  ) {
    const inflate = createInflateRaw({ chunkSize: PIECE });
    // pipeline: a failed file read ends the inflate stream too (and a destroyed inflate the reads).
    this.stream = pipeline(Readable.from(source, { highWaterMark: 2 }), inflate, () => {});
    this.chunks = inflate[Symbol.asyncIterator]();
  }

  /** The next inflated chunk, or false at the end of the stream (which must be the member's size). */
  private async pull(): Promise<boolean> {
    let step: IteratorResult<Buffer>;
    try {
      step = await this.chunks.next();
    } catch (error) {
      // zlib's errors carry codes Z_DATA_ERROR, Z_BUF_ERROR, ...; a file's (EIO, ...) pass as they are.
      if (!String((error as NodeJS.ErrnoException).code).startsWith('Z_')) throw error;
      return this.bad(`a valid deflate stream for ${this.member.name}`, (error as Error).message);
    }
    if (step.done) {
      if (this.total !== this.member.size) this.bad(`${this.member.size} bytes of ${this.member.name}`, String(this.total));
      return false;
    }
    const chunk = step.value;
    this.pendingStart = this.total;
    this.pending = chunk;
    this.total += chunk.byteLength;
    if (this.total > this.member.size) this.bad(`${this.member.size} bytes of ${this.member.name}`, `more (${this.total} so far)`);
    if (chunk.byteLength > 0) this.crc = crc32(chunk, this.crc);
    if (this.pendingStart < KEEP) {
      const kept = new Uint8Array(this.kept.byteLength + Math.min(chunk.byteLength, KEEP - this.pendingStart));
      kept.set(this.kept);
      kept.set(chunk.subarray(0, kept.byteLength - this.kept.byteLength), this.kept.byteLength);
      this.kept = kept;
    }
    return true;
  }

  async read(target: Uint8Array, position: number): Promise<number> {
    let n = 0;
    while (n < target.byteLength) {
      const at = position + n;
      const pendingEnd = this.pendingStart + this.pending.byteLength;
      let from: Uint8Array | undefined;
      if (at < this.kept.byteLength) from = this.kept.subarray(at);
      else if (at >= this.pendingStart && at < pendingEnd) from = this.pending.subarray(at - this.pendingStart);
      else if (at < pendingEnd) throw new Error(`Inflated bytes at ${at} of ${this.member.name} were read once and dropped`);
      if (from) {
        const k = Math.min(from.byteLength, target.byteLength - n);
        target.set(from.subarray(0, k), n);
        n += k;
      } else if (!(await this.pull())) break;
    }
    return n;
  }

  /** After a whole read: the stream must end here, and the CRC match. A preview only stops. */
  async finish(partial: boolean): Promise<void> {
    if (partial && this.total < this.member.size) return;
    while (await this.pull());
    if (this.crc >>> 0 !== this.member.crc) this.bad(`a matching CRC-32 for ${this.member.name}`, 'a mismatch (corrupt data)');
  }

  destroy(): void {
    this.stream.destroy();
  }
}
