import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { LoraDense } from '../../../src/engine/techniques/loraDense';
import { data, maxAbsDiff, predict, saveAndLoad } from './techniqueFixtures';

function loraModel(inputShape: number[], dropout = 0): { model: tf.LayersModel; layer: LoraDense } {
  const input = tf.input({ shape: inputShape });
  const layer = new LoraDense({ units: 5, activation: 'relu', rank: 3, alpha: 6, dropout, seed: 9, name: 'lora' });
  const out = layer.apply(input) as tf.SymbolicTensor;
  return { model: tf.model({ inputs: input, outputs: out }), layer };
}

function randomizeB(layer: LoraDense, seed: number): void {
  const b = layer.weights.find((w) => w.originalName.endsWith('/lora_B'));
  assert.ok(b);
  b.write(tf.randomNormal(b.shape as number[], 0, 0.5, 'float32', seed));
}

describe('LoraDense shapes', () => {
  before(async () => {
    await tf.setBackend('cpu');
  });

  for (const inputShape of [[6], [4, 6]]) {
    it(`input rank ${inputShape.length + 1}: output shape and weight shapes`, () => {
      const { model, layer } = loraModel(inputShape);
      assert.deepEqual(model.outputs[0].shape, [null, ...inputShape.slice(0, -1), 5]);
      const shapes = Object.fromEntries(layer.weights.map((w) => [w.originalName.split('/').pop(), w.shape]));
      assert.deepEqual(shapes, { kernel: [6, 5], bias: [5], lora_A: [6, 3], lora_B: [3, 5] });
      assert.deepEqual(layer.trainableWeights.map((w) => w.originalName).sort(), ['lora/lora_A', 'lora/lora_B']);
      assert.deepEqual(layer.nonTrainableWeights.map((w) => w.originalName).sort(), ['lora/bias', 'lora/kernel']);
    });
  }

  it('rejects bad args', () => {
    assert.throws(() => new LoraDense({ units: 5, rank: 0, alpha: 1 }), /rank must be a positive integer/);
    assert.throws(() => new LoraDense({ units: 5, rank: 2, alpha: 0 }), /alpha must be > 0/);
    assert.throws(() => new LoraDense({ units: 5, rank: 2, alpha: 1, dropout: 1 }), /dropout must be in \[0, 1\)/);
  });
});

describe('LoraDense numerics', () => {
  before(async () => {
    await tf.setBackend('cpu');
  });

  for (const inputShape of [[6], [4, 6]]) {
    it(`B = 0 equals a Dense with the same kernel and bias exactly (input [batch, ${inputShape.join(', ')}])`, () => {
      const { model, layer } = loraModel(inputShape);
      const input = tf.input({ shape: inputShape });
      const dense = tf.layers.dense({ units: 5, activation: 'relu' });
      const denseModel = tf.model({ inputs: input, outputs: dense.apply(input) as tf.SymbolicTensor });
      dense.setWeights(layer.weights.filter((w) => !w.originalName.includes('lora_')).map((w) => w.read()));
      const x = data([3, ...inputShape]);
      assert.deepEqual(predict(model, x), predict(denseModel, x));
    });

    it(`output = act(xW + b + (alpha/r)·xAB) with random B (input [batch, ${inputShape.join(', ')}])`, () => {
      const { model, layer } = loraModel(inputShape);
      randomizeB(layer, 3);
      const x = data([3, ...inputShape]);
      const [w, b, a, bb] = ['kernel', 'bias', 'lora_A', 'lora_B'].map(
        (n) => layer.weights.find((v) => v.originalName === `lora/${n}`)!.read() as tf.Tensor2D,
      );
      const expected = tf.tidy(() => {
        const x2 = tf.reshape(x, [-1, 6]) as tf.Tensor2D;
        const y = tf.relu(tf.add(tf.add(tf.matMul(x2, w), b), tf.mul(2, tf.matMul(tf.matMul(x2, a), bb))));
        return y.dataSync() as Float32Array;
      });
      assert.ok(maxAbsDiff(predict(model, x), expected) < 1e-5);
    });
  }

  it('A is U(-1/sqrt(in), 1/sqrt(in)) and the same for the same seed', () => {
    const a1 = loraModel([6]).layer.weights.find((w) => w.originalName.endsWith('lora_A'))!.read().dataSync();
    const a2 = loraModel([6]).layer.weights.find((w) => w.originalName.endsWith('lora_A'))!.read().dataSync();
    assert.deepEqual(a1, a2);
    const bound = 1 / Math.sqrt(6);
    assert.ok(Array.from(a1).every((v) => Math.abs(v) <= bound));
    assert.ok(Array.from(a1).some((v) => v !== 0));
  });

  it('dropout: off in inference, seeded masks repeat with the same kwargs seed and change with another', () => {
    const { model, layer } = loraModel([6], 0.5);
    randomizeB(layer, 4);
    const x = data([8, 6]);
    const run = (kwargs: { training: boolean; seed?: number }): Float32Array =>
      tf.tidy(() => (model.apply(x, kwargs) as tf.Tensor).dataSync() as Float32Array);
    const inference = run({ training: false });
    assert.deepEqual(inference, predict(model, x));
    const s7 = run({ training: true, seed: 7 });
    assert.deepEqual(run({ training: true, seed: 7 }), s7);
    assert.notDeepEqual(run({ training: true, seed: 8 }), s7);
    assert.notDeepEqual(s7, inference);
  });
});

describe('LoraDense serialization', () => {
  before(async () => {
    await tf.setBackend('cpu');
  });

  for (const inputShape of [[6], [4, 6]]) {
    it(`save → load gives identical outputs (input [batch, ${inputShape.join(', ')}])`, async () => {
      const { model, layer } = loraModel(inputShape, 0.1);
      randomizeB(layer, 5);
      const loaded = await saveAndLoad(model);
      const again = loaded.getLayer('lora');
      assert.ok(again instanceof LoraDense);
      assert.deepEqual(again.getConfig(), layer.getConfig());
      const x = data([3, ...inputShape]);
      assert.deepEqual(predict(loaded, x), predict(model, x));
      assert.deepEqual(loaded.trainableWeights.map((w) => w.originalName).sort(), ['lora/lora_A', 'lora/lora_B']);
    });
  }

  it('mergedKernel = W + (alpha/r)·A·B', () => {
    const { layer } = loraModel([6]);
    randomizeB(layer, 6);
    const [w, a, b] = ['kernel', 'lora_A', 'lora_B'].map((n) => layer.weights.find((v) => v.originalName === `lora/${n}`)!.read() as tf.Tensor2D);
    const expected = tf.tidy(() => tf.add(w, tf.mul(2, tf.matMul(a, b))).dataSync() as Float32Array);
    const merged = layer.mergedKernel();
    assert.ok(maxAbsDiff(merged.dataSync() as Float32Array, expected) < 1e-6);
    merged.dispose();
  });
});
