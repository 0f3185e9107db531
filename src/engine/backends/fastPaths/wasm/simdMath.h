// Vector (four float32 lanes, wasm SIMD128) helpers shared by geluKernel.c and attentionKernel.c:
// splat and Cephes' expf on vectors, its argument clamped to [−87.3, 88]. Included (not compiled
// alone) by those files; strict IEEE float32 per operation (-ffp-contract=off, no fast-math).

#ifndef FINETUNE_SIMD_MATH_H
#define FINETUNE_SIMD_MATH_H

#include <wasm_simd128.h>

static inline v128_t splat(float v) { return wasm_f32x4_splat(v); }

static inline v128_t exp4(v128_t x) {
  x = wasm_f32x4_min(x, splat(88.0f));
  x = wasm_f32x4_max(x, splat(-87.3f));
  v128_t fx = wasm_f32x4_floor(wasm_f32x4_add(wasm_f32x4_mul(x, splat(1.44269504088896341f)), splat(0.5f)));
  x = wasm_f32x4_sub(x, wasm_f32x4_mul(fx, splat(0.693359375f)));
  x = wasm_f32x4_sub(x, wasm_f32x4_mul(fx, splat(-2.12194440e-4f)));
  v128_t z = wasm_f32x4_mul(x, x);
  v128_t p = splat(1.9875691500E-4f);
  p = wasm_f32x4_add(wasm_f32x4_mul(p, x), splat(1.3981999507E-3f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, x), splat(8.3334519073E-3f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, x), splat(4.1665795894E-2f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, x), splat(1.6666665459E-1f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, x), splat(5.0000001201E-1f));
  p = wasm_f32x4_add(wasm_f32x4_add(wasm_f32x4_mul(p, z), x), splat(1.0f));
  v128_t n = wasm_i32x4_trunc_sat_f32x4(fx);
  v128_t pow2n = wasm_i32x4_shl(wasm_i32x4_add(n, wasm_i32x4_splat(127)), 23);
  return wasm_f32x4_mul(p, pow2n);
}

#endif
