/**
 * `coordconv/fastify`: a Fastify plugin that adds `POST /decode` and `GET /health` to an existing
 * Fastify app (Fastify 5, a peer dependency: the app brings its own).
 *
 * @example
 * import Fastify from 'fastify';
 * import coordconv from 'coordconv/fastify';
 * const app = Fastify();
 * await app.register(coordconv, { prefix: '/coordconv', maxQueue: 64 });
 * await app.listen({ port: 3000 }); // POST /coordconv/decode, GET /coordconv/health
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';

import { decode, decodeSync, type DecodeOptions, type DecodeResult } from './decode';
import { describe, isObject, rangeError, typeError } from './errors';
import { readOptions } from './options';
import { asBadRequest, BODY_TYPES, httpError, mediaType, negotiate, NPZ_TYPE, RAW_TYPE, readNpyBody, readQuery, readRawBody, toJson, toNpz } from './server/http';
import { BodyPool, ReadBudget, readBody } from './server/body';
import { Limiter, type Waiter } from './server/limiter';
import { concurrency, simd } from './simd';
import { readPlanes, type PlaneTensor } from './tensor';

/** Decode options a server may fix for every request: any of the library's but `out`. */
type ServerDecodeOptions = DistributiveOmit<DecodeOptions, 'out'>;
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** Replaces the decoder (to wrap it, or in tests): receives validated input and options. */
type Decoder = (input: PlaneTensor, options: DecodeOptions) => Promise<DecodeResult> | DecodeResult;

interface PluginOptions {
  /**
   * The path prefix of the routes (Fastify's own register option). Default none.
   * @example { prefix: '/coordconv' } // POST /coordconv/decode
   */
  prefix?: string;
  /** The largest request body, in bytes; past it, 413. Default 64 MiB. @example { bodyLimit: 16 * 2 ** 20 } */
  bodyLimit?: number;
  /**
   * Decodes running at once (each on libuv's thread pool, each split over `concurrency()` native
   * threads). Default `concurrency()`, the number of cores. @example { maxInFlight: 2 }
   */
  maxInFlight?: number;
  /**
   * Requests admitted beyond those decoding: reading their body or waiting for a slot. Past
   * `maxInFlight + maxQueue` admitted requests, a new one gets 503 with Retry-After at once, before
   * its body is read; so at most that many bodies are held. Default 32. @example { maxQueue: 0 }
   */
  maxQueue?: number;
  /**
   * Milliseconds from the body being read to the answer: past it, 503 (with Retry-After) if the
   * decode had not started, 504 if it was running (it then finishes and frees its slot, unseen).
   * 0 disables it. Default 30000. @example { requestTimeout: 5000 }
   */
  requestTimeout?: number;
  /** The Retry-After header of a 503, in seconds. Default 1. @example { retryAfter: 5 } */
  retryAfter?: number;
  /**
   * Decode options for requests whose query string does not set them; a query naming another
   * method drops them all. Checked by the library when the plugin registers. Default `{}` (the
   * library's defaults: method 'argmax'). @example { defaults: { method: 'dark', sigma: 2 } }
   */
  defaults?: ServerDecodeOptions;
  /**
   * Bytes of request-body buffers kept for reuse once their request is done, so a steady stream of
   * large bodies allocates (and garbage-collects) nothing; 0 keeps none. Default 256 MiB.
   * @example { bodyPool: 0 }
   */
  bodyPool?: number;
  /** Adds `GET /health`. Default true. @example { health: false } */
  health?: boolean;
  /**
   * Replaces coordconv's async `decode` (to wrap it, or in tests). It receives the validated input,
   * whose data may live in a pooled buffer: it must not keep it once its Promise settles.
   * Default `decode`. @example { decoder: (input, options) => decode(input, options) }
   */
  decoder?: Decoder;
}

// 499 (nginx's "client closed request", for a client gone before its decode started) has no
// reason phrase in Node; the answer is only logged, but its `error` field should still say it.
const reasonOf = (status: number): string => STATUS_CODES[status] ?? (status === 499 ? 'Client Closed Request' : 'Error');

const READ_BYTES_PER_TURN = 2 * 2 ** 20;
const KNOWN = ['prefix', 'logLevel', 'logSerializers', 'bodyLimit', 'maxInFlight', 'maxQueue', 'requestTimeout', 'retryAfter', 'bodyPool', 'defaults', 'health', 'decoder'];
const NAME = 'coordconv/fastify options';

