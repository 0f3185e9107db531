// Gradient clipping by global norm, TensorFlow semantics (tf.clip_by_global_norm):
//   norm = sqrt(Σ_g Σ g²);  scale = maxNorm / max(norm, maxNorm);  g ← g · scale
// maxNorm ≤ 0 disables clipping (the norm is still computed and returned, e.g. for logging).
// As in TensorFlow, a non-finite norm turns every gradient into NaN; callers should check the
// loss or the norm and skip such a step.
//
// Everything stays on the backend's device: nothing is read back synchronously, so it works on
// backends without synchronous reads (WebGPU in Node) and costs no GPU round trip per step. With
// clipping on, the scale is exactly 1 when the norm is within bounds.
//
// Ownership: the input tensors are never disposed. The returned norm is a new scalar. With
// clipping on, the returned map holds new tensors; with it off, the input tensors themselves.

import * as tf from '@tensorflow/tfjs';

/** Tensors per addN: within every WebGPU device's storage-buffer limit (7 inputs + 1 output). */
const ADD_GROUP = 7;

export function globalNorm(grads: Map<string, tf.Tensor>): tf.Scalar {
  if (grads.size === 0) return tf.scalar(0);
  return tf.tidy(() => {
    const squares = [...grads.values()].map((g) => tf.sum(tf.square(tf.cast(g, 'float32'))));
    // Summed in groups: one addN over every weight binds one GPU buffer per weight, and WebGPU
    // devices allow only 8 to 16 storage buffers per shader (a BERT has ~200 weights).
    let partial: tf.Tensor[] = squares;
    while (partial.length > 1) {
      const next: tf.Tensor[] = [];
      for (let i = 0; i < partial.length; i += ADD_GROUP) {
        const group = partial.slice(i, i + ADD_GROUP);
        next.push(group.length === 1 ? group[0] : tf.addN(group));
      }
      partial = next;
    }
    return tf.sqrt(partial[0]) as tf.Scalar;
  });
}

export function clipByGlobalNorm(
  grads: Map<string, tf.Tensor>,
  maxNorm: number,
): { grads: Map<string, tf.Tensor>; norm: tf.Scalar } {
  const norm = globalNorm(grads);
  if (!(maxNorm > 0)) return { grads: new Map(grads), norm };
  const scale = tf.tidy(() => {
    const bounded = tf.div(tf.scalar(maxNorm), tf.maximum(norm, tf.scalar(maxNorm)));
    // tf.maximum(Infinity, m) is Infinity (scale 0); TensorFlow gives NaN for any non-finite norm.
    return tf.where(tf.isFinite(norm), bounded, tf.scalar(Number.NaN));
  });
  const clipped = new Map<string, tf.Tensor>();
  for (const [name, g] of grads) clipped.set(name, tf.tidy(() => tf.mul(g, scale)));
  scale.dispose();
  return { grads: clipped, norm };
}
