// Per-call working floats that are allocated with the call's scratch, so that running out of
// memory is the call's error and not a worker's, but not written until the work writes them. A
// zero-filled std::vector of a plane's size, one a thread, cost its page faults and writes on the
// calling thread before any plane was read: 'dark' on two 1024 x 1024 planes took 45x the
// argmax's time for three such buffers it never used.
#pragma once

#include <cstddef>
#include <memory>

namespace coordconv {

class ScratchFloats {
 public:
  void allocate(size_t n) {
    data_.reset(new float[n]);
    size_ = n;
  }
  float* data() { return data_.get(); }
  const float* data() const { return data_.get(); }
  float& operator[](size_t i) { return data_[i]; }
  size_t size() const { return size_; }

 private:
  std::unique_ptr<float[]> data_;
  size_t size_ = 0;
};

}  // namespace coordconv
