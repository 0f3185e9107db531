// Sum over leading axes on tfjs-wasm, on the wasm heap: the fast path 'wasm-leading-axes-sum'.
// tfjs-wasm 4.22 reduces only innermost axes, so a sum over the leading axes (every bias gradient:
// dy [batch, tokens, units] summed to [units]) first transposes the whole tensor with its scalar
// Transpose kernel: ~3 ms for [1024, 256], 60-100 ms of a full fine-tuning step of a BERT-mini.
// This adds the rows in place instead (one pass, no transpose), into float32 accumulators in the
// stock kernel's order (row 0, 1, 2, … for each column; a double-precision sum of two float32
// values rounded to float32 is the float32 sum), so the result is bit for bit the stock one:
// training runs do not drift apart. Other reductions (inner axes, non-float32, empty tensors)
// stay on the stock kernel.

import { util } from '@tensorflow/tfjs';
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { isWasmHeapBackend } from './wasmHeap';
import { wasmKernelOverride } from './wasmKernelOverride';

/** Calls that took the fast route, for tests and benchmarks. */
export const sumRouteCounts = { fast: 0, stock: 0 };

/** The number of leading axes `axes` reduces (they must be 0 … k-1, k < rank), else 0. */
export function leadingAxesCount(axes: readonly number[], rank: number): number {
  const sorted = [...new Set(axes)].sort((a, b) => a - b);
  if (sorted.length === 0 || sorted.length >= rank) return 0;
  return sorted.every((a, i) => a === i) ? sorted.length : 0;
}

/** out[j] = Σ_o x[o·inner + j] for o = 0, 1, …, outer-1 in that order, in float32 (`out` is the accumulator). */
export function sumLeadingRows(x: Float32Array, outer: number, inner: number, out: Float32Array): void {
  out.fill(0);
  for (let o = 0; o < outer; o++) {
    const base = o * inner;
    for (let j = 0; j < inner; j++) out[j] += x[base + j];
  }
}

export function makeFastSum(stock: KernelFunc): KernelFunc {
  return (args) => {
    const { inputs, backend, attrs } = args;
    const x = inputs['x'];
    if (x === undefined || x.dtype !== 'float32' || !isWasmHeapBackend(backend) || util.sizeFromShape(x.shape) === 0) {
      sumRouteCounts.stock++;
      return stock(args);
    }
    const rawAxis = attrs?.['axis'];
    // No axis (null) reduces every axis.
    const axes = rawAxis == null ? x.shape.map((_, i) => i) : util.parseAxisParam(Array.isArray(rawAxis) ? rawAxis.map(Number) : Number(rawAxis), x.shape);
    const k = leadingAxesCount(axes, x.shape.length);
    if (k === 0) {
      sumRouteCounts.stock++;
      return stock(args);
    }
    sumRouteCounts.fast++;
    const keepDims = attrs?.['keepDims'] === true;
    const kept = x.shape.slice(k);
    const outShape = keepDims ? [...new Array<number>(k).fill(1), ...kept] : kept;
    const outer = util.sizeFromShape(x.shape.slice(0, k));
    const inner = util.sizeFromShape(kept);
    const out: TensorInfo = backend.makeOutput(outShape, 'float32');
    // Views after the allocation (it may grow the heap and detach older views).
    sumLeadingRows(backend.typedArrayFromHeap(x) as Float32Array, outer, inner, backend.typedArrayFromHeap(out) as Float32Array);
    return out;
  };
}

/** The override, for installing with the other wasm kernels. */
export const wasmSumOverride = wasmKernelOverride('wasm-leading-axes-sum', 'Sum', makeFastSum);
