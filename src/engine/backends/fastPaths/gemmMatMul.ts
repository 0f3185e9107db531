// Runs a tfjs-wasm matMul (BatchMatMul, or _FusedMatMul with a bias and linear/ReLU activation)
// through our own GEMM kernel (wasmGemmKernel.ts) on tfjs's heap, and decides when to.
//
// The kernel reads the operands in place through strides (any transpose, a shared or full batch on
// either side), so no transpose or batch copy is made; it packs small panels of its own in a
// scratch tensor allocated on tfjs's heap for the call and freed after it.
//
// When (gemmRoute): every float32 product whose operands each have the full batch or batch 1, with
// at least MIN_GEMM_FLOPS, except an untransposed, unbatched product of at most REUSED_B_MAX_ROWS
// rows whose b was already the b of such a product. tfjs-wasm's XNNPACK path caches its packing of
// b per tensor, so a b used again (a constant weight: inference, a frozen layer) costs no packing
// there from its second use on; measured (bench/matMulMicro.ts, README), the GEMM with a fresh b
// still beats XNNPACK with a cached b from 16 rows up (e.g. [64,512]·[512,512] 0.92 vs 1.15 ms,
// [1024,256]·[256,256] 3.3 vs 4.5 ms), but not at 8 rows ([8,256]·[256,256] 0.058 vs 0.041 ms),
// where packing b is a large share of the work. In training, weights and gradients are new tensors
// at every step, and XNNPACK would re-pack b at every call.

import type { TensorInfo } from '@tensorflow/tfjs';
import { matMulDims } from './matMulPlan';
import type { MatMulDims } from './matMulPlan';
import { f32View } from './wasmHeap';
import type { WasmHeapBackend } from './wasmHeap';
import { tfjsWasmMemory } from './wasmImportedMemoryModule';
import { gemmWasmKernelFor } from './wasmGemmKernel';
import type { GemmWasmKernel } from './wasmGemmKernel';

/** Below this many flops (2·batch·M·K·N) the stock kernel is as fast (measured with bench/matMulMicro.ts). */
export const MIN_GEMM_FLOPS = 4_000;

/** Environment variable: FINETUNE_WASM_GEMM=0 keeps the matMul fast path on its XNNPACK re-route (for A/B runs). */
export const WASM_GEMM_ENV_VAR = 'FINETUNE_WASM_GEMM';

let enabled = process.env[WASM_GEMM_ENV_VAR] !== '0';

/** Turns the GEMM route on or off (benchmarks and tests); the environment variable sets the start value. */
export function setWasmGemmEnabled(on: boolean): void {
  enabled = on;
}

export function wasmGemmEnabled(): boolean {
  return enabled;
}

/** At most this many rows, an untransposed product with a reused b goes to XNNPACK (see above). */
export const REUSED_B_MAX_ROWS = 8;

/** The b tensors (by dataId) of untransposed, unbatched products seen so far: XNNPACK caches their packing from the second use. */
const seenB = new WeakSet<object>();

/** True when an untransposed, unbatched product with this b should go to XNNPACK (b seen before); records b. */
function bIsReused(b: TensorInfo): boolean {
  const id = b.dataId;
  if (seenB.has(id)) return true;
  seenB.add(id);
  return false;
}

/** The GEMM kernel on this backend's memory, or null (kernel not built, or not a tfjs-wasm backend). */
export function gemmKernelOf(backend: unknown): GemmWasmKernel | null {
  if (!enabled) return null;
  const memory = tfjsWasmMemory(backend);
  return memory === null ? null : gemmWasmKernelFor(memory);
}

/** The dimensions when the GEMM should run this product, else null (then the caller's other route). */
export function gemmRoute(a: TensorInfo, b: TensorInfo, transposeA: boolean, transposeB: boolean): MatMulDims | null {
  if (a.dtype !== 'float32' || b.dtype !== 'float32') return null;
  const dims = matMulDims(a.shape, b.shape, transposeA, transposeB);
  if (dims === null) return null;
  const { m, k, n, batch, batchA, batchB } = dims;
  if (m === 0 || k === 0 || n === 0 || batch === 0) return null;
  if ((batchA !== batch && batchA !== 1) || (batchB !== batch && batchB !== 1)) return null;
  if (2 * batch * m * k * n < MIN_GEMM_FLOPS) return null;
  if (!transposeA && !transposeB && batch === 1 && m <= REUSED_B_MAX_ROWS && bIsReused(b)) return null;
  return dims;
}

/**
 * C = op(a)·op(b) (+ bias) (then ReLU) as a new tensor of shape [...outer, m, n]. bias: n floats
 * (any shape of that size), or null.
 */
export function runGemm(
  backend: WasmHeapBackend,
  kernel: GemmWasmKernel,
  a: TensorInfo,
  b: TensorInfo,
  transposeA: boolean,
  transposeB: boolean,
  dims: MatMulDims,
  bias: TensorInfo | null,
  relu: boolean,
): TensorInfo {
  const { m, k, n, batch, batchA, batchB } = dims;
  // A batched a with a shared b and no transpose folds into one [batch·m, k] product.
  const fold = batch > 1 && batchB === 1 && batchA === batch && !transposeA;
  const rows = fold ? batch * m : m;
  const calls = fold ? 1 : batch;
  const out = backend.makeOutput([...dims.outerShape, m, n], 'float32');
  const scratch = backend.makeOutput([kernel.scratchFloats(rows, k, n)], 'float32');
  try {
    kernel.run({
      a: f32View(backend, a).byteOffset,
      b: f32View(backend, b).byteOffset,
      c: f32View(backend, out).byteOffset,
      bias: bias === null ? 0 : f32View(backend, bias).byteOffset,
      scratch: f32View(backend, scratch).byteOffset,
      batch: calls,
      m: rows,
      k,
      n,
      aRow: transposeA ? 1 : k,
      aCol: transposeA ? m : 1,
      aBatch: batchA === 1 ? 0 : m * k,
      bRow: transposeB ? 1 : n,
      bCol: transposeB ? k : 1,
      bBatch: batchB === 1 ? 0 : k * n,
      relu,
    });
  } finally {
    backend.disposeData(scratch.dataId);
  }
  return out;
}
