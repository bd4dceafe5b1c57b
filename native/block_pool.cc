#include "block_pool.h"

#include <algorithm>

#include "huge_pages.h"

namespace coordconv {

std::shared_ptr<BlockPool> BlockPool::create(size_t max_bytes) {
  return std::shared_ptr<BlockPool>(new BlockPool(max_bytes));
}

BlockPool::~BlockPool() {
  for (const Idle& block : idle_) free_block(block);
}

void BlockPool::free_block(const Idle& block) {
  if (block.mapped != 0) {
    huge_free(block.data, block.mapped);
  } else {
    delete[] block.data;
  }
}

void BlockPool::Release::operator()(uint8_t* p) const {
  const Idle block{p, capacity, mapped};
  if (pool) {
    pool->give_back(block);
  } else {
    free_block(block);
  }
}

BlockPool::Block BlockPool::take(size_t bytes) {
  bytes = std::max<size_t>(bytes, 1);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    // The smallest idle block that holds `bytes` and is at most twice that.
    auto best = idle_.end();
    for (auto it = idle_.begin(); it != idle_.end(); ++it) {
      const bool fits = it->capacity >= bytes && it->capacity / 2 <= bytes;
      if (fits && (best == idle_.end() || it->capacity < best->capacity)) best = it;
    }
    if (best != idle_.end()) {
      const Idle block = *best;
      idle_bytes_ -= block.capacity;
      idle_.erase(best);
      return Block(block.data, Release{shared_from_this(), block.capacity, block.mapped});
    }
  }
  size_t mapped = 0;
  // A huge block's capacity is its whole mapping: all of it is usable, and all of it is what the
  // pool holds (its last huge page is faulted in whole), so the idle limit counts it.
  if (void* p = huge_alloc(bytes, &mapped)) {
    return Block(static_cast<uint8_t*>(p), Release{shared_from_this(), mapped, mapped});
  }
  return Block(new uint8_t[bytes], Release{shared_from_this(), bytes, 0});
}

void BlockPool::give_back(const Idle& block) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (idle_bytes_ + block.capacity <= max_bytes_) {
      idle_bytes_ += block.capacity;
      idle_.push_back(block);
      return;
    }
  }
  free_block(block);
}

}  // namespace coordconv
