// Compiled by test/server-types.test.mjs with `tsc --noEmit`: coordconv/fastify's declarations
// accept the documented usage and reject misuse (each @ts-expect-error must be an error).
import Fastify from 'fastify';
import coordconv from 'coordconv/fastify';
import type { DefaultOptions, Options } from 'coordconv/fastify';

const app = Fastify();
await app.register(coordconv, { prefix: '/coordconv', maxQueue: 64, bodyLimit: 2 ** 20, requestTimeout: 5000 });
await app.register(coordconv, { defaults: { method: 'dark', sigma: 2, kernel: 7 } });
await app.register(coordconv);
await app.register(coordconv, { maxUploads: 256, maxUploadBytes: 2 ** 30, uploadTimeout: 30000, uploadIdleTimeout: 5000 });
const options: Options = { maxInFlight: 2, retryAfter: 5, health: false };
const defaults: DefaultOptions = { method: 'centroid', threshold: 0.25 };
void options;
void defaults;

// @ts-expect-error maxQueue is a number
await app.register(coordconv, { maxQueue: '64' });
// @ts-expect-error uploadTimeout is a number of milliseconds
await app.register(coordconv, { uploadTimeout: '30s' });
// @ts-expect-error 'magic' is not a method
await app.register(coordconv, { defaults: { method: 'magic' } });
// @ts-expect-error sigma belongs to 'dark'
const wrong: DefaultOptions = { method: 'argmax', sigma: 2 };
void wrong;

// The connection-closing pieces for the app's own options.
const closing = Fastify({ clientErrorHandler: coordconv.clientErrorHandler });
closing.addHook('onRequest', coordconv.dropAnsweredRequests);
// @ts-expect-error the handler takes an error and a socket
coordconv.clientErrorHandler('408');
