// The convolution gradients the wasm backend lacks (tfjs-backend-wasm 4.22 has Conv2D,
// Conv2DBackpropInput and DepthwiseConv2dNative, but no Conv2DBackpropFilter,
// DepthwiseConv2dNativeBackpropInput or DepthwiseConv2dNativeBackpropFilter), provided by running
// tfjs's own cpu kernels on copies of the tensors: the inputs are read from the wasm heap into the
// cpu backend, the stock cpu kernel runs with the same attributes, and its output is written back
// into the wasm heap. Same numbers as the cpu backend; plain JavaScript speed (slow for large
// convolutions, fine for MobileNetV2's depthwise layers and its one 3×3 stem).
// Without these, on wasm only layers after the last depthwise convolution could train.

import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs';

/** The kernels bridged, by name. */
export const BRIDGED_KERNELS: readonly string[] = [
  'Conv2DBackpropFilter',
  'DepthwiseConv2dNativeBackpropInput',
  'DepthwiseConv2dNativeBackpropFilter',
];

const TARGET_BACKEND = 'wasm';

interface DataBackend {
  readSync(dataId: object): unknown;
  write(values: Float32Array | Int32Array, shape: number[], dtype: 'float32' | 'int32'): object;
  disposeData(dataId: object, force?: boolean): boolean;
}

function isDataBackend(backend: unknown): backend is DataBackend {
  if (typeof backend !== 'object' || backend === null) return false;
  const b = backend as Record<string, unknown>;
  return typeof b['readSync'] === 'function' && typeof b['write'] === 'function' && typeof b['disposeData'] === 'function';
}

function numeric(values: unknown, what: string): Float32Array | Int32Array {
  if (values instanceof Float32Array || values instanceof Int32Array) return values;
  throw new Error(`Bridged convolution gradient: unsupported data for ${what}.`);
}

function dtypeOf(info: TensorInfo): 'float32' | 'int32' {
  if (info.dtype === 'float32' || info.dtype === 'int32') return info.dtype;
  throw new Error(`Bridged convolution gradient: unsupported dtype ${info.dtype}.`);
}

function bridge(kernelName: string): KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const cpu = tf.findBackend('cpu');
    const cpuKernel = tf.getKernel(kernelName, 'cpu');
    if (!isDataBackend(cpu) || cpuKernel === undefined) {
      throw new Error(`${kernelName} on ${TARGET_BACKEND} needs the cpu backend's kernel, which is not available.`);
    }
    if (!isDataBackend(backend)) throw new Error(`${kernelName}: the ${TARGET_BACKEND} backend cannot read or write tensors.`);
    const copies: NamedTensorInfoMap = {};
    try {
      for (const [name, info] of Object.entries(inputs)) {
        if (info === undefined) continue;
        const dataId = cpu.write(numeric(backend.readSync(info.dataId), name), [...info.shape], dtypeOf(info));
        copies[name] = { dataId, shape: info.shape, dtype: info.dtype };
      }
      const result = cpuKernel.kernelFunc({ inputs: copies, backend: cpu as unknown as tf.KernelBackend, attrs });
      const output = Array.isArray(result) ? result[0] : result;
      try {
        const values = numeric(cpu.readSync(output.dataId), 'the output');
        const dataId = backend.write(values, [...output.shape], dtypeOf(output));
        return { dataId, shape: output.shape, dtype: output.dtype };
      } finally {
        cpu.disposeData(output.dataId, true);
      }
    } finally {
      for (const info of Object.values(copies)) if (info !== undefined) cpu.disposeData(info.dataId, true);
    }
  };
}

const KERNELS: ReadonlyMap<string, KernelFunc> = new Map(BRIDGED_KERNELS.map((name) => [name, bridge(name)]));

/** True when our bridge is the kernel registered for `kernelName` on wasm. */
export function isBridgedKernelRegistered(kernelName: string): boolean {
  const existing: KernelConfig | undefined = tf.getKernel(kernelName, TARGET_BACKEND);
  return existing !== undefined && existing.kernelFunc === KERNELS.get(kernelName);
}

/**
 * Registers the bridges on 'wasm' for the kernels it lacks (a kernel wasm already has is left
 * alone). Idempotent; works before or after the wasm backend is initialised.
 */
export function registerConvGradKernels(): void {
  for (const [kernelName, kernelFunc] of KERNELS) {
    if (tf.getKernel(kernelName, TARGET_BACKEND) !== undefined) continue;
    tf.registerKernel({ kernelName, backendName: TARGET_BACKEND, kernelFunc });
  }
}
