// The TensorFlow (libtensorflow) backends: @tensorflow/tfjs-node-gpu (CUDA) and
// @tensorflow/tfjs-node (CPU). Both are optional packages a user installs next to the extension;
// both register a TensorFlow.js backend named 'tensorflow', so only one of them can be loaded in
// a process. When tfjs-node-gpu loads but finds no GPU, its backend runs on the CPU and serves as
// the 'tensorflow' candidate.

import * as tf from '@tensorflow/tfjs';
import type { BackendCandidate } from './backendCandidate';
import { loadOptionalPackage } from './optionalPackage';

const GPU_PACKAGE = '@tensorflow/tfjs-node-gpu';
const CPU_PACKAGE = '@tensorflow/tfjs-node';

/** Which package registered the 'tensorflow' backend in this process, if any. */
let provider: string | null = null;

function loadTensorflowPackage(pkg: string, hint: string): string | null {
  if (provider === pkg) return null;
  if (provider !== null) return `${provider} is already loaded in this process and provides the 'tensorflow' backend`;
  const result = loadOptionalPackage(pkg);
  if (result.status === 'missing') return `${pkg} is not installed (optional; see README)`;
  if (result.status === 'failed') return `${pkg} failed to load: ${result.error}${hint}`;
  provider = pkg;
  if (!tf.findBackendFactory('tensorflow')) {
    return `${pkg} loaded but registered no 'tensorflow' backend with this copy of TensorFlow.js ${tf.version.tfjs} (version mismatch?)`;
  }
  return null;
}

/** Reads the tfjs-node backend's `isUsingGpuDevice` flag: true, false, or undefined if absent. */
function usesGpuDevice(backend: unknown): boolean | undefined {
  if (typeof backend !== 'object' || backend === null) return undefined;
  const flag = (backend as { isUsingGpuDevice?: unknown }).isUsingGpuDevice;
  return typeof flag === 'boolean' ? flag : undefined;
}

export function tensorflowGpuCandidate(): BackendCandidate {
  return {
    name: 'tensorflow-gpu',
    tfjsName: 'tensorflow',
    prepare: async () => loadTensorflowPackage(GPU_PACKAGE, ' (it needs CUDA 11.2 and cuDNN 8.1)'),
    check: () => {
      if (provider !== GPU_PACKAGE) return `the 'tensorflow' backend comes from ${String(provider)}, not ${GPU_PACKAGE}`;
      const gpu = usesGpuDevice(tf.backend());
      if (gpu === undefined) return `cannot tell whether ${GPU_PACKAGE} uses a GPU device`;
      if (!gpu) return `${GPU_PACKAGE} found no usable GPU device (check CUDA 11.2 and cuDNN 8.1)`;
      return null;
    },
  };
}

export function tensorflowCpuCandidate(): BackendCandidate {
  return {
    name: 'tensorflow',
    tfjsName: 'tensorflow',
    prepare: async () => {
      // tfjs-node-gpu already loaded (no GPU found): its backend is TensorFlow on the CPU.
      if (provider === GPU_PACKAGE) return null;
      return loadTensorflowPackage(CPU_PACKAGE, '');
    },
  };
}
