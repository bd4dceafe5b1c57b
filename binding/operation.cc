#include "operation.h"

#include <algorithm>
#include <vector>

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
  // lib/ sends `owned` with every async call, as an array of the request's own typed arrays: the
  // results it made, and with transfer: true the arrays it moved in (lib/call.ts).
  std::vector<Napi::Value> list;
  if (owned.IsArray()) {
    const Napi::Array array = owned.As<Napi::Array>();
    for (uint32_t i = 0; i < array.Length(); ++i) list.push_back(array.Get(i));
  }
  auto is_owned = [&](const Napi::TypedArray& array) {
    return std::any_of(list.begin(), list.end(), [&](const Napi::Value& v) { return v.StrictEquals(array); });
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
