// One direction of a Keras LSTM recurrence (lstmRecurrence.ts) as a WebAssembly (SIMD) kernel:
// the same layouts, formulas and tie behaviour, in float32. Built by scripts/buildWasmKernels.mjs
// (clang --target=wasm32 -msimd128, no libc) into dist/wasm/lstmKernel.wasm; loaded by
// wasmLstmKernel.ts, which falls back to the TypeScript version when the file is not there.
//
// The products run four batch rows at a time over four float32 lanes (v128), each sum over k in
// order; the rank-4 updates of dU are plain loops clang vectorizes. No fast-math (sums are not
// reassociated; -ffp-contract=off; strict IEEE float32): a saturated forget gate (f = 1, i = 0)
// must copy c exactly, as in tfjs, so that max pooling sees the same ties.
// Layouts (floats): proj [batch, time, 4u] (gates i, f, c, o); U [u, 4u]; UT = Uᵀ [4u, u];
// H, C [(time+1), batch, u]; I, F, G, O, TC, IS, FS, OS [time, batch, u] (step-major);
// out [batch, time, u] (or [batch, u], written by the caller).

#include <stdint.h>

#include "kernelMath.h"
#include "recurrentBlocks.h"

#define EXPORT(name) __attribute__((export_name(#name)))

/* σ(v) and dσ/dv: tfjs' hard_sigmoid clip(0.5 + 0.2·v, 0, 1) (the gradient passes at the bounds,
   as tfjs' clipByValue gradient does) or the logistic sigmoid. */
static inline float gate(float v, int hard, float *slope) {
  if (hard) {
    float y = 0.5f + 0.2f * v;
    *slope = (y >= 0.0f && y <= 1.0f) ? 0.2f : 0.0f;
    return y < 0.0f ? 0.0f : (y > 1.0f ? 1.0f : y);
  }
  float s = 1.0f / (1.0f + exp_(-v));
  *slope = s * (1.0f - s);
  return s;
}

typedef int32_t i4 __attribute__((vector_size(16), aligned(4)));

/* Four lanes of the same functions, op for op (the same float32 results in the normal range; below
   e^-87.3 exp gives 0 where the scalar one gives a subnormal, which no gate value can show). */
static inline v4 select4(i4 mask, v4 a, v4 b) { return (v4)((mask & (i4)a) | (~mask & (i4)b)); }

static inline v4 exp4(v4 x) {
  const v4 lo = {-87.3f, -87.3f, -87.3f, -87.3f}, hi = {88.72f, 88.72f, 88.72f, 88.72f};
  v4 xc = select4(x < lo, lo, select4(x > hi, hi, x));
  v4 z = __builtin_elementwise_floor(1.44269504088896341f * xc + 0.5f);
  v4 r = xc - z * 0.693359375f;
  r = r - z * -2.12194440e-4f;
  v4 rr = r * r;
  v4 p = (((((1.9875691500E-4f * r + 1.3981999507E-3f) * r + 8.3334519073E-3f) * r + 4.1665795894E-2f) * r + 1.6666665459E-1f) * r +
          5.0000001201E-1f) * rr + r + 1.0f;
  i4 n = __builtin_convertvector(z, i4);
  v4 y = p * (v4)((n + 127) << 23);
  const v4 inf = {__builtin_inff(), __builtin_inff(), __builtin_inff(), __builtin_inff()}, zero = {0.0f, 0.0f, 0.0f, 0.0f};
  return select4(x > 88.72283905206835f, inf, select4(x < -87.3f, zero, y));
}

static inline v4 tanh4(v4 x) {
  v4 a = select4(x < 0.0f, -x, x);
  v4 z = x * x;
  v4 small = ((((-5.70498872745E-3f * z + 2.06390887954E-2f) * z - 5.37397155531E-2f) * z + 1.33314422036E-1f) * z - 3.33332819422E-1f) * z * x + x;
  v4 t = 1.0f - 2.0f / (exp4(2.0f * a) + 1.0f);
  return select4(a < 0.625f, small, select4(x < 0.0f, -t, t));
}

