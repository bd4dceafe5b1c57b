#include "huge_pages.h"

#include <cstdint>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace coordconv {

void* huge_alloc(size_t bytes, size_t* mapped) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  constexpr size_t kHugePage = size_t(2) << 20;
  if (bytes < kHugeFrom || bytes > SIZE_MAX - 2 * kHugePage) return nullptr;
  const size_t length = (bytes + kHugePage - 1) / kHugePage * kHugePage;
  // Mapped a huge page longer, then trimmed to the aligned part.
  void* at = mmap(nullptr, length + kHugePage, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (at == MAP_FAILED) return nullptr;
  const uintptr_t start = reinterpret_cast<uintptr_t>(at);
  const uintptr_t aligned = (start + kHugePage - 1) / kHugePage * kHugePage;
  if (aligned != start) munmap(at, aligned - start);
  munmap(reinterpret_cast<void*>(aligned + length), kHugePage - (aligned - start));
  // Advice only: without it the mapping is still good memory, of small pages.
  madvise(reinterpret_cast<void*>(aligned), length, MADV_HUGEPAGE);
  *mapped = length;
  return reinterpret_cast<void*>(aligned);
#else
  (void)bytes;
  (void)mapped;
  return nullptr;
#endif
}

void huge_free(void* data, size_t mapped) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  munmap(data, mapped);
#else
  (void)data;
  (void)mapped;
#endif
}

}  // namespace coordconv
