// Admission at the door of POST /decode: past maxInFlight + maxQueue admitted requests, a new one
// gets 503 at once, before its body is read, so at most that many bodies are held.
import type { FastifyReply, FastifyRequest } from 'fastify';

import { whenGone } from './client-gone';
import { errorBody } from './error-reply';
import type { Limiter } from './limiter';

/**
 * A request's place among the admitted. It holds it until both its response is closed and any
 * decode it started has settled: the native decode still holds the body after a timeout.
 */
export class Ticket {
  private refs = 1;
  private readonly releases: (() => void)[] = [];
  constructor(private readonly limiter: Limiter) {}
  /** Holds the request's place for a decode; false (and nothing held) once the request is over. */
  hold(): boolean {
    if (this.refs === 0) return false;
    this.refs++;
    return true;
  }
  drop(): void {
    if (--this.refs !== 0) return;
    this.limiter.leave();
    for (const release of this.releases) release();
  }
  /** Runs `release` once nothing of the request is in use any more (its body back to the pool). */
  onRelease(release: () => void): void {
    this.releases.push(release);
  }
}

/** The tickets of the admitted requests. */
export class Admission {
  private readonly tickets = new WeakMap<FastifyRequest, Ticket>();

  /** `retryAfter` is the Retry-After header of a refusal, in seconds. */
  constructor(
    private readonly limiter: Limiter,
    private readonly retryAfter: string,
  ) {}

  /** The route's onRequest hook: admits the request (its ticket dropped when it is gone) or answers 503. */
  readonly onRequest = async (request: FastifyRequest, reply: FastifyReply): Promise<unknown> => {
    if (!this.limiter.admit()) {
      const { maxInFlight, maxQueue } = this.limiter;
      const message = `${maxInFlight} decodes are running and ${maxQueue} requests waiting: retry later`;
      return reply.code(503).headers({ 'retry-after': this.retryAfter }).send(errorBody(503, message));
    }
    const ticket = new Ticket(this.limiter);
    this.tickets.set(request, ticket);
    whenGone(request, reply, () => ticket.drop());
    return undefined;
  };

  /** The ticket of an admitted request; undefined for one that was not. */
  ticketOf(request: FastifyRequest): Ticket | undefined {
    return this.tickets.get(request);
  }
}
