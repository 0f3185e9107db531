// Which models train faster on the CPU than through WebGPU from Node (measured on an H100: every
// kernel call costs about 0.1 ms there, whatever its size). Pure data: the extension host reads it
// too (the setup panel's device line) without loading TensorFlow.js; gpuPolicy.ts acts on it.

const SLOWER_ON_WEBGPU: Readonly<Record<string, string>> = {
  'nn-sentiment': 'its bidirectional GRU makes about 31,000 small kernel calls per step, which WebGPU runs 12x slower than wasm (measured on an H100)',
  mlp: 'its steps are too small for a GPU: WebGPU ran this model 15x slower than wasm (measured on an H100)',
};

/** Why the resolved model should not train on WebGPU under `auto`, or null. */
export function webgpuNotWorthIt(model: string): string | null {
  return SLOWER_ON_WEBGPU[model] ?? null;
}
