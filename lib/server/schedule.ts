// Running an admitted request's decode: when a decode slot frees, within the request timeout,
// and no longer once its client is gone.
import type { FastifyReply, FastifyRequest } from 'fastify';

import type { DecodeOptions, DecodeResult } from '../decode';
import type { PlaneTensor } from '../tensor';
import type { Ticket } from './admission';
import { whenGone } from './client-gone';
import { asBadRequest, httpError } from './http';
import type { Limiter, Waiter } from './limiter';

/** Decodes validated input with validated options (the library's async `decode`, or a replacement). */
export type Decoder = (input: PlaneTensor, options: DecodeOptions) => Promise<DecodeResult> | DecodeResult;

export class Scheduler {
  /** `requestTimeout` in ms, 0 for none; `retryAfter` is the Retry-After header of a 503, in seconds. */
  constructor(
    private readonly limiter: Limiter,
    private readonly decoder: Decoder,
    private readonly requestTimeout: number,
    private readonly retryAfter: string,
  ) {}

  /**
   * Runs the decode when a slot frees. Past the timeout, rejects with 503 (with Retry-After) if the
   * decode had not started, 504 if it was running (it then finishes and frees its slot, unseen);
   * with 499 when the client is gone while it waits. Settles once, on every path.
   */
  schedule(request: FastifyRequest, reply: FastifyReply, ticket: Ticket, input: PlaneTensor, options: DecodeOptions): Promise<DecodeResult> {
    return this.run(request, reply, ticket, () => this.decoder(input, options));
  }

  /** Like {@link schedule}, for any job on the same slots (the SimCC route's). */
  run<R>(request: FastifyRequest, reply: FastifyReply, ticket: Ticket, work: () => Promise<R> | R): Promise<R> {
    const { limiter, requestTimeout, retryAfter } = this;
    return new Promise((resolve, reject) => {
      let settled = false;
      let timer: NodeJS.Timeout | undefined;
      let waiter: Waiter | null = null;
      let unwatch = () => {};
      const settle = (fn: () => void) => {
        if (settled) return;
        settled = true;
        if (timer) clearTimeout(timer);
        unwatch();
        fn();
      };
      const leaveQueue = (error: Error): boolean => {
        if (!waiter?.cancel()) return false;
        ticket.drop();
        settle(() => reject(error));
        return true;
      };
      // A client gone while its request waits frees the queue place at once.
      const onClose = () => {
        if (!reply.raw.writableFinished) leaveQueue(httpError(499, 'The client closed the connection'));
      };
      const run = () => {
        let pending: Promise<R>;
        try {
          pending = Promise.resolve(work());
        } catch (error) {
          pending = Promise.reject(error);
        }
        pending
          .then(
            (result) => settle(() => resolve(result)),
            (error: unknown) => settle(() => reject(asBadRequest(error))),
          )
          .finally(() => {
            limiter.release();
            ticket.drop();
          });
      };
      if (!ticket.hold()) {
        reject(httpError(499, 'The client closed the connection'));
        return;
      }
      waiter = limiter.acquire();
      if (requestTimeout > 0) {
        timer = setTimeout(() => {
          if (leaveQueue(httpError(503, `The decode waited ${requestTimeout} ms for a slot without starting: retry later`, { 'retry-after': retryAfter }))) return;
          settle(() => reject(httpError(504, `The decode did not finish within ${requestTimeout} ms`)));
        }, requestTimeout);
      }
      unwatch = whenGone(request, reply, onClose);
      if (waiter === null) run();
      else void waiter.started.then(run);
    });
  }
}
