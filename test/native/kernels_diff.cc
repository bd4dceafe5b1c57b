// Differential test of every SIMD path this CPU runs against the scalar reference, in plain C++
// without Node, so it also runs where Node does not: under qemu for the arm64 (NEON) path.
// Prints one line per path and kernel, then "N passed, N failed".
#include <cmath>
#include <cstdio>
#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <chrono>
#include <cstring>
#include <limits>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "../../native/boxes.h"
#include "../../native/decode.h"
#include "../../native/dispatch.h"
#include "../../native/flip.h"
#include "../../native/fp_env.h"
#include "../../native/kernels.h"
#include "../../native/offsets.h"
#include "../../native/peaks.h"
#include "../../native/sample.h"
#include "../../native/simcc.h"
#include "../../native/thread_pool.h"

namespace {

using coordconv::ArgMax;
using coordconv::Kernels;
using coordconv::OneHotScan;

bool same_bits(float a, float b) { return std::memcmp(&a, &b, sizeof a) == 0; }

struct Inputs {
  std::vector<float> floats;
  std::vector<uint8_t> bytes;
};

// Random values with the awkward ones mixed in: zeros of both signs, NaN, infinities, denormals.
Inputs make_inputs(std::mt19937& rng, size_t n, int flavour) {
  Inputs in{std::vector<float>(n), std::vector<uint8_t>(n)};
  std::uniform_real_distribution<float> value(-2.0f, 2.0f);
  std::uniform_int_distribution<int> byte(0, 255);
  const float specials[] = {0.0f, -0.0f, std::numeric_limits<float>::quiet_NaN(),
                            std::numeric_limits<float>::infinity(), -std::numeric_limits<float>::infinity(),
                            std::numeric_limits<float>::denorm_min(), 255.0f};
  for (size_t i = 0; i < n; ++i) {
    switch (flavour) {
      case 0: in.floats[i] = value(rng); in.bytes[i] = static_cast<uint8_t>(byte(rng)); break;
      case 1: in.floats[i] = 0.0f; in.bytes[i] = 0; break;  // sparse: filled in below
      default: in.floats[i] = (rng() % 3 == 0) ? value(rng) : specials[rng() % 7]; in.bytes[i] = rng() % 2 ? 255 : 0; break;
    }
  }
  if (flavour == 1 && n > 0) {
    const size_t hot = rng() % n;
    in.floats[hot] = 1.0f;
    in.bytes[hot] = 255;
    if (rng() % 2) {
      in.floats[rng() % n] = 3.0f;
      in.bytes[rng() % n] = 7;
    }
  }
  return in;
}

// One test per path and kernel: it passes when every size, offset and flavour agrees.
struct Tally {
  std::map<std::string, int> failures;  // kernel -> failed cases
  void check(bool ok, const std::string& path, const char* kernel, size_t n, size_t offset) {
    int& failed = failures[kernel];
    if (!ok && failed++ < 3) std::printf("FAIL %s %s n=%zu offset=%zu\n", path.c_str(), kernel, n, offset);
  }
};

void compare_decoder(const Kernels& k, const Kernels& ref, Tally& t, std::mt19937& rng, const Inputs& in,
                     size_t n, size_t offset, int flavour);
void compare_f16(const Kernels& k, const Kernels& ref, Tally& t, std::mt19937& rng);
float half_reference(uint16_t h);
void compare_encoder(const Kernels& k, const Kernels& ref, Tally& t, std::mt19937& rng, size_t n, size_t offset);
void compare_means(const Kernels& k, const Kernels& ref, Tally& t, std::mt19937& rng, const Inputs& in, size_t n,
                   size_t offset, int flavour);

// argmax on the planes where a one-pass scan could pick the wrong index: ties (few distinct
// values), a maximum in the tail or in the last element of a block, every element equal, zeros of
// both signs (equal, so the first zero of either sign wins), a rising ramp (a new maximum in every
// block) and large finite values whose block sums overflow, a single NaN or infinity anywhere
// (in any chunk of a long plane), a quantised bump (a rising flank with ties on both sides of
// the peak) and the maximum twice at random places (the earlier wins, whichever lane and block
// each is in). Each plane has a known answer, checked on the reference too.
void compare_argmax(const Kernels& k, const Kernels& ref, Tally& t, std::mt19937& rng) {
  const std::string path = k.name;
  const size_t sizes[] = {0, 1, 7, 8, 9, 31, 32, 33, 63, 64, 65, 127, 128, 129, 255, 256, 257, 300, 511, 512, 513,
                          1024, 1031, 2047, 2048, 3072, 4117};
  const float specials[] = {std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::infinity(),
                            -std::numeric_limits<float>::infinity()};
  for (size_t n : sizes) {
    for (size_t offset = 0; offset < 3; ++offset) {
      for (int flavour = 0; flavour < 10; ++flavour) {
        std::vector<float> fv(n + offset);
        std::vector<uint8_t> bv(n + offset);
        size_t want = 0;  // the first index of the maximum, where the flavour fixes it
        bool known = n > 0;
        for (size_t i = 0; i < n + offset; ++i) {
          switch (flavour) {
            case 0: fv[i] = float(rng() % 3); bv[i] = uint8_t(rng() % 3); known = false; break;  // ties
            case 1: fv[i] = 0.5f; bv[i] = 9; break;                                                 // all equal
            case 2: fv[i] = (rng() % 2) ? 0.0f : -0.0f; bv[i] = 0; break;                           // +-0
            case 3: fv[i] = float(i); bv[i] = uint8_t(i < 255 ? i : 254); break;                    // ramp
            case 4: fv[i] = (rng() % 2 ? 3e38f : -3e38f); bv[i] = uint8_t(rng() % 200); known = false; break;
            case 7: fv[i] = float(rng() % 100) / 100.0f; bv[i] = uint8_t(rng() % 100); known = false; break;
            case 8: {  // a bump at a third of the plane, quantised to 1/16
              const double d = (double(i) - double(n) / 3) / 40.0;
              fv[i] = std::round(16.0f * float(std::exp(-d * d))) / 16.0f;
              bv[i] = uint8_t(fv[i] * 16.0f);
              known = false;
              break;
            }
            default: fv[i] = float(rng() % 100) / 100.0f; bv[i] = uint8_t(rng() % 100); break;      // peak set below
          }
        }
        float* f = fv.data() + offset;
        uint8_t* b = bv.data() + offset;
        if (flavour == 3 && n > 0) want = n - 1;
        if (flavour == 3 && n + offset > 255) known = false;  // bytes stop rising at 254 there
        if (flavour >= 5 && flavour != 9 && n > 0) {
          // The maximum twice: in the tail (flavour 5) or at a block's last element (6), and after it.
          want = flavour == 5 ? n - 1 - (n - 1) % 5 : std::min(n - 1, size_t(63));
          f[want] = 2.0f;
          b[want] = 200;
          if (want + 1 < n) {
            f[n - 1] = 2.0f;
            b[n - 1] = 200;
          }
        }
        if (flavour == 7 && n > 0) f[rng() % n] = specials[rng() % 3];
        if (flavour == 9 && n > 0) {
          const size_t i = rng() % n, j = rng() % n;
          want = std::min(i, j);
          f[i] = f[j] = 2.0f;
          b[i] = b[j] = 200;
        }
        const ArgMax a1 = k.argmax_f32(f, n), a2 = ref.argmax_f32(f, n);
        t.check(a1.finite == a2.finite && a1.index == a2.index && same_bits(a1.value, a2.value) &&
                    (!known || a2.index == want) && (flavour != 7 || n == 0 || !a2.finite),
                path, "argmax_f32 (ties, tails, zeros)", n, offset);
        const ArgMax u1 = k.argmax_u8(b, n), u2 = ref.argmax_u8(b, n);
        t.check(u1.index == u2.index && same_bits(u1.value, u2.value) && (!known || flavour == 2 || u2.index == want),
                path, "argmax_u8 (ties, tails, zeros)", n, offset);
      }
    }
  }
}

// The binary16 bits of the half nearest f toward zero, for f in [0, 65504] (enough to put test
// planes in float16; which half is taken does not matter, only that both sides read the same).
uint16_t half_toward_zero(float f) {
  if (!(f >= 0x1p-14f)) return static_cast<uint16_t>(f > 0 ? f * 0x1p24f : 0.0f);  // subnormal halves
  int e = 0;
  const float m = std::frexp(f, &e);  // f = m 2^e, m in [0.5, 1)
  return static_cast<uint16_t>(((e + 14) << 10) | (static_cast<uint32_t>(m * 2048.0f) & 0x3FF));
}

// deinterleave_f32 against its definition, for channel counts and pixel runs around the vector
// widths (whole tiles, partial ones, none) and strides wider than the channels, at odd offsets.
void compare_deinterleave(const Kernels& k, Tally& t, std::mt19937& rng) {
  const std::string path = k.name;
  for (size_t channels : {1, 3, 4, 5, 8, 9, 15, 16, 17, 33, 80}) {
    for (size_t extra : {0, 1, 7}) {
      const size_t stride = channels + extra;
      for (size_t pixels : {0, 1, 3, 4, 8, 15, 16, 17, 48, 50}) {
        for (size_t offset = 0; offset < 2; ++offset) {
          std::vector<float> in(pixels * stride + offset + 1);
          for (float& v : in) v = float(rng() % 1000) - 500.0f;
          std::vector<float> got(channels * pixels + 1, -7.0f);
          k.deinterleave_f32(in.data() + offset, pixels, stride, channels, got.data());
          bool ok = got.back() == -7.0f;  // nothing written past the end
          for (size_t c = 0; c < channels; ++c) {
            for (size_t j = 0; j < pixels; ++j) ok = ok && same_bits(got[c * pixels + j], in[offset + j * stride + c]);
          }
          t.check(ok, path, "deinterleave_f32", pixels, channels);
        }
      }
    }
  }
}

// argmax over channels-last memory: every channel count around the vector widths (the vector
// groups of 4, 2 and 1 and the channels left over), strides wider than the channels, misaligned
// starts, and planes with ties, zeros of both signs, all equal, a rising ramp, and NaN or +-Inf in
// some channels. Each channel must equal the reference's, and argmax_f32 / argmax_u8 of the channel
// gathered into a plane of its own.
bool same_argmax(const ArgMax& a, const ArgMax& b) {
  return a.finite == b.finite && a.index == b.index && same_bits(a.value, b.value);
}

void compare_argmax_nhwc(const Kernels& k, const Kernels& ref, Tally& t, std::mt19937& rng) {
  const std::string path = k.name;
  const size_t channel_counts[] = {1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 48, 63, 64, 65, 80, 129};
  const size_t pixel_counts[] = {1, 2, 3, 4, 7, 8, 33, 100, 257};
  const float odd_values[] = {std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::infinity(),
                              -std::numeric_limits<float>::infinity()};
  for (size_t channels : channel_counts) {
    for (size_t pixels : pixel_counts) {
      for (size_t extra : {size_t(0), size_t(3)}) {
        const size_t stride = channels + extra, offset = rng() % 3;
        for (int flavour = 0; flavour < 8; ++flavour) {
          std::vector<float> fv(pixels * stride + offset);
          std::vector<uint8_t> bv(pixels * stride + offset);
          for (size_t i = 0; i < fv.size(); ++i) {
            const size_t j = i / stride;
            switch (flavour) {
              case 0: fv[i] = float(rng() % 3); bv[i] = uint8_t(rng() % 3); break;       // ties
              case 1: fv[i] = (rng() % 2) ? 0.0f : -0.0f; bv[i] = 0; break;              // +-0
              case 2: fv[i] = -1.5f; bv[i] = 255; break;                                 // all equal
              case 3: fv[i] = float(j); bv[i] = uint8_t(j % 256); break;                 // ramp
              case 6:  // finite, but sums of them overflow: the kernels' finiteness sums raise a false alarm
              case 7: fv[i] = (rng() % 2 ? 1.0f : -1.0f) * std::numeric_limits<float>::max() / float(rng() % 4 + 1); bv[i] = uint8_t(rng()); break;
              default: fv[i] = float(rng() % 1000) / 7.0f - 50.0f; bv[i] = uint8_t(rng()); break;
            }
          }
          float* f = fv.data() + offset;
          const uint8_t* b = bv.data() + offset;
          if (flavour == 5 || flavour == 7) {  // a non-finite value in about a third of the channels, anywhere
            for (size_t c = 0; c < channels; ++c) {
              if (rng() % 3 == 0) f[(rng() % pixels) * stride + c] = odd_values[rng() % 3];
            }
          }
          std::vector<ArgMax> f1(channels), f2(channels), u1(channels), u2(channels);
          k.argmax_nhwc_f32(f, pixels, stride, channels, f1.data());
          ref.argmax_nhwc_f32(f, pixels, stride, channels, f2.data());
          k.argmax_nhwc_u8(b, pixels, stride, channels, u1.data());
          ref.argmax_nhwc_u8(b, pixels, stride, channels, u2.data());
          bool f_ok = true, u_ok = true;
          std::vector<float> pf(pixels);
          std::vector<uint8_t> pb(pixels);
          for (size_t c = 0; c < channels; ++c) {
            for (size_t j = 0; j < pixels; ++j) {
              pf[j] = f[j * stride + c];
              pb[j] = b[j * stride + c];
            }
            f_ok = f_ok && same_argmax(f1[c], f2[c]) && same_argmax(f2[c], ref.argmax_f32(pf.data(), pixels));
            u_ok = u_ok && same_argmax(u1[c], u2[c]) && same_argmax(u2[c], ref.argmax_u8(pb.data(), pixels));
          }
          t.check(f_ok, path, "argmax_nhwc_f32", pixels, channels);
          t.check(u_ok, path, "argmax_nhwc_u8", pixels, channels);
        }
      }
    }
  }
  // Past 2^24 pixels the index leaves float's exact range: the kernels take spans of 2^24 pixels
  // and merge them. The maximum at pixel 5 ties with one at 2^24 + 3 (the first must win) in
  // channel 0; in channel 1 a larger one at 2^24 + 9 must win; channel 2 peaks at the last pixel.
  const size_t channels = 8, pixels = (size_t(1) << 24) + 17;
  std::vector<uint8_t> big(pixels * channels, 1);
  big[5 * channels] = big[((size_t(1) << 24) + 3) * channels] = 200;
  big[5 * channels + 1] = 100;
  big[((size_t(1) << 24) + 9) * channels + 1] = 101;
  big[(pixels - 1) * channels + 2] = 7;
  std::vector<ArgMax> got(channels);
  k.argmax_nhwc_u8(big.data(), pixels, channels, channels, got.data());
  const bool span_ok = got[0].index == 5 && got[1].index == (size_t(1) << 24) + 9 && got[2].index == pixels - 1 &&
                       got[3].index == 0 && got[2].value == 7.0f;
  t.check(span_ok, path, "argmax_nhwc_u8 (past 2^24 pixels)", pixels, channels);
  // Packed pixels with fewer channels than a vector count groups of kLanes pixels in spans of
  // 2^20 groups. Channel 0's maximum at pixel 3 ties with one in the second span (the first must
  // win); channel 1's larger one in the third span wins over one in the first; channel 2 (of 3) peaks
  // in the pixels after the last whole group.
  for (size_t packed : {size_t(2), size_t(3)}) {
    const size_t count = (size_t(1) << 20) * 16 * 2 + 5;  // past two spans on 16 lanes, and a partial group
    std::vector<uint8_t> bytes(count * packed, 1);
    std::vector<float> floats(count * packed, 1.0f);
    const size_t tie = (size_t(1) << 20) * 16 + 9, late = count - 40, last = count - 2;
    for (size_t j : {size_t(3), tie}) bytes[j * packed] = 200, floats[j * packed] = 200.0f;
    bytes[7 * packed + 1] = 100, floats[7 * packed + 1] = 100.0f;
    bytes[late * packed + 1] = 101, floats[late * packed + 1] = 101.0f;
    bytes[last * packed + packed - 1] = 9, floats[last * packed + packed - 1] = 9.0f;
    std::vector<ArgMax> gu(packed), gf(packed);
    k.argmax_nhwc_u8(bytes.data(), count, packed, packed, gu.data());
    k.argmax_nhwc_f32(floats.data(), count, packed, packed, gf.data());
    bool ok = true;
    for (const std::vector<ArgMax>* g : {&gu, &gf}) {
      const std::vector<ArgMax>& r = *g;
      ok = ok && r[0].index == 3 && r[0].value == 200.0f && r[1].index == late && r[1].value == 101.0f &&
           r[packed - 1].index == (packed == 2 ? late : last) && r[packed - 1].finite;
    }
    if (packed == 3) ok = ok && gu[2].value == 9.0f && gf[2].value == 9.0f;
    t.check(ok, path, "argmax_nhwc packed (past 2^20 groups)", count, packed);
  }
  // argmax_f32 / _f16 take spans of 2^23 elements (their lane indices ride as floats): a maximum
  // that ties across spans keeps the first, a larger one in a later span wins, and a NaN in the
  // last span makes the plane invalid.
  const size_t span = size_t(1) << 23, n = 2 * span + 40;
  std::vector<float> plane(n, 0.25f);
  std::vector<uint16_t> halves(n, 0x3400);  // 0.25
  plane[span - 1] = plane[span + 7] = 2.0f;
  halves[span - 1] = halves[span + 7] = 0x4000;  // 2
  const ArgMax tie = k.argmax_f32(plane.data(), n), tie_h = k.argmax_f16(halves.data(), n);
  plane[2 * span + 3] = 3.0f;
  halves[2 * span + 3] = 0x4200;  // 3
  const ArgMax later = k.argmax_f32(plane.data(), n), later_h = k.argmax_f16(halves.data(), n);
  plane[n - 1] = std::numeric_limits<float>::quiet_NaN();
  halves[n - 1] = 0x7E00;
  const ArgMax nan = k.argmax_f32(plane.data(), n), nan_h = k.argmax_f16(halves.data(), n);
  t.check(tie.index == span - 1 && tie.value == 2.0f && tie_h.index == span - 1 && later.index == 2 * span + 3 &&
              later.value == 3.0f && later_h.index == 2 * span + 3 && later_h.value == 3.0f && !nan.finite &&
              !nan_h.finite,
          path, "argmax_f32 / _f16 (past 2^23 elements)", n, 0);
}

// 'dark' and 'udp' blur only the window around the argmax where that gives the whole-plane blur's
// answer (decode.cc): on every path their coordinates stay within 1e-5 px ('dark') and 3e-5 px ('udp')
// of the whole-plane algorithm's,
// on Gaussians with noise, peaks at and near every border, flat and tiny planes, plateaus, Float32
// Uint8 and float16, kernel sizes 1 to 25. The whole-plane result is the same path's (their blurs agree bit
// for bit across paths, kernels.h).
void compare_dark_window(const Kernels& k, Tally& t, std::mt19937& rng) {
  const std::string path = k.name;
  coordconv::ThreadPool pool(1);
  std::uniform_real_distribution<float> unit(0.0f, 1.0f);
  const size_t kernels[] = {1, 3, 5, 11, 25};
  for (int trial = 0; trial < 1500; ++trial) {
    const size_t h = 5 + rng() % 60, w = 5 + rng() % 60, n = h * w;
    const size_t kernel = kernels[rng() % 5];
    const double sigma = 0.5 + 3.0 * unit(rng);
    const int flavour = trial % 5;
    // Centres anywhere, borders included (-1 to side), sigma 0.7 to 4, noise 0 to 5%.
    const float cx = -1.0f + unit(rng) * float(w + 1), cy = -1.0f + unit(rng) * float(h + 1);
    const float s = 0.7f + 3.3f * unit(rng), noise = flavour == 1 ? 0.05f * unit(rng) : 0.0f;
    const float amplitude = flavour == 2 ? 1e-9f : (flavour == 3 ? 250.0f : 1.0f);
    std::vector<float> f(n);
    for (size_t y = 0; y < h; ++y) {
      for (size_t x = 0; x < w; ++x) {
        const float d2 = (float(x) - cx) * (float(x) - cx) + (float(y) - cy) * (float(y) - cy);
        f[y * w + x] = amplitude * std::exp(-d2 / (2 * s * s)) + noise * unit(rng);
      }
    }
    if (flavour == 4) std::fill(f.begin() + n / 3, f.begin() + n / 2, 0.75f);  // a plateau
    std::vector<uint8_t> u(n);
    for (size_t i = 0; i < n; ++i) u[i] = uint8_t(std::min(255.0f, std::round(f[i] * (flavour == 3 ? 1.0f : 250.0f))));
    std::vector<uint16_t> half(n);
    for (size_t i = 0; i < n; ++i) half[i] = half_toward_zero(f[i]);
    for (int m = 0; m < 6; ++m) {
      const int dtype = m % 3;
      const bool udp = m >= 3;
      std::vector<float> widened(n);
      for (size_t i = 0; i < n; ++i) widened[i] = dtype == 1 ? float(u[i]) : half_reference(half[i]);
      const float* plane = dtype == 0 ? f.data() : widened.data();
      const void* data[] = {f.data(), u.data(), half.data()};
      const coordconv::DType dtypes[] = {coordconv::DType::kFloat32, coordconv::DType::kUint8, coordconv::DType::kFloat16};
      coordconv::DecodeRequest d;
      d.input = coordconv::PlaneBatch{data[dtype], dtypes[dtype], 1, h, w};
      d.method = udp ? coordconv::DecodeMethod::kUdp : coordconv::DecodeMethod::kDark;
      d.params.kernel = kernel;
      d.params.sigma = sigma;
      d.params.min_score = 0.0;
      d.threads = 1;
      float xy[2], score;
      uint8_t valid;
      d.coords = xy;
      d.scores = &score;
      d.valid = &valid;
      coordconv::decode(k, pool, d);
      double x = 0, y = 0;
      const bool ok = udp ? coordconv::decode_udp_full_plane(k, plane, h, w, kernel, dtype == 1, &x, &y)
                          : coordconv::decode_dark_full_plane(k, plane, h, w, kernel, sigma, &x, &y);
      const double tol = udp ? 3e-5 : 1e-5;  // decode.cc: udp_window's bound, dark_window's
      const bool same = ok == (valid == 1) &&
                        (!ok || (std::fabs(double(xy[0]) - double(float(x))) <= tol && std::fabs(double(xy[1]) - double(float(y))) <= tol));
      const char* names[] = {"dark window vs whole plane (f32)", "dark window vs whole plane (u8)", "dark window vs whole plane (f16)",
                             "udp window vs whole plane (f32)",  "udp window vs whole plane (u8)",  "udp window vs whole plane (f16)"};
      t.check(same, path, names[m], n, kernel);
    }
  }
}

// decode_simcc, argmax and dark, bit for bit against scalar: vector widths around every vector
// size, misaligned, Float32 and Uint8 on each axis, Gaussians with noise and the awkward values.
void compare_simcc(const Kernels& k, const Kernels& ref, Tally& t, std::mt19937& rng) {
  const std::string path = k.name;
  coordconv::ThreadPool pool(1);
  const size_t widths[] = {1, 2, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 192, 257, 384, 512};
  for (size_t wx : widths) {
    for (size_t offset = 0; offset < 3; ++offset) {
      for (int flavour = 0; flavour < 3; ++flavour) {
        const size_t n = 3, wy = widths[rng() % 18];
        Inputs xs = make_inputs(rng, n * wx + offset, flavour), ys = make_inputs(rng, n * wy + offset, flavour);
        if (flavour == 1) {  // Gaussian peaks with noise, as a model gives
          for (size_t i = 0; i < n * wx; ++i) xs.floats[offset + i] = std::exp(-std::pow((float(i % wx) - float(wx) / 3) / 4.0f, 2.0f)) + float(rng() % 100) * 1e-4f;
          for (size_t i = 0; i < n * wy; ++i) ys.floats[offset + i] = std::exp(-std::pow((float(i % wy) - float(wy) / 2) / 5.0f, 2.0f));
        }
        for (int method = 0; method < 2; ++method) {
          for (int dtypes = 0; dtypes < 4; ++dtypes) {
            coordconv::SimccRequest r;
            const bool xu = dtypes & 1, yu = dtypes & 2;
            r.x = coordconv::PlaneBatch{xu ? static_cast<const void*>(xs.bytes.data() + offset) : xs.floats.data() + offset,
                                        xu ? coordconv::DType::kUint8 : coordconv::DType::kFloat32, n, 1, wx};
            r.y = coordconv::PlaneBatch{yu ? static_cast<const void*>(ys.bytes.data() + offset) : ys.floats.data() + offset,
                                        yu ? coordconv::DType::kUint8 : coordconv::DType::kFloat32, n, 1, wy};
            r.method = method ? coordconv::SimccMethod::kDark : coordconv::SimccMethod::kArgmax;
            r.kernel_x = 1 + 2 * (rng() % 20);
            r.kernel_y = 29;
            r.split_ratio = 2.0;
            r.min_score = flavour == 2 ? -std::numeric_limits<double>::infinity() : 0.0;
            r.threads = 1;
            float c1[2 * n], c2[2 * n], s1[n], s2[n];
            uint8_t v1[n], v2[n];
            auto run = [&](const Kernels& kk, float* c, float* sc, uint8_t* v) {
              coordconv::SimccRequest q = r;
              q.coords = c;
              q.scores = sc;
              q.valid = v;
              coordconv::decode_simcc(kk, pool, q);
            };
            run(k, c1, s1, v1);
            run(ref, c2, s2, v2);
            bool same = coordconv::check_simcc_request([&] { auto q = r; q.coords = c1; q.scores = s1; q.valid = v1; return q; }()).empty();
            for (size_t i = 0; i < n; ++i) {
              same = same && v1[i] == v2[i] && same_bits(s1[i], s2[i]) && same_bits(c1[2 * i], c2[2 * i]) && same_bits(c1[2 * i + 1], c2[2 * i + 1]);
            }
            t.check(same, path, method ? "decode_simcc (dark)" : "decode_simcc (argmax)", wx, offset);
          }
        }
      }
    }
  }
}

void compare(const Kernels& k, const Kernels& ref, Tally& t) {
  std::mt19937 rng(20202);
  compare_dark_window(k, t, rng);
  compare_simcc(k, ref, t, rng);
  const std::string path = k.name;
  compare_argmax(k, ref, t, rng);
  compare_f16(k, ref, t, rng);
  compare_argmax_nhwc(k, ref, t, rng);
  compare_deinterleave(k, t, rng);
  for (size_t n = 0; n <= 300; ++n) {
    for (size_t offset = 0; offset < 4; ++offset) {
      for (int flavour = 0; flavour < 3; ++flavour) {
        Inputs in = make_inputs(rng, n + offset, flavour);
        const float* f = in.floats.data() + offset;
        const uint8_t* b = in.bytes.data() + offset;
        OneHotScan s1, s2;
        k.onehot_f32(f, n, &s1);
        ref.onehot_f32(f, n, &s2);
        t.check(s1.nonzero == s2.nonzero && s1.first == s2.first, path, "onehot_f32", n, offset);
        k.onehot_u8(b, n, &s1);
        ref.onehot_u8(b, n, &s2);
        t.check(s1.nonzero == s2.nonzero && s1.first == s2.first, path, "onehot_u8", n, offset);
        const ArgMax a1 = k.argmax_f32(f, n), a2 = ref.argmax_f32(f, n);
        t.check(a1.finite == a2.finite && a1.index == a2.index && same_bits(a1.value, a2.value), path, "argmax_f32", n, offset);
        const ArgMax u1 = k.argmax_u8(b, n), u2 = ref.argmax_u8(b, n);
        t.check(u1.finite == u2.finite && u1.index == u2.index && same_bits(u1.value, u2.value), path, "argmax_u8", n, offset);
        t.check(k.sum_u8(b, n) == ref.sum_u8(b, n), path, "sum_u8", n, offset);
        t.check(k.sweep_u8(b, n) == ref.sweep_u8(b, n), path, "sweep_u8", n, offset);
        if (flavour != 2) {
          const double x = k.sum_f32(f, n), y = ref.sum_f32(f, n);
          t.check(std::fabs(x - y) <= 1e-12 * std::fmax(1.0, std::fabs(y)) * std::fmax(1.0, double(n)), path, "sum_f32", n, offset);
        }
        std::vector<float> r1(n), r2(n);
        k.relu_f32(f, r1.data(), n);
        ref.relu_f32(f, r2.data(), n);
        bool relu_ok = true;
        for (size_t i = 0; i < n; ++i) relu_ok = relu_ok && same_bits(r1[i], r2[i]);
        t.check(relu_ok, path, "relu_f32", n, offset);
        compare_decoder(k, ref, t, rng, in, n, offset, flavour);
        compare_means(k, ref, t, rng, in, n, offset, flavour);
        if (flavour == 0) compare_encoder(k, ref, t, rng, n, offset);
      }
    }
  }
}

// The decoder kernels: u8_to_f32, fir_f32, maxrows_f32 and peak_candidates_f32 must match scalar
// bit for bit; centroid_row_f32 and softmax_row_f32 weigh every element alike on every path but
// add the weights in double in another order (kernels.h), so they agree within a relative 1e-6.
void compare_decoder(const Kernels& k, const Kernels& ref, Tally& t, std::mt19937& rng, const Inputs& in,
                     size_t n, size_t offset, int flavour) {
  const std::string path = k.name;
  const float* f = in.floats.data() + offset;
  const uint8_t* b = in.bytes.data() + offset;
  const auto same = [](float a, float c) { return same_bits(a, c) || (std::isnan(a) && std::isnan(c)); };
  {
    std::vector<float> o1(n), o2(n);
    k.u8_to_f32(b, o1.data(), n);
    ref.u8_to_f32(b, o2.data(), n);
    t.check(o1 == o2, path, "u8_to_f32", n, offset);
  }
  // Taps along a row: src[t] = row + t (reads n + ntaps - 1 values).
  std::uniform_real_distribution<float> tap(-0.5f, 1.0f);
  for (size_t ntaps : {1, 3, 11}) {
    std::vector<float> row(n + ntaps);
    for (size_t i = 0; i < row.size(); ++i) row[i] = in.floats.empty() ? 0.0f : in.floats[(i * 7 + offset) % in.floats.size()];
    std::vector<float> taps(ntaps);
    for (float& w : taps) w = tap(rng);
    std::vector<const float*> src(ntaps);
    for (size_t j = 0; j < ntaps; ++j) src[j] = row.data() + j;
    // Unpaired, then every other term paired with a mirrored tap (the blur's symmetric pass).
    std::vector<const float*> mirror(ntaps);
    for (size_t j = 0; j < ntaps; ++j) mirror[j] = j % 2 ? nullptr : row.data() + (ntaps - 1 - j);
    const float* const* const pairings[] = {nullptr, mirror.data()};
    for (const float* const* m : pairings) {
      std::vector<float> o1(n), o2(n);
      k.fir_f32(src.data(), m, taps.data(), ntaps, o1.data(), n);
      ref.fir_f32(src.data(), m, taps.data(), ntaps, o2.data(), n);
      bool ok = true;
      for (size_t i = 0; i < n; ++i) ok = ok && same(o1[i], o2[i]);
      t.check(ok, path, m ? "fir_f32 (paired)" : "fir_f32", n, offset);
    }
  }
  if (flavour == 2) return;  // the rest take finite input (or -inf padding)
  for (size_t nsrc : {1, 2, 5}) {
    std::vector<float> row(n + nsrc, -std::numeric_limits<float>::infinity());
    for (size_t i = 0; i < n; ++i) row[i + nsrc / 2] = f[i];
    std::vector<const float*> src(nsrc);
    for (size_t j = 0; j < nsrc; ++j) src[j] = row.data() + j;
    std::vector<float> o1(n), o2(n);
    k.maxrows_f32(src.data(), nsrc, o1.data(), n);
    ref.maxrows_f32(src.data(), nsrc, o2.data(), n);
    bool ok = true;
    for (size_t i = 0; i < n; ++i) ok = ok && same_bits(o1[i], o2[i]);
    t.check(ok, path, "maxrows_f32", n, offset);
    std::vector<uint32_t> i1(n + coordconv::kIndexSlack), i2(n + coordconv::kIndexSlack);
    // The candidates against the window max of the shifted rows, pooled in the kernel; the
    // reference is the definition on maxrows_f32's output.
    const size_t c1 = k.peak_candidates_f32(f, src.data(), nsrc, n, 0.25f, i1.data());
    const size_t c2 = ref.peak_candidates_f32(f, src.data(), nsrc, n, 0.25f, i2.data());
    size_t want = 0;
    bool defined = true;
    for (size_t i = 0; i < n; ++i) {
      if (f[i] == o2[i] && f[i] >= 0.25f) defined = defined && want < c2 && i2[want++] == i;
    }
    t.check(c1 == c2 && want == c2 && defined && std::equal(i1.begin(), i1.begin() + c1, i2.begin()), path,
            "peak_candidates_f32", n, offset);
  }
  const auto close = [](const double* a, const double* c) {
    for (int j = 0; j < 2; ++j) {
      if (!(std::fabs(a[j] - c[j]) <= 1e-6 * std::fmax(1.0, std::fabs(c[j])))) return false;
    }
    return true;
  };
  double c1[2] = {0, 0}, c2[2] = {0, 0};
  k.centroid_row_f32(f, n, 0.5f, c1);
  ref.centroid_row_f32(f, n, 0.5f, c2);
  t.check(close(c1, c2), path, "centroid_row_f32", n, offset);
  float max = -std::numeric_limits<float>::infinity();
  for (size_t i = 0; i < n; ++i) max = std::fmax(max, f[i]);
  for (float beta : {0.5f, 1.7f, 40.0f}) {
    double s1[2] = {0, 0}, s2[2] = {0, 0};
    k.softmax_row_f32(f, n, max, beta, s1);
    ref.softmax_row_f32(f, n, max, beta, s2);
    t.check(close(s1, s2), path, "softmax_row_f32", n, offset);
  }
}

// The encoder and CoordConv kernels: all bit for bit, under the flush-to-zero mode the
// encoder runs in (gauss and max_scaled) and in the default mode (conv_tile, whose fused
// multiply-add is std::fma on the scalar path).
void compare_encoder(const Kernels& k, const Kernels& ref, Tally& t, std::mt19937& rng, size_t n, size_t offset) {
  const std::string path = k.name;
  std::uniform_real_distribution<float> centre(-8.0f, 72.0f), scale(0.01f, 3.0f), unit(0.0f, 1.0f);
  {
    const coordconv::FlushSubnormals ftz;
    const float off = -centre(rng), sc = scale(rng);
    std::vector<float> g1(n + offset, 7.0f), g2(n + offset, 7.0f);
    k.gauss_f32(g1.data() + offset, n, off, sc);
    ref.gauss_f32(g2.data() + offset, n, off, sc);
    t.check(std::memcmp(g1.data(), g2.data(), g1.size() * sizeof(float)) == 0, path, "gauss_f32", n, offset);
    const float s = unit(rng) * 2.0f;
    std::vector<float> m1(n + offset), m2;
    for (float& v : m1) v = unit(rng) * 0.5f;
    m2 = m1;
    k.max_scaled_f32(m1.data() + offset, g2.data() + offset, s, n);
    ref.max_scaled_f32(m2.data() + offset, g2.data() + offset, s, n);
    t.check(std::memcmp(m1.data(), m2.data(), m1.size() * sizeof(float)) == 0, path, "max_scaled_f32", n, offset);
    std::vector<uint8_t> base(n + offset);
    for (uint8_t& v : base) v = static_cast<uint8_t>(rng() % 256);
    std::vector<uint8_t> u1 = base, u2 = base;
    const float s8 = 255.0f * unit(rng);
    k.max_scaled_u8(u1.data() + offset, g2.data() + offset, s8, n);
    ref.max_scaled_u8(u2.data() + offset, g2.data() + offset, s8, n);
    t.check(u1 == u2, path, "max_scaled_u8", n, offset);
  }
  if (n > 80) return;  // conv tiles: every width up to 80, a few channel counts
  for (size_t out_channels : {1, 3, 8, 13}) {
    const size_t taps = 1 + rng() % 12;
    std::vector<std::vector<float>> rows(taps, std::vector<float>(n + offset));
    std::vector<const float*> src(taps);
    for (size_t j = 0; j < taps; ++j) {
      for (float& v : rows[j]) v = unit(rng) * 2.0f - 1.0f;
      src[j] = rows[j].data() + offset;
    }
    std::vector<float> weight(out_channels * taps), bias(out_channels);
    for (float& v : weight) v = unit(rng) * 2.0f - 1.0f;
    for (float& v : bias) v = unit(rng) - 0.5f;
    const size_t stride = n + 5;
    for (bool relu : {false, true}) {
      std::vector<float> o1(out_channels * stride, 9.0f), o2 = o1;
      coordconv::ConvTile a{src.data(), taps, weight.data(), relu ? nullptr : bias.data(), out_channels, o1.data(), stride, n, relu};
      coordconv::ConvTile b = a;
      b.out = o2.data();
      k.conv_tile_f32(a);
      ref.conv_tile_f32(b);
      t.check(std::memcmp(o1.data(), o2.data(), o1.size() * sizeof(float)) == 0, path, "conv_tile_f32", n, offset);
    }
  }
}

// The request checkers: every field set gives an empty answer; each field a request forgets (left
// at its unset value) is refused, with the message built from engine_limits.h.
// The flip test's means: bit for bit (a NaN matching any NaN: the ISAs pick different payloads
// when both operands are NaN), b of another flavour than a so that NaN meets number, Inf meets
// -Inf and max meets max, the output at its own offset.
bool same_or_both_nan(float a, float b) { return same_bits(a, b) || (std::isnan(a) && std::isnan(b)); }

void compare_means(const Kernels& k, const Kernels& ref, Tally& t, std::mt19937& rng, const Inputs& in, size_t n,
                   size_t offset, int flavour) {
  const std::string path = k.name;
  const float* a = in.floats.data() + offset;
  Inputs other = make_inputs(rng, n + 3, (flavour + 1) % 3);
  if (n > 0) other.floats[rng() % n] = std::numeric_limits<float>::max();
  const float* b = other.floats.data() + (offset + 1) % 3;  // misaligned unlike a
  std::vector<float> o1(n + 1), o2(n + 1);
  for (int reversed = 0; reversed < 2; ++reversed) {
    (reversed ? k.mean_reversed_f32 : k.mean_f32)(a, b, o1.data() + 1, n);
    (reversed ? ref.mean_reversed_f32 : ref.mean_f32)(a, b, o2.data() + 1, n);
    bool ok = true;
    for (size_t i = 0; i < n; ++i) {
      // And the closed form, for both: (a + b) * 0.5 in float.
      const float want = (a[i] + b[reversed ? n - 1 - i : i]) * 0.5f;
      ok = ok && same_or_both_nan(o1[i + 1], o2[i + 1]) && same_or_both_nan(o2[i + 1], want);
    }
    t.check(ok, path, reversed ? "mean_reversed_f32" : "mean_f32", n, offset);
  }
}

void check_requests(int* passed, int* failed) {
  auto expect = [&](const std::string& got, const std::string& want, const char* what) {
    const bool ok = got == want;
    std::printf("%s request %s%s\n", ok ? "ok" : "not ok", what, ok ? "" : (": got '" + got + "'").c_str());
    (ok ? *passed : *failed) += 1;
  };
  const float plane[4] = {0, 1, 2, 3};
  float coords[2], scores[1];
  uint8_t valid[1];
  uint32_t counts[1];
  coordconv::DecodeRequest d;
  d.input = coordconv::PlaneBatch{plane, coordconv::DType::kFloat32, 1, 2, 2};
  d.method = coordconv::DecodeMethod::kDark;
  d.coords = coords;
  d.scores = scores;
  d.valid = valid;
  d.threads = 1;
  expect(coordconv::check_decode_request(d), "kernel must be odd, 1 to 255", "decode without kernel");
  d.params.kernel = 11;
  expect(coordconv::check_decode_request(d), "sigma must be finite and >= 0", "decode without sigma");
  d.params.sigma = 2.0;
  expect(coordconv::check_decode_request(d), "min_score must be a number below +inf", "decode without min_score");
  d.params.min_score = -std::numeric_limits<double>::infinity();
  expect(coordconv::check_decode_request(d), "", "decode (dark) complete");
  d.threads = 0;
  expect(coordconv::check_decode_request(d), "threads must be positive", "decode without threads");
  d.threads = 1;
  d.method = coordconv::DecodeMethod::kCentroid;
  expect(coordconv::check_decode_request(d), "threshold must be in [0, 1]", "decode without threshold");
  d.params.threshold = 0.5;
  expect(coordconv::check_decode_request(d), "min_score must be finite and >= 0 for centroid", "centroid with min_score < 0");
  d.method = coordconv::DecodeMethod::kExact;
  expect(coordconv::check_decode_request(d), "", "exact ignores min_score");
  d.method = coordconv::DecodeMethod::kSoftargmax;
  expect(coordconv::check_decode_request(d), "beta must be finite and positive", "decode without beta");
  d.params.beta = 1.0;
  expect(coordconv::check_decode_request(d), "", "decode (softargmax) complete");
  d.method = coordconv::DecodeMethod::kQuarter;
  expect(coordconv::check_decode_request(d), "quarter rule is unset", "quarter without its rule");
  d.params.quarter_rule = coordconv::QuarterRule::kHrnet;
  expect(coordconv::check_decode_request(d), "", "decode (quarter) complete");
  for (auto method : {coordconv::DecodeMethod::kUdp, coordconv::DecodeMethod::kMegvii}) {
    d.method = method;
    d.params.kernel = 4;
    expect(coordconv::check_decode_request(d), "kernel must be odd, 1 to 255", "udp and megvii with an even kernel");
    d.params.kernel = 11;
    expect(coordconv::check_decode_request(d), "", "decode (udp, megvii) complete");
  }
  d.input.width = coordconv::kMaxSide + 1;
  expect(coordconv::check_decode_request(d), "plane height or width exceeds 2^24", "decode too wide");
  d.input.width = 2;
  d.input.layout = coordconv::Layout::kNhwc;
  d.input.channels = 0;
  expect(coordconv::check_decode_request(d), "channels must be positive and divide the planes for NHWC",
         "decode NHWC without channels");
  d.input.planes = 3;
  d.input.channels = 2;
  expect(coordconv::check_decode_request(d), "channels must be positive and divide the planes for NHWC",
         "decode NHWC with channels not dividing the planes");
  d.input.planes = 1;
  d.input.channels = 1;
  expect(coordconv::check_decode_request(d), "", "decode NHWC complete");
  d.input.layout = coordconv::Layout::kNchw;
  d.input.channels = 2;
  expect(coordconv::check_decode_request(d), "channels must be 1 for NCHW", "decode NCHW with channels");

  coordconv::PeaksRequest p;
  p.input = coordconv::PlaneBatch{plane, coordconv::DType::kFloat32, 1, 2, 2};
  p.coords = coords;
  p.scores = scores;
  p.valid = valid;
  p.counts = counts;
  expect(coordconv::check_peaks_request(p), "k must be 1 to 2^32 - 1", "peaks without k");
  p.k = 1;
  expect(coordconv::check_peaks_request(p), "window must be odd, 1 to 255", "peaks without window");
  p.window = 3;
  expect(coordconv::check_peaks_request(p), "threshold must be finite", "peaks without threshold");
  p.threshold = 0.1;
  expect(coordconv::check_peaks_request(p), "images and per_image do not match the planes", "peaks without images");
  p.images = 1;
  p.per_image = 1;
  expect(coordconv::check_peaks_request(p), "threads must be positive", "peaks without threads");
  p.threads = 1;
  expect(coordconv::check_peaks_request(p), "", "peaks complete");

  coordconv::SimccRequest q;
  q.x = coordconv::PlaneBatch{plane, coordconv::DType::kFloat32, 1, 1, 4};
  q.y = coordconv::PlaneBatch{plane, coordconv::DType::kFloat32, 2, 1, 2};
  q.coords = coords;
  q.scores = scores;
  q.valid = valid;
  q.method = coordconv::SimccMethod::kDark;
  expect(coordconv::check_simcc_request(q), "x and y must hold the same number of vectors", "SimCC with unequal counts");
  q.y.planes = 1;
  expect(coordconv::check_simcc_request(q), "threads must be positive", "SimCC without threads");
  q.threads = 1;
  expect(coordconv::check_simcc_request(q), "split ratio must be finite and positive", "SimCC without split ratio");
  q.split_ratio = 1e300;
  expect(coordconv::check_simcc_request(q), "split ratio must be a positive finite float32", "SimCC with a double-only ratio");
  q.split_ratio = 2.0;
  expect(coordconv::check_simcc_request(q), "min score must not be NaN", "SimCC without min score");
  q.min_score = -std::numeric_limits<double>::infinity();
  expect(coordconv::check_simcc_request(q), "kernel must be odd, 1 to 255", "SimCC (dark) without kernels");
  q.kernel_x = q.kernel_y = 29;
  expect(coordconv::check_simcc_request(q), "", "SimCC (dark) complete");
  q.y.height = 2;
  expect(coordconv::check_simcc_request(q), "y vectors must have height 1", "SimCC with 2-D y");
  q.y.height = 1;
  q.x.width = coordconv::kMaxSide + 1;
  expect(coordconv::check_simcc_request(q), "x: plane height or width exceeds 2^24", "SimCC too wide");
  p.over = coordconv::PeaksOver::kImage;
  expect(coordconv::check_peaks_request(p), "output buffers are null", "peaks over images without channels");
  p.channels = counts;
  expect(coordconv::check_peaks_request(p), "", "peaks over images complete");
  p.images = 2;
  expect(coordconv::check_peaks_request(p), "images and per_image do not match the planes", "peaks over too many images");
  p.input.planes = 0;
  p.per_image = 0;
  expect(coordconv::check_peaks_request(p), "", "peaks over images of no channels");

  // Boxes: the peaks' rules first, then the sizes and offsets maps against the heatmaps.
  coordconv::BoxesRequest b;
  b.heatmaps = coordconv::PlaneBatch{plane, coordconv::DType::kFloat32, 1, 1, 2};
  b.images = 1;
  b.per_image = 1;
  b.boxes = b.scores = coords;
  b.valid = valid;
  b.counts = b.classes = counts;
  expect(coordconv::check_boxes_request(b), "k must be 1 to 2^32 - 1", "boxes without k");
  b.k = 1;
  b.window = 3;
  b.threshold = 0.1;
  b.threads = 1;
  expect(coordconv::check_boxes_request(b), "sizes: plane height and width must be positive", "boxes without sizes");
  b.sizes = coordconv::PlaneBatch{plane, coordconv::DType::kFloat32, 2, 1, 2};
  expect(coordconv::check_boxes_request(b), "", "boxes complete");
  b.sizes.dtype = coordconv::DType::kUint8;
  expect(coordconv::check_boxes_request(b), "sizes must be float32 or float16", "boxes with Uint8 sizes");
  b.sizes.dtype = coordconv::DType::kFloat16;
  b.sizes.width = 1;
  b.sizes.height = 2;
  expect(coordconv::check_boxes_request(b), "sizes must have the heatmaps' height and width", "boxes with transposed sizes");
  b.sizes.width = 2;
  b.sizes.height = 1;
  b.sizes.planes = 1;
  expect(coordconv::check_boxes_request(b), "sizes must have 2 planes per image", "boxes with one size plane");
  b.sizes.planes = 2;
  b.has_offsets = true;
  expect(coordconv::check_boxes_request(b), "offsets: plane height and width must be positive", "boxes with empty offsets");
  b.offsets = b.sizes;
  b.offsets.layout = coordconv::Layout::kNhwc;
  b.offsets.channels = 2;
  expect(coordconv::check_boxes_request(b), "offsets must have the heatmaps' layout", "boxes with NHWC offsets");
  b.offsets = b.sizes;
  expect(coordconv::check_boxes_request(b), "", "boxes with offsets complete");
  b.heatmaps.layout = coordconv::Layout::kNhwc;
  b.heatmaps.channels = 1;
  b.per_image = 1;
  b.sizes.layout = b.offsets.layout = coordconv::Layout::kNhwc;
  b.sizes.channels = b.offsets.channels = 1;
  expect(coordconv::check_boxes_request(b), "sizes must have 2 planes per image", "boxes NHWC with one-channel sizes");
  b.sizes.channels = b.offsets.channels = 2;
  expect(coordconv::check_boxes_request(b), "", "boxes NHWC complete");
  b.k = size_t(1) << 62;
  expect(coordconv::check_boxes_request(b), "k must be 1 to 2^32 - 1", "boxes with a huge k");
}

// The binary16 value of bits h from the standard's definition, written apart from native/half.h:
// (-1)^s 2^(e - 15) (1 + m / 1024), or 2^-14 (m / 1024) for e = 0; +-Inf; NaN as the rule chosen
// (kernels.h: sign kept, quiet bit set, payload in the top mantissa bits, as F16C and NEON give).
float half_reference(uint16_t h) {
  const int e = (h >> 10) & 31, m = h & 1023;
  const bool negative = (h & 0x8000) != 0;
  float v;
  if (e == 31 && m != 0) {
    const uint32_t bits = (negative ? 0x80000000u : 0u) | 0x7FC00000u | (uint32_t(m) << 13);
    std::memcpy(&v, &bits, sizeof v);
    return v;
  }
  if (e == 31) {
    v = std::numeric_limits<float>::infinity();
  } else if (e == 0) {
    v = static_cast<float>(std::ldexp(static_cast<double>(m), -24));
  } else {
    v = static_cast<float>(std::ldexp(1.0 + m / 1024.0, e - 15));
  }
  return negative ? -v : v;
}

// f16_to_f32 on all 65536 bit patterns, at every length around the vector widths and at odd
// offsets, with and without FlushSubnormals (decode converts inside it: a subnormal half is a
// normal float, so nothing may flush), bit for bit against half_reference; and argmax_f16 against
// the scalar kernel and against argmax_f32 over the widened halves (ties, +-0, NaN, Inf,
// subnormals, tails).
void compare_f16(const Kernels& k, const Kernels& ref, Tally& t, std::mt19937& rng) {
  const std::string path = k.name;
  std::vector<uint16_t> all(65536 + 3);
  std::vector<float> want(65536), got(65536 + 3);
  for (size_t offset = 0; offset < 3; ++offset) {
    for (size_t i = 0; i < 65536; ++i) all[i + offset] = static_cast<uint16_t>(i);
    for (int flush = 0; flush < 2; ++flush) {
      std::fill(got.begin(), got.end(), -1.0f);
      if (flush) {
        const coordconv::FlushSubnormals f;
        k.f16_to_f32(all.data() + offset, got.data(), 65536);
      } else {
        k.f16_to_f32(all.data() + offset, got.data(), 65536);
      }
      bool ok = true;
      for (size_t i = 0; i < 65536; ++i) ok = ok && same_bits(got[i], half_reference(static_cast<uint16_t>(i)));
      t.check(ok, path, flush ? "f16_to_f32 (every half, flushing)" : "f16_to_f32 (every half)", 65536, offset);
    }
  }
  const uint16_t specials[] = {0x0000, 0x8000, 0x7C00, 0xFC00, 0x7E00, 0x7C01, 0xFFFF, 0x0001, 0x03FF, 0x8001, 0x7BFF, 0xFBFF, 0x3C00};
  for (size_t n = 0; n <= 300; ++n) {
    for (size_t offset = 0; offset < 3; ++offset) {
      for (int flavour = 0; flavour < 5; ++flavour) {
        std::vector<uint16_t> hv(n + offset);
        for (uint16_t& h : hv) {
          switch (flavour) {
            case 0: h = static_cast<uint16_t>(rng() % 0x7C00 | (rng() % 2 ? 0x8000 : 0)); break;  // finite
            case 1: h = static_cast<uint16_t>(0x3C00 + rng() % 3); break;                         // ties
            case 2: h = rng() % 2 ? 0x0000 : 0x8000; break;                                      // +-0
            case 3: h = static_cast<uint16_t>(rng() % 0x400 | (rng() % 2 ? 0x8000 : 0)); break;  // subnormals
            default: h = rng() % 4 == 0 ? specials[rng() % 13] : static_cast<uint16_t>(rng() % 0x7C00); break;
          }
        }
        const uint16_t* p = hv.data() + offset;
        std::vector<float> w1(n), w2(n);
        k.f16_to_f32(p, w1.data(), n);
        ref.f16_to_f32(p, w2.data(), n);
        bool ok = true;
        for (size_t i = 0; i < n; ++i) ok = ok && same_bits(w1[i], w2[i]) && same_bits(w2[i], half_reference(p[i]));
        t.check(ok, path, "f16_to_f32", n, offset);
        const ArgMax a1 = k.argmax_f16(p, n), a2 = ref.argmax_f16(p, n), a3 = ref.argmax_f32(w2.data(), n);
        t.check(a1.finite == a2.finite && a1.index == a2.index && same_bits(a1.value, a2.value), path, "argmax_f16", n, offset);
        t.check(a2.finite == a3.finite && a2.index == a3.index && same_bits(a2.value, a3.value), path,
                "argmax_f16 (= argmax_f32 of the widened plane)", n, offset);
      }
    }
  }
}

}  // namespace

