// The sample operation: sampleSync and sample.
#include "args.h"
#include "register.h"

namespace coordconv_binding {
namespace {

using coordconv::SampleMode;

void unpack_sample(const Fields& obj, coordconv::SampleRequest& r, Arrays& arrays) {
  arrays.input(plane_batch_fields(obj, &r.maps), &r.maps.data);
  plane_layout_fields(obj, &r.maps);
  size_fields(obj, {{"samples", &r.samples}, {"perSample", &r.channels}, {"points", &r.points}, {"threads", &r.threads}});
  r.mode = enum_field<SampleMode>(obj, "mode", "sample mode", {{"nearest", SampleMode::kNearest}, {"bilinear", SampleMode::kBilinear}});
  const Napi::Env env = obj.Env();
  arrays.input(typed_field(obj, "coords", napi_float32_array, checked_product(env, {r.samples, r.points, 2})), &r.coords);
  arrays.output(typed_field(obj, "output", napi_float32_array, checked_product(env, {r.samples, r.points, r.channels})), &r.out);
  require_well_formed(env, coordconv::check_sample_request(r));
}

// The request as lib/ passes it (binding/operation.h).
constexpr const char* kSampleFields[] = {
    "dtype", "data", "planes", "height", "width", "layout", "channels", "samples", "perSample", "points",
    "threads", "mode", "coords", "output", "owned"};

}  // namespace

const Operation<coordconv::SampleRequest> kSample{"sample", unpack_sample, coordconv::sample, field_list(kSampleFields)};

}  // namespace coordconv_binding
