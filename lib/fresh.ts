// Result arrays an operation's prepare allocates. Until the operation hands them out, only its
// request holds them: nobody can detach, shrink or read them, so an async job writes them in place
// (binding/staging.h), where a caller's `out` array gets a block that is copied into it on the
// event loop when the job is done. operation() (lib/call.ts) takes each one off this set before
// the caller can reach it, so a result array passed back later as `out` is staged as the caller's.
const unreached = new WeakSet<ArrayBufferView>();

/** Marks an array made for a result of the call being prepared; returns it. */
export function fresh<T extends ArrayBufferView>(array: T): T {
  unreached.add(array);
  return array;
}

/** The request's fields (of those listed) that hold fresh arrays, taken off the set. */
export function takeFresh(request: Record<string, unknown>, fields: readonly (readonly [string, string])[]): ArrayBufferView[] {
  const taken: ArrayBufferView[] = [];
  for (const [field] of fields) {
    const value = request[field];
    if (ArrayBuffer.isView(value) && unreached.delete(value)) taken.push(value);
  }
  return taken;
}