// sample and the offsets post-step on this CPU's build (run under qemu for arm64 too, where FMA is
// baseline: -ffp-contract=off must keep the bilinear sums unfused): closed forms on a 3 x 4 map of
// 10 * row + column (bilinear reproduces it exactly inside, the clamp outside, halves round up in
// 'nearest'), NaN for non-finite points, both layouts; then the offsets checks.
void check_sample(int* passed, int* failed) {
  auto expect = [&](bool ok, const std::string& what) {
    std::printf("%s sample %s\n", ok ? "ok" : "not ok", what.c_str());
    (ok ? *passed : *failed) += 1;
  };
  coordconv::ThreadPool pool(1);
  // Two channels: c0 = 10 * row + column, c1 = -(that).
  float nchw[24], nhwc[24];
  for (int c = 0; c < 2; ++c) {
    for (int p = 0; p < 12; ++p) {
      const float v = static_cast<float>(10 * (p / 4) + p % 4) * (c == 0 ? 1.0f : -1.0f);
      nchw[c * 12 + p] = v;
      nhwc[p * 2 + c] = v;
    }
  }
  const float pts[] = {0.25f, 0.5f, 2.75f, 1.125f, -3.0f, 9.0f, 1.5f, 0.5f, NAN, 1.0f, 0.49999997f, 2.5f};
  // Channel 0 at each point (channel 1 is its negation); point 2 is clamped to (0, 2), point 4 is NaN,
  // point 5's y is clamped to 2 and its x rounds down in 'nearest' (0.49999997 + 0.5 < 1 in double).
  const float bilinear[] = {5.25f, 14.0f, 20.0f, 6.5f, 0, 20.5f};
  const float nearest[] = {10.0f, 13.0f, 20.0f, 12.0f, 0, 20.0f};
  for (const bool channels_last : {false, true}) {
    for (const auto mode : {coordconv::SampleMode::kBilinear, coordconv::SampleMode::kNearest}) {
      coordconv::SampleRequest r;
      r.maps = coordconv::PlaneBatch{channels_last ? nhwc : nchw, coordconv::DType::kFloat32, 2, 3, 4,
                                     channels_last ? coordconv::Layout::kNhwc : coordconv::Layout::kNchw, channels_last ? 2u : 1u};
      r.samples = 1;
      r.channels = 2;
      r.points = 6;
      r.mode = mode;
      r.threads = 1;
      float out[12];
      r.coords = pts;
      r.out = out;
      const std::string what = std::string(channels_last ? "nhwc " : "nchw ") + (mode == coordconv::SampleMode::kBilinear ? "bilinear" : "nearest");
      expect(coordconv::check_sample_request(r).empty(), what + " request");
      coordconv::sample(coordconv::kScalarKernels, pool, r);
      const float* want = mode == coordconv::SampleMode::kBilinear ? bilinear : nearest;
      bool ok = true;
      for (int i = 0; i < 6; ++i) {
        if (i == 4) {
          ok = ok && std::isnan(out[8]) && std::isnan(out[9]);
          continue;
        }
        ok = ok && out[2 * i] == want[i] && out[2 * i + 1] == -want[i];
      }
      expect(ok, what + " values");
    }
  }
  coordconv::Offsets o;
  const coordconv::PlaneBatch heat{nchw, coordconv::DType::kFloat32, 2, 3, 4};
  expect(coordconv::check_offsets(o, heat).empty(), "offsets unset pass");
  o.kind = coordconv::OffsetsKind::kPosenet;
  o.map = coordconv::PlaneBatch{nchw, coordconv::DType::kFloat32, 2, 3, 4};
  o.images = 1;
  o.per_image = 2;
  expect(coordconv::check_offsets(o, heat) == "offsets: the map must hold 2 K (posenet) or 2 (centernet) planes per image", "posenet map of K planes");
  o.kind = coordconv::OffsetsKind::kCenternet;
  expect(coordconv::check_offsets(o, heat).empty(), "centernet map of 2 planes");
  o.images = 2;
  expect(coordconv::check_offsets(o, heat) == "offsets: images and per_image do not match the planes", "offsets images");
}

