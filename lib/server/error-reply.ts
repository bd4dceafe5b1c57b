// The error answers of the decode endpoint: every failure as `{ statusCode, error, message }`.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { STATUS_CODES } from 'node:http';

import { describe } from '../errors';
import { BODY_TYPES } from './http';

// 499 (nginx's "client closed request", for a client gone before its decode started) has no
// reason phrase in Node; the answer is only logged, but its `error` field should still say it.
const reasonOf = (status: number): string => STATUS_CODES[status] ?? (status === 499 ? 'Client Closed Request' : 'Error');

/** The body of an error answer. */
export const errorBody = (status: number, message: string) => ({ statusCode: status, error: reasonOf(status), message });

/** The message of a 415, for a request whose content-type header is `header`. */
export const unsupportedType = (header: string | undefined, types: readonly string[] = BODY_TYPES): string =>
  `Expected a content-type of ${types.join(' or ')} for the request but received ${describe(header)}`;

/**
 * The routes' error handler: Fastify's own body errors reworded in the library's message shape,
 * statuses outside 4xx/5xx as 500, a 500 logged and answered without its message, and
 * `connection: close` once `closing()` says the app is shutting down.
 */
export function errorHandler(bodyLimit: number, closing: () => boolean) {
  return (error: FastifyError & { headers?: Record<string, string> }, request: FastifyRequest, reply: FastifyReply): void => {
    let status = error.statusCode ?? 500;
    let message = error.message;
    if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      message = unsupportedType(request.headers['content-type']);
    } else if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      const length = request.headers['content-length'];
      message = `Expected a body of at most ${bodyLimit} bytes for the request but received ${length === undefined ? 'more' : `${length} bytes`}`;
    }
    if (!(status >= 400 && status <= 599)) status = 500;
    if (status === 500) {
      request.log.error(error);
      message = 'Internal Server Error';
    }
    if (error.headers) void reply.headers(error.headers);
    if (closing()) void reply.header('connection', 'close');
    void reply.code(status).send(errorBody(status, message));
  };
}
