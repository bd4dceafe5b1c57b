#include "library_memory.h"

#include <cstdint>
#include <cstdlib>
#include <map>
#include <mutex>
#include <string>

#include "../native/huge_pages.h"

namespace coordconv_binding {
namespace {

// One allocation. Its registry entry goes when it does, on whichever thread drops the last
// holder (a job's worker thread or the JS thread's finalizer).
struct Region {
  uint8_t* data;
  size_t bytes;
  size_t mapped;  // the length of its mapping (huge_alloc), or 0 when calloc made it
  ~Region();
};

// Every live region of the process, by start address: one registry for all threads, since a
// buffer transferred to a worker thread is still library memory there.
struct Registry {
  std::mutex mutex;
  std::map<uintptr_t, std::weak_ptr<Region>> regions;
};
Registry& registry() {
  static Registry* r = new Registry;  // never destroyed: regions may outlive static destructors at exit
  return *r;
}

Region::~Region() {
  {
    std::lock_guard<std::mutex> lock(registry().mutex);
    registry().regions.erase(reinterpret_cast<uintptr_t>(data));
  }
  if (mapped != 0) {
    coordconv::huge_free(data, mapped);
    return;
  }
  std::free(data);
}

void release(napi_env, void*, void* hint) { delete static_cast<std::shared_ptr<Region>*>(hint); }

Napi::Value Allocate(const Napi::CallbackInfo& info) {
  const Napi::Env env = info.Env();
  // lib/ checked the count: a safe integer >= 1.
  const double requested = info[0].As<Napi::Number>().DoubleValue();
  const size_t bytes = static_cast<size_t>(requested);
  // Zero pages mapped on first touch (either way), so a large allocation holds the event loop no
  // longer than a small one.
  const bool valid = requested >= 1 && requested <= 9007199254740991.0;
  size_t mapped = 0;
  // Decoding four 64 MiB batches by turns (out of cache) read them in 2.6 ms a batch from huge
  // pages against 3.3 ms from 4 KiB ones, ArrayBuffers included.
  void* data = valid ? coordconv::huge_alloc(bytes, &mapped) : nullptr;
  if (valid && data == nullptr) data = std::calloc(bytes, 1);
  if (data == nullptr) {
    throw Napi::RangeError::New(env, "Expected a size the process can allocate for allocate but could not get " +
                                         std::to_string(bytes) + " bytes");
  }
  auto* region = new std::shared_ptr<Region>(new Region{static_cast<uint8_t*>(data), bytes, mapped});
  {
    std::lock_guard<std::mutex> lock(registry().mutex);
    registry().regions[reinterpret_cast<uintptr_t>(data)] = *region;
  }
  napi_value buffer = nullptr;
  const napi_status status = napi_create_external_arraybuffer(env, data, bytes, release, region, &buffer);
  if (status != napi_ok) {
    delete region;
    NAPI_THROW_IF_FAILED(env, status, Napi::Value());
  }
  return Napi::Value(env, buffer);
}

}  // namespace

std::shared_ptr<void> find_library_memory(const void* data, size_t bytes) {
  const uintptr_t at = reinterpret_cast<uintptr_t>(data);
  std::lock_guard<std::mutex> lock(registry().mutex);
  auto it = registry().regions.upper_bound(at);
  if (it == registry().regions.begin()) return nullptr;
  --it;
  std::shared_ptr<Region> region = it->second.lock();
  if (!region || at - it->first > region->bytes || bytes > region->bytes - (at - it->first)) return nullptr;
  return region;
}

void register_library_memory(Napi::Env env, Napi::Object exports) {
  exports.Set("_allocate", Napi::Function::New(env, Allocate, "_allocate"));
}

}  // namespace coordconv_binding
