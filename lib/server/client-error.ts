/**
 * What `coordconv serve` answers when Node's HTTP server gives up on a connection before a
 * request exists (past --headers-timeout, malformed or oversized headers): Fastify's default
 * answers, with the connection closed in stages.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';

/** How long a connection cut off for a client error may stay half-closed before it is closed, in ms. */
export const LINGER = 2000;

// Sockets answered by clientErrorHandler, while they linger.
const answered = new WeakSet<Socket>();

const ANSWERS: Record<string, [status: number, message: string]> = {
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'Client Timeout'],
  HPE_HEADER_OVERFLOW: [431, 'Exceeded maximum allowed HTTP header size'],
};

/** The raw HTTP answer to a client error: the statuses and JSON bodies of Fastify's default handler. */
export function clientErrorAnswer(code: string | undefined): string {
  const [status, message] = ANSWERS[code ?? ''] ?? [400, 'Client Error'];
  const body = JSON.stringify({ error: STATUS_CODES[status], message, statusCode: status });
  return `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Length: ${body.length}\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n${body}`;
}

/**
 * Fastify's `clientErrorHandler` for serve. Fastify's default writes the answer and destroys the
 * socket at once; a client still sending (headers a byte at a time) then has unread bytes on the
 * server, the kernel answers with a reset instead of a FIN, and the client's next write fails and
 * discards the answer before the client reads it (RFC 9112, 9.6). Here the answer goes out with a
 * FIN, what the client still sends is read and dropped, and the socket is destroyed once the
 * client closes its side or after LINGER ms. The parser still reads those bytes: a request they
 * complete is dropped by dropAnsweredRequests.
 */
export function clientErrorHandler(error: NodeJS.ErrnoException, socket: Socket): void {
  // A reset connection is gone; a socket already answered only sees the parser's later errors.
  if (error.code === 'ECONNRESET' || socket.destroyed || socket.writableEnded) return;
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const timer = setTimeout(() => socket.destroy(), LINGER);
  timer.unref();
  socket.once('close', () => clearTimeout(timer));
  answered.add(socket);
  socket.end(clientErrorAnswer(error.code));
}

/**
 * An onRequest hook: a request whose connection was already answered by clientErrorHandler
 * (its headers completed after the 408) is not run; its connection is destroyed.
 */
export async function dropAnsweredRequests(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const { socket } = request.raw;
  if (!answered.has(socket)) return;
  reply.hijack();
  socket.destroy();
}
