// The encode operation: encodeSync and encode.
#include "args.h"
#include "register.h"

namespace coordconv_binding {
namespace {

using coordconv::EncodeKind;

void unpack_encode(const Fields& obj, coordconv::EncodeRequest& r, Arrays& arrays) {
  const Napi::Env env = obj.Env();
  size_fields(obj, {{"planes", &r.planes}, {"points", &r.points}, {"height", &r.height}, {"width", &r.width},
                    {"threads", &r.threads}, {"channels", &r.channels}});
  r.kind = enum_field<EncodeKind>(obj, "kind", "encode kind",
                                  {{"onehot", EncodeKind::kOneHot}, {"square", EncodeKind::kSquare},
                                   {"gaussian", EncodeKind::kGaussian}});
  r.layout = enum_field<coordconv::Layout>(obj, "layout", "layout",
                                          {{"nchw", coordconv::Layout::kNchw}, {"nhwc", coordconv::Layout::kNhwc}});
  r.radius = size_field(obj, "radius");
  r.sigma = number_field(obj, "sigma");
  r.unbiased = bool_field(obj, "unbiased");
  r.value = static_cast<float>(number_field(obj, "value"));
  const size_t count = checked_product(env, {r.planes, r.points});
  const size_t pixels = checked_product(env, {r.planes, r.height, r.width});
  const TypedView coords = typed_field(obj, "coords", napi_float32_array, 0);
  if (coords.length / 2 != count || coords.length % 2 != 0) {
    throw Napi::RangeError::New(env, "internal: coords length does not match its shape");
  }
  arrays.input(coords, &r.coords);
  if (!obj.Get("visible").IsNull()) {
    const TypedView visible = typed_field(obj, "visible", napi_uint8_array, 0);
    if (visible.length != count) throw Napi::RangeError::New(env, "internal: visible length does not match");
    arrays.input(visible, &r.visible);
  }
  const TypedView output = plane_data_field(obj, "output", &r.dtype);
  if (output.length != pixels) throw Napi::RangeError::New(env, "internal: output length does not match");
  arrays.output(output, &r.output);
  require_well_formed(env, coordconv::check_encode_request(r));
}

// The request as lib/ passes it (binding/operation.h).
constexpr const char* kEncodeFields[] = {
    "planes", "points", "height", "width", "threads", "channels", "kind", "layout", "radius", "sigma",
    "unbiased", "value", "coords", "visible", "output", "owned"};

}  // namespace

const Operation<coordconv::EncodeRequest> kEncode{"encode", unpack_encode, coordconv::encode, field_list(kEncodeFields)};

}  // namespace coordconv_binding
