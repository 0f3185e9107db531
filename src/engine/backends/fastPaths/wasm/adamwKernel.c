// The fused AdamW step and the sum of squares of a gradient (for the global-norm clip) as a
// WebAssembly SIMD kernel, four float32 lanes at a time: the formulas of fusedAdamW.ts (which
// holds the TypeScript version and explains them), operation by operation in the order of the
// stock tfjs ops in optimizer.ts, so that the results are the same float32 values.
//
// Unlike the other kernels here, this one has no memory of its own: it is linked with
// --import-memory and instantiated with tfjs-wasm's own WebAssembly.Memory (wasmAdamWKernel.ts),
// so it reads and writes tensors where they are, by their byte offsets, without copies. It must
// therefore never touch memory except through the pointers it is given: no static data, no local
// arrays, no calls (nothing on a shadow stack). wasmAdamWKernel.ts refuses a module with a data
// section or other imports; test/unit/backends/fastPathsAdamWWasm.test.ts checks that a call
// changes no byte outside its outputs. Built by scripts/buildWasmKernels.mjs into
// dist/wasm/adamwKernel.wasm. No fast-math, -ffp-contract=off: strict IEEE float32 per operation.

#include <stdint.h>
#include <wasm_simd128.h>

#define EXPORT(name) __attribute__((export_name(#name)))

/* Σ g[i]² for i < n, in double precision (the lanes summed in two f64x2 accumulators). */
EXPORT(sum_squares)
double sum_squares(const float *g, int32_t n) {
  v128_t a0 = wasm_f64x2_splat(0.0);
  v128_t a1 = wasm_f64x2_splat(0.0);
  int32_t i = 0;
  for (; i + 4 <= n; i += 4) {
    v128_t x = wasm_v128_load(g + i);
    v128_t lo = wasm_f64x2_promote_low_f32x4(x);
    v128_t hi = wasm_f64x2_promote_low_f32x4(wasm_i32x4_shuffle(x, x, 2, 3, 0, 1));
    a0 = wasm_f64x2_add(a0, wasm_f64x2_mul(lo, lo));
    a1 = wasm_f64x2_add(a1, wasm_f64x2_mul(hi, hi));
  }
  v128_t a = wasm_f64x2_add(a0, a1);
  double s = wasm_f64x2_extract_lane(a, 0) + wasm_f64x2_extract_lane(a, 1);
  for (; i < n; i++) {
    double x = g[i];
    s += x * x;
  }
  return s;
}

/*
 * One AdamW step of n entries; every scalar is a float32 value as the stock ops use it:
 *   gs = g·scale                     (scale: the clip factor, 1 without clipping)
 *   m' = m·b1 + gs·c1                (c1 = float32(1 − β1))
 *   v' = v·b2 + (gs·gs)·c2           (c2 = float32(1 − β2))
 *   d  = decay ? p − p·wd : p        (wd = float32(lr·weightDecay))
 *   p' = d − ((m'/bc1)·lr) / (sqrt(v'/bc2) + eps)
 * Outputs may not overlap the inputs (they are fresh tensors).
 */
EXPORT(adamw_update)
void adamw_update(const float *p, const float *m, const float *v, const float *g, float *po, float *mo, float *vo, int32_t n,
                  float scale, float b1, float c1, float b2, float c2, int32_t decay, float wd, float bc1, float bc2, float lr,
                  float eps) {
  const v128_t vScale = wasm_f32x4_splat(scale), vB1 = wasm_f32x4_splat(b1), vC1 = wasm_f32x4_splat(c1);
  const v128_t vB2 = wasm_f32x4_splat(b2), vC2 = wasm_f32x4_splat(c2), vWd = wasm_f32x4_splat(wd);
  const v128_t vBc1 = wasm_f32x4_splat(bc1), vBc2 = wasm_f32x4_splat(bc2), vLr = wasm_f32x4_splat(lr);
  const v128_t vEps = wasm_f32x4_splat(eps);
  int32_t i = 0;
  for (; i + 4 <= n; i += 4) {
    v128_t gs = wasm_f32x4_mul(wasm_v128_load(g + i), vScale);
    v128_t m1 = wasm_f32x4_add(wasm_f32x4_mul(wasm_v128_load(m + i), vB1), wasm_f32x4_mul(gs, vC1));
    v128_t v1 = wasm_f32x4_add(wasm_f32x4_mul(wasm_v128_load(v + i), vB2), wasm_f32x4_mul(wasm_f32x4_mul(gs, gs), vC2));
    v128_t p0 = wasm_v128_load(p + i);
    v128_t d = decay ? wasm_f32x4_sub(p0, wasm_f32x4_mul(p0, vWd)) : p0;
    v128_t num = wasm_f32x4_mul(wasm_f32x4_div(m1, vBc1), vLr);
    v128_t den = wasm_f32x4_add(wasm_f32x4_sqrt(wasm_f32x4_div(v1, vBc2)), vEps);
    wasm_v128_store(mo + i, m1);
    wasm_v128_store(vo + i, v1);
    wasm_v128_store(po + i, wasm_f32x4_sub(d, wasm_f32x4_div(num, den)));
  }
  for (; i < n; i++) {
    float gs = g[i] * scale;
    float m1 = m[i] * b1 + gs * c1;
    float v1 = v[i] * b2 + (gs * gs) * c2;
    float d = decay ? p[i] - p[i] * wd : p[i];
    float num = (m1 / bc1) * lr;
    float den = __builtin_sqrtf(v1 / bc2) + eps;
    mo[i] = m1;
    vo[i] = v1;
    po[i] = d - num / den;
  }
}
