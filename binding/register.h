// Each binding file adds its functions to the addon's exports.
#pragma once

#include <napi.h>

namespace coordconv_binding {

void register_decode(Napi::Env env, Napi::Object exports);
void register_ops(Napi::Env env, Napi::Object exports);
// Encoder, AddCoords and the convolutions (issue 4).
void register_conv(Napi::Env env, Napi::Object exports);
void register_encode(Napi::Env env, Napi::Object exports);
void register_peaks(Napi::Env env, Napi::Object exports);
// Byte copies for the HTTP plugin's request bodies.
void register_bytes(Napi::Env env, Napi::Object exports);

}  // namespace coordconv_binding
