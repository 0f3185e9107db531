// The WebGPU slot in the backend order. WebGPU (Dawn through the `webgpu` npm package plus
// @tensorflow/tfjs-backend-webgpu) arrives in a later version; until then this candidate is
// always skipped. A later change replaces `prepare` (load the packages, register the backend)
// and, if needed, `check`; nothing else in the selection has to change.

import type { BackendCandidate } from './backendCandidate';

export const WEBGPU_NOT_YET = 'WebGPU support arrives in a later version';

export function webgpuCandidate(): BackendCandidate {
  return {
    name: 'webgpu',
    tfjsName: 'webgpu',
    prepare: async () => WEBGPU_NOT_YET,
  };
}
