// A few plain tf.train.adam steps of softmax cross-entropy, for tests that compare training
// through two kernels (or backends) step for step.

import * as tf from '@tensorflow/tfjs';

/** Runs `steps` Adam steps (learning rate 0.01) of `model` on (x, one-hot labels); the last step's loss. */
export function adamSoftmaxSteps(model: tf.LayersModel, x: tf.Tensor, labels: tf.Tensor, steps = 3): number {
  const optimizer = tf.train.adam(0.01);
  let loss = 0;
  for (let step = 0; step < steps; step++) {
    const cost = optimizer.minimize(() => tf.losses.softmaxCrossEntropy(labels, model.apply(x) as tf.Tensor) as tf.Scalar, true);
    if (cost === null) throw new Error('no loss');
    loss = cost.dataSync()[0];
    cost.dispose();
  }
  optimizer.dispose();
  return loss;
}
