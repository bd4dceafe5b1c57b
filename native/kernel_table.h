// The kernel table, written once for every path. No #pragma once, on purpose: each kernel
// translation unit includes it at the end of its own ISA namespace (coordconv::scalar, ::avx2,
// ::avx512, ::neon), after defining kName and every kernel, and exports the result, e.g.
//   const Kernels kAvx2Kernels = avx2::kTable;
// A kernel an ISA lacks is an undeclared name here, an entry left out of this list fails to
// compile (Required has no default constructor, kernels.h), and the name is checked below.

constexpr Kernels kTable = {
    .name = kName,
    .onehot_f32 = onehot_f32,
    .onehot_u8 = onehot_u8,
    .argmax_f32 = argmax_f32,
    .argmax_u8 = argmax_u8,
    .argmax_f16 = argmax_f16,
    .argmax_nhwc_f32 = argmax_nhwc_f32,
    .argmax_nhwc_u8 = argmax_nhwc_u8,
    .deinterleave_f32 = deinterleave_f32,
    .sum_f32 = sum_f32,
    .sum_u8 = sum_u8,
    .relu_f32 = relu_f32,
    .gauss_f32 = gauss_f32,
    .max_scaled_f32 = max_scaled_f32,
    .max_scaled_u8 = max_scaled_u8,
    .conv_tile_f32 = conv_tile_f32,
    .u8_to_f32 = u8_to_f32,
    .f16_to_f32 = f16_to_f32,
    .fir_f32 = fir_f32,
    .maxrows_f32 = maxrows_f32,
    .peak_candidates_f32 = peak_candidates_f32,
    .centroid_row_f32 = centroid_row_f32,
    .softmax_row_f32 = softmax_row_f32,
    .mean_f32 = mean_f32,
    .mean_reversed_f32 = mean_reversed_f32,
    .sweep_u8 = sweep_u8,
};
static_assert(kTable.name != nullptr && kTable.name[0] != '\0', "every kernel table is named");
