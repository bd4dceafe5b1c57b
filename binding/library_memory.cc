#include "library_memory.h"

#include <cstdint>
#include <cstdlib>
#include <map>
#include <mutex>
#include <string>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace coordconv_binding {
namespace {

// One allocation. Its registry entry goes when it does, on whichever thread drops the last
// holder (a job's worker thread or the JS thread's finalizer).
struct Region {
  uint8_t* data;
  size_t bytes;
  size_t mapped;  // the length of its mapping (huge_pages below), or 0 when calloc made it
  ~Region();
};

// Large regions are mapped on 2 MiB boundaries and marked for transparent huge pages, which this
// kernel grants only on request (`madvise` mode). Decoding four 64 MiB batches by turns (out of
// cache) read them in 2.6 ms a batch from huge pages against 3.3 ms from 4 KiB ones, ArrayBuffers
// included: a stream touches a new page every 4 KiB, and each miss in the TLB walks the tables
// twice over in a VM. Below kHugeFrom a region would waste most of a huge page. Returns null when
// the mapping fails (the caller then falls back to calloc); the pages are zero, mapped on first
// touch, as calloc's are.
void* huge_pages(size_t bytes, size_t* mapped) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  constexpr size_t kHugePage = size_t(2) << 20;
  constexpr size_t kHugeFrom = size_t(4) << 20;
  if (bytes < kHugeFrom || bytes > SIZE_MAX - 2 * kHugePage) return nullptr;
  const size_t length = (bytes + kHugePage - 1) / kHugePage * kHugePage;
  // Mapped a huge page longer, then trimmed to the aligned part.
  void* at = mmap(nullptr, length + kHugePage, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (at == MAP_FAILED) return nullptr;
  const uintptr_t start = reinterpret_cast<uintptr_t>(at);
  const uintptr_t aligned = (start + kHugePage - 1) / kHugePage * kHugePage;
  if (aligned != start) munmap(at, aligned - start);
  munmap(reinterpret_cast<void*>(aligned + length), kHugePage - (aligned - start));
  // Advice only: without it the region is still good memory, of small pages.
  madvise(reinterpret_cast<void*>(aligned), length, MADV_HUGEPAGE);
  *mapped = length;
  return reinterpret_cast<void*>(aligned);
#else
  (void)bytes;
  (void)mapped;
  return nullptr;
#endif
}

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
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  if (mapped != 0) {
    munmap(data, mapped);
    return;
  }
#endif
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
  void* data = valid ? huge_pages(bytes, &mapped) : nullptr;
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
