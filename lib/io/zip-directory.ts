// A zip archive's end records and central directory, parsed from bytes wherever they were read:
// the whole archive in memory (parseNpz) or only its tail and directory (readNpz on a file of any
// size). ZIP64 records are read where a size, an offset or the count needs them.
import { rangeError } from '../errors';

export const LOCAL = 0x04034b50;
export const CENTRAL = 0x02014b50;
export const END = 0x06054b50;
export const END64 = 0x06064b50;
export const LOCATOR64 = 0x07064b50;
export const MAX32 = 0xffffffff;
/** The end record and its comment can take this many bytes at the end of an archive (plus the ZIP64 locator). */
export const TAIL_BYTES = 22 + 65535 + 20;

/** Where the central directory is, as the end records say. */
export interface ZipEnd {
  count: number;
  cdOffset: number;
  cdSize: number;
  /** Where the ZIP64 end record lies, when the plain end record defers to it. */
  end64At?: number;
}

/** One central directory entry: where a member's local header is and how its data is stored. */
export interface ZipMember {
  name: string;
  method: number;
  crc: number;
  compressed: number;
  size: number;
  offset: number;
}

type Bad = (what: string, received: string) => never;

export const refuse =
  (name: string): Bad =>
  (what, received) => {
    throw rangeError(what, name, received);
  };

const view = (bytes: Uint8Array): DataView => new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/** Finds the end record in `tail`, the last bytes of an archive of `size` bytes. */
export function findEnd(tail: Uint8Array, size: number, bad: Bad): ZipEnd {
  const v = view(tail);
  let end = -1;
  for (let i = tail.byteLength - 22; i >= Math.max(0, tail.byteLength - 22 - 65535); i--) {
    if (v.getUint32(i, true) === END) {
      end = i;
      break;
    }
  }
  if (end < 0) bad('a zip archive (end of central directory record)', `${size} bytes without one`);
  const found: ZipEnd = { count: v.getUint16(end + 10, true), cdSize: v.getUint32(end + 12, true), cdOffset: v.getUint32(end + 16, true) };
  if ((found.count === 0xffff || found.cdSize === MAX32 || found.cdOffset === MAX32) && end >= 20 && v.getUint32(end - 20, true) === LOCATOR64) {
    const at = Number(v.getBigUint64(end - 12, true));
    if (at + 56 > size) bad('a ZIP64 end record', 'a bad offset');
    found.end64At = at;
  }
  return found;
}

/** Reads the 56-byte ZIP64 end record (at ZipEnd.end64At). */
export function readEnd64(record: Uint8Array, bad: Bad): ZipEnd {
  const v = view(record);
  if (record.byteLength < 56 || v.getUint32(0, true) !== END64) bad('a ZIP64 end record', 'a bad offset');
  return { count: Number(v.getBigUint64(32, true)), cdSize: Number(v.getBigUint64(40, true)), cdOffset: Number(v.getBigUint64(48, true)) };
}

/** Checks the central directory lies inside an archive of `size` bytes. */
export function checkDirectory(found: ZipEnd, size: number, bad: Bad): ZipEnd {
  const { cdOffset, cdSize } = found;
  if (cdOffset + cdSize > size) bad('a central directory inside the file', `offset ${cdOffset} + ${cdSize} of ${size} bytes (truncated)`);
  return found;
}

/** Parses `count` central directory entries from `cd` (the bytes from `cdOffset` on) of an archive of `size` bytes. */
export function parseDirectory(cd: Uint8Array, { count, cdOffset }: ZipEnd, size: number, bad: Bad): ZipMember[] {
  const v = view(cd);
  const members: ZipMember[] = [];
  let at = 0;
  for (let k = 0; k < count; k++) {
    if (at + 46 > cd.byteLength || v.getUint32(at, true) !== CENTRAL) bad('a central directory entry', `other bytes at ${cdOffset + at}`);
    const method = v.getUint16(at + 10, true);
    const crc = v.getUint32(at + 16, true);
    let compressed = v.getUint32(at + 20, true);
    let length = v.getUint32(at + 24, true);
    const nameLength = v.getUint16(at + 28, true);
    const extraLength = v.getUint16(at + 30, true);
    const commentLength = v.getUint16(at + 32, true);
    let offset = v.getUint32(at + 42, true);
    if (at + 46 + nameLength + extraLength + commentLength > cd.byteLength) {
      bad('a central directory entry inside the file', `name, extra and comment lengths ${nameLength}, ${extraLength}, ${commentLength} at ${cdOffset + at} of ${size} bytes`);
    }
    const name = new TextDecoder().decode(cd.subarray(at + 46, at + 46 + nameLength));
    // ZIP64 extra: the fields that read 0xffffffff, in order.
    let x = at + 46 + nameLength;
    const xEnd = x + extraLength;
    while (x + 4 <= xEnd) {
      const id = v.getUint16(x, true);
      const len = v.getUint16(x + 2, true);
      if (x + 4 + len > xEnd) bad('extra fields inside their central directory entry', `a field of ${len} bytes at ${cdOffset + x}`);
      if (id === 1) {
        let p = x + 4;
        const need = (length === MAX32 ? 8 : 0) + (compressed === MAX32 ? 8 : 0) + (offset === MAX32 ? 8 : 0);
        if (need > len) bad('a ZIP64 extra field holding every 0xffffffff size and offset', `${len} bytes`);
        if (length === MAX32) {
          length = Number(v.getBigUint64(p, true));
          p += 8;
        }
        if (compressed === MAX32) {
          compressed = Number(v.getBigUint64(p, true));
          p += 8;
        }
        if (offset === MAX32) offset = Number(v.getBigUint64(p, true));
      }
      x += 4 + len;
    }
    at = xEnd + commentLength;
    members.push({ name, method, crc, compressed, size: length, offset });
  }
  return members;
}

/** Where a member's data starts, from the first 30 bytes of its local header; checks it fits the archive. */
export function dataStart(member: ZipMember, local: Uint8Array, size: number, bad: Bad): number {
  const v = view(local);
  if (local.byteLength < 30 || v.getUint32(0, true) !== LOCAL) bad(`a local header for ${member.name}`, `other bytes at ${member.offset}`);
  const start = member.offset + 30 + v.getUint16(26, true) + v.getUint16(28, true);
  if (start + member.compressed > size) bad(`${member.compressed} bytes of ${member.name}`, `${size - start} (truncated)`);
  return start;
}
