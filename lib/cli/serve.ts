/**
 * `coordconv serve`: the decode endpoint as a standalone HTTP server (Fastify and the
 * `coordconv/fastify` plugin with their defaults). Needs the optional peer `fastify`.
 *
 * @example
 * coordconv serve --port 8080                      # http://127.0.0.1:8080/decode and /health
 * coordconv serve --host 0.0.0.0 --port 8080 --method dark --sigma 2 --max-queue 64
 */
import type { FastifyInstance } from 'fastify';
import { parseArgs } from 'node:util';

import { rangeError, typeError } from '../errors';
import { queryValue } from '../server/http';
import { HELP_FLAG, METHOD_FLAGS, readCount, stringFlags } from './flags';
import { hasNodeFlag, respawnWith, stopWithParent } from './respawn';

export const summary = 'answer POST /decode over HTTP (Fastify, loopback by default)';

export const USAGE = `Usage: coordconv serve [options]

Serves POST /decode and GET /health over HTTP (stop with Ctrl-C: requests in flight finish first).

  --port <n>              TCP port (default 8080; 0 picks a free one)
  --host <address>        address to listen on (default 127.0.0.1, loopback only)
  --body-limit <bytes>    largest request body (default 67108864, 64 MiB)
  --max-in-flight <n>     decodes running at once (default: the number of cores)
  --max-queue <n>         requests admitted beyond those (default 32); past it, 503
  --request-timeout <ms>  per-request time limit, 0 for none (default 30000)
  --method <name>         default decode method (default argmax); the query string overrides
  --kernel <n> --sigma <x> --threshold <x> --beta <x>
                          default options of that method
  --log                   log every request (Fastify's JSON logger)
  -h, --help              this text
`;

/**
 * Starts the server and resolves once it listens; SIGINT and SIGTERM close it (waiting for the
 * requests in flight) and let the process exit.
 */
export async function serve(argv: readonly string[], log: (line: string) => void = console.log): Promise<FastifyInstance | undefined> {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: {
      ...stringFlags('port', 'host', 'body-limit', 'max-in-flight', 'max-queue', 'request-timeout'),
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
  const defaults: Record<string, unknown> = {};
  for (const key of Object.keys(METHOD_FLAGS) as (keyof typeof METHOD_FLAGS)[]) {
    const value = values[key];
    if (value !== undefined) defaults[key] = queryValue(value);
  }

  let Fastify: typeof import('fastify').default;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    Fastify = require('fastify') as typeof import('fastify').default;
  } catch {
    throw typeError('the package fastify (npm install fastify@5)', 'coordconv serve', undefined);
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const plugin = require('../fastify') as typeof import('../fastify');
  const app = Fastify({ logger: values.log === true });
  await app.register(plugin, {
    bodyLimit: readCount(values['body-limit'], '--body-limit'),
    maxInFlight: readCount(values['max-in-flight'], '--max-in-flight'),
    maxQueue: readCount(values['max-queue'], '--max-queue'),
    requestTimeout: readCount(values['request-timeout'], '--request-timeout'),
    defaults: defaults as import('../fastify').DefaultOptions,
  });
  const address = await app.listen({ port, host });
  log(`coordconv serve: listening on ${address} (POST /decode, GET /health)`);
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
