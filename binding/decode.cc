// The decode operation: decodeSync and decode.
#include "args.h"
#include "offsets.h"
#include "register.h"
#include "transform.h"

namespace coordconv_binding {
namespace {

using coordconv::DecodeMethod;

void unpack_decode(const Fields& obj, coordconv::DecodeRequest& r, Arrays& arrays) {
  arrays.input(plane_batch_fields(obj, &r.input), &r.input.data);
  plane_layout_fields(obj, &r.input);
  r.threads = size_field(obj, "threads");
  r.method = enum_field<DecodeMethod>(obj, "method", "decode method",
                                      {{"argmax", DecodeMethod::kArgmax}, {"quarter", DecodeMethod::kQuarter},
                                       {"dark", DecodeMethod::kDark}, {"centroid", DecodeMethod::kCentroid},
                                       {"softargmax", DecodeMethod::kSoftargmax}, {"exact", DecodeMethod::kExact},
                                       {"udp", DecodeMethod::kUdp}, {"megvii", DecodeMethod::kMegvii}});
  r.params.kernel = size_field(obj, "kernel");
  r.params.sigma = number_field(obj, "sigma");
  r.params.threshold = number_field(obj, "threshold");
  r.params.beta = number_field(obj, "beta");
  r.params.quarter_rule = enum_field<coordconv::QuarterRule>(
      obj, "quarterRule", "quarter rule", {{"mmpose", coordconv::QuarterRule::kMmpose}, {"hrnet", coordconv::QuarterRule::kHrnet}});
  r.params.min_score = lower_bound_field(obj, "minScore");
  offsets_field(obj, &r.offsets, arrays);
  arrays.output(typed_field(obj, "coords", napi_float32_array, r.input.planes * 2), &r.coords);
  arrays.output(typed_field(obj, "scores", napi_float32_array, r.input.planes), &r.scores);
  arrays.output(typed_field(obj, "valid", napi_uint8_array, r.input.planes), &r.valid);
  transform_fields(obj, &r.transform, arrays);
  require_well_formed(obj.Env(), coordconv::check_decode_request(r));
}

// The request as lib/ passes it (binding/operation.h).
constexpr const char* kDecodeFields[] = {
    "dtype", "data", "planes", "height", "width", "layout", "channels", "threads", "method", "kernel", "sigma",
    "threshold", "beta", "quarterRule", "minScore", "offsets", "coords", "scores", "valid", "transform",
    "transformSamples", "owned"};

}  // namespace

const Operation<coordconv::DecodeRequest> kDecode{"decode", unpack_decode, coordconv::decode,
                                                  field_list(kDecodeFields)};

}  // namespace coordconv_binding
