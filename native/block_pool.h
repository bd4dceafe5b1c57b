// Reusable byte blocks for staging async inputs and outputs. A fresh large allocation is a fresh
// mapping whose every page faults on first write: staging a 64 MiB batch that way cost ~50 ms of
// the event loop against ~6 ms for the copy into warm pages. Blocks come back here when a job is
// done and are handed out again to a job of a similar size. Blocks of kHugeFrom bytes or more are
// on huge pages (huge_pages.h), as allocate() memory is: the copy into one and the decode reading
// it each miss the TLB once per 2 MiB.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

namespace coordconv {

class BlockPool : public std::enable_shared_from_this<BlockPool> {
 public:
  // Keeps at most `max_bytes` of idle blocks; beyond that a returned block is freed.
  static std::shared_ptr<BlockPool> create(size_t max_bytes);
  ~BlockPool();
  BlockPool(const BlockPool&) = delete;
  BlockPool& operator=(const BlockPool&) = delete;

  struct Release {
    std::shared_ptr<BlockPool> pool;
    size_t capacity = 0;
    size_t mapped = 0;  // the huge mapping's length, or 0 for a new[] block
    void operator()(uint8_t* p) const;
  };
  using Block = std::unique_ptr<uint8_t[], Release>;

  // A block of at least `bytes` (never null; at least one byte): an idle one that fits without
  // wasting more than its own size, else a new one.
  Block take(size_t bytes);

 private:
  struct Idle {
    uint8_t* data;
    size_t capacity;
    size_t mapped;
  };
  explicit BlockPool(size_t max_bytes) : max_bytes_(max_bytes) {}
  void give_back(const Idle& block);
  static void free_block(const Idle& block);

  std::mutex mutex_;
  std::vector<Idle> idle_;
  size_t idle_bytes_ = 0;
  const size_t max_bytes_;
};

}  // namespace coordconv
