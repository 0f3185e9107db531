// Multi-head self-attention forward and backward as a WebAssembly SIMD kernel: the math of
// fusedAttentionKernel.ts (which holds the TypeScript version and explains it), for all batch
// entries and heads in one call. q, k, v, context and their gradients are [batch, seq, heads·d]
// (head h in columns h·d … h·d+d−1), keyBias [batch, seq] (0 or −1e9 per key), probabilities and
// the dropout multiplier [batch, heads, seq, seq].
//   forward:  P = softmax(scale·Q·Kᵀ + bias), context = (P∘M)·V
//   backward: dV = (P∘M)ᵀ·dC, dP = (dC·Vᵀ)∘M, dS = P∘(dP − rowsum(dP∘P)), dQ = scale·dS·K,
//             dK = scale·dSᵀ·Q
// Each head's operands are first copied into zero-padded contiguous scratch (widths rounded up to
// 8), so the products run through one 4×8 register-blocked kernel with no tails. exp is Cephes'
// expf on vectors (simdMath.h, shared with geluKernel.c), exactly 0 below −87.3 (where float32 exp underflows anyway).
// Built by scripts/buildWasmKernels.mjs into dist/wasm/attentionKernel.wasm; loaded by
// wasmAttentionKernel.ts. No fast-math, -ffp-contract=off: strict IEEE float32 per operation.

#include <stdint.h>
#include <wasm_simd128.h>

#include "simdMath.h"

#define EXPORT(name) __attribute__((export_name(#name)))

static inline int32_t up8(int32_t n) { return (n + 7) & ~7; }

static inline float hsum(v128_t v) {
  return (wasm_f32x4_extract_lane(v, 0) + wasm_f32x4_extract_lane(v, 1)) + (wasm_f32x4_extract_lane(v, 2) + wasm_f32x4_extract_lane(v, 3));
}

#define ACC(c, a, b) c = wasm_f32x4_add(c, wasm_f32x4_mul(a, b))
#define LANE(v, l) wasm_i32x4_shuffle(v, v, l, l, l, l)

/* The 4×8 block of C at rows a0…a3 (row pointers into A, step 1 along k) times B from column j. */
#define BLOCK_STEP(x0, x1, x2, x3, brow)                                  \
  do {                                                                    \
    v128_t b0 = wasm_v128_load(brow), b1 = wasm_v128_load((brow) + 4);    \
    ACC(c00, x0, b0); ACC(c01, x0, b1);                                   \
    ACC(c10, x1, b0); ACC(c11, x1, b1);                                   \
    ACC(c20, x2, b0); ACC(c21, x2, b1);                                   \
    ACC(c30, x3, b0); ACC(c31, x3, b1);                                   \
  } while (0)

#define STORE_BLOCK(C, ldc)                                               \
  do {                                                                    \
    float *c = (C);                                                       \
    wasm_v128_store(c, c00); wasm_v128_store(c + 4, c01); c += (ldc);     \
    wasm_v128_store(c, c10); wasm_v128_store(c + 4, c11); c += (ldc);     \
    wasm_v128_store(c, c20); wasm_v128_store(c + 4, c21); c += (ldc);     \
    wasm_v128_store(c, c30); wasm_v128_store(c + 4, c31);                 \
  } while (0)

#define ZERO_BLOCK                                                        \
  v128_t c00 = splat(0), c01 = splat(0), c10 = splat(0), c11 = splat(0);  \
  v128_t c20 = splat(0), c21 = splat(0), c30 = splat(0), c31 = splat(0)

