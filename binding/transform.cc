#include "transform.h"

#include "args.h"

namespace coordconv_binding {

void transform_fields(const Fields& obj, coordconv::Transforms* t, Arrays& arrays) {
  if (obj.Get("transform").IsUndefined()) return;
  t->samples = size_field(obj, "transformSamples");
  const size_t entries = checked_product(obj.Env(), {t->samples, 6});
  const TypedView view = typed_field(obj, "transform", napi_float64_array, entries);
  if (view.length != entries) throw Napi::RangeError::New(obj.Env(), "internal: transform length does not match its samples");
  arrays.input(view, &t->matrices);
  t->given = true;
}

}  // namespace coordconv_binding
