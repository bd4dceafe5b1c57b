// Reads a request body straight into one buffer of its Content-Length, taken from a pool of
// reusable buffers. A body is ~13 MB for a batch of 64 x 17 heatmaps of 64 x 48: collecting the
// socket's chunks and concatenating them (what a generic body parser does) costs a fresh 13 MB
// allocation per request, its page faults, a second copy and the garbage collections that the
// external memory triggers, all on the event loop. Reusing the buffers of finished requests
// avoids all but the one copy out of the socket's chunks.
import type { Readable } from 'node:stream';

import { httpError } from './http';

/** Buffers of finished requests, kept for the next ones (best fit, at most twice the size asked). */
export class BodyPool {
  private readonly free: ArrayBuffer[] = [];
  private freeBytes = 0;

  /** Keeps at most `maxBytes` of idle buffers (0: keeps none). */
  constructor(private readonly maxBytes: number) {}

  get idleBytes(): number {
    return this.freeBytes;
  }

  /** A buffer of exactly `length` bytes (uninitialized), backed by a pooled or a new ArrayBuffer. */
  take(length: number): Buffer {
    let best = -1;
    for (let i = 0; i < this.free.length; i++) {
      const size = this.free[i].byteLength;
      if (size >= length && size <= 2 * length && (best < 0 || size < this.free[best].byteLength)) best = i;
    }
    if (best < 0) return Buffer.allocUnsafeSlow(length);
    const [buffer] = this.free.splice(best, 1);
    this.freeBytes -= buffer.byteLength;
    return Buffer.from(buffer, 0, length);
  }

  /** Returns a buffer from {@link take} once nothing reads it any more. */
  give(body: Buffer): void {
    const buffer = body.buffer as ArrayBuffer;
    if (body.byteOffset !== 0 || this.freeBytes + buffer.byteLength > this.maxBytes || this.free.includes(buffer)) return;
    this.free.push(buffer);
    this.freeBytes += buffer.byteLength;
  }
}

/** What the reader reports: the body, and whether it came from the pool (then give it back). */
export interface Body {
  bytes: Buffer;
  pooled: boolean;
}

export const tooLarge = (limit: number, received: string) =>
  httpError(413, `Expected a body of at most ${limit} bytes for the request but received ${received}`);

/**
 * Reads `stream` to its end. With a Content-Length (at most `limit`), into one pooled buffer;
 * without one (chunked), by collecting chunks up to `limit`. Rejects with 413 past the limit and
 * with 400 when the body ends short of its Content-Length or the stream fails.
 */
export function readBody(stream: Readable, contentLength: string | undefined, limit: number, pool: BodyPool): Promise<Body> {
  return new Promise((resolve, reject) => {
    const declared = contentLength === undefined ? undefined : Number(contentLength);
    if (declared !== undefined && declared > limit) {
      reject(tooLarge(limit, `${contentLength} bytes`));
      return;
    }
    const known = declared !== undefined && Number.isSafeInteger(declared);
    const target = known ? pool.take(declared) : undefined;
    const chunks: Buffer[] = [];
    let received = 0;
    const finish = (error: Error | null) => {
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onError);
      stream.off('aborted', onAborted);
      if (error) {
        if (target) pool.give(target);
        reject(error);
        return;
      }
      if (target) resolve({ bytes: target, pooled: true });
      else resolve({ bytes: chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, received), pooled: false });
    };
    const onData = (chunk: Buffer) => {
      if (target) {
        if (received + chunk.length > target.length) {
          finish(httpError(400, `Expected ${target.length} bytes (the content-length) for the request body but received more`));
          return;
        }
        chunk.copy(target, received);
      } else {
        if (received + chunk.length > limit) {
          finish(tooLarge(limit, 'more'));
          return;
        }
        chunks.push(chunk);
      }
      received += chunk.length;
    };
    const onEnd = () => {
      if (target && received !== target.length) {
        finish(httpError(400, `Expected ${target.length} bytes (the content-length) for the request body but received ${received}`));
        return;
      }
      finish(null);
    };
    const onError = (error: Error) => finish(httpError(400, `The request body could not be read: ${error.message}`));
    const onAborted = () => finish(httpError(400, 'The request body could not be read: the client went away'));
    stream.on('data', onData);
    stream.on('end', onEnd);
    stream.on('error', onError);
    stream.on('aborted', onAborted);
    stream.resume();
  });
}
