// A float32 GEMM for tfjs-wasm: C[b] = op(A)[b] · op(B)[b] (+ bias) (then ReLU), four float32 lanes
// at a time (WebAssembly SIMD128), for any transposes and batch broadcasts, expressed as strides.
//
// Why: tfjs-wasm 4.22 sends untransposed matMuls to XNNPACK, which packs (and transposes) b anew
// for every new b tensor; in training every weight and gradient is a new tensor at each step, so
// the packing costs more than the product. This kernel packs small panels of its own instead
// (BLIS-style: a KC×NC block of B in 8-column slivers, an MC×KC block of A in MR-row slivers,
// zero-padded at the edges) and runs a register-blocked MR×8 micro-kernel over them.
//
// Like adamwKernel.c it has no memory of its own: it is linked with --import-memory and runs on
// tfjs-wasm's WebAssembly.Memory (wasmGemmKernel.ts), reading and writing tensors in place by
// their byte offsets; the packing buffer is a scratch tensor the caller allocates there. So it
// must never touch memory except through the pointers it is given: no static data, no local
// arrays, no calls that need a shadow stack. The loader refuses a module with a data section or
// other imports; test/unit/backends/fastPathsGemmKernel.test.ts checks that a call changes no byte
// outside its output and its scratch. Strict IEEE float32 (no fast-math, -ffp-contract=off, no
// FMA: a multiply then an add), so results differ from other GEMMs only by summation order.

#include <stdint.h>
#include <wasm_simd128.h>

#define EXPORT(name) __attribute__((export_name(#name)))

#define MR 4
#define NR 8
#define KC 256
#define MC 128
#define NC 512

static inline int32_t min32(int32_t x, int32_t y) { return x < y ? x : y; }
static inline int32_t round_up(int32_t x, int32_t to) { return (x + to - 1) / to * to; }

/* Floats of scratch gemm_f32 needs for an m×k·k×n product: packed B, packed A, an edge tile, an edge bias. */
EXPORT(gemm_scratch_floats)
int32_t gemm_scratch_floats(int32_t m, int32_t k, int32_t n) {
  int32_t kc = min32(k, KC);
  return kc * round_up(min32(n, NC), NR) + round_up(min32(m, MC), MR) * kc + MR * NR + NR;
}

/*
 * Packs B(p0 .. p0+kc, j0 .. j0+nc) into 8-column slivers: dst[s][p][0..7] = B(p0+p, j0+8s+jj),
 * zero beyond column nc. B(p, j) = b[p·rs + j·cs].
 */
static void pack_b(const float *b, int32_t rs, int32_t cs, int32_t kc, int32_t nc, float *dst) {
  const v128_t zero = wasm_f32x4_splat(0.0f);
  for (int32_t j = 0; j < nc; j += NR) {
    int32_t w = min32(NR, nc - j);
    const float *src = b + j * cs;
    if (w == NR && cs == 1) {
      for (int32_t p = 0; p < kc; p++) {
        wasm_v128_store(dst + p * NR, wasm_v128_load(src + p * rs));
        wasm_v128_store(dst + p * NR + 4, wasm_v128_load(src + p * rs + 4));
      }
    } else if (w == NR && rs == 1) {
      // Columns are contiguous along p: transpose 4×4 blocks (4 p by 4 columns) with shuffles.
      int32_t p = 0;
      for (; p + 4 <= kc; p += 4) {
        for (int32_t h = 0; h < NR; h += 4) {
          v128_t r0 = wasm_v128_load(src + (h + 0) * cs + p);
          v128_t r1 = wasm_v128_load(src + (h + 1) * cs + p);
          v128_t r2 = wasm_v128_load(src + (h + 2) * cs + p);
          v128_t r3 = wasm_v128_load(src + (h + 3) * cs + p);
          v128_t t0 = wasm_i32x4_shuffle(r0, r1, 0, 4, 1, 5);
          v128_t t1 = wasm_i32x4_shuffle(r2, r3, 0, 4, 1, 5);
          v128_t t2 = wasm_i32x4_shuffle(r0, r1, 2, 6, 3, 7);
          v128_t t3 = wasm_i32x4_shuffle(r2, r3, 2, 6, 3, 7);
          wasm_v128_store(dst + (p + 0) * NR + h, wasm_i32x4_shuffle(t0, t1, 0, 1, 4, 5));
          wasm_v128_store(dst + (p + 1) * NR + h, wasm_i32x4_shuffle(t0, t1, 2, 3, 6, 7));
          wasm_v128_store(dst + (p + 2) * NR + h, wasm_i32x4_shuffle(t2, t3, 0, 1, 4, 5));
          wasm_v128_store(dst + (p + 3) * NR + h, wasm_i32x4_shuffle(t2, t3, 2, 3, 6, 7));
        }
      }
      for (; p < kc; p++) {
        for (int32_t jj = 0; jj < NR; jj++) dst[p * NR + jj] = src[jj * cs + p];
      }
    } else {
      for (int32_t p = 0; p < kc; p++) {
        wasm_v128_store(dst + p * NR, zero);
        wasm_v128_store(dst + p * NR + 4, zero);
        for (int32_t jj = 0; jj < w; jj++) dst[p * NR + jj] = src[p * rs + jj * cs];
      }
    }
    dst += kc * NR;
  }
}

