// Float32 input and output access for the kernels of fusedAdamW.ts and fusedCrossEntropy.ts on the
// wasm backend (live views of tfjs's heap) and the cpu backend (its typed arrays). Unlike
// cpuKernelIo.ts's computeFloat32, a float32 tensor whose cpu storage is another typed array (the
// cpu backend's int32 → float32 Cast keeps the Int32Array) is read as a float32 copy, not refused.

import type { DataType, TensorInfo } from '@tensorflow/tfjs';
import { isWasmHeapBackend } from './wasmHeap';

export interface CpuBackendLike {
  readSync(dataId: TensorInfo['dataId']): unknown;
  makeTensorInfo(shape: number[], dtype: DataType, values: Float32Array): TensorInfo;
}

export function isCpuBackendLike(backend: unknown): backend is CpuBackendLike {
  if (typeof backend !== 'object' || backend === null) return false;
  const b = backend as Partial<Record<keyof CpuBackendLike, unknown>>;
  return typeof b.readSync === 'function' && typeof b.makeTensorInfo === 'function';
}

/** The float32 values of a float32 tensor on the cpu backend (its own array, or a float32 copy). */
export function readCpuFloat32(backend: CpuBackendLike, info: TensorInfo, kernel: string): Float32Array {
  if (info.dtype !== 'float32') throw new Error(`${kernel}: expected float32 inputs, got ${info.dtype}`);
  const values = backend.readSync(info.dataId);
  if (values instanceof Float32Array) return values;
  if (ArrayBuffer.isView(values) && !(values instanceof DataView)) return Float32Array.from(values as unknown as ArrayLike<number>);
  if (Array.isArray(values)) return Float32Array.from(values as number[]);
  throw new Error(`${kernel}: unexpected storage of a float32 tensor on the cpu backend`);
}

/** A new float32 tensor of `shape` filled by `fill` from float32 views of `inputs` (wasm or cpu). */
export function computeFloat32Lenient(
  backend: unknown,
  inputs: readonly TensorInfo[],
  shape: number[],
  kernel: string,
  fill: (out: Float32Array, views: Float32Array[]) => void,
): TensorInfo {
  for (const t of inputs) if (t.dtype !== 'float32') throw new Error(`${kernel}: expected float32 inputs, got ${t.dtype}`);
  if (isWasmHeapBackend(backend)) {
    const out = backend.makeOutput(shape, 'float32');
    // Views after the allocation (it may grow the heap and detach earlier views).
    const views = inputs.map((t) => backend.typedArrayFromHeap(t) as Float32Array);
    fill(backend.typedArrayFromHeap(out) as Float32Array, views);
    return out;
  }
  if (isCpuBackendLike(backend)) {
    const views = inputs.map((t) => readCpuFloat32(backend, t, kernel));
    const values = new Float32Array(shape.reduce((p, d) => p * d, 1));
    fill(values, views);
    return backend.makeTensorInfo(shape, 'float32', values);
  }
  throw new Error(`${kernel} runs on the wasm and cpu backends only`);
}
