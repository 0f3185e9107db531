// The few tfjs-wasm backend methods the fast paths use, typed, and helpers on top of them.
//
// BackendWasm (tfjs-backend-wasm 4.22, dist/backend_wasm.js) has, besides the KernelBackend API:
//   makeOutput(shape, dtype)      allocates a tensor on the wasm heap (reference count 1);
//   typedArrayFromHeap(info)      a live view of a tensor's heap memory (no copy).
// disposeData(dataId) decrements the reference count and frees at zero (and deletes any XNNPACK
// operator cached for the tensor). Allocating may grow the wasm memory and detach earlier views,
// so a view is taken right before it is used, after every allocation of that step.

import type { DataType, KernelBackend, TensorInfo } from '@tensorflow/tfjs';

type DataId = TensorInfo['dataId'];

export interface WasmHeapBackend {
  makeOutput(shape: number[], dtype: DataType): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): Float32Array | Int32Array | Uint8Array;
  disposeData(dataId: DataId, force?: boolean): boolean;
}

export function isWasmHeapBackend(backend: unknown): backend is WasmHeapBackend & KernelBackend {
  if (typeof backend !== 'object' || backend === null) return false;
  const b = backend as Partial<Record<keyof WasmHeapBackend, unknown>>;
  return typeof b.makeOutput === 'function' && typeof b.typedArrayFromHeap === 'function' && typeof b.disposeData === 'function';
}

/** A float32 view of a tensor's memory. */
export function f32View(backend: WasmHeapBackend, info: TensorInfo): Float32Array {
  const view = backend.typedArrayFromHeap(info);
  if (!(view instanceof Float32Array)) throw new Error(`expected float32 data, got ${info.dtype}`);
  return view;
}

/** A new tensor of `shape` holding entry `index` (of `shape`'s size) of a contiguous batched tensor. */
export function copyEntry(backend: WasmHeapBackend, source: TensorInfo, index: number, shape: number[]): TensorInfo {
  const size = shape.reduce((p, d) => p * d, 1);
  const out = backend.makeOutput(shape, 'float32');
  f32View(backend, out).set(f32View(backend, source).subarray(index * size, (index + 1) * size));
  return out;
}

/** Copies all of `entry` into `target` at entry `index` (entries of `entry`'s size). */
export function writeEntry(backend: WasmHeapBackend, target: TensorInfo, index: number, entry: TensorInfo): void {
  const values = f32View(backend, entry);
  f32View(backend, target).set(values, index * values.length);
}

/** The same data under another shape, not owned: the caller must not dispose it. */
export function viewAs(info: TensorInfo, shape: number[]): TensorInfo {
  return { dataId: info.dataId, shape, dtype: info.dtype };
}
