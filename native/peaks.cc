#include "peaks.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include "channels_last.h"
#include "checked.h"
#include "decode.h"
#include "scratch_floats.h"

namespace coordconv {
namespace {

struct Candidate {
  float value;
  uint64_t index;
  uint32_t channel = 0;  // over images: the plane's channel in its image
};

// The order peaks come out in: value descending, then (over images) channel ascending, then
// row-major index ascending. A strict total order, so any way of keeping the first k gives the
// same k in the same order. CenterNet leaves ties to torch.topk, which does not specify their
// order; ours is fixed.
bool before(const Candidate& a, const Candidate& b) {
  if (a.value != b.value) return a.value > b.value;
  if (a.channel != b.channel) return a.channel < b.channel;
  return a.index < b.index;
}

// Where each plane's peaks go: its own k slots (over planes) or, over images, its best min(k, H *
// W) into `kept`, which peaks() merges per image once every plane is done.
struct Sink {
  const PeaksRequest& req;
  Candidate* kept = nullptr;  // over images: planes x best
  size_t* kept_count = nullptr;
  size_t best = 0;
};

// Slot group g (a plane, or an image): `keep` sorted candidates, then the unused slots.
void write_slots(const PeaksRequest& req, size_t g, const Candidate* c, size_t keep) {
  const size_t w = req.input.width;
  float* xy = req.coords + 2 * req.k * g;
  float* score = req.scores + req.k * g;
  uint8_t* valid = req.valid + req.k * g;
  uint32_t* channel = req.over == PeaksOver::kImage ? req.channels + req.k * g : nullptr;
  for (size_t j = 0; j < keep; ++j) {
    xy[2 * j] = static_cast<float>(c[j].index % w);
    xy[2 * j + 1] = static_cast<float>(c[j].index / w);
    score[j] = c[j].value;
    valid[j] = 1;
    if (channel) channel[j] = c[j].channel;
  }
  for (size_t j = keep; j < req.k; ++j) {
    xy[2 * j] = xy[2 * j + 1] = std::numeric_limits<float>::quiet_NaN();
    score[j] = 0.0f;
    valid[j] = 0;
    if (channel) channel[j] = 0;
  }
  req.counts[g] = static_cast<uint32_t>(keep);
}

// Plane i's candidates (which it reorders): its first k into its slots, or over images its first
// `best` into `kept`.
void write_peaks(const Sink& out, size_t i, Candidate* found, size_t count) {
  const PeaksRequest& req = out.req;
  if (!out.kept) {
    const size_t keep = std::min(req.k, count);
    std::partial_sort(found, found + keep, found + count, before);
    write_slots(req, i, found, keep);
    return;
  }
  const size_t keep = std::min(out.best, count);
  const uint32_t channel = static_cast<uint32_t>(i % req.per_image);
  std::partial_sort(found, found + keep, found + count, before);
  Candidate* kept = out.kept + i * out.best;
  for (size_t j = 0; j < keep; ++j) {
    kept[j] = found[j];
    kept[j].channel = channel;
  }
  out.kept_count[i] = keep;
}

struct Scratch {
  ScratchFloats plane;  // NHWC: a block of de-interleaved planes
  // The horizontal max pass, and for Uint8 and Float16 planes the rows widened to float, each a ring
  // of `window` rows: row y in slot y % window, computed as the vertical pass first needs it (a
  // plane-sized pass, faulted in afresh on every call, took a third of peaksSync on 1024 x 1024
  // planes, and its page faults serialised two threads).
  ScratchFloats ring;
  ScratchFloats wide;
  std::vector<float> padded;  // one row with (window - 1) / 2 -inf each side
  std::vector<uint32_t> idx;  // one row of candidate columns
  std::vector<const float*> src;
  std::vector<Candidate> found;
};

// The peaks of plane i of the request, read from `plane` as `dtype`: Float32 in place, Uint8 and
// Float16 widened a row at a time.
void peaks_of(const Kernels& k, const Sink& out, float threshold, size_t i, const void* plane, DType dtype, Scratch& s) {
  const PeaksRequest& req = out.req;
  const PlaneBatch& in = req.input;
  const size_t h = in.height, w = in.width, n = in.plane_size(), window = req.window, r = window / 2;
  // Uint8 values are all finite (an NHWC Uint8 block arrives de-interleaved as floats).
  const bool finite = in.dtype == DType::kUint8 ||
                      (dtype == DType::kFloat16 ? k.argmax_f16(static_cast<const uint16_t*>(plane), n).finite
                                                : k.argmax_f32(static_cast<const float*>(plane), n).finite);
  s.found.clear();
  if (finite) {
    // Slots counted round the ring rather than taken modulo `window`: a division a row and one for
    // each row of the vertical window cost small planes 5 to 10%.
    const auto wrap = [window](size_t slot) { return slot >= window ? slot - window : slot; };
    // Row y as floats; a widened row stays in its slot until row y + window is widened, after the
    // vertical pass at y (which widens up to row y + r) is done with it.
    const auto input_row = [&](size_t y, size_t slot) -> const float* {
      return dtype == DType::kFloat32 ? static_cast<const float*>(plane) + y * w : s.wide.data() + slot * w;
    };
    for (size_t t = 0; t < window; ++t) s.src[t] = s.padded.data() + t;
    size_t next = 0, next_slot = 0;  // the next row whose horizontal max is due, and its slot
    size_t top_slot = 0, y_slot = 0;  // the slots of rows max(y - r, 0) and y
    for (size_t y = 0; y < h; ++y) {
      const size_t top = y >= r ? y - r : 0, bottom = std::min(h - 1, y + r);
      for (; next <= bottom; ++next, next_slot = wrap(next_slot + 1)) {
        if (dtype == DType::kUint8) k.u8_to_f32(static_cast<const uint8_t*>(plane) + next * w, s.wide.data() + next_slot * w, w);
        if (dtype == DType::kFloat16) k.f16_to_f32(static_cast<const uint16_t*>(plane) + next * w, s.wide.data() + next_slot * w, w);
        std::memcpy(s.padded.data() + r, input_row(next, next_slot), w * sizeof(float));
        k.maxrows_f32(s.src.data(), window, s.ring.data() + next_slot * w, w);
      }
      const float* vertical[kMaxKernel];
      size_t rows = 0;
      for (size_t yy = top, slot = top_slot; yy <= bottom; ++yy, slot = wrap(slot + 1)) vertical[rows++] = s.ring.data() + slot * w;
      if (y >= r) top_slot = wrap(top_slot + 1);
      const float* v = input_row(y, y_slot);
      y_slot = wrap(y_slot + 1);
      const size_t count = k.peak_candidates_f32(v, vertical, rows, w, threshold, s.idx.data());
      for (size_t c = 0; c < count; ++c) {
        s.found.push_back(Candidate{v[s.idx[c]], static_cast<uint64_t>(y) * w + s.idx[c]});
      }
    }
  }
  write_peaks(out, i, s.found.data(), s.found.size());
}

// Channels [b.first, b.first + b.count) of one NHWC image, de-interleaved a bounded block at a time
// (the pooling reads every plane several times over, so planes in a row beat strided reads).
void peaks_nhwc_block(const Kernels& k, const Sink& out, float threshold, const ChannelBlock& b, Scratch& s) {
  const PeaksRequest& req = out.req;
  const PlaneBatch& in = req.input;
  const size_t n = in.plane_size(), step = s.plane.size() / n;
  for (size_t c0 = 0; c0 < b.count; c0 += step) {
    const size_t count = std::min(step, b.count - c0);
    deinterleave(in, b.image, b.first + c0, count, s.plane.data());
    for (size_t c = 0; c < count; ++c) {
      peaks_of(k, out, threshold, b.image * in.channels + b.first + c0 + c, s.plane.data() + c * n, DType::kFloat32, s);
    }
  }
}

// --- NHWC in place. The pooling is elementwise along a row, so it runs on the interleaved rows
// (W x C floats) as they lie: the horizontal max of pixel x, channel c over the pixels x - r..x + r
// is maxrows_f32 over the row shifted by -r..r pixels (r * C floats), the same values in the same
// order as on the channel's own plane, and so are the vertical max and the candidates. One pass
// over each image serves all its channels. Each work unit takes a band of rows of one image and
// keeps each channel's best k candidates in a heap; the bands' heaps of a plane are merged at the
// end. The heaps keep exactly the first k of the order `before`, which is total, so the result is
// the NCHW one bit for bit.

// The NHWC work: `bands` bands of rows per image, and each band's heaps. Over images with one band
// per image, a unit keeps one heap for all its channels (`shared`): only the image's best k can be
// kept in the end, so a candidate below the k-th best of every channel seen so far is dropped after
// one compare, against a heap that stays in L1 (with a heap per channel, the tens of thousands of
// local maxima of an 80-class map would each enter their own channel's heap). It needs each
// channel's finiteness before the rows are scanned, which one band per image gives.
struct NhwcWork {
  size_t bands = 1;
  size_t cap = 0;                   // heap capacity per (band, channel): min(k, H * W)
  bool shared = false;              // one heap per unit, of capacity shared_cap
  size_t shared_cap = 0;            // min(k, H * W * C), which fits in the unit's C x cap slots
  std::vector<Candidate> heaps;     // units x C x cap
  std::vector<size_t> sizes;        // units x C
  std::vector<uint8_t> finite;      // units x C: every value of the band's rows finite
};

// Per part: the rows a band needs.
struct NhwcScratch {
  std::vector<float> ring;     // window rows of W * C: the horizontal max of the rows in use
  std::vector<float> wide;     // Uint8 and Float16: window rows of W * C widened to float
  std::vector<float> padded;   // (W + window - 1) * C: one row with r pixels of -inf each side
  std::vector<uint32_t> idx;   // W * C: one row's candidates
  std::vector<const float*> src;
  std::vector<ArgMax> maxima;  // C
};

// The in-place path needs the row's indices to fit 32 bits and the heaps to stay small.
constexpr size_t kMaxHeapBytes = size_t(256) << 20;
bool nhwc_in_place(const PeaksRequest& req, size_t units, size_t* cap) {
  const PlaneBatch& in = req.input;
  size_t row, heap;
  *cap = std::min(req.k, in.plane_size());
  return checked_mul(in.width, in.channels, &row) && row <= 0xFFFFFFFFu &&
         checked_mul3(units, in.channels, *cap, &heap) && checked_mul(heap, sizeof(Candidate), &heap) &&
         heap <= kMaxHeapBytes;
}

// Adds a candidate to a heap of at most cap candidates whose front is the last of them by `before`.
void keep_best(Candidate* heap, size_t* size, size_t cap, const Candidate& c) {
  if (*size < cap) {
    heap[(*size)++] = c;
    std::push_heap(heap, heap + *size, before);
  } else if (before(c, heap[0])) {
    std::pop_heap(heap, heap + cap, before);
    heap[cap - 1] = c;
    std::push_heap(heap, heap + cap, before);
  }
}

// Each channel's finiteness over the band's rows, by one contiguous scan (the common case: all
// finite) or, where that scan meets a NaN or an infinity, channel by channel.
void band_finiteness(const Kernels& k, const float* rows, size_t pixels, size_t c, uint8_t* finite, NhwcScratch& s) {
  if (k.argmax_f32(rows, pixels * c).finite) {
    std::fill(finite, finite + c, uint8_t(1));
    return;
  }
  k.argmax_nhwc_f32(rows, pixels, c, c, s.maxima.data());
  for (size_t ch = 0; ch < c; ++ch) finite[ch] = s.maxima[ch].finite;
}

// band_finiteness of Float16 rows, a row at a time: a row that is not all finite is widened into
// the first slot of s.wide (which the scan that follows overwrites), its channels' flags and-ed
// into `finite`.
void band_finiteness_f16(const Kernels& k, const uint16_t* rows, size_t count, size_t w, size_t c, uint8_t* finite,
                         NhwcScratch& s) {
  std::fill(finite, finite + c, uint8_t(1));
  for (size_t y = 0; y < count; ++y) {
    if (k.argmax_f16(rows + y * w * c, w * c).finite) continue;
    k.f16_to_f32(rows + y * w * c, s.wide.data(), w * c);
    k.argmax_nhwc_f32(s.wide.data(), w, c, c, s.maxima.data());
    for (size_t ch = 0; ch < c; ++ch) finite[ch] = finite[ch] && s.maxima[ch].finite;
  }
}

// The band's candidates into its heaps. `rows_checked`: every channel is taken as finite, and each
// Float32 row is checked as it is loaded (from cache, not by a pass of its own over memory); on a
// row that is not all finite it returns false at once, its heaps to be redone.
bool scan_nhwc_band(const Kernels& k, const PeaksRequest& req, float threshold, size_t unit, NhwcWork& work,
                    NhwcScratch& s, bool rows_checked) {
  const PlaneBatch& in = req.input;
  const size_t h = in.height, w = in.width, c = in.channels, r = req.window / 2, row = w * c;
  const size_t image = unit / work.bands, band = unit % work.bands;
  const size_t y0 = h * band / work.bands, y1 = h * (band + 1) / work.bands;
  Candidate* heaps = work.heaps.data() + unit * c * work.cap;
  size_t* sizes = work.sizes.data() + unit * c;
  const uint8_t* finite = work.finite.data() + unit * c;
  std::fill(sizes, sizes + c, size_t(0));
  const DType dtype = in.dtype;
  const void* base = nhwc_channel(in, image, 0);
  // Row yy of the image as floats: in place, or widened into its ring slot.
  const auto input_row = [&](size_t yy) -> const float* {
    if (dtype == DType::kFloat32) return static_cast<const float*>(base) + yy * row;
    return s.wide.data() + (yy % req.window) * row;
  };
  for (size_t t = 0; t < req.window; ++t) s.src[t] = s.padded.data() + t * c;
  size_t next = y0 >= r ? y0 - r : 0;  // the next row whose horizontal max is due
  for (size_t y = y0; y < y1; ++y) {
    const size_t top = y >= r ? y - r : 0, bottom = std::min(h - 1, y + r);
    for (; next <= bottom; ++next) {
      if (dtype != DType::kFloat32) {
        float* wide = s.wide.data() + (next % req.window) * row;
        if (dtype == DType::kUint8) k.u8_to_f32(static_cast<const uint8_t*>(base) + next * row, wide, row);
        if (dtype == DType::kFloat16) k.f16_to_f32(static_cast<const uint16_t*>(base) + next * row, wide, row);
      }
      std::memcpy(s.padded.data() + r * c, input_row(next), row * sizeof(float));
      if (rows_checked && !k.argmax_f32(s.padded.data() + r * c, row).finite) return false;
      k.maxrows_f32(s.src.data(), req.window, s.ring.data() + (next % req.window) * row, row);
    }
    const float* vertical[kMaxKernel];
    size_t count = 0;
    for (size_t yy = top; yy <= bottom; ++yy) vertical[count++] = s.ring.data() + (yy % req.window) * row;
    const float* v = input_row(y);
    const size_t found = k.peak_candidates_f32(v, vertical, count, row, threshold, s.idx.data());
    for (size_t j = 0; j < found; ++j) {
      // A full shared heap turns most candidates away on their value alone, before the divisions.
      if (work.shared && sizes[0] == work.shared_cap && v[s.idx[j]] < heaps[0].value) continue;
      const size_t at = s.idx[j], ch = at % c, x = at / c;
      if (!finite[ch]) continue;
      const Candidate candidate{v[at], static_cast<uint64_t>(y) * w + x, static_cast<uint32_t>(ch)};
      if (work.shared) {
        keep_best(heaps, &sizes[0], work.shared_cap, candidate);
      } else {
        keep_best(heaps + ch * work.cap, &sizes[ch], work.cap, candidate);
      }
    }
  }
  return true;
}

// The heaps need every channel's finiteness before the rows are scanned. With one band per image
// the rows it loads are exactly the band's, so they are checked as they come, and only an image
// that holds a NaN or an infinity is scanned for it first and then again: the image is read from
// memory once, not twice. Bands that pool rows beyond their own scan their rows first.
void peaks_nhwc_band(const Kernels& k, const PeaksRequest& req, float threshold, size_t unit, NhwcWork& work,
                     NhwcScratch& s) {
  const PlaneBatch& in = req.input;
  const size_t h = in.height, w = in.width, c = in.channels, row = w * c;
  const size_t band = unit % work.bands, y0 = h * band / work.bands, y1 = h * (band + 1) / work.bands;
  uint8_t* finite = work.finite.data() + unit * c;
  std::fill(finite, finite + c, uint8_t(1));
  // Uint8 values are all finite; Float16 rows are checked as the floats they widen to.
  const bool checks = in.dtype != DType::kUint8;
  const void* image = nhwc_channel(in, unit / work.bands, 0);
  if (checks && work.bands == 1 && scan_nhwc_band(k, req, threshold, unit, work, s, true)) return;
  if (in.dtype == DType::kFloat32) band_finiteness(k, static_cast<const float*>(image) + y0 * row, (y1 - y0) * w, c, finite, s);
  if (in.dtype == DType::kFloat16) band_finiteness_f16(k, static_cast<const uint16_t*>(image) + y0 * row, y1 - y0, w, c, finite, s);
  scan_nhwc_band(k, req, threshold, unit, work, s, false);
}

// Plane (image, ch): its bands' candidates together, unless a band saw a value that is not finite.
void peaks_nhwc_merge(const Sink& out, size_t image, size_t ch, NhwcWork& work, std::vector<Candidate>& all) {
  const PeaksRequest& req = out.req;
  const size_t c = req.input.channels;
  all.clear();
  if (work.shared) {  // one band: the image's heap, whose channels were all finite when kept
    const Candidate* heap = work.heaps.data() + image * c * work.cap;
    for (size_t j = 0; j < work.sizes[image * c]; ++j) {
      if (heap[j].channel == ch) all.push_back(heap[j]);
    }
    write_peaks(out, image * c + ch, all.data(), all.size());
    return;
  }
  bool finite = true;
  for (size_t b = 0; b < work.bands; ++b) {
    const size_t unit = image * work.bands + b;
    finite = finite && work.finite[unit * c + ch];
    const Candidate* heap = work.heaps.data() + (unit * c + ch) * work.cap;
    all.insert(all.end(), heap, heap + work.sizes[unit * c + ch]);
  }
  if (!finite) all.clear();
  write_peaks(out, image * c + ch, all.data(), all.size());
}

void peaks_nhwc(const Kernels& k, ThreadPool& pool, const Sink& out, float threshold, NhwcWork& work) {
  const PeaksRequest& req = out.req;
  const PlaneBatch& in = req.input;
  const size_t units = in.images() * work.bands, parts = split_parts(pool, units, req.threads);
  const size_t row = in.width * in.channels;
  std::vector<NhwcScratch> scratch(parts);
  for (NhwcScratch& s : scratch) {
    s.ring.resize(req.window * row);
    if (in.dtype != DType::kFloat32) s.wide.resize(req.window * row);
    s.padded.assign((in.width + req.window - 1) * in.channels, -std::numeric_limits<float>::infinity());
    s.idx.resize(row + kIndexSlack);
    s.src.resize(req.window);
    s.maxima.resize(in.channels);
  }
  pool.parallel_ranges(units, parts, in.byte_size(), [&](size_t part, size_t first, size_t last) {
    for (size_t u = first; u < last; ++u) peaks_nhwc_band(k, req, threshold, u, work, scratch[part]);
  });
  const size_t planes = in.planes, merge_parts = split_parts(pool, planes, req.threads);
  std::vector<std::vector<Candidate>> all(merge_parts);
  for (auto& a : all) a.reserve(work.bands * work.cap);
  pool.parallel_for(merge_parts, merge_parts, [&](size_t begin, size_t end) {
    for (size_t p = begin; p < end; ++p) {
      for (size_t i = planes * p / merge_parts; i < planes * (p + 1) / merge_parts; ++i) {
        peaks_nhwc_merge(out, i / in.channels, i % in.channels, work, all[p]);
      }
    }
  });
}

// Every plane's peaks into `out`: NCHW plane by plane; NHWC in place, or de-interleaved a block of
// channels at a time where the in-place heaps would not fit.
void find_all(const Kernels& k, ThreadPool& pool, const Sink& out, float threshold) {
  const PeaksRequest& req = out.req;
  const PlaneBatch& in = req.input;
  const bool nhwc = in.layout == Layout::kNhwc;
  if (nhwc) {
    // Bands of rows so that every thread has work when there are fewer images than threads.
    const size_t wanted = std::min(req.threads, pool.workers() + 1), images = in.images();
    NhwcWork work;
    work.bands = images >= wanted ? 1 : std::min(in.height, (wanted + images - 1) / images);
    if (nhwc_in_place(req, images * work.bands, &work.cap)) {
      work.shared = req.over == PeaksOver::kImage && work.bands == 1;
      work.shared_cap = std::min(req.k, in.plane_size() * in.channels);  // no overflow: k * C fits (checked)
      const size_t slots = images * work.bands * in.channels;
      work.heaps.resize(slots * work.cap);
      work.sizes.resize(slots);
      work.finite.resize(slots);
      peaks_nhwc(k, pool, out, threshold, work);
      return;
    }
  }
  // NHWC work comes in channel blocks of images; NCHW in planes.
  const size_t blocks = nhwc ? nhwc_blocks_per_image(in, std::min(req.threads, pool.workers() + 1)) : 1;
  const size_t units = nhwc ? in.images() * blocks : in.planes;
  const size_t parts = split_parts(pool, units, req.threads);
  std::vector<Scratch> scratch(parts);
  for (Scratch& s : scratch) {
    if (nhwc) s.plane.allocate(deinterleave_planes(in.plane_size(), in.channels) * in.plane_size());
    s.ring.allocate(req.window * in.width);
    if (!nhwc && in.dtype != DType::kFloat32) s.wide.allocate(req.window * in.width);
    s.padded.assign(in.width + req.window - 1, -std::numeric_limits<float>::infinity());
    s.idx.resize(in.width + kIndexSlack);
    s.src.resize(req.window);
    s.found.reserve(in.plane_size());  // every pixel at most once: push_back never allocates
  }
  pool.parallel_ranges(units, parts, in.byte_size(), [&](size_t part, size_t first, size_t last) {
    for (size_t u = first; u < last; ++u) {
      if (nhwc) {
        peaks_nhwc_block(k, out, threshold, nhwc_block(in, blocks, u), scratch[part]);
      } else {
        peaks_of(k, out, threshold, u, in.plane(u), in.dtype, scratch[part]);
      }
    }
  });
}

}  // namespace

std::string check_peaks_request(const PeaksRequest& req) {
  const PlaneBatch& in = req.input;
  if (std::string problem = check_plane_batch(in); !problem.empty()) return problem;
  size_t total;
  if (req.k < 1 || req.k > 0xFFFFFFFFu) return "k must be 1 to 2^32 - 1";
  if (!is_odd_size(req.window)) return odd_size_rule("window");
  if (!std::isfinite(req.threshold)) return "threshold must be finite";
  if (req.over == PeaksOver::kPlane ? req.images != in.planes || req.per_image != 1
                                    : !checked_mul(req.images, req.per_image, &total) || total != in.planes) {
    return "images and per_image do not match the planes";
  }
  if (req.per_image > 0xFFFFFFFFu) return "per_image must be below 2^32";
  if (!checked_mul3(req.images, req.k, 2 * sizeof(float), &total)) return "output size overflows";
  if (req.images != 0 && (!req.coords || !req.scores || !req.valid || !req.counts ||
                          (req.over == PeaksOver::kImage && !req.channels))) {
    return "output buffers are null";
  }
  if (req.threads == 0) return "threads must be positive";
  if (std::string problem = check_offsets(req.offsets, in); !problem.empty()) return problem;
  return check_transforms(req.transform, req.images * req.k);
}

namespace {

void find_peaks(const Kernels& k, ThreadPool& pool, const PeaksRequest& req) {
  const PlaneBatch& in = req.input;
  const bool nhwc = in.layout == Layout::kNhwc;
  if (nhwc && in.channels == 1) {
    // One channel: the images are the planes, in the same memory (as decode_planes does).
    PeaksRequest planes = req;
    planes.input.layout = Layout::kNchw;
    return find_peaks(k, pool, planes);
  }
  const bool image = req.over == PeaksOver::kImage;
  // An image keeps at most k peaks of any one plane, and a plane has at most one per pixel.
  Sink out{req};
  std::vector<Candidate> kept;
  std::vector<size_t> kept_count;
  size_t bytes;
  if (image) {
    out.best = std::min(req.k, in.plane_size());
    if (!checked_mul3(in.planes, out.best, sizeof(Candidate), &bytes)) throw std::bad_alloc();
    kept.resize(in.planes * out.best);
    kept_count.resize(in.planes);
    out.kept = kept.data();
    out.kept_count = kept_count.data();
  }
  const float threshold = float_at_least(req.threshold);
  if (in.planes != 0) find_all(k, pool, out, threshold);
  if (!image || req.images == 0) return;
  const size_t image_parts = split_parts(pool, req.images, req.threads);
  std::vector<std::vector<Candidate>> merged(image_parts);
  if (!checked_mul3(req.per_image, out.best, sizeof(Candidate), &bytes)) throw std::bad_alloc();
  for (std::vector<Candidate>& m : merged) m.reserve(req.per_image * out.best);
  pool.parallel_for(image_parts, image_parts, [&](size_t begin, size_t end) {
    for (size_t p = begin; p < end; ++p) {
      for (size_t g = req.images * p / image_parts; g < req.images * (p + 1) / image_parts; ++g) {
        std::vector<Candidate>& m = merged[p];
        m.clear();
        for (size_t c = 0; c < req.per_image; ++c) {
          const size_t i = g * req.per_image + c;
          m.insert(m.end(), kept.begin() + static_cast<std::ptrdiff_t>(i * out.best),
                   kept.begin() + static_cast<std::ptrdiff_t>(i * out.best + kept_count[i]));
        }
        const size_t keep = std::min(req.k, m.size());
        std::partial_sort(m.begin(), m.begin() + static_cast<std::ptrdiff_t>(keep), m.end(), before);
        write_slots(req, g, m.data(), keep);
      }
    }
  });
}

}  // namespace

void peaks(const Kernels& k, ThreadPool& pool, const PeaksRequest& req) {
  find_peaks(k, pool, req);
  offset_slots(req.offsets, req.images, req.k, req.over == PeaksOver::kImage ? req.channels : nullptr, req.valid, req.coords);
  apply_transforms(req.transform, req.images * req.k, req.coords, req.valid);  // the last step
}

}  // namespace coordconv
