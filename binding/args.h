// Unpacking of the flat requests lib/ builds. lib/ has validated every field; these checks
// stay as the last guard before native code touches memory, and fail with a plain Error.
#pragma once

#include <napi.h>

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <utility>

#include "../native/planes.h"
#include "state.h"

namespace coordconv_binding {

// The fields of one request lib/ built, read by name: at the top level of an operation, the call's
// arguments in the order of its field list (operation.h); a nested object (decode's offsets map),
// its properties.
class Fields {
 public:
  struct List {
    const char* const* names;
    size_t count;
  };
  Fields(const Napi::CallbackInfo& info, List list);
  // NOLINTNEXTLINE(google-explicit-constructor): every reader takes a nested object as it is.
  Fields(Napi::Object obj) : env_(obj.Env()), obj_(obj) {}
  // The field's value (undefined when lib/ left it out); a name the list lacks is an internal error.
  Napi::Value Get(const char* name) const;
  Napi::Value Get(const std::string& name) const { return Get(name.c_str()); }
  Napi::Env Env() const { return env_; }

 private:
  Napi::Env env_;
  Napi::Object obj_;                     // read by name when info_ is null
  const Napi::CallbackInfo* info_ = nullptr;
  List list_{nullptr, 0};
  mutable size_t next_ = 0;  // where the last hit's successor sits: readers mostly follow the list
};

template <size_t N>
constexpr Fields::List field_list(const char* const (&names)[N]) {
  return Fields::List{names, N};
}

struct TypedView {
  Napi::TypedArray array;
  void* data = nullptr;
  size_t length = 0;  // elements
  size_t bytes = 0;
  napi_typedarray_type type = napi_float32_array;
};

AddonState& state(Napi::Env env);

Napi::Object object_arg(const Napi::CallbackInfo& info, size_t index);
size_t size_field(const Fields& obj, const char* name);
struct SizeField {
  const char* name;
  size_t* into;
};
// Reads each listed size field, in order.
void size_fields(const Fields& obj, std::initializer_list<SizeField> fields);
// A finite number.
double number_field(const Fields& obj, const char* name);
// A finite number or -Infinity (a bound that admits every finite value).
double lower_bound_field(const Fields& obj, const char* name);
// The string v of field `name`.
std::string string_value(Napi::Env env, const Napi::Value& v, const char* name);
std::string string_field(const Fields& obj, const char* name);
// A string field naming one of `values`; `what` names the set in the error for any other string.
// The string v of field `name` naming one of `values`.
template <typename E>
E enum_value(Napi::Env env, const Napi::Value& v, const char* name, const char* what,
             std::initializer_list<std::pair<const char*, E>> values) {
  const std::string text = string_value(env, v, name);
  for (const auto& [option, value] : values) {
    if (text == option) return value;
  }
  throw Napi::TypeError::New(env, std::string("internal: unknown ") + what + " " + text);
}
template <typename E>
E enum_field(const Fields& obj, const char* name, const char* what,
             std::initializer_list<std::pair<const char*, E>> values) {
  return enum_value(obj.Env(), obj.Get(name), name, what, values);
}
bool bool_field(const Fields& obj, const char* name);
// A typed array field of the given type, holding at least `min_length` elements.
TypedView typed_field(const Fields& obj, const char* name, napi_typedarray_type type,
                      size_t min_length);
// A Float32Array or Uint8Array field, its dtype returned in `dtype`.
TypedView plane_data_field(const Fields& obj, const char* name, coordconv::DType* dtype);
// plane_data_field, or float16 bits in a Uint16Array when the field `dtype_name` says 'float16'.
TypedView plane_data_with_dtype(const Fields& obj, const char* name, const char* dtype_name, coordconv::DType* dtype);
// The batch of planes in the fields data, planes, height and width, data's length checked against
// their product; returns the view of data. An optional field dtype ('float32', 'uint8' or
// 'float16') names data's dtype: 'float16' takes a Uint16Array of binary16 bits, the only way a
// Uint16Array is accepted.
TypedView plane_batch_fields(const Fields& obj, coordconv::PlaneBatch* batch);
// The batch's memory layout, in the fields layout ('nchw' or 'nhwc') and channels (planes per
// image); check_plane_batch checks them against the batch.
void plane_layout_fields(const Fields& obj, coordconv::PlaneBatch* batch);

// The product of the sizes, which must not overflow.
size_t checked_product(Napi::Env env, std::initializer_list<size_t> sizes);
// Throws the native check's complaint (empty: none) about a request.
void require_well_formed(Napi::Env env, const std::string& problem);

// True when the array views a SharedArrayBuffer: its memory can be neither detached nor shrunk, so
// it stays valid for as long as the array is referenced.
bool is_shared(const Napi::TypedArray& array);
// The array's first byte; `*detached` tells whether its ArrayBuffer was detached.
uint8_t* typed_array_bytes(const Napi::TypedArray& array, bool* detached);

// True when the two views share any byte of memory.
bool overlaps(const TypedView& a, const TypedView& b);

}  // namespace coordconv_binding
