// The small matrix products shared by the recurrent WebAssembly kernels (gruKernel.c,
// lstmKernel.c): four rows at a time over four float32 lanes, sums over k in order. Included (not
// compiled alone) by those files; strict IEEE float32 (-ffp-contract=off, no fast-math).

#ifndef FINETUNE_RECURRENT_BLOCKS_H
#define FINETUNE_RECURRENT_BLOCKS_H

typedef float v4 __attribute__((vector_size(16), aligned(4)));

/* Rows processed together: each kernel value loaded serves all of them. */
#define BLOCK 4

/* out_i[j] (+)= sum_k a_i[k] * B[k*ldb + j] for rows i < 4, j < n: four rows of a small matrix
   product, four float32 lanes of j at a time, sums over k in order (as an axpy loop would). */
static void gemm4(float *const out[BLOCK], const float *const a[BLOCK], const float *restrict B, int ldb, int K, int n, int accumulate) {
  int j = 0;
  for (; j + 4 <= n; j += 4) {
    v4 c0, c1, c2, c3;
    if (accumulate) {
      c0 = *(const v4 *)(out[0] + j);
      c1 = *(const v4 *)(out[1] + j);
      c2 = *(const v4 *)(out[2] + j);
      c3 = *(const v4 *)(out[3] + j);
    } else {
      c0 = c1 = c2 = c3 = (v4){0.0f, 0.0f, 0.0f, 0.0f};
    }
    const float *restrict b = B + j;
    for (int k = 0; k < K; k++) {
      v4 w = *(const v4 *)(b + k * ldb);
      c0 += a[0][k] * w;
      c1 += a[1][k] * w;
      c2 += a[2][k] * w;
      c3 += a[3][k] * w;
    }
    *(v4 *)(out[0] + j) = c0;
    *(v4 *)(out[1] + j) = c1;
    *(v4 *)(out[2] + j) = c2;
    *(v4 *)(out[3] + j) = c3;
  }
  for (; j < n; j++) {
    for (int i = 0; i < BLOCK; i++) {
      float c = accumulate ? out[i][j] : 0.0f;
      for (int k = 0; k < K; k++) c += a[i][k] * B[k * ldb + j];
      out[i][j] = c;
    }
  }
}

/* y[j] += c0*x0[j] + c1*x1[j] + c2*x2[j] + c3*x3[j]: a rank-4 update of one row. */
static void axpy4(float *restrict y, const float c[BLOCK], const float *const x[BLOCK], int n) {
  const float c0 = c[0], c1 = c[1], c2 = c[2], c3 = c[3];
  const float *restrict x0 = x[0], *restrict x1 = x[1], *restrict x2 = x[2], *restrict x3 = x[3];
  for (int j = 0; j < n; j++) y[j] += c0 * x0[j] + c1 * x1[j] + c2 * x2[j] + c3 * x3[j];
}

#endif
