// GatherV2 on tfjs-wasm by copying slices of the wasm heap: the embedding lookup. tfjs-wasm 4.22's
// own kernel reads the indices back, checks each through a closure and copies element by element
// with stride arithmetic: 14-18 ms for nn-sentiment's lookup of 32×100 rows of 50 (measured on
// the development machine), against about 1 ms here. Same checks (an index outside [0, dim) throws tfjs'
// own message), same output shape and values; batchDims > 0 stays on the stock kernel.

import { util } from '@tensorflow/tfjs';
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { isWasmHeapBackend } from './wasmHeap';
import { wasmKernelOverride } from './wasmKernelOverride';

/** Calls that took the fast route, for tests and benchmarks. */
export const gatherRouteCounts = { fast: 0, stock: 0 };

function product(shape: readonly number[]): number {
  let p = 1;
  for (const d of shape) p *= d;
  return p;
}

export function makeFastGather(stock: KernelFunc): KernelFunc {
  return (args) => {
    const { inputs, backend, attrs } = args;
    const x = inputs['x'];
    const indices = inputs['indices'];
    const batchDims = Number(attrs?.['batchDims'] ?? 0);
    if (x === undefined || indices === undefined || batchDims !== 0 || indices.dtype !== 'int32' || !isWasmHeapBackend(backend)) {
      gatherRouteCounts.stock++;
      return stock(args);
    }
    const axis = util.parseAxisParam(Number(attrs?.['axis'] ?? 0), x.shape)[0];
    const dim = x.shape[axis];
    const ids = backend.typedArrayFromHeap(indices);
    for (let i = 0; i < ids.length; i++) {
      const index = ids[i];
      if (!(index <= dim - 1 && index >= 0)) throw new Error(`GatherV2: the index value ${index} is not in [0, ${dim - 1}]`);
    }
    gatherRouteCounts.fast++;
    const outer = product(x.shape.slice(0, axis));
    const slice = product(x.shape.slice(axis + 1));
    const outShape = [...x.shape.slice(0, axis), ...indices.shape, ...x.shape.slice(axis + 1)];
    const out: TensorInfo = backend.makeOutput(outShape, x.dtype);
    if (product(outShape) === 0) return out;
    // Views after the allocation (it may grow the heap and detach older views).
    const src = backend.typedArrayFromHeap(x);
    const dst = backend.typedArrayFromHeap(out);
    const idx = backend.typedArrayFromHeap(indices);
    const n = idx.length;
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < n; i++) {
        const from = (o * dim + idx[i]) * slice;
        dst.set(src.subarray(from, from + slice), (o * n + i) * slice);
      }
    }
    return out;
  };
}

/** The override, for installFastPaths. */
export const wasmGatherOverride = wasmKernelOverride('wasm-typed-gather', 'GatherV2', makeFastGather);
