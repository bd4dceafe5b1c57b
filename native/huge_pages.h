// Large buffers on transparent huge pages: allocate() regions (binding/library_memory.cc) and the
// staging blocks async calls copy their inputs into (block_pool.h).
#pragma once

#include <cstddef>

namespace coordconv {

// A mapping of at least `bytes` on 2 MiB boundaries, marked for transparent huge pages, which this
// kernel grants only on request (`madvise` mode): a stream through it misses the TLB once per
// 2 MiB instead of once per 4 KiB, and in a VM each miss walks the page tables twice over. Its
// pages are zero, mapped on first touch, as calloc's are. Returns null, and maps nothing, below
// kHugeFrom (a smaller buffer would waste most of a huge page), where the mapping fails and off
// Linux; otherwise sets *mapped to the length to give huge_free.
void* huge_alloc(size_t bytes, size_t* mapped);
void huge_free(void* data, size_t mapped);

constexpr size_t kHugeFrom = size_t(4) << 20;

}  // namespace coordconv
