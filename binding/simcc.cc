// The SimCC operation: decodeSimccSync and decodeSimcc.
#include <cmath>

#include "../native/checked.h"
#include "args.h"
#include "register.h"
#include "transform.h"

namespace coordconv_binding {
namespace {

using coordconv::SimccMethod;

// One axis's vectors: <prefix>Data of `vectors` * <prefix>Width elements (dtype <prefix>Dtype when
// given), as a batch of planes of height 1.
TypedView vector_fields(const Fields& obj, const char* data, const char* dtype, const char* width, size_t vectors,
                        coordconv::PlaneBatch* batch) {
  const TypedView view = plane_data_with_dtype(obj, data, dtype, &batch->dtype);
  batch->data = view.data;
  batch->planes = vectors;
  batch->height = 1;
  batch->width = size_field(obj, width);
  size_t count = 0;
  if (!coordconv::checked_mul(vectors, batch->width, &count) || view.length != count) {
    throw Napi::RangeError::New(obj.Env(), std::string("internal: ") + data + " length does not match its shape");
  }
  return view;
}

// minScore may be -Infinity (every finite keypoint is valid), so it is not a number_field.
double min_score_field(const Fields& obj) {
  const Napi::Value v = obj.Get("minScore");
  if (!v.IsNumber() || std::isnan(v.As<Napi::Number>().DoubleValue())) {
    throw Napi::TypeError::New(obj.Env(), "internal: minScore is not a number");
  }
  return v.As<Napi::Number>().DoubleValue();
}

void unpack_simcc(const Fields& obj, coordconv::SimccRequest& r, Arrays& arrays) {
  const size_t vectors = size_field(obj, "vectors");
  arrays.input(vector_fields(obj, "xData", "xDtype", "xWidth", vectors, &r.x), &r.x.data);
  arrays.input(vector_fields(obj, "yData", "yDtype", "yWidth", vectors, &r.y), &r.y.data);
  size_fields(obj, {{"threads", &r.threads}, {"kernelX", &r.kernel_x}, {"kernelY", &r.kernel_y}});
  r.method = enum_field<SimccMethod>(obj, "method", "SimCC method",
                                     {{"argmax", SimccMethod::kArgmax}, {"dark", SimccMethod::kDark}});
  r.split_ratio = number_field(obj, "splitRatio");
  r.min_score = min_score_field(obj);
  arrays.output(typed_field(obj, "coords", napi_float32_array, checked_product(obj.Env(), {vectors, 2})), &r.coords);
  arrays.output(typed_field(obj, "scores", napi_float32_array, vectors), &r.scores);
  arrays.output(typed_field(obj, "valid", napi_uint8_array, vectors), &r.valid);
  transform_fields(obj, &r.transform, arrays);
  require_well_formed(obj.Env(), coordconv::check_simcc_request(r));
}

// The request as lib/ passes it (binding/operation.h).
constexpr const char* kSimccFields[] = {
    "vectors", "xDtype", "xData", "xWidth", "yDtype", "yData", "yWidth", "threads", "kernelX", "kernelY",
    "method", "splitRatio", "minScore", "coords", "scores", "valid", "transform", "transformSamples", "owned"};

}  // namespace

const Operation<coordconv::SimccRequest> kSimcc{"decodeSimcc", unpack_simcc, coordconv::decode_simcc, field_list(kSimccFields)};

}  // namespace coordconv_binding
