import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { loadLayersModelFromDir, saveLayersModelToDir } from '../../../src/engine/models/fsModelIo';
import { buildHead, composeModel, HEAD_DENSE_NAME } from '../../../src/engine/models/head';
import { buildTabularMlpBase } from '../../../src/engine/models/tabularMlp';
import { fitTabularEncoder } from '../../../src/engine/models/tabularEncoder';
import { examples, maxAbsDiff, tempDir } from './modelTestUtils';

const TRAIN = examples([
  { a: '1', b: 'true' },
  { a: '5', b: 'false' },
  { a: '9', b: 'yes' },
  { a: '3', b: 'no' },
]);

test('head: classification softmax / regression linear, seeded', async () => {
  await tf.setBackend('cpu');
  const cls = buildHead(6, { task: 'classification', classes: 3 }, 5);
  const dense = cls.getLayer(HEAD_DENSE_NAME);
  assert.equal(dense.getConfig()['activation'], 'softmax');
  assert.deepEqual(cls.outputs[0].shape, [null, 3]);
  const y = cls.predict(tf.ones([2, 6])) as tf.Tensor;
  assert.ok(maxAbsDiff(y.sum(1), tf.ones([2])) < 1e-6);
  const reg = buildHead(6, { task: 'regression' }, 5);
  assert.equal(reg.getLayer(HEAD_DENSE_NAME).getConfig()['activation'], 'linear');
  assert.deepEqual(reg.outputs[0].shape, [null, 1]);
  assert.equal(maxAbsDiff(buildHead(6, { task: 'classification', classes: 3 }, 5).getWeights()[0], cls.getWeights()[0]), 0);
  assert.ok(maxAbsDiff(buildHead(6, { task: 'classification', classes: 3 }, 6).getWeights()[0], cls.getWeights()[0]) > 0.01);
  assert.throws(() => buildHead(6, { task: 'classification', classes: 1 }, 1), /2 classes/);
});

test('composeModel: one flat model equal to head(base(x)); save → load identical; trains end to end', async () => {
  await tf.setBackend('cpu');
  const { dir, cleanup } = tempDir('compose');
  try {
    const encoder = fitTabularEncoder(TRAIN, ['a', 'b'], { a: 'numeric', b: 'boolean' });
    const bundle = buildTabularMlpBase(encoder, 3, [8, 4]);
    const head = buildHead(bundle.featureSize, { task: 'classification', classes: 2 }, 3);
    const model = composeModel(bundle.base, head);
    assert.deepEqual(model.layers.map((l) => l.name), ['mlp_input', 'mlp_dense_1', 'mlp_dense_2', HEAD_DENSE_NAME]);
    const x = encoder.encode(TRAIN);
    const separate = head.predict(bundle.base.predict(x) as tf.Tensor) as tf.Tensor;
    const composed = model.predict(x) as tf.Tensor;
    assert.equal(maxAbsDiff(separate, composed), 0);
    await saveLayersModelToDir(model, dir);
    const back = await loadLayersModelFromDir(dir);
    assert.deepEqual(back.layers.map((l) => l.name), model.layers.map((l) => l.name));
    assert.equal(maxAbsDiff(back.predict(x) as tf.Tensor, composed), 0);
    // Layers are shared: fitting the composed model moves the base's and the head's weights.
    const before = [bundle.base.getWeights()[0].clone(), head.getWeights()[0].clone()];
    model.compile({ optimizer: tf.train.sgd(0.1), loss: 'categoricalCrossentropy' });
    await model.fit(x, tf.oneHot(tf.tensor1d([0, 1, 0, 1], 'int32'), 2), { epochs: 1, verbose: 0 });
    assert.ok(maxAbsDiff(bundle.base.getWeights()[0], before[0]) > 0);
    assert.ok(maxAbsDiff(head.getWeights()[0], before[1]) > 0);
    assert.throws(() => composeModel(bundle.base, buildHead(5, { task: 'regression' }, 1)), /expects/);
  } finally {
    cleanup();
  }
});
