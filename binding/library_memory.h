// Memory the library owns and lends to JavaScript as external ArrayBuffers (`allocate` in lib/).
// An async job uses such memory in place, as it does a SharedArrayBuffer, with no copy on the
// calling thread and no buffer moved per call: whatever the caller does meanwhile (transfers the
// buffer, drops every reference to it, terminates the worker that received it), the memory is
// freed only once both the last ArrayBuffer over it is collected and the last job holding it is
// done. External ArrayBuffers cannot be resized, so they cannot shrink under a job either.
#pragma once

#include <napi.h>

#include <cstddef>
#include <memory>

namespace coordconv_binding {

// The library memory holding [data, data + bytes), kept alive while the result is; null when the
// range is not library memory (every address of the process is asked about: a miss costs a
// lookup in a small ordered map).
std::shared_ptr<void> find_library_memory(const void* data, size_t bytes);

// _allocate(bytes): a zero-filled external ArrayBuffer of `bytes` (1 to 2^53 - 1) over library memory.
void register_library_memory(Napi::Env env, Napi::Object exports);

}  // namespace coordconv_binding
