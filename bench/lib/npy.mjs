// Minimal .npy (format 1.0) reader and writer for the typed arrays the benchmarks exchange with
// NumPy: little-endian float32, float64, uint8, int32 and int64, C order.
import { readFileSync, writeFileSync } from 'node:fs';

const DESCR = new Map([
  [Float32Array, '<f4'],
  [Float64Array, '<f8'],
  [Uint8Array, '|u1'],
  [Int32Array, '<i4'],
  [BigInt64Array, '<i8'],
]);
const TYPE = new Map([...DESCR].map(([type, descr]) => [descr, type]));

export function writeNpy(file, data, shape) {
  const descr = DESCR.get(data.constructor);
  if (!descr) throw new Error(`writeNpy: unsupported array ${data.constructor.name}`);
  const dims = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${dims}, }`;
  // Magic (6) + version (2) + length (2) + header, padded with spaces to a multiple of 64, ending in \n.
  const padded = Math.ceil((10 + header.length + 1) / 64) * 64;
  header = header.padEnd(padded - 10 - 1, ' ') + '\n';
  const prefix = new Uint8Array(10);
  prefix.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  new DataView(prefix.buffer).setUint16(8, header.length, true);
  writeFileSync(file, Buffer.concat([prefix, Buffer.from(header, 'latin1'), Buffer.from(data.buffer, data.byteOffset, data.byteLength)]));
}

export function readNpy(file) {
  const bytes = readFileSync(file);
  if (bytes[0] !== 0x93 || bytes.toString('latin1', 1, 6) !== 'NUMPY') throw new Error(`${file}: not a .npy file`);
  const major = bytes[6];
  const headerLength = major === 1 ? bytes.readUInt16LE(8) : bytes.readUInt32LE(8);
  const start = major === 1 ? 10 : 12;
  const header = bytes.toString('latin1', start, start + headerLength);
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const shape = (/'shape':\s*\(([^)]*)\)/.exec(header)?.[1] ?? '').split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  if (/'fortran_order':\s*True/.test(header)) throw new Error(`${file}: Fortran order is not supported`);
  const Type = TYPE.get(descr);
  if (!Type) throw new Error(`${file}: unsupported dtype ${descr}`);
  const body = bytes.subarray(start + headerLength);
  const copy = new Uint8Array(body.length);
  copy.set(body);
  return { data: new Type(copy.buffer, 0, body.length / Type.BYTES_PER_ELEMENT), shape };
}