/*
 * Packs A(i0 .. i0+mc, p0 .. p0+kc) into MR-row slivers: dst[s][p][0..MR-1] = A(i0+MR·s+r, p0+p),
 * zero beyond row mc. A(i, p) = a[i·rs + p·cs].
 */
static void pack_a(const float *a, int32_t rs, int32_t cs, int32_t mc, int32_t kc, float *dst) {
  for (int32_t i = 0; i < mc; i += MR) {
    int32_t h = min32(MR, mc - i);
    const float *src = a + i * rs;
    if (h == MR && rs == 1) {
      for (int32_t p = 0; p < kc; p++) wasm_v128_store(dst + p * MR, wasm_v128_load(src + p * cs));
    } else if (h == MR && cs == 1) {
      int32_t p = 0;
      for (; p + 4 <= kc; p += 4) {
        v128_t r0 = wasm_v128_load(src + 0 * rs + p);
        v128_t r1 = wasm_v128_load(src + 1 * rs + p);
        v128_t r2 = wasm_v128_load(src + 2 * rs + p);
        v128_t r3 = wasm_v128_load(src + 3 * rs + p);
        v128_t t0 = wasm_i32x4_shuffle(r0, r1, 0, 4, 1, 5);
        v128_t t1 = wasm_i32x4_shuffle(r2, r3, 0, 4, 1, 5);
        v128_t t2 = wasm_i32x4_shuffle(r0, r1, 2, 6, 3, 7);
        v128_t t3 = wasm_i32x4_shuffle(r2, r3, 2, 6, 3, 7);
        wasm_v128_store(dst + (p + 0) * MR, wasm_i32x4_shuffle(t0, t1, 0, 1, 4, 5));
        wasm_v128_store(dst + (p + 1) * MR, wasm_i32x4_shuffle(t0, t1, 2, 3, 6, 7));
        wasm_v128_store(dst + (p + 2) * MR, wasm_i32x4_shuffle(t2, t3, 0, 1, 4, 5));
        wasm_v128_store(dst + (p + 3) * MR, wasm_i32x4_shuffle(t2, t3, 2, 3, 6, 7));
      }
      for (; p < kc; p++) {
        for (int32_t r = 0; r < MR; r++) dst[p * MR + r] = src[r * rs + p];
      }
    } else {
      for (int32_t p = 0; p < kc; p++) {
        for (int32_t r = 0; r < MR; r++) dst[p * MR + r] = r < h ? src[r * rs + p * cs] : 0.0f;
      }
    }
    dst += kc * MR;
  }
}

/* Finishes one row of 8 outputs: t = first ? acc : c + acc; on the last K block t += bias, ReLU. */
static inline v128_t finish(v128_t acc, const float *c, int32_t first, int32_t last, v128_t bias, int32_t relu) {
  v128_t t = first ? acc : wasm_f32x4_add(wasm_v128_load(c), acc);
  if (last) {
    t = wasm_f32x4_add(t, bias);
    if (relu) t = wasm_f32x4_pmax(t, wasm_f32x4_splat(0.0f));
  }
  return t;
}

/*
 * The MR×8 tile at c (row stride ldc) from packed slivers pa (kc×MR) and pb (kc×8). Full tiles are
 * written in place; edge tiles (h rows, w columns) go through `tile` (MR×8 scratch), then only their
 * h×w valid outputs are written. bias: 8 floats for these columns (zero-padded copy), or null.
 */
