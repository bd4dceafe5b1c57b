#include "ops.h"

#include <algorithm>
#include <vector>

#include "checked.h"

namespace coordconv {

void relu(const Kernels& k, ThreadPool& pool, const float* in, float* out, size_t n,
          size_t threads) {
  // Chunks of 64 Ki elements keep each share large enough to be worth a thread.
  constexpr size_t kChunk = size_t(1) << 16;
  const size_t chunks = (n + kChunk - 1) / kChunk;
  pool.parallel_for(chunks, threads, [&](size_t begin, size_t end) {
    const size_t lo = begin * kChunk, hi = std::min(n, end * kChunk);
    k.relu_f32(in + lo, out + lo, hi - lo);
  });
}

void sum_planes(const Kernels& k, ThreadPool& pool, const PlaneBatch& in, size_t threads,
                double* out) {
  pool.parallel_for(in.planes, threads, [&](size_t begin, size_t end) {
    for (size_t i = begin; i < end; ++i) {
      out[i] = in.dtype == DType::kFloat32
                   ? k.sum_f32(static_cast<const float*>(in.plane(i)), in.plane_size())
                   : k.sum_u8(static_cast<const uint8_t*>(in.plane(i)), in.plane_size());
    }
  });
}

void argmax_planes(const Kernels& k, ThreadPool& pool, const PlaneBatch& in, size_t threads,
                   float* values, double* indices, uint8_t* finite) {
  pool.parallel_for(in.planes, threads, [&](size_t begin, size_t end) {
    for (size_t i = begin; i < end; ++i) {
      const ArgMax r = in.dtype == DType::kFloat32
                           ? k.argmax_f32(static_cast<const float*>(in.plane(i)), in.plane_size())
                           : k.argmax_u8(static_cast<const uint8_t*>(in.plane(i)), in.plane_size());
      values[i] = r.value;
      indices[i] = static_cast<double>(r.index);
      finite[i] = r.finite ? 1 : 0;
    }
  });
}

uint8_t sweep_bytes(const Kernels& k, ThreadPool& pool, const uint8_t* p, size_t bytes,
                    size_t threads) {
  // One contiguous range per thread, so each streams through memory linearly.
  const size_t shares = std::max<size_t>(1, std::min(threads, bytes / 4096 + 1));
  std::vector<uint8_t> partial(shares, 0);
  pool.parallel_for(shares, shares, [&](size_t begin, size_t end) {
    for (size_t s = begin; s < end; ++s) {
      const size_t lo = bytes / shares * s, hi = s + 1 == shares ? bytes : bytes / shares * (s + 1);
      partial[s] = k.sweep_u8(p + lo, hi - lo);
    }
  });
  uint8_t r = 0;
  for (uint8_t v : partial) r |= v;
  return r;
}

}  // namespace coordconv
