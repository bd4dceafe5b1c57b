// The HTTP edges of the decode endpoint: turning a request body, its headers and its query string
// into the library's `{ data, shape }` and options, and a DecodeResult into a response body. No
// Fastify here, so the rules are plain functions.
import { STATUS_CODES } from 'node:http';

import type { PlaneData } from '../addon';
import type { ResultArrays } from '../decode-json';
import { describe, rangeError, typeError } from '../errors';
import { parseNpy, type NpyArray } from '../io/npy';
import { encodeNpz } from '../io/npz';
import type { PlaneTensor } from '../tensor';

/** An error that carries its HTTP status (and headers such as Retry-After) to the error handler. */
export interface HttpError extends Error {
  statusCode: number;
  headers?: Record<string, string>;
}

export function httpError(statusCode: number, message: string, headers?: Record<string, string>): HttpError {
  const error = new Error(message) as HttpError;
  error.name = STATUS_CODES[statusCode] ?? 'Error';
  error.statusCode = statusCode;
  if (headers) error.headers = headers;
  return error;
}

/** Marks the library's TypeError/RangeError (bad shape, dtype or option) as a 400; rethrows others as they are. */
export function asBadRequest(error: unknown): unknown {
  if ((error instanceof TypeError || error instanceof RangeError) && !('statusCode' in error)) {
    return Object.assign(error, { statusCode: 400 });
  }
  return error;
}

/** The request body types POST /decode reads. */
export const NPY_TYPE = 'application/x-npy';
export const RAW_TYPE = 'application/octet-stream';
export const BODY_TYPES = [NPY_TYPE, RAW_TYPE] as const;

/** The media type of a content-type header, lower case and without parameters. */
export function mediaType(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  return header.split(';', 1)[0].trim().toLowerCase();
}

const RAW_DTYPES = { float32: Float32Array, uint8: Uint8Array } as const;
export type RawDtype = keyof typeof RAW_DTYPES;

/**
 * Reads an application/octet-stream body: row-major elements, little-endian float32 or uint8, with
 * the dtype in the `x-dtype` header and the shape in `x-shape` (comma-separated, e.g. `64,17,64,48`).
 * The rank, the dimensions and the element count are left to the library, so its messages stand.
 */
export function readRawBody(body: Buffer, dtypeHeader: unknown, shapeHeader: unknown): PlaneTensor {
  if (typeof dtypeHeader !== 'string' || !(dtypeHeader in RAW_DTYPES)) {
    throw typeError("'float32' or 'uint8'", 'header x-dtype', dtypeHeader);
  }
  const dtype = dtypeHeader as RawDtype;
  if (typeof shapeHeader !== 'string') {
    throw typeError('comma-separated dimensions such as "64,17,64,48"', 'header x-shape', shapeHeader);
  }
  const parts = shapeHeader.split(',').map((p) => p.trim());
  if (!parts.every((p) => /^\d{1,16}$/.test(p))) {
    throw rangeError('comma-separated dimensions such as "64,17,64,48"', 'header x-shape', describe(shapeHeader));
  }
  const shape = parts.map(Number);
  const Type = RAW_DTYPES[dtype];
  const size = Type.BYTES_PER_ELEMENT;
  if (body.length % size !== 0) {
    throw rangeError(`a whole number of ${size}-byte ${dtype} elements`, 'the request body', `${body.length} bytes`);
  }
  return { data: viewAs(Type, body), shape };
}

/**
 * Reads an application/x-npy body: a whole .npy file (version 1 to 3, C order). A truncated file or
 * a header that disagrees with the data is a RangeError from the .npy reader; the dtype (float32 or
 * uint8 only) and the rank are left to the library.
 */
export function readNpyBody(body: Buffer): PlaneTensor {
  return bodyTensor(parseNpy(body, 'the request body'), 'the request body');
}

/**
 * An array of a body as the library takes it. Another dtype is refused here, in NumPy's words with
 * the conversion to make: the library's own hint (Float32Array.from) is for JavaScript callers.
 */
