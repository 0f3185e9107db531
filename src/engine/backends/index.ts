// Backend selection and the kernels the engine adds to TensorFlow.js.

export { BACKEND_ENV_VAR, defaultCandidates, isBackendName, resolvePreferred, selectBackend, selectFrom } from './selectBackend';
export type { BackendCandidate } from './backendCandidate';
export { runSmokeTest } from './smokeTest';
export { isSegmentSumKernelRegistered, registerSegmentSumKernels, scatterAdd } from './unsortedSegmentSum';
export { tfjsVersion } from './tfjsVersion';
