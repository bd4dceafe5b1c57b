// The boxes operation: decodeBoxesSync and decodeBoxes.
#include "../native/checked.h"
#include "args.h"
#include "register.h"
#include "transform.h"

namespace coordconv_binding {
namespace {

// A sizes or offsets map: <prefix>Data (its dtype in <prefix>Dtype), 2 planes per image with the
// heatmaps' sides and layout.
TypedView map_fields(const Fields& obj, const std::string& prefix, const coordconv::BoxesRequest& r,
                     coordconv::PlaneBatch* map) {
  const std::string data = prefix + "Data", dtype = prefix + "Dtype";
  const TypedView view = plane_data_with_dtype(obj, data.c_str(), dtype.c_str(), &map->dtype);
  map->data = view.data;
  map->planes = checked_product(obj.Env(), {r.images, 2});
  map->height = r.heatmaps.height;
  map->width = r.heatmaps.width;
  map->layout = r.heatmaps.layout;
  map->channels = map->layout == coordconv::Layout::kNhwc ? 2 : 1;
  if (view.length != checked_product(obj.Env(), {map->planes, map->height, map->width})) {
    throw Napi::RangeError::New(obj.Env(), "internal: " + data + " length does not match its shape");
  }
  return view;
}

void unpack_boxes(const Fields& obj, coordconv::BoxesRequest& r, Arrays& arrays) {
  arrays.input(plane_batch_fields(obj, &r.heatmaps), &r.heatmaps.data);
  plane_layout_fields(obj, &r.heatmaps);
  size_fields(obj, {{"threads", &r.threads}, {"k", &r.k}, {"window", &r.window}, {"images", &r.images}, {"perImage", &r.per_image}});
  r.threshold = number_field(obj, "threshold");
  arrays.input(map_fields(obj, "sizes", r, &r.sizes), &r.sizes.data);
  r.has_offsets = !obj.Get("offsetsData").IsNull();
  if (r.has_offsets) arrays.input(map_fields(obj, "offsets", r, &r.offsets), &r.offsets.data);
  const size_t slots = checked_product(obj.Env(), {r.images, r.k});
  arrays.output(typed_field(obj, "boxes", napi_float32_array, checked_product(obj.Env(), {slots, 4})), &r.boxes);
  arrays.output(typed_field(obj, "scores", napi_float32_array, slots), &r.scores);
  arrays.output(typed_field(obj, "valid", napi_uint8_array, slots), &r.valid);
  arrays.output(typed_field(obj, "counts", napi_uint32_array, r.images), &r.counts);
  arrays.output(typed_field(obj, "classes", napi_uint32_array, slots), &r.classes);
  transform_fields(obj, &r.transform, arrays);
  require_well_formed(obj.Env(), coordconv::check_boxes_request(r));
}

// The request as lib/ passes it (binding/operation.h).
constexpr const char* kBoxesFields[] = {
    "dtype", "data", "planes", "height", "width", "layout", "channels", "threads", "k", "window", "images",
    "perImage", "threshold", "sizesDtype", "sizesData", "offsetsData", "offsetsDtype", "boxes", "scores",
    "valid", "counts", "classes", "transform", "transformSamples", "owned"};

}  // namespace

const Operation<coordconv::BoxesRequest> kBoxes{"decodeBoxes", unpack_boxes, coordconv::boxes, field_list(kBoxesFields)};

}  // namespace coordconv_binding
