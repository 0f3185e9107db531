// The bidirectional GRU recurrence of gruRecurrence.ts as a WebAssembly (SIMD) kernel, one
// direction per call: the same layouts, formulas and tie behaviour, in float32. Built by
// scripts/buildWasmKernels.mjs (clang --target=wasm32 -msimd128, no libc) into
// dist/wasm/gruKernel.wasm; loaded by wasmGruKernel.ts, which falls back to the TypeScript
// version when the file is not there.
//
// The products run four batch rows at a time over four float32 lanes (v128), each sum over k in
// order; the rank-4 updates of dU are plain loops clang vectorizes. No fast-math (sums are not
// reassociated; -ffp-contract=off; strict IEEE float32): the tie behaviour of saturated gates
// depends on z = 1 giving h exactly.
// Layouts (floats): proj [batch, time, 6u]; U [u, 3u]; UT = Uᵀ [3u, u]; H [(time+1), batch, u];
// Z, R, HH, ZS, RS [time, batch, u]; out [batch, time, 2u] (or [batch, 2u], written by the caller).

#include <stdint.h>

#include "kernelMath.h"
#include "recurrentBlocks.h"

#define EXPORT(name) __attribute__((export_name(#name)))

/* σ(v) and dσ/dv: Keras' hard_sigmoid clip(0.2·v + 0.5, 0, 1) (the gradient passes at the bounds,
   as tfjs' clipByValue gradient does) or the logistic sigmoid. */
static inline float gate(float v, int hard, float *slope) {
  if (hard) {
    float y = 0.2f * v + 0.5f;
    *slope = (y >= 0.0f && y <= 1.0f) ? 0.2f : 0.0f;
    return y < 0.0f ? 0.0f : (y > 1.0f ? 1.0f : y);
  }
  float s = 1.0f / (1.0f + exp_(-v));
  *slope = s * (1.0f - s);
  return s;
}

/* One direction (d = 0 forward, 1 backward in time) of the forward pass. scratch: 16u floats. */
EXPORT(gru_forward)
void gru_forward(int d, int batch, int time, int u, int hard, int returnSequences, const float *restrict proj, const float *restrict U,
                 float *restrict H, float *restrict Z, float *restrict R, float *restrict HH, float *restrict ZS, float *restrict RS,
                 float *restrict out, float *restrict scratch) {
  const int u2 = 2 * u, u3 = 3 * u, u6 = 6 * u, bu = batch * u;
  float *pre[BLOCK], *rh[BLOCK], *preH[BLOCK];
  for (int i = 0; i < BLOCK; i++) {
    pre[i] = scratch + i * u3;
    preH[i] = pre[i] + u2;
    rh[i] = scratch + BLOCK * u3 + i * u;
  }
  for (int s = 0; s < time; s++) {
    const int t = d == 0 ? s : time - 1 - s;
    for (int b0 = 0; b0 < batch; b0 += BLOCK) {
      const int rows = batch - b0 < BLOCK ? batch - b0 : BLOCK;
      const float *hp[BLOCK];
      const float *rhc[BLOCK];
      for (int i = 0; i < BLOCK; i++) {
        const int b = b0 + (i < rows ? i : rows - 1); /* rows past the batch repeat its last row */
        hp[i] = H + s * bu + b * u;
        rhc[i] = rh[i];
      }
      gemm4(pre, hp, U, u3, u, u2, 0); /* h·U_z, h·U_r */
      for (int i = 0; i < rows; i++) {
        const int b = b0 + i, g = s * bu + b * u;
        const float *restrict p = proj + (b * time + t) * u6 + d * u3;
        for (int j = 0; j < u; j++) {
          float z = gate(p[j] + pre[i][j], hard, ZS + g + j);
          float r = gate(p[u + j] + pre[i][u + j], hard, RS + g + j);
          Z[g + j] = z;
          R[g + j] = r;
          rh[i][j] = r * hp[i][j];
        }
      }
      for (int i = rows; i < BLOCK; i++) rhc[i] = rh[rows - 1];
      gemm4(preH, rhc, U + u2, u3, u, u, 0); /* (r*h)·U_h */
      for (int i = 0; i < rows; i++) {
        const int b = b0 + i, g = s * bu + b * u;
        const float *restrict p = proj + (b * time + t) * u6 + d * u3;
        float *restrict hn = H + g + bu;
        float *restrict o = out + (b * time + t) * u2 + d * u;
        for (int j = 0; j < u; j++) {
          float hh = tanh_(p[u2 + j] + preH[i][j]);
          float z = Z[g + j];
          float h = z * hp[i][j] + (1.0f - z) * hh; /* Keras' form: z = 1 copies h exactly */
          HH[g + j] = hh;
          hn[j] = h;
          if (returnSequences) o[j] = h;
        }
      }
    }
  }
}

