import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { BottleneckAdapter, geluTanh, type AdapterActivation } from '../../../src/engine/techniques/adapterLayer';
import { data, maxAbsDiff, predict, saveAndLoad } from './techniqueFixtures';

function adapterModel(inputShape: number[], activation: AdapterActivation): { model: tf.LayersModel; layer: BottleneckAdapter } {
  const input = tf.input({ shape: inputShape });
  const layer = new BottleneckAdapter({ size: 3, activation, seed: 11, name: 'adp' });
  return { model: tf.model({ inputs: input, outputs: layer.apply(input) as tf.SymbolicTensor }), layer };
}

function randomizeUp(layer: BottleneckAdapter): void {
  for (const w of layer.weights.filter((v) => v.originalName.includes('/up_'))) {
    w.write(tf.randomNormal(w.shape as number[], 0, 0.5, 'float32', 13));
  }
}

describe('BottleneckAdapter shapes', () => {
  before(async () => {
    await tf.setBackend('cpu');
  });

  for (const inputShape of [[6], [4, 6]]) {
    it(`input [batch, ${inputShape.join(', ')}]: output shape equals input shape; four trainable weights`, () => {
      const { model, layer } = adapterModel(inputShape, 'relu');
      assert.deepEqual(model.outputs[0].shape, [null, ...inputShape]);
      assert.deepEqual(
        layer.trainableWeights.map((w) => [w.originalName, w.shape]),
        [['adp/down_kernel', [6, 3]], ['adp/down_bias', [3]], ['adp/up_kernel', [3, 6]], ['adp/up_bias', [6]]],
      );
    });
  }

  it('rejects a bad size or activation', () => {
    assert.throws(() => new BottleneckAdapter({ size: 0, activation: 'relu' }), /size must be a positive integer/);
    assert.throws(() => new BottleneckAdapter({ size: 2, activation: 'swish' as AdapterActivation }), /activation must be one of/);
  });
});

describe('BottleneckAdapter numerics', () => {
  before(async () => {
    await tf.setBackend('cpu');
  });

  for (const activation of ['relu', 'gelu', 'tanh'] as const) {
    for (const inputShape of [[6], [4, 6]]) {
      it(`${activation}, input [batch, ${inputShape.join(', ')}]: identity at init, x + up(act(down x)) after`, () => {
        const { model, layer } = adapterModel(inputShape, activation);
        const x = data([3, ...inputShape]);
        assert.deepEqual(predict(model, x), x.dataSync());
        randomizeUp(layer);
        const w = Object.fromEntries(layer.weights.map((v) => [v.originalName.split('/')[1], v.read()]));
        const act = { relu: tf.relu, tanh: tf.tanh, gelu: geluTanh }[activation];
        const expected = tf.tidy(() => {
          const x2 = tf.reshape(x, [-1, 6]) as tf.Tensor2D;
          const h = act(tf.add(tf.matMul(x2, w.down_kernel as tf.Tensor2D), w.down_bias)) as tf.Tensor2D;
          return tf.add(x2, tf.add(tf.matMul(h, w.up_kernel as tf.Tensor2D), w.up_bias)).dataSync() as Float32Array;
        });
        assert.ok(maxAbsDiff(predict(model, x), expected) < 1e-5);
      });
    }
  }

  it('gelu (tanh approximation) matches reference values', () => {
    const got = geluTanh(tf.tensor1d([-3, -1, 0, 0.5, 2])).dataSync() as Float32Array;
    // 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715x³)))
    const ref = [-3, -1, 0, 0.5, 2].map((x) => 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3))));
    assert.ok(maxAbsDiff(got, Float32Array.from(ref)) < 1e-6);
    // Close to the exact erf GELU: gelu(1) = 0.841345, gelu(-1) = -0.158655.
    assert.ok(Math.abs(got[1] + 0.158655) < 1e-3 && Math.abs(got[4] - 1.954500) < 1e-3);
  });
});

describe('BottleneckAdapter serialization', () => {
  before(async () => {
    await tf.setBackend('cpu');
  });

  for (const activation of ['relu', 'gelu', 'tanh'] as const) {
    it(`${activation}: save → load gives identical outputs and config`, async () => {
      const { model, layer } = adapterModel([4, 6], activation);
      randomizeUp(layer);
      const loaded = await saveAndLoad(model);
      const again = loaded.getLayer('adp');
      assert.ok(again instanceof BottleneckAdapter);
      assert.deepEqual(again.getConfig(), layer.getConfig());
      const x = data([2, 4, 6]);
      assert.deepEqual(predict(loaded, x), predict(model, x));
    });
  }
});
