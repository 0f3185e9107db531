import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import type { NumberField, SetupOptions } from '../../../src/protocol/setupPanelProtocol';
import { defaultOptions } from '../../../src/panels/setupOptions';
import { validateSetup, type ValidationContext } from '../../../src/panels/setupValidation';
import { parseNumberField } from '../../../src/panels/setupNumbers';
import { imageFolderInspection, MLP, MOBILENET, NN_SENTIMENT, tabularInspection, textInspection } from './setupFixtures';

const textOptions = defaultOptions({ task: 'text-classification', defaultTechnique: 'lora' });
const ready = (inspection = textInspection()): ValidationContext => ({
  dataset: { status: 'ready', inspection },
  model: NN_SENTIMENT,
  modelProblem: null,
  trusted: true,
  starting: false,
});

function withNumber(options: SetupOptions, field: NumberField, value: string): SetupOptions {
  return { ...options, numbers: { ...options.numbers, [field]: value } };
}

test('the defaults on a good text dataset can start', () => {
  const v = validateSetup(textOptions, ready());
  assert.deepEqual(v.issues, []);
  assert.equal(v.startBlocked, null);
});

test('no usable rows blocks Start with the reason next to it', () => {
  const v = validateSetup(textOptions, ready(textInspection({ skippedRows: 1000 })));
  assert.equal(v.startBlocked, 'No usable rows: fix the problems above');
  assert.equal(v.issues[0].field, 'dataset');
});

test('an invalid number is explained at its field, and blocks Start', () => {
  const cases: [NumberField, string, RegExp][] = [
    ['learningRate', '0', /^Learning rate must be > 0/],
    ['learningRate', 'fast', /^Learning rate must be a number$/],
    ['epochs', '2.5', /^Epochs must be a whole number$/],
    ['batchSize', '', /^Batch size is empty/],
    ['loraRank', '0', /^LoRA rank must be ≥ 1$/],
    ['testFraction', '0.6', /^Test fraction must be ≤ 0.5/],
  ];
  for (const [field, value, message] of cases) {
    const v = validateSetup(withNumber(textOptions, field, value), ready());
    const issue = v.issues.find((i) => i.field === field);
    assert.ok(issue, `${field}=${value} has an issue`);
    assert.match(issue.message, message);
    assert.equal(v.startBlocked, issue.message);
  }
});

test('fields of another technique or optimizer are not validated', () => {
  const adapter = { ...withNumber(textOptions, 'loraRank', 'x'), technique: 'adapter' as const };
  assert.equal(validateSetup(adapter, ready()).startBlocked, null);
  const adam = { ...withNumber(textOptions, 'weightDecay', '-1'), optimizer: 'adam' as const };
  assert.equal(validateSetup(adam, ready()).startBlocked, null);
  assert.ok(validateSetup({ ...adam, optimizer: 'adamw' }, ready()).startBlocked);
});

test('a text model on tabular data needs a text column', () => {
  const v = validateSetup(textOptions, ready(tabularInspection()));
  assert.match(v.startBlocked ?? '', /^A text model needs a text column/);
  const withText = tabularInspection({ columns: [...tabularInspection().columns, { name: 'notes', kind: 'text', missing: 0, distinct: 200, labelCandidate: false }] });
  const issue = validateSetup(textOptions, ready(withText)).issues[0];
  assert.equal(issue.field, 'textColumn');
  assert.match(issue.message, /choose one under Text column/);
});

test('the MLP on a text dataset is refused; on tabular data with LoRA it is advice only', () => {
  const mlpOnText = validateSetup({ ...textOptions, model: 'mlp' }, { ...ready(), model: MLP });
  assert.match(mlpOnText.startBlocked ?? '', /reads numeric columns, but this is a text dataset/);
  const lora = validateSetup({ ...textOptions, model: 'mlp', technique: 'lora' }, { ...ready(tabularInspection()), model: MLP });
  assert.equal(lora.startBlocked, null);
  assert.equal(lora.issues[0].severity, 'warning');
});

