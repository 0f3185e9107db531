import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { tempDir, writeRegressionCsv, writeTabularCsv, writeTextCsv } from '../helpers/fixtures';
import { createAndRun, runById } from '../helpers/runHelpers';
import { loadCheckpointModels } from '../../../src/engine/training/checkpointIo';
import type { TechniqueName } from '../../../src/protocol/configTypes';

const FAST = { epochs: 2, batchSize: 16, split: { validation: 0.2, test: 0.2 } } as const;

for (const technique of ['full', 'features', 'adapter', 'lora'] as TechniqueName[]) {
  test(`tabular classification trains with ${technique} and writes a complete run folder`, async () => {
    const dir = tempDir();
    const csv = writeTabularCsv(dir);
    const { store, runId, result } = await createAndRun(path.join(dir, 'runs'), csv, { ...FAST, technique, epochs: 4, learningRate: 0.01 });
    assert.equal(result.status, 'completed');
    const run = await store.readRun(runId);
    assert.equal(run.status, 'completed');
    assert.equal(run.backend?.name, 'cpu');
    assert.ok(run.model && run.model.trainableParams > 0 && run.model.trainableParams <= run.model.totalParams);
    if (technique !== 'full') assert.ok(run.model.trainableParams < run.model.totalParams, 'a parameter-efficient technique trains fewer weights');
    const evaluation = await store.readEvaluation(runId);
    assert.ok(evaluation && evaluation.task === 'tabular-classification');
    assert.equal(evaluation.rows, run.dataset?.split.test);
    assert.ok(evaluation.accuracy > 0.6, `accuracy ${evaluation.accuracy} should beat chance on a linear rule`);
    const predictions = await store.readPredictions(runId);
    assert.equal(predictions?.length, evaluation.rows);
    assert.ok(predictions.every((p) => p.line >= 2));
    for (const f of ['run.json', 'metrics.jsonl', 'evaluation.json', 'predictions.jsonl', 'report.md', 'preprocessing.json']) {
      assert.ok(fs.existsSync(path.join(store.runDir(runId), f)), `${f} exists`);
    }
    const checkpoints = await store.listCheckpoints(runId);
    assert.ok(checkpoints.some((c) => c.name === 'best' && c.isBest));
  });
}

test('same seed, same backend: identical metrics', async () => {
  const dir = tempDir();
  const csv = writeTabularCsv(dir);
  const a = await createAndRun(path.join(dir, 'runs'), csv, { ...FAST, technique: 'lora' });
  const b = await createAndRun(path.join(dir, 'runs'), csv, { ...FAST, technique: 'lora' });
  const ma = (await a.store.readMetrics(a.runId)).map((e) => [e.split, e.name, e.step, e.value]);
  const mb = (await b.store.readMetrics(b.runId)).map((e) => [e.split, e.name, e.step, e.value]);
  assert.deepEqual(ma, mb);
  assert.deepEqual(await a.store.readEvaluation(a.runId), await b.store.readEvaluation(b.runId));
});

test('resume equivalence: 2 epochs straight equals a stop mid-training then resume (cpu)', async () => {
  const dir = tempDir();
  const csv = writeTabularCsv(dir);
  const straight = await createAndRun(path.join(dir, 'runs'), csv, { ...FAST, technique: 'full' });
  const stopped = await createAndRun(path.join(dir, 'runs'), csv, { ...FAST, technique: 'full' }, { stopAfterSteps: 13 });
  assert.equal(stopped.result.status, 'stopped');
  assert.equal((await stopped.store.readRun(stopped.runId)).status, 'stopped');
  const resumed = await runById(stopped.store, stopped.runId, { resume: true });
  assert.equal(resumed.status, 'completed');
  const key = (e: { split: string; name: string; step: number; value: number }): string => `${e.split}/${e.name}/${e.step}=${e.value}`;
  const a = (await straight.store.readMetrics(straight.runId)).map(key);
  const b = (await stopped.store.readMetrics(stopped.runId)).map(key);
  assert.deepEqual(b, a);
  assert.deepEqual(await stopped.store.readEvaluation(stopped.runId), await straight.store.readEvaluation(straight.runId));
});