/* σ and dσ/dv of four lanes (see gate). */
static inline v4 gate4(v4 v, int hard, v4 *slope) {
  const v4 zero = {0.0f, 0.0f, 0.0f, 0.0f}, one = {1.0f, 1.0f, 1.0f, 1.0f}, k = {0.2f, 0.2f, 0.2f, 0.2f};
  if (hard) {
    v4 y = 0.5f + 0.2f * v;
    *slope = select4((y >= 0.0f) & (y <= 1.0f), k, zero);
    return select4(y < 0.0f, zero, select4(y > 1.0f, one, y));
  }
  v4 s = 1.0f / (1.0f + exp4(-v));
  *slope = s * (1.0f - s);
  return s;
}

/* The forward pass of one direction (reverse = 1: over reversed time). H and C hold h_0 = c_0 = 0
   on entry. scratch: 16u floats. */
EXPORT(lstm_forward)
void lstm_forward(int reverse, int batch, int time, int u, int hard, int returnSequences, const float *restrict proj, const float *restrict U,
                  float *restrict H, float *restrict C, float *restrict I, float *restrict F, float *restrict G, float *restrict O,
                  float *restrict TC, float *restrict IS, float *restrict FS, float *restrict OS, float *restrict out, float *restrict scratch) {
  const int u4 = 4 * u, bu = batch * u;
  float *pre[BLOCK];
  for (int i = 0; i < BLOCK; i++) pre[i] = scratch + i * u4;
  for (int s = 0; s < time; s++) {
    const int t = reverse ? time - 1 - s : s;
    for (int b0 = 0; b0 < batch; b0 += BLOCK) {
      const int rows = batch - b0 < BLOCK ? batch - b0 : BLOCK;
      const float *hp[BLOCK];
      for (int i = 0; i < BLOCK; i++) hp[i] = H + s * bu + (b0 + (i < rows ? i : rows - 1)) * u; /* rows past the batch repeat its last row */
      gemm4(pre, hp, U, u4, u, u4, 0); /* h·U */
      for (int i = 0; i < rows; i++) {
        const int b = b0 + i, g = s * bu + b * u;
        const float *restrict p = proj + (b * time + t) * u4;
        const float *restrict z = pre[i];
        float *restrict o = out + (b * time + t) * u;
        int j = 0;
        for (; (u & 3) == 0 && j < u; j += 4) { /* four units at a time (units a multiple of 4) */
          const int at = g + j;
          v4 is, fs, os;
          v4 ig = gate4(*(const v4 *)(p + j) + *(const v4 *)(z + j), hard, &is);
          v4 fg = gate4(*(const v4 *)(p + u + j) + *(const v4 *)(z + u + j), hard, &fs);
          v4 og = gate4(*(const v4 *)(p + 3 * u + j) + *(const v4 *)(z + 3 * u + j), hard, &os);
          v4 gc = tanh4(*(const v4 *)(p + 2 * u + j) + *(const v4 *)(z + 2 * u + j));
          v4 fc = fg * *(const v4 *)(C + at);
          v4 icg = ig * gc;
          v4 c = fc + icg;
          v4 tc = tanh4(c);
          v4 h = og * tc;
          *(v4 *)(IS + at) = is;
          *(v4 *)(FS + at) = fs;
          *(v4 *)(OS + at) = os;
          *(v4 *)(I + at) = ig;
          *(v4 *)(F + at) = fg;
          *(v4 *)(O + at) = og;
          *(v4 *)(G + at) = gc;
          *(v4 *)(TC + at) = tc;
          *(v4 *)(C + at + bu) = c;
          *(v4 *)(H + at + bu) = h;
          if (returnSequences) *(v4 *)(o + j) = h;
        }
        for (; j < u; j++) {
          const int at = g + j;
          float ig = gate(p[j] + z[j], hard, IS + at);
          float fg = gate(p[u + j] + z[u + j], hard, FS + at);
          float og = gate(p[3 * u + j] + z[3 * u + j], hard, OS + at);
          float gc = tanh_(p[2 * u + j] + z[2 * u + j]);
          float fc = fg * C[at];
          float icg = ig * gc;
          float c = fc + icg; /* f = 1, i = 0: c exactly */
          float tc = tanh_(c);
          float h = og * tc;
          I[at] = ig;
          F[at] = fg;
          O[at] = og;
          G[at] = gc;
          TC[at] = tc;
          C[at + bu] = c;
          H[at + bu] = h;
          if (returnSequences) o[j] = h;
        }
      }
    }
  }
}

