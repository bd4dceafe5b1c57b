// The flip test's merge, in one pass: each output element reads one element of each input, once.
// Rows go through the mean_f32 / mean_reversed_f32 kernels in chunks of kChunk floats; float16
// and uint8 chunks are widened exactly into per-thread scratch first (u8_to_f32, f16_to_f32), so
// the arithmetic is float32 on every dtype.
#include "flip.h"

#include <algorithm>
#include <vector>

#include "decode.h"

namespace coordconv {
namespace {

// Floats per chunk: two chunks of scratch stay in L1 while the kernel reads them.
constexpr size_t kChunk = 4096;

// `count` elements of `b` from element `first`, as floats: in place for float32, else widened
// into `scratch` (exact for uint8 and float16).
const float* floats(const Kernels& k, const PlaneBatch& b, size_t first, size_t count, float* scratch) {
  switch (b.dtype) {
    case DType::kFloat32: return static_cast<const float*>(b.data) + first;
    case DType::kUint8: k.u8_to_f32(static_cast<const uint8_t*>(b.data) + first, scratch, count); return scratch;
    case DType::kFloat16: k.f16_to_f32(static_cast<const uint16_t*>(b.data) + first, scratch, count); return scratch;
  }
  return nullptr;
}

struct Scratch {
  std::vector<float> a, b;
};

// out[i] = (a[a0 + i] + b[b0 + (mirror ? n - 1 - i : i)]) * 0.5, i < n, chunk by chunk.
void mean_run(const Kernels& k, const FlipPair& p, size_t a0, size_t b0, float* out, size_t n, Scratch& s) {
  for (size_t c = 0; c < n; c += kChunk) {
    const size_t len = std::min(kChunk, n - c);
    const float* av = floats(k, p.plain, a0 + c, len, s.a.data());
    if (p.mirror) {
      // Output chunk [c, c + len) reads b's elements [n - c - len, n - c), back to front.
      k.mean_reversed_f32(av, floats(k, p.flipped, b0 + n - c - len, len, s.b.data()), out + c, len);
    } else {
      k.mean_f32(av, floats(k, p.flipped, b0 + c, len, s.b.data()), out + c, len);
    }
  }
}

// One row of an NCHW pair: row r of plane `plane` averaged with the same row of flipped's plane
// `source`. With shift, column 0 pairs with b's last column and columns 1.. are the mirrored mean
// of the rows without their first element (out[w] = a[w] + b[W - w]).
void nchw_row(const Kernels& k, const FlipPair& p, size_t plane, size_t source, size_t row, Scratch& s) {
  const size_t w = p.plain.width;
  const size_t a0 = (plane * p.plain.height + row) * w;
  const size_t b0 = (source * p.plain.height + row) * w;
  float* out = p.out + a0;
  if (!p.shift) return mean_run(k, p, a0, b0, out, w, s);
  const float first = *floats(k, p.plain, a0, 1, s.a.data());
  const float last = *floats(k, p.flipped, b0 + w - 1, 1, s.b.data());
  out[0] = (first + last) * 0.5f;
  mean_run(k, p, a0 + 1, b0 + 1, out + 1, w - 1, s);
}

// The column of flipped's row that output column x reads.
size_t source_column(const FlipPair& p, size_t x) {
  const size_t w = p.plain.width;
  if (!p.mirror) return x;
  if (!p.shift) return w - 1 - x;
  return x == 0 ? w - 1 : w - x;
}

// One row of an NHWC pair ([W, K] interleaved), in blocks of pixels whose K channels fit a chunk
// (at least one pixel). The flipped pixels a block reads are one contiguous run of columns
// (source_column is monotonic and steps by at most one).
void nhwc_row(const Kernels& k, const FlipPair& p, const uint32_t* perm, size_t image_row, Scratch& s) {
  const size_t w = p.plain.width, ch = p.plain.channels;
  const size_t row0 = image_row * w * ch;
  const size_t block = std::max<size_t>(1, kChunk / ch);
  for (size_t x0 = 0; x0 < w; x0 += block) {
    const size_t x1 = std::min(w, x0 + block);
    const size_t s0 = source_column(p, x0), s1 = source_column(p, x1 - 1);
    const size_t lo = std::min(s0, s1), hi = std::max(s0, s1);
    const float* av = floats(k, p.plain, row0 + x0 * ch, (x1 - x0) * ch, s.a.data());
    const float* bv = floats(k, p.flipped, row0 + lo * ch, (hi - lo + 1) * ch, s.b.data());
    float* out = p.out + row0 + x0 * ch;
    for (size_t x = x0; x < x1; ++x) {
      const float* ap = av + (x - x0) * ch;
      const float* bp = bv + (source_column(p, x) - lo) * ch;
      float* op = out + (x - x0) * ch;
      for (size_t c = 0; c < ch; ++c) op[c] = (ap[c] + bp[perm[c]]) * 0.5f;
    }
  }
}

// Rows of a pair: NCHW, every plane's rows; NHWC, every image's rows.
size_t rows(const FlipPair& p) {
  return (p.plain.layout == Layout::kNhwc ? p.plain.images() : p.plain.planes) * p.plain.height;
}

std::string check_pair(const FlipPair& p, size_t keypoints, const char* name) {
  for (const PlaneBatch* b : {&p.plain, &p.flipped}) {
    if (std::string problem = check_plane_batch(*b); !problem.empty()) return std::string(name) + ": " + problem;
  }
  const PlaneBatch &a = p.plain, &b = p.flipped;
  if (a.planes != b.planes || a.height != b.height || a.width != b.width || a.layout != b.layout || a.channels != b.channels) {
    return std::string(name) + ": the two inputs must have the same shape and layout";
  }
  if (keypoints == 0 ? a.planes != 0 : a.planes % keypoints != 0) return std::string(name) + ": keypoints must divide the planes";
  if (a.layout == Layout::kNhwc && a.channels != keypoints) return std::string(name) + ": NHWC channels must be the keypoints";
  if (p.shift && !p.mirror) return std::string(name) + ": shift needs mirror";
  if (a.planes != 0 && !p.out) return std::string(name) + ": output buffer is null";
  return {};
}

}  // namespace

std::string check_flip_request(const FlipRequest& req) {
  if (req.pair_count < 1 || req.pair_count > 2) return "pair count must be 1 or 2";
  if (req.threads == 0) return "threads must be positive";
  for (size_t i = 0; i < req.pair_count; ++i) {
    if (std::string problem = check_pair(req.pairs[i], req.keypoints, i == 0 ? "first pair" : "second pair"); !problem.empty()) {
      return problem;
    }
  }
  if (req.pair_count == 2 && req.pairs[0].plain.planes != req.pairs[1].plain.planes) return "both pairs must hold the same planes";
  if (req.keypoints != 0 && !req.flip_indices) return "flip indices are null";
  std::vector<bool> seen(req.keypoints, false);
  for (size_t i = 0; i < req.keypoints; ++i) {
    const uint32_t j = req.flip_indices[i];
    if (j >= req.keypoints || seen[j]) return "flip indices must be a permutation of the keypoints";
    seen[j] = true;
  }
  return {};
}

void merge_flipped(const Kernels& k, ThreadPool& pool, const FlipRequest& req) {
  size_t most = 0, scratch_floats = kChunk;
  bool widen = false;
  for (size_t i = 0; i < req.pair_count; ++i) {
    const FlipPair& p = req.pairs[i];
    most = std::max(most, rows(p));
    widen = widen || p.plain.dtype != DType::kFloat32 || p.flipped.dtype != DType::kFloat32;
    if (p.plain.layout == Layout::kNhwc) scratch_floats = std::max(scratch_floats, p.plain.channels);
  }
  if (most == 0) return;
  const size_t parts = split_parts(pool, most, req.threads);
  std::vector<Scratch> scratch(parts);
  if (widen) {
    for (Scratch& s : scratch) {
      s.a.resize(scratch_floats);
      s.b.resize(scratch_floats);
    }
  }
  const size_t keypoints = req.keypoints;
  for (size_t i = 0; i < req.pair_count; ++i) {
    const FlipPair& p = req.pairs[i];
    const size_t n = rows(p), height = p.plain.height;
    pool.parallel_for(parts, parts, [&](size_t begin, size_t end) {
      for (size_t part = begin; part < end; ++part) {
        Scratch& s = scratch[part];
        const size_t first = n * part / parts, last = n * (part + 1) / parts;
        if (p.plain.layout == Layout::kNhwc) {
          for (size_t r = first; r < last; ++r) nhwc_row(k, p, req.flip_indices, r, s);
          continue;
        }
        // Row by row through the planes, dividing once per part.
        size_t plane = first / height, row = first % height;
        for (size_t r = first; r < last; ++r) {
          const size_t source = plane - plane % keypoints + req.flip_indices[plane % keypoints];
          nchw_row(k, p, plane, source, row, s);
          if (++row == height) {
            row = 0;
            ++plane;
          }
        }
      }
    });
  }
}

}  // namespace coordconv