test('resume equivalence: 1 epoch then resume --epochs 1 equals 2 epochs straight (constant schedule)', async () => {
  const dir = tempDir();
  const csv = writeTabularCsv(dir);
  const common = { ...FAST, technique: 'lora' as const, schedule: 'constant' as const, warmupRatio: 0, earlyStopping: { metric: 'loss', mode: 'min' as const, patience: 0 } };
  const straight = await createAndRun(path.join(dir, 'runs'), csv, { ...common, epochs: 2 });
  const first = await createAndRun(path.join(dir, 'runs'), csv, { ...common, epochs: 1 });
  await runById(first.store, first.runId, { resume: true, extraEpochs: 1 });
  const train = async (r: typeof straight): Promise<number[]> =>
    (await r.store.readMetrics(r.runId)).filter((e) => e.split === 'train' && e.name === 'loss').map((e) => e.value);
  assert.deepEqual(await train(first), await train(straight));
  const last = async (r: typeof straight): Promise<tf.Tensor[]> => (await loadCheckpointModels(path.join(r.store.runDir(r.runId), 'checkpoints', 'last'))).head.getWeights();
  const wa = await last(straight);
  const wb = await last(first);
  wa.forEach((w, i) => assert.deepEqual(Array.from(w.dataSync()), Array.from(wb[i].dataSync())));
});

test('frozen weights stay bit-identical after lora training', async () => {
  const dir = tempDir();
  const csv = writeTabularCsv(dir);
  const { store, runId } = await createAndRun(path.join(dir, 'runs'), csv, { ...FAST, technique: 'lora', learningRate: 0.05 });
  const best = await loadCheckpointModels(path.join(store.runDir(runId), 'checkpoints', 'best'));
  const seeded = await createAndRun(path.join(dir, 'runs'), csv, { ...FAST, technique: 'lora', epochs: 1 }, { stopAfterSteps: 0 });
  const initial = await loadCheckpointModels(path.join(seeded.store.runDir(seeded.runId), 'checkpoints', 'last'));
  let frozenCompared = 0;
  let trainableChanged = 0;
  for (const layer of best.base.layers) {
    const before = initial.base.getLayer(layer.name);
    layer.weights.forEach((w, i) => {
      const a = Array.from(w.read().dataSync());
      const b = Array.from(before.weights[i].read().dataSync());
      if (w.trainable) {
        if (a.some((v, k) => v !== b[k])) trainableChanged += 1;
      } else {
        assert.deepEqual(a, b, `${w.name} is frozen and must not change`);
        frozenCompared += 1;
      }
    });
  }
  assert.ok(frozenCompared > 0);
  assert.ok(trainableChanged > 0, 'LoRA weights change');
});

test('memory does not grow step after step', async () => {
  const dir = tempDir();
  const csv = writeTabularCsv(dir);
  const before = tf.memory().numTensors;
  await createAndRun(path.join(dir, 'runs'), csv, { ...FAST, technique: 'adapter', epochs: 1 });
  const afterOne = tf.memory().numTensors;
  await createAndRun(path.join(dir, 'runs'), csv, { ...FAST, technique: 'adapter', epochs: 4 });
  const afterFour = tf.memory().numTensors;
  assert.equal(afterFour - afterOne, afterOne - before, `tensors: ${before} → ${afterOne} → ${afterFour}`);
});

test('tabular regression reports MAE, RMSE and R²', async () => {
  const dir = tempDir();
  const csv = writeRegressionCsv(dir);
  const { store, runId } = await createAndRun(path.join(dir, 'runs'), csv, { ...FAST, technique: 'full', epochs: 30, learningRate: 0.01 });
  const evaluation = await store.readEvaluation(runId);
  assert.ok(evaluation && evaluation.task === 'tabular-regression');
  assert.ok(evaluation.r2 > 0.8, `R² ${evaluation.r2}`);
  assert.ok(evaluation.mae < 15, `MAE ${evaluation.mae}`);
});

test('text classification fine-tunes the embedded nn-sentiment model (lora, then features from cached outputs)', async () => {
  const dir = tempDir();
  const csv = writeTextCsv(dir, 96);
  for (const technique of ['lora', 'features'] as const) {
    const { store, runId, result } = await createAndRun(path.join(dir, 'runs'), csv, { technique, epochs: 2, batchSize: 16, learningRate: 0.01 });
    assert.equal(result.status, 'completed');
    const run = await store.readRun(runId);
    assert.equal(run.model?.source, 'nn-sentiment');
    assert.equal(run.dataset?.task, 'text-classification');
    assert.equal(run.dataset?.text, 'review');
    assert.deepEqual(run.dataset?.classes, ['bad', 'good']);
    const evaluation = await store.readEvaluation(runId);
    assert.ok(evaluation && evaluation.task === 'text-classification');
    assert.ok(evaluation.accuracy >= 0.75, `${technique}: accuracy ${evaluation.accuracy} on words that carry the label`);
    if (technique === 'features') assert.equal(run.model?.trainableParams, 80 * 2 + 2, 'only the new head trains');
  }
});
