// Data-parallel gradients: the shards' gradients summed by the worker pool (the main thread plus
// one worker thread) equal the full batch's gradient through batchLoss within relative 1e-4, with
// and without class weights, for uneven shards (7 rows on 2) and a batch of one row; on a
// dropout-free MLP and on an nn-sentiment-shaped model with LoRA (token-id inputs). Also the pure
// parts: how a batch is split, the shard seeds, the loss denominator.

import { after, before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { trainableVariables } from '../../../src/engine/training/trainer';
import { lossDenominator, planShards, shardSeed } from '../../../src/engine/training/parallel/shardPlan';
import { liveWorkerThreads, WorkerPool } from '../../../src/engine/training/parallel/workerPool';
import type { ModelPair } from '../../../src/engine/training/forward';
import { assertClose, CODEC, dataFor, fullBatchGradients, mlpPair, sentimentLoraPair } from './parallelFixtures';

before(async () => {
  await tf.setBackend('cpu');
});

after(() => {
  assert.equal(liveWorkerThreads(), 0, 'every worker thread ended');
});

test('planShards: contiguous, as even as possible, never empty; seeds from the step seed', () => {
  const rows = [9, 3, 5, 1, 0, 2, 8];
  const two = planShards(rows, 2, 100);
  assert.deepEqual(two.map((s) => s.rows), [[9, 3, 5, 1], [0, 2, 8]]);
  assert.deepEqual(two.map((s) => s.seed), [100, shardSeed(100, 1)]);
  assert.notEqual(two[0].seed, two[1].seed);
  assert.deepEqual(planShards([4], 3, 1).map((s) => s.rows), [[4]]);
  assert.deepEqual(planShards([1, 2, 3, 4, 5], 3, 1).map((s) => s.rows), [[1, 2], [3, 4], [5]]);
});

test('lossDenominator: rows without class weights, Σ of the rows\' weights with them', () => {
  const y = new Float32Array([1, 0, 0, 0, 1, 0, 0, 0, 1]);
  assert.equal(lossDenominator([0, 1, 2, 2], y, 3, null), 4);
  assert.ok(Math.abs(lossDenominator([0, 1, 2, 2], y, 3, [0.5, 2, 1]) - 4.5) < 1e-9);
});

async function comparePool(models: ModelPair, x: tf.Tensor2D, y: tf.Tensor2D, rows: number[], classWeights: number[] | null): Promise<void> {
  const vars = trainableVariables(models, true);
  const pool = await WorkerPool.start({ participants: 2, backend: 'cpu', models, throughBase: true, codec: CODEC, classWeights, x, y, vars });
  try {
    const batchX = tf.gather(x, rows);
    const batchY = tf.gather(y, rows) as tf.Tensor2D;
    const reference = fullBatchGradients(models, batchX, batchY, classWeights);
    batchX.dispose();
    batchY.dispose();
    const result = await pool.step(rows, 17);
    assert.equal(result.shards, Math.min(2, rows.length));
    assert.ok(Math.abs(result.loss - reference.loss) <= 1e-4 * Math.abs(reference.loss), `loss ${result.loss} vs ${reference.loss}`);
    assert.deepEqual([...result.grads.keys()], [...reference.grads.keys()]);
    for (const [name, g] of reference.grads) assertClose(result.grads.get(name)?.dataSync() ?? [], g, name);
    for (const g of result.grads.values()) g.dispose();
    if (process.platform === 'linux' && rows.length >= 2) {
      // The worker thread reports its own scheduler times (bench: time on a core vs waiting for one).
      const times = pool.threadTimes();
      assert.ok((times.main?.runMs ?? 0) > 0, JSON.stringify(times));
      assert.equal(times.workers.length, 1);
      assert.ok((times.workers[0]?.runMs ?? 0) > 0, JSON.stringify(times));
    }
  } finally {
    await pool.close();
  }
}

test('MLP: summed shard gradients = full-batch gradient (7 rows on 2, class weights, then 1 row)', async () => {
  const models = mlpPair();
  const { x, y } = dataFor('mlp', 12);
  await comparePool(models, x, y, [11, 0, 4, 7, 2, 9, 5], null);
  await comparePool(models, x, y, [11, 0, 4, 7, 2, 9, 5], [0.5, 2, 1]);
  await comparePool(models, x, y, [3], [0.5, 2, 1]);
  x.dispose();
  y.dispose();
  models.base.dispose();
  models.head.dispose();
  assert.equal(liveWorkerThreads(), 0);
});

test('nn-sentiment shape with LoRA: summed shard gradients = full-batch gradient, class weights included', async () => {
  const models = await sentimentLoraPair();
  const names = trainableVariables(models, true).map((v) => v.name);
  assert.ok(names.some((n) => n.includes('lora')) || names.length > 2, `LoRA weights train: ${names.join(', ')}`);
  const { x, y } = dataFor('text', 10);
  await comparePool(models, x, y, [9, 1, 2, 6, 4, 0, 8], [1.5, 0.7, 1]);
  x.dispose();
  y.dispose();
  models.base.dispose();
  models.head.dispose();
});
