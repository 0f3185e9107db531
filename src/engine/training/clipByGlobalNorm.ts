// Gradient clipping by global norm, TensorFlow semantics (tf.clip_by_global_norm):
//   norm = sqrt(Σ_g Σ g²);  scale = maxNorm / max(norm, maxNorm);  g ← g · scale
// maxNorm ≤ 0 disables clipping (the norm is still computed and returned, e.g. for logging).
// As in TensorFlow, a non-finite norm turns every gradient into NaN; callers should check the
// returned norm and skip such a step.
//
// Ownership: the input tensors are never disposed. When scaling is needed the returned map holds
// new tensors; otherwise it holds the input tensors themselves. Disposing both maps is safe.

import * as tf from '@tensorflow/tfjs';

export function globalNorm(grads: Map<string, tf.Tensor>): number {
  if (grads.size === 0) return 0;
  return tf.tidy(() => {
    const squares = [...grads.values()].map((g) => tf.sum(tf.square(tf.cast(g, 'float32'))));
    return tf.sqrt(tf.addN(squares)).dataSync()[0];
  });
}

export function clipByGlobalNorm(
  grads: Map<string, tf.Tensor>,
  maxNorm: number,
): { grads: Map<string, tf.Tensor>; norm: number } {
  const norm = globalNorm(grads);
  if (!(maxNorm > 0)) return { grads: new Map(grads), norm };
  if (Number.isFinite(norm) && norm <= maxNorm) return { grads: new Map(grads), norm };
  const scale = Number.isFinite(norm) ? maxNorm / norm : Number.NaN;
  const clipped = new Map<string, tf.Tensor>();
  for (const [name, g] of grads) clipped.set(name, tf.tidy(() => tf.mul(g, scale)));
  return { grads: clipped, norm };
}
