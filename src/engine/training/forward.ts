// The forward pass and the loss, shared by training, validation and evaluation.

import * as tf from '@tensorflow/tfjs';
import { fusedCrossEntropyApplies, fusedMeanCrossEntropy } from '../backends/fastPaths/fusedCrossEntropy';
import { packedTokensApply } from '../backends/fastPaths/packedTokens';
import { PACKED_TOKENS_KWARG, planPackedLayout } from '../models/hf/hfPacking';
import type { LabelCodec } from './labels';

/** A base (input → features) and a head (features → output), trained together or head only. */
export interface ModelPair {
  base: tf.LayersModel;
  head: tf.LayersModel;
}

/**
 * When inputs are cached features of a frozen base, only the head runs. `seed` makes the
 * dropout masks of a training step reproducible (layers that support it read kwargs.seed).
 * A Hugging Face encoder base computes only the real tokens of a padded batch when the fast path
 * 'hf-packed-tokens' applies (src/engine/models/hf/hfPacking.ts): same outputs and gradients.
 * Call inside a tf.tidy scope (the packing layout's index tensors are made in the current scope).
 */
export function forward(models: ModelPair, x: tf.Tensor, throughBase: boolean, training: boolean, seed?: number): tf.Tensor2D {
  const kwargs = seed === undefined ? { training } : { training, seed };
  const features = throughBase ? baseOutputs(models.base, x, kwargs) : x;
  return models.head.apply(features, kwargs) as tf.Tensor2D;
}

/**
 * The base's outputs for x with these call kwargs, packed when the fast path applies (as
 * forward() runs the base; { training: false } gives what base.predict gives). In a tidy scope.
 */
export function baseOutputs(base: tf.LayersModel, x: tf.Tensor, kwargs: { training: boolean; seed?: number }): tf.Tensor {
  const layout = packedTokensApply() ? planPackedLayout(base, x) : null;
  return base.apply(x, layout === null ? kwargs : { ...kwargs, [PACKED_TOKENS_KWARG]: layout }) as tf.Tensor;
}

const EPSILON = 1e-7;

/**
 * Per-example loss: categorical cross-entropy on the softmax output (classification)
 * or squared error on the standardised target (regression). Returns shape [batch].
 */
export function perExampleLoss(codec: LabelCodec, output: tf.Tensor2D, target: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => {
    if (codec.scaling) return tf.sum(tf.square(tf.sub(output, target)), -1) as tf.Tensor1D;
    const logP = tf.log(tf.clipByValue(output, EPSILON, 1 - EPSILON));
    return tf.neg(tf.sum(tf.mul(target, logP), -1)) as tf.Tensor1D;
  });
}

/** Mean loss over the batch, each example weighted by its class weight when given. */
export function batchLoss(
  codec: LabelCodec,
  output: tf.Tensor2D,
  target: tf.Tensor2D,
  classWeights: tf.Tensor1D | null,
): tf.Scalar {
  // The fast path 'fused-cross-entropy': one kernel forward and one backward, the same gradient.
  if (!classWeights && !codec.scaling && fusedCrossEntropyApplies()) return fusedMeanCrossEntropy(output, target);
  return tf.tidy(() => {
    const losses = perExampleLoss(codec, output, target);
    if (!classWeights) return tf.mean(losses) as tf.Scalar;
    const w = tf.sum(tf.mul(target, classWeights), -1);
    return tf.div(tf.sum(tf.mul(losses, w)), tf.maximum(tf.sum(w), EPSILON)) as tf.Scalar;
  });
}

/** Runs the model over x in batches without training; returns the outputs as one array per row. */
export async function predictRows(
  models: ModelPair,
  x: tf.Tensor2D,
  throughBase: boolean,
  batchSize: number,
): Promise<Float32Array[]> {
  const rows: Float32Array[] = [];
  const n = x.shape[0];
  for (let start = 0; start < n; start += batchSize) {
    const size = Math.min(batchSize, n - start);
    const out = tf.tidy(() => forward(models, x.slice([start, 0], [size, x.shape[1]]), throughBase, false));
    const data = (await out.data()) as Float32Array;
    const width = out.shape[1];
    out.dispose();
    for (let i = 0; i < size; i++) rows.push(data.slice(i * width, (i + 1) * width));
  }
  return rows;
}
