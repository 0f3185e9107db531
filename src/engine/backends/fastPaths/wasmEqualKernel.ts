// Equal on tfjs-wasm when the shapes differ (broadcasting), on the wasm heap. tfjs-wasm 4.22 runs
// a broadcasting Equal through a generic per-element index computation: the gradient of a max
// (tf.max, GlobalMaxPooling1D), equal(x, max) with x [32, 100, 40] and max [32, 1, 40], takes
// 25-45 ms there, most of an nn-sentiment training step once its GRU is fused; this takes well
// under 1 ms. Same broadcasting (numpy rules), same result: exact equality, NaN equal to nothing.
// Equal shapes stay on the stock kernel (already fast).

import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { isWasmHeapBackend } from './wasmHeap';
import { wasmKernelOverride } from './wasmKernelOverride';
import { broadcastOuter } from './matMulPlan';

/** Calls that took the fast route, for tests and benchmarks. */
export const equalRouteCounts = { fast: 0, stock: 0 };

/** Strides of `shape` (padded on the left to `rank`) over a broadcast output: 0 along broadcast axes. */
function broadcastStrides(shape: readonly number[], rank: number): number[] {
  const padded = [...new Array<number>(rank - shape.length).fill(1), ...shape];
  const strides = new Array<number>(rank).fill(0);
  let stride = 1;
  for (let i = rank - 1; i >= 0; i--) {
    strides[i] = padded[i] === 1 ? 0 : stride;
    stride *= padded[i];
  }
  return strides;
}

/**
 * out[i] = a[ia] === b[ib] over the broadcast shape `outShape`, in row-major order: the innermost
 * axis is a loop; outer coordinates advance like an odometer.
 */
export function broadcastEqual(
  a: ArrayLike<number>,
  aShape: readonly number[],
  b: ArrayLike<number>,
  bShape: readonly number[],
  outShape: readonly number[],
  out: Uint8Array,
): void {
  const rank = outShape.length;
  if (rank === 0) {
    out[0] = a[0] === b[0] ? 1 : 0;
    return;
  }
  const sa = broadcastStrides(aShape, rank);
  const sb = broadcastStrides(bShape, rank);
  const inner = outShape[rank - 1];
  const ia = sa[rank - 1];
  const ib = sb[rank - 1];
  const coord = new Array<number>(rank).fill(0);
  let offA = 0;
  let offB = 0;
  for (let o = 0; o < out.length; o += inner) {
    for (let k = 0; k < inner; k++) out[o + k] = a[offA + k * ia] === b[offB + k * ib] ? 1 : 0;
    for (let axis = rank - 2; axis >= 0; axis--) {
      coord[axis]++;
      offA += sa[axis];
      offB += sb[axis];
      if (coord[axis] < outShape[axis]) break;
      offA -= sa[axis] * outShape[axis];
      offB -= sb[axis] * outShape[axis];
      coord[axis] = 0;
    }
  }
}

export function makeFastEqual(stock: KernelFunc): KernelFunc {
  return (args) => {
    const { inputs, backend } = args;
    const a = inputs['a'];
    const b = inputs['b'];
    const same = a !== undefined && b !== undefined && a.shape.length === b.shape.length && a.shape.every((d, i) => d === b.shape[i]);
    const outShape = a !== undefined && b !== undefined ? broadcastOuter(a.shape, b.shape) : null;
    if (a === undefined || b === undefined || same || outShape === null || a.dtype !== b.dtype || !isWasmHeapBackend(backend)) {
      equalRouteCounts.stock++;
      return stock(args);
    }
    equalRouteCounts.fast++;
    const out: TensorInfo = backend.makeOutput(outShape, 'bool');
    if (outShape.some((d) => d === 0)) return out;
    const view = backend.typedArrayFromHeap(out);
    if (!(view instanceof Uint8Array)) throw new Error('Equal: expected a bool output');
    broadcastEqual(backend.typedArrayFromHeap(a), a.shape, backend.typedArrayFromHeap(b), b.shape, outShape, view);
    return out;
  };
}

/** The override, for installFastPaths. */
export const wasmEqualOverride = wasmKernelOverride('wasm-broadcast-equal', 'Equal', makeFastEqual);