/* C[M×N] = A[M×K]·B[K×N], N a multiple of 8; row strides lda, ldb, ldc in floats. */
static void gemm(int32_t M, int32_t N, int32_t K, const float *A, int32_t lda, const float *B, int32_t ldb, float *C, int32_t ldc) {
  int32_t i = 0;
  for (; i + 4 <= M; i += 4) {
    const float *a0 = A + i * lda, *a1 = a0 + lda, *a2 = a1 + lda, *a3 = a2 + lda;
    for (int32_t j = 0; j < N; j += 8) {
      ZERO_BLOCK;
      const float *b = B + j;
      int32_t k = 0;
      for (; k + 4 <= K; k += 4, b += 4 * ldb) {
        v128_t va0 = wasm_v128_load(a0 + k), va1 = wasm_v128_load(a1 + k), va2 = wasm_v128_load(a2 + k), va3 = wasm_v128_load(a3 + k);
        BLOCK_STEP(LANE(va0, 0), LANE(va1, 0), LANE(va2, 0), LANE(va3, 0), b);
        BLOCK_STEP(LANE(va0, 1), LANE(va1, 1), LANE(va2, 1), LANE(va3, 1), b + ldb);
        BLOCK_STEP(LANE(va0, 2), LANE(va1, 2), LANE(va2, 2), LANE(va3, 2), b + 2 * ldb);
        BLOCK_STEP(LANE(va0, 3), LANE(va1, 3), LANE(va2, 3), LANE(va3, 3), b + 3 * ldb);
      }
      for (; k < K; k++, b += ldb) BLOCK_STEP(splat(a0[k]), splat(a1[k]), splat(a2[k]), splat(a3[k]), b);
      STORE_BLOCK(C + i * ldc + j, ldc);
    }
  }
  for (; i < M; i++) {
    const float *a0 = A + i * lda;
    for (int32_t j = 0; j < N; j += 8) {
      v128_t c00 = splat(0), c01 = splat(0);
      const float *b = B + j;
      for (int32_t k = 0; k < K; k++, b += ldb) {
        v128_t x0 = splat(a0[k]);
        ACC(c00, x0, wasm_v128_load(b)); ACC(c01, x0, wasm_v128_load(b + 4));
      }
      wasm_v128_store(C + i * ldc + j, c00);
      wasm_v128_store(C + i * ldc + j + 4, c01);
    }
  }
}

/*
 * C[M×N] = Aᵀ·B with A stored [K×M] (row stride lda ≥ M rounded up to 4, the padding readable),
 * B [K×N], N a multiple of 8: the products with a transposed left operand, without transposing.
 */
static void gemm_tn(int32_t M, int32_t N, int32_t K, const float *A, int32_t lda, const float *B, int32_t ldb, float *C, int32_t ldc) {
  for (int32_t i = 0; i < M; i += 4) {
    const int32_t rows = M - i < 4 ? M - i : 4;
    for (int32_t j = 0; j < N; j += 8) {
      ZERO_BLOCK;
      const float *a = A + i, *b = B + j;
      for (int32_t k = 0; k < K; k++, a += lda, b += ldb) {
        v128_t va = wasm_v128_load(a);
        BLOCK_STEP(LANE(va, 0), LANE(va, 1), LANE(va, 2), LANE(va, 3), b);
      }
      if (rows == 4) {
        STORE_BLOCK(C + i * ldc + j, ldc);
      } else {
        float *c = C + i * ldc + j;
        wasm_v128_store(c, c00); wasm_v128_store(c + 4, c01);
        if (rows > 1) { c += ldc; wasm_v128_store(c, c10); wasm_v128_store(c + 4, c11); }
        if (rows > 2) { c += ldc; wasm_v128_store(c, c20); wasm_v128_store(c + 4, c21); }
      }
    }
  }
}

/* rows [S × W] (zero-padded) ← head columns of x [seq rows of stride hidden]. */
static void pack_rows(const float *x, int32_t S, int32_t hidden, int32_t d, int32_t W, float *rows) {
  for (int32_t s = 0; s < S; s++) {
    const float *src = x + s * hidden;
    float *dst = rows + s * W;
    for (int32_t c = 0; c < d; c++) dst[c] = src[c];
    for (int32_t c = d; c < W; c++) dst[c] = 0.0f;
  }
}

