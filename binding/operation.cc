#include "operation.h"

namespace coordconv_binding {

void Arrays::check_overlaps(Napi::Env env) const {
  for (size_t a = 0; a < entries_.size(); ++a) {
    for (size_t b = a + 1; b < entries_.size(); ++b) {
      const bool written = entries_[a].role == Role::kOutput || entries_[b].role == Role::kOutput;
      if (written && overlaps(entries_[a].view, entries_[b].view)) {
        throw Napi::RangeError::New(env, "internal: output arrays overlap the input or each other");
      }
    }
  }
}

void Arrays::stage(Staging& staging, const Napi::Value& owned) const {
  // lib/ sends `owned` only with transfer: true, as an array of the request's own typed arrays.
  const Napi::Array list = owned.IsArray() ? owned.As<Napi::Array>() : Napi::Array();
  const uint32_t count = owned.IsArray() ? list.Length() : 0;
  auto is_owned = [&](const Napi::TypedArray& array) {
    for (uint32_t i = 0; i < count; ++i) {
      if (list.Get(i).StrictEquals(array)) return true;
    }
    return false;
  };
  for (const Entry& e : entries_) {
    // An input's block is only read by the job; the field it lands in is a pointer to const.
    void* block = is_owned(e.view.array) ? staging.in_place(e.view.array)
                  : e.role == Role::kInput ? const_cast<void*>(staging.input(e.view.array))
                                           : staging.output(e.view.array);
    e.point(e.field, block);
  }
}

}  // namespace coordconv_binding
