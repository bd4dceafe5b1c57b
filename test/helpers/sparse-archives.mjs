// Archives past 4 GiB that cost no disk: .npz files built here byte by byte from the zip
// specification (PKWARE's APPNOTE 4.3.7, 4.3.12, 4.3.14-16, 4.5.3), not by the library's writer,
// with the data left as a hole (ftruncate) but for a few values written at known offsets.
import { closeSync, ftruncateSync, openSync, writeSync } from 'node:fs';
import { createDeflateRaw, crc32 } from 'node:zlib';
import { npyHeader } from 'coordconv';

const MAX32 = 0xffffffff;

// The CRC-32 of `length` bytes that are zero but for `marks` ([offset, bytes], in order).
function sparseCrc(length, marks) {
  const zeros = new Uint8Array(64 << 20);
  let crc = 0;
  let at = 0;
  const skip = (to) => {
    while (at < to) {
      const n = Math.min(zeros.length, to - at);
      crc = crc32(zeros.subarray(0, n), crc);
      at += n;
    }
  };
  for (const [offset, bytes] of marks) {
    skip(offset);
    crc = crc32(bytes, crc);
    at += bytes.length;
  }
  skip(length);
  return crc >>> 0;
}

const u16 = (v) => { const b = Buffer.alloc(2); b.writeUInt16LE(v); return b; };
const u32 = (v) => { const b = Buffer.alloc(4); b.writeUInt32LE(v >>> 0); return b; };
const u64 = (v) => { const b = Buffer.alloc(8); b.writeBigUInt64LE(BigInt(v)); return b; };

// Every member gets a ZIP64 extra with both sizes, and its offset there too when past 4 GiB.
function local(name, method, crc, compressed, size) {
  const n = Buffer.from(name);
  return Buffer.concat([u32(0x04034b50), u16(45), u16(0), u16(method), u16(0), u16(0x21), u32(crc), u32(MAX32), u32(MAX32), u16(n.length), u16(20), n, u16(1), u16(16), u64(size), u64(compressed)]);
}

function central(name, method, crc, compressed, size, offset) {
  const n = Buffer.from(name);
  const big = offset >= MAX32;
  const extra = Buffer.concat([u16(1), u16(big ? 24 : 16), u64(size), u64(compressed), ...(big ? [u64(offset)] : [])]);
  return Buffer.concat([
    u32(0x02014b50), u16(45), u16(45), u16(0), u16(method), u16(0), u16(0x21), u32(crc), u32(MAX32), u32(MAX32),
    u16(n.length), u16(extra.length), u16(0), u16(0), u16(0), u32(0), u32(big ? MAX32 : offset), n, extra,
  ]);
}

function ends(count, cdOffset, cdSize) {
  const end64 = cdOffset + cdSize;
  return Buffer.concat([
    u32(0x06064b50), u64(44), u16(45), u16(45), u32(0), u32(0), u64(count), u64(count), u64(cdSize), u64(cdOffset),
    u32(0x07064b50), u32(0), u64(end64), u32(1),
    u32(0x06054b50), u16(0), u16(0), u16(0xffff), u16(0xffff), u32(MAX32), u32(MAX32), u16(0),
  ]);
}

/**
 * Writes a .npz of stored members: `members` is [{ name, dtype, shape, itemSize, marks: [[index,
 * bytes]] }]; each array is zeros but for its marks. Members after a big one lie past 4 GiB.
 */
export function sparseStoredNpz(file, members) {
  const fd = openSync(file, 'w');
  let at = 0;
  const put = (bytes) => {
    writeSync(fd, bytes, 0, bytes.length, at);
    at += bytes.length;
  };
  const directory = [];
  for (const { name, dtype, shape, itemSize, marks } of members) {
    const header = npyHeader(dtype, shape);
    const dataBytes = shape.reduce((a, b) => a * b, 1) * itemSize;
    const size = header.length + dataBytes;
    const placed = marks.map(([index, bytes]) => [header.length + index * itemSize, bytes]);
    const crc = sparseCrc(size, [[0, header], ...placed]);
    const offset = at;
    put(local(`${name}.npy`, 0, crc, size, size));
    const dataStart = at;
    put(header);
    at = dataStart + size;
    ftruncateSync(fd, at);
    for (const [where, bytes] of placed) writeSync(fd, bytes, 0, bytes.length, dataStart + where);
    directory.push(central(`${name}.npy`, 0, crc, size, size, offset));
  }
  const cdOffset = at;
  const cd = Buffer.concat(directory);
  put(cd);
  put(ends(members.length, cdOffset, cd.length));
  closeSync(fd);
  return at;
}

/** Writes a .npz with one deflated member `name` (dtype, shape, zeros but for marks), deflated as a stream. */
export async function deflatedNpz(file, { name, dtype, shape, itemSize, marks }) {
  const header = npyHeader(dtype, shape);
  const dataBytes = shape.reduce((a, b) => a * b, 1) * itemSize;
  const size = header.length + dataBytes;
  const deflate = createDeflateRaw({ level: 1 });
  const parts = [];
  deflate.on('data', (b) => parts.push(b));
  const done = new Promise((resolve, reject) => deflate.on('end', resolve).on('error', reject));
  const zeros = new Uint8Array(64 << 20);
  const write = (bytes) => new Promise((resolve) => (deflate.write(bytes) ? resolve() : deflate.once('drain', resolve)));
  await write(header);
  let at = 0;
  const sorted = [...marks].map(([index, bytes]) => [index * itemSize, bytes]).sort((a, b) => a[0] - b[0]);
  for (const [offset, bytes] of [...sorted, [dataBytes, new Uint8Array(0)]]) {
    while (at < offset) {
      const n = Math.min(zeros.length, offset - at);
      await write(zeros.subarray(0, n));
      at += n;
    }
    if (bytes.length) await write(bytes);
    at += bytes.length;
  }
  deflate.end();
  await done;
  const compressed = Buffer.concat(parts);
  const crc = sparseCrc(size, [[0, header], ...sorted.map(([o, b]) => [header.length + o, b])]);
  const lh = local(`${name}.npy`, 8, crc, compressed.length, size);
  const cd = central(`${name}.npy`, 8, crc, compressed.length, size, 0);
  const fd = openSync(file, 'w');
  const body = Buffer.concat([lh, compressed]);
  writeSync(fd, body, 0, body.length, 0);
  const tail = Buffer.concat([cd, ends(1, body.length, cd.length)]);
  writeSync(fd, tail, 0, tail.length, body.length);
  closeSync(fd);
  return body.length + tail.length;
}