/* cols [d × Sp] (zero-padded) ← the transpose of the head's columns of x. */
static void pack_cols(const float *x, int32_t S, int32_t hidden, int32_t d, int32_t Sp, float *cols) {
  for (int32_t s = 0; s < S; s++) {
    const float *src = x + s * hidden;
    for (int32_t c = 0; c < d; c++) cols[c * Sp + s] = src[c];
  }
  for (int32_t c = 0; c < d; c++) for (int32_t s = S; s < Sp; s++) cols[c * Sp + s] = 0.0f;
}

/* The head's columns of out [seq rows of stride hidden] ← rows [S × W]. */
static void unpack_rows(const float *rows, int32_t S, int32_t hidden, int32_t d, int32_t W, float *out) {
  for (int32_t s = 0; s < S; s++) {
    const float *src = rows + s * W;
    float *dst = out + s * hidden;
    for (int32_t c = 0; c < d; c++) dst[c] = src[c];
  }
}

/* Floats of scratch attention_forward and attention_backward need for these sizes. */
EXPORT(attention_scratch_floats)
int32_t attention_scratch_floats(int32_t seq, int32_t d) {
  int32_t W = up8(d), Sp = up8(seq);
  return 4 * seq * W + W * Sp + 2 * seq * Sp + Sp + 64;
}

/*
 * context [batch, seq, heads·d] and probs [batch, heads, seq, seq] from q, k, v [batch, seq,
 * heads·d], keyBias [batch, seq] and mult (the dropout multiplier, [batch, heads, seq, seq]; null
 * for none). scratch: attention_scratch_floats(seq, d) floats, 16-byte aligned.
 */
EXPORT(attention_forward)
void attention_forward(int32_t batch, int32_t seq, int32_t heads, int32_t d, float scale, const float *q, const float *k, const float *v,
                       const float *keyBias, const float *mult, float *context, float *probs, float *scratch) {
  const int32_t S = seq, W = up8(d), Sp = up8(seq), hidden = heads * d;
  float *Qp = scratch, *Vp = Qp + S * W, *Cx = Vp + S * W, *Kt = Cx + S * W, *Sc = Kt + W * Sp, *bias = Sc + S * Sp;
  const v128_t scale4 = splat(scale);
  for (int32_t b = 0; b < batch; b++) {
    /* The key bias padded with −∞: padding columns get probability exactly 0. */
    for (int32_t j = 0; j < Sp; j++) bias[j] = j < S ? keyBias[b * S + j] : -__builtin_inff();
    for (int32_t h = 0; h < heads; h++) {
      const int32_t at = b * S * hidden + h * d;
      const int32_t pAt = (b * heads + h) * S * S;
      pack_rows(q + at, S, hidden, d, W, Qp);
      pack_cols(k + at, S, hidden, d, Sp, Kt);
      pack_rows(v + at, S, hidden, d, W, Vp);
      gemm(S, Sp, d, Qp, W, Kt, Sp, Sc, Sp);
      for (int32_t i = 0; i < S; i++) {
        float *row = Sc + i * Sp;
        v128_t m4 = splat(-__builtin_inff());
        for (int32_t j = 0; j < Sp; j += 4) {
          v128_t x = wasm_f32x4_add(wasm_f32x4_mul(wasm_v128_load(row + j), scale4), wasm_v128_load(bias + j));
          wasm_v128_store(row + j, x);
          m4 = wasm_f32x4_max(m4, x);
        }
        float m = wasm_f32x4_extract_lane(m4, 0);
        for (int32_t l = 1; l < 4; l++) {
          float x = l == 1 ? wasm_f32x4_extract_lane(m4, 1) : l == 2 ? wasm_f32x4_extract_lane(m4, 2) : wasm_f32x4_extract_lane(m4, 3);
          m = x > m ? x : m;
        }
        m4 = splat(m);
        v128_t sum4 = splat(0);
        for (int32_t j = 0; j < Sp; j += 4) {
          v128_t t = wasm_f32x4_sub(wasm_v128_load(row + j), m4);
          v128_t e = wasm_v128_bitselect(splat(0), exp4(t), wasm_f32x4_lt(t, splat(-87.3f)));
          wasm_v128_store(row + j, e);
          sum4 = wasm_f32x4_add(sum4, e);
        }
        const v128_t total = splat(hsum(sum4));
        float *p = probs + pAt + i * S;
        const float *mr = mult ? mult + pAt + i * S : 0;
        int32_t j = 0;
        for (; j + 4 <= S; j += 4) {
          v128_t pj = wasm_f32x4_div(wasm_v128_load(row + j), total);
          wasm_v128_store(p + j, pj);
          wasm_v128_store(row + j, mr ? wasm_f32x4_mul(pj, wasm_v128_load(mr + j)) : pj);
        }
        const float sum = wasm_f32x4_extract_lane(total, 0);
        for (; j < S; j++) {
          float pj = row[j] / sum;
          p[j] = pj;
          row[j] = mr ? pj * mr[j] : pj;
        }
      }
      gemm(S, W, S, Sc, Sp, Vp, W, Cx, W);
      unpack_rows(Cx, S, hidden, d, W, context + at);
    }
  }
}

