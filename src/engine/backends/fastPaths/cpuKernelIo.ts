// Typed-array access for kernels of our own on the two backends that compute in this process:
// 'wasm' (tensors on the wasm heap: live views, no copies) and 'cpu' (tensors in JS typed arrays).
// A kernel reads its float32 inputs and fills a new float32 output through these, so one
// implementation serves both backends.

import type { DataType, TensorInfo } from '@tensorflow/tfjs';
import { isWasmHeapBackend } from './wasmHeap';

/** The backends these helpers (and the kernels built on them) support. */
export const IN_PROCESS_BACKENDS: readonly string[] = ['wasm', 'cpu'];

interface CpuBackendLike {
  readSync(dataId: TensorInfo['dataId']): unknown;
  makeTensorInfo(shape: number[], dtype: DataType, values: Float32Array): TensorInfo;
}

function isCpuBackendLike(backend: unknown): backend is CpuBackendLike {
  if (typeof backend !== 'object' || backend === null) return false;
  const b = backend as Partial<Record<keyof CpuBackendLike, unknown>>;
  return typeof b.readSync === 'function' && typeof b.makeTensorInfo === 'function';
}

function size(shape: readonly number[]): number {
  let p = 1;
  for (const d of shape) p *= d;
  return p;
}

/**
 * A new float32 tensor of `shape` whose values `fill` writes, given float32 views of `inputs`
 * (in order). Throws when an input is not float32 or the backend is neither wasm nor cpu.
 */
export function computeFloat32(
  backend: unknown,
  inputs: readonly TensorInfo[],
  shape: number[],
  fill: (out: Float32Array, views: Float32Array[]) => void,
): TensorInfo {
  for (const t of inputs) if (t.dtype !== 'float32') throw new Error(`expected float32 inputs, got ${t.dtype}`);
  if (isWasmHeapBackend(backend)) {
    const out = backend.makeOutput(shape, 'float32');
    // Views after the allocation (it may grow the heap and detach earlier views).
    const views = inputs.map((t) => backend.typedArrayFromHeap(t) as Float32Array);
    fill(backend.typedArrayFromHeap(out) as Float32Array, views);
    return out;
  }
  if (isCpuBackendLike(backend)) {
    const views = inputs.map((t) => {
      const v = backend.readSync(t.dataId);
      if (!(v instanceof Float32Array)) throw new Error('expected float32 data on the cpu backend');
      return v;
    });
    const values = new Float32Array(size(shape));
    fill(values, views);
    return backend.makeTensorInfo(shape, 'float32', values);
  }
  throw new Error('this kernel runs on the wasm and cpu backends only');
}
