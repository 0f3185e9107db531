// A BatchMatMul kernel for tfjs-wasm: our GEMM where it pays, else XNNPACK for transposed and
// batched matMuls.
//
// First choice (gemmMatMul.ts): our own WebAssembly GEMM on tfjs's heap, which reads transposed and
// batched operands in place and packs panels of its own, when gemmRoute says so (kernel built, shape
// large enough, b not a reused constant that XNNPACK has cached). Otherwise it wraps the stock
// kernel function: following planMatMul, it transposes the transposed
// operand(s) with the backend's own Transpose kernel, folds or splits the batch, and calls the
// stock kernel with transposeA = transposeB = false on unbatched operands, which tfjs-wasm runs
// through XNNPACK. Same arithmetic (float32 dot products, summation order aside), same output
// shape; every intermediate it allocates is disposed before it returns.

import type { KernelBackend, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { planMatMul } from './matMulPlan';
import type { MatMulDims } from './matMulPlan';
import { gemmKernelOf, gemmRoute, runGemm } from './gemmMatMul';
import { copyEntry, isWasmHeapBackend, viewAs, writeEntry } from './wasmHeap';
import type { WasmHeapBackend } from './wasmHeap';

type Backend = WasmHeapBackend & KernelBackend;

/** Counts of each route taken, for benchmarks and tests. */
export const matMulRouteCounts = { stock: 0, single: 0, fold: 0, split: 0, gemm: 0 };

function single(result: TensorInfo | TensorInfo[]): TensorInfo {
  if (Array.isArray(result)) throw new Error('BatchMatMul: expected one output');
  return result;
}

interface Operand {
  /** [batch, rows, cols], not transposed. */
  info: TensorInfo;
  /** True when `info` is ours to dispose. */
  owned: boolean;
}

/**
 * The operand as [batch, rows, cols] with rows × cols = what the untransposed product needs:
 * a view of the input when it is not transposed, else a transposed copy.
 */
function prepare(
  backend: Backend,
  transpose: KernelFunc,
  x: TensorInfo,
  batch: number,
  transposed: boolean,
  rows: number,
  cols: number,
): Operand {
  if (!transposed) return { info: viewAs(x, [batch, rows, cols]), owned: false };
  const info = single(transpose({ inputs: { x: viewAs(x, [batch, cols, rows]) }, backend, attrs: { perm: [0, 2, 1] } }));
  return { info, owned: true };
}

function release(backend: Backend, ...operands: Operand[]): void {
  for (const o of operands) if (o.owned) backend.disposeData(o.info.dataId);
}

function callStock(stock: KernelFunc, backend: Backend, a: TensorInfo, b: TensorInfo): TensorInfo {
  return single(stock({ inputs: { a, b }, backend, attrs: { transposeA: false, transposeB: false } }));
}

function runSplit(stock: KernelFunc, backend: Backend, dims: MatMulDims, a: Operand, b: Operand): TensorInfo {
  const { m, k, n, batch, batchA, batchB } = dims;
  const out = backend.makeOutput([batch, m, n], 'float32');
  const sharedA = viewAs(a.info, [m, k]);
  const sharedB = viewAs(b.info, [k, n]);
  for (let i = 0; i < batch; i++) {
    const ai = batchA === 1 ? sharedA : copyEntry(backend, a.info, i, [m, k]);
    const bi = batchB === 1 ? sharedB : copyEntry(backend, b.info, i, [k, n]);
    const oi = callStock(stock, backend, ai, bi);
    writeEntry(backend, out, i, oi);
    backend.disposeData(oi.dataId);
    if (ai !== sharedA) backend.disposeData(ai.dataId);
    if (bi !== sharedB) backend.disposeData(bi.dataId);
  }
  return out;
}

/** The fast kernel function around the stock one (`stock`) and the backend's Transpose kernel. */
export function makeFastBatchMatMul(stock: KernelFunc, transpose: KernelFunc): KernelFunc {
  return (args) => {
    const { inputs, backend, attrs } = args;
    const a = inputs['a'];
    const b = inputs['b'];
    if (a === undefined || b === undefined || a.dtype !== 'float32' || b.dtype !== 'float32' || !isWasmHeapBackend(backend)) {
      return stock(args);
    }
    const transposeA = attrs?.['transposeA'] === true;
    const transposeB = attrs?.['transposeB'] === true;
    const gemm = gemmKernelOf(backend);
    const gemmDims = gemm === null ? null : gemmRoute(a, b, transposeA, transposeB);
    if (gemm !== null && gemmDims !== null) {
      matMulRouteCounts.gemm++;
      return runGemm(backend, gemm, a, b, transposeA, transposeB, gemmDims, null, false);
    }
    const plan = planMatMul(a.shape, b.shape, transposeA, transposeB);
    matMulRouteCounts[plan.route]++;
    if (plan.route === 'stock' || plan.dims === null) return stock(args);
    const dims = plan.dims;
    const { m, k, n, batchA, batchB } = dims;
    const pa = prepare(backend, transpose, a, batchA, transposeA, m, k);
    const pb = prepare(backend, transpose, b, batchB, transposeB, k, n);
    let out: TensorInfo;
    try {
      if (plan.route === 'split') out = runSplit(stock, backend, dims, pa, pb);
      else out = callStock(stock, backend, viewAs(pa.info, [batchA * m, k]), viewAs(pb.info, [k, n]));
    } finally {
      release(backend, pa, pb);
    }
    return { dataId: out.dataId, shape: [...dims.outerShape, m, n], dtype: out.dtype };
  };
}