test('a label with one class, a missing label, a model folder problem', () => {
  assert.match(validateSetup(textOptions, ready(textInspection({ labelCounts: [{ label: 'good', count: 1000 }] }))).startBlocked ?? '', /only one class/);
  assert.match(validateSetup(textOptions, ready(textInspection({ label: null, task: null }))).startBlocked ?? '', /^No label column/);
  const folder = validateSetup({ ...textOptions, model: '/nowhere' }, { ...ready(), model: undefined, modelProblem: 'No model.json in /nowhere' });
  assert.equal(folder.startBlocked, 'No model.json in /nowhere');
});

test('loading, starting and untrusted workspaces block Start without an error', () => {
  const loading = validateSetup(textOptions, { ...ready(), dataset: { status: 'loading' } });
  assert.equal(loading.startBlocked, 'Reading the dataset…');
  assert.deepEqual(loading.issues, []);
  assert.equal(validateSetup(textOptions, { ...ready(), starting: true }).startBlocked, 'Starting…');
  assert.match(validateSetup(textOptions, { ...ready(), trusted: false }).startBlocked ?? '', /untrusted/);
  assert.match(validateSetup(textOptions, { ...ready(), dataset: { status: 'failed', reason: 'no such file' } }).startBlocked ?? '', /cannot be read: no such file/);
});

test('split fractions must leave rows for training; a batch larger than the training rows is a warning', () => {
  const both = withNumber(withNumber(textOptions, 'validationFraction', '0.45'), 'testFraction', '0.45');
  assert.match(validateSetup(both, ready()).startBlocked ?? '', /at least 20%/);
  const big = validateSetup(withNumber(textOptions, 'batchSize', '4000'), ready());
  assert.equal(big.startBlocked, null);
  assert.match(big.issues.find((i) => i.field === 'batchSize')?.message ?? '', /800 training rows/);
});

test('numbers parse in their ranges, with exponents and spaces', () => {
  assert.deepEqual(parseNumberField('learningRate', ' 1e-3 '), { ok: true, value: 0.001 });
  assert.deepEqual(parseNumberField('patience', '0'), { ok: true, value: 0 });
  assert.equal(parseNumberField('warmupRatio', '1').ok, false);
  assert.equal(parseNumberField('seed', '-1').ok, false);
});

test('image folders: MobileNetV2 with feature extraction by default can start; a text or tabular model is refused, and MobileNetV2 on a CSV too', () => {
  const imageOptions = defaultOptions({ task: 'image-classification', defaultTechnique: 'lora' });
  assert.equal(imageOptions.model, 'mobilenet_v2');
  assert.equal(imageOptions.technique, 'features');
  const ok = validateSetup(imageOptions, { ...ready(imageFolderInspection()), model: MOBILENET });
  assert.deepEqual(ok.issues, []);
  assert.equal(ok.startBlocked, null);
  const bert = { ...NN_SENTIMENT, value: 'prajjwal1/bert-tiny', title: 'prajjwal1/bert-tiny' };
  const refused = validateSetup({ ...imageOptions, model: bert.value }, { ...ready(imageFolderInspection()), model: bert });
  assert.equal(refused.startBlocked, 'prajjwal1/bert-tiny does not read images, and this is an image dataset: pick MobileNetV2');
  assert.equal(refused.issues[0].field, 'model');
  const onText = validateSetup({ ...textOptions, model: 'mobilenet_v2' }, { ...ready(), model: MOBILENET });
  assert.equal(onText.startBlocked, 'MobileNetV2 reads images, but this dataset has no column of image paths: pick another model');
});

test('a chosen model that cannot be used (offline and not cached, a folder without weights) blocks Start with its problem', () => {
  const problem = 'distilbert-base-uncased is not on this machine and offline mode is on (the setting fineTune.offline): turn offline mode off to download it (≈266 MB), or choose a local model folder';
  const v = validateSetup({ ...textOptions, model: 'distilbert-base-uncased' }, { ...ready(), model: undefined, modelProblem: problem });
  assert.equal(v.startBlocked, problem);
  assert.deepEqual(v.issues.map((i) => i.field), ['model']);
});
