// The backends shipped with the extension: 'wasm' (@tensorflow/tfjs-backend-wasm, the default CPU
// path) and 'cpu' (pure JavaScript, the last resort). Both get our UnsortedSegmentSum kernel so
// Embedding gradients work (wasm) and are fast (cpu).
//
// Under Node the wasm backend finds its .wasm files next to its own dist/ file
// (node_modules/@tensorflow/tfjs-backend-wasm/dist), which works because the package stays
// external in the esbuild bundles; no setWasmPaths is needed.

import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import type { BackendCandidate } from './backendCandidate';
import { registerSegmentSumKernels } from './unsortedSegmentSum';

export function wasmCandidate(): BackendCandidate {
  return {
    name: 'wasm',
    tfjsName: 'wasm',
    prepare: async () => {
      if (!tf.findBackendFactory('wasm')) return '@tensorflow/tfjs-backend-wasm did not register its backend';
      registerSegmentSumKernels();
      return null;
    },
  };
}

export function cpuCandidate(): BackendCandidate {
  return {
    name: 'cpu',
    tfjsName: 'cpu',
    prepare: async () => {
      registerSegmentSumKernels();
      return null;
    },
  };
}
