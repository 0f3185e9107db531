// Parameter counts: every weight, and the weights the optimizer will update
// (model.trainableWeights: a layer with trainable false contributes nothing there).

import type * as tf from '@tensorflow/tfjs';

function size(weight: tf.LayerVariable): number {
  return weight.shape.reduce<number>((n, d) => n * (d ?? 0), 1);
}

export function countParams(model: tf.LayersModel): { total: number; trainable: number } {
  const sum = (weights: readonly tf.LayerVariable[]): number => weights.reduce((n, w) => n + size(w), 0);
  return { total: sum(model.weights), trainable: sum(model.trainableWeights) };
}
