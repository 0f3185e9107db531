// A _FusedMatMul kernel for tfjs-wasm (what tfjs-layers' Dense calls: matMul + bias + activation)
// that runs our GEMM (gemmMatMul.ts) when it applies: a bias of n values or none, a linear or ReLU
// activation, no PReLU weights, and gemmRoute's shape rule. Everything else goes to the stock
// kernel unchanged. Installed and removed with the BatchMatMul override (wasmMatMulOverride.ts).

import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { gemmKernelOf, gemmRoute, runGemm } from './gemmMatMul';
import { isWasmHeapBackend } from './wasmHeap';

/** Calls of _FusedMatMul that ran our GEMM, for benchmarks and tests. */
export const fusedMatMulGemmCount = { gemm: 0, stock: 0 };

function sizeOf(shape: readonly number[]): number {
  let p = 1;
  for (const d of shape) p *= d;
  return p;
}

/** The fast _FusedMatMul kernel function around the stock one. */
export function makeGemmFusedMatMul(stock: KernelFunc): KernelFunc {
  return (args) => {
    const { inputs, backend, attrs } = args;
    const a = inputs['a'];
    const b = inputs['b'];
    const bias: TensorInfo | undefined = inputs['bias'];
    const prelu: TensorInfo | undefined = inputs['preluActivationWeights'];
    const activation = attrs?.['activation'] ?? 'linear';
    const gemm = gemmKernelOf(backend);
    if (a === undefined || b === undefined || prelu != null || (activation !== 'linear' && activation !== 'relu') || gemm === null || !isWasmHeapBackend(backend)) {
      fusedMatMulGemmCount.stock++;
      return stock(args);
    }
    const transposeA = attrs?.['transposeA'] === true;
    const transposeB = attrs?.['transposeB'] === true;
    const dims = gemmRoute(a, b, transposeA, transposeB);
    const biasOk = bias == null || (bias.dtype === 'float32' && bias.shape.length === 1 && dims !== null && sizeOf(bias.shape) === dims.n);
    if (dims === null || !biasOk) {
      fusedMatMulGemmCount.stock++;
      return stock(args);
    }
    fusedMatMulGemmCount.gemm++;
    return runGemm(backend, gemm, a, b, transposeA, transposeB, dims, bias ?? null, activation === 'relu');
  };
}
