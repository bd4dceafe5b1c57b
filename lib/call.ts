// An operation is described once (how its arguments become a native request, the native calls,
// how the finished request becomes the result); its sync and async entry points come from that.

export interface Operation<Args extends unknown[], Prepared extends { request: unknown }, Result> {
  /** Validates and defaults the arguments into the native request, allocating its outputs. */
  prepare(...args: Args): Prepared;
  /** The native call on the calling thread. */
  runSync(request: Prepared['request']): void;
  /** The native call on libuv's thread pool. */
  runAsync(request: Prepared['request']): Promise<void>;
  /** The result, once the native call has filled the request's outputs. */
  finish(prepared: Prepared): Result;
}

export interface Entries<Args extends unknown[], Result> {
  sync(...args: Args): Result;
  /** Never throws: a validation error rejects too. A failure's stack starts at the caller. */
  async(...args: Args): Promise<Result>;
}

export function operation<Args extends unknown[], Prepared extends { request: unknown }, Result>(
  op: Operation<Args, Prepared, Result>,
): Entries<Args, Result> {
  function sync(...args: Args): Result {
    const prepared = op.prepare(...args);
    op.runSync(prepared.request);
    return op.finish(prepared);
  }
  function async(...args: Args): Promise<Result> {
    // Cut at this frame, so a failure's stack begins at the public function and its caller.
    const site = new Error();
    Error.captureStackTrace(site, async);
    try {
      const prepared = op.prepare(...args);
      return atCallSite(op.runAsync(prepared.request), site).then(() => op.finish(prepared));
    } catch (error) {
      return Promise.reject(error);
    }
  }
  return { sync, async };
}

// A native failure, re-made with the stack of the call that started it.
function atCallSite<T>(promise: Promise<T>, site: Error): Promise<T> {
  return promise.catch((cause: unknown) => {
    const message = cause instanceof Error ? cause.message : String(cause);
    const error = cause instanceof RangeError ? new RangeError(message) : cause instanceof TypeError ? new TypeError(message) : new Error(message);
    error.stack = `${error.name}: ${message}\n${(site.stack ?? '').split('\n').slice(1).join('\n')}`;
    throw error;
  });
}
