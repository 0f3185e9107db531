// HfLayerNorm against tfjs's own LayerNormalization: same outputs and same gradients (input,
// gamma, beta) within float tolerance, on rank-3 inputs as in the encoders.

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { HfLayerNorm } from '../../../src/engine/models/hf/hfLayerNorm';
import { maxAbsDiff, seededNormal } from '../models/modelTestUtils';

test('HfLayerNorm matches tf.layers.layerNormalization in value and gradient', async () => {
  await tf.setBackend('cpu');
  const x = seededNormal([3, 5, 8], 1, 2);
  const ours = new HfLayerNorm({ name: 'ours', epsilon: 1e-5 });
  const stock = tf.layers.layerNormalization({ name: 'stock', epsilon: 1e-5, axis: -1 });
  ours.apply(x);
  stock.apply(x);
  const gamma = tf.add(1, seededNormal([8], 2, 0.3));
  const beta = seededNormal([8], 3, 0.3);
  ours.setWeights([gamma, beta]);
  stock.setWeights([gamma, beta]);
  const weightsOf = (l: tf.layers.Layer): tf.Variable[] => l.weights.map((w) => w.read() as tf.Variable);
  const probe = seededNormal([3, 5, 8], 4, 1);
  const gradsOf = (layer: tf.layers.Layer): tf.Tensor[] => {
    const f = (input: tf.Tensor): tf.Scalar => tf.sum(tf.mul(layer.apply(input) as tf.Tensor, probe)) as tf.Scalar;
    const dx = tf.grad(f)(x);
    const { grads } = tf.variableGrads(() => f(x), weightsOf(layer));
    return [dx, ...weightsOf(layer).map((v) => grads[v.name])];
  };
  assert.ok(maxAbsDiff(ours.apply(x) as tf.Tensor, stock.apply(x) as tf.Tensor) < 1e-5, 'values');
  const a = gradsOf(ours);
  const b = gradsOf(stock);
  ['input', 'gamma', 'beta'].forEach((what, i) => assert.ok(maxAbsDiff(a[i], b[i]) < 1e-4, `${what} gradient: ${maxAbsDiff(a[i], b[i])}`));
  assert.ok(tf.max(tf.abs(a[0])).dataSync()[0] > 1e-3, 'the input gradient is not zero');
  assert.throws(() => new HfLayerNorm({ name: 'bad', epsilon: 0 }), /epsilon must be a positive number/);
});
