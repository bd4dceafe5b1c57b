/**
 * `coordconv serve`: the decode endpoint as a standalone HTTP server (Fastify and the
 * `coordconv/fastify` plugin with their defaults). Needs the optional peer `fastify`.
 *
 * @example
 * coordconv serve --port 8080                      # http://127.0.0.1:8080/decode and /health
 * coordconv serve --host 0.0.0.0 --port 8080 --method dark --sigma 2 --max-queue 64
 */
import type { FastifyInstance } from 'fastify';
import { readFileSync } from 'node:fs';

import { rangeError } from '../errors';
import { UPLOAD_IDLE_TIMEOUT, UPLOAD_TIMEOUT } from '../server/body';
import { queryValue } from '../server/http';
import { readInteger } from '../validate';
import { checkMethodFlags, fail, HELP_FLAG, METHOD_FLAGS, optionKey, parseFlags, readCount, stringFlags } from './flags';
import { hasNodeFlag, respawnWith, stopWithParent } from './respawn';

export const summary = 'answer POST /decode over HTTP (Fastify, loopback by default)';

/** serve's defaults for Node's server limits, in ms. */
const HEADERS_TIMEOUT = 10000;
const KEEP_ALIVE_TIMEOUT = 5000;
const MAX_CONNECTIONS = 4096;

export const USAGE = `Usage: coordconv serve [options]

Serves POST /decode and GET /health over HTTP (stop with Ctrl-C: requests in flight finish first).

  --port <n>              TCP port (default 8080; 0 picks a free one)
  --host <address>        address to listen on (default 127.0.0.1, loopback only)
  --body-limit <bytes>    largest request body (default 67108864, 64 MiB)
  --max-in-flight <n>     decodes running at once (default: the number of cores)
  --max-queue <n>         requests with their body waiting beyond those (default 32); past it, 503
  --request-timeout <ms>  from the body read to the answer, 0 for none (default 30000)
  --method <name>         default decode method (default argmax); the query string overrides
  --kernel <n> --sigma <x> --threshold <x> --beta <x> --min-score <x> --quarter-rule <name>
                          default options of that method (--min-score -Infinity for logits)
  --layout nchw|nhwc      how request bodies lie (default nchw; ?layout= overrides)
  --log                   log every request (Fastify's JSON logger)
  -h, --help              this text

Slow and hostile clients (docs/server.md):
  --max-uploads <n>           bodies being received at once (default: one per MiB of
                              --max-upload-bytes, 16 to 1024); past it, 503 before the body
  --max-upload-bytes <bytes>  bytes they may hold in all (default: a quarter of the memory,
                              at least twice --body-limit); past it, 503 before the body
  --upload-timeout <ms>       a whole body must arrive within it, else 408 and the connection
                              closed; 0 for none (default ${UPLOAD_TIMEOUT}: 13.4 MB at 1 Mbit/s)
  --upload-idle-timeout <ms>  a body may go this long without a byte, else 408 (default ${UPLOAD_IDLE_TIMEOUT})
  --headers-timeout <ms>      a request's headers must arrive within it, and a new connection's
                              first request must start, else 408 (default ${HEADERS_TIMEOUT})
  --http-request-timeout <ms> Node's limit on a whole request, behind the two above; 0 for none
                              (default: --headers-timeout + --upload-timeout + 1000)
  --keep-alive-timeout <ms>   an idle kept-alive connection closes after it (default ${KEEP_ALIVE_TIMEOUT})
  --max-connections <n>       connections open at once; past it, new ones are closed at once
                              (default ${MAX_CONNECTIONS}, or the open-file limit less 64 if lower)
`;

// File descriptors kept for the process's own files beside its connections.
const OWN_FILES = 64;

// The soft open-file limit (Node raises it to the hard limit at start), where the system says it.
function openFileLimit(): number | undefined {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8').split('\n').find((l) => l.startsWith('Max open files'));
    const soft = Number(line?.slice('Max open files'.length).trim().split(/\s+/)[0]);
    return Number.isSafeInteger(soft) && soft > 0 ? soft : undefined;
  } catch {
    return undefined;
  }
}

