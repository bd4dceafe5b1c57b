// The optional transform of a request: the fields transform (a Float64Array of 6 entries per
// sample, lib/ having checked that they are finite) and transformSamples.
#pragma once

#include <napi.h>

#include "../native/transform.h"
#include "operation.h"

namespace coordconv_binding {

// Leaves `t` unset (no transform) when the request has no transform field.
void transform_fields(const Fields& obj, coordconv::Transforms* t, Arrays& arrays);

}  // namespace coordconv_binding
