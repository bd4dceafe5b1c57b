// Admission to POST /decode, in two steps. At the door (onRequest), a request with a body takes a
// place among the bodies being received, or gets 503 before any of its body is read: a slow or
// stalled client holds an upload place and its bytes, bounded on their own and cut off by the body's
// deadlines, never a decode. Once its body is complete and valid, it takes a place among the
// admitted (maxInFlight + maxQueue: decoding or waiting for a slot), or gets 503.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { performance } from 'node:perf_hooks';

import { whenGone } from './client-gone';
import { errorBody } from './error-reply';
import { httpError } from './http';
import type { Limiter, Upload, UploadLimiter } from './limiter';

/**
 * A request's places: its upload while its body arrives, then its place among the admitted. It
 * holds the latter until both its response is closed and any decode it started has settled: the
 * native decode still reads the body after a timeout.
 */
export class Ticket {
  /** `performance.now()` when the request's headers arrived: its body's total deadline counts from here. */
  readonly startedAt = performance.now();
  private refs = 1;
  private admitted = false;
  private readonly releases: (() => void)[] = [];
  constructor(
    private readonly limiter: Limiter,
    private upload: Upload | null,
  ) {}
  /** Ends the request's upload: its body is complete, refused or will not be read. Idempotent. */
  uploaded(): void {
    this.upload?.end();
    this.upload = null;
  }
  /** Reserves `bytes` more for a body of unknown length; false past the bound of uploads. */
  grow(bytes: number): boolean {
    return this.upload === null || this.upload.grow(bytes);
  }
  /** Whether the request is over: its response closed and no decode of it running. */
  get over(): boolean {
    return this.refs === 0;
  }
  /** Takes a place among the admitted for the decode; false when maxInFlight + maxQueue are taken. */
  admit(): boolean {
    if (this.admitted) return true;
    if (!this.limiter.admit()) return false;
    this.admitted = true;
    return true;
  }
  /** Holds the request's place for a decode; false (and nothing held) once the request is over. */
  hold(): boolean {
    if (this.refs === 0) return false;
    this.refs++;
    return true;
  }
  drop(): void {
    if (--this.refs !== 0) return;
    this.uploaded();
    if (this.admitted) this.limiter.leave();
    for (const release of this.releases.splice(0)) release();
  }
  /** Runs `release` once nothing of the request is in use any more (its body back to the pool); at once if that is now. */
  onRelease(release: () => void): void {
    if (this.refs === 0) release();
    else this.releases.push(release);
  }
}

/**
 * The length a request's body will have at the door: its Content-Length, 0 for a chunked body
 * (counted as it arrives), undefined for none.
 */
function bodyLength(request: FastifyRequest): number | undefined {
  if (request.headers['transfer-encoding'] !== undefined) return 0;
  const length = Number(request.headers['content-length'] ?? 0);
  return length > 0 ? length : undefined;
}

/** The tickets of the requests past the door. */
export class Admission {
  private readonly tickets = new WeakMap<FastifyRequest, Ticket>();

  /** `retryAfter` is the Retry-After header of a refusal, in seconds; bodies past `bodyLimit` are refused (413) without an upload place. */
  constructor(
    private readonly limiter: Limiter,
    private readonly uploads: UploadLimiter,
    private readonly bodyLimit: number,
    private readonly retryAfter: string,
  ) {}

  private uploadsBusy(more: number): string {
    const { uploads } = this;
    if (uploads.count >= uploads.maxUploads) return `${uploads.maxUploads} request bodies are being received: retry later`;
    return `Request bodies of ${uploads.bytes} bytes in all are being received and ${more} more would pass ${uploads.maxBytes}: retry later`;
  }

  /** The route's onRequest hook: gives the request its ticket (dropped when it is gone) and upload place, or answers 503. */
  readonly onRequest = async (request: FastifyRequest, reply: FastifyReply): Promise<unknown> => {
    const length = bodyLength(request);
    let upload: Upload | null = null;
    if (length !== undefined && length <= this.bodyLimit) {
      upload = this.uploads.start(length);
      if (!upload) return reply.code(503).headers({ 'retry-after': this.retryAfter }).send(errorBody(503, this.uploadsBusy(length)));
    }
    const ticket = new Ticket(this.limiter, upload);
    this.tickets.set(request, ticket);
    whenGone(request, reply, () => ticket.drop());
    return undefined;
  };

  /**
   * What a body of unknown length asks before keeping each chunk: past the bound of uploads, a
   * 503 with Retry-After that also closes the connection (the rest of the body is not read).
   */
  grower(ticket: Ticket): (bytes: number) => Error | undefined {
    return (bytes) => (ticket.grow(bytes) ? undefined : httpError(503, this.uploadsBusy(bytes), { 'retry-after': this.retryAfter, connection: 'close' }));
  }

  /** The decode's door, once the body is complete: a place among the admitted, or a 503 with Retry-After. */
  admit(ticket: Ticket): void {
    if (ticket.over) throw httpError(499, 'The client closed the connection');
    if (ticket.admit()) return;
    const { maxInFlight, maxQueue } = this.limiter;
    throw httpError(503, `${maxInFlight} decodes are running and ${maxQueue} requests waiting: retry later`, { 'retry-after': this.retryAfter });
  }

  /** The ticket of a request past the door; undefined for one refused there. */
  ticketOf(request: FastifyRequest): Ticket | undefined {
    return this.tickets.get(request);
  }
}
