// An operation is described once (how its arguments become a native request, the native calls,
// how the finished request becomes the result); its sync and async entry points come from that.
import { types } from 'node:util';

import { isObject, rangeError } from './errors';
import { isLibraryBuffer } from './allocate';
import { takeFresh } from './fresh';
import { readBoolean } from './validate';

/** The option every async entry point takes (decode, peaks, encode, coordConv2d). */
export interface TransferOption {
  /**
   * Async entry points only (the sync ones read the caller's arrays in place, and refuse it as an
   * unknown option).
   * `false`: the input is copied on the calling thread when the call is made. `true`: the
   * ArrayBuffer of the input (and of any `out` arrays) is moved into the call instead, with no copy,
   * and the job works on it in place; the caller's arrays are detached from then on (byteLength 0),
   * and the result hands the memory back: `result.input` is the input over the moved buffer, the
   * result's arrays are the `out` arrays'. Each such array must span its whole ArrayBuffer (offset 0,
   * every byte), else a RangeError, and nothing moves. Arrays over a SharedArrayBuffer are used in
   * place either way. Default false.
   * @example { transfer: true }
   */
  transfer?: boolean;
}

export interface Operation<Args extends unknown[], Prepared extends { request: unknown }, Result> {
  /** Validates and defaults the arguments into the native request, allocating its outputs. */
  prepare(...args: Args): Prepared;
  /** The native call on the calling thread. */
  runSync(request: Prepared['request']): void;
  /** The native call, run on coordconv's thread pool. */
  runAsync(request: Prepared['request']): Promise<void>;
  /** The result, once the native call has filled the request's outputs. */
  finish(prepared: Prepared): Result;
  /**
   * The request fields `transfer: true` moves, with their public names: the caller's input first,
   * then its `out` arrays (a field holding an array lib allocated is moved too, harmlessly).
   */
  moves: readonly (readonly [field: string, name: string])[];
  /**
   * With `transfer: true`, what the result's `input` holds, from the request with its fields
   * re-pointed at the moved arrays. Default: the first move's array (an operation with one input).
   */
  handBack?(request: Prepared['request']): unknown;
}

export interface Entries<Args extends unknown[], Result> {
  sync(...args: Args): Result;
  /**
   * Never throws: a validation error rejects too, with the stack of the call. A native failure's
   * stack runs through the callers that await the Promise.
   */
  async(...args: Args): Promise<Result>;
}

export function operation<Args extends unknown[], Prepared extends { request: unknown }, Result>(
  op: Operation<Args, Prepared, Result>,
): Entries<Args, Result> {
  function sync(...args: Args): Result {
    const prepared = op.prepare(...args);
    // Off the list before the caller gets them: passed back as `out` to an async call, they are the caller's.
    takeFresh(prepared.request as Record<string, unknown>, op.moves);
    op.runSync(prepared.request);
    return op.finish(prepared);
  }
  function async(...args: Args): Promise<Result> {
    let prepared: Prepared;
    let input: unknown;
    try {
      // Every entry point takes (input, options). `transfer` is read here, once for all of them, and
      // the rest of the options go to prepare, whose key checks do not know it.
      const [input0, options, ...rest] = args;
      const { transfer: flag, ...others } = (isObject(options) ? options : {}) as { transfer?: unknown };
      const transfer = readBoolean(flag, 'options.transfer', false);
      prepared = op.prepare(...([input0, isObject(options) && 'transfer' in options ? others : options, ...rest] as unknown as Args));
      const request = prepared.request as Record<string, unknown>;
      // The binding uses the arrays listed in `owned` in place: those lib/ made for the results,
      // and with transfer: true, those it moved in.
      const owned = takeFresh(request, op.moves);
      const moved = transfer ? moveArrays(request, op.moves, owned) : undefined;
      request.owned = owned;
      input = transfer && op.handBack ? op.handBack(prepared.request) : moved;
    } catch (error) {
      return Promise.reject(error);
    }
    return settled(op.runAsync(prepared.request), () => {
      const result = op.finish(prepared);
      return input === undefined ? result : Object.assign(result as object, { input }) as Result;
    });
  }
  return { sync, async };
}

// The result once the native call has run. A native failure is re-made here, after the await, so
// that its stack runs through the callers awaiting it (V8's async stack traces) rather than the
// settling callback's empty one. Capturing the caller's stack at the call instead
// (Error.captureStackTrace) cost every call 3 us, and 70 us right after a decode that had read
// 512 MiB, which evicted the stack walker's code and tables: a fifth of what the call held the event
// loop then, for a stack only a rare failure (an out array detached in flight) ever shows.
async function settled<Result>(pending: Promise<void>, finish: () => Result): Promise<Result> {
  try {
    await pending;
  } catch (cause) {
    const message = cause instanceof Error ? cause.message : String(cause);
    throw cause instanceof RangeError ? new RangeError(message) : cause instanceof TypeError ? new TypeError(message) : new Error(message);
  }
  return finish();
}

// transfer: true. Moves the ArrayBuffer under each listed array into a new one that only this
// call can reach (structuredClone with a transfer list moves the memory, without a copy, and
// detaches the caller's buffer), re-points the request at views over the moved buffers and adds
// them to `owned`, which the binding then uses in place (binding/staging.h): nobody else holds them,
// so nobody can detach or shrink them while the job runs. Arrays already in `owned` (lib/ made
// them), over a SharedArrayBuffer or over library memory (allocate) are used in place anyway and
// stay as they are. An array must span its whole buffer: moving a buffer takes all of it, and a view into a larger one (a Node Buffer from the shared pool, a slice of a bigger
// allocation) would take bytes the caller did not pass. Everything is checked before anything
// moves, so a refusal leaves the caller's arrays as they were. Returns the input array as moved.
function moveArrays(request: Record<string, unknown>, moves: readonly (readonly [string, string])[], owned: ArrayBufferView[]): ArrayBufferView | undefined {
  const movable: [string, ArrayBufferView, number][] = [];
  for (const [field, name] of moves) {
    const view = request[field];
    if (!ArrayBuffer.isView(view) || owned.includes(view) || types.isSharedArrayBuffer(view.buffer) || isLibraryBuffer(view.buffer)) continue;
    if (view.byteOffset !== 0 || view.byteLength !== view.buffer.byteLength) {
      throw rangeError(
        `an array spanning its whole ArrayBuffer with transfer: true (or transfer: false, which copies it)`,
        name,
        `a view of ${view.byteLength} bytes at byte offset ${view.byteOffset} of a ${view.buffer.byteLength}-byte ArrayBuffer`,
      );
    }
    movable.push([field, view, (view as unknown as { length: number }).length]);  // before it detaches
  }
  const moved = new Map<ArrayBufferLike, ArrayBuffer>();
  for (const [field, view, length] of movable) {
    let buffer = moved.get(view.buffer);
    if (buffer === undefined) {
      buffer = structuredClone(view.buffer as ArrayBuffer, { transfer: [view.buffer as ArrayBuffer] });
      moved.set(view.buffer, buffer);
    }
    const Type = view.constructor as new (buffer: ArrayBuffer, offset: number, length: number) => ArrayBufferView;
    const over = new Type(buffer, 0, length);
    request[field] = over;
    owned.push(over);
  }
  const first = moves.length > 0 ? request[moves[0][0]] : undefined;
  return ArrayBuffer.isView(first) ? first : undefined;
}
