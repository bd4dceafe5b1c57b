#include "args.h"

#include <cmath>

namespace coordconv_binding {

AddonState& state(Napi::Env env) { return *env.GetInstanceData<AddonState>(); }

Napi::Object object_arg(const Napi::CallbackInfo& info, size_t index) {
  if (info.Length() <= index || !info[index].IsObject()) {
    throw Napi::TypeError::New(info.Env(), "internal: expected a request object");
  }
  return info[index].As<Napi::Object>();
}

size_t size_field(const Napi::Object& obj, const char* name) {
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

double number_field(const Napi::Object& obj, const char* name) {
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

std::string string_field(const Napi::Object& obj, const char* name) {
  const Napi::Value v = obj.Get(name);
  if (!v.IsString()) {
    throw Napi::TypeError::New(obj.Env(), std::string("internal: ") + name + " is not a string");
  }
  return v.As<Napi::String>().Utf8Value();
}

bool bool_field(const Napi::Object& obj, const char* name) {
  const Napi::Value v = obj.Get(name);
  if (!v.IsBoolean()) {
    throw Napi::TypeError::New(obj.Env(), std::string("internal: ") + name + " is not a boolean");
  }
  return v.As<Napi::Boolean>().Value();
}

namespace {

TypedView view_of(const Napi::Object& obj, const char* name) {
  const Napi::Value v = obj.Get(name);
  if (!v.IsTypedArray()) {
    throw Napi::TypeError::New(obj.Env(), std::string("internal: ") + name + " is not a typed array");
  }
  TypedView view;
  view.array = v.As<Napi::TypedArray>();
  view.type = view.array.TypedArrayType();
  view.length = view.array.ElementLength();
  view.bytes = view.array.ByteLength();
  Napi::ArrayBuffer buffer = view.array.ArrayBuffer();
  if (buffer.IsDetached()) {
    throw Napi::TypeError::New(obj.Env(), std::string("internal: ") + name + " is detached");
  }
  view.data = static_cast<uint8_t*>(buffer.Data()) + view.array.ByteOffset();
  return view;
}

}  // namespace

TypedView typed_field(const Napi::Object& obj, const char* name, napi_typedarray_type type,
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

TypedView plane_data_field(const Napi::Object& obj, const char* name, coordconv::DType* dtype) {
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

bool overlaps(const TypedView& a, const TypedView& b) {
  if (a.bytes == 0 || b.bytes == 0) return false;
  const uintptr_t pa = reinterpret_cast<uintptr_t>(a.data);
  const uintptr_t pb = reinterpret_cast<uintptr_t>(b.data);
  return pa < pb + b.bytes && pb < pa + a.bytes;
}

}  // namespace coordconv_binding