// check_flip_request refuses what lib/ never sends; merge_flipped on a small NCHW batch with shift
// gives the closed form.
void check_flip_requests(int* passed, int* failed) {
  auto expect = [&](bool ok, const std::string& what, const std::string& got) {
    std::printf("%s flip %s%s\n", ok ? "ok" : "not ok", what.c_str(), ok ? "" : (": got '" + got + "'").c_str());
    (ok ? *passed : *failed) += 1;
  };
  const float a[6] = {1, 2, 3, 4, 5, 6}, b[6] = {10, 20, 30, 40, 50, 60};
  float out[6] = {};
  uint32_t perm[2] = {1, 0};
  coordconv::FlipRequest r;
  r.pair_count = 1;
  r.keypoints = 2;
  r.flip_indices = perm;
  r.threads = 1;
  r.pairs[0].plain = coordconv::PlaneBatch{a, coordconv::DType::kFloat32, 2, 1, 3};
  r.pairs[0].flipped = coordconv::PlaneBatch{b, coordconv::DType::kFloat32, 2, 1, 3};
  r.pairs[0].mirror = true;
  r.pairs[0].shift = true;
  r.pairs[0].out = out;
  auto check = [&](const std::string& want, const char* what) {
    const std::string got = coordconv::check_flip_request(r);
    expect(got == want, what, got);
  };
  check("", "complete");
  perm[1] = 1;
  check("flip indices must be a permutation of the keypoints", "repeated index");
  perm[1] = 2;
  check("flip indices must be a permutation of the keypoints", "index out of range");
  perm[1] = 0;
  r.keypoints = 4;
  check("first pair: keypoints must divide the planes", "keypoints not dividing the planes");
  r.keypoints = 2;
  r.pairs[0].flipped.width = 2;
  check("first pair: the two inputs must have the same shape and layout", "shape mismatch");
  r.pairs[0].flipped.width = 3;
  r.pairs[0].flipped.planes = size_t(1) << 62;
  check("first pair: input size overflows", "overflowing size");
  r.pairs[0].flipped.planes = 2;
  r.pair_count = 3;
  check("pair count must be 1 or 2", "three pairs");
  r.pair_count = 1;
  r.pairs[0].mirror = false;
  check("first pair: shift needs mirror", "shift without mirror");
  r.pairs[0].mirror = true;
  coordconv::ThreadPool pool(0);
  coordconv::merge_flipped(coordconv::kScalarKernels, pool, r);
  // Plane 0 with flipped plane 1 [40, 50, 60], mirrored [60, 50, 40], shifted [60, 60, 50]; plane 1 likewise.
  const float want[6] = {30.5f, 31, 26.5f, 17, 17.5f, 13};
  expect(std::equal(out, out + 6, want), "merge with shift", "other values");
}

