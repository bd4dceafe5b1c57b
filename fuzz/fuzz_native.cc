// libFuzzer target over native/: the fuzz bytes become one request (which entry point, dtype,
// sizes, alignment, values); every SIMD path this CPU runs computes it and must agree with the
// scalar reference, as kernels.h documents (bit for bit; the double sums of sum_f32 within 1e-12
// relative, of centroid_row_f32 and softmax_row_f32 within 1e-6). Buffers
// are heap blocks of exactly the request's size, so ASan sees any read or write past an end.
// Sizes are bounded so one input runs in microseconds; the request checkers get unbounded sizes.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <algorithm>
#include <array>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "../native/boxes.h"
#include "../native/decode.h"
#include "../native/dispatch.h"
#include "../native/flip.h"
#include "../native/kernels.h"
#include "../native/conv.h"
#include "../native/ops.h"
#include "../native/peaks.h"
#include "../native/sample.h"
#include "../native/simcc.h"
#include "../native/thread_pool.h"
#include "../native/transform.h"

namespace {

using namespace coordconv;

// Reads the fuzz input front to back; past the end every read is 0.
class Reader {
 public:
  Reader(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  uint8_t u8() { return pos_ < size_ ? data_[pos_++] : 0; }
  uint16_t u16() { return static_cast<uint16_t>(u8() | (u8() << 8)); }
  uint64_t u64() {
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v |= uint64_t(u8()) << (8 * i);
    return v;
  }
  float f32() {
    uint32_t bits = uint32_t(u16()) | (uint32_t(u16()) << 16);
    float v;
    std::memcpy(&v, &bits, 4);
    return v;
  }
  size_t left() const { return pos_ < size_ ? size_ - pos_ : 0; }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
};

// Values kernels get wrong: signed zeros, NaNs (quiet, signalling, negative), infinities,
// denormals, the float32 limits, 255.
float hostile(uint8_t k) {
  static const uint32_t kBits[] = {
      0x00000000, 0x80000000, 0x3f800000, 0xbf800000, 0x7fc00000, 0xffc00000, 0x7f800001, 0x7f800000,
      0xff800000, 0x00000001, 0x80000001, 0x007fffff, 0x00800000, 0x7f7fffff, 0xff7fffff, 0x437f0000,
  };
  float v;
  std::memcpy(&v, &kBits[k % 16], 4);
  return v;
}

// The binary16 counterparts: zeros, +-1, NaNs (quiet, signalling, negative), infinities,
// subnormals, the largest finite halves.
uint16_t hostile_half(uint8_t k) {
  static const uint16_t kBits[] = {0x0000, 0x8000, 0x3C00, 0xBC00, 0x7E00, 0xFE00, 0x7C01, 0x7C00,
                                   0xFC00, 0x0001, 0x8001, 0x03FF, 0x0400, 0x7BFF, 0xFBFF, 0x5BF8};
  return kBits[k % 16];
}

// Data generation modes: raw bits, hostile table values, sparse (zeros with a few hot elements),
// ties (every element one of four values, the same one once the input runs out: argmax's
// first-index rule over repeats and long equal runs).
template <typename T>
void fill(Reader& in, T* p, size_t n, uint8_t mode) {
  std::memset(p, 0, n * sizeof(T));
  if (n == 0) return;
  if (mode % 4 == 3) {
    T palette[4];
    for (T& v : palette) {
      if constexpr (sizeof(T) == 4) {
        v = hostile(in.u8() % 4 == 0 ? in.u8() : 2 + in.u8() % 2);  // mostly +-1, sometimes anything
      } else if constexpr (sizeof(T) == 2) {
        v = hostile_half(in.u8() % 4 == 0 ? in.u8() : 2 + in.u8() % 2);
      } else {
        v = in.u8();
      }
    }
    for (size_t i = 0; i < n; ++i) p[i] = palette[in.u8() % 4];
    return;
  }
  if (mode % 4 == 2) {  // sparse: a handful of writes at chosen positions
    const size_t writes = in.u8() % 5;
    for (size_t w = 0; w < writes; ++w) {
      const size_t at = static_cast<size_t>(in.u16() | (uint32_t(in.u8()) << 16)) % n;
      if constexpr (sizeof(T) == 4) {
        p[at] = (in.u8() & 1) ? hostile(in.u8()) : in.f32();
      } else if constexpr (sizeof(T) == 2) {
        p[at] = (in.u8() & 1) ? hostile_half(in.u8()) : in.u16();
      } else {
        p[at] = in.u8();
      }
    }
    return;
  }
  for (size_t i = 0; i < n && in.left() > 0; ++i) {
    if constexpr (sizeof(T) == 4) {
      p[i] = mode % 4 == 0 ? in.f32() : hostile(in.u8());
    } else if constexpr (sizeof(T) == 2) {
      p[i] = mode % 4 == 0 ? in.u16() : hostile_half(in.u8());
    } else {
      p[i] = in.u8();
    }
  }
}

// A block of exactly `count` elements starting `misalign` elements into its allocation, as a
// typed array view at a byte offset sits in its ArrayBuffer; the block ends where the data does.
template <typename T>
struct Block {
  std::unique_ptr<T[]> raw;
  T* p;
  Block(size_t count, size_t misalign) : raw(new T[count + misalign]), p(raw.get() + misalign) {}
};

bool same_float(float a, float b) {
  if (std::isnan(a) && std::isnan(b)) return true;
  uint32_t x, y;
  std::memcpy(&x, &a, 4);
  std::memcpy(&y, &b, 4);
  return x == y;
}

[[noreturn]] void mismatch(const char* what, const Kernels& k, const std::string& detail) {
  std::fprintf(stderr, "MISMATCH %s: %s differs from scalar: %s\n", what, k.name, detail.c_str());
  std::abort();
}

std::vector<const Kernels*> simd_paths() {
  std::vector<const Kernels*> out;
  for (const char* name : {"avx512", "avx2", "neon"}) {
    if (const Kernels* k = kernels_by_name(name)) out.push_back(k);
  }
  return out;
}

const Kernels& scalar() { return *kernels_by_name("scalar"); }

ThreadPool& pool() {
  static ThreadPool p(2);
  return p;
}

template <typename T>
void fuzz_reductions(Reader& in, size_t n, size_t misalign, uint8_t mode) {
  Block<T> b(n, misalign);
  fill(in, b.p, n, mode);
  const Kernels& s = scalar();
  OneHotScan ref_scan{}, scan{};
  ArgMax ref_max, got_max;
  double ref_sum, got_sum;
  if constexpr (sizeof(T) == 4) {
    s.onehot_f32(b.p, n, &ref_scan);
    ref_max = s.argmax_f32(b.p, n);
    ref_sum = s.sum_f32(b.p, n);
  } else {
    s.onehot_u8(b.p, n, &ref_scan);
    ref_max = s.argmax_u8(b.p, n);
    ref_sum = s.sum_u8(b.p, n);
  }
  for (const Kernels* k : simd_paths()) {
    if constexpr (sizeof(T) == 4) {
      k->onehot_f32(b.p, n, &scan);
      got_max = k->argmax_f32(b.p, n);
      got_sum = k->sum_f32(b.p, n);
    } else {
      k->onehot_u8(b.p, n, &scan);
      got_max = k->argmax_u8(b.p, n);
      got_sum = k->sum_u8(b.p, n);
    }
    const std::string size = " n=" + std::to_string(n) + (sizeof(T) == 4 ? " f32" : " u8");
    if (scan.nonzero != ref_scan.nonzero || scan.first != ref_scan.first) {
      mismatch("onehot", *k, "nonzero " + std::to_string(scan.nonzero) + " vs " + std::to_string(ref_scan.nonzero) +
                                 ", first " + std::to_string(scan.first) + " vs " + std::to_string(ref_scan.first) + size);
    }
    if (!same_float(got_max.value, ref_max.value) || got_max.index != ref_max.index || got_max.finite != ref_max.finite) {
      mismatch("argmax", *k, "index " + std::to_string(got_max.index) + " vs " + std::to_string(ref_max.index) + size);
    }
    const bool sum_ok = std::isfinite(ref_sum)
                            ? (sizeof(T) == 1 ? got_sum == ref_sum : std::fabs(got_sum - ref_sum) <= 1e-12 * std::fabs(ref_sum) + 1e-300 ||
                                                                        [&] {
                                                                          // Cancellation: bound by the sum of magnitudes.
                                                                          double mag = 0;
                                                                          for (size_t i = 0; i < n; ++i) mag += std::fabs(double(b.p[i]));
                                                                          return std::fabs(got_sum - ref_sum) <= double(n) * 0x1p-52 * mag;
                                                                        }())
                            : (std::isnan(ref_sum) ? std::isnan(got_sum) : got_sum == ref_sum);
    if (!sum_ok) mismatch("sum", *k, std::to_string(got_sum) + " vs " + std::to_string(ref_sum) + size);
  }
}

void fuzz_elementwise(Reader& in, size_t n, size_t misalign, uint8_t mode) {
  Block<float> x(n, misalign);
  fill(in, x.p, n, mode);
  Block<float> ref_relu(n, 0), got_relu(n, misalign);
  scalar().relu_f32(x.p, ref_relu.p, n);
  for (const Kernels* k : simd_paths()) {
    k->relu_f32(x.p, got_relu.p, n);
    for (size_t i = 0; i < n; ++i) {
      if (!same_float(got_relu.p[i], ref_relu.p[i])) mismatch("relu", *k, "element " + std::to_string(i) + " of " + std::to_string(n));
    }
  }
}

// Every field of a decode request, as lib/ sends it: the native structs carry no defaults.
void set_argmax(DecodeRequest* r, size_t threads) {
  r->method = DecodeMethod::kArgmax;
  r->params.quarter_rule = QuarterRule::kMmpose;
  r->params.kernel = 11;
  r->params.sigma = 2.0;
  r->params.threshold = 0.5;
  r->params.beta = 1.0;
  r->params.min_score = 0.0;
  r->threads = threads;
}

// The minScore values lib/ can send: the default, logits' -Infinity, a negative and a positive cut.
double min_score(uint8_t k) {
  static const double kScores[] = {0.0, -std::numeric_limits<double>::infinity(), -0.5, 0.5};
  return kScores[k % 4];
}

// Mode bits 32 to 128 pick the method: argmax (0, as the corpus was made), both quarter rules,
// mmpose's 'udp' and 'megvii' with a kernel read from the input, or 'dark'.
void fuzz_decode(Reader& in, uint8_t mode, DType dtype) {
  DecodeRequest r;
  r.input.dtype = dtype;
  r.input.planes = 1 + in.u8() % 4;
  r.input.height = 1 + in.u8() % 48;
  r.input.width = 1 + in.u8() % 150;
  set_argmax(&r, 1 + in.u8() % 3);
  r.params.min_score = min_score(in.u8());
  const DecodeMethod methods[] = {DecodeMethod::kArgmax, DecodeMethod::kQuarter, DecodeMethod::kQuarter, DecodeMethod::kUdp,
                                  DecodeMethod::kMegvii, DecodeMethod::kDark, DecodeMethod::kUdp, DecodeMethod::kMegvii};
  r.method = methods[mode >> 5];
  if (mode >> 5 == 2) r.params.quarter_rule = QuarterRule::kHrnet;
  if (r.method != DecodeMethod::kArgmax) r.params.kernel = 1 + 2 * (in.u8() % 13);
  const size_t n = r.input.planes * r.input.height * r.input.width;
  const size_t misalign = in.u8() % 4;
  Block<float> f(dtype == DType::kFloat32 ? n : 0, misalign);
  Block<uint8_t> b(dtype == DType::kUint8 ? n : 0, misalign);
  Block<uint16_t> h(dtype == DType::kFloat16 ? n : 0, misalign);
  switch (dtype) {
    case DType::kFloat32: fill(in, f.p, n, mode); r.input.data = f.p; break;
    case DType::kUint8: fill(in, b.p, n, mode); r.input.data = b.p; break;
    case DType::kFloat16: fill(in, h.p, n, mode); r.input.data = h.p; break;
  }
  {
    DecodeRequest probe = r;
    probe.coords = probe.scores = reinterpret_cast<float*>(16);
    probe.valid = reinterpret_cast<uint8_t*>(16);
    if (!check_decode_request(probe).empty()) std::abort();  // every request built here is well formed
  }
  struct Out {
    std::vector<float> coords, scores;
    std::vector<uint8_t> valid;
  };
  auto run = [&](const Kernels& k) {
    Out o{std::vector<float>(2 * r.input.planes), std::vector<float>(r.input.planes), std::vector<uint8_t>(r.input.planes)};
    DecodeRequest q = r;
    q.coords = o.coords.data();
    q.scores = o.scores.data();
    q.valid = o.valid.data();
    decode(k, pool(), q);
    return o;
  };
  const Out ref = run(scalar());
  for (size_t p = 0; p < r.input.planes; ++p) {
    // The decoder's own contract: a valid plane decodes to finite coordinates; on the plane, with
    // a score above min_score, but for 'udp' and 'dark' (whose step is not bounded) and 'megvii'
    // (whose score is the blurred maximum / 255 + 0.5).
    const bool stepped = r.method == DecodeMethod::kUdp || r.method == DecodeMethod::kDark;
    const bool on_plane = stepped || (ref.coords[2 * p] >= 0 && ref.coords[2 * p] < float(r.input.width) &&
                                      ref.coords[2 * p + 1] >= 0 && ref.coords[2 * p + 1] < float(r.input.height));
    const bool scored = r.method == DecodeMethod::kMegvii || double(ref.scores[p]) > r.params.min_score;
    if (ref.valid[p] && !(std::isfinite(ref.coords[2 * p]) && std::isfinite(ref.coords[2 * p + 1]) && on_plane && scored)) {
      std::fprintf(stderr, "scalar decode put a valid plane off the plane\n");
      std::abort();
    }
  }
  for (const Kernels* k : simd_paths()) {
    const Out got = run(*k);
    for (size_t i = 0; i < r.input.planes; ++i) {
      if (got.valid[i] != ref.valid[i] || !same_float(got.scores[i], ref.scores[i]) ||
          !same_float(got.coords[2 * i], ref.coords[2 * i]) || !same_float(got.coords[2 * i + 1], ref.coords[2 * i + 1])) {
        mismatch("decode", *k, "plane " + std::to_string(i));
      }
    }
  }
}

// SimCC: x and y vectors of their own widths and dtypes, argmax or dark; every path bit for bit
// like scalar (argmax, u8_to_f32 and fir_f32 are exact on every path), and the contract: a
// valid keypoint has a score > min_score and finite coordinates, on the vectors for argmax.
void fuzz_simcc(Reader& in, uint8_t mode) {
  static const double kRatios[] = {2.0, 1.0, 1.66, 3.0, 0.5, 1e-30};
  static const double kMinScores[] = {0.0, -std::numeric_limits<double>::infinity(), 0.5, -1.0};
  SimccRequest r;
  r.x.dtype = (mode & 4) ? DType::kUint8 : DType::kFloat32;
  r.y.dtype = (mode & 8) ? DType::kUint8 : DType::kFloat32;
  r.x.planes = r.y.planes = 1 + in.u8() % 6;
  r.x.height = r.y.height = 1;
  r.x.width = 1 + in.u16() % 400;
  r.y.width = 1 + in.u16() % 400;
  r.method = (mode & 16) ? SimccMethod::kDark : SimccMethod::kArgmax;
  r.kernel_x = 1 + 2 * (in.u8() % 40);
  r.kernel_y = 1 + 2 * (in.u8() % 40);
  r.split_ratio = kRatios[in.u8() % 6];
  r.min_score = kMinScores[in.u8() % 4];
  r.threads = 1 + in.u8() % 3;
  const size_t misalign = in.u8() % 4;
  auto vectors = [&](const PlaneBatch& b) {
    const size_t n = b.planes * b.width;
    auto f = std::make_shared<Block<float>>(b.dtype == DType::kFloat32 ? n : 0, misalign);
    auto u = std::make_shared<Block<uint8_t>>(b.dtype == DType::kUint8 ? n : 0, misalign);
    if (b.dtype == DType::kUint8) fill(in, u->p, n, mode); else fill(in, f->p, n, mode);
    return std::make_pair(f, u);
  };
  const auto xs = vectors(r.x), ys = vectors(r.y);
  r.x.data = r.x.dtype == DType::kUint8 ? static_cast<const void*>(xs.second->p) : xs.first->p;
  r.y.data = r.y.dtype == DType::kUint8 ? static_cast<const void*>(ys.second->p) : ys.first->p;
  const size_t n = r.x.planes;
  struct Out {
    std::vector<float> coords, scores;
    std::vector<uint8_t> valid;
  };
  auto run = [&](const Kernels& k) {
    Out o{std::vector<float>(2 * n), std::vector<float>(n), std::vector<uint8_t>(n)};
    SimccRequest q = r;
    q.coords = o.coords.data();
    q.scores = o.scores.data();
    q.valid = o.valid.data();
    if (!check_simcc_request(q).empty()) std::abort();  // every request built here is well formed
    decode_simcc(k, pool(), q);
    return o;
  };
  const Out ref = run(scalar());
  const float ratio = static_cast<float>(r.split_ratio);
  for (size_t i = 0; i < n; ++i) {
    if (!ref.valid[i]) continue;
    const float x = ref.coords[2 * i], y = ref.coords[2 * i + 1];
    bool ok = static_cast<double>(ref.scores[i]) > r.min_score && std::isfinite(x) && std::isfinite(y);
    if (r.method == SimccMethod::kArgmax) {
      ok = ok && x >= 0 && y >= 0 && x * ratio <= float(r.x.width) && y * ratio <= float(r.y.width);
    }
    if (!ok) {
      std::fprintf(stderr, "scalar SimCC broke its contract at keypoint %zu\n", i);
      std::abort();
    }
  }
  for (const Kernels* k : simd_paths()) {
    const Out got = run(*k);
    for (size_t i = 0; i < n; ++i) {
      if (got.valid[i] != ref.valid[i] || !same_float(got.scores[i], ref.scores[i]) ||
          !same_float(got.coords[2 * i], ref.coords[2 * i]) || !same_float(got.coords[2 * i + 1], ref.coords[2 * i + 1])) {
        mismatch("decode_simcc", *k, "keypoint " + std::to_string(i));
      }
    }
  }
}

// Peaks over planes and over images: every path agrees with scalar bit for bit, and an image's
// peaks are the merge of its planes' (value descending, channel, then index ascending).
void fuzz_peaks(Reader& in, uint8_t mode, bool u8) {
  PeaksRequest r;
  r.input.dtype = u8 ? DType::kUint8 : DType::kFloat32;
  const size_t images = in.u8() % 4, per_image = in.u8() % 5;
  r.input.planes = images * per_image;
  r.input.height = 1 + in.u8() % 24;
  r.input.width = 1 + in.u8() % 70;
  r.k = 1 + in.u8() % 12;
  r.window = 1 + 2 * (in.u8() % 3);
  r.threshold = (in.u8() & 1) ? -1e30 : 0.25 * (in.u8() % 8) - 0.5;
  r.threads = 1 + in.u8() % 3;
  const size_t n = r.input.planes * r.input.height * r.input.width;
  const size_t misalign = in.u8() % 4;
  Block<float> f(u8 ? 0 : n, misalign);
  Block<uint8_t> b(u8 ? n : 0, misalign);
  if (u8) fill(in, b.p, n, mode); else fill(in, f.p, n, mode);
  r.input.data = n == 0 ? nullptr : (u8 ? static_cast<const void*>(b.p) : f.p);
  struct Out {
    std::vector<float> coords, scores;
    std::vector<uint8_t> valid;
    std::vector<uint32_t> counts, channels;
  };
  auto run = [&](const Kernels& k, PeaksOver over) {
    PeaksRequest q = r;
    q.over = over;
    q.images = over == PeaksOver::kImage ? images : r.input.planes;
    q.per_image = over == PeaksOver::kImage ? per_image : 1;
    Out o{std::vector<float>(2 * q.images * q.k), std::vector<float>(q.images * q.k), std::vector<uint8_t>(q.images * q.k),
          std::vector<uint32_t>(q.images), std::vector<uint32_t>(over == PeaksOver::kImage ? q.images * q.k : 0)};
    q.coords = o.coords.data();
    q.scores = o.scores.data();
    q.valid = o.valid.data();
    q.counts = o.counts.data();
    q.channels = o.channels.data();
    if (!check_peaks_request(q).empty()) std::abort();  // every request built here is well formed
    peaks(k, pool(), q);
    return o;
  };
  const Out plane = run(scalar(), PeaksOver::kPlane), image = run(scalar(), PeaksOver::kImage);
  const size_t k = r.k;
  for (size_t g = 0; g < images; ++g) {
    struct Peak {
      float value;
      uint32_t channel;
      float x, y;
    };
    std::vector<Peak> all;
    for (size_t c = 0; c < per_image; ++c) {
      const size_t i = g * per_image + c;
      for (size_t j = 0; j < plane.counts[i]; ++j) {
        all.push_back(Peak{plane.scores[i * k + j], uint32_t(c), plane.coords[2 * (i * k + j)], plane.coords[2 * (i * k + j) + 1]});
      }
    }
    // Within a plane the slots are already in (value, index) order, so a stable sort by (value,
    // channel) gives the documented order.
    std::stable_sort(all.begin(), all.end(), [](const Peak& a, const Peak& b) {
      return a.value != b.value ? a.value > b.value : a.channel < b.channel;
    });
    const size_t keep = std::min(k, all.size());
    bool same = image.counts[g] == keep;
    for (size_t j = 0; same && j < k; ++j) {
      const size_t at = g * k + j;
      same = j < keep ? image.valid[at] == 1 && same_float(image.scores[at], all[j].value) && image.channels[at] == all[j].channel &&
                            same_float(image.coords[2 * at], all[j].x) && same_float(image.coords[2 * at + 1], all[j].y)
                      : image.valid[at] == 0 && std::isnan(image.coords[2 * at]) && image.channels[at] == 0;
    }
    if (!same) {
      std::fprintf(stderr, "peaks over an image is not the merge of its planes' peaks (image %zu)\n", g);
      std::abort();
    }
  }
  for (const Kernels* kk : simd_paths()) {
    for (PeaksOver over : {PeaksOver::kPlane, PeaksOver::kImage}) {
      const Out& ref = over == PeaksOver::kPlane ? plane : image;
      const Out got = run(*kk, over);
      bool same = got.counts == ref.counts && got.valid == ref.valid && got.channels == ref.channels;
      for (size_t i = 0; same && i < ref.scores.size(); ++i) {
        same = same_float(got.scores[i], ref.scores[i]) && same_float(got.coords[2 * i], ref.coords[2 * i]) &&
               same_float(got.coords[2 * i + 1], ref.coords[2 * i + 1]);
      }
      if (!same) mismatch(over == PeaksOver::kPlane ? "peaks" : "peaks over images", *kk, "a batch");
    }
  }
}

// Channels-last input (layout kNhwc): any method and peaks, on every path, must give bit for bit
// what the same path gives on the planes stored one after the other (the transpose made here), and
// argmax_nhwc_f32 / _u8 must agree with the scalar kernel channel by channel.
void fuzz_decode_nhwc(Reader& in, uint8_t mode, DType dtype) {
  const bool u8 = dtype == DType::kUint8, half = dtype == DType::kFloat16;
  const size_t images = 1 + in.u8() % 3, channels = 1 + in.u8() % 40;
  const size_t h = 1 + in.u8() % 24, w = 1 + in.u8() % 40, hw = h * w, n = images * channels * hw;
  const DecodeMethod methods[] = {DecodeMethod::kArgmax,     DecodeMethod::kQuarter, DecodeMethod::kDark,
                                  DecodeMethod::kCentroid,   DecodeMethod::kSoftargmax, DecodeMethod::kExact,
                                  DecodeMethod::kUdp,        DecodeMethod::kMegvii};
  const DecodeMethod method = methods[in.u8() % 8];
  const size_t threads = 1 + in.u8() % 3, misalign = in.u8() % 4;
  const bool f32 = dtype == DType::kFloat32;
  Block<float> f(f32 ? n : 0, misalign), ft(f32 ? n : 0, 0);
  Block<uint8_t> b(u8 ? n : 0, misalign), bt(u8 ? n : 0, 0);
  Block<uint16_t> hb(half ? n : 0, misalign), hbt(half ? n : 0, 0);  // float16 widened as it is read
  if (u8) fill(in, b.p, n, mode); else if (half) fill(in, hb.p, n, mode); else fill(in, f.p, n, mode);
  for (size_t i = 0; i < images; ++i) {
    for (size_t c = 0; c < channels; ++c) {
      for (size_t j = 0; j < hw; ++j) {
        const size_t from = (i * hw + j) * channels + c, to = (i * channels + c) * hw + j;
        if (u8) bt.p[to] = b.p[from]; else if (half) hbt.p[to] = hb.p[from]; else ft.p[to] = f.p[from];
      }
    }
  }
  PlaneBatch nhwc;
  nhwc.data = u8 ? static_cast<const void*>(b.p) : half ? static_cast<const void*>(hb.p) : f.p;
  nhwc.dtype = dtype;
  nhwc.planes = images * channels;
  nhwc.height = h;
  nhwc.width = w;
  nhwc.layout = Layout::kNhwc;
  nhwc.channels = channels;
  PlaneBatch nchw = nhwc;
  nchw.data = u8 ? static_cast<const void*>(bt.p) : half ? static_cast<const void*>(hbt.p) : ft.p;
  nchw.layout = Layout::kNchw;
  nchw.channels = 1;
  const size_t planes = nhwc.planes, kernel = 1 + 2 * (in.u8() % 4);
  auto decode_with = [&](const Kernels& k, const PlaneBatch& input) {
    DecodeRequest r;
    set_argmax(&r, threads);
    r.method = method;
    r.params.kernel = kernel;
    r.input = input;
    std::vector<float> out(3 * planes);
    std::vector<uint8_t> valid(planes);
    r.coords = out.data();
    r.scores = out.data() + 2 * planes;
    r.valid = valid.data();
    if (!check_decode_request(r).empty()) std::abort();  // every request built here is well formed
    decode(k, pool(), r);
    std::vector<uint8_t> bytes(out.size() * 4 + planes);
    std::memcpy(bytes.data(), out.data(), out.size() * 4);
    std::memcpy(bytes.data() + out.size() * 4, valid.data(), planes);
    return bytes;
  };
  const size_t k_slots = 1 + in.u8() % 8, window = 1 + 2 * (in.u8() % 3);
  auto peaks_with = [&](const Kernels& k, const PlaneBatch& input) {
    PeaksRequest r;
    r.input = input;
    r.k = k_slots;
    r.window = window;
    r.threshold = u8 ? 26.0 : 0.1;
    r.threads = threads;
    r.over = PeaksOver::kPlane;
    r.images = planes;
    r.per_image = 1;
    std::vector<float> out(3 * planes * k_slots);
    std::vector<uint8_t> valid(planes * k_slots);
    std::vector<uint32_t> counts(planes);
    r.coords = out.data();
    r.scores = out.data() + 2 * planes * k_slots;
    r.valid = valid.data();
    r.counts = counts.data();
    if (!check_peaks_request(r).empty()) std::abort();
    peaks(k, pool(), r);
    std::vector<uint8_t> bytes(out.size() * 4 + valid.size() + counts.size() * 4);
    std::memcpy(bytes.data(), out.data(), out.size() * 4);
    std::memcpy(bytes.data() + out.size() * 4, valid.data(), valid.size());
    std::memcpy(bytes.data() + out.size() * 4 + valid.size(), counts.data(), counts.size() * 4);
    return bytes;
  };
  std::vector<const Kernels*> paths = simd_paths();
  paths.push_back(&scalar());
  std::vector<ArgMax> ref(channels), got(channels);
  if (u8) scalar().argmax_nhwc_u8(b.p, hw, channels, channels, ref.data());
  else if (f32) scalar().argmax_nhwc_f32(f.p, hw, channels, channels, ref.data());
  for (const Kernels* k : paths) {
    if (decode_with(*k, nhwc) != decode_with(*k, nchw)) mismatch("decode nhwc vs nchw", *k, "planes " + std::to_string(planes));
    if (peaks_with(*k, nhwc) != peaks_with(*k, nchw)) mismatch("peaks nhwc vs nchw", *k, "planes " + std::to_string(planes));
    if (half) continue;  // no channels-last kernel reads halves
    if (u8) k->argmax_nhwc_u8(b.p, hw, channels, channels, got.data());
    else k->argmax_nhwc_f32(f.p, hw, channels, channels, got.data());
    for (size_t c = 0; c < channels; ++c) {
      if (got[c].finite != ref[c].finite || got[c].index != ref[c].index || !same_float(got[c].value, ref[c].value)) {
        mismatch("argmax_nhwc", *k, "channel " + std::to_string(c));
      }
    }
  }
}

void fuzz_conv2d(Reader& in, uint8_t mode) {
  ConvRequest r;
  r.batch = 1 + in.u8() % 2;
  r.channels = 1 + in.u8() % 3;
  r.coord_channels = std::array<size_t, 3>{0, 2, 3}[in.u8() % 3];
  r.height = 1 + in.u8() % 24;
  r.width = 1 + in.u8() % 80;
  r.out_channels = 1 + in.u8() % 3;
  r.kernel_h = 1 + in.u8() % 6;
  r.kernel_w = 1 + in.u8() % 6;
  r.stride_h = 1 + in.u8() % 3;
  r.stride_w = 1 + in.u8() % 3;
  r.dilation_h = 1 + in.u8() % 3;
  r.dilation_w = 1 + in.u8() % 3;
  r.pad_top = in.u8() % 4;
  r.pad_left = in.u8() % 4;
  r.pad_bottom = in.u8() % 4;
  r.pad_right = in.u8() % 4;
  r.relu = in.u8() & 1;
  r.threads = 1 + in.u8() % 3;
  const bool bias = in.u8() & 1;
  size_t oh, ow;
  if (!conv_output_size(r, &oh, &ow)) return;
  const size_t all = r.channels + r.coord_channels;
  const size_t in_n = r.batch * r.channels * r.height * r.width;
  const size_t w_n = r.out_channels * all * r.kernel_h * r.kernel_w;
  const size_t out_n = r.batch * r.out_channels * oh * ow;
  Block<float> x(in_n, 0), w(w_n, 0), b(r.out_channels, 0), ref(out_n, 0), got(out_n, 0);
  fill(in, x.p, in_n, mode);
  fill(in, w.p, w_n, mode == 2 ? 1 : mode);
  fill(in, b.p, r.out_channels, 1);
  r.input = x.p;
  r.weight = w.p;
  r.bias = bias ? b.p : nullptr;
  r.output = ref.p;
  if (!check_conv_request(r).empty()) return;
  conv(scalar(), pool(), r);
  for (const Kernels* k : simd_paths()) {
    r.output = got.p;
    conv(*k, pool(), r);
    for (size_t i = 0; i < out_n; ++i) {
      if (!same_float(got.p[i], ref.p[i])) mismatch("conv", *k, "element " + std::to_string(i));
    }
  }
}

// The request checkers on unbounded sizes: a request they accept never overflows.
void fuzz_checks(Reader& in) {
  DecodeRequest d;
  d.input.data = reinterpret_cast<const void*>(16);
  d.input.planes = in.u64() >> (in.u8() % 64);
  d.input.height = in.u64() >> (in.u8() % 64);
  d.input.width = in.u64() >> (in.u8() % 64);
  d.input.dtype = std::array<DType, 3>{DType::kFloat32, DType::kUint8, DType::kFloat16}[in.u8() % 3];
  set_argmax(&d, in.u8());
  d.coords = d.scores = reinterpret_cast<float*>(16);
  d.valid = reinterpret_cast<uint8_t*>(16);
  const uint8_t layout = in.u8();
  if (layout & 1) {
    d.input.layout = Layout::kNhwc;
    d.input.channels = in.u64() >> (in.u8() % 64);
  } else if (layout & 2) {
    d.input.channels = in.u64() >> (in.u8() % 64);  // NCHW with channels != 1 must be refused
  }
  if (check_decode_request(d).empty()) {
    const unsigned __int128 bytes = (unsigned __int128)d.input.planes * d.input.height * d.input.width * d.input.element_bytes();
    if (bytes > SIZE_MAX || d.input.height == 0 || d.input.width == 0 || d.input.height > kMaxSide || d.threads == 0) std::abort();
    const bool nhwc = d.input.layout == Layout::kNhwc;
    if (nhwc ? (d.input.channels == 0 ? d.input.planes != 0 : d.input.planes % d.input.channels != 0) : d.input.channels != 1) std::abort();
  }
  ConvRequest c;
  c.input = c.weight = c.output = reinterpret_cast<float*>(16);
  size_t* dims[] = {&c.batch, &c.channels, &c.height, &c.width, &c.out_channels, &c.kernel_h, &c.kernel_w,
                    &c.stride_h, &c.stride_w, &c.dilation_h, &c.dilation_w, &c.pad_top, &c.pad_bottom};
  for (size_t* p : dims) *p = in.u64() >> (in.u8() % 64);
  c.threads = 1;
  if (check_conv_request(c).empty()) {
    size_t oh = 0, ow = 0;
    if (!conv_output_size(c, &oh, &ow)) std::abort();
    using u128 = unsigned __int128;
    const u128 sizes[] = {u128(c.batch) * c.channels * c.height * c.width, u128(c.out_channels) * c.channels * c.kernel_h * c.kernel_w,
                          u128(c.batch) * c.out_channels * oh * ow};
    for (u128 sz : sizes) {
      // Only meaningful while the partial products fit 128 bits.
      if (sz > SIZE_MAX / 4 && c.batch < (1ull << 32) && c.channels < (1ull << 32) && c.out_channels < (1ull << 32)) std::abort();
    }
  }
}


// --- Decoder and encoder kernels: one block per Kernels entry, each within its documented
// preconditions and tolerance (kernels.h).
bool close_rel(double a, double b, double rel) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
  return std::fabs(a - b) <= rel * std::max(std::fabs(a), std::fabs(b)) + 1e-300;
}

void fuzz_decoder_kernels(Reader& in, size_t n, uint8_t mode) {
  const Kernels& s = scalar();
  Block<uint8_t> bytes(n, in.u8() % 4);
  fill(in, bytes.p, n, mode);
  const size_t ntaps = 1 + in.u8() % 7;
  std::vector<Block<float>> rows;
  std::vector<const float*> src;
  for (size_t t = 0; t < ntaps; ++t) {
    rows.emplace_back(n, t % 4);
    fill(in, rows.back().p, n, mode);
    // maxrows_f32 wants finite or -inf values: NaN and +inf become -inf.
    for (size_t i = 0; i < n; ++i) {
      if (!(rows.back().p[i] < std::numeric_limits<float>::infinity())) rows.back().p[i] = -std::numeric_limits<float>::infinity();
    }
    src.push_back(rows.back().p);
  }
  std::vector<float> taps(ntaps);
  for (float& tap : taps) tap = (in.u8() & 1) ? hostile(in.u8()) : in.f32();
  const float threshold = in.f32();
  Block<float> ref(n, 0), got(n, 0), ref_max(n, 0), got_max(n, 0);
  std::vector<uint32_t> ref_idx(n + kIndexSlack), got_idx(n + kIndexSlack);
  s.u8_to_f32(bytes.p, ref.p, n);
  // Some terms paired with a row of the set (the blur's mirrored taps), chosen by the input.
  std::vector<const float*> mirror(ntaps);
  for (size_t t = 0; t < ntaps; ++t) mirror[t] = (in.u8() & 1) ? src[in.u8() % ntaps] : nullptr;
  s.fir_f32(src.data(), mirror.data(), taps.data(), ntaps, ref_max.p, n);
  for (const Kernels* k : simd_paths()) {
    k->u8_to_f32(bytes.p, got.p, n);
    for (size_t i = 0; i < n; ++i) if (!same_float(got.p[i], ref.p[i])) mismatch("u8_to_f32", *k, "element " + std::to_string(i));
    k->fir_f32(src.data(), mirror.data(), taps.data(), ntaps, got_max.p, n);
    for (size_t i = 0; i < n; ++i) if (!same_float(got_max.p[i], ref_max.p[i])) mismatch("fir_f32", *k, "element " + std::to_string(i) + " of " + std::to_string(n));
    if (k->sweep_u8(bytes.p, n) != s.sweep_u8(bytes.p, n)) mismatch("sweep_u8", *k, "n=" + std::to_string(n));
  }
  s.maxrows_f32(src.data(), ntaps, ref_max.p, n);
  const size_t ref_count = s.peak_candidates_f32(src[0], src.data(), ntaps, n, threshold, ref_idx.data());
  // The centroid's cut is threshold * max >= 0 in the decoder (kernels.h): every weight is >= 0, so
  // the two summation orders agree to n * 2^-53 relative. A negative cut would admit cancelling
  // weights, where no order-independent bound holds.
  const float cut = std::fabs(threshold);
  double ref_sums[2] = {0, 0};
  s.centroid_row_f32(src[0], n, cut, ref_sums);
  for (const Kernels* k : simd_paths()) {
    k->maxrows_f32(src.data(), ntaps, got_max.p, n);
    for (size_t i = 0; i < n; ++i) if (!same_float(got_max.p[i], ref_max.p[i])) mismatch("maxrows_f32", *k, "element " + std::to_string(i));
    const size_t count = k->peak_candidates_f32(src[0], src.data(), ntaps, n, threshold, got_idx.data());
    if (count != ref_count || !std::equal(got_idx.begin(), got_idx.begin() + count, ref_idx.begin())) mismatch("peak_candidates_f32", *k, "count " + std::to_string(count) + " vs " + std::to_string(ref_count));
    double sums[2] = {0, 0};
    k->centroid_row_f32(src[0], n, cut, sums);
    if (!close_rel(sums[0], ref_sums[0], 1e-6) || !close_rel(sums[1], ref_sums[1], 1e-6)) mismatch("centroid_row_f32", *k, "n=" + std::to_string(n));
  }
  // f16_to_f32 exactly (NaN bits too) and argmax_f16 on binary16 bits.
  Block<uint16_t> halves(n, in.u8() % 4);
  fill(in, halves.p, n, mode);
  s.f16_to_f32(halves.p, ref.p, n);
  const ArgMax ref_half = s.argmax_f16(halves.p, n);
  for (const Kernels* k : simd_paths()) {
    k->f16_to_f32(halves.p, got.p, n);
    if (n != 0 && std::memcmp(got.p, ref.p, n * sizeof(float)) != 0) mismatch("f16_to_f32", *k, "n=" + std::to_string(n));
    const ArgMax a = k->argmax_f16(halves.p, n);
    if (!same_float(a.value, ref_half.value) || a.index != ref_half.index || a.finite != ref_half.finite) {
      mismatch("argmax_f16", *k, "index " + std::to_string(a.index) + " vs " + std::to_string(ref_half.index));
    }
  }
  // softmax_row_f32: finite values, max their maximum.
  std::vector<float> p(n);
  float mx = -std::numeric_limits<float>::infinity();
  for (size_t i = 0; i < n; ++i) {
    p[i] = std::isfinite(src[0][i]) ? src[0][i] : 0.0f;
    mx = std::max(mx, p[i]);
  }
  const float beta = std::ldexp(1.0f + (in.u8() % 16) / 16.0f, int(in.u8() % 20) - 10);
  double ref_soft[2] = {0, 0};
  if (n != 0) s.softmax_row_f32(p.data(), n, mx, beta, ref_soft);
  for (const Kernels* k : simd_paths()) {
    double sums[2] = {0, 0};
    if (n != 0) k->softmax_row_f32(p.data(), n, mx, beta, sums);
    if (!close_rel(sums[0], ref_soft[0], 1e-6) || !close_rel(sums[1], ref_soft[1], 1e-6)) mismatch("softmax_row_f32", *k, "n=" + std::to_string(n));
  }
}

void fuzz_encoder_kernels(Reader& in, size_t n) {
  const Kernels& s = scalar();
  const float offset = std::ldexp(float(int16_t(in.u16())), -int(in.u8() % 12));
  const float scale = std::ldexp(float(in.u16()), -int(in.u8() % 24));
  Block<float> ref(n, 0), got(n, 0), g(n, in.u8() % 4), base(n, 0);
  s.gauss_f32(ref.p, n, offset, scale);
  for (const Kernels* k : simd_paths()) {
    k->gauss_f32(got.p, n, offset, scale);
    for (size_t i = 0; i < n; ++i) if (!same_float(got.p[i], ref.p[i])) mismatch("gauss_f32", *k, "element " + std::to_string(i));
  }
  // max_scaled_*: g in [0, 1] from the gaussian above, s in [0, 255].
  std::memcpy(g.p, ref.p, n * 4);
  for (size_t i = 0; i < n; ++i) base.p[i] = float(in.u8()) / 255.0f;
  const float sc = float(in.u8()) * (in.u8() / 255.0f);
  Block<uint8_t> ref8(n, 0), got8(n, 0), base8(n, 0);
  fill(in, base8.p, n, 0);
  std::memcpy(ref.p, base.p, n * 4);
  s.max_scaled_f32(ref.p, g.p, sc, n);
  std::memcpy(ref8.p, base8.p, n);
  s.max_scaled_u8(ref8.p, g.p, sc, n);
  for (const Kernels* k : simd_paths()) {
    std::memcpy(got.p, base.p, n * 4);
    k->max_scaled_f32(got.p, g.p, sc, n);
    std::memcpy(got8.p, base8.p, n);
    k->max_scaled_u8(got8.p, g.p, sc, n);
    for (size_t i = 0; i < n; ++i) {
      if (!same_float(got.p[i], ref.p[i])) mismatch("max_scaled_f32", *k, "element " + std::to_string(i));
      if (got8.p[i] != ref8.p[i]) mismatch("max_scaled_u8", *k, "element " + std::to_string(i));
    }
  }
}

// sample (one implementation for every path): random maps of each dtype and layout read at hostile
// points, checked against its contract: a non-finite point reads NaN; 'nearest' reads exactly the
// element at the clamped, rounded pixel; 'bilinear' on finite maps stays within the channel's range.
// Then decode ('argmax') with a random offsets map of either kind, which must move only valid planes.
void fuzz_sample(Reader& in, uint8_t mode) {
  const DType dtype = (mode & 4) ? DType::kUint8 : (mode & 8) ? DType::kFloat16 : DType::kFloat32;
  SampleRequest r;
  r.samples = in.u8() % 4;
  r.channels = in.u8() % 6;
  r.points = in.u8() % 20;
  r.mode = (mode & 16) ? SampleMode::kBilinear : SampleMode::kNearest;
  r.threads = 1 + in.u8() % 3;
  r.maps.dtype = dtype;
  r.maps.height = 1 + in.u8() % 12;
  r.maps.width = 1 + in.u8() % 12;
  r.maps.planes = r.samples * r.channels;
  r.maps.layout = (mode & 32) ? Layout::kNhwc : Layout::kNchw;
  r.maps.channels = r.maps.layout == Layout::kNhwc ? r.channels : 1;
  const size_t n = r.maps.planes * r.maps.plane_size(), misalign = in.u8() % 4;
  Block<float> f(n, misalign);
  Block<uint8_t> b(n, misalign);
  Block<uint16_t> h(n, misalign);
  switch (dtype) {
    case DType::kFloat32: fill(in, f.p, n, mode); r.maps.data = f.p; break;
    case DType::kUint8: fill(in, b.p, n, mode); r.maps.data = b.p; break;
    case DType::kFloat16: fill(in, h.p, n, mode); r.maps.data = h.p; break;
  }
  std::vector<float> xy(2 * r.samples * r.points);
  for (float& v : xy) v = (in.u8() & 1) ? hostile(in.u8()) : static_cast<float>(static_cast<int>(in.u8() % 32) - 8) * 0.5f;
  std::vector<float> out(r.samples * r.points * r.channels);
  r.coords = xy.data();
  r.out = out.data();
  if (!check_sample_request(r).empty()) std::abort();
  sample(scalar(), pool(), r);
  const size_t w = r.maps.width, hh = r.maps.height;
  for (size_t i = 0; i < r.samples * r.points; ++i) {
    const float x = xy[2 * i], y = xy[2 * i + 1];
    for (size_t c = 0; c < r.channels; ++c) {
      const float got = out[i * r.channels + c];
      const size_t image = i / r.points;
      if (!std::isfinite(x) || !std::isfinite(y)) {
        if (!std::isnan(got)) std::abort();
        continue;
      }
      const auto pixel = [&](double v, size_t last) { return static_cast<size_t>(std::floor(std::clamp(v, 0.0, double(last)) + 0.5)); };
      if (r.mode == SampleMode::kNearest) {
        const float want = element_value(r.maps, element_index(r.maps, r.channels, image, c, pixel(y, hh - 1) * w + pixel(x, w - 1)));
        if (!same_float(got, want)) std::abort();
        continue;
      }
      float lo = INFINITY, hi = -INFINITY;
      bool finite = true;
      for (size_t p = 0; p < r.maps.plane_size(); ++p) {
        const float v = element_value(r.maps, element_index(r.maps, r.channels, image, c, p));
        finite = finite && std::isfinite(v);
        lo = std::min(lo, v);
        hi = std::max(hi, v);
      }
      if (finite && !(got >= lo && got <= hi)) std::abort();
    }
  }
  // decode 'argmax' with offsets over the same maps taken as heatmaps (NCHW float32 only here).
  if (dtype != DType::kFloat32 || r.maps.layout != Layout::kNchw || r.maps.planes == 0) return;
  DecodeRequest d;
  d.input = r.maps;
  set_argmax(&d, r.threads);
  d.offsets.kind = (mode & 64) ? OffsetsKind::kPosenet : OffsetsKind::kCenternet;
  d.offsets.images = r.samples;
  d.offsets.per_image = r.channels;
  d.offsets.output_stride = 1 + in.u8() % 32;
  std::vector<float> map(r.samples * d.offsets.channels() * r.maps.plane_size());
  fill(in, map.data(), map.size(), mode);
  d.offsets.map = r.maps;
  d.offsets.map.data = map.data();
  d.offsets.map.planes = r.samples * d.offsets.channels();
  std::vector<float> coords(2 * r.maps.planes), plain(2 * r.maps.planes), scores(r.maps.planes);
  std::vector<uint8_t> valid(r.maps.planes);
  d.coords = coords.data();
  d.scores = scores.data();
  d.valid = valid.data();
  if (!check_decode_request(d).empty()) std::abort();
  decode(scalar(), pool(), d);
  DecodeRequest q = d;
  q.offsets = Offsets{};
  q.coords = plain.data();
  decode(scalar(), pool(), q);
  const Offsets& o = d.offsets;
  const bool posenet = o.kind == OffsetsKind::kPosenet;
  for (size_t i = 0; i < r.maps.planes; ++i) {
    if (!valid[i]) {
      if (!(std::isnan(coords[2 * i]) && std::isnan(coords[2 * i + 1]))) std::abort();
      continue;
    }
    // The cell the plain decode found, moved by the map read there in the named convention.
    const size_t image = i / o.per_image, c = i % o.per_image, p = static_cast<size_t>(plain[2 * i + 1]) * w + static_cast<size_t>(plain[2 * i]);
    const auto at = [&](size_t ch) { return static_cast<double>(element_value(o.map, element_index(o.map, o.channels(), image, ch, p))); };
    const double scale = posenet ? o.output_stride : 1.0;
    const float want_x = static_cast<float>(plain[2 * i] * scale + at(posenet ? o.per_image + c : 0));
    const float want_y = static_cast<float>(plain[2 * i + 1] * scale + at(posenet ? c : 1));
    if (!same_float(coords[2 * i], want_x) || !same_float(coords[2 * i + 1], want_y)) std::abort();
  }
}

// Transforms: check_transforms accepts exactly the finite matrices whose samples divide the
// points; apply_transforms moves only valid points (all with a null valid), each to the double
// (a x + b y) + c rounded once, and stays inside its buffers. Then through decode, NCHW and the
// float16 channels-last path that recurses per image run: transformed = untransformed, mapped.
void fuzz_transforms(Reader& in, uint8_t mode) {
  const size_t samples = in.u8() % 6, per = in.u8() % 9, points = samples * per;
  Block<double> m(samples * 6, in.u8() % 2);
  bool finite = true;
  for (size_t i = 0; i < samples * 6; ++i) {
    m.p[i] = (mode & 32) && in.u8() < 24 ? double(hostile(in.u8())) : double(int16_t(in.u16())) / 64.0;
    finite = finite && std::isfinite(m.p[i]);
  }
  const Transforms t{true, m.p, samples};
  if (check_transforms(t, points).empty() != finite) std::abort();
  if (samples > 1 && check_transforms(t, points + 1).empty()) std::abort();
  if (!check_transforms(Transforms{}, points + 1).empty()) std::abort();  // not given: nothing to check
  if (!finite) return;
  Block<float> xy(2 * points, in.u8() % 4);
  fill(in, xy.p, 2 * points, mode);
  Block<uint8_t> valid(points, 0);
  for (size_t i = 0; i < points; ++i) valid.p[i] = in.u8() & 1;
  const bool all = mode & 64;
  const std::vector<float> before(xy.p, xy.p + 2 * points);
  apply_transforms(t, points, xy.p, all ? nullptr : valid.p);
  for (size_t i = 0; i < points; ++i) {
    const double* r = m.p + 6 * (i / per);
    const double x = before[2 * i], y = before[2 * i + 1];
    const bool moves = all || valid.p[i];
    const float wx = moves ? static_cast<float>(r[0] * x + r[1] * y + r[2]) : before[2 * i];
    const float wy = moves ? static_cast<float>(r[3] * x + r[4] * y + r[5]) : before[2 * i + 1];
    if (!same_float(xy.p[2 * i], wx) || !same_float(xy.p[2 * i + 1], wy)) {
      std::fprintf(stderr, "apply_transforms moved point %zu wrongly\n", i);
      std::abort();
    }
  }
  // Through decode: images of c channels, one matrix per image.
  const size_t images = 1 + in.u8() % 3, c = 1 + in.u8() % 5;
  DecodeRequest r;
  r.input.dtype = (mode & 8) ? DType::kFloat16 : DType::kFloat32;
  r.input.layout = (mode & 16) ? Layout::kNhwc : Layout::kNchw;
  r.input.channels = r.input.layout == Layout::kNhwc ? c : 1;
  r.input.planes = images * c;
  r.input.height = 1 + in.u8() % 12;
  r.input.width = 1 + in.u8() % 40;
  set_argmax(&r, 1 + in.u8() % 3);
  const size_t n = r.input.planes * r.input.plane_size();
  Block<float> f(r.input.dtype == DType::kFloat32 ? n : 0, 0);
  Block<uint16_t> h(r.input.dtype == DType::kFloat16 ? n : 0, 0);
  if (r.input.dtype == DType::kFloat32) fill(in, f.p, n, mode), r.input.data = f.p;
  else fill(in, h.p, n, mode), r.input.data = h.p;
  Block<double> dm(images * 6, 0);
  for (size_t i = 0; i < images * 6; ++i) dm.p[i] = double(int16_t(in.u16())) / 16.0;
  auto run = [&](bool transformed, std::vector<float>& coords, std::vector<uint8_t>& ok) {
    std::vector<float> scores(r.input.planes);
    DecodeRequest q = r;
    coords.assign(2 * r.input.planes, 0.0f);
    ok.assign(r.input.planes, 0);
    q.coords = coords.data();
    q.scores = scores.data();
    q.valid = ok.data();
    if (transformed) q.transform = Transforms{true, dm.p, images};
    if (!check_decode_request(q).empty()) std::abort();  // every request built here is well formed
    decode(scalar(), pool(), q);
  };
  std::vector<float> plain, moved;
  std::vector<uint8_t> plain_ok, moved_ok;
  run(false, plain, plain_ok);
  run(true, moved, moved_ok);
  apply_transforms(dm.p, images, c, plain.data(), plain_ok.data());
  for (size_t i = 0; i < 2 * r.input.planes; ++i) {
    if (!same_float(plain[i], moved[i]) || plain_ok[i / 2] != moved_ok[i / 2]) {
      std::fprintf(stderr, "decode with a transform differs from decode, then the transform, at %zu\n", i / 2);
      std::abort();
    }
  }
}

// One element of a batch as a float: the scalar path's exact widening.
float element(const PlaneBatch& b, size_t i) {
  float v = 0.0f;
  switch (b.dtype) {
    case DType::kFloat32: v = static_cast<const float*>(b.data)[i]; break;
    case DType::kUint8: scalar().u8_to_f32(static_cast<const uint8_t*>(b.data) + i, &v, 1); break;
    case DType::kFloat16: scalar().f16_to_f32(static_cast<const uint16_t*>(b.data) + i, &v, 1); break;
  }
  return v;
}

// The flip test's merge: N images of K keypoints (N = 0 included), NCHW or NHWC, each input its own
// dtype, shift on or off, or a SimCC pair (x mirrored, y not); a permutation from the fuzz bytes.
// Scalar against the closed form of flip.h, element by element, and every path against scalar.
void fuzz_flip(Reader& in, uint8_t mode) {
  static const DType kDtypes[] = {DType::kFloat32, DType::kUint8, DType::kFloat16, DType::kFloat32};
  FlipRequest r;
  const size_t images = in.u8() % 4;
  r.keypoints = images == 0 ? in.u8() % 3 : 1 + in.u8() % 6;
  r.pair_count = (mode & 32) ? 2 : 1;
  r.threads = 1 + in.u8() % 3;
  const bool nhwc = r.pair_count == 1 && (mode & 16);
  std::vector<uint32_t> perm(r.keypoints);
  for (size_t i = 0; i < perm.size(); ++i) perm[i] = static_cast<uint32_t>(i);
  for (size_t i = perm.size(); i > 1; --i) std::swap(perm[i - 1], perm[in.u8() % i]);
  r.flip_indices = perm.data();
  const size_t misalign = in.u8() % 4;
  std::vector<std::shared_ptr<void>> keep;
  auto batch = [&](PlaneBatch* b, size_t height, size_t width) {
    b->dtype = kDtypes[in.u8() % 4];
    b->planes = images * r.keypoints;
    b->height = height;
    b->width = width;
    b->layout = nhwc ? Layout::kNhwc : Layout::kNchw;
    b->channels = nhwc ? r.keypoints : 1;
    const size_t n = b->planes * height * width;
    if (b->dtype == DType::kFloat32) {
      auto f = std::make_shared<Block<float>>(n, misalign);
      fill(in, f->p, n, mode);
      b->data = f->p;
      keep.push_back(f);
    } else if (b->dtype == DType::kUint8) {
      auto u = std::make_shared<Block<uint8_t>>(n, misalign);
      fill(in, u->p, n, mode);
      b->data = u->p;
      keep.push_back(u);
    } else {
      auto h = std::make_shared<Block<uint16_t>>(n, misalign);
      fill(in, h->p, n, mode);
      b->data = h->p;
      keep.push_back(h);
    }
  };
  const size_t height = r.pair_count == 2 ? 1 : 1 + in.u8() % 6;
  for (size_t i = 0; i < r.pair_count; ++i) {
    const size_t width = 1 + in.u16() % (i == 0 ? 140 : 300);
    FlipPair& p = r.pairs[i];
    batch(&p.plain, height, width);
    batch(&p.flipped, height, width);
    p.mirror = i == 0;
    p.shift = i == 0 && r.pair_count == 1 && (mode & 64);
  }
  auto run = [&](const Kernels& k) {
    std::vector<std::vector<float>> outs;
    FlipRequest q = r;
    for (size_t i = 0; i < q.pair_count; ++i) {
      const PlaneBatch& b = q.pairs[i].plain;
      outs.emplace_back(b.planes * b.height * b.width);
      q.pairs[i].out = outs.back().data();
    }
    if (!check_flip_request(q).empty()) std::abort();  // every request built here is well formed
    merge_flipped(k, pool(), q);
    return outs;
  };
  const auto ref = run(scalar());
  for (size_t i = 0; i < r.pair_count; ++i) {
    const FlipPair& p = r.pairs[i];
    const size_t w = p.plain.width, h = p.plain.height, kp = r.keypoints;
    for (size_t n = 0; n < images; ++n) {
      for (size_t c = 0; c < kp; ++c) {
        for (size_t y = 0; y < h; ++y) {
          for (size_t x = 0; x < w; ++x) {
            const size_t sx = !p.mirror ? x : !p.shift ? w - 1 - x : x == 0 ? w - 1 : w - x;
            auto at = [&](size_t ch, size_t col) { return nhwc ? ((n * h + y) * w + col) * kp + ch : ((n * kp + ch) * h + y) * w + col; };
            const float want = (element(p.plain, at(c, x)) + element(p.flipped, at(perm[c], sx))) * 0.5f;
            if (!same_float(ref[i][at(c, x)], want)) {
              std::fprintf(stderr, "scalar merge_flipped broke its closed form at pair %zu element %zu\n", i, at(c, x));
              std::abort();
            }
          }
        }
      }
    }
  }
  for (const Kernels* k : simd_paths()) {
    const auto got = run(*k);
    for (size_t i = 0; i < r.pair_count; ++i) {
      for (size_t j = 0; j < got[i].size(); ++j) {
        if (!same_float(got[i][j], ref[i][j])) mismatch("merge_flipped", *k, "pair " + std::to_string(i) + " element " + std::to_string(j));
      }
    }
  }
}

}  // namespace

