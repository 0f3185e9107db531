import './useVscodeStub';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeTrainConfig } from '../../../src/engine/training/trainDefaults';
import {
  columnsTemplate,
  parseEpochs,
  parseLearningRate,
  validateColumnsJson,
  validateEpochs,
  validateLearningRate,
  validateRunName,
} from '../../../src/host/commands/inputValidation';
import { evaluationHeadline, formatProbabilities, parseEvaluation, parsePrediction, storedEvaluationName } from '../../../src/host/commands/cliOutput';
import { suggestedHyperParameters } from '../../../src/host/commands/duplicateRunCommand';
import { exportFolderName, exportFormats } from '../../../src/host/commands/exportCheckpointCommand';
import { techniqueItems } from '../../../src/host/commands/techniqueChoices';
import type { RunRecord } from '../../../src/protocol/runTypes';

test('epochs input: whole numbers 1..1000', () => {
  assert.equal(parseEpochs(' 5 '), 5);
  for (const bad of ['', '0', '-1', '2.5', 'abc', '1001']) {
    assert.equal(parseEpochs(bad), null, bad);
    assert.ok(validateEpochs(bad));
  }
  assert.equal(validateEpochs('3'), null);
});

test('learning rate input: above 0, at most 1, exponents allowed', () => {
  assert.equal(parseLearningRate('2e-3'), 0.002);
  assert.equal(parseLearningRate('0.5'), 0.5);
  for (const bad of ['', '0', '-0.1', '2', 'fast']) assert.ok(validateLearningRate(bad), bad);
});

test('run names and tabular JSON inputs', () => {
  assert.ok(validateRunName('  '));
  assert.ok(validateRunName('x'.repeat(201)));
  assert.equal(validateRunName('my run'), null);
  assert.equal(columnsTemplate(['a', 'b']), '{"a":"","b":""}');
  assert.equal(validateColumnsJson('{"a":1,"b":"x"}', ['a', 'b']), null);
  assert.match(validateColumnsJson('{"a":1}', ['a', 'b']) ?? '', /Missing column: b/);
  assert.match(validateColumnsJson('[1]', ['a']) ?? '', /JSON object/);
  assert.match(validateColumnsJson('{a:', ['a']) ?? '', /JSON object/);
});

test('predict output: label and probabilities, most likely first', () => {
  const p = parsePrediction('{"line":0,"prediction":"spam","probabilities":{"ham":0.1,"spam":0.9}}\n');
  assert.equal(p.prediction, 'spam');
  assert.equal(formatProbabilities(p.probabilities ?? {}), 'spam 90.0%, ham 10.0%');
  assert.deepEqual(parsePrediction('noise\n{"line":0,"prediction":12.5}\n'), { prediction: 12.5, probabilities: null });
  assert.throws(() => parsePrediction(''), /no prediction/);
});

test('eval output: classification and regression headlines; stored file name', () => {
  const classification = {
    task: 'text-classification', checkpoint: 'best', rows: 10, loss: 0.3, accuracy: 0.9123, macroF1: 0.8871,
    perClass: [], confusion: { labels: ['a', 'b'], matrix: [[1, 0], [0, 1]] },
  };
  assert.equal(evaluationHeadline(parseEvaluation(JSON.stringify(classification, null, 2))), 'accuracy 0.912, macro-F1 0.887');
  const regression = { task: 'tabular-regression', checkpoint: 'best', rows: 10, loss: 1, mae: 1.2345, rmse: 2, r2: 0.8765 };
  assert.equal(evaluationHeadline(parseEvaluation(JSON.stringify(regression))), 'MAE 1.234, RMSE 2.000, R² 0.876');
  assert.throws(() => parseEvaluation('error'), /no evaluation/);
  assert.equal(storedEvaluationName('/data/my reviews (2).csv'), 'my_reviews__2_.csv.json');
});

test('duplicate: defaults follow the new technique, changed values are kept', () => {
  const config = makeTrainConfig('/d.csv', { technique: 'lora', model: 'nn-sentiment' });
  assert.deepEqual(suggestedHyperParameters(config, 'features'), { epochs: 8, learningRate: 3e-3 });
  assert.deepEqual(suggestedHyperParameters({ ...config, epochs: 7, learningRate: 1e-4 }, 'full'), { epochs: 7, learningRate: 1e-4 });
  const items = techniqueItems('adapter', 'current');
  assert.equal(items[0].technique, 'adapter');
  assert.equal(items[0].description, 'current');
  assert.equal(items.length, 4);
});

test('export formats: LoRA merge only for LoRA runs', () => {
  const record = (technique: 'lora' | 'features') => ({ config: makeTrainConfig('/d.csv', { technique }) }) as RunRecord;
  assert.deepEqual(exportFormats(record('lora')).map((f) => f.merge), [false, true]);
  assert.deepEqual(exportFormats(record('features')).map((f) => f.merge), [false]);
  assert.equal(exportFolderName('r1', 'best', true), 'r1-best-tfjs-merged');
});