// Runs fn as a job submitted to the pool and returns once it has run.
template <typename F>
void run_as_job(coordconv::ThreadPool& pool, F fn) {
  std::mutex m;
  std::condition_variable cv;
  bool done = false;
  pool.submit([&] {
    fn();
    std::lock_guard<std::mutex> lock(m);
    done = true;
    cv.notify_all();
  });
  std::unique_lock<std::mutex> lock(m);
  cv.wait(lock, [&] { return done; });
}

// parallel_ranges: every unit exactly once, each thread's `part` below parts, the ranges covering
// [0, units) without gaps, from a plain caller and from a submitted job (an async call, whose
// thread yields between ranges); two calls at once from two threads on one pool, or a sync call
// beside a job, all finish.
void check_parallel_ranges(int* passed, int* failed) {
  auto expect = [&](bool ok, const std::string& what) {
    std::printf("%s thread pool %s\n", ok ? "ok" : "not ok", what.c_str());
    (ok ? *passed : *failed) += 1;
  };
  bool ok = true;
  for (size_t workers : {size_t(0), size_t(1), size_t(3)}) {
    coordconv::ThreadPool pool(workers);
    for (size_t parts = 1; parts <= 10; ++parts) {
      // A pool without workers runs a job on the caller, a plain one.
      const bool as_job = parts > 5, yields = as_job && workers > 0;
      for (size_t units : {size_t(0), size_t(1), size_t(7), size_t(40), size_t(1001)}) {
        // No bytes, a few ranges' worth, one range a unit, and the most a size_t holds.
        for (size_t bytes : {size_t(0), size_t(5) << 20, units << 20, SIZE_MAX}) {
          std::vector<std::atomic<int>> seen(units);
          std::atomic<bool> bad_part{false};
          std::atomic<size_t> calls{0};
          auto run = [&] {
            pool.parallel_ranges(units, parts, bytes, [&](size_t part, size_t first, size_t last) {
              if (part >= parts || first >= last || last > units) bad_part = true;
              calls.fetch_add(1);
              for (size_t u = first; u < last && u < units; ++u) seen[u].fetch_add(1);
            });
          };
          if (as_job) {
            run_as_job(pool, run);
          } else {
            run();
          }
          ok = ok && !bad_part && std::all_of(seen.begin(), seen.end(), [](const std::atomic<int>& c) { return c.load() == 1; });
          ok = ok && calls == (units == 0 ? 0 : coordconv::ThreadPool::range_count(units, parts, bytes, yields));
        }
      }
    }
  }
  expect(ok, "parallel_ranges covers every unit once");
  // The ranges: kRangesPerThread a thread at least, one a MiB of input past that, one a unit at most.
  using coordconv::ThreadPool;
  expect(ThreadPool::range_count(1001, 2, 0, false) == 16 && ThreadPool::range_count(1001, 2, 3 << 20, false) == 16 &&
             ThreadPool::range_count(1001, 2, 64 << 20, true) == 64 &&
             ThreadPool::range_count(1001, 2, SIZE_MAX, false) == 1001 &&
             ThreadPool::range_count(40, 3, size_t(1) << 30, false) == 40 && ThreadPool::range_count(7, 2, 0, false) == 7 &&
             ThreadPool::range_count(1001, 1, SIZE_MAX, false) == 1 && ThreadPool::range_count(1001, 1, 0, true) == 8 &&
             ThreadPool::range_count(1001, 1, 64 << 20, true) == 64,
         "parallel_ranges cuts about a MiB a range");
  coordconv::ThreadPool pool(1);
  {
    std::atomic<size_t> total{0};
    auto calls = [&] {
      for (int i = 0; i < 200; ++i) pool.parallel_ranges(64, 2, 0, [&](size_t, size_t first, size_t last) { total += last - first; });
    };
    std::thread a(calls), b(calls);
    a.join();
    b.join();
    expect(total == 2 * 200 * 64, "parallel_ranges from two threads at once");
    // The only worker runs a job; a sync call meanwhile runs its queued share itself.
    total = 0;
    std::thread job([&] { run_as_job(pool, calls); });
    calls();
    job.join();
    expect(total == 2 * 200 * 64, "parallel_ranges from a job and a sync caller at once, one worker");
  }
  {
    // Two jobs on two workers, each splitting its calls over both.
    coordconv::ThreadPool two(2);
    std::atomic<size_t> total{0};
    auto calls = [&] {
      for (int i = 0; i < 200; ++i) two.parallel_ranges(64, 2, 0, [&](size_t, size_t first, size_t last) { total += last - first; });
    };
    std::thread a([&] { run_as_job(two, calls); }), b([&] { run_as_job(two, calls); });
    a.join();
    b.join();
    expect(total == 2 * 200 * 64, "parallel_ranges from two jobs at once");
  }
  // A plain caller finishes a short job alone and wakes the workers for a long one: 2 ranges of no
  // work run on the caller, part 0; 16 of 2 ms (the rest, at that pace, far beyond kWorthWaking)
  // are shared, part 0 being the caller's. (Whether a thread was woken is not visible from here,
  // and a timed bound is not asserted: under qemu, or on a loaded machine, no-work ranges can take
  // the caller past kWorthWaking, as 16 of them did once.)
  for (const bool slow : {false, true}) {
    std::mutex m;
    std::set<std::thread::id> threads;
    std::atomic<bool> part0_elsewhere{false};
    const std::thread::id caller = std::this_thread::get_id();
    pool.parallel_ranges(slow ? 16 : 2, 2, 0, [&](size_t part, size_t, size_t) {
      if (slow) std::this_thread::sleep_for(std::chrono::milliseconds(2));
      if (part == 0 && std::this_thread::get_id() != caller) part0_elsewhere = true;
      std::lock_guard<std::mutex> lock(m);
      threads.insert(std::this_thread::get_id());
    });
    const bool alone = threads.size() == 1 && threads.count(caller) == 1;
    expect(!part0_elsewhere && (slow ? !alone : alone), slow ? "parallel_ranges wakes the workers for a long job" : "parallel_ranges runs a short job on the caller alone");
  }
  // A job whose ranges after the first read more than kSurelyWorthWaking is shared from its start:
  // two ranges run at once, each waiting (up to 10 s) for the other to begin. Run one after the
  // other, as a caller weighing its first range would, the first waits out its 10 s alone.
  {
    std::atomic<int> started{0};
    std::atomic<bool> overlapped{true};
    pool.parallel_ranges(2, 2, 2 * ThreadPool::kSurelyWorthWaking + 2, [&](size_t, size_t, size_t) {
      started.fetch_add(1);
      const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
      while (started.load() < 2 && std::chrono::steady_clock::now() < until) std::this_thread::yield();
      if (started.load() < 2) overlapped = false;
    });
    expect(overlapped, "parallel_ranges shares a job that surely reads long from its first range");
  }
  // A job runs on a worker, not the submitter, and takes the first share of its parallel_for; its
  // thread cuts ranges to yield between them even alone, a sync caller's not.
  {
    std::thread::id job_thread, first_share;
    run_as_job(pool, [&] {
      job_thread = std::this_thread::get_id();
      pool.parallel_for(4, 2, [&](size_t begin, size_t) {
        if (begin == 0) first_share = std::this_thread::get_id();
      });
    });
    expect(job_thread != std::this_thread::get_id() && first_share == job_thread, "a job runs on a worker and takes its first share");
    std::atomic<size_t> ranges{0};
    pool.parallel_ranges(1001, 1, 0, [&](size_t, size_t, size_t) { ranges.fetch_add(1); });
    std::atomic<size_t> job_ranges{0};
    run_as_job(pool, [&] { pool.parallel_ranges(1001, 1, 0, [&](size_t, size_t, size_t) { job_ranges.fetch_add(1); }); });
    expect(ranges == 1 && job_ranges == ThreadPool::range_count(1001, 1, 0, true), "a job's thread cuts ranges to yield between them, a sync caller's not");
  }
}

void check_cpu_spread(int* passed, int* failed);  // cpu_spread_test.cc

int main() {
  const coordconv::Dispatch d = coordconv::select_kernels(nullptr);
  int passed = 0, failed = 0;
  for (const std::string& name : d.available) {
    Tally t;
    compare(*coordconv::kernels_by_name(name), coordconv::kScalarKernels, t);
    for (const auto& [kernel, failures] : t.failures) {
      std::printf("%s %s %s\n", failures == 0 ? "ok" : "not ok", name.c_str(), kernel.c_str());
      (failures == 0 ? passed : failed) += 1;
    }
  }
  check_requests(&passed, &failed);
  check_sample(&passed, &failed);
  check_flip_requests(&passed, &failed);
  check_parallel_ranges(&passed, &failed);
  check_cpu_spread(&passed, &failed);
  std::printf("%d passed, %d failed\n", passed, failed);
  return failed == 0 ? 0 : 1;
}
