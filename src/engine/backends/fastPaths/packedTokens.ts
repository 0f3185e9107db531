// The switch of the fast path 'hf-packed-tokens' (the layout and the layers' packed code are in
// src/engine/models/hf/hfPacking.ts): Hugging Face encoders computing only the real tokens of a
// padded batch. Turned on and off by installModelFastPaths with the other model fast paths; it
// applies on the backends that compute in this process (reading the token ids back is cheap there).

import * as tf from '@tensorflow/tfjs';
import { IN_PROCESS_BACKENDS } from './cpuKernelIo';

/** The name the run records for this fast path. */
export const PACKED_TOKENS_FAST_PATH = 'hf-packed-tokens';

let enabled = false;

export function enablePackedTokens(): void {
  enabled = true;
}

export function disablePackedTokens(): void {
  enabled = false;
}

/** True when packing may run now: switched on and the active backend computes in this process. */
export function packedTokensApply(backendName: string = tf.getBackend()): boolean {
  return enabled && IN_PROCESS_BACKENDS.includes(backendName);
}
