// The frozen-Dense fast path (frozenDense.ts): a stack of frozen Dense layers (relu, gelu without
// bias, tanh, elu; inputs of rank 3 and 2) between trainable layers gives the same loss and the
// same gradients for the trainable weights as the stock fused Dense, within relative 1e-4, on the
// cpu and wasm backends; it runs fewer matrix products backward (no weight gradients of frozen
// layers); gradients of frozen kernels are still right when asked for; calls outside a gradient
// tape, trainable layers and the switched-off path take the stock code.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { disableFrozenDense, enableFrozenDense, frozenDenseCounts } from '../../../src/engine/backends/fastPaths/frozenDense';
import { assertCloseArrays, assertSameLossAndGrads, lossAndGrads } from './fastPathCompare';

after(() => disableFrozenDense());

interface Net {
  model: tf.LayersModel;
  x: tf.Tensor[];
  weights: tf.Tensor[];
  trainable: tf.Variable[];
  frozenKernel: tf.Variable;
}

function dense(name: string, units: number, activation: 'relu' | 'gelu' | 'tanh' | 'elu' | 'linear', trainable: boolean, useBias = true): tf.layers.Layer {
  const layer = tf.layers.dense({ name, units, activation, useBias, trainable, kernelInitializer: tf.initializers.randomNormal({ stddev: 0.5, seed: name.length * 7 }), biasInitializer: tf.initializers.randomUniform({ minval: -0.3, maxval: 0.3, seed: name.length }) });
  return layer;
}

function buildNet(): Net {
  const a = tf.input({ shape: [5, 6] });
  let h = dense('first_trainable', 6, 'linear', true).apply(a) as tf.SymbolicTensor;
  h = dense('frozen_relu', 8, 'relu', false).apply(h) as tf.SymbolicTensor;
  h = dense('frozen_gelu_nobias', 12, 'gelu', false, false).apply(h) as tf.SymbolicTensor;
  h = dense('frozen_tanh', 8, 'tanh', false).apply(h) as tf.SymbolicTensor;
  const out1 = dense('head_a', 3, 'linear', true).apply(h) as tf.SymbolicTensor;
  const b = tf.input({ shape: [6] });
  let g = dense('second_trainable', 6, 'linear', true).apply(b) as tf.SymbolicTensor;
  g = dense('frozen_elu', 7, 'elu', false).apply(g) as tf.SymbolicTensor;
  const out2 = dense('head_b', 2, 'linear', true).apply(g) as tf.SymbolicTensor;
  const model = tf.model({ inputs: [a, b], outputs: [out1, out2] });
  const x = [tf.randomNormal([4, 5, 6], 0, 1, 'float32', 1), tf.randomNormal([4, 6], 0, 1, 'float32', 2)];
  const weights = [tf.randomNormal([4, 5, 3], 0, 1, 'float32', 3), tf.randomNormal([4, 2], 0, 1, 'float32', 4)];
  const trainable = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const frozen = model.getLayer('frozen_relu').weights[0].read() as tf.Variable;
  return { model, x, weights, trainable, frozenKernel: frozen };
}

function loss(net: Net): tf.Scalar {
  const [o1, o2] = net.model.apply(net.x, { training: true }) as tf.Tensor[];
  return tf.add(tf.sum(tf.mul(o1, net.weights[0])), tf.sum(tf.mul(o2, net.weights[1])));
}

async function matMulsInGradient(net: Net): Promise<number> {
  const info = await tf.profile(() => {
    const { value, grads } = tf.variableGrads(() => loss(net), net.trainable);
    return [value, ...Object.values(grads)];
  });
  return info.kernels.filter((k) => k.name === 'BatchMatMul' || k.name === '_FusedMatMul').length;
}

for (const backend of ['cpu', 'wasm']) {
  test(`frozen Dense layers: same loss and trainable gradients as the stock fused Dense, fewer matMuls (${backend})`, async () => {
    assert.ok(await tf.setBackend(backend));
    const net = buildNet();
    disableFrozenDense();
    const stock = lossAndGrads(() => loss(net), net.trainable);
    const stockFrozen = lossAndGrads(() => loss(net), [net.frozenKernel]);
    const stockMatMuls = await matMulsInGradient(net);
    assert.equal(enableFrozenDense(), null);
    const before = frozenDenseCounts.plain;
    const fast = lossAndGrads(() => loss(net), net.trainable);
    assert.equal(frozenDenseCounts.plain - before, 4, 'each of the 4 frozen Dense layers took the plain route once');
    assertSameLossAndGrads(fast, stock, backend);
    const fastFrozen = lossAndGrads(() => loss(net), [net.frozenKernel]);
    assertSameLossAndGrads(fastFrozen, stockFrozen, `${backend}, frozen kernel asked for`);
    const fastMatMuls = await matMulsInGradient(net);
    assert.ok(fastMatMuls < stockMatMuls, `matMul kernels in the gradient: fast ${fastMatMuls}, stock ${stockMatMuls}`);
    // Outside a gradient tape (prediction) the stock code runs, with the same outputs.
    const counted = frozenDenseCounts.plain;
    const predicted = (net.model.predict(net.x) as tf.Tensor[]).map((t) => t.dataSync());
    assert.equal(frozenDenseCounts.plain, counted, 'predict stays on the stock Dense');
    disableFrozenDense();
    const predictedStock = (net.model.predict(net.x) as tf.Tensor[]).map((t) => t.dataSync());
    predicted.forEach((p, i) => assertCloseArrays(p, predictedStock[i], `${backend}: prediction ${i}`));
    net.model.dispose();
  });
}

test('frozen Dense: refuses to turn on under another tfjs version', () => {
  disableFrozenDense();
  const why = enableFrozenDense({ core: '4.21.0', wasm: '4.21.0' });
  assert.match(why ?? '', /written for tfjs 4\.22\.0, found tfjs-core 4\.21\.0/);
});
