// The optional `offsets` field of the decode and peaks requests (native/offsets.h).
#pragma once

#include <napi.h>

#include "../native/offsets.h"
#include "operation.h"

namespace coordconv_binding {

// Reads obj.offsets: null or absent leaves the offsets unset; else an object with the map's plane
// batch fields (data, dtype, planes, height, width, layout, channels), kind ('posenet' or
// 'centernet'), images, perImage and, for posenet, outputStride. The map is registered as an input.
void offsets_field(const Fields& obj, coordconv::Offsets* offsets, Arrays& arrays);

}  // namespace coordconv_binding
