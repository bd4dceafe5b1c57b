#include "offsets.h"

#include "args.h"

namespace coordconv_binding {

void offsets_field(const Fields& obj, coordconv::Offsets* o, Arrays& arrays) {
  using coordconv::OffsetsKind;
  const Napi::Value value = obj.Get("offsets");
  if (value.IsNull() || value.IsUndefined()) return;
  if (!value.IsObject()) throw Napi::TypeError::New(obj.Env(), "internal: offsets is not an object");
  const Napi::Object m = value.As<Napi::Object>();
  o->kind = enum_field<OffsetsKind>(m, "kind", "offsets kind", {{"posenet", OffsetsKind::kPosenet}, {"centernet", OffsetsKind::kCenternet}});
  arrays.input(plane_batch_fields(m, &o->map), &o->map.data);
  plane_layout_fields(m, &o->map);
  size_fields(m, {{"images", &o->images}, {"perImage", &o->per_image}});
  if (o->kind == OffsetsKind::kPosenet) o->output_stride = number_field(m, "outputStride");
}

}  // namespace coordconv_binding
