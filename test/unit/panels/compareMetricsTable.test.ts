import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bestColumns, buildMetricsTable, directionOf } from '../../../src/panels/compareMetricsTable';
import { columnOrder, sortedColumns } from '../../../src/panels/compareSort';
import { examplesPerSecond } from '../../../src/panels/compareThroughput';
import type { MetricRow } from '../../../src/protocol/comparePanelProtocol';
import type { MetricEvent } from '../../../src/protocol/runTypes';
import { classification, completedRun, epochMetrics, regression, runData } from './compareFixtures';

function rowOf(rows: MetricRow[], key: string): MetricRow {
  const row = rows.find((r) => r.key === key);
  assert.ok(row, `row ${key} missing; rows: ${rows.map((r) => r.key).join(', ')}`);
  return row;
}

test('best value: higher-better and lower-better rows pick opposite ends', () => {
  assert.deepEqual(bestColumns([0.8, 0.9, 0.85], 'higher'), [1]);
  assert.deepEqual(bestColumns([0.8, 0.9, 0.85], 'lower'), [0]);
});

test('best value: ties are all marked, a row of equal values marks none, missing values are skipped', () => {
  assert.deepEqual(bestColumns([0.9, 0.7, 0.9], 'higher'), [0, 2]);
  assert.deepEqual(bestColumns([0.5, 0.5, 0.5], 'lower'), []);
  assert.deepEqual(bestColumns([null, 0.4, 0.6], 'lower'), [1]);
  assert.deepEqual(bestColumns([null, 0.4, null], 'lower'), []);
  assert.deepEqual(bestColumns([1, 2], 'none'), []);
});

test('directions: accuracy, F1 and R² are better higher; loss, MAE and RMSE lower', () => {
  for (const m of ['accuracy', 'macroF1', 'r2', 'f1']) assert.equal(directionOf(m), 'higher', m);
  for (const m of ['loss', 'mae', 'rmse']) assert.equal(directionOf(m), 'lower', m);
});

test('table: test metrics, best and final validation values, per class, and cost, one value per run', () => {
  const a = runData(completedRun('a', { technique: 'lora' }, { trainingSeconds: 30 }), {
    evaluation: classification(0.8),
    metrics: epochMetrics([0.6, 0.4, 0.5], [0.7, 0.8, 0.75]),
    bestCheckpointBytes: 2048,
  });
  const b = runData(completedRun('b', { technique: 'full' }, { trainingSeconds: 90, model: { source: 'nn-sentiment', fingerprint: 'm', totalParams: 1_500_000, trainableParams: 1_500_000 } }), {
    evaluation: classification(0.9),
    metrics: epochMetrics([0.5, 0.45, 0.3], [0.8, 0.85, 0.9]),
    bestCheckpointBytes: 6_000_000,
  });
  const rows = buildMetricsTable([a, b]);
  const accuracy = rowOf(rows, 'test/accuracy');
  assert.deepEqual(accuracy.values, [0.8, 0.9]);
  assert.deepEqual(accuracy.best, [1]);
  assert.equal(accuracy.format, 'percent');
  assert.deepEqual(rowOf(rows, 'test/loss').best, [1]);
  assert.deepEqual(rowOf(rows, 'best/loss').values, [0.4, 0.3]);
  assert.deepEqual(rowOf(rows, 'final/loss').values, [0.5, 0.3]);
  assert.deepEqual(rowOf(rows, 'best/accuracy').values, [0.8, 0.9]);
  assert.deepEqual(rowOf(rows, 'class/neg/recall').values.map((v) => v?.toFixed(2)), ['0.70', '0.80']);
  // Cost: fewer trainable parameters, less time and a smaller model are better.
  assert.deepEqual(rowOf(rows, 'cost/trainableParams').best, [0]);
  assert.deepEqual(rowOf(rows, 'cost/trainingSeconds').best, [0]);
  assert.deepEqual(rowOf(rows, 'cost/modelBytes').values, [2048, 6_000_000]);
  assert.deepEqual(rowOf(rows, 'cost/modelBytes').best, [0]);
  assert.deepEqual(rowOf(rows, 'cost/totalParams').best, []);
  for (const row of rows) assert.equal(row.values.length, 2, row.key);
  // Groups come in display order.
  const groups = [...new Set(rows.map((r) => r.group))];
  assert.deepEqual(groups, ['Test', 'Validation', 'Per class', 'Cost']);
});

test('table: regression runs get MAE, RMSE and R² rows; a run without evaluation has no value', () => {
  const a = runData(completedRun('a'), { evaluation: regression(2) });
  const b = runData(completedRun('b'), { evaluation: regression(1) });
  const c = runData(completedRun('c'));
  const rows = buildMetricsTable([a, b, c]);
  assert.deepEqual(rowOf(rows, 'test/mae').best, [1]);
  assert.deepEqual(rowOf(rows, 'test/r2').best, [1]);
  assert.equal(rowOf(rows, 'test/mae').values[2], null);
  assert.equal(rows.some((r) => r.key === 'test/accuracy'), false);
});

test('examples/s: train rows per step over the time between steps; pauses left out', () => {
  // 320 train rows, batch 32: 10 steps per epoch, 32 examples per step, 100 ms per step → 320/s.
  const run = completedRun('a');
  const events = epochMetrics([0.5, 0.4], [0.8, 0.9], 100);
  assert.ok(Math.abs((examplesPerSecond(events, run) ?? 0) - 320) < 1);
  // A resume a day later does not drag the figure down.
  const later: MetricEvent[] = events.map((e) => (e.step > 12 ? { ...e, time: new Date(Date.parse(e.time) + 86_400_000).toISOString() } : e));
  assert.ok(Math.abs((examplesPerSecond(later, run) ?? 0) - 320) < 1);
  assert.equal(examplesPerSecond([], run), null);
});

test('sort: best first follows the direction, missing values last, ties in added order', () => {
  const row: MetricRow = { key: 'test/loss', group: 'Test', label: 'Test loss', direction: 'lower', format: 'value', values: [0.5, null, 0.2, 0.5], best: [2] };
  assert.deepEqual(sortedColumns(row, { row: 'test/loss', bestFirst: true }), [2, 0, 3, 1]);
  assert.deepEqual(sortedColumns(row, { row: 'test/loss', bestFirst: false }), [0, 3, 2, 1]);
  const accuracy: MetricRow = { ...row, key: 'test/accuracy', direction: 'higher', values: [0.7, 0.9, null, 0.8] };
  assert.deepEqual(sortedColumns(accuracy, { row: 'test/accuracy', bestFirst: true }), [1, 3, 0, 2]);
  assert.deepEqual(columnOrder([row], { row: 'gone', bestFirst: true }, 4), [0, 1, 2, 3]);
  assert.deepEqual(columnOrder([row], null, 4), [0, 1, 2, 3]);
});
