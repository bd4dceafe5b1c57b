// The peaks operation: peaksSync and peaks.
#include "../native/checked.h"
#include "args.h"
#include "offsets.h"
#include "register.h"
#include "transform.h"

namespace coordconv_binding {
namespace {

using coordconv::PeaksOver;

void unpack_peaks(const Fields& obj, coordconv::PeaksRequest& r, Arrays& arrays) {
  arrays.input(plane_batch_fields(obj, &r.input), &r.input.data);
  plane_layout_fields(obj, &r.input);
  size_fields(obj, {{"threads", &r.threads}, {"k", &r.k}, {"window", &r.window}});
  r.threshold = number_field(obj, "threshold");
  r.over = enum_field<PeaksOver>(obj, "over", "peaks scope", {{"plane", PeaksOver::kPlane}, {"image", PeaksOver::kImage}});
  size_fields(obj, {{"images", &r.images}, {"perImage", &r.per_image}});
  offsets_field(obj, &r.offsets, arrays);
  size_t slots = 0;
  if (!coordconv::checked_mul3(r.images, r.k, 2 * sizeof(float), &slots)) {
    throw Napi::RangeError::New(obj.Env(), "internal: output size overflows");
  }
  slots = r.images * r.k;
  arrays.output(typed_field(obj, "coords", napi_float32_array, slots * 2), &r.coords);
  arrays.output(typed_field(obj, "scores", napi_float32_array, slots), &r.scores);
  arrays.output(typed_field(obj, "valid", napi_uint8_array, slots), &r.valid);
  arrays.output(typed_field(obj, "counts", napi_uint32_array, r.images), &r.counts);
  if (r.over == PeaksOver::kImage) arrays.output(typed_field(obj, "classes", napi_uint32_array, slots), &r.channels);
  transform_fields(obj, &r.transform, arrays);
  require_well_formed(obj.Env(), coordconv::check_peaks_request(r));
}

// The request as lib/ passes it (binding/operation.h).
constexpr const char* kPeaksFields[] = {
    "dtype", "data", "planes", "height", "width", "layout", "channels", "threads", "k", "window", "threshold",
    "over", "images", "perImage", "offsets", "coords", "scores", "valid", "counts", "classes", "transform",
    "transformSamples", "owned"};

}  // namespace

const Operation<coordconv::PeaksRequest> kPeaks{"peaks", unpack_peaks, coordconv::peaks, field_list(kPeaksFields)};

}  // namespace coordconv_binding