export function bodyTensor(array: NpyArray, name: string): PlaneTensor {
  if (array.dtype !== '<f4' && array.dtype !== '|u1') {
    throw new TypeError(`Expected a float32 or uint8 array (dtype '<f4' or '|u1') for ${name} but received dtype '${array.dtype}' (send arr.astype(np.float32))`);
  }
  return { data: array.data as PlaneData, shape: array.shape };
}

/** A typed view of the body's bytes, or an aligned copy when the bytes sit at an odd offset. */
export function viewAs(Type: typeof Float32Array | typeof Uint8Array, bytes: Uint8Array): PlaneData {
  const count = bytes.length / Type.BYTES_PER_ELEMENT;
  if (bytes.byteOffset % Type.BYTES_PER_ELEMENT === 0) return new Type(bytes.buffer as ArrayBuffer, bytes.byteOffset, count);
  const copy = new Uint8Array(bytes.length);
  copy.set(bytes);
  return new Type(copy.buffer, 0, count);
}

// A query value that reads as a number becomes one; anything else stays a string for the
// library to judge ("Expected a finite number > 0 for options.beta but received "abc"").
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
export function queryValue(value: string): number | string {
  if (NUMBER.test(value) || value === 'NaN' || value === 'Infinity' || value === '-Infinity') return Number(value);
  return value;
}

/**
 * Options the query string may not set: `out` names caller-owned memory, which HTTP has none of;
 * `transfer` would move the plugin's own buffers (its bodies are shared memory, read in place).
 */
const QUERY_FORBIDDEN = ['out', 'transfer'];

/**
 * The decode options of one request: the query's over the defaults, key by key; when the query
 * names a method other than the defaults', the defaults are not used (their keys may not apply to
 * it) but for `layout`, which describes the body. Values are converted from text but not judged: the library does that.
 */
export function readQuery(query: unknown, defaults: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const given = (typeof query === 'object' && query !== null ? query : {}) as Record<string, unknown>;
  // Own properties for every key, `__proto__` included (an assignment would set the prototype and
  // drop the key unseen), so the library sees and refuses it like any unknown key.
  const options: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(given)) {
    if (QUERY_FORBIDDEN.includes(key)) {
      throw new TypeError(`Expected no key ${describe(key)} for the query string but received key ${describe(key)}`);
    }
    Object.defineProperty(options, key, { value: typeof value === 'string' ? queryValue(value) : value, enumerable: true, writable: true, configurable: true });
  }
  // The layout describes the body, not the method: it stays the server's unless the query sets it.
  if (options.method !== undefined && options.method !== defaults.method) {
    return defaults.layout !== undefined && options.layout === undefined ? { layout: defaults.layout, ...options } : options;
  }
  return { ...defaults, ...options };
}

/** The response body types POST /decode writes. */
export type ResponseFormat = 'json' | 'npz';
export const NPZ_TYPE = 'application/x-npz';

/**
 * Picks the response format from an Accept header: `.npz` when application/x-npy or
 * application/x-npz is preferred (highest q; ties go to the one listed first), JSON otherwise,
 * including when nothing listed is acceptable.
 */
export function negotiate(accept: string | undefined): ResponseFormat {
  if (!accept) return 'json';
  let best: ResponseFormat = 'json';
  let bestQ = -1;
  for (const entry of accept.split(',')) {
    const [type, ...params] = entry.split(';').map((p) => p.trim().toLowerCase());
    let q = 1;
    for (const param of params) {
      const m = /^q=([0-9.]+)$/.exec(param);
      if (m) q = Number(m[1]);
    }
    if (!(q > 0)) continue;
    const format: ResponseFormat | undefined =
      type === NPY_TYPE || type === NPZ_TYPE ? 'npz'
      : type === 'application/json' || type === 'application/*' || type === '*/*' ? 'json'
      : undefined;
    if (format && q > bestQ) {
      best = format;
      bestQ = q;
    }
  }
  return best;
}

/** The .npz response: coords.npy `[...shape, 2]` float32, scores.npy `[...shape]` float32, valid.npy `[...shape]` uint8. */
export function toNpz(result: ResultArrays): Buffer {
  const bytes = encodeNpz({
    coords: { data: result.coords, shape: [...result.shape, 2] },
    scores: { data: result.scores, shape: result.shape },
    valid: { data: result.valid, shape: result.shape },
  });
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
