import { test } from 'node:test';
import assert from 'node:assert/strict';
import { confidenceOf, diffPredictions } from '../../../src/panels/comparePerExample';
import type { RunRecord } from '../../../src/protocol/runTypes';
import { completedRun, prediction } from './compareFixtures';

const labels = ['neg', 'pos', 'neg', 'pos', 'neg'];
const lines = [2, 5, 9, 12, 20];

function side(run: RunRecord, predicted: readonly string[], rows = lines) {
  return { run, predictions: rows.map((line, i) => prediction(line, labels[i], predicted[i])) };
}

test('fixed and broken: the rows one run gets right and the other wrong, by line', () => {
  const a = side(completedRun('features'), ['neg', 'neg', 'pos', 'pos', 'pos']); // right: 2, 12
  const b = side(completedRun('lora'), ['neg', 'pos', 'neg', 'neg', 'pos']); // right: 2, 5, 9
  const diff = diffPredictions(a, b);
  assert.equal(diff.kind, 'compared');
  if (diff.kind !== 'compared') return;
  assert.equal(diff.rows, 5);
  assert.deepEqual(diff.fixed.map((r) => r.line), [5, 9]);
  assert.deepEqual(diff.broken.map((r) => r.line), [12]);
  assert.equal(diff.bothRight, 1);
  assert.equal(diff.bothWrong, 1);
  const fixed = diff.fixed[0];
  assert.equal(fixed.label, 'pos');
  assert.deepEqual(fixed.baseline, { prediction: 'neg', confidence: 0.8 });
  assert.deepEqual(fixed.candidate, { prediction: 'pos', confidence: 0.8 });
  // The other way round, fixed and broken swap.
  const back = diffPredictions(b, a);
  assert.ok(back.kind === 'compared' && back.fixed.map((r) => r.line).join() === '12' && back.broken.map((r) => r.line).join() === '5,9');
});

test('mismatched test rows are detected and explained, never matched', () => {
  const a = side(completedRun('seed1'), ['neg', 'pos', 'neg', 'pos', 'neg']);
  const b = side(completedRun('seed2'), ['neg', 'pos', 'neg', 'pos', 'neg'], [2, 5, 9, 13, 21]);
  const diff = diffPredictions(a, b);
  assert.equal(diff.kind, 'unavailable');
  assert.match(diff.kind === 'unavailable' ? diff.message : '', /different test rows: 3 shared, 2 only in "seed1" \(lines 12, 20\), 2 only in "seed2" \(lines 13, 21\)/);
});

test('another dataset file or version is told apart', () => {
  const base = completedRun('a');
  const other = completedRun('b', {}, { dataset: { ...base.dataset!, fingerprint: 'other' } });
  const diff = diffPredictions(side(base, labels), side(other, labels));
  assert.match(diff.kind === 'unavailable' ? diff.message : '', /different versions of \/data\/reviews\.csv/);
  const moved = completedRun('c', {}, { dataset: { ...base.dataset!, path: '/data/other.csv', fingerprint: 'x' } });
  assert.match(JSON.stringify(diffPredictions(side(base, labels), side(moved, labels))), /different dataset files/);
});

test('runs without predictions, regression runs and other label columns are explained', () => {
  const none = diffPredictions({ run: completedRun('a'), predictions: null }, side(completedRun('b'), labels));
  assert.match(none.kind === 'unavailable' ? none.message : '', /"a" has no test predictions yet/);
  const reg = completedRun('r', {}, { dataset: { ...completedRun('x').dataset!, task: 'tabular-regression', classes: [] } });
  assert.match(JSON.stringify(diffPredictions(side(reg, labels), side(completedRun('b'), labels))), /regression run/);
  const relabelled = { run: completedRun('c'), predictions: lines.map((line) => prediction(line, 'other', 'other')) };
  assert.match(JSON.stringify(diffPredictions(side(completedRun('b'), labels), relabelled)), /different label columns/);
});

test('confidence: the probability of the predicted class, in the run’s class order', () => {
  assert.equal(confidenceOf({ line: 1, label: 'pos', prediction: 'pos', probabilities: [0.3, 0.7] }, ['neg', 'pos']), 0.7);
  assert.equal(confidenceOf({ line: 1, label: 'pos', prediction: 'pos', probabilities: [0.3, 0.7] }, ['pos', 'neg']), 0.3);
  assert.equal(confidenceOf({ line: 1, label: 'pos', prediction: 'pos' }, ['neg', 'pos']), null);
});
