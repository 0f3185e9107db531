// Typed-array access for kernels of our own on the two backends that compute in this process:
// 'wasm' (tensors on the wasm heap: live views, no copies) and 'cpu' (tensors in JS typed arrays).
// A kernel reads its float32 inputs and fills a new float32 output through these, so one
// implementation serves both backends. With `lenientCpu`, a float32 tensor whose cpu storage is
// another typed array (the cpu backend's int32 → float32 Cast keeps the Int32Array) is read as a
// float32 copy instead of refused (the fused AdamW and cross-entropy kernels ask for that).

import type { DataType, TensorInfo } from '@tensorflow/tfjs';
import { isWasmHeapBackend } from './wasmHeap';

/** The backends these helpers (and the kernels built on them) support. */
export const IN_PROCESS_BACKENDS: readonly string[] = ['wasm', 'cpu'];

export interface CpuBackendLike {
  readSync(dataId: TensorInfo['dataId']): unknown;
  makeTensorInfo(shape: number[], dtype: DataType, values: Float32Array): TensorInfo;
}

export function isCpuBackendLike(backend: unknown): backend is CpuBackendLike {
  if (typeof backend !== 'object' || backend === null) return false;
  const b = backend as Partial<Record<keyof CpuBackendLike, unknown>>;
  return typeof b.readSync === 'function' && typeof b.makeTensorInfo === 'function';
}

function size(shape: readonly number[]): number {
  let p = 1;
  for (const d of shape) p *= d;
  return p;
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

export interface ComputeFloat32Options {
  /** The kernel's name, put in front of error messages. */
  kernel?: string;
  /** Read a float32 tensor held in another typed array on the cpu backend as a copy (readCpuFloat32). */
  lenientCpu?: boolean;
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
  options: ComputeFloat32Options = {},
): TensorInfo {
  const named = options.kernel === undefined ? '' : `${options.kernel}: `;
  for (const t of inputs) if (t.dtype !== 'float32') throw new Error(`${named}expected float32 inputs, got ${t.dtype}`);
  if (isWasmHeapBackend(backend)) {
    const out = backend.makeOutput(shape, 'float32');
    // Views after the allocation (it may grow the heap and detach earlier views).
    const views = inputs.map((t) => backend.typedArrayFromHeap(t) as Float32Array);
    fill(backend.typedArrayFromHeap(out) as Float32Array, views);
    return out;
  }
  if (isCpuBackendLike(backend)) {
    const views = inputs.map((t) => {
      if (options.lenientCpu === true) return readCpuFloat32(backend, t, options.kernel ?? 'kernel');
      const v = backend.readSync(t.dataId);
      if (!(v instanceof Float32Array)) throw new Error('expected float32 data on the cpu backend');
      return v;
    });
    const values = new Float32Array(size(shape));
    fill(values, views);
    return backend.makeTensorInfo(shape, 'float32', values);
  }
  throw new Error(options.kernel === undefined ? 'this kernel runs on the wasm and cpu backends only' : `${options.kernel} runs on the wasm and cpu backends only`);
}
