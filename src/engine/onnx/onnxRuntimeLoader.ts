// Loads onnxruntime-node (an optional dependency) with a guarded require, so the engine works
// without it: the loader says why it is unavailable instead of throwing. Tests inject their own
// loader to simulate a missing package. The module id is passed through createRequire so that a
// bundler leaves it to run time (the package holds a native addon and must stay in node_modules).

import { createRequire } from 'node:module';
import type * as Ort from 'onnxruntime-node';

export type OnnxRuntimeModule = typeof Ort;

/** Returns the module, or throws when it cannot be loaded. */
export type OnnxRuntimeLoader = () => OnnxRuntimeModule;

const MODULE_ID = 'onnxruntime-node';

/** The installed onnxruntime-node (throws when it is not installed or its native library does not load). */
export const requireOnnxRuntime: OnnxRuntimeLoader = () => {
  const load = createRequire(__filename);
  const loaded: unknown = load(MODULE_ID);
  if (typeof loaded !== 'object' || loaded === null || !('InferenceSession' in loaded) || !('Tensor' in loaded)) {
    throw new Error(`${MODULE_ID} did not export InferenceSession and Tensor`);
  }
  return loaded as OnnxRuntimeModule;
};

/** The module or a one-line reason it is unavailable. */
export function loadOnnxRuntime(loader: OnnxRuntimeLoader = requireOnnxRuntime): { ort: OnnxRuntimeModule } | { unavailable: string } {
  try {
    return { ort: loader() };
  } catch (err) {
    const message = err instanceof Error ? err.message.split('\n')[0] : String(err);
    return { unavailable: `${MODULE_ID} could not be loaded (${message})` };
  }
}
