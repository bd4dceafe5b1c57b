// Unpacking of the flat request objects lib/ builds. lib/ has validated every field; these checks
// stay as the last guard before native code touches memory, and fail with a plain Error.
#pragma once

#include <napi.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "../native/planes.h"
#include "state.h"

namespace coordconv_binding {

struct TypedView {
  Napi::TypedArray array;
  void* data = nullptr;
  size_t length = 0;  // elements
  size_t bytes = 0;
  napi_typedarray_type type = napi_float32_array;
};

AddonState& state(Napi::Env env);

Napi::Object object_arg(const Napi::CallbackInfo& info, size_t index);
size_t size_field(const Napi::Object& obj, const char* name);
// A finite number.
double number_field(const Napi::Object& obj, const char* name);
std::string string_field(const Napi::Object& obj, const char* name);
bool bool_field(const Napi::Object& obj, const char* name);
// A typed array field of the given type, holding at least `min_length` elements.
TypedView typed_field(const Napi::Object& obj, const char* name, napi_typedarray_type type,
                      size_t min_length);
// A Float32Array or Uint8Array field, its dtype returned in `dtype`.
TypedView plane_data_field(const Napi::Object& obj, const char* name, coordconv::DType* dtype);

// True when the array views a SharedArrayBuffer: its memory can be neither detached nor shrunk, so
// it stays valid for as long as the array is referenced.
bool is_shared(const Napi::TypedArray& array);
// The array's first byte; `*detached` tells whether its ArrayBuffer was detached.
uint8_t* typed_array_bytes(const Napi::TypedArray& array, bool* detached);

// True when the two views share any byte of memory.
bool overlaps(const TypedView& a, const TypedView& b);

}  // namespace coordconv_binding
