// The gradient of one shard's share of a batch's loss: Σ over the shard's rows of (class weight ·
// per-example loss), divided by the whole batch's denominator (shardPlan.ts lossDenominator), so
// the shares of a batch's shards add up to batchLoss of the whole batch, and so do their
// gradients. The main thread and the worker threads both call this, over the same variables.
// Without class weights it uses batchLoss's fused cross-entropy where that fast path applies.

import * as tf from '@tensorflow/tfjs';
import { fusedCrossEntropyApplies, fusedMeanCrossEntropy } from '../../backends/fastPaths/fusedCrossEntropy';
import { forward, perExampleLoss, type ModelPair } from '../forward';
import type { LabelCodec } from '../labels';

export interface ShardInput {
  models: ModelPair;
  throughBase: boolean;
  codec: LabelCodec;
  /** Trainable variables, in the order of the named list (trainer.ts trainableVariables). */
  vars: readonly { name: string; variable: tf.Variable }[];
  x: tf.Tensor;
  y: tf.Tensor2D;
  classWeights: tf.Tensor1D | null;
  denominator: number;
  seed: number;
}

/** The shard's loss share and its gradient per variable name (a variable the loss does not reach has none). */
export function shardGradients(input: ShardInput): { value: tf.Scalar; grads: Map<string, tf.Tensor> } {
  const { models, throughBase, codec, vars, x, y, classWeights, denominator, seed } = input;
  // tidy keeps the tensors of a returned plain object (not of a Map), so the Map is made after.
  const kept = tf.tidy(() => {
    const { value, grads } = tf.variableGrads(() => {
      const output = forward(models, x, throughBase, true, seed);
      // As batchLoss: the fused cross-entropy where it applies (no class weights; then the
      // denominator is the batch's row count, so the share is the shard's mean × rows / batch).
      if (classWeights === null && !codec.scaling && fusedCrossEntropyApplies()) {
        return tf.mul(fusedMeanCrossEntropy(output, y), tf.scalar(y.shape[0] / denominator)) as tf.Scalar;
      }
      const losses = perExampleLoss(codec, output, y);
      const weighted = classWeights === null ? losses : tf.mul(losses, tf.sum(tf.mul(y, classWeights), -1));
      return tf.div(tf.sum(weighted), tf.scalar(denominator)) as tf.Scalar;
    }, vars.map((v) => v.variable));
    return { value, grads };
  });
  const named = new Map<string, tf.Tensor>();
  for (const v of vars) {
    const g = kept.grads[v.variable.name];
    if (g !== undefined) named.set(v.name, g);
  }
  return { value: kept.value, grads: named };
}
