import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import type { TechniqueName } from '../../../src/protocol/configTypes';
import { readPreprocessing } from '../../../src/engine/runner/preprocessing';
import { UserError } from '../../../src/engine/userError';
import { tempDir, writeTabularCsv } from '../helpers/fixtures';
import { createAndRun, runById } from '../helpers/runHelpers';
import { writeLeftRightFolder } from './imageFixtures';

const SMALL = {
  model: 'mobilenet_v2',
  backend: 'wasm',
  image: { size: 32, cutLayer: null },
  batchSize: 8,
  split: { validation: 0.2, test: 0.2 },
  earlyStopping: { metric: 'loss', mode: 'min', patience: 0 },
} as const;

function mean(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

for (const [technique, epochs, learningRate] of [
  ['features', 12, 0.003],
  ['adapter', 4, 0.01],
  ['lora', 4, 0.01],
  ['full', 3, 0.002],
] as [TechniqueName, number, number][]) {
  test(`an image folder trains MobileNetV2 with ${technique} on wasm through the runner: loss goes down, a complete image run`, async () => {
    const dir = tempDir();
    const folder = await writeLeftRightFolder(path.join(dir, 'sides'), 12);
    const { store, runId, result } = await createAndRun(path.join(dir, 'runs'), folder, { ...SMALL, technique, epochs, learningRate });
    assert.equal(result.status, 'completed');
    const run = await store.readRun(runId);
    assert.equal(run.backend?.name, 'wasm');
    assert.equal(run.dataset?.task, 'image-classification');
    assert.deepEqual(run.dataset?.features, ['image']);
    assert.deepEqual(run.dataset?.classes, ['left', 'right']);
    assert.equal(run.model?.source, 'mobilenet_v2');
    if (technique !== 'full') assert.ok(run.model && run.model.trainableParams < run.model.totalParams / 10, 'a parameter-efficient technique trains few weights');
    const losses = (await store.readMetrics(runId)).filter((e) => e.split === 'train' && e.name === 'loss');
    const perEpoch = losses.length / epochs;
    const first = mean(losses.slice(0, perEpoch).map((e) => e.value));
    const last = mean(losses.slice(-perEpoch).map((e) => e.value));
    assert.ok(last < first, `training loss went from ${first} to ${last}`);
    const evaluation = await store.readEvaluation(runId);
    assert.ok(evaluation && evaluation.task === 'image-classification');
    assert.equal(evaluation.rows, run.dataset?.split.test);
    assert.equal((await store.readPredictions(runId))?.length, evaluation.rows);
    const pre = await readPreprocessing(store.runDir(runId));
    assert.deepEqual(pre.encoder, { kind: 'image', size: 32, channels: 3, scale: 'divide-by-255', resize: 'stretch' });
  });
}

test('model and dataset must match: mlp on images, mobilenet_v2 on a table are user errors', async () => {
  const dir = tempDir();
  const folder = await writeLeftRightFolder(path.join(dir, 'sides'), 3, 8);
  await assert.rejects(
    createAndRun(path.join(dir, 'runs'), folder, { ...SMALL, model: 'mlp', technique: 'features', epochs: 1 }),
    (e: unknown) => e instanceof UserError && /does not read images/.test(e.message) && /--model mobilenet_v2/.test(e.hint ?? ''),
  );
  const csv = writeTabularCsv(dir, 30);
  await assert.rejects(
    createAndRun(path.join(dir, 'runs'), csv, { ...SMALL, technique: 'features', epochs: 1 }),
    (e: unknown) => e instanceof UserError && /reads images/.test(e.message),
  );
});

test('an image run stopped mid-training resumes from its checkpoint (encoder restored from preprocessing.json)', async () => {
  const dir = tempDir();
  const folder = await writeLeftRightFolder(path.join(dir, 'sides'), 8, 8);
  const stopped = await createAndRun(path.join(dir, 'runs'), folder, { ...SMALL, technique: 'features', epochs: 4 }, { stopAfterSteps: 3 });
  assert.equal(stopped.result.status, 'stopped');
  const resumed = await runById(stopped.store, stopped.runId, { resume: true });
  assert.equal(resumed.status, 'completed');
  const losses = (await stopped.store.readMetrics(stopped.runId)).filter((e) => e.split === 'train' && e.name === 'loss');
  assert.deepEqual(losses.map((e) => e.step), Array.from({ length: losses.length }, (_, i) => i + 1), 'every step once, none repeated');
  assert.equal((await stopped.store.readEvaluation(stopped.runId))?.task, 'image-classification');
});
