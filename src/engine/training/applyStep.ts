// The optimizer half of a training step, in one call: clip the gradients by their global norm, then
// one AdamW step. On the wasm and cpu backends, with the CPU fast paths on, it runs as one fused
// kernel (fast path 'fused-adamw', src/engine/backends/fastPaths/fusedAdamW.ts: the same float32
// values as the stock ops, but one kernel call instead of ~20 per variable); elsewhere, with
// FINETUNE_FAST_PATHS=0, or where it would be slower (fusedAdamWPays: large variables on wasm
// without the wasm kernel), as the stock ops: clipByGlobalNorm.ts then AdamW.applyGradients.
//
// Semantics either way (TensorFlow's clip_by_global_norm, then PyTorch's AdamW): the norm is taken
// over every gradient in `grads`; clipNorm ≤ 0 disables clipping; a non-finite norm makes every
// gradient NaN (the trainer's non-finite loss check stops the run); variables without a gradient,
// and their moments, are left unchanged. The input gradients are never disposed; every tensor made
// here is freed before it returns.

import * as tf from '@tensorflow/tfjs';
import { fusedAdamWApplies, fusedAdamWPays, fusedClipAdamW, type ClipAdamWEntry } from '../backends/fastPaths/fusedAdamW';
import { clipByGlobalNorm } from './clipByGlobalNorm';
import type { AdamW } from './optimizer';
import type { NamedVariable } from './optimizerTypes';

/** Which implementation ran. */
export type ApplyStepPath = 'fused' | 'stock';

function float32(t: tf.Tensor): tf.Tensor {
  return t.dtype === 'float32' ? t : tf.cast(t, 'float32');
}

/** Clips `grads` to global norm `clipNorm` (≤ 0: no clipping) and applies one optimizer step to `vars`. */
export function clipAndApply(
  optimizer: AdamW,
  vars: readonly NamedVariable[],
  grads: Map<string, tf.Tensor>,
  clipNorm: number,
  env: NodeJS.ProcessEnv = process.env,
): ApplyStepPath {
  const backendName = tf.getBackend();
  const fused =
    fusedAdamWApplies(backendName, env) &&
    vars.every((v) => v.variable.dtype === 'float32') &&
    fusedAdamWPays(backendName, vars.map((v) => v.variable.size), env);
  if (!fused) {
    tf.tidy(() => {
      const clipped = clipByGlobalNorm(grads, clipNorm);
      optimizer.applyGradients(vars, clipped.grads);
    });
    return 'stock';
  }
  tf.tidy(() => {
    const plan = optimizer.beginStep(vars, grads);
    const entries: ClipAdamWEntry[] = plan.entries.map((e) => ({ p: e.variable, m: e.m, v: e.v, g: float32(e.grad), decay: e.decay }));
    const normGrads = clipNorm > 0 ? [...grads.values()].map(float32) : [];
    fusedClipAdamW(entries, normGrads, { ...plan, clipNorm }, (k, [p, m, v]) => {
      const e = plan.entries[k];
      e.variable.assign(p);
      e.m.assign(m);
      e.v.assign(v);
    }, env);
  });
  return 'fused';
}