function readInteger(value: unknown, name: string, min: number, fallback: number): number {
  if (value === undefined) return fallback;
  const what = min === 0 ? 'an integer >= 0' : `an integer >= ${min}`;
  if (typeof value !== 'number') throw typeError(what, name, value);
  if (!Number.isSafeInteger(value) || value < min) throw rangeError(what, name, describe(value));
  return value;
}

// The library judges decode options; a one-pixel decode runs every check it makes, with no
// duplicate of its rules here, and costs about a microsecond.
const PROBE = { data: new Float32Array(1), shape: [1, 1] };
function checkOptions(options: Record<string, unknown>): void {
  decodeSync(PROBE, options as DecodeOptions);
}

// A request holds its place among the admitted until both its response is closed and any decode
// it started has settled: the native decode still holds the body after a timeout.
class Ticket {
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

// Node emits 'close' on a response only once the response is attached to its socket: one queued
// behind another on a pipelined connection never emits it when the connection dies first (nor
// does its request, whose 'close' came when its body had been read). So a request is also over
// when its socket closes. One listener per socket, however many requests it carries.
const socketWatchers = new WeakMap<Socket, Set<() => void>>();
function onSocketClose(socket: Socket, fn: () => void): () => void {
  let watchers = socketWatchers.get(socket);
  if (!watchers) {
    const set = new Set<() => void>();
    socketWatchers.set(socket, set);
    socket.once('close', () => {
      socketWatchers.delete(socket);
      for (const watcher of set) watcher();
    });
    watchers = set;
  }
  const own = watchers;
  own.add(fn);
  return () => own.delete(fn);
}

/** Runs `fn` once, when the response closes or its connection does; returns a function that stops watching. */
function whenGone(request: FastifyRequest, reply: FastifyReply, fn: () => void): () => void {
  let watching = true;
  let forget = () => {};
  const stop = () => {
    watching = false;
    reply.raw.off('close', gone);
    forget();
  };
  function gone() {
    if (!watching) return;
    stop();
    fn();
  }
  reply.raw.once('close', gone);
  const socket = request.raw.socket as Socket | null;
  if (!socket || socket.destroyed) gone();
  else forget = onSocketClose(socket, gone);
  return stop;
}

async function coordconvFastify(fastify: FastifyInstance, options: coordconvFastify.Options): Promise<void> {
  const opts = readOptions(options ?? {}, NAME, KNOWN) as coordconvFastify.Options;
  const bodyLimit = readInteger(opts.bodyLimit, `${NAME}.bodyLimit`, 1, 64 * 2 ** 20);
  const maxInFlight = readInteger(opts.maxInFlight, `${NAME}.maxInFlight`, 1, concurrency());
  const maxQueue = readInteger(opts.maxQueue, `${NAME}.maxQueue`, 0, 32);
  const requestTimeout = readInteger(opts.requestTimeout, `${NAME}.requestTimeout`, 0, 30000);
  const retryAfter = String(readInteger(opts.retryAfter, `${NAME}.retryAfter`, 0, 1));
  const bodyPool = readInteger(opts.bodyPool, `${NAME}.bodyPool`, 0, 256 * 2 ** 20);
  if (opts.health !== undefined && typeof opts.health !== 'boolean') throw typeError('a boolean', `${NAME}.health`, opts.health);
  if (opts.decoder !== undefined && typeof opts.decoder !== 'function') throw typeError('a function', `${NAME}.decoder`, opts.decoder);
  const defaults = opts.defaults === undefined ? {} : opts.defaults;
  if (!isObject(defaults) || Array.isArray(defaults)) throw typeError('an options object', `${NAME}.defaults`, defaults);
  if ('out' in defaults) throw new TypeError(`Expected no key "out" for ${NAME}.defaults but received key "out"`);
  checkOptions(defaults as Record<string, unknown>);
  const decoder: Decoder = opts.decoder ?? decode;

  const limiter = new Limiter(maxInFlight, maxQueue);
  // Once the app closes, answers still on their way end their connection, so close() resolves as
  // the last one is sent rather than when the keep-alive timeout passes.
  let closing = false;
  fastify.addHook('preClose', async () => {
    closing = true;
  });
  const tickets = new WeakMap<FastifyRequest, Ticket>();
  const busy = () => httpError(503, `${maxInFlight} decodes are running and ${maxQueue} requests waiting: retry later`, { 'retry-after': retryAfter });

  // Only this plugin's routes see these parsers: the app's own JSON parser and others stay as they are.
  const pool = new BodyPool(bodyPool);
  // About a millisecond of reading per turn of the event loop (see ReadBudget).
  const budget = new ReadBudget(READ_BYTES_PER_TURN);
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser([...BODY_TYPES], async (request: FastifyRequest, payload: IncomingMessage) => {
    const { bytes, pooled } = await readBody(payload, request.headers['content-length'], bodyLimit, pool, budget);
    const ticket = tickets.get(request);
    if (pooled && ticket) ticket.onRelease(() => pool.give(bytes));
    return bytes;
  });

  fastify.setErrorHandler((error: FastifyError & { headers?: Record<string, string> }, request, reply) => {
    let status = error.statusCode ?? 500;
    let message = error.message;
    if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      message = `Expected a content-type of ${BODY_TYPES.join(' or ')} for the request but received ${describe(request.headers['content-type'])}`;
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
    if (closing) void reply.header('connection', 'close');
    void reply.code(status).send({ statusCode: status, error: reasonOf(status), message });
  });

  // Runs the decode when a slot frees, within the timeout; settles once, on every path.
  function schedule(request: FastifyRequest, reply: FastifyReply, ticket: Ticket, input: PlaneTensor, options: DecodeOptions): Promise<DecodeResult> {
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
        let pending: Promise<DecodeResult>;
        try {
          pending = Promise.resolve(decoder(input, options));
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

  fastify.route({
    method: 'POST',
    url: '/decode',
    bodyLimit,
    onRequest: async (request, reply) => {
      if (!limiter.admit()) {
        const error = busy();
        return reply.code(503).headers(error.headers ?? {}).send({ statusCode: 503, error: STATUS_CODES[503], message: error.message });
      }
      const ticket = new Ticket(limiter);
      tickets.set(request, ticket);
      whenGone(request, reply, () => ticket.drop());
      return undefined;
    },
    handler: async (request, reply) => {
      const ticket = tickets.get(request);
      if (!ticket) throw new Error('coordconv/fastify: request was not admitted');
      const type = mediaType(request.headers['content-type']);
      if (type === undefined || !(BODY_TYPES as readonly string[]).includes(type)) {
        throw httpError(415, `Expected a content-type of ${BODY_TYPES.join(' or ')} for the request but received ${describe(request.headers['content-type'])}`);
      }
      const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      let input: PlaneTensor;
      let options: Record<string, unknown>;
      try {
        input = type === RAW_TYPE ? readRawBody(body, request.headers['x-dtype'], request.headers['x-shape']) : readNpyBody(body);
        readPlanes(input);
        options = readQuery(request.query, defaults);
        checkOptions(options);
      } catch (error) {
        throw asBadRequest(error);
      }
      const format = negotiate(request.headers.accept);
      const result = await schedule(request, reply, ticket, input, options as DecodeOptions);
      if (closing) void reply.header('connection', 'close');
      if (format === 'npz') return reply.type(NPZ_TYPE).send(toNpz(result));
      return reply.type('application/json; charset=utf-8').send(toJson(result));
    },
  });

  if (opts.health !== false) {
    fastify.get('/health', async () => ({
      status: 'ok',
      running: limiter.running,
      queued: limiter.queued,
      admitted: limiter.admitted,
      maxInFlight,
      maxQueue,
      simd: simd().active,
    }));
  }

}

// eslint-disable-next-line @typescript-eslint/no-namespace
declare namespace coordconvFastify {
  /** The plugin's options; `prefix` is Fastify's register option. */
  export type Options = PluginOptions;
  /** Decode options a server may fix for every request: any of the library's but `out`. */
  export type DefaultOptions = ServerDecodeOptions;
  /** A replacement decoder: `(input, options) => DecodeResult | Promise<DecodeResult>`. */
  export type DecodeFunction = Decoder;
}

// Fastify shows this name in its plugin tree and errors.
Object.defineProperty(coordconvFastify, Symbol.for('fastify.display-name'), { value: 'coordconv' });
coordconvFastify.default = coordconvFastify;
export = coordconvFastify;