/** The limits serve sets on Node's HTTP server, from its flags and their defaults. */
export interface ServerLimits {
  headersTimeout: number;
  requestTimeout: number;
  keepAliveTimeout: number;
  maxConnections: number;
  /** How often Node looks for connections past headersTimeout or requestTimeout, in ms. */
  connectionsCheckingInterval: number;
}

const MAX = Number.MAX_SAFE_INTEGER;

/** Reads serve's server-limit flags (already numbers or undefined) into the limits to set. */
export function serverLimits(flags: {
  headersTimeout?: number;
  requestTimeout?: number;
  keepAliveTimeout?: number;
  maxConnections?: number;
  uploadTimeout?: number;
}): ServerLimits {
  const files = openFileLimit();
  const maxConnections = readInteger(flags.maxConnections, '--max-connections', files === undefined ? MAX_CONNECTIONS : Math.max(1, Math.min(MAX_CONNECTIONS, files - OWN_FILES)), 1, MAX, 'an integer >= 1');
  const keepAliveTimeout = readInteger(flags.keepAliveTimeout, '--keep-alive-timeout', KEEP_ALIVE_TIMEOUT, 1, MAX, 'an integer >= 1');
  const headers = flags.headersTimeout ?? HEADERS_TIMEOUT;
  const upload = flags.uploadTimeout ?? UPLOAD_TIMEOUT;
  // Node's own limit stays behind the plugin's deadlines, so a slow body gets the plugin's 408
  // with its message; it still covers what the plugin does not see (other routes' bodies).
  const requestTimeout = readInteger(flags.requestTimeout, '--http-request-timeout', upload === 0 ? 0 : headers + upload + 1000, 0, MAX, 'an integer >= 0');
  // Node refuses a headers timeout longer than its request timeout.
  const headersTimeout = requestTimeout === 0
    ? readInteger(headers, '--headers-timeout', undefined, 0, MAX, 'an integer >= 0')
    : readInteger(headers, '--headers-timeout', undefined, 0, requestTimeout, `an integer from 0 to --http-request-timeout (${requestTimeout})`);
  // Node checks its two timeouts only this often (30 s by default): a tenth of the shorter one,
  // from 50 ms to 1 s, so a client is cut off close to its deadline.
  const shortest = Math.min(...[headersTimeout, requestTimeout].filter((t) => t > 0), 10000);
  const connectionsCheckingInterval = Math.min(1000, Math.max(50, Math.floor(shortest / 10)));
  return { headersTimeout, requestTimeout, keepAliveTimeout, maxConnections, connectionsCheckingInterval };
}

/**
 * Starts the server and resolves once it listens; SIGINT and SIGTERM close it (waiting for the
 * requests in flight) and let the process exit.
 */