// [images, C, hw] elements of `size` bytes -> [images, hw, C]: channels-last, by plain copies.
std::vector<uint8_t> to_nhwc(const void* src, size_t size, size_t images, size_t channels, size_t hw) {
  std::vector<uint8_t> out(images * channels * hw * size);
  const uint8_t* from = static_cast<const uint8_t*>(src);
  for (size_t g = 0; g < images; ++g) {
    for (size_t c = 0; c < channels; ++c) {
      for (size_t p = 0; p < hw; ++p) std::memcpy(&out[((g * hw + p) * channels + c) * size], &from[((g * channels + c) * hw + p) * size], size);
    }
  }
  return out;
}

// Boxes: every path agrees with scalar bit for bit; each used slot is peaks over images' centre
// with the box of ctdet_decode's formula from the maps read there, each unused slot NaN; and
// channels-last input gives the planar answer.
void fuzz_boxes(Reader& in, uint8_t mode) {
  const DType dtype = std::array<DType, 3>{DType::kFloat32, DType::kUint8, DType::kFloat16}[in.u8() % 3];
  const DType map_dtype = (in.u8() & 1) ? DType::kFloat16 : DType::kFloat32;
  const bool has_offsets = in.u8() & 1;
  const size_t images = in.u8() % 4, per_image = in.u8() % 5, h = 1 + in.u8() % 16, w = 1 + in.u8() % 40, hw = h * w;
  const size_t n = images * per_image * hw, m = images * 2 * hw, misalign = in.u8() % 4;
  const size_t heat_size = dtype == DType::kFloat32 ? 4 : dtype == DType::kFloat16 ? 2 : 1, map_size = map_dtype == DType::kFloat32 ? 4 : 2;
  Block<float> hf(dtype == DType::kFloat32 ? n : 0, misalign), sf(map_size == 4 ? m : 0, misalign), of(map_size == 4 ? m : 0, 0);
  Block<uint16_t> hh(dtype == DType::kFloat16 ? n : 0, misalign), sh(map_size == 2 ? m : 0, misalign), oh(map_size == 2 ? m : 0, 0);
  Block<uint8_t> hb(dtype == DType::kUint8 ? n : 0, misalign);
  const void* heat = dtype == DType::kFloat32 ? static_cast<const void*>(hf.p) : dtype == DType::kFloat16 ? static_cast<const void*>(hh.p) : hb.p;
  if (dtype == DType::kFloat32) fill(in, hf.p, n, mode); else if (dtype == DType::kFloat16) fill(in, hh.p, n, mode); else fill(in, hb.p, n, mode);
  if (map_size == 4) {
    fill(in, sf.p, m, mode >> 2);
    fill(in, of.p, m, mode >> 4);
  } else {
    fill(in, sh.p, m, mode >> 2);
    fill(in, oh.p, m, mode >> 4);
  }
  const void* sizes = map_size == 4 ? static_cast<const void*>(sf.p) : sh.p;
  const void* offsets = map_size == 4 ? static_cast<const void*>(of.p) : oh.p;
  BoxesRequest r;
  r.heatmaps = PlaneBatch{heat, dtype, images * per_image, h, w};
  r.images = images;
  r.per_image = per_image;
  r.sizes = PlaneBatch{sizes, map_dtype, images * 2, h, w};
  r.offsets = PlaneBatch{offsets, map_dtype, images * 2, h, w};
  r.has_offsets = has_offsets;
  r.k = 1 + in.u8() % 12;
  r.window = 1 + 2 * (in.u8() % 3);
  r.threshold = (in.u8() & 1) ? -1e30 : 0.25 * (in.u8() % 8) - 0.5;
  r.threads = 1 + in.u8() % 3;
  const size_t slots = images * r.k;
  struct Out {
    std::vector<float> boxes, scores;
    std::vector<uint8_t> valid;
    std::vector<uint32_t> counts, classes;
    bool operator==(const Out& o) const {
      if (valid != o.valid || counts != o.counts || classes != o.classes) return false;
      for (size_t i = 0; i < scores.size(); ++i) if (!same_float(scores[i], o.scores[i])) return false;
      for (size_t i = 0; i < boxes.size(); ++i) if (!same_float(boxes[i], o.boxes[i])) return false;
      return true;
    }
  };
  auto run = [&](const Kernels& k, BoxesRequest q) {
    Out o{std::vector<float>(4 * slots), std::vector<float>(slots), std::vector<uint8_t>(slots), std::vector<uint32_t>(images),
          std::vector<uint32_t>(slots)};
    q.boxes = o.boxes.data();
    q.scores = o.scores.data();
    q.valid = o.valid.data();
    q.counts = o.counts.data();
    q.classes = o.classes.data();
    if (!check_boxes_request(q).empty()) std::abort();  // every request built here is well formed
    boxes(k, pool(), q);
    return o;
  };
  const Out ref = run(scalar(), r);
  // The centres from peaks over images, and the maps as floats.
  PeaksRequest p;
  p.input = r.heatmaps;
  p.over = PeaksOver::kImage;
  p.images = images;
  p.per_image = per_image;
  p.k = r.k;
  p.threshold = r.threshold;
  p.window = r.window;
  p.threads = 1;
  std::vector<float> xy(2 * slots), scores(slots);
  std::vector<uint8_t> valid(slots);
  std::vector<uint32_t> counts(images), channels(slots);
  p.coords = xy.data();
  p.scores = scores.data();
  p.valid = valid.data();
  p.counts = counts.data();
  p.channels = channels.data();
  peaks(scalar(), pool(), p);
  std::vector<float> wh(m), reg(m);
  if (map_size == 4) {
    std::copy(sf.p, sf.p + m, wh.begin());
    std::copy(of.p, of.p + m, reg.begin());
  } else {
    scalar().f16_to_f32(sh.p, wh.data(), m);
    scalar().f16_to_f32(oh.p, reg.data(), m);
  }
  bool same = ref.counts == counts && ref.valid == valid && ref.classes == channels;
  for (size_t s = 0; same && s < slots; ++s) {
    same = same_float(ref.scores[s], scores[s]);
    float want[4];
    if (valid[s]) {
      const size_t g = s / r.k, at = static_cast<size_t>(xy[2 * s + 1]) * w + static_cast<size_t>(xy[2 * s]);
      const float cx = xy[2 * s] + (has_offsets ? reg[2 * g * hw + at] : 0.5f);
      const float cy = xy[2 * s + 1] + (has_offsets ? reg[(2 * g + 1) * hw + at] : 0.5f);
      const float bw = wh[2 * g * hw + at] * 0.5f, bh = wh[(2 * g + 1) * hw + at] * 0.5f;
      const float v[4] = {cx - bw, cy - bh, cx + bw, cy + bh};
      std::memcpy(want, v, sizeof want);
    } else {
      std::fill(want, want + 4, std::numeric_limits<float>::quiet_NaN());
    }
    for (size_t a = 0; same && a < 4; ++a) same = same_float(ref.boxes[4 * s + a], want[a]);
  }
  if (!same) {
    std::fprintf(stderr, "boxes are not peaks over images with ctdet_decode's box\n");
    std::abort();
  }
  for (const Kernels* kk : simd_paths()) {
    if (!(run(*kk, r) == ref)) mismatch("boxes", *kk, "a batch");
  }
  // A transform per image: each used box's corners mapped apart, ((a x + b y) + c) in double,
  // rounded once; unused slots untouched.
  std::vector<double> matrices(6 * images);
  for (double& v : matrices) {
    const float f = (in.u8() & 3) == 0 ? in.f32() : static_cast<float>(static_cast<int>(in.u8()) - 128) / 16;
    v = std::isfinite(f) ? f : 1.0;
  }
  BoxesRequest moved = r;
  moved.transform = Transforms{true, matrices.data(), images};
  Out want = ref;
  for (size_t s = 0; s < slots; ++s) {
    if (!ref.valid[s]) continue;
    const double* m = matrices.data() + 6 * (s / r.k);
    for (size_t corner = 0; corner < 4; corner += 2) {
      const double x = ref.boxes[4 * s + corner], y = ref.boxes[4 * s + corner + 1];
      want.boxes[4 * s + corner] = static_cast<float>(m[0] * x + m[1] * y + m[2]);
      want.boxes[4 * s + corner + 1] = static_cast<float>(m[3] * x + m[4] * y + m[5]);
    }
  }
  if (!(run(scalar(), moved) == want)) {
    std::fprintf(stderr, "boxes with a transform are not the corners of the boxes mapped\n");
    std::abort();
  }
  for (const Kernels* kk : simd_paths()) {
    if (!(run(*kk, moved) == want)) mismatch("boxes with a transform", *kk, "a batch");
  }
  // Channels-last, every path.
  const std::vector<uint8_t> heat_nhwc = to_nhwc(heat, heat_size, images, per_image, hw);
  const std::vector<uint8_t> sizes_nhwc = to_nhwc(sizes, map_size, images, 2, hw), offsets_nhwc = to_nhwc(offsets, map_size, images, 2, hw);
  BoxesRequest q = r;
  q.heatmaps.data = heat_nhwc.data();
  q.sizes.data = sizes_nhwc.data();
  q.offsets.data = offsets_nhwc.data();
  q.heatmaps.layout = q.sizes.layout = q.offsets.layout = Layout::kNhwc;
  q.heatmaps.channels = per_image;
  q.sizes.channels = q.offsets.channels = 2;
  for (const Kernels* kk : simd_paths()) {
    if (!(run(*kk, q) == ref)) mismatch("boxes nhwc vs nchw", *kk, "a batch");
  }
  if (!(run(scalar(), q) == ref)) mismatch("boxes nhwc vs nchw", scalar(), "a batch");
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Reader in(data, size);
  const uint8_t op = in.u8();
  const uint8_t mode = in.u8();
  // op 15 (mod 16) is SimCC; the exact ops 0xEE transforms and 0xFE boxes; any other op 14 (mod 16)
  // is sample and offsets when its high nibble is even, the flip merge when odd; the rest keep the
  // mapping the committed corpus was made with.
  if (op % 16 == 15) {
    fuzz_simcc(in, mode);
    return 0;
  }
  if (op == 0xEE) {
    fuzz_transforms(in, mode);
    return 0;
  }
  if (op == 0xFE) {
    fuzz_boxes(in, mode);
    return 0;
  }
  if (op % 16 == 14) {
    if ((op >> 4) % 2 == 0) {
      fuzz_sample(in, mode);
    } else {
      fuzz_flip(in, mode);
    }
    return 0;
  }
  switch (op % 9) {
    case 0: fuzz_reductions<float>(in, in.u16() % 1100, in.u8() % 4, mode); break;
    case 1: fuzz_reductions<uint8_t>(in, in.u16() % 4200, in.u8() % 4, mode); break;
    case 2: fuzz_elementwise(in, in.u16() % 700, in.u8() % 4, mode); break;
    case 3:
      if (mode & 16) {
        fuzz_decode_nhwc(in, mode, (mode & 4) ? DType::kUint8 : (mode & 8) ? DType::kFloat16 : DType::kFloat32);
      } else {
        fuzz_decode(in, mode, (mode & 4) ? DType::kUint8 : (mode & 8) ? DType::kFloat16 : DType::kFloat32);
      }
      break;
    case 4: fuzz_conv2d(in, mode); break;
    case 5: fuzz_checks(in); break;
    case 6: fuzz_decoder_kernels(in, in.u16() % 700, mode); break;
    case 7: fuzz_encoder_kernels(in, in.u16() % 700); break;
    case 8: fuzz_peaks(in, mode, mode & 4); break;
  }
  return 0;
}