/* One direction of the backward pass. dh [batch, u]: d loss / d h_T on entry (zeros with
   returnSequences); dhPrev: batch·u floats of scratch; dU [u, 3u] zeroed by the caller;
   UT = Uᵀ [3u, u]; scratch: 20u floats. */
EXPORT(gru_backward)
void gru_backward(int d, int batch, int time, int u, int returnSequences, const float *restrict dy, const float *restrict UT,
                  const float *restrict H, const float *restrict Z, const float *restrict R, const float *restrict HH,
                  const float *restrict ZS, const float *restrict RS, float *restrict dProj, float *restrict dU, float *dh, float *dhPrev,
                  float *restrict scratch) {
  const int u2 = 2 * u, u3 = 3 * u, u6 = 6 * u, bu = batch * u;
  float *dPre[BLOCK], *dPreH[BLOCK], *dRh[BLOCK], *dummy[BLOCK];
  for (int i = 0; i < BLOCK; i++) {
    dPre[i] = scratch + i * u3; /* d loss / d pre-activations of z, r, h~ of row i */
    dPreH[i] = dPre[i] + u2;
    dRh[i] = scratch + BLOCK * u3 + i * u; /* d loss / d (r*h) */
    dummy[i] = scratch + BLOCK * u3 + BLOCK * u + i * u; /* where rows past the batch write */
  }
  for (int s = time - 1; s >= 0; s--) {
    const int t = d == 0 ? s : time - 1 - s;
    for (int b0 = 0; b0 < batch; b0 += BLOCK) {
      const int rows = batch - b0 < BLOCK ? batch - b0 : BLOCK;
      const float *hp[BLOCK];
      float *dhp[BLOCK];
      float q[BLOCK], x[BLOCK];
      for (int i = 0; i < BLOCK; i++) {
        const int b = b0 + (i < rows ? i : rows - 1);
        hp[i] = H + s * bu + b * u;
        dhp[i] = i < rows ? dhPrev + b * u : dummy[i];
      }
      for (int i = 0; i < BLOCK; i++) {
        if (i >= rows) { /* zero pre-activation gradients: these rows add nothing to dU */
          for (int j = 0; j < u3; j++) dPre[i][j] = 0.0f;
          continue;
        }
        const int b = b0 + i, g = s * bu + b * u;
        const float *restrict dyo = dy + (b * time + t) * u2 + d * u;
        const float *restrict dhn = dh + b * u;
        for (int j = 0; j < u; j++) {
          float grad = dhn[j] + (returnSequences ? dyo[j] : 0.0f);
          float z = Z[g + j];
          float hh = HH[g + j];
          dPre[i][j] = grad * (hp[i][j] - hh) * ZS[g + j];
          dPreH[i][j] = grad * (1.0f - z) * (1.0f - hh * hh);
          dhp[i][j] = grad * z;
        }
      }
      /* (r*h)·U_h: d(r*h) = dPre_h · U_hᵀ, dU_h += (r*h)ᵀ dPre_h */
      gemm4(dRh, (const float *const *)dPreH, UT + u2 * u, u, u, u, 0);
      for (int k = 0; k < u; k++) {
        for (int i = 0; i < BLOCK; i++) {
          const int g = s * bu + (b0 + (i < rows ? i : rows - 1)) * u;
          q[i] = R[g + k] * hp[i][k];
        }
        axpy4(dU + k * u3 + u2, q, (const float *const *)dPreH, u);
      }
      for (int i = 0; i < rows; i++) {
        const int g = s * bu + (b0 + i) * u;
        for (int k = 0; k < u; k++) {
          dPre[i][u + k] = dRh[i][k] * hp[i][k] * RS[g + k];
          dhp[i][k] += dRh[i][k] * R[g + k];
        }
      }
      /* h·U_{z,r}: dh += dPre_{z,r} · U_{z,r}ᵀ, dU_{z,r} += hᵀ dPre_{z,r} */
      gemm4(dhp, (const float *const *)dPre, UT, u, u2, u, 1);
      for (int k = 0; k < u; k++) {
        for (int i = 0; i < BLOCK; i++) x[i] = hp[i][k];
        axpy4(dU + k * u3, x, (const float *const *)dPre, u2);
      }
      for (int i = 0; i < rows; i++) {
        float *restrict dp = dProj + ((b0 + i) * time + t) * u6 + d * u3;
        for (int j = 0; j < u3; j++) dp[j] = dPre[i][j];
      }
    }
    float *swap = dh;
    dh = dhPrev;
    dhPrev = swap;
  }
}
