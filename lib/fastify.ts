/**
 * `coordconv/fastify`: a Fastify plugin that adds `POST /decode`, `POST /decode-simcc` and
 * `GET /health` to an existing Fastify app (Fastify 5, a peer dependency: the app brings its own).
 *
 * @example
 * import Fastify from 'fastify';
 * import coordconv from 'coordconv/fastify';
 * const app = Fastify();
 * await app.register(coordconv, { prefix: '/coordconv', maxQueue: 64 });
 * await app.listen({ port: 3000 }); // POST /coordconv/decode, GET /coordconv/health
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { IncomingMessage } from 'node:http';
import { totalmem } from 'node:os';

import { decode, decodeSync, type DecodeOptions } from './decode';
import { decodeSimcc, decodeSimccSync, readSimccInput, type SimccInput, type SimccOptions } from './simcc';
import { isObject, typeError } from './errors';
import { readBoolean, readInteger, readOptions } from './validate';
import { Admission } from './server/admission';
import { BodyPool, ReadBudget, readBody, UPLOAD_IDLE_TIMEOUT, UPLOAD_TIMEOUT } from './server/body';
import { clientErrorHandler, dropAnsweredRequests } from './server/client-error';
import { errorHandler, unsupportedType } from './server/error-reply';
import { asBadRequest, BODY_TYPES, httpError, mediaType, negotiate, NPZ_TYPE, RAW_TYPE, readNpyBody, readQuery, readRawBody, toNpz, type ResponseFormat } from './server/http';
import { toJson, type ResultArrays } from './decode-json';
import { defaultMaxUploadBytes, defaultMaxUploads, Limiter, UploadLimiter } from './server/limiter';
import { Scheduler, type Decoder } from './server/schedule';
import { readSimccBody, readSimccPairs } from './server/simcc-body';
import { concurrency } from './concurrency';
import { simd } from './simd';
import { readLayout, readPlanes, type PlaneTensor } from './tensor';

/** Decode options a server may fix for every request: any of the library's but `out`. */
type ServerDecodeOptions = DistributiveOmit<DecodeOptions, 'out'>;
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