static void micro(const float *pa, const float *pb, int32_t kc, float *c, int32_t ldc, int32_t h, int32_t w, int32_t first,
                  int32_t last, const float *bias, int32_t relu, float *tile) {
  v128_t c00 = wasm_f32x4_splat(0.0f), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
  for (int32_t p = 0; p < kc; p++) {
    v128_t b0 = wasm_v128_load(pb);
    v128_t b1 = wasm_v128_load(pb + 4);
    v128_t a0 = wasm_v128_load32_splat(pa);
    v128_t a1 = wasm_v128_load32_splat(pa + 1);
    v128_t a2 = wasm_v128_load32_splat(pa + 2);
    v128_t a3 = wasm_v128_load32_splat(pa + 3);
    c00 = wasm_f32x4_add(c00, wasm_f32x4_mul(a0, b0));
    c01 = wasm_f32x4_add(c01, wasm_f32x4_mul(a0, b1));
    c10 = wasm_f32x4_add(c10, wasm_f32x4_mul(a1, b0));
    c11 = wasm_f32x4_add(c11, wasm_f32x4_mul(a1, b1));
    c20 = wasm_f32x4_add(c20, wasm_f32x4_mul(a2, b0));
    c21 = wasm_f32x4_add(c21, wasm_f32x4_mul(a2, b1));
    c30 = wasm_f32x4_add(c30, wasm_f32x4_mul(a3, b0));
    c31 = wasm_f32x4_add(c31, wasm_f32x4_mul(a3, b1));
    pa += MR;
    pb += NR;
  }
  const int32_t full = h == MR && w == NR;
  float *out = full ? c : tile;
  const int32_t ld = full ? ldc : NR;
  if (!full && !first) {
    // Edge tile after the first K block: bring the valid part of c into the scratch tile.
    for (int32_t r = 0; r < h; r++)
      for (int32_t j = 0; j < w; j++) tile[r * NR + j] = c[r * ldc + j];
  }
  v128_t bias0 = wasm_f32x4_splat(0.0f), bias1 = bias0;
  if (last && bias) {
    bias0 = wasm_v128_load(bias);
    bias1 = wasm_v128_load(bias + 4);
  }
  wasm_v128_store(out + 0 * ld, finish(c00, out + 0 * ld, first, last, bias0, relu));
  wasm_v128_store(out + 0 * ld + 4, finish(c01, out + 0 * ld + 4, first, last, bias1, relu));
  if (full || h > 1) {
    wasm_v128_store(out + 1 * ld, finish(c10, out + 1 * ld, first, last, bias0, relu));
    wasm_v128_store(out + 1 * ld + 4, finish(c11, out + 1 * ld + 4, first, last, bias1, relu));
  }
  if (full || h > 2) {
    wasm_v128_store(out + 2 * ld, finish(c20, out + 2 * ld, first, last, bias0, relu));
    wasm_v128_store(out + 2 * ld + 4, finish(c21, out + 2 * ld + 4, first, last, bias1, relu));
  }
  if (full || h > 3) {
    wasm_v128_store(out + 3 * ld, finish(c30, out + 3 * ld, first, last, bias0, relu));
    wasm_v128_store(out + 3 * ld + 4, finish(c31, out + 3 * ld + 4, first, last, bias1, relu));
  }
  if (!full) {
    for (int32_t r = 0; r < h; r++)
      for (int32_t j = 0; j < w; j++) c[r * ldc + j] = tile[r * NR + j];
  }
}

/*
 * c[bt] (m×n, contiguous, row-major) = op(A)[bt] · op(B)[bt] (+ bias[0..n)) (then ReLU), bt < batch.
 * op(A)[bt](i, p) = a[bt·abs + i·ars + p·acs]; op(B)[bt](p, j) = b[bt·bbs + p·brs + j·bcs]
 * (a batch stride of 0 broadcasts). bias: n floats or null. scratch: gemm_scratch_floats(m, k, n)
 * floats (4-byte alignment is enough: wasm SIMD loads need none). k may be 0 (then c = bias, or 0). c must not overlap a, b or scratch.
 */
EXPORT(gemm_f32)
void gemm_f32(const float *a, const float *b, float *c, const float *bias, float *scratch, int32_t batch, int32_t m,
              int32_t k, int32_t n, int32_t ars, int32_t acs, int32_t abs, int32_t brs, int32_t bcs, int32_t bbs, int32_t relu) {
  const int32_t kc0 = min32(k, KC);
  float *pb = scratch;
  float *pa = pb + kc0 * round_up(min32(n, NC), NR);
  float *tile = pa + round_up(min32(m, MC), MR) * kc0;
  float *padded_bias = tile + MR * NR;
  for (int32_t bt = 0; bt < batch; bt++) {
    const float *ab = a + bt * abs;
    const float *bb = b + bt * bbs;
    float *cb = c + bt * m * n;
    if (k == 0) {
      for (int32_t i = 0; i < m; i++)
        for (int32_t j = 0; j < n; j++) {
          float t = bias ? 0.0f + bias[j] : 0.0f;
          cb[i * n + j] = relu && t < 0.0f ? 0.0f : t;
        }
      continue;
    }
    for (int32_t jc = 0; jc < n; jc += NC) {
      const int32_t nc = min32(NC, n - jc);
      for (int32_t pc = 0; pc < k; pc += KC) {
        const int32_t kc = min32(KC, k - pc);
        const int32_t first = pc == 0, last = pc + kc == k;
        pack_b(bb + pc * brs + jc * bcs, brs, bcs, kc, nc, pb);
        for (int32_t ic = 0; ic < m; ic += MC) {
          const int32_t mc = min32(MC, m - ic);
          pack_a(ab + ic * ars + pc * acs, ars, acs, mc, kc, pa);
          for (int32_t jr = 0; jr < nc; jr += NR) {
            const int32_t w = min32(NR, nc - jr);
            const float *biasj = 0;
            if (last && bias) {
              if (w == NR) {
                biasj = bias + jc + jr;
              } else {
                // Edge columns: a zero-padded copy (the bias must not be read past its end).
                for (int32_t j = 0; j < NR; j++) padded_bias[j] = j < w ? bias[jc + jr + j] : 0.0f;
                biasj = padded_bias;
              }
            }
            for (int32_t ir = 0; ir < mc; ir += MR) {
              const int32_t h = min32(MR, mc - ir);
              micro(pa + ir * kc, pb + jr * kc, kc, cb + (ic + ir) * n + jc + jr, n, h, w, first, last, biasj, relu, tile);
            }
          }
        }
      }
    }
  }
}
