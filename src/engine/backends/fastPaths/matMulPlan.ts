// Decides how a BatchMatMul call reaches tfjs-wasm's fast XNNPACK path (pure shape logic, no tensors).
//
// tfjs-wasm 4.22 (src/cc/batch_mat_mul_impl.cc) sends a matMul to XNNPACK only when
// `!transpose_a && !transpose_b && batch(a) == 1 && batch(b) == 1`; every other call (all backward
// matMuls, which are transposed, and every batched one) runs a blocked scalar loop at 1–3.5 GFLOP/s
// instead of 20–40. A plan re-routes such a call into untransposed, unbatched calls of the same
// kernel:
//   - 'single': one call, after transposing the transposed operand(s) explicitly;
//   - 'fold':   a batched, b shared (batch 1), a not transposed after preparation: the batch folds
//               into a's rows, [batch·M, K] · [K, N], one call;
//   - 'split':  one call per batch entry on contiguous copies (a or b may be shared).
// Calls too small for the re-route to pay, and shapes it does not cover (broadcasts where both
// sides have batch > 1 and differ, empty tensors), stay on the stock kernel ('stock').

// Thresholds from bench/matMulMicro.ts (CPU time, a fresh b at each call as in training, where
// XNNPACK packs b anew each time): [32,10]·[64,10]ᵀ (41k flops) is 0.76x, 32×32×32 (65k) 2.1–2.7x;
// the GRU's per-step [2,32,20]·[2,20,20] (26k flops per entry) 1.0–1.9x; [8,4,4] batches 0.1–0.2x.

/** Below this many flops (2·batch·M·K·N) the stock loop is as fast (a transpose costs a kernel call). */
export const MIN_FLOPS = 50_000;

/** A split pays per batch entry only above this many flops for that entry (copies + one call each). */
export const MIN_SPLIT_FLOPS_PER_ENTRY = 20_000;

export interface MatMulDims {
  /** Rows of the output (of a after its transpose). */
  m: number;
  /** The shared dimension. */
  k: number;
  /** Columns of the output. */
  n: number;
  batchA: number;
  batchB: number;
  /** The broadcast outer (batch) dimensions of the output. */
  outerShape: number[];
  batch: number;
}

export type MatMulRoute = 'stock' | 'single' | 'fold' | 'split';

export interface MatMulPlan {
  route: MatMulRoute;
  dims: MatMulDims | null;
}

function product(shape: readonly number[]): number {
  let p = 1;
  for (const d of shape) p *= d;
  return p;
}

/** Numpy-style broadcast of two outer shapes; null when they do not broadcast. */
export function broadcastOuter(a: readonly number[], b: readonly number[]): number[] | null {
  const rank = Math.max(a.length, b.length);
  const out = new Array<number>(rank);
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) return null;
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/** The dimensions of a matMul, or null when the shapes are not a valid matMul. */
export function matMulDims(
  aShape: readonly number[],
  bShape: readonly number[],
  transposeA: boolean,
  transposeB: boolean,
): MatMulDims | null {
  if (aShape.length < 2 || bShape.length < 2) return null;
  const ra = aShape.length;
  const rb = bShape.length;
  const m = transposeA ? aShape[ra - 1] : aShape[ra - 2];
  const kA = transposeA ? aShape[ra - 2] : aShape[ra - 1];
  const kB = transposeB ? bShape[rb - 1] : bShape[rb - 2];
  const n = transposeB ? bShape[rb - 2] : bShape[rb - 1];
  if (kA !== kB) return null;
  const outerA = aShape.slice(0, -2);
  const outerB = bShape.slice(0, -2);
  const outerShape = broadcastOuter(outerA, outerB);
  if (outerShape === null) return null;
  return { m, k: kA, n, batchA: product(outerA), batchB: product(outerB), outerShape, batch: product(outerShape) };
}

/** How to run matMul(a, b, transposeA, transposeB) on tfjs-wasm. */
export function planMatMul(
  aShape: readonly number[],
  bShape: readonly number[],
  transposeA: boolean,
  transposeB: boolean,
): MatMulPlan {
  const dims = matMulDims(aShape, bShape, transposeA, transposeB);
  if (dims === null) return { route: 'stock', dims };
  const { m, k, n, batchA, batchB, batch } = dims;
  if (m === 0 || k === 0 || n === 0 || batch === 0) return { route: 'stock', dims };
  // Each side is either the full batch or shared; anything else (e.g. [2,1]·[1,3] outer dims) stays stock.
  if ((batchA !== batch && batchA !== 1) || (batchB !== batch && batchB !== 1)) return { route: 'stock', dims };
  const entryFlops = 2 * m * k * n;
  if (batch === 1) {
    if (!transposeA && !transposeB) return { route: 'stock', dims }; // already the fast path
    return { route: entryFlops >= MIN_FLOPS ? 'single' : 'stock', dims };
  }
  if (entryFlops * batch < MIN_FLOPS) return { route: 'stock', dims };
  if (batchB === 1) return { route: 'fold', dims };
  return { route: entryFlops >= MIN_SPLIT_FLOPS_PER_ENTRY ? 'split' : 'stock', dims };
}
