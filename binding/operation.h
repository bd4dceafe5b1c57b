// An operation is described once, by an Operation: its name, an unpack that reads the flat
// request lib/ built into the native request struct and registers every caller array that struct
// points into (with its role), the native call, and the request's field list. Its sync and async entry points, the staging
// of its arrays, the overlap check and the error path all come from that description.
#pragma once

#include <napi.h>

#include <string>
#include <type_traits>
#include <vector>

#include "args.h"
#include "failure.h"
#include "staging.h"
#include "state.h"
#include "worker.h"

namespace coordconv_binding {

enum class Role { kInput, kOutput };  // read by the native call, or written by it

// The caller's arrays one request points into, each with the request field that holds its data
// pointer. The sync path leaves the fields as registered; the async path re-points every field at
// the array's staged block. An optional array the request does not use is simply not registered.
class Arrays {
 public:
  template <typename T>
  void input(const TypedView& view, const T** field) {
    *field = static_cast<const T*>(view.data);
    entries_.push_back(Entry{view, Role::kInput, field, &point<const T>});
  }
  template <typename T>
  void output(const TypedView& view, T** field) {
    static_assert(!std::is_const_v<T>, "an output is written, so its field is a pointer to non-const");
    *field = static_cast<T*>(view.data);
    entries_.push_back(Entry{view, Role::kOutput, field, &point<T>});
  }

  // No output may share memory with any other array (inputs may share with each other: they are
  // only read).
  void check_overlaps(Napi::Env env) const;
  // Re-points every field at a block of `staging` (see Staging): copies of the inputs, blocks the
  // outputs are written to and delivered from; an array listed in `owned` (lib/ moved it into a
  // buffer only it can reach) is used in place.
  void stage(Staging& staging, const Napi::Value& owned) const;

 private:
  struct Entry {
    TypedView view;
    Role role;
    void* field;  // a T** into the request
    void (*point)(void* field, void* data);
  };
  template <typename T>
  static void point(void* field, void* data) {
    *static_cast<T**>(field) = static_cast<T*>(data);
  }
  std::vector<Entry> entries_;
};

template <typename Req>
struct Operation {
  using Request = Req;
  // Exported as <name>Sync and <name> (a Promise); the operation's name in error messages.
  const char* name;
  // Fills the request from lib/'s flat request, registering the arrays it points into; throws an
  // "internal: ..." Napi error for whatever lib/ would never send.
  void (*unpack)(const Fields& obj, Request& request, Arrays& arrays);
  void (*run)(const coordconv::Kernels& kernels, coordconv::ThreadPool& pool, const Request& request);
  // The request's fields, in the order lib/ passes them as the call's arguments (lib/addon.ts packs
  // its flat object so): each field is then one argument away, where reading the object's
  // properties by name would make and look up each name's string, about a third of a small call.
  // Every field unpack reads must be listed; reading another is an internal error.
  Fields::List fields;
};

template <const auto& op>
using RequestOf = typename std::remove_cvref_t<decltype(op)>::Request;

template <const auto& op>
void unpack(const Fields& fields, RequestOf<op>& request, Arrays& arrays) {
  op.unpack(fields, request, arrays);
  arrays.check_overlaps(fields.Env());
}

// Runs on the calling thread, on the caller's arrays.
template <const auto& op>
Napi::Value call_sync(const Napi::CallbackInfo& info) {
  RequestOf<op> request;
  Arrays arrays;
  unpack<op>(Fields(info, op.fields), request, arrays);
  const AddonState& s = state(info.Env());
  guarded(info.Env(), op.name, [&] { op.run(*s.kernels, *s.pool, request); });
  return info.Env().Undefined();
}

// Stages the arrays and queues the native call as a BatonJob; returns its Promise.
template <const auto& op>
Napi::Value call_async(const Napi::CallbackInfo& info) {
  RequestOf<op> request;
  Arrays arrays;
  const Fields fields(info, op.fields);
  unpack<op>(fields, request, arrays);
  Napi::Value promise;
  guarded(info.Env(), op.name, [&] {
    Staging staging;
    arrays.stage(staging, fields.Get("owned"));
    promise = BatonJob<RequestOf<op>>::Start(info.Env(), op.name, op.run, request, std::move(staging));
  });
  return promise;
}

// The entry point with its field list as its `fields` property, which lib/ packs the request by.
template <const auto& op>
Napi::Function with_field_list(Napi::Function fn) {
  Napi::Array names = Napi::Array::New(fn.Env(), op.fields.count);
  for (size_t i = 0; i < op.fields.count; ++i) names.Set(static_cast<uint32_t>(i), op.fields.names[i]);
  fn.Set("fields", names);
  return fn;
}

// Adds <name>Sync and <name> to the exports.
template <const auto& op>
void export_operation(Napi::Env env, Napi::Object exports) {
  const std::string sync = std::string(op.name) + "Sync";
  exports.Set(sync, with_field_list<op>(Napi::Function::New(env, call_sync<op>, sync)));
  exports.Set(op.name, with_field_list<op>(Napi::Function::New(env, call_async<op>, op.name)));
}

// Adds only the sync entry point, as <name>: for an operation too short to be worth a thread hop.
template <const auto& op>
void export_sync_operation(Napi::Env env, Napi::Object exports) {
  exports.Set(op.name, with_field_list<op>(Napi::Function::New(env, call_sync<op>, op.name)));
}

}  // namespace coordconv_binding
