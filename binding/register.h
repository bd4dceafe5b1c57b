// Everything the addon exports: the operations (each described once, see operation.h, and
// exported by addon.cc) and the few plain functions each binding file adds itself.
#pragma once

#include <napi.h>

#include "../native/boxes.h"
#include "../native/conv.h"
#include "../native/decode.h"
#include "../native/encode.h"
#include "../native/flip.h"
#include "../native/peaks.h"
#include "../native/sample.h"
#include "../native/simcc.h"
#include "operation.h"

namespace coordconv_binding {

extern const Operation<coordconv::DecodeRequest> kDecode;  // decode.cc
extern const Operation<coordconv::PeaksRequest> kPeaks;    // peaks.cc
extern const Operation<coordconv::SimccRequest> kSimcc;    // simcc.cc
extern const Operation<coordconv::SampleRequest> kSample;  // sample.cc
extern const Operation<coordconv::BoxesRequest> kBoxes;    // boxes.cc
extern const Operation<coordconv::FlipRequest> kFlip;      // flip.cc
extern const Operation<coordconv::EncodeRequest> kEncode;  // encode.cc
extern const Operation<coordconv::ConvRequest> kConv;      // conv.cc: conv2d and coordConv2d
extern const Operation<coordconv::AddCoordsRequest> kAddCoords;  // conv.cc

// relu, sum, argmax and _sweep.
void register_ops(Napi::Env env, Napi::Object exports);
// _allocate: library memory as external ArrayBuffers (library_memory.h).
void register_library_memory(Napi::Env env, Napi::Object exports);
// Byte copies for the HTTP plugin's request bodies.
void register_copy_bytes(Napi::Env env, Napi::Object exports);
// _holdPool: keeps every worker busy until released, for the hostile tests (pool_gate.cc).
void register_pool_gate(Napi::Env env, Napi::Object exports);

}  // namespace coordconv_binding
