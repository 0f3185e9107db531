// Our own `UnsortedSegmentSum` kernel (a scatter-add) for the 'wasm' and 'cpu' backends.
//
// It is what the gradient of tf.gather (and so of the Embedding layer) runs. Stock tfjs 4.22
// lacks it on wasm (Embedding gradients fail there) and on cpu implements it as one masked
// sum per segment, O(numSegments × indices × rowWidth). This one costs O(indices × rowWidth)
// plus zero-filling the output.
//
// Data access works on both backends through the public KernelBackend methods:
// `readSync(dataId)` returns the values (cpu: its stored array, not to be mutated; wasm: a copy
// sliced from the wasm heap), and `write(values, shape, dtype)` allocates a new tensor with a
// reference count of 1 (wasm: copies the values into its heap) and returns its dataId.
// (The wasm backend has no `makeTensorInfo`; both have `write`.)
//
// Semantics follow tf.unsortedSegmentSum: x has shape [...segmentIds.shape, ...rest], the output
// [numSegments, ...rest]; output[s] is the sum of the x rows whose id is s. Ids outside
// [0, numSegments) are dropped, as the stock cpu kernel does (TensorFlow drops negative ids too).

import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';

/** The backends our kernel is registered for. */
export const SEGMENT_SUM_BACKENDS: readonly string[] = ['wasm', 'cpu'];

type NumericArray = Float32Array | Int32Array;

interface DataBackend {
  readSync(dataId: object): unknown;
  write(values: NumericArray, shape: number[], dtype: 'float32' | 'int32'): object;
}

function isDataBackend(backend: unknown): backend is DataBackend {
  if (typeof backend !== 'object' || backend === null) return false;
  const b = backend as { readSync?: unknown; write?: unknown };
  return typeof b.readSync === 'function' && typeof b.write === 'function';
}

function readNumeric(backend: DataBackend, info: TensorInfo, what: string): NumericArray {
  const values = backend.readSync(info.dataId);
  if (values instanceof Float32Array || values instanceof Int32Array) return values;
  throw new Error(`UnsortedSegmentSum: unsupported data for ${what} (dtype ${info.dtype})`);
}

/**
 * The scatter-add itself, on plain arrays: out[ids[i]·inner + j] += x[i·inner + j].
 * `out` must be zero-filled and hold numSegments·inner values.
 */
export function scatterAdd(
  x: ArrayLike<number>,
  ids: ArrayLike<number>,
  inner: number,
  numSegments: number,
  out: NumericArray,
): void {
  const n = ids.length;
  for (let i = 0; i < n; i++) {
    const s = ids[i];
    if (s < 0 || s >= numSegments) continue;
    const src = i * inner;
    const dst = s * inner;
    for (let j = 0; j < inner; j++) out[dst + j] += x[src + j];
  }
}

function sameLeadingShape(xShape: readonly number[], idsShape: readonly number[]): boolean {
  if (idsShape.length > xShape.length) return false;
  for (let i = 0; i < idsShape.length; i++) if (xShape[i] !== idsShape[i]) return false;
  return true;
}

const segmentSumKernel: KernelFunc = ({ inputs, backend, attrs }): TensorInfo => {
  const x = inputs['x'];
  const segmentIds = inputs['segmentIds'];
  if (x === undefined || segmentIds === undefined) {
    throw new Error('UnsortedSegmentSum: inputs x and segmentIds are required');
  }
  const numSegments = attrs?.['numSegments'];
  if (typeof numSegments !== 'number' || !Number.isInteger(numSegments) || numSegments < 0) {
    throw new Error(`UnsortedSegmentSum: numSegments must be a non-negative integer, got ${String(numSegments)}`);
  }
  if (!isDataBackend(backend)) throw new Error('UnsortedSegmentSum: backend cannot read or write tensors');
  if (x.dtype !== 'float32' && x.dtype !== 'int32') {
    throw new Error(`UnsortedSegmentSum: x must be float32 or int32, got ${x.dtype}`);
  }
  if (!sameLeadingShape(x.shape, segmentIds.shape)) {
    throw new Error(
      `UnsortedSegmentSum: segmentIds shape [${segmentIds.shape.join(',')}] must be a prefix of x shape [${x.shape.join(',')}]`,
    );
  }
  const rest = x.shape.slice(segmentIds.shape.length);
  const inner = rest.reduce((a, b) => a * b, 1);
  const outShape = [numSegments, ...rest];
  const out = x.dtype === 'int32' ? new Int32Array(numSegments * inner) : new Float32Array(numSegments * inner);
  const xValues = readNumeric(backend, x, 'x');
  const ids = readNumeric(backend, segmentIds, 'segmentIds');
  scatterAdd(xValues, ids, inner, numSegments, out);
  const dataId = backend.write(out, outShape, x.dtype);
  return { dataId, shape: outShape, dtype: x.dtype };
};

function configFor(backendName: string): KernelConfig {
  return { kernelName: 'UnsortedSegmentSum', backendName, kernelFunc: segmentSumKernel };
}

/** True when our kernel is the one registered for `backendName`. */
export function isSegmentSumKernelRegistered(backendName: string): boolean {
  const existing: KernelConfig | undefined = tf.getKernel('UnsortedSegmentSum', backendName);
  return existing !== undefined && existing.kernelFunc === segmentSumKernel;
}

/**
 * Registers our kernel for 'wasm' and 'cpu', replacing any kernel registered before (the stock
 * cpu one). Idempotent: safe to call any number of times. Works whether or not the backends are
 * initialized yet (kernels are looked up by backend name at each call).
 */
export function registerSegmentSumKernels(): void {
  for (const backendName of SEGMENT_SUM_BACKENDS) {
    if (isSegmentSumKernelRegistered(backendName)) continue;
    const existing: KernelConfig | undefined = tf.getKernel('UnsortedSegmentSum', backendName);
    if (existing !== undefined) tf.unregisterKernel('UnsortedSegmentSum', backendName);
    tf.registerKernel(configFor(backendName));
  }
}
