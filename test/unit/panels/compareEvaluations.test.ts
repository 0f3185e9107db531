// Named evaluations in the comparison panel: shared choices, resolution, the evaluated dataset, report file names.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluatedDatasetPath, evaluatedRun, resolveEvaluation, sharedEvaluations, withNamedEvaluation } from '../../../src/panels/compareEvaluations';
import { defaultReportName, reportImageBase, reportTitle } from '../../../src/panels/compareReportFile';
import type { NamedEvaluationInfo } from '../../../src/protocol/namedEvaluationTypes';
import { classification, completedRun, prediction, runData } from './compareFixtures';

function info(name: string, datasetPath = `/data/${name}.csv`): NamedEvaluationInfo {
  return { name, checkpoint: 'best', datasetPath, createdAt: '2026-11-26T10:00:00.000Z', hasPredictions: true };
}

test('evaluations: only those every run has, in the first run order; a missing choice falls back to the test split', () => {
  const a = runData(completedRun('a'), { namedEvaluations: [info('holdout'), info('extra'), info('shared')] });
  const b = runData(completedRun('b'), { namedEvaluations: [info('shared'), info('holdout')] });
  const choices = sharedEvaluations([a, b]);
  assert.deepEqual(choices.map((c) => c.name), ['holdout', 'shared']);
  assert.equal(choices[0].datasetPath, '/data/holdout.csv');
  assert.deepEqual(sharedEvaluations([a, runData(completedRun('c'))]), []);
  assert.deepEqual(sharedEvaluations([]), []);
  assert.equal(resolveEvaluation('holdout', choices), 'holdout');
  assert.equal(resolveEvaluation('extra', choices), null);
  assert.equal(resolveEvaluation(null, choices), null);
});

test('evaluations: a named evaluation replaces metrics and predictions, and its file is the one lines refer to', () => {
  const data = runData(completedRun('a'), { evaluation: classification(0.7), predictions: [prediction(2, 'pos', 'pos')] });
  assert.equal(evaluatedRun(data), data.run);
  assert.equal(evaluatedDatasetPath(data), '/data/reviews.csv');
  const named = withNamedEvaluation(
    data,
    {
      schemaVersion: 1,
      name: 'holdout',
      runId: 'a',
      checkpoint: 'best',
      dataset: { path: '/data/holdout.csv', fingerprint: 'h', rows: 3, skippedRows: 0 },
      createdAt: '2026-11-26T10:00:00.000Z',
      evaluation: classification(0.95),
    },
    [prediction(7, 'neg', 'neg')],
  );
  assert.equal(named.evaluation?.task === 'text-classification' ? named.evaluation.accuracy : null, 0.95);
  assert.deepEqual(named.predictions?.map((p) => p.line), [7]);
  assert.equal(evaluatedDatasetPath(named), '/data/holdout.csv');
  assert.equal(evaluatedRun(named).dataset?.path, '/data/holdout.csv');
  assert.equal(evaluatedRun(named).dataset?.fingerprint, 'h');
  assert.equal(named.run, data.run, 'the configuration is the run own');
});

test('report file: dated default name, picture stem from the chosen file, title names the evaluation', () => {
  assert.equal(defaultReportName(new Date(2026, 10, 6, 12)), 'comparison-2026-11-06.md');
  assert.equal(reportImageBase('/ws/reports/lora-vs-full.md'), 'lora-vs-full');
  assert.equal(reportImageBase('C:\\ws\\comparison-2026-11-06.md'), 'comparison-2026-11-06');
  assert.equal(reportTitle(4, null), 'Comparison of 4 runs');
  assert.equal(reportTitle(1, 'holdout'), 'Comparison of 1 run (evaluation "holdout")');
});
