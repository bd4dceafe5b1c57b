// Reads a request body straight into one buffer of its Content-Length, taken from a pool of
// reusable buffers. A body is ~13 MB for a batch of 64 x 17 heatmaps of 64 x 48: collecting the
// socket's chunks and concatenating them (what a generic body parser does) costs a fresh 13 MB
// allocation per request, its page faults, a second copy and the garbage collections that the
// external memory triggers, all on the event loop. Reusing the buffers of finished requests
// avoids all but the one copy out of the socket's chunks. The buffers are SharedArrayBuffers,
// which the async decoder reads in place (it must copy an ArrayBuffer, which could be detached
// while it runs): a second 13 MB copy per request on the event loop saved.
import { performance } from 'node:perf_hooks';
import type { Readable } from 'node:stream';

import { addon } from '../addon';
import { httpError } from './http';

/** Buffers of finished requests, kept for the next ones (best fit, at most twice the size asked). */
export class BodyPool {
  private readonly free: SharedArrayBuffer[] = [];
  private freeBytes = 0;

  /** Keeps at most `maxBytes` of idle buffers (0: keeps none). */
  constructor(private readonly maxBytes: number) {}

  get idleBytes(): number {
    return this.freeBytes;
  }

  /** A buffer of exactly `length` bytes (not cleared when reused), over a pooled or a new SharedArrayBuffer. */
  take(length: number): Buffer {
    let best = -1;
    for (let i = 0; i < this.free.length; i++) {
      const size = this.free[i].byteLength;
      if (size >= length && size <= 2 * length && (best < 0 || size < this.free[best].byteLength)) best = i;
    }
    if (best < 0) return Buffer.from(new SharedArrayBuffer(length));
    const [buffer] = this.free.splice(best, 1);
    this.freeBytes -= buffer.byteLength;
    return Buffer.from(buffer, 0, length);
  }

  /** Returns a buffer from {@link take} once nothing reads it any more. */
  give(body: Buffer): void {
    const buffer = body.buffer;
    if (!(buffer instanceof SharedArrayBuffer) || body.byteOffset !== 0 || this.freeBytes + buffer.byteLength > this.maxBytes || this.free.includes(buffer)) return;
    this.free.push(buffer);
    this.freeBytes += buffer.byteLength;
  }
}

/**
 * Shares the event loop between request bodies: past `bytesPerTurn` bytes read in one turn of the
 * loop, the stream that crossed it pauses until the next turn. libuv reads up to 32 socket chunks
 * of 64 KiB per ready connection in one go, so eight clients sending 13 MB bodies could keep the
 * loop in its poll phase for tens of milliseconds, holding up timers and every other request.
 */
export class ReadBudget {
  private spent = 0;
  private turnEnding = false;
  private readonly paused: Readable[] = [];

  constructor(private readonly bytesPerTurn: number) {}

  /** Counts `bytes` just read from `stream`, pausing it when the turn's budget is spent. */
  spend(stream: Readable, bytes: number): void {
    this.spent += bytes;
    if (!this.turnEnding) {
      this.turnEnding = true;
      setImmediate(this.nextTurn);
    }
    if (this.spent >= this.bytesPerTurn) {
      stream.pause();
      this.paused.push(stream);
    }
  }

  // Runs after the poll phase, so timers due meanwhile run before the streams read again.
  private readonly nextTurn = (): void => {
    this.turnEnding = false;
    this.spent = 0;
    for (const stream of this.paused.splice(0)) {
      if (!stream.destroyed) stream.resume();
    }
  };
}

/** What the reader reports: the body, and whether it came from the pool (then give it back). */
export interface Body {
  bytes: Buffer;
  pooled: boolean;
}

export const tooLarge = (limit: number, received: string) =>
  httpError(413, `Expected a body of at most ${limit} bytes for the request but received ${received}`);

/**
 * The default total time for a body, in ms: a 13.4 MB body (a batch of 64 x 17 float32 heatmaps of
 * 64 x 48) takes 107 s on a link of 1 Mbit/s.
 */
export const UPLOAD_TIMEOUT = 120000;

/** The default longest stretch without a byte of body, in ms: a few TCP retransmissions of a lossy link, not a client that stopped. */
export const UPLOAD_IDLE_TIMEOUT = 10000;

/**
 * The deadlines of one body, in ms, 0 for none: `total` for the whole body, counted from
 * `startedAt` (a `performance.now()` time: when the request's headers arrived), and `idle` for any
 * stretch without a byte.
 */
