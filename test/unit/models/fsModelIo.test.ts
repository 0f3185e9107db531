import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, readdirSync, readFileSync, writeFileSync, truncateSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import {
  fingerprintModelDir,
  loadLayersModelFromDir,
  ModelFolderError,
  readModelArtifacts,
  saveLayersModelToDir,
  WEIGHTS_FILE_NAME,
} from '../../../src/engine/models/fsModelIo';
import { nnSentimentModelDir } from '../../../src/engine/models/textModel';
import { maxAbsDiff, tempDir } from './modelTestUtils';

function smallModel(seed: number): tf.LayersModel {
  const input = tf.input({ shape: [4], name: 'io_in' });
  const h = tf.layers.dense({ units: 5, activation: 'relu', name: 'io_h', kernelInitializer: tf.initializers.glorotUniform({ seed }), biasInitializer: tf.initializers.randomNormal({ seed: seed + 1 }) }).apply(input);
  const out = tf.layers.dense({ units: 2, activation: 'softmax', name: 'io_out', kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 2 }) }).apply(h);
  return tf.model({ inputs: input, outputs: out as tf.SymbolicTensor, name: 'io_model' });
}

test('fsModelIo: save → load gives identical outputs, one weights.bin, no temp files left', async () => {
  await tf.setBackend('cpu');
  const { dir, cleanup } = tempDir('io');
  try {
    const model = smallModel(3);
    await saveLayersModelToDir(model, join(dir, 'nested', 'm'));
    const files = readdirSync(join(dir, 'nested', 'm')).sort();
    assert.deepEqual(files, ['model.json', WEIGHTS_FILE_NAME]);
    const json: unknown = JSON.parse(readFileSync(join(dir, 'nested', 'm', 'model.json'), 'utf8'));
    assert.ok(typeof json === 'object' && json !== null && 'weightsManifest' in json);
    const back = await loadLayersModelFromDir(join(dir, 'nested', 'm'));
    const x = tf.randomUniform([6, 4], -1, 1, 'float32', 9);
    assert.equal(maxAbsDiff(model.predict(x) as tf.Tensor, back.predict(x) as tf.Tensor), 0);
    // a path to model.json works too
    const back2 = await loadLayersModelFromDir(join(dir, 'nested', 'm', 'model.json'));
    assert.equal(back2.layers.length, model.layers.length);
  } finally {
    cleanup();
  }
});

test('fsModelIo: reads a multi-shard Keras folder (nn-sentiment) with all weights', async () => {
  await tf.setBackend('cpu');
  const artifacts = await readModelArtifacts(nnSentimentModelDir());
  assert.equal(artifacts.weightSpecs?.length, 9);
  const data = artifacts.weightData;
  const bytes = Array.isArray(data) ? data.reduce((n, b) => n + b.byteLength, 0) : (data?.byteLength ?? 0);
  assert.equal(bytes, 4194304 + 1840748);
  const model = await loadLayersModelFromDir(nnSentimentModelDir());
  assert.equal(model.getLayer('embedding_1').getWeights()[0].shape.join(','), '30000,50');
  model.dispose();
});

test('fsModelIo: clear errors for a missing shard, a truncated shard, bad JSON, a missing folder', async () => {
  await tf.setBackend('cpu');
  const { dir, cleanup } = tempDir('io-err');
  try {
    const src = nnSentimentModelDir();
    mkdirSync(join(dir, 'm'));
    copyFileSync(join(src, 'model.json'), join(dir, 'm', 'model.json'));
    copyFileSync(join(src, 'group1-shard1of2'), join(dir, 'm', 'group1-shard1of2'));
    await assert.rejects(loadLayersModelFromDir(join(dir, 'm')), (err: unknown) => {
      assert.ok(err instanceof ModelFolderError);
      assert.match(err.message, /group1-shard2of2/);
      assert.match(err.where ?? '', /group1-shard2of2$/);
      assert.match(err.hint ?? '', /Copy the whole model folder/);
      return true;
    });
    copyFileSync(join(src, 'group1-shard2of2'), join(dir, 'm', 'group1-shard2of2'));
    truncateSync(join(dir, 'm', 'group1-shard2of2'), 1000);
    await assert.rejects(loadLayersModelFromDir(join(dir, 'm')), /truncated/);
    writeFileSync(join(dir, 'm', 'model.json'), '{"modelTopology": ');
    await assert.rejects(loadLayersModelFromDir(join(dir, 'm')), /not valid JSON/);
    await assert.rejects(loadLayersModelFromDir(join(dir, 'nope')), /does not exist/);
  } finally {
    cleanup();
  }
});

test('fsModelIo: fingerprint is stable, and changes with the weights', async () => {
  await tf.setBackend('cpu');
  const { dir, cleanup } = tempDir('io-fp');
  try {
    await saveLayersModelToDir(smallModel(1), join(dir, 'a'));
    await saveLayersModelToDir(smallModel(1), join(dir, 'b'));
    await saveLayersModelToDir(smallModel(2), join(dir, 'c'));
    const [a, b, c] = await Promise.all(['a', 'b', 'c'].map((d) => fingerprintModelDir(join(dir, d))));
    assert.match(a, /^[0-9a-f]{64}$/);
    assert.equal(a, b);
    assert.notEqual(a, c);
  } finally {
    cleanup();
  }
});
