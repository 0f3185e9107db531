import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { buildTabularMlpBase } from '../../../src/engine/models/tabularMlp';
import { fitTabularEncoder } from '../../../src/engine/models/tabularEncoder';
import { examples, maxAbsDiff } from './modelTestUtils';

const TRAIN = examples([
  { a: '1', b: 'x' },
  { a: '2', b: 'y' },
  { a: '3', b: 'z' },
]);
const encoder = fitTabularEncoder(TRAIN, ['a', 'b'], { a: 'numeric', b: 'categorical' });

test('tabular MLP: shapes, names, defaults', async () => {
  await tf.setBackend('cpu');
  const bundle = buildTabularMlpBase(encoder, 42);
  assert.deepEqual(bundle.base.inputs[0].shape, [null, 4]);
  assert.deepEqual(bundle.base.outputs[0].shape, [null, 32]);
  assert.equal(bundle.featureSize, 32);
  assert.equal(bundle.source, 'mlp');
  assert.deepEqual(bundle.defaults, { loraTargets: ['mlp_dense_1', 'mlp_dense_2'], adapterAfter: ['mlp_dense_2'] });
  assert.equal(bundle.base.getLayer('mlp_dense_1').getConfig()['activation'], 'relu');
  const y = bundle.base.predict(encoder.encode(TRAIN)) as tf.Tensor;
  assert.deepEqual(y.shape, [3, 32]);
  assert.ok(y.min().dataSync()[0] >= 0, 'relu features');
  const custom = buildTabularMlpBase(encoder, 1, [8]);
  assert.equal(custom.featureSize, 8);
  assert.deepEqual(custom.defaults.loraTargets, ['mlp_dense_1']);
  assert.throws(() => buildTabularMlpBase(encoder, 1, []), /hidden/);
});

test('tabular MLP: the same seed gives the same weights and fingerprint, another seed differs', async () => {
  await tf.setBackend('cpu');
  const a = buildTabularMlpBase(encoder, 7);
  const b = buildTabularMlpBase(encoder, 7);
  const c = buildTabularMlpBase(encoder, 8);
  const wa = a.base.getWeights();
  b.base.getWeights().forEach((w, i) => assert.equal(maxAbsDiff(w, wa[i]), 0));
  assert.ok(maxAbsDiff(c.base.getWeights()[0], wa[0]) > 0.01);
  assert.ok(maxAbsDiff(a.base.getWeights()[0].slice([0, 0], [4, 32]), a.base.getWeights()[2].slice([0, 0], [4, 32])) > 0.01, 'layers use different streams');
  assert.match(a.fingerprint, /^[0-9a-f]{64}$/);
  assert.equal(a.fingerprint, b.fingerprint);
  assert.notEqual(a.fingerprint, c.fingerprint);
});
