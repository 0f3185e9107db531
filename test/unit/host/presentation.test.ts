import './useVscodeStub';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkpointDescription, formatBytes, formatDuration, formatMetric, percentOf, progressText } from '../../../src/views/runPresentation';
import { statusBarText } from '../../../src/host/trainingStatusBar';
import { headlineMetric } from '../../../src/host/runNotifications';

test('metrics, durations, sizes', () => {
  assert.equal(formatMetric('accuracy', 0.91234), 'acc 0.912');
  assert.equal(formatMetric('loss', 0.230612), 'loss 0.2306');
  assert.equal(formatMetric('mae', 123.456), 'MAE 123.5');
  assert.equal(formatMetric('r2', 0.5), 'R² 0.500');
  assert.equal(formatMetric('loss', NaN), 'loss –');
  assert.equal(formatDuration(42), '42s');
  assert.equal(formatDuration(200), '3m 20s');
  assert.equal(formatDuration(3900), '1h 05m');
  assert.equal(formatBytes(512), '512 B');
  assert.equal(formatBytes(1536 * 1024), '1.5 MB');
});

test('progress: percentage and 1-based epochs', () => {
  assert.equal(percentOf({ step: 0, totalSteps: 0 }), null);
  assert.equal(percentOf({ step: 61, totalSteps: 60 }), 100);
  assert.equal(progressText({ epoch: 0, step: 5, totalSteps: 60, epochs: 3 }, 75), '8% · epoch 1/3 · ETA 1m 15s');
  assert.equal(progressText({ epoch: 3, step: 60, totalSteps: 60, epochs: 3 }), '100% · epoch 3/3');
});

test('checkpoint descriptions', () => {
  const state = { name: 'last', epoch: 1, step: 12, batchInEpoch: 3, rngState: [], bestValue: null, bestEpoch: 0, badValidations: 0, metric: 'loss', value: null, time: '' };
  assert.equal(checkpointDescription(state, false), 'epoch 2 · step 12');
  assert.equal(checkpointDescription(null, true), 'being written… · best');
});

test('status bar text: first run with progress and ETA, then counts', () => {
  const progress = { epoch: 1, step: 30, totalSteps: 60, epochs: 3, etaSeconds: 90, loss: 0.2, phase: 'training' };
  assert.equal(statusBarText([{ name: 'reviews.csv · lora', progress }], 0), '$(sync~spin) reviews.csv · lora 50% · epoch 2/3 · ETA 1m 30s');
  assert.equal(
    statusBarText([{ name: 'a'.repeat(40), progress: null }, { name: 'b', progress: null }], 2),
    `$(sync~spin) ${'a'.repeat(31)}… starting… · +1 running · 2 queued`,
  );
  assert.equal(statusBarText([], 1), '$(clock) Fine-Tune · 1 queued');
});

test('finish notification headline: accuracy or R²', () => {
  assert.equal(headlineMetric(null), null);
  assert.equal(
    headlineMetric({ task: 'tabular-regression', checkpoint: 'best', rows: 1, loss: 0, mae: 0, rmse: 0, r2: 0.87 }),
    'test R² 0.870',
  );
  assert.equal(
    headlineMetric({ task: 'tabular-classification', checkpoint: 'best', rows: 1, loss: 0, accuracy: 0.9, macroF1: 0.9, perClass: [], confusion: { labels: [], matrix: [] } }),
    'test accuracy 0.900',
  );
});