export interface BodyDeadlines {
  total: number;
  idle: number;
  startedAt: number;
}

/** What else bounds a read: its deadlines, and `grow`, asked before each chunk of a body without a length is kept (an error refuses the body). */
export interface ReadBounds {
  deadlines?: BodyDeadlines;
  grow?: (bytes: number) => Error | undefined;
}

/** Bytes of a sized body read before its buffer is taken. */
const STAGED_BYTES = 64 * 1024;

// A client past a deadline gets its answer and loses its connection: the rest of its body is not
// worth waiting for.
const CLOSE = { connection: 'close' };

/**
 * Reads `stream` to its end. With a Content-Length (at most `limit`), into one pooled buffer;
 * without one (chunked), by collecting chunks up to `limit`. Rejects with 413 past the limit, with
 * 400 when the body ends short of its Content-Length or the stream fails, and with 408 (and
 * `connection: close`) past a deadline. A pooled buffer goes back to the pool on every failure.
 */
export function readBody(stream: Readable, contentLength: string | undefined, limit: number, pool: BodyPool, budget: ReadBudget, bounds: ReadBounds = {}): Promise<Body> {
  return new Promise((resolve, reject) => {
    const declared = contentLength === undefined ? undefined : Number(contentLength);
    if (declared !== undefined && declared > limit) {
      reject(tooLarge(limit, `${contentLength} bytes`));
      return;
    }
    const known = declared !== undefined && Number.isSafeInteger(declared);
    // A sized body's buffer is taken only once STAGED_BYTES of it (or all of it) have come: a
    // client that sends its headers and a little and then stalls holds those bytes, not a
    // 13 MB buffer, and never takes one the pool would give a client that sends its body.
    let target: Buffer | undefined;
    const chunks: Buffer[] = [];
    let received = 0;
    let timer: NodeJS.Timeout | undefined;
    let last = performance.now();
    const takeTarget = () => {
      target = pool.take(declared as number);
      let at = 0;
      for (const chunk of chunks.splice(0)) {
        addon.copyBytes(target, at, chunk);
        at += chunk.length;
      }
    };
    const finish = (error: Error | null) => {
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onError);
      stream.off('aborted', onAborted);
      clearTimeout(timer);
      if (error) {
        if (target) pool.give(target);
        reject(error);
        return;
      }
      if (known && !target) takeTarget();
      if (target) resolve({ bytes: target, pooled: true });
      else resolve({ bytes: chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, received), pooled: false });
    };
    const progress = () => `(${received}${known ? ` of ${declared}` : ''} bytes received)`;
    // One timer per body, set for the nearer deadline and checked again when it fires: a chunk
    // only records its time, so a fast body costs no timer calls per chunk.
    const { total = 0, idle = 0, startedAt = last } = bounds.deadlines ?? {};
    const check = () => {
      const now = performance.now();
      const totalDue = total > 0 ? startedAt + total : Infinity;
      const idleDue = idle > 0 ? last + idle : Infinity;
      if (now >= totalDue) finish(httpError(408, `The request body did not arrive within ${total} ms ${progress()}`, CLOSE));
      else if (now >= idleDue) finish(httpError(408, `The request body stalled: no bytes for ${idle} ms ${progress()}`, CLOSE));
      else timer = setTimeout(check, Math.max(1, Math.ceil(Math.min(totalDue, idleDue) - now)));
    };
    const onData = (chunk: Buffer) => {
      last = performance.now();
      if (known) {
        const length = declared as number;
        if (received + chunk.length > length) {
          finish(httpError(400, `Expected ${length} bytes (the content-length) for the request body but received more`));
          return;
        }
        if (target) addon.copyBytes(target, received, chunk);
        else {
          chunks.push(chunk);
          if (received + chunk.length >= Math.min(length, STAGED_BYTES)) takeTarget();
        }
      } else {
        if (received + chunk.length > limit) {
          finish(tooLarge(limit, 'more'));
          return;
        }
        const refused = bounds.grow?.(chunk.length);
        if (refused) {
          finish(refused);
          return;
        }
        chunks.push(chunk);
      }
      received += chunk.length;
      budget.spend(stream, chunk.length);
    };
    const onEnd = () => {
      if (known && received !== declared) {
        finish(httpError(400, `Expected ${declared} bytes (the content-length) for the request body but received ${received}`));
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
    if (total > 0 || idle > 0) check();
    stream.resume();
  });
}
