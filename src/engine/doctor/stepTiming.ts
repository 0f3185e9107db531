// Times one training step on the current TensorFlow.js backend: a small MLP (256 → 512 → 512 →
// 10, batch 64) doing forward, backward and an SGD update, read back asynchronously as training
// does. Two warm-up steps (shader compilation, allocation), then the median of five.

import * as tf from '@tensorflow/tfjs';

export const PROBE_MODEL = 'MLP 256-512-512-10, batch 64, forward + backward + SGD update';

export async function timeTrainingStep(steps = 5, warmup = 2): Promise<number> {
  const w1 = tf.variable(tf.randomNormal([256, 512], 0, 0.05, 'float32', 1));
  const w2 = tf.variable(tf.randomNormal([512, 512], 0, 0.05, 'float32', 2));
  const w3 = tf.variable(tf.randomNormal([512, 10], 0, 0.05, 'float32', 3));
  const x = tf.randomNormal([64, 256], 0, 1, 'float32', 4);
  const y = tf.oneHot(tf.tensor1d(Array.from({ length: 64 }, (_, i) => i % 10), 'int32'), 10);
  const vars = [w1, w2, w3];
  const times: number[] = [];
  try {
    for (let i = 0; i < warmup + steps; i++) {
      const started = performance.now();
      const loss = tf.tidy(() => {
        const { value, grads } = tf.variableGrads(() => {
          const h = tf.relu(tf.matMul(tf.relu(tf.matMul(x, w1)), w2));
          return tf.losses.softmaxCrossEntropy(y, tf.matMul(h, w3)) as tf.Scalar;
        }, vars);
        for (const v of vars) {
          const g = grads[v.name];
          if (g !== undefined) v.assign(tf.sub(v, tf.mul(g, 0.01)));
        }
        return value;
      });
      await loss.data();
      loss.dispose();
      if (i >= warmup) times.push(performance.now() - started);
    }
  } finally {
    tf.dispose([w1, w2, w3, x, y]);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] ?? Number.NaN;
}
