import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bestIndices, comparisonMetricRows } from '../../../src/engine/evaluation/comparisonMetrics';
import { renderComparisonReport, testRowsNote } from '../../../src/engine/evaluation/comparisonReport';
import { diffSettings, settingRows } from '../../../src/engine/evaluation/configRows';
import { renderReport } from '../../../src/engine/evaluation/report';
import { renderRunCurves, seriesByEpoch, seriesByStep } from '../../../src/engine/charts/runCurves';
import { findAll, parseXml } from '../helpers/xmlCheck';
import { fixtureEvaluation, fixtureMetrics, fixtureRun } from './comparisonFixtures';

const lora = fixtureRun('20261126-141530-lora-a1b2', 'lora');
const full = fixtureRun('20261126-141531-full-c3d4', 'full');

test('best values: max or min, ties all marked, nothing when fewer than two values or all equal', () => {
  assert.deepEqual(bestIndices([0.8, 0.9, 0.9, null], 'max'), [1, 2]);
  assert.deepEqual(bestIndices([3, 1, 2], 'min'), [1]);
  assert.deepEqual(bestIndices([0.5, null], 'max'), []);
  assert.deepEqual(bestIndices([0.5, 0.5], 'max'), []);
  assert.deepEqual(bestIndices([1, 2], null), []);
});

test('metric rows: test metrics, best validation value, parameters and time with their best', () => {
  const rows = comparisonMetricRows([
    { run: lora, evaluation: fixtureEvaluation(0.9) },
    { run: full, evaluation: fixtureEvaluation(0.8) },
  ]);
  const byLabel = new Map(rows.map((r) => [r.label, r]));
  assert.deepEqual(byLabel.get('Test accuracy')?.best, [0]);
  assert.deepEqual(byLabel.get('Test loss')?.best, [0], 'lower loss is better');
  assert.equal(byLabel.has('Test RMSE'), false, 'no regression rows for classification');
  assert.deepEqual(byLabel.get('Trainable parameters')?.values, [4000, 1_600_000]);
  assert.deepEqual(byLabel.get('Trainable parameters')?.best, [0]);
  assert.deepEqual(byLabel.get('Training time')?.best, [0]);
  assert.deepEqual(byLabel.get('Test rows')?.best, []);
  assert.ok(byLabel.has('Best validation loss'));
});

test('settings: flat dotted rows; only differences hides what every run shares', () => {
  const keys = settingRows(lora).map((r) => r.key);
  for (const key of ['dataset.fingerprint', 'dataset.split', 'model', 'technique', 'learningRate', 'lora.rank', 'earlyStopping.patience', 'backend', 'tfjs']) {
    assert.ok(keys.includes(key), key);
  }
  const diff = diffSettings([lora, full], true);
  const diffKeys = diff.rows.map((r) => r.key);
  assert.ok(diffKeys.includes('technique'));
  assert.ok(diffKeys.includes('learningRate'), 'full fine-tuning has a lower default learning rate');
  assert.ok(!diffKeys.includes('seed'));
  assert.ok(diff.hiddenSame > 10);
  assert.deepEqual(diff.rows.find((r) => r.key === 'technique')?.values, ['lora', 'full']);
  const all = diffSettings([lora, full], false);
  assert.equal(all.hiddenSame, 0);
  assert.equal(all.rows.length, diff.rows.length + diff.hiddenSame);
  assert.equal(diffSettings([lora, lora], true).rows.length, 0);
});

test('test rows note: runs on other files, splits or seeds are told apart', () => {
  assert.equal(testRowsNote([lora, full]), null);
  const otherSeed = fixtureRun('20261126-141532-lora-e5f6', 'lora', { config: { ...lora.config, seed: 1 } });
  assert.match(testRowsNote([lora, otherSeed]) ?? '', /not evaluated on the same test rows/);
});

