import { test } from 'node:test';
import assert from 'node:assert/strict';
import { confusionDifference, confusionOf } from '../../../src/panels/compareConfusion';
import { changeKind } from '../../../webview/compare/confusionChange';
import { classification, regression } from './compareFixtures';

test('difference: candidate minus baseline, cell by cell', () => {
  const a = { labels: ['neg', 'pos'], matrix: [[18, 2], [4, 16]] };
  const b = { labels: ['neg', 'pos'], matrix: [[19, 1], [2, 18]] };
  assert.deepEqual(confusionDifference(a, b, true), { labels: ['neg', 'pos'], matrix: [[1, -1], [-2, 2]], note: null });
});

test('difference: labels are matched by name, in the baseline order, then the candidate’s new ones', () => {
  const a = { labels: ['pos', 'neg'], matrix: [[16, 4], [2, 18]] };
  const b = { labels: ['neg', 'pos', 'neutral'], matrix: [[18, 2, 0], [4, 16, 0], [0, 1, 3]] };
  const d = confusionDifference(a, b, true);
  assert.deepEqual(d.labels, ['pos', 'neg', 'neutral']);
  assert.deepEqual(d.matrix, [[0, 0, 0], [0, 0, 0], [1, 0, 3]]);
});

test('difference: different test rows are said, not hidden', () => {
  const a = { labels: ['neg', 'pos'], matrix: [[1, 0], [0, 1]] };
  const b = { labels: ['neg', 'pos'], matrix: [[2, 0], [0, 1]] };
  assert.match(confusionDifference(a, b, false).note ?? '', /different test rows \(2 and 3\)/);
});

test('a classification evaluation has a matrix; regression has none', () => {
  assert.deepEqual(confusionOf(classification(0.9))?.labels, ['neg', 'pos']);
  assert.equal(confusionOf(regression(1)), null);
  assert.equal(confusionOf(null), null);
});

test('cell colours: more right on the diagonal and fewer mistakes off it are better', () => {
  assert.equal(changeKind(2, true), 'better');
  assert.equal(changeKind(-2, true), 'worse');
  assert.equal(changeKind(2, false), 'worse');
  assert.equal(changeKind(-1, false), 'better');
  assert.equal(changeKind(0, false), 'same');
});