/*
 * dq, dk, dv [batch, seq, heads·d] from dContext, q, k, v, probs (the forward's) and mult (null
 * for none). scratch: attention_scratch_floats(seq, d) floats, 16-byte aligned.
 */
EXPORT(attention_backward)
void attention_backward(int32_t batch, int32_t seq, int32_t heads, int32_t d, float scale, const float *dContext, const float *q, const float *k,
                        const float *v, const float *probs, const float *mult, float *dq, float *dk, float *dv, float *scratch) {
  const int32_t S = seq, W = up8(d), Sp = up8(seq), hidden = heads * d;
  float *Qp = scratch, *Kp = Qp + S * W, *dCp = Kp + S * W, *Out = dCp + S * W, *Vt = Out + S * W;
  float *G = Vt + W * Sp, *Pd = G + S * Sp;
  for (int32_t b = 0; b < batch; b++) {
    for (int32_t h = 0; h < heads; h++) {
      const int32_t at = b * S * hidden + h * d;
      const int32_t pAt = (b * heads + h) * S * S;
      pack_rows(q + at, S, hidden, d, W, Qp);
      pack_rows(k + at, S, hidden, d, W, Kp);
      pack_rows(dContext + at, S, hidden, d, W, dCp);
      pack_cols(v + at, S, hidden, d, Sp, Vt);
      for (int32_t i = 0; i < S; i++) {
        const float *p = probs + pAt + i * S;
        const float *mr = mult ? mult + pAt + i * S : 0;
        float *row = Pd + i * Sp;
        for (int32_t j = 0; j < S; j++) row[j] = mr ? p[j] * mr[j] : p[j];
      }
      /* dV = (P∘M)ᵀ·dC */
      gemm_tn(S, W, S, Pd, Sp, dCp, W, Out, W);
      unpack_rows(Out, S, hidden, d, W, dv + at);
      /* G = dC·Vᵀ, then dS (scaled) in place */
      gemm(S, Sp, d, dCp, W, Vt, Sp, G, Sp);
      for (int32_t i = 0; i < S; i++) {
        const float *p = probs + pAt + i * S;
        const float *mr = mult ? mult + pAt + i * S : 0;
        float *row = G + i * Sp;
        if (mr) for (int32_t j = 0; j < S; j++) row[j] = row[j] * mr[j];
        int32_t j = 0;
        v128_t dot4 = splat(0);
        for (; j + 4 <= S; j += 4) dot4 = wasm_f32x4_add(dot4, wasm_f32x4_mul(wasm_v128_load(row + j), wasm_v128_load(p + j)));
        float dot = hsum(dot4);
        for (; j < S; j++) dot += row[j] * p[j];
        for (j = 0; j < S; j++) row[j] = p[j] * (row[j] - dot) * scale;
      }
      /* dQ = dS·K */
      gemm(S, W, S, G, Sp, Kp, W, Out, W);
      unpack_rows(Out, S, hidden, d, W, dq + at);
      /* dK = dSᵀ·Q */
      gemm_tn(S, W, S, G, Sp, Qp, W, Out, W);
      unpack_rows(Out, S, hidden, d, W, dk + at);
    }
  }
}