test('comparison report: metrics with the best in bold, config differences, overlaid curves as pictures', () => {
  const report = renderComparisonReport(
    [
      { run: lora, evaluation: fixtureEvaluation(0.9, [0.85, 0.95]), metrics: fixtureMetrics(1) },
      { run: full, evaluation: fixtureEvaluation(0.8, [0.9, 0.7]), metrics: fixtureMetrics(2) },
    ],
    { onlyDifferences: true, imageBase: 'cmp' },
  );
  const md = report.markdown;
  assert.match(md, /^# Comparison of 2 runs\n/);
  assert.match(md, /\| Test accuracy \| \*\*0.9000\*\* \| 0.8000 \|/);
  assert.match(md, /\| Trainable parameters \| \*\*4,000\*\* \| 1,600,000 \|/);
  assert.match(md, /\| Training time \| \*\*40.0s\*\* \| 2m 00s \|/);
  assert.match(md, /### F1 by class[\s\S]*\| bad \| 0.8500 \| \*\*0.9000\*\* \|[\s\S]*\| good \| \*\*0.9500\*\* \| 0.7000 \|/);
  assert.match(md, /## Configuration differences[\s\S]*\| `technique` \| lora \| full \|/);
  assert.doesNotMatch(md, /`seed`/);
  assert.match(md, /other settings are the same in every run/);
  assert.deepEqual(Object.keys(report.svgs).sort(), ['cmp-train-loss.svg', 'cmp-validation-accuracy.svg', 'cmp-validation-loss.svg']);
  for (const [file, svg] of Object.entries(report.svgs)) {
    assert.ok(md.includes(`](${file})`), `${file} is referenced`);
    const root = parseXml(svg);
    assert.equal(findAll(root, 'path').length, 2, `${file}: one curve per run`);
  }
  assert.doesNotMatch(md, /Generated/, 'reproducible without generatedAt');
});

test('comparison report options: all settings, no pictures, a title and a time', () => {
  const report = renderComparisonReport(
    [
      { run: lora, evaluation: null, metrics: [] },
      { run: full, evaluation: fixtureEvaluation(0.8), metrics: [] },
    ],
    { onlyDifferences: false, imageBase: null, title: 'Holdout', generatedAt: '2026-11-26T15:00:00.000Z' },
  );
  assert.deepEqual(report.svgs, {});
  assert.match(report.markdown, /^# Holdout\n\nGenerated 2026-11-26T15:00:00.000Z./);
  assert.match(report.markdown, /## Configuration\n[\s\S]*\| `seed` \| 42 \| 42 \|/);
  assert.match(report.markdown, /\| `technique` \| \*\*lora\*\* \| \*\*full\*\* \|/, 'differences in bold');
  assert.match(report.markdown, /\| Test accuracy \| — \| 0.8000 \|/, 'a run without evaluation shows a dash, no bold');
  assert.doesNotMatch(report.markdown, /Learning curves/);
  assert.throws(() => renderComparisonReport([], { onlyDifferences: true }));
});

test('run curves: last value per step, epochs from 1, and the picture in report.md', () => {
  const metrics = fixtureMetrics();
  const resumed = [...metrics, { ...metrics[0], value: 9 }];
  assert.equal(seriesByStep(resumed, 'train', 'loss')[0][1], 9, 'a re-logged step keeps its last value');
  assert.deepEqual(seriesByEpoch(metrics, 'validation', 'accuracy').map((p) => p[0]), [1, 2, 3]);
  const svg = renderRunCurves(lora, metrics);
  assert.ok(svg);
  const root = parseXml(svg);
  assert.equal(findAll(root, 'path').length, 2, 'training and validation loss');
  assert.equal(renderRunCurves(lora, []), null);
  const md = renderReport(lora, fixtureEvaluation(0.9), metrics, null, { curves: 'curves.svg', confusion: 'confusion.svg' });
  assert.match(md, /## Training\n\n!\[Learning curves: training and validation loss by step\]\(curves.svg\)\n/);
  assert.match(md, /!\[Confusion matrix\]\(confusion.svg\)/);
  const plain = renderReport(lora, fixtureEvaluation(0.9), metrics);
  assert.doesNotMatch(plain, /!\[/, 'no pictures unless named');
  assert.match(renderReport(lora, null, metrics, null, { curves: 'my curves.svg' }), /\(<my curves.svg>\)/);
  assert.match(renderReport({ ...lora, sweepId: 'sweep-20261126-141530-abcd' }, null, []), /part of sweep `sweep-20261126-141530-abcd`/);
});