/* The backward pass of one direction. dh [batch, u]: d loss / d h_T on entry (zeros with
   returnSequences); dc [batch, u]: zeros on entry; dhPrev: batch·u floats of scratch; dU [u, 4u]
   zeroed by the caller; UT = Uᵀ [4u, u]; scratch: 20u floats. */
EXPORT(lstm_backward)
void lstm_backward(int reverse, int batch, int time, int u, int returnSequences, const float *restrict dy, const float *restrict UT,
                   const float *restrict H, const float *restrict C, const float *restrict I, const float *restrict F,
                   const float *restrict G, const float *restrict O, const float *restrict TC, const float *restrict IS,
                   const float *restrict FS, const float *restrict OS, float *restrict dProj, float *restrict dU, float *dh, float *dhPrev,
                   float *restrict dc, float *restrict scratch) {
  const int u4 = 4 * u, bu = batch * u;
  float *dz[BLOCK], *dummy[BLOCK];
  for (int i = 0; i < BLOCK; i++) {
    dz[i] = scratch + i * u4; /* d loss / d z (i, f, c, o) of row i */
    dummy[i] = scratch + BLOCK * u4 + i * u; /* where rows past the batch write */
  }
  for (int s = time - 1; s >= 0; s--) {
    const int t = reverse ? time - 1 - s : s;
    for (int b0 = 0; b0 < batch; b0 += BLOCK) {
      const int rows = batch - b0 < BLOCK ? batch - b0 : BLOCK;
      float *dhp[BLOCK];
      float x[BLOCK];
      for (int i = 0; i < BLOCK; i++) {
        if (i >= rows) { /* zero gradients: these rows add nothing to dU */
          for (int j = 0; j < u4; j++) dz[i][j] = 0.0f;
          dhp[i] = dummy[i];
          continue;
        }
        const int b = b0 + i, g = s * bu + b * u;
        dhp[i] = dhPrev + b * u;
        const float *restrict dyo = dy + (b * time + t) * u;
        const float *restrict dhn = dh + b * u;
        float *restrict dcr = dc + b * u;
        float *restrict d = dz[i];
        for (int j = 0; j < u; j++) {
          const int at = g + j;
          float grad = dhn[j] + (returnSequences ? dyo[j] : 0.0f);
          float tc = TC[at], gc = G[at];
          float dcj = dcr[j] + grad * O[at] * (1.0f - tc * tc);
          d[j] = dcj * gc * IS[at];
          d[u + j] = dcj * C[at] * FS[at];
          d[2 * u + j] = dcj * I[at] * (1.0f - gc * gc);
          d[3 * u + j] = grad * tc * OS[at];
          dcr[j] = dcj * F[at];
        }
        float *restrict dp = dProj + (b * time + t) * u4;
        for (int j = 0; j < u4; j++) dp[j] = d[j];
      }
      /* dh_prev = dz·Uᵀ; dU += hᵀ·dz */
      gemm4(dhp, (const float *const *)dz, UT, u, u4, u, 0);
      for (int k = 0; k < u; k++) {
        for (int i = 0; i < BLOCK; i++) x[i] = H[s * bu + (b0 + (i < rows ? i : rows - 1)) * u + k];
        axpy4(dU + k * u4, x, (const float *const *)dz, u4);
      }
    }
    float *swap = dh;
    dh = dhPrev;
    dhPrev = swap;
  }
}
