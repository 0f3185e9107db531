import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import type { SetupOptions } from '../../../src/protocol/setupPanelProtocol';
import { applyOptionChange, defaultOptions, followDefaults } from '../../../src/panels/setupOptions';
import { defaultEpochs, defaultLearningRate } from '../../../src/engine/training/trainDefaults';

const text = { task: 'text-classification' as const, defaultTechnique: 'lora' as const };
const tabular = { task: 'tabular-classification' as const, defaultTechnique: 'lora' as const };
const inferred = { inferredLabel: 'sentiment', inferredText: 'review' };

test('defaults: the task picks the model, the setting the technique, the engine the numbers', () => {
  const o = defaultOptions(text);
  assert.equal(o.model, 'nn-sentiment');
  assert.equal(o.technique, 'lora');
  assert.equal(o.numbers.learningRate, String(defaultLearningRate('lora', 'nn-sentiment')));
  assert.equal(o.numbers.epochs, String(defaultEpochs('lora', 'nn-sentiment')));
  assert.equal(o.labelColumn, null);
  assert.equal(o.textColumn, null);
  assert.deepEqual(o.edited, []);
  assert.equal(defaultOptions({ ...text, defaultTechnique: 'features' }).technique, 'features');
});

test('the MLP, built from random weights, is preselected with full training and from-scratch numbers', () => {
  const o = defaultOptions(tabular);
  assert.equal(o.model, 'mlp');
  assert.equal(o.technique, 'full');
  assert.equal(o.numbers.epochs, String(defaultEpochs('full', 'mlp')));
  assert.equal(o.numbers.patience, '5');
});

test('changing the technique moves the numbers the user has not typed, and keeps those typed', () => {
  let o: SetupOptions = defaultOptions(text);
  o = applyOptionChange(o, { field: 'number', name: 'epochs', value: '7' }, { ...text, ...inferred });
  o = applyOptionChange(o, { field: 'technique', value: 'full' }, { ...text, ...inferred });
  assert.equal(o.technique, 'full');
  assert.equal(o.numbers.epochs, '7', 'typed: kept');
  assert.equal(o.numbers.learningRate, String(defaultLearningRate('full')), 'untouched: follows the technique');
  assert.deepEqual([...o.edited].sort(), ['epochs', 'technique']);
});

test('a chosen technique survives a model change; an unchosen one follows the model', () => {
  const base = defaultOptions(text);
  const followed = applyOptionChange(base, { field: 'model', value: 'mlp' }, { ...text, ...inferred });
  assert.equal(followed.technique, 'full');
  const chosen = applyOptionChange(applyOptionChange(base, { field: 'technique', value: 'adapter' }, { ...text, ...inferred }), { field: 'model', value: 'mlp' }, { ...text, ...inferred });
  assert.equal(chosen.technique, 'adapter');
  assert.equal(chosen.numbers.learningRate, String(defaultLearningRate('adapter', 'mlp')));
});

test('choosing the inferred column is stored as "inferred" (null); another column by name', () => {
  const o = defaultOptions(text);
  assert.equal(applyOptionChange(o, { field: 'labelColumn', value: 'sentiment' }, { ...text, ...inferred }).labelColumn, null);
  assert.equal(applyOptionChange(o, { field: 'labelColumn', value: 'stars' }, { ...text, ...inferred }).labelColumn, 'stars');
  assert.equal(applyOptionChange(o, { field: 'textColumn', value: 'title' }, { ...text, ...inferred }).textColumn, 'title');
});

test('when the task changes, an unchosen model follows it; a chosen one stays', () => {
  const o = defaultOptions(text);
  assert.equal(followDefaults(o, tabular).model, 'mlp');
  const chosen = applyOptionChange(o, { field: 'model', value: 'nn-sentiment' }, { ...text, ...inferred });
  assert.equal(followDefaults(chosen, tabular).model, 'nn-sentiment');
});

test('reset to defaults keeps the chosen model and columns, and forgets typed numbers', () => {
  let o = defaultOptions(text);
  o = applyOptionChange(o, { field: 'model', value: '/models/mine' }, { ...text, ...inferred });
  o = applyOptionChange(o, { field: 'labelColumn', value: 'stars' }, { ...text, ...inferred });
  o = applyOptionChange(o, { field: 'number', name: 'batchSize', value: '8' }, { ...text, ...inferred });
  o = applyOptionChange(o, { field: 'optimizer', value: 'adam' }, { ...text, ...inferred });
  const reset = applyOptionChange(o, { field: 'defaults' }, { ...text, ...inferred });
  assert.equal(reset.model, '/models/mine');
  assert.equal(reset.labelColumn, 'stars');
  assert.equal(reset.numbers.batchSize, '32');
  assert.equal(reset.optimizer, 'adamw');
  assert.deepEqual(reset.edited, ['model']);
});
