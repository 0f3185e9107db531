// GELU forward and input gradient as a WebAssembly SIMD kernel, four float32 lanes at a time:
// the formulas of fusedGelu.ts (which holds the TypeScript version and explains them).
//   exact: y = x·Φ(x), Φ(x) = erfc(−x/√2)/2 (Numerical Recipes' erfcc, fractional error < 1.2e-7
//          in exact arithmetic); dy/dx = Φ(x) + x·exp(−x²/2)/√(2π).
//   tanh:  y = x·s, s = 1/(1 + exp(−2u)), u = √(2/π)·(x + 0.044715·x³) (s = (1 + tanh u)/2);
//          dy/dx = s + 2·x·s·(1 − s)·√(2/π)·(1 + 3·0.044715·x²).
// exp is Cephes' expf (range reduction by ln 2, degree-6 polynomial) on vectors, its argument
// clamped to [−87.3, 88] (below, the result is under 1.2e-38 instead of smaller). Built by
// scripts/buildWasmKernels.mjs into dist/wasm/geluKernel.wasm; loaded by wasmGeluKernel.ts.
// No fast-math, -ffp-contract=off: strict IEEE float32 per operation.

#include <stdint.h>
#include <wasm_simd128.h>

#include "simdMath.h"

#define EXPORT(name) __attribute__((export_name(#name)))

/* erfc(z) (Numerical Recipes erfcc). */
static inline v128_t erfc4(v128_t z) {
  v128_t a = wasm_f32x4_abs(z);
  v128_t t = wasm_f32x4_div(splat(1.0f), wasm_f32x4_add(splat(1.0f), wasm_f32x4_mul(splat(0.5f), a)));
  v128_t p = splat(0.17087277f);
  p = wasm_f32x4_add(wasm_f32x4_mul(p, t), splat(-0.82215223f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, t), splat(1.48851587f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, t), splat(-1.13520398f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, t), splat(0.27886807f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, t), splat(-0.18628806f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, t), splat(0.09678418f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, t), splat(0.37409196f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, t), splat(1.00002368f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, t), splat(-1.26551223f));
  v128_t r = wasm_f32x4_mul(t, exp4(wasm_f32x4_sub(p, wasm_f32x4_mul(a, a))));
  v128_t negative = wasm_f32x4_lt(z, splat(0.0f));
  return wasm_v128_bitselect(wasm_f32x4_sub(splat(2.0f), r), r, negative);
}

#define SQRT1_2 0.70710678118654752f
#define INV_SQRT_2PI 0.39894228040143268f
#define TANH_C 0.79788456080286536f
#define TANH_K 0.044715f

/* s = 1 / (1 + exp(-2u)), u = c·(x + k·x³). */
static inline v128_t tanh_gate(v128_t x) {
  v128_t x3 = wasm_f32x4_mul(wasm_f32x4_mul(x, x), x);
  v128_t u = wasm_f32x4_mul(splat(TANH_C), wasm_f32x4_add(x, wasm_f32x4_mul(splat(TANH_K), x3)));
  v128_t e = exp4(wasm_f32x4_mul(splat(-2.0f), u));
  return wasm_f32x4_div(splat(1.0f), wasm_f32x4_add(splat(1.0f), e));
}

static inline v128_t forward4(v128_t x, int approximate) {
  if (approximate) return wasm_f32x4_mul(x, tanh_gate(x));
  v128_t phi = wasm_f32x4_mul(splat(0.5f), erfc4(wasm_f32x4_mul(x, splat(-SQRT1_2))));
  return wasm_f32x4_mul(x, phi);
}

static inline v128_t slope4(v128_t x, int approximate) {
  v128_t xx = wasm_f32x4_mul(x, x);
  if (approximate) {
    v128_t s = tanh_gate(x);
    v128_t du = wasm_f32x4_mul(splat(TANH_C), wasm_f32x4_add(splat(1.0f), wasm_f32x4_mul(splat(3.0f * TANH_K), xx)));
    v128_t ds = wasm_f32x4_mul(wasm_f32x4_mul(splat(2.0f), s), wasm_f32x4_sub(splat(1.0f), s));
    return wasm_f32x4_add(s, wasm_f32x4_mul(wasm_f32x4_mul(x, ds), du));
  }
  v128_t phi = wasm_f32x4_mul(splat(0.5f), erfc4(wasm_f32x4_mul(x, splat(-SQRT1_2))));
  v128_t density = wasm_f32x4_mul(splat(INV_SQRT_2PI), exp4(wasm_f32x4_mul(splat(-0.5f), xx)));
  return wasm_f32x4_add(phi, wasm_f32x4_mul(x, density));
}

/* y[i] = gelu(x[i]) for i < n. The tail (n % 4) runs through a zero-padded vector. */
EXPORT(gelu_forward)
void gelu_forward(const float *x, float *y, int32_t n, int32_t approximate) {
  int32_t i = 0;
  /* Two independent vectors per iteration: the chains are long (division, polynomial, exp). */
  for (; i + 8 <= n; i += 8) {
    v128_t a = forward4(wasm_v128_load(x + i), approximate);
    v128_t b = forward4(wasm_v128_load(x + i + 4), approximate);
    wasm_v128_store(y + i, a);
    wasm_v128_store(y + i + 4, b);
  }
  for (; i + 4 <= n; i += 4) wasm_v128_store(y + i, forward4(wasm_v128_load(x + i), approximate));
  if (i < n) {
    float in[4] = {0, 0, 0, 0}, out[4];
    for (int32_t j = 0; i + j < n; j++) in[j] = x[i + j];
    wasm_v128_store(out, forward4(wasm_v128_load(in), approximate));
    for (int32_t j = 0; i + j < n; j++) y[i + j] = out[j];
  }
}

/* dx[i] = dy[i] · gelu'(x[i]) for i < n. */
EXPORT(gelu_backward)
void gelu_backward(const float *dy, const float *x, float *dx, int32_t n, int32_t approximate) {
  int32_t i = 0;
  for (; i + 8 <= n; i += 8) {
    v128_t a = wasm_f32x4_mul(wasm_v128_load(dy + i), slope4(wasm_v128_load(x + i), approximate));
    v128_t b = wasm_f32x4_mul(wasm_v128_load(dy + i + 4), slope4(wasm_v128_load(x + i + 4), approximate));
    wasm_v128_store(dx + i, a);
    wasm_v128_store(dx + i + 4, b);
  }
  for (; i + 4 <= n; i += 4) {
    wasm_v128_store(dx + i, wasm_f32x4_mul(wasm_v128_load(dy + i), slope4(wasm_v128_load(x + i), approximate)));
  }
  if (i < n) {
    float in[4] = {0, 0, 0, 0}, g[4] = {0, 0, 0, 0}, out[4];
    for (int32_t j = 0; i + j < n; j++) {
      in[j] = x[i + j];
      g[j] = dy[i + j];
    }
    wasm_v128_store(out, wasm_f32x4_mul(wasm_v128_load(g), slope4(wasm_v128_load(in), approximate)));
    for (int32_t j = 0; i + j < n; j++) dx[i + j] = out[j];
  }
}
