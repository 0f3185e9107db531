import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { saveLayersModelToDir } from '../../../src/engine/models/fsModelIo';
import { UserError } from '../../../src/engine/userError';
import { KerasWordIndexEncoder } from '../../../src/engine/models/nnSentimentTokenizer';
import { fitTabularEncoder } from '../../../src/engine/models/tabularEncoder';
import { nnSentimentModelDir } from '../../../src/engine/models/textModel';
import { loadUserLayersBase } from '../../../src/engine/models/userLayersModel';
import { examples, maxAbsDiff, tempDir } from './modelTestUtils';

function userModel(inputs: number): tf.LayersModel {
  const input = tf.input({ shape: [inputs], name: 'user_in' });
  const h1 = tf.layers.dense({ units: 6, activation: 'relu', name: 'user_h1', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }).apply(input);
  const h2 = tf.layers.dense({ units: 5, activation: 'tanh', name: 'user_h2', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }).apply(h1);
  const out = tf.layers.dense({ units: 2, activation: 'softmax', name: 'user_out' }).apply(h2);
  return tf.model({ inputs: input, outputs: out as tf.SymbolicTensor, name: 'user_model' });
}

const TRAIN = examples([
  { x: '1', y: '2', c: 'a' },
  { x: '3', y: '1', c: 'b' },
]);

test('user Layers model: cut below its last layer when the widths match', async () => {
  await tf.setBackend('cpu');
  const { dir, cleanup } = tempDir('user');
  try {
    const model = userModel(4);
    await saveLayersModelToDir(model, dir);
    const encoder = fitTabularEncoder(TRAIN, ['x', 'y', 'c'], { x: 'numeric', y: 'numeric', c: 'categorical' });
    const bundle = await loadUserLayersBase(dir, encoder);
    assert.equal(bundle.featureSize, 5);
    assert.equal(bundle.source, dir);
    assert.deepEqual(bundle.defaults, { loraTargets: ['user_h1', 'user_h2'], adapterAfter: ['user_h2'] });
    assert.match(bundle.fingerprint, /^[0-9a-f]{64}$/);
    const x = encoder.encode(TRAIN);
    const want = tf.model({ inputs: model.inputs, outputs: model.getLayer('user_h2').output as tf.SymbolicTensor }).predict(x) as tf.Tensor;
    assert.ok(maxAbsDiff(bundle.base.predict(x) as tf.Tensor, want) < 1e-6);
  } finally {
    cleanup();
  }
});

test('user Layers model: a width mismatch names both sizes and the columns', async () => {
  await tf.setBackend('cpu');
  const { dir, cleanup } = tempDir('user-bad');
  try {
    await saveLayersModelToDir(userModel(3), dir);
    const encoder = fitTabularEncoder(TRAIN, ['x', 'y', 'c'], { x: 'numeric', y: 'numeric', c: 'categorical' });
    await assert.rejects(loadUserLayersBase(join(dir, 'model.json'), encoder), (err: unknown) => {
      assert.ok(err instanceof UserError);
      assert.match(err.message, /model.json expects 3 inputs, the dataset encodes to 4 features \(columns x, y, c \(one-hot 2\)\)/);
      assert.ok(err.hint !== null);
      return true;
    });
  } finally {
    cleanup();
  }
});

test('user Layers model: a folder with word_index.json loads as a Keras text model', async () => {
  await tf.setBackend('cpu');
  const encoder = fitTabularEncoder(TRAIN, ['x'], { x: 'numeric' });
  const bundle = await loadUserLayersBase(nnSentimentModelDir(), encoder, 'my-model');
  assert.ok(bundle.encoder instanceof KerasWordIndexEncoder);
  assert.equal(bundle.featureSize, 80);
  assert.equal(bundle.source, 'my-model');
});
