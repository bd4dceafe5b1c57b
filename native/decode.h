// Heatmap and one-hot decoding: one coordinate pair, score and validity flag per plane.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "kernels.h"
#include "planes.h"
#include "thread_pool.h"

namespace coordconv {

enum class DecodeMethod { kExact };

struct DecodeRequest {
  PlaneBatch input;
  DecodeMethod method = DecodeMethod::kExact;
  size_t threads = 1;
  float* coords = nullptr;   // planes * 2 (x, y)
  float* scores = nullptr;   // planes
  uint8_t* valid = nullptr;  // planes
};

// Empty on success, else why the request is malformed (nothing is written then).
std::string check_decode_request(const DecodeRequest& req);

// Decodes every plane; the request must have passed check_decode_request.
void decode(const Kernels& k, ThreadPool& pool, const DecodeRequest& req);

// The exact decoder for one plane, written with the fused one-hot scan.
void decode_exact_plane(const Kernels& k, const void* plane, DType dtype, size_t height,
                        size_t width, float* xy, float* score, uint8_t* valid);

}  // namespace coordconv
