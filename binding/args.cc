#include "args.h"

#include <cmath>
#include <cstring>
#include <limits>

#include "../native/checked.h"

namespace coordconv_binding {

AddonState& state(Napi::Env env) { return *env.GetInstanceData<AddonState>(); }

Fields::Fields(const Napi::CallbackInfo& info, List list) : env_(info.Env()), info_(&info), list_(list) {
  if (info.Length() != list.count) throw Napi::TypeError::New(env_, "internal: the call's arguments do not match its field list");
}

Napi::Value Fields::Get(const char* name) const {
  if (info_ == nullptr) return obj_.Get(name);
  for (size_t step = 0; step < list_.count; ++step) {
    const size_t i = (next_ + step) % list_.count;
    if (std::strcmp(list_.names[i], name) == 0) {
      next_ = i + 1;
      return (*info_)[i];
    }
  }
  throw Napi::TypeError::New(env_, std::string("internal: ") + name + " is not in the request's field list");
}

Napi::Object object_arg(const Napi::CallbackInfo& info, size_t index) {
  if (info.Length() <= index || !info[index].IsObject()) {
    throw Napi::TypeError::New(info.Env(), "internal: expected a request object");
  }
  return info[index].As<Napi::Object>();
}

size_t size_field(const Fields& obj, const char* name) {
  const Napi::Value v = obj.Get(name);
  if (!v.IsNumber()) {
    throw Napi::TypeError::New(obj.Env(), std::string("internal: ") + name + " is not a number");
  }
  const double d = v.As<Napi::Number>().DoubleValue();
  if (!(d >= 0) || d != std::floor(d) || d > 9007199254740991.0) {
    throw Napi::RangeError::New(obj.Env(), std::string("internal: ") + name + " is not a size");
  }
  return static_cast<size_t>(d);
}

void size_fields(const Fields& obj, std::initializer_list<SizeField> fields) {
  for (const SizeField& f : fields) *f.into = size_field(obj, f.name);
}

double number_field(const Fields& obj, const char* name) {
  const Napi::Value v = obj.Get(name);
  if (!v.IsNumber()) {
    throw Napi::TypeError::New(obj.Env(), std::string("internal: ") + name + " is not a number");
  }
  const double d = v.As<Napi::Number>().DoubleValue();
  if (!std::isfinite(d)) {
    throw Napi::RangeError::New(obj.Env(), std::string("internal: ") + name + " is not finite");
  }
  return d;
}

double lower_bound_field(const Fields& obj, const char* name) {
  const Napi::Value v = obj.Get(name);
  if (v.IsNumber() && v.As<Napi::Number>().DoubleValue() == -std::numeric_limits<double>::infinity()) {
    return -std::numeric_limits<double>::infinity();
  }
  return number_field(obj, name);
}

std::string string_value(Napi::Env env, const Napi::Value& v, const char* name) {
  if (!v.IsString()) throw Napi::TypeError::New(env, std::string("internal: ") + name + " is not a string");
  return v.As<Napi::String>().Utf8Value();
}

std::string string_field(const Fields& obj, const char* name) { return string_value(obj.Env(), obj.Get(name), name); }

bool bool_field(const Fields& obj, const char* name) {
  const Napi::Value v = obj.Get(name);
  if (!v.IsBoolean()) {
    throw Napi::TypeError::New(obj.Env(), std::string("internal: ") + name + " is not a boolean");
  }
  return v.As<Napi::Boolean>().Value();
}

namespace {

// A typed array's buffer is an ArrayBuffer or a SharedArrayBuffer; N-API (version 8) names only the
// first, so whatever is not one is the other.
bool buffer_is_shared(napi_env env, napi_value buffer) {
  bool is_array_buffer = false;
  NAPI_THROW_IF_FAILED(env, napi_is_arraybuffer(env, buffer, &is_array_buffer), false);
  return !is_array_buffer;
}

}  // namespace

// The data pointer comes from the typed array itself: a SharedArrayBuffer is no ArrayBuffer to
// napi_get_arraybuffer_info, which fails on it with a bare "Invalid argument".
uint8_t* typed_array_bytes(const Napi::TypedArray& array, bool* detached) {
  const napi_env env = array.Env();
  void* data = nullptr;
  napi_value buffer = nullptr;
  NAPI_THROW_IF_FAILED(env, napi_get_typedarray_info(env, array, nullptr, nullptr, &data, &buffer, nullptr), nullptr);
  *detached = false;
  if (!buffer_is_shared(env, buffer)) NAPI_THROW_IF_FAILED(env, napi_is_detached_arraybuffer(env, buffer, detached), nullptr);
  return static_cast<uint8_t*>(data);
}

bool is_shared(const Napi::TypedArray& array) {
  const napi_env env = array.Env();
  napi_value buffer = nullptr;
  NAPI_THROW_IF_FAILED(env, napi_get_typedarray_info(env, array, nullptr, nullptr, nullptr, &buffer, nullptr), false);
  return buffer_is_shared(env, buffer);
}

namespace {

TypedView view_of(const Fields& obj, const char* name) {
  const Napi::Value v = obj.Get(name);
  if (!v.IsTypedArray()) {
    throw Napi::TypeError::New(obj.Env(), std::string("internal: ") + name + " is not a typed array");
  }
  TypedView view;
  view.array = v.As<Napi::TypedArray>();
  view.type = view.array.TypedArrayType();
  view.length = view.array.ElementLength();
  view.bytes = view.array.ByteLength();
  bool detached = false;
  view.data = typed_array_bytes(view.array, &detached);
  if (detached) {
    throw Napi::TypeError::New(obj.Env(), std::string("internal: ") + name + " is detached");
  }
  return view;
}

}  // namespace

TypedView typed_field(const Fields& obj, const char* name, napi_typedarray_type type,
                      size_t min_length) {
  TypedView view = view_of(obj, name);
  if (view.type != type) {
    throw Napi::TypeError::New(obj.Env(), std::string("internal: ") + name + " has the wrong type");
  }
  if (view.length < min_length) {
    throw Napi::RangeError::New(obj.Env(), std::string("internal: ") + name + " is too short");
  }
  return view;
}

TypedView plane_data_field(const Fields& obj, const char* name, coordconv::DType* dtype) {
  TypedView view = view_of(obj, name);
  if (view.type == napi_float32_array) {
    *dtype = coordconv::DType::kFloat32;
  } else if (view.type == napi_uint8_array) {
    *dtype = coordconv::DType::kUint8;
  } else {
    throw Napi::TypeError::New(obj.Env(), std::string("internal: ") + name + " is not float32 or uint8");
  }
  return view;
}

// A Uint16Array is read as binary16 bits only when the request names that dtype: no other
// Uint16Array is taken as halves. Without the field, data's own type tells.
TypedView plane_data_with_dtype(const Fields& obj, const char* name, const char* dtype_name, coordconv::DType* dtype) {
  const Napi::Value tag = obj.Get(dtype_name);
  if (tag.IsUndefined()) return plane_data_field(obj, name, dtype);
  const coordconv::DType named = enum_value<coordconv::DType>(
      obj.Env(), tag, dtype_name, "dtype",
      {{"float32", coordconv::DType::kFloat32}, {"uint8", coordconv::DType::kUint8}, {"float16", coordconv::DType::kFloat16}});
  if (named == coordconv::DType::kFloat16) {
    *dtype = named;
    return typed_field(obj, name, napi_uint16_array, 0);
  }
  const TypedView data = plane_data_field(obj, name, dtype);
  if (*dtype != named) throw Napi::TypeError::New(obj.Env(), std::string("internal: ") + name + " does not hold the dtype named");
  return data;
}

TypedView plane_batch_fields(const Fields& obj, coordconv::PlaneBatch* batch) {
  const TypedView data = plane_data_with_dtype(obj, "data", "dtype", &batch->dtype);
  batch->data = data.data;
  batch->planes = size_field(obj, "planes");
  batch->height = size_field(obj, "height");
  batch->width = size_field(obj, "width");
  // A product that overflows matches no array's length.
  size_t count = 0;
  if (!coordconv::checked_mul3(batch->planes, batch->height, batch->width, &count) || data.length != count) {
    throw Napi::RangeError::New(obj.Env(), "internal: data length does not match its shape");
  }
  return data;
}

void plane_layout_fields(const Fields& obj, coordconv::PlaneBatch* batch) {
  using coordconv::Layout;
  batch->layout = enum_field<Layout>(obj, "layout", "layout", {{"nchw", Layout::kNchw}, {"nhwc", Layout::kNhwc}});
  batch->channels = size_field(obj, "channels");
}

size_t checked_product(Napi::Env env, std::initializer_list<size_t> sizes) {
  size_t n = 1;
  for (size_t d : sizes) {
    if (!coordconv::checked_mul(n, d, &n)) throw Napi::RangeError::New(env, "internal: size overflows");
  }
  return n;
}

void require_well_formed(Napi::Env env, const std::string& problem) {
  if (!problem.empty()) throw Napi::RangeError::New(env, "internal: " + problem);
}

bool overlaps(const TypedView& a, const TypedView& b) {
  if (a.bytes == 0 || b.bytes == 0) return false;
  const uintptr_t pa = reinterpret_cast<uintptr_t>(a.data);
  const uintptr_t pb = reinterpret_cast<uintptr_t>(b.data);
  return pa < pb + b.bytes && pb < pa + a.bytes;
}

}  // namespace coordconv_binding
