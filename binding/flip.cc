// The flip-test operation: mergeFlippedSync and mergeFlipped, for heatmaps (one mirrored pair) and
// SimCC vectors (x mirrored, y not).
#include "../native/checked.h"
#include "../native/flip.h"
#include "args.h"
#include "register.h"

namespace coordconv_binding {
namespace {

// One input of a pair: <data> with dtype <dtype>, of the pair's geometry.
TypedView pair_input(const Fields& obj, const char* data, const char* dtype, const coordconv::PlaneBatch& shape,
                     coordconv::PlaneBatch* batch) {
  const TypedView view = plane_data_with_dtype(obj, data, dtype, &batch->dtype);
  const coordconv::DType kind = batch->dtype;
  *batch = shape;
  batch->dtype = kind;
  batch->data = view.data;
  size_t count = 0;
  if (!coordconv::checked_mul3(shape.planes, shape.height, shape.width, &count) || view.length != count) {
    throw Napi::RangeError::New(obj.Env(), std::string("internal: ") + data + " length does not match its shape");
  }
  return view;
}

// The pair in fields <prefix>data, <prefix>flipped, their dtypes and <prefix>out, over `shape`.
void unpack_pair(const Fields& obj, const coordconv::PlaneBatch& shape, const std::string& prefix,
                 coordconv::FlipPair& p, Arrays& arrays) {
  const std::string data = prefix + "Data", dtype = prefix + "Dtype";
  const std::string flipped = prefix + "Flipped", flipped_dtype = prefix + "FlippedDtype", out = prefix + "Out";
  arrays.input(pair_input(obj, data.c_str(), dtype.c_str(), shape, &p.plain), &p.plain.data);
  arrays.input(pair_input(obj, flipped.c_str(), flipped_dtype.c_str(), shape, &p.flipped), &p.flipped.data);
  const size_t count = checked_product(obj.Env(), {shape.planes, shape.height, shape.width});
  arrays.output(typed_field(obj, out.c_str(), napi_float32_array, count), &p.out);
}

void unpack_flip(const Fields& obj, coordconv::FlipRequest& r, Arrays& arrays) {
  size_fields(obj, {{"pairs", &r.pair_count}, {"keypoints", &r.keypoints}, {"threads", &r.threads}});
  coordconv::PlaneBatch shape;
  size_fields(obj, {{"planes", &shape.planes}, {"height", &shape.height}, {"width", &shape.width}});
  plane_layout_fields(obj, &shape);
  unpack_pair(obj, shape, "first", r.pairs[0], arrays);
  r.pairs[0].mirror = true;
  r.pairs[0].shift = bool_field(obj, "shift");
  if (r.pair_count == 2) {
    coordconv::PlaneBatch y;
    y.planes = shape.planes;
    y.height = 1;
    y.width = size_field(obj, "secondWidth");
    unpack_pair(obj, y, "second", r.pairs[1], arrays);
  }
  arrays.input(typed_field(obj, "flipIndices", napi_uint32_array, r.keypoints), &r.flip_indices);
  require_well_formed(obj.Env(), coordconv::check_flip_request(r));
}

// The request as lib/ passes it (binding/operation.h).
constexpr const char* kFlipFields[] = {
    "pairs", "keypoints", "threads", "planes", "height", "width", "layout", "channels", "firstDtype",
    "firstData", "firstFlippedDtype", "firstFlipped", "firstOut", "shift", "secondWidth", "secondDtype",
    "secondData", "secondFlippedDtype", "secondFlipped", "secondOut", "flipIndices", "owned"};

}  // namespace

const Operation<coordconv::FlipRequest> kFlip{"mergeFlipped", unpack_flip, coordconv::merge_flipped, field_list(kFlipFields)};

}  // namespace coordconv_binding
