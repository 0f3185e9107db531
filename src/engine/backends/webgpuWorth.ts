// Which models train faster on the CPU than through WebGPU from Node. Measured on an H100 machine
// (README, "Proof on a real GPU"): every TensorFlow.js kernel call costs about 0.1 ms through
// WebGPU whatever its size, while the CPU fast paths make small models fast on one core, so
// small models lose on the GPU. No TensorFlow.js here: the extension host reads it too (the setup
// panel's device line); gpuPolicy.ts acts on it.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { findCatalogEntry } from '../zoo/modelCatalog';

const SLOWER_ON_WEBGPU: Readonly<Record<string, string>> = {
  'nn-sentiment': 'its bidirectional GRU makes thousands of small kernel calls per step: a LoRA step took 1,304 ms through WebGPU and 30 ms on wasm (measured on an H100 machine)',
  mlp: 'its steps are too small for a GPU: 38 ms through WebGPU against 11 ms on wasm even at batch 512 (measured on an H100 machine)',
};

/** Hugging Face encoders up to this hidden size (BERT-tiny, -mini, -small-4) train faster on the CPU. */
const SMALL_HIDDEN = 256;
const SMALL_ENCODER = `small Hugging Face encoders (hidden size ≤ ${SMALL_HIDDEN}) train faster on the CPU: a BERT-mini-shaped LoRA step took 510 ms through WebGPU and 245 ms on wasm (measured on an H100 machine)`;
/** Catalog entries of at most this many parameters are the small encoders above. */
const SMALL_PARAMS = 12_000_000;

function hiddenSizeOf(folder: string): number | null {
  const file = folder.endsWith('config.json') ? folder : path.join(folder, 'config.json');
  try {
    const config = JSON.parse(fs.readFileSync(file, 'utf8')) as { hidden_size?: unknown; dim?: unknown };
    const hidden = typeof config.hidden_size === 'number' ? config.hidden_size : typeof config.dim === 'number' ? config.dim : null;
    return hidden;
  } catch {
    return null;
  }
}

/** Why the resolved model should not train on WebGPU under `auto`, or null. */
export function webgpuNotWorthIt(model: string): string | null {
  const listed = SLOWER_ON_WEBGPU[model];
  if (listed !== undefined) return listed;
  const entry = findCatalogEntry(model);
  if (entry !== null) return entry.task === 'text-classification' && entry.params <= SMALL_PARAMS ? SMALL_ENCODER : null;
  const hidden = hiddenSizeOf(model);
  return hidden !== null && hidden <= SMALL_HIDDEN ? SMALL_ENCODER : null;
}
