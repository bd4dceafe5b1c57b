#pragma once

#include <napi.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <vector>

#include "../native/block_pool.h"
#include "args.h"
#include "library_memory.h"
#include "state.h"

namespace coordconv_binding {

// Caller memory an async job reads or writes, staged in blocks the worker owns. A reference
// keeps a typed array object alive, not its memory: while the job waits in the pool's queue the
// caller can transfer the ArrayBuffer (structuredClone or postMessage with a transfer list),
// whose memory then belongs to the clone and is freed when that is collected, under the worker's
// feet; or shrink a resizable ArrayBuffer, whose pages are then decommitted. Both crashed the
// process (SIGSEGV; heap-use-after-free under ASan). So a job never touches caller memory after
// the call returns: inputs are copied on the main thread when the call is made (as Node's own
// crypto jobs do), outputs are written to blocks copied into the caller's arrays when the job
// is done, on the main thread, if those arrays are still there. Arrays over a SharedArrayBuffer
// are the exception: that memory can be neither detached nor shrunk, so the job uses it in place
// while a reference holds the array (and so its buffer), and a server that reads request bodies
// into shared buffers pays no copy on its event loop.
//
// Library memory (allocate in lib/, library_memory.h) is used in place as well, held by the
// job itself, so that neither a transfer nor a collection of its ArrayBuffer frees it meanwhile.
//
// An array lib/ moved into a buffer only it can reach (`transfer: true`, lib/call.ts) is the second
// exception, and an array lib/ made for the results the third (lib/fresh.ts): nobody else holds
// those buffers, so nobody can detach or shrink them, and the job uses them in place too, held by a
// reference until the Promise settles.
class Staging {
 public:
  // The array is the library's alone (see above): the job reads and writes it in place.
  void* in_place(const Napi::TypedArray& array) { return hold(array); }
  // Copies the array's bytes now; the job reads the copy (or, when shared, the array itself).
  const void* input(const Napi::TypedArray& array) {
    if (is_shared(array)) return hold(array);
    if (void* lent = library(array)) return lent;
    inputs_.push_back(copy_of(array));
    return inputs_.back().get();
  }
  // A block holding the array's current bytes, for the job to write; deliver() copies it back.
  void* output(const Napi::TypedArray& array) {
    if (is_shared(array)) return hold(array);
    if (void* lent = library(array)) return lent;
    outputs_.push_back(Output{Napi::Persistent(array), copy_of(array), array.ByteLength()});
    return outputs_.back().block.get();
  }
  // On the main thread, after the job: copies every output block into its array. Returns false,
  // and writes nothing, when any of them was detached or resized meanwhile.
  bool deliver() {
    for (const Output& o : outputs_) {
      const Napi::TypedArray a = o.array.Value();
      if (a.ArrayBuffer().IsDetached() || a.ByteLength() != o.bytes) return false;
    }
    for (const Output& o : outputs_) {
      const Napi::TypedArray a = o.array.Value();
      if (o.bytes != 0) std::memcpy(static_cast<uint8_t*>(a.ArrayBuffer().Data()) + a.ByteOffset(), o.block.get(), o.bytes);
    }
    return true;
  }

 private:
  struct Output {
    Napi::Reference<Napi::TypedArray> array;
    coordconv::BlockPool::Block block;
    size_t bytes;
  };
  void* hold(const Napi::TypedArray& array) {
    held_.push_back(Napi::Persistent(array));
    bool detached = false;
    return typed_array_bytes(array, &detached);
  }
  // The array's bytes when they are library memory, which the job then holds; else null.
  void* library(const Napi::TypedArray& array) {
    bool detached = false;
    uint8_t* data = typed_array_bytes(array, &detached);
    if (detached || array.ByteLength() == 0) return nullptr;
    std::shared_ptr<void> memory = find_library_memory(data, array.ByteLength());
    if (!memory) return nullptr;
    lent_.push_back(std::move(memory));
    return data;
  }
  static coordconv::BlockPool::Block copy_of(const Napi::TypedArray& array) {
    const AddonState& s = *array.Env().GetInstanceData<AddonState>();
    const size_t bytes = array.ByteLength();
    coordconv::BlockPool::Block block = s.blocks->take(bytes);
    if (bytes != 0) {
      const uint8_t* from = static_cast<const uint8_t*>(array.ArrayBuffer().Data()) + array.ByteOffset();
      // The copy holds up the event loop: spread it over the cores in 1 MiB slices.
      constexpr size_t kSlice = size_t(1) << 20;
      s.pool->parallel_for((bytes + kSlice - 1) / kSlice, s.default_threads, [&](size_t begin, size_t end) {
        const size_t lo = begin * kSlice, hi = std::min(bytes, end * kSlice);
        std::memcpy(block.get() + lo, from + lo, hi - lo);
      });
    }
    return block;
  }
  std::vector<coordconv::BlockPool::Block> inputs_;
  std::vector<Output> outputs_;
  std::vector<Napi::Reference<Napi::TypedArray>> held_;
  std::vector<std::shared_ptr<void>> lent_;
};

}  // namespace coordconv_binding