export async function serve(argv: readonly string[], log: (line: string) => void = console.log): Promise<FastifyInstance | undefined> {
  const { values } = parseFlags({
    args: [...argv],
    strict: true,
    options: {
      ...stringFlags('port', 'host', 'body-limit', 'max-in-flight', 'max-queue', 'request-timeout'),
      ...stringFlags('max-uploads', 'max-upload-bytes', 'upload-timeout', 'upload-idle-timeout'),
      ...stringFlags('headers-timeout', 'http-request-timeout', 'keep-alive-timeout', 'max-connections', 'layout'),
      ...METHOD_FLAGS,
      log: { type: 'boolean' },
      ...HELP_FLAG,
    },
  });
  if (values.help) {
    log(USAGE);
    return undefined;
  }
  const port = readCount(values.port, '--port') ?? 8080;
  if (port > 65535) throw rangeError('a port from 0 to 65535', '--port', String(port));
  const host = values.host ?? '127.0.0.1';
  checkMethodFlags(values);
  const defaults: Record<string, unknown> = {};
  for (const key of Object.keys(METHOD_FLAGS) as (keyof typeof METHOD_FLAGS)[]) {
    const value = values[key];
    if (value !== undefined) defaults[optionKey(key)] = queryValue(value);
  }
  if (values.layout !== undefined) defaults.layout = values.layout;

  let Fastify: typeof import('fastify').default;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    Fastify = require('fastify') as typeof import('fastify').default;
  } catch {
    // fastify is an optional peer: its absence is a usage error that says what to install.
    fail('serve needs the package fastify, which is not installed: run npm install fastify@5');
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const plugin = require('../fastify') as typeof import('../fastify');
  const uploadTimeout = readCount(values['upload-timeout'], '--upload-timeout');
  const limits = serverLimits({
    headersTimeout: readCount(values['headers-timeout'], '--headers-timeout'),
    requestTimeout: readCount(values['http-request-timeout'], '--http-request-timeout'),
    keepAliveTimeout: readCount(values['keep-alive-timeout'], '--keep-alive-timeout'),
    maxConnections: readCount(values['max-connections'], '--max-connections'),
    uploadTimeout,
  });
  const { headersTimeout, requestTimeout, keepAliveTimeout, connectionsCheckingInterval } = limits;
  const app = Fastify({
    logger: values.log === true,
    // Fastify sets these two on the server itself once created, over what `http` says.
    requestTimeout,
    keepAliveTimeout,
    http: { headersTimeout, requestTimeout, keepAliveTimeout, connectionsCheckingInterval },
    clientErrorHandler: plugin.clientErrorHandler,
  });
  app.server.maxConnections = limits.maxConnections;
  app.addHook('onRequest', plugin.dropAnsweredRequests);
  await app.register(plugin, {
    bodyLimit: readCount(values['body-limit'], '--body-limit'),
    maxInFlight: readCount(values['max-in-flight'], '--max-in-flight'),
    maxQueue: readCount(values['max-queue'], '--max-queue'),
    maxUploads: readCount(values['max-uploads'], '--max-uploads'),
    maxUploadBytes: readCount(values['max-upload-bytes'], '--max-upload-bytes'),
    uploadTimeout,
    uploadIdleTimeout: readCount(values['upload-idle-timeout'], '--upload-idle-timeout'),
    requestTimeout: readCount(values['request-timeout'], '--request-timeout'),
    defaults: defaults as import('../fastify').DefaultOptions,
  });
  const address = await app.listen({ port, host });
  log(`coordconv serve: listening on ${address} (POST /decode, POST /decode-simcc, GET /health)`);
  const stop = (signal: string) => {
    log(`coordconv serve: ${signal}, finishing requests in flight`);
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    process.off('disconnect', onParentGone);
    void app.close();
  };
  const onParentGone = () => stop('the parent process is gone');
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  stopWithParent(onParentGone);
  return app;
}

// V8 gives a fresh process a small old generation and then, under a stream of 13 MB bodies
// through Fastify, runs a full collection every few requests although the heap stays near 8 MB.
// Starting it at 64 MB stops those (docs/server.md: 1.8x the requests per second, half the
// event-loop delay). Node takes the flag only on its command line, so serve restarts itself with
// it, unless it was given one or only prints its usage.
const HEAP_FLAGS = ['--initial-old-space-size=64'];
const needsRespawn = (argv: readonly string[]) => !argv.includes('--help') && !argv.includes('-h') && !hasNodeFlag(HEAP_FLAGS[0]);

/**
 * `coordconv serve ...` in the coordconv command (main.ts): resolves once the server listens;
 * the process then lives until SIGINT/SIGTERM. A bad option throws a TypeError/RangeError (exit 2).
 * Without the heap flag, runs itself again with it and resolves with that child's exit code.
 */
export async function run(argv: string[]): Promise<number | undefined> {
  if (needsRespawn(argv)) return respawnWith(HEAP_FLAGS);
  await serve(argv);
  return undefined;
}

/** The standalone entry (`node dist/cli/serve.js ...`): the arguments after `serve`. */
export async function main(argv: readonly string[]): Promise<number> {
  if (needsRespawn(argv)) return respawnWith(HEAP_FLAGS);
  try {
    await serve(argv);
    return 0;
  } catch (error) {
    console.error(`coordconv serve: ${error instanceof Error ? error.message : String(error)}`);
    console.error('Run `coordconv serve --help` for the options.');
    return 2;
  }
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    if (code !== 0) process.exitCode = code;
  });
}
