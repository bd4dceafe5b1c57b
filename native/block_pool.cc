#include "block_pool.h"

#include <algorithm>

namespace coordconv {

std::shared_ptr<BlockPool> BlockPool::create(size_t max_bytes) {
  return std::shared_ptr<BlockPool>(new BlockPool(max_bytes));
}

void BlockPool::Release::operator()(uint8_t* p) const {
  if (pool) {
    pool->give_back(p, capacity);
  } else {
    delete[] p;
  }
}

BlockPool::Block BlockPool::take(size_t bytes) {
  bytes = std::max<size_t>(bytes, 1);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    // The smallest idle block that holds `bytes` and is at most twice that.
    auto best = idle_.end();
    for (auto it = idle_.begin(); it != idle_.end(); ++it) {
      if (it->first >= bytes && it->first / 2 <= bytes && (best == idle_.end() || it->first < best->first)) best = it;
    }
    if (best != idle_.end()) {
      const size_t capacity = best->first;
      uint8_t* p = best->second.release();
      idle_bytes_ -= capacity;
      idle_.erase(best);
      return Block(p, Release{shared_from_this(), capacity});
    }
  }
  return Block(new uint8_t[bytes], Release{shared_from_this(), bytes});
}

void BlockPool::give_back(uint8_t* p, size_t capacity) {
  std::unique_ptr<uint8_t[]> block(p);
  std::lock_guard<std::mutex> lock(mutex_);
  if (idle_bytes_ + capacity > max_bytes_) return;  // freed on leaving scope
  idle_bytes_ += capacity;
  idle_.emplace_back(capacity, std::move(block));
}

size_t BlockPool::idle_bytes() {
  std::lock_guard<std::mutex> lock(mutex_);
  return idle_bytes_;
}

}  // namespace coordconv
