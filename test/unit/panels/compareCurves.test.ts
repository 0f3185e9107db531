import { test } from 'node:test';
import assert from 'node:assert/strict';
import { curveMetrics, runCurves, thinSeries } from '../../../src/panels/compareCurves';
import type { MetricEvent } from '../../../src/protocol/runTypes';
import { alignCurves, ema, lastValue, nearestValue, toAxis } from '../../../webview/compare/curveAlign';
import { slotColor } from '../../../webview/compare/palette';
import { epochMetrics } from './compareFixtures';

const T = '2026-11-26T14:15:40.000Z';

test('run curves: one series per split/name, steps ascending, test split left out', () => {
  const curves = runCurves([...epochMetrics([0.5, 0.4], [0.8, 0.9]), { step: 20, epoch: 1, split: 'test', name: 'accuracy', value: 0.9, time: T }]);
  const keys = curves.series.map((s) => s.key).sort();
  assert.deepEqual(keys, ['train/loss', 'validation/accuracy', 'validation/loss']);
  const val = curves.series.find((s) => s.key === 'validation/loss');
  assert.deepEqual(val?.step, [10, 20]);
  assert.deepEqual(val?.value, [0.5, 0.4]);
});

test('run curves: a resumed run logs steps again; the last event of a step wins', () => {
  const events: MetricEvent[] = [
    { step: 1, epoch: 0, split: 'train', name: 'loss', value: 1, time: T },
    { step: 2, epoch: 0, split: 'train', name: 'loss', value: 0.9, time: T },
    { step: 2, epoch: 0, split: 'train', name: 'loss', value: 0.8, time: T },
  ];
  assert.deepEqual(runCurves(events).series[0], { key: 'train/loss', step: [1, 2], value: [1, 0.8] });
});

test('thinning: long series become bucket means, the last point kept', () => {
  const step = Array.from({ length: 10001 }, (_, i) => i);
  const value = step.map((s) => s * 2);
  const thin = thinSeries(step, value, 101);
  assert.ok(thin.step.length <= 101, String(thin.step.length));
  assert.equal(thin.step[thin.step.length - 1], 10000);
  assert.equal(thin.value[thin.value.length - 1], 20000);
  thin.step.forEach((s, i) => assert.ok(Math.abs(thin.value[i] - 2 * s) < 1e-9));
  assert.deepEqual(thinSeries([1, 2], [3, 4], 100), { step: [1, 2], value: [3, 4] });
});

test('curve metrics: union over runs, losses first and on a log scale', () => {
  const metrics = curveMetrics([
    runCurves(epochMetrics([0.5], [0.8])),
    { series: [{ key: 'train/learningRate', step: [1], value: [0.001] }, { key: 'validation/macroF1', step: [10], value: [0.7] }] },
  ]);
  assert.deepEqual(metrics.map((m) => m.key), ['train/loss', 'validation/loss', 'validation/accuracy', 'validation/macroF1', 'train/learningRate']);
  assert.deepEqual(metrics.map((m) => m.logScale), [true, true, false, false, false]);
  assert.equal(metrics[1].label, 'Validation loss');
});

test('align: by epoch, runs with other batch sizes line up; by step they do not', () => {
  const a = { series: { key: 'validation/loss', step: [10, 20], value: [0.5, 0.4] }, stepsPerEpoch: 10 };
  const b = { series: { key: 'validation/loss', step: [5, 10], value: [0.6, 0.3] }, stepsPerEpoch: 5 };
  const byEpoch = alignCurves([a, b], { axis: 'epoch', smoothing: 0, logScale: false });
  assert.deepEqual(byEpoch.x, [1, 2]);
  assert.deepEqual(byEpoch.series, [[0.5, 0.4], [0.6, 0.3]]);
  const byStep = alignCurves([a, b], { axis: 'step', smoothing: 0, logScale: false });
  assert.deepEqual(byStep.x, [5, 10, 20]);
  assert.deepEqual(byStep.series, [[null, 0.5, 0.4], [0.6, 0.3, null]]);
});

test('align: a run without the metric is all null; without steps per epoch it cannot be placed by epoch', () => {
  const a = { series: { key: 'validation/loss', step: [10], value: [0.5] }, stepsPerEpoch: null };
  const none = { series: null, stepsPerEpoch: 10 };
  const aligned = alignCurves([a, none], { axis: 'epoch', smoothing: 0, logScale: false });
  assert.deepEqual(aligned.unplaced, [0]);
  assert.deepEqual(aligned.x, []);
  assert.deepEqual(alignCurves([a, none], { axis: 'step', smoothing: 0, logScale: false }).series, [[0.5], [null]]);
  assert.equal(toAxis(30, 'epoch', 10), 3);
  assert.equal(toAxis(30, 'step', null), 30);
});

test('align: the log scale drops values <= 0', () => {
  const a = { series: { key: 'train/loss', step: [1, 2, 3], value: [0.5, 0, 0.2] }, stepsPerEpoch: 3 };
  assert.deepEqual(alignCurves([a], { axis: 'step', smoothing: 0, logScale: true }).series, [[0.5, null, 0.2]]);
});

test('EMA: no start-up bias, constant series unchanged, weight 0 is the identity', () => {
  assert.deepEqual(ema([2, 2, 2], 0.9).map((v) => Number(v.toFixed(9))), [2, 2, 2]);
  assert.deepEqual(ema([1, 3], 0), [1, 3]);
  const smoothed = ema([0, 10, 0, 10, 0, 10], 0.6);
  assert.equal(smoothed[0], 0);
  for (const v of smoothed.slice(2)) assert.ok(v > 2 && v < 8, String(v));
});

test('legend values: the nearer point inside a run’s range, none outside it', () => {
  const column = [null, 1, null, null, 4, null];
  assert.equal(nearestValue(column, 1), 1);
  assert.equal(nearestValue(column, 2), 1);
  assert.equal(nearestValue(column, 3), 4);
  assert.equal(nearestValue(column, 0), null);
  assert.equal(nearestValue(column, 5), null);
  assert.equal(lastValue(column), 4);
  assert.equal(lastValue([null]), null);
});

test('run colours: the theme’s chart colours first, then distinct hues for any number of runs', () => {
  const theme = ['#1', '#2', '#3'];
  assert.deepEqual([0, 1, 2].map((i) => slotColor(i, theme)), theme);
  const more = Array.from({ length: 30 }, (_, i) => slotColor(i + 3, theme));
  assert.equal(new Set(more).size, 30);
  for (const c of more) assert.match(c, /^hsl\(\d+, 65%, \d+%\)$/);
});