interface PluginOptions {
  /**
   * The path prefix of the routes (Fastify's own register option). Default none.
   * @example { prefix: '/coordconv' } // POST /coordconv/decode
   */
  prefix?: string;
  /** The largest request body, in bytes; past it, 413. Default 64 MiB. @example { bodyLimit: 16 * 2 ** 20 } */
  bodyLimit?: number;
  /**
   * Decodes running at once (each on coordconv's thread pool, each split over `concurrency()` native
   * threads). Default `concurrency()`, the number of cores. @example { maxInFlight: 2 }
   */
  maxInFlight?: number;
  /**
   * Requests admitted beyond those decoding: their body complete, waiting for a slot. Past
   * `maxInFlight + maxQueue` admitted requests, a new one gets 503 with Retry-After once its body
   * has arrived; so at most that many complete bodies are held. Default 32. @example { maxQueue: 0 }
   */
  maxQueue?: number;
  /**
   * Request bodies being received at once. Past it, a new request gets 503 with Retry-After before
   * any of its body is read. Default one per MiB of `maxUploadBytes`, from 16 to 1024 (1024 unless
   * the machine has less than 4 GiB). @example { maxUploads: 256 }
   */
  maxUploads?: number;
  /**
   * Bytes the bodies being received may hold in all: a body with a Content-Length reserves it at
   * the door (past this, 503 with Retry-After before its body is read); a chunked one reserves its
   * chunks as they come (past this, 503 and its connection closed). At least `bodyLimit`. Default
   * a quarter of the memory (os.totalmem(), or the process's cgroup limit if lower), and at least
   * twice `bodyLimit`. @example { maxUploadBytes: 2 ** 30 }
   */
  maxUploadBytes?: number;
  /**
   * Milliseconds for a whole request body to arrive, from its headers: past it, 408 and the
   * connection closed. 0 disables it. Default 120000: a 13.4 MB body (64 x 17 heatmaps of
   * 64 x 48, float32) meets it on a link of 1 Mbit/s (107 s). @example { uploadTimeout: 30000 }
   */
  uploadTimeout?: number;
  /**
   * Milliseconds a request body may go without a byte: past it, 408 and the connection closed.
   * 0 disables it. Default 10000 (a stall of a few TCP retransmissions). @example { uploadIdleTimeout: 5000 }
   */
  uploadIdleTimeout?: number;
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

const READ_BYTES_PER_TURN = 2 * 2 ** 20;
const KNOWN = [
  'prefix', 'logLevel', 'logSerializers', 'bodyLimit', 'maxInFlight', 'maxQueue', 'maxUploads', 'maxUploadBytes', 'uploadTimeout', 'uploadIdleTimeout',
  'requestTimeout', 'retryAfter', 'bodyPool', 'defaults', 'health', 'decoder',
];
const NAME = 'coordconv/fastify options';

// A plugin option counted in whole units, unbounded above.
const atLeast = (value: unknown, key: string, fallback: number, min: number): number =>
  readInteger(value, `${NAME}.${key}`, fallback, min, Number.MAX_SAFE_INTEGER, `an integer >= ${min}`);

// The memory the process may use: the machine's, or its cgroup's limit when lower.
function memory(): number {
  const constrained = process.constrainedMemory?.() ?? 0;
  const total = totalmem();
  return constrained > 0 && constrained < total ? constrained : total;
}

// The library judges decode options; a one-pixel decode runs every check it makes, with no
// duplicate of its rules here, and costs about a microsecond.
const PROBE = { nchw: { data: new Float32Array(1), shape: [1, 1] }, nhwc: { data: new Float32Array(1), shape: [1, 1, 1] } };
function checkOptions(options: Record<string, unknown>): void {
  decodeSync(PROBE[readLayout(options)], options as DecodeOptions);
}
// Likewise for SimCC options (the vectors' own checks are readSimccInput's).
const SIMCC_PROBE = { x: PROBE.nchw, y: PROBE.nchw };

async function coordconvFastify(fastify: FastifyInstance, options: coordconvFastify.Options): Promise<void> {
  const opts = readOptions(options ?? {}, NAME, KNOWN) as coordconvFastify.Options;
  const bodyLimit = atLeast(opts.bodyLimit, 'bodyLimit', 64 * 2 ** 20, 1);
  const maxInFlight = atLeast(opts.maxInFlight, 'maxInFlight', concurrency(), 1);
  const maxQueue = atLeast(opts.maxQueue, 'maxQueue', 32, 0);
  const maxUploadBytes = readInteger(opts.maxUploadBytes, `${NAME}.maxUploadBytes`, defaultMaxUploadBytes(bodyLimit, memory()), bodyLimit, Number.MAX_SAFE_INTEGER, `an integer >= bodyLimit (${bodyLimit})`);
  const maxUploads = atLeast(opts.maxUploads, 'maxUploads', defaultMaxUploads(maxUploadBytes), 1);
  const uploadTimeout = atLeast(opts.uploadTimeout, 'uploadTimeout', UPLOAD_TIMEOUT, 0);
  const uploadIdleTimeout = atLeast(opts.uploadIdleTimeout, 'uploadIdleTimeout', UPLOAD_IDLE_TIMEOUT, 0);
  const requestTimeout = atLeast(opts.requestTimeout, 'requestTimeout', 30000, 0);
  const retryAfter = String(atLeast(opts.retryAfter, 'retryAfter', 1, 0));
  const bodyPool = atLeast(opts.bodyPool, 'bodyPool', 256 * 2 ** 20, 0);
  const health = readBoolean(opts.health, `${NAME}.health`, true);
  if (opts.decoder !== undefined && typeof opts.decoder !== 'function') throw typeError('a function', `${NAME}.decoder`, opts.decoder);
  const defaults = opts.defaults === undefined ? {} : opts.defaults;
  if (!isObject(defaults) || Array.isArray(defaults)) throw typeError('an options object', `${NAME}.defaults`, defaults);
  if ('out' in defaults) throw new TypeError(`Expected no key "out" for ${NAME}.defaults but received key "out"`);
  checkOptions(defaults as Record<string, unknown>);
  const decoder: Decoder = opts.decoder ?? decode;

  const limiter = new Limiter(maxInFlight, maxQueue);
  const uploads = new UploadLimiter(maxUploads, maxUploadBytes);
  const admission = new Admission(limiter, uploads, bodyLimit, retryAfter);
  const scheduler = new Scheduler(limiter, decoder, requestTimeout, retryAfter);
  // Once the app closes, answers still on their way end their connection, so close() resolves as
  // the last one is sent rather than when the keep-alive timeout passes.
  let closing = false;
  fastify.addHook('preClose', async () => {
    closing = true;
  });

  // Only this plugin's routes see these parsers: the app's own JSON parser and others stay as they are.
  const pool = new BodyPool(bodyPool);
  // About a millisecond of reading per turn of the event loop (see ReadBudget).
  const budget = new ReadBudget(READ_BYTES_PER_TURN);
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser([...BODY_TYPES, NPZ_TYPE], async (request: FastifyRequest, payload: IncomingMessage) => {
    const ticket = admission.ticketOf(request);
    if (!ticket) throw new Error('coordconv/fastify: request has no ticket from onRequest');
    try {
      const deadlines = { total: uploadTimeout, idle: uploadIdleTimeout, startedAt: ticket.startedAt };
      const { bytes, pooled } = await readBody(payload, request.headers['content-length'], bodyLimit, pool, budget, { deadlines, grow: admission.grower(ticket) });
      if (pooled) ticket.onRelease(() => pool.give(bytes));
      return bytes;
    } finally {
      ticket.uploaded();
    }
  });

  fastify.setErrorHandler(errorHandler(bodyLimit, () => closing));

  // The ticket onRequest gave the request; its upload has ended (a request without a body never
  // reached the parser, which ends it for the others).
  const uploadedTicket = (request: FastifyRequest) => {
    const ticket = admission.ticketOf(request);
    if (!ticket) throw new Error('coordconv/fastify: request has no ticket from onRequest');
    ticket.uploaded();
    return ticket;
  };
  // A result in the negotiated format; once the app closes, the connection ends with the answer.
  const answer = (reply: FastifyReply, format: ResponseFormat, result: ResultArrays) => {
    if (closing) void reply.header('connection', 'close');
    if (format === 'npz') return reply.type(NPZ_TYPE).send(toNpz(result));
    return reply.type('application/json; charset=utf-8').send(toJson(result));
  };

  fastify.route({
    method: 'POST',
    url: '/decode',
    bodyLimit,
    onRequest: admission.onRequest,
    handler: async (request, reply) => {
      const ticket = uploadedTicket(request);
      const type = mediaType(request.headers['content-type']);
      if (type === undefined || !(BODY_TYPES as readonly string[]).includes(type)) throw httpError(415, unsupportedType(request.headers['content-type']));
      const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      let input: PlaneTensor;
      let options: Record<string, unknown>;
      try {
        input = type === RAW_TYPE ? readRawBody(body, request.headers['x-dtype'], request.headers['x-shape']) : readNpyBody(body);
        // The library's order: the layout, the planes in it, then the other options.
        options = readQuery(request.query, defaults);
        readPlanes(input, 'input', { layout: readLayout(options), emptyBatch: true });
        checkOptions(options);
      } catch (error) {
        throw asBadRequest(error);
      }
      const format = negotiate(request.headers.accept);
      admission.admit(ticket);
      return answer(reply, format, await scheduler.schedule(request, reply, ticket, input, options as DecodeOptions));
    },
  });

  // SimCC (RTMPose and kin): the two outputs in one .npz body, options in the query string, the
  // same admission, slots, deadlines and responses as /decode.
  fastify.route({
    method: 'POST',
    url: '/decode-simcc',
    bodyLimit,
    onRequest: admission.onRequest,
    handler: async (request, reply) => {
      const ticket = uploadedTicket(request);
      if (mediaType(request.headers['content-type']) !== NPZ_TYPE) throw httpError(415, unsupportedType(request.headers['content-type'], [NPZ_TYPE]));
      const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      let input: SimccInput;
      let options: SimccOptions;
      try {
        input = readSimccBody(body);
        readSimccInput(input);
        options = readSimccPairs(readQuery(request.query, {})) as SimccOptions;
        decodeSimccSync(SIMCC_PROBE, options);
      } catch (error) {
        throw asBadRequest(error);
      }
      const format = negotiate(request.headers.accept);
      admission.admit(ticket);
      return answer(reply, format, await scheduler.run(request, reply, ticket, () => decodeSimcc(input, options)));
    },
  });

  if (health) {
    fastify.get('/health', async () => ({
      status: 'ok',
      running: limiter.running,
      queued: limiter.queued,
      admitted: limiter.admitted,
      maxInFlight,
      maxQueue,
      uploads: uploads.count,
      uploadBytes: uploads.bytes,
      maxUploads,
      maxUploadBytes,
      pooledBytes: pool.idleBytes,
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
// For the app's own options, beside the plugin (docs/server.md): they act before any route exists.
coordconvFastify.clientErrorHandler = clientErrorHandler;
coordconvFastify.dropAnsweredRequests = dropAnsweredRequests;
export = coordconvFastify;
